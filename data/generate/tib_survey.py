"""Write the Terug in Balans survey (30 former participants) as a Microsoft Forms xlsx export.

Synthetic reconstruction of the SPAT Verandert factsheet: answers are chosen so that every
share it publishes comes out exactly (80% back at their own employer, 10% at another, 10% still
absent; more than 90% no relapse; grenzen bewaken strengthened for 80% and still applied at
about the same level) and the ordering of skills and factors agrees with its text.
Run: .venv/bin/python data/generate/tib_survey.py
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import xlsxwriter

OUT = Path(__file__).resolve().parents[1] / "terug_in_balans" / "2024" / "terug_in_balans_enquete_forms.xlsx"
N = 30

Q_RETURN = "Ben je tijdens of na het traject teruggekeerd naar werk?"
Q_RELAPSE = "Ben je sinds het afronden van het traject nog uitgevallen door psychische klachten?"
Q_STRENGTHENED = "Welke vaardigheden zijn versterkt door het Terug in Balans traject?"
Q_APPLIED = "Welke vaardigheden pas je drie maanden na het traject nog steeds toe?"
Q_TIPS = "Heb je nog tips of opmerkingen voor SPAT Verandert?"

# skill: (strengthened, still applied) out of 30
SKILLS = {
    "Grenzen bewaken": (24, 23),
    "Beslissen": (21, 21),
    "Zelfvertrouwen": (20, 18),
    "Zelfbeeld": (18, 16),
    "Emotioneel bewustzijn": (17, 15),
    "Plannen en prioriteren": (12, 11),
    "Ontspannen": (11, 10),
    "Focus houden": (10, 9),
    "Energie verdelen": (9, 8),
    "Ademhaling": (8, 7),
}
SCALE = ["Niet behulpzaam", "Matig behulpzaam", "Behulpzaam", "Flink behulpzaam", "Zeer behulpzaam"]
# factor (in questionnaire order): respondents per scale point 1..5
FACTORS = {
    "De klik met de coach": [0, 0, 2, 6, 22],
    "De persoonlijke aandacht van de coach": [0, 0, 3, 8, 19],
    "Dat ik door iemand buiten de organisatie begeleid werd": [1, 2, 7, 10, 10],
    "Dat de oefeningen een combinatie waren van fysiek, mentaal en emotioneel": [0, 2, 6, 11, 11],
    "De oefeningen die me inzicht gaven in mijn gedrag": [0, 1, 3, 10, 16],
    "Buiten zijn": [0, 1, 4, 10, 15],
    "De snelheid waarmee ik geholpen ben door SPAT Verandert": [0, 1, 5, 9, 15],
}
RETURN = ["Ja, bij huidige werkgever"] * 24 + ["Ja, bij andere werkgever"] * 3 + ["Nee, zelfde klachten"] * 3
RELAPSE = ["Nee"] * 28 + ["Ja"] * 2
FIRST = ["Anna", "Bas", "Carla", "Dirk", "Els", "Frank", "Gerda", "Hans", "Ilse", "Jan", "Karin", "Luuk", "Mieke",
         "Niels", "Olga", "Pim", "Roos", "Sjoerd", "Tineke", "Uri", "Vera", "Wim", "Yara", "Zeger", "Adriaan",
         "Bregje", "Coen", "Dewi", "Egbert", "Femke"]
LAST = ["Kramer", "Postma", "Huisman", "Kuipers", "Veenstra", "Dijkstra", "Zijlstra", "Hoekstra", "Wiersma",
        "Bosma", "Jonker", "Prins", "Schouten", "Boersma", "Koster", "Smits", "Willems", "Timmermans", "Molenaar",
        "Haan", "Evers", "Hofman", "Bouma", "Kok", "Nijland", "Brink", "Sikkema", "Terpstra", "Vink", "Mulder"]


def _chosen(count: int, offset: int) -> set[int]:
    """`count` respondents, starting at a skill-specific offset so the sets differ per skill."""
    return {(offset + k) % N for k in range(count)}


def answers() -> list[dict]:
    strengthened = {s: _chosen(n, 7 * i) for i, (s, (n, _)) in enumerate(SKILLS.items())}
    # still applied: the first m of those who strengthened the skill (in respondent order from the offset)
    applied = {s: _chosen(m, 7 * i) for i, (s, (_, m)) in enumerate(SKILLS.items())}
    rows = []
    for r in range(N):
        row = {
            Q_RETURN: RETURN[(r * 7) % N],
            Q_RELAPSE: RELAPSE[(r * 11) % N],
            Q_STRENGTHENED: "".join(f"{s};" for s in SKILLS if r in strengthened[s]),
            Q_APPLIED: "".join(f"{s};" for s in SKILLS if r in applied[s]),
        }
        for f, counts in FACTORS.items():
            points = [p for p, c in enumerate(counts, start=1) for _ in range(c)]
            row[f] = SCALE[points[(r * 13 + len(f)) % N] - 1]
        row[Q_TIPS] = {3: "Bel me gerust voor een vervolg: 06-23456789 of mail naar a.kramer@example.nl",
                       8: "Het buiten zijn gaf me rust.", 15: "Meer terugkomdagen zouden helpen. Groet, Luuk",
                       21: "Declaraties graag op NL91 ABNA 0417 1643 00; mijn BSN is 123456782."}.get(r)
        rows.append(row)
    return rows


def main() -> Path:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(OUT)
    sheet = book.add_worksheet("Sheet1")
    stamp = book.add_format({"num_format": "m/d/yy h:mm:ss"})
    headers = ["ID", "Start time", "Completion time", "Email", "Name", Q_RETURN, Q_RELAPSE, Q_STRENGTHENED,
               Q_APPLIED, *FACTORS, Q_TIPS]
    sheet.write_row(0, 0, headers)
    start = datetime(2024, 3, 4, 9, 0)
    for r, row in enumerate(answers(), start=1):
        began = start + timedelta(days=r // 3, hours=r % 9, minutes=11 * r % 60)
        email = f"{FIRST[r - 1][0].lower()}.{LAST[r - 1].lower()}@example.nl"
        sheet.write_number(r, 0, r)
        sheet.write_datetime(r, 1, began, stamp)
        sheet.write_datetime(r, 2, began + timedelta(minutes=6 + r % 7, seconds=17 * r % 60), stamp)
        sheet.write_string(r, 3, email)
        sheet.write_string(r, 4, f"{FIRST[r - 1]} {LAST[r - 1]}")
        for c, h in enumerate(headers[5:], start=5):
            if row.get(h):
                sheet.write_string(r, c, row[h])
    book.close()
    return OUT


if __name__ == "__main__":
    print(main())
