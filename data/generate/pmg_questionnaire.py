"""Write the PMG 2023 short questionnaire as two Qualtrics CSV exports (T0 and T1).

Synthetic reconstruction: every grade below is chosen so that the published tables of the PMG
report 2022-2023 (Tabel 4-7) and the grades its text describes come out of the data.
Run: .venv/bin/python data/generate/pmg_questionnaire.py
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "pmg" / "2023"

GG = ("Gemeente Groningen", "Teamcoaching hybride werken", "Teamcoaching hybride werken")
EN = ("Rijksuniversiteit Groningen", "Training Emoties", "Training Emoties Engelstalig")
NL = ("Rijksuniversiteit Groningen", "Training Emoties", "Training Emoties Nederlandstalig")
CS1 = ("UMCG", "Cold shower challenge", "Cold shower challenge 1")
CS2 = ("UMCG", "Cold shower challenge", "Cold shower challenge 2")
CS3 = ("UMCG", "Cold shower challenge", "Cold shower challenge 3")
PG = ("UMCG", "Workshop Positieve Gezondheid", "Positieve Gezondheid")

# code, first name, last name, context, T0 grade, T1 grade, intervention grade (None = not answered,
# "skip" = no questionnaire in that wave)
PARTICIPANTS = [
    ("GG-TC-01", "Sanne", "de Vries", GG, "8", "6", "1"),
    ("GG-TC-02", "Mark", "Bakker", GG, "6", "0", "1"),          # "Ik zat op punt nul"
    ("RUG-EN-01", "Lena", "Fischer", EN, "9", "9", "8,5"),
    ("RUG-EN-02", "Tom", "Jansen", EN, "7", "8", "8,5"),
    ("RUG-EN-03", "Priya", "Sharma", EN, "7,5", "7,5", "8"),
    ("RUG-EN-04", "Marco", "Rossi", EN, "4", "6,5", "8"),
    ("RUG-NL-01", "Eva", "Visser", NL, "7", "7", "8"),
    ("RUG-NL-02", "Joris", "Smit", NL, "6", "7", "8"),
    ("RUG-NL-03", "Anouk", "Meijer", NL, "6,5", "6", "7"),
    ("RUG-NL-04", "Iris", "de Boer", NL, "4,5", None, "8"),     # T1: graded the training, not herself
    ("UMCG-CS1-01", "Kees", "Mulder", CS1, "9", "8", "8"),
    ("UMCG-CS1-02", "Fleur", "de Groot", CS1, "8", "skip", "skip"),
    ("UMCG-CS1-03", "Bram", "Bos", CS1, "skip", "8", "8"),
    ("UMCG-CS1-04", "Noor", "Vos", CS1, "skip", "7", "8"),
    ("UMCG-CS2-01", "Lotte", "Peters", CS2, "8", "skip", "skip"),
    ("UMCG-CS2-02", "Ruben", "Hendriks", CS2, "6,5", "skip", "skip"),
    ("UMCG-CS2-03", "Sophie", "van Leeuwen", CS2, "7", "skip", "skip"),
    ("UMCG-CS3-01", "Daan", "Dekker", CS3, "5,5", "6", "7"),
    ("UMCG-PG-01", "Maud", "Brouwer", PG, "8", "skip", "skip"),
    ("UMCG-PG-02", "Thijs", "de Wit", PG, "6,5", "skip", "skip"),
]

META = [
    ("StartDate", "Startdatum", "startDate"), ("EndDate", "Einddatum", "endDate"),
    ("Status", "Antwoordtype", "status"), ("IPAddress", "IP-adres", "ipAddress"),
    ("Progress", "Voortgang", "progress"), ("Duration (in seconds)", "Duur (in seconden)", "duration"),
    ("Finished", "Voltooid", "finished"), ("RecordedDate", "Registratiedatum", "recordedDate"),
    ("ResponseId", "Antwoord-ID", "_recordId"), ("RecipientLastName", "Achternaam ontvanger", "recipientLastName"),
    ("RecipientFirstName", "Voornaam ontvanger", "recipientFirstName"),
    ("RecipientEmail", "E-mailadres ontvanger", "recipientEmail"),
    ("ExternalReference", "Externe gegevensreferentie", "externalDataReference"),
    ("LocationLatitude", "Locatie breedtegraad", "locationLatitude"),
    ("LocationLongitude", "Locatie lengtegraad", "locationLongitude"),
    ("DistributionChannel", "Distributiekanaal", "distributionChannel"),
    ("UserLanguage", "Gebruikerstaal", "userLanguage"),
]
QUESTIONS = [
    ("Q1", "Wat is je deelnemerscode?", "QID1_TEXT"),
    ("Q2", "Bij welke organisatie werk je?", "QID2"),
    ("Q3", "Aan welke interventie neem je deel?", "QID3"),
    ("Q4", "In welke groep neem je deel?", "QID4"),
    ("Q5", "Welk cijfer geef je je mentale gezondheid op dit moment? (0 = zeer slecht, 10 = uitstekend)", "QID5_TEXT"),
]
Q6 = ("Q6", "Welk cijfer geef je de interventie? (1-10)", "QID6_TEXT")


def _email(first: str, last: str, org: str) -> str:
    domain = {"UMCG": "umcg.nl", "Rijksuniversiteit Groningen": "rug.nl", "Gemeente Groningen": "groningen.nl"}[org]
    return f"{first[0].lower()}.{last.replace(' ', '').lower()}@{domain}"


def write_wave(wave: str, start: datetime) -> Path:
    questions = QUESTIONS + ([Q6] if wave == "T1" else [])
    columns = META + questions
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([c[0] for c in columns])
    w.writerow([c[1] for c in columns])
    w.writerow(['{"ImportId":"%s"}' % c[2] for c in columns])
    n = 0
    for i, (code, first, last, (org, interv, group), t0, t1, rating) in enumerate(PARTICIPANTS):
        grade = t0 if wave == "T0" else t1
        if grade == "skip":
            continue
        n += 1
        began = start + timedelta(days=i % 5, hours=i, minutes=7 * i)
        duration = 95 + 13 * i
        ended = began + timedelta(seconds=duration)
        fmt = "%Y-%m-%d %H:%M:%S"
        row = [began.strftime(fmt), ended.strftime(fmt), "0", f"192.0.2.{10 + i}", "100", str(duration), "1",
               ended.strftime(fmt), f"R_{wave}{i:02d}xQ7pL2mZ{n:03d}", last, first, _email(first, last, org), "",
               f"53.2{i:02d}", f"6.5{i:02d}", "email", "EN" if group.endswith("Engelstalig") else "NL",
               code, org, interv, group, grade or ""]
        if wave == "T1":
            row.append(rating or "")
        w.writerow(row)
    path = OUT / f"pmg_{wave.lower()}_qualtrics.csv"
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))  # Qualtrics writes a BOM
    return path


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    print(write_wave("T0", datetime(2022, 10, 3, 9, 0)))
    print(write_wave("T1", datetime(2023, 2, 6, 9, 0)))
