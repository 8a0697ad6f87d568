"""Synthetic exports at any size, in the formats and codebooks of the bundled sample.

Writes `<out>/pmg/<year>/` (two Qualtrics CSVs, T0 and T1, with three header rows, UTF-8 BOM and
CRLF; a MAXQDA "Export coded segments" workbook, or CSV above ~200k segments) and
`<out>/terug_in_balans/<year>/` (a Microsoft Forms results workbook), each with codebooks adapted
from the bundled ones in data/ (year, file names, and the organisations, documents and groups
generated here). Everything is synthetic and deterministic (fixed seed); columns are built with
NumPy and Polars, so a million rows take seconds.

    .venv/bin/python -m bench.generate --out /tmp/bench-data --years 10 --organisations 200 \\
        --responses 1000000 --segments 1000000 --tib 100000
"""

from __future__ import annotations

import argparse
import copy
import io
import csv
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import xlsxwriter
import yaml

# The sample's own Qualtrics layout: the benchmark writes exactly what the bundled exports are.
from data.generate.pmg_questionnaire import META as QUALTRICS_META
from data.generate.pmg_questionnaire import Q6 as QUALTRICS_Q6
from data.generate.pmg_questionnaire import QUESTIONS as QUALTRICS_QUESTIONS

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data"
SEED = 20240601
MAXQDA_CSV_ABOVE = 200_000  # segments in total; above it the MAXQDA export is written as CSV

FIRST = ["Anna", "Bas", "Carla", "Dirk", "Els", "Frank", "Gerda", "Hans", "Ilse", "Jan", "Karin", "Luuk", "Mieke",
         "Niels", "Olga", "Pim", "Roos", "Sjoerd", "Tineke", "Vera", "Wim", "Yara", "Zeger", "Bregje", "Coen",
         "Dewi", "Femke", "Sanne", "Mark", "Lena", "Tom", "Priya", "Marco", "Eva", "Joris", "Anouk", "Iris", "Kees",
         "Fleur", "Bram", "Noor", "Lotte", "Ruben", "Sophie", "Daan", "Maud", "Thijs", "Sara", "Ahmed", "Fatima",
         "Mohamed", "Ayse", "Emre", "Lisa", "Kevin", "Julia", "Stijn", "Merel", "Jesse", "Nina"]
LAST = ["de Vries", "Bakker", "Jansen", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos",
        "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf",
        "van der Meer", "van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen", "van den Berg", "van Dijk",
        "Kramer", "Postma", "Huisman", "Kuipers", "Veenstra", "Zijlstra", "Hoekstra", "Wiersma", "Bosma", "Jonker",
        "Prins", "Schouten", "Boersma", "Koster", "Willems", "Timmermans", "Molenaar", "Evers", "Hofman", "Bouma",
        "Nijland", "Brink", "Sikkema", "Terpstra", "Vink", "Yilmaz", "Kaya", "El Amrani", "Öztürk", "Çelik"]
INTERVENTIONS = ["Training Emoties", "Cold shower challenge", "Teamcoaching hybride werken",
                 "Workshop Positieve Gezondheid", "Mindfulness op het werk", "Wandelcoaching", "Veerkrachttraining",
                 "Slaapcoaching", "Teamdag werkplezier", "Leiderschap en welzijn", "Energiemanagement",
                 "Omgaan met werkdruk"]
BUNDLED_ORGS = [("UMCG", "UMCG"), ("Rijksuniversiteit Groningen", "RUG"), ("Gemeente Groningen", "Gemeente Groningen")]
PHRASES = ["Ik merk dat de werkdruk hoog is", "Het contact met collega's geeft me energie",
           "Ik heb geleerd beter mijn grenzen aan te geven", "De begeleiding was prettig en duidelijk",
           "Thuiswerken maakt het lastig om aangehaakt te blijven", "Ik slaap beter sinds de training",
           "Mijn leidinggevende denkt goed met me mee", "Er is weinig ruimte voor eigen regie",
           "De oefeningen pas ik nog steeds toe", "Ik zou het collega's zeker aanraden",
           "Soms voelt het alsof alles tegelijk moet", "In de groep kon ik mijn verhaal kwijt",
           "Het was af en toe confronterend", "Ik ben bewuster bezig met pauzes nemen",
           "De administratie kost veel tijd", "Sporten helpt me om mijn hoofd leeg te maken",
           "Ik had meer vervolgbijeenkomsten willen hebben", "Het team praat nu opener over stress"]
TAILS = [".", ", eerlijk gezegd.", ", dat merk ik elke week.", ". Dat had ik niet verwacht.",
         ", maar het blijft lastig.", ". Daar ben ik blij mee.", ", zeker in drukke periodes."]
SECTION_COLOURS = {"Diagnose": "#00b050", "Interventieverwachtingen": "#0070c0", "Verandering": "#00b0f0",
                   "Evaluatie": "#ffc000", "Advies": "#808080"}
MAXQDA_HEADER = ["Color", "Document group", "Document name", "Code", "Beginning", "End", "Weight score", "Segment",
                 "Modified by", "Modified", "Created by", "Created", "Area", "Coverage %"]


@dataclass
class Group:
    org_label: str
    org_code: str
    intervention: str
    group_label: str


def organisations(n: int) -> list[tuple[str, str]]:
    """(label as exported, code stored): the bundled three first, then synthetic ones."""
    out = BUNDLED_ORGS[:n]
    out += [(f"Organisatie {i:03d}", f"ORG{i:03d}") for i in range(len(out) + 1, n + 1)]
    return out


def groups_of(orgs: list[tuple[str, str]]) -> list[Group]:
    """Every organisation runs 1-3 interventions of 1-2 groups each (about 3 groups on average)."""
    groups = []
    for i, (label, code) in enumerate(orgs):
        for j in range(1 + i % 3):
            intervention = INTERVENTIONS[(i * 5 + j * 7) % len(INTERVENTIONS)]
            for g in range(1 + (i + j) % 2):
                groups.append(Group(label, code, intervention, f"{intervention} {g + 1}"))
    return groups


def _split(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def _grade_text(values: np.ndarray) -> pl.Series:
    """Grades in half points, written as Qualtrics writes typed numbers: "7" or "7,5"."""
    whole = np.floor(values).astype(np.int64)
    s = pl.Series(whole).cast(pl.String)
    return pl.select(pl.when(pl.lit(pl.Series(values % 1 > 0))).then(s + ",5").otherwise(s)).to_series()


def _stamps(start: datetime, seconds: np.ndarray, fmt: str) -> pl.Series:
    return (pl.Series(seconds.astype(np.int64) * 1_000_000).cast(pl.Duration("us")) + start).dt.strftime(fmt)


# --- PMG questionnaire (Qualtrics CSV) ---------------------------------------------------------



@dataclass
class Cohort:
    """One PMG edition's participants: their group and which waves they answered."""
    code: pl.Series  # participant code
    group: np.ndarray  # index into groups
    first: np.ndarray
    last: np.ndarray
    t0: np.ndarray  # participant indices answering T0, in file order
    t1: np.ndarray


def pmg_cohort(rng: np.random.Generator, year: int, n_rows: int, groups: list[Group]) -> Cohort:
    """n_rows questionnaire rows: ~55% T0, ~45% T1; most T1 respondents also answered T0, a few did not."""
    n0 = max(1, round(n_rows * 0.55)) if n_rows > 1 else n_rows
    n1 = n_rows - n0
    only_t1 = n1 // 20
    n_people = n0 + only_t1
    group = rng.integers(0, len(groups), n_people)
    org_codes = pl.Series([g.org_code.replace(" ", "")[:6].upper() for g in groups]).gather(group)
    code = org_codes + f"-{year % 100:02d}-" + pl.Series(np.arange(n_people)).cast(pl.String).str.zfill(7)
    t0 = rng.permutation(n0)
    both = n1 - only_t1
    t1 = np.concatenate([rng.choice(n0, size=both, replace=False) if both else np.array([], dtype=np.int64),
                         np.arange(n0, n_people)])
    rng.shuffle(t1)
    return Cohort(code, group, rng.integers(0, len(FIRST), n_people), rng.integers(0, len(LAST), n_people), t0, t1)


def write_qualtrics(path: Path, rng: np.random.Generator, cohort: Cohort, groups: list[Group], wave: str,
                    start: datetime) -> int:
    who = cohort.t0 if wave == "T0" else cohort.t1
    n = len(who)
    g = cohort.group[who]
    first = pl.Series(FIRST).gather(cohort.first[who])
    last = pl.Series(LAST).gather(cohort.last[who])
    began = rng.integers(0, 60 * 86400, n)
    duration = rng.integers(45, 900, n)
    org_label = pl.Series([x.org_label for x in groups]).gather(g)
    group_label = pl.Series([x.group_label for x in groups]).gather(g)
    mh = np.clip(np.round(rng.normal(6.6 if wave == "T0" else 7.0, 1.5, n) * 2) / 2, 0, 10)
    mh_text = _grade_text(mh)
    if wave == "T1":  # like the sample: a few graded the intervention but not themselves
        mh_text = pl.select(pl.when(pl.lit(pl.Series(rng.random(n) < 0.01))).then(None).otherwise(mh_text)).to_series()
    domain = pl.Series([x.org_code.lower().replace(" ", "") + ".nl" for x in groups]).gather(g)
    email = (first.str.slice(0, 1).str.to_lowercase() + "." + last.str.replace_all(" ", "").str.to_lowercase()
             + pl.Series(who).cast(pl.String) + "@" + domain)
    frame = pl.DataFrame({
        "StartDate": _stamps(start, began, "%Y-%m-%d %H:%M:%S"),
        "EndDate": _stamps(start, began + duration, "%Y-%m-%d %H:%M:%S"),
        "Status": "0",
        "IPAddress": "192.0.2." + pl.Series(rng.integers(1, 255, n)).cast(pl.String),
        "Progress": "100",
        "Duration (in seconds)": pl.Series(duration).cast(pl.String),
        "Finished": "1",
        "RecordedDate": _stamps(start, began + duration, "%Y-%m-%d %H:%M:%S"),
        "ResponseId": f"R_{wave}" + pl.Series(np.arange(n)).cast(pl.String).str.zfill(8) + "xQ7pL2mZ",
        "RecipientLastName": last, "RecipientFirstName": first, "RecipientEmail": email,
        "ExternalReference": None,
        "LocationLatitude": "53.2" + pl.Series(rng.integers(0, 99, n)).cast(pl.String).str.zfill(2),
        "LocationLongitude": "6.5" + pl.Series(rng.integers(0, 99, n)).cast(pl.String).str.zfill(2),
        "DistributionChannel": "email",
        "UserLanguage": pl.Series(np.where(rng.random(n) < 0.15, "EN", "NL")),
        "Q1": cohort.code.gather(who), "Q2": org_label,
        "Q3": pl.Series([x.intervention for x in groups]).gather(g), "Q4": group_label, "Q5": mh_text,
    }, schema_overrides={"ExternalReference": pl.String})
    columns = QUALTRICS_META + QUALTRICS_QUESTIONS
    if wave == "T1":
        frame = frame.with_columns(Q6=_grade_text(np.clip(np.round(rng.normal(7.6, 1.2, n) * 2) / 2, 1, 10)))
        columns = columns + [QUALTRICS_Q6]
    head = io.StringIO(newline="")
    w = csv.writer(head, lineterminator="\r\n")
    w.writerow([c[0] for c in columns])
    w.writerow([c[1] for c in columns])
    w.writerow(['{"ImportId":"%s"}' % c[2] for c in columns])
    body = io.BytesIO()
    frame.write_csv(body, include_header=False, line_terminator="\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + head.getvalue().encode("utf-8") + body.getvalue())
    return n


# --- PMG focus interviews (MAXQDA coded segments) ----------------------------------------------

def write_maxqda(path: Path, rng: np.random.Generator, cohort: Cohort, groups: list[Group], n_segments: int,
                 themes: dict[str, dict], year: int) -> dict[str, dict]:
    """Coded segments of one edition's focus interviews (one document per group and wave); returns the
    codebook's `documents:` mapping."""
    docs = []  # (name, group index, wave, panel of participant indices)
    for wave, who in (("T0", cohort.t0), ("T1", cohort.t1)):
        members: dict[int, list[int]] = {}
        for p in who[:len(who)]:
            members.setdefault(int(cohort.group[p]), []).append(int(p))
        for gi in sorted(members):
            people = members[gi]
            panel = rng.choice(people, size=min(len(people), 8), replace=False)
            g = groups[gi]
            docs.append((f"{wave} {g.org_code} {g.group_label}", gi, wave, panel))
    documents = {name: {"organisation": groups[gi].org_code, "intervention": groups[gi].intervention,
                        "group_label": groups[gi].group_label, "wave": wave} for name, gi, wave, _ in docs}
    if not docs or n_segments == 0:
        n_segments = 0
    # themes by wave: T0 documents code Diagnose and expectations, T1 documents change, evaluation, advice
    by_wave = {"T0": [c for c, t in themes.items() if t["section"] in ("Diagnose", "Interventieverwachtingen")],
               "T1": [c for c, t in themes.items() if t["section"] in ("Verandering", "Evaluatie", "Advies")]}
    doc = np.sort(rng.integers(0, len(docs), n_segments)) if n_segments else np.array([], dtype=np.int64)
    panel_size = np.array([len(d[3]) for d in docs])
    panels = np.zeros((len(docs), 8), dtype=np.int64)
    for i, d in enumerate(docs):
        panels[i, :len(d[3])] = d[3]
    speaker = panels[doc, (rng.random(n_segments) * panel_size[doc]).astype(np.int64)]
    is_t1 = np.array([d[2] == "T1" for d in docs], dtype=bool)[doc]
    t0_codes, t1_codes = pl.Series(by_wave["T0"]), pl.Series(by_wave["T1"])
    code = pl.select(pl.when(pl.lit(pl.Series(is_t1)))
                     .then(t1_codes.gather(rng.integers(0, len(t1_codes), n_segments)))
                     .otherwise(t0_codes.gather(rng.integers(0, len(t0_codes), n_segments)))).to_series()
    text = (cohort.code.gather(speaker) + ": " + pl.Series(PHRASES).gather(rng.integers(0, len(PHRASES), n_segments))
            + pl.Series(TAILS).gather(rng.integers(0, len(TAILS), n_segments)))
    # a few quotes carry contact details, as real transcripts do (masked at ingest)
    contact = rng.random(n_segments) < 0.002
    text = pl.select(pl.when(pl.lit(pl.Series(contact))).then(text + " Mail me op j.jansen@example.nl of bel 06-12345678.")
                     .otherwise(text)).to_series()
    section = code.str.split("\\").list.first()
    paragraph = (pl.DataFrame({"d": doc}).select(pl.int_range(pl.len()).over("d") * 3 + 3).to_series())
    created = _stamps(datetime(year, 5, 1, 9), rng.integers(0, 30 * 86400, n_segments), "%d.%m.%Y %H:%M:%S")
    area = text.str.len_chars()
    frame = pl.DataFrame({
        "Color": section.replace_strict(SECTION_COLOURS, default="#808080"),
        "Document group": pl.Series([groups[d[1]].org_code for d in docs], dtype=pl.String).gather(doc),
        "Document name": pl.Series([d[0] for d in docs], dtype=pl.String).gather(doc),
        "Code": code, "Beginning": paragraph, "End": paragraph, "Weight score": 0, "Segment": text,
        "Modified by": "MB", "Modified": created, "Created by": "MB", "Created": created, "Area": area,
        "Coverage %": (area.cast(pl.Float64) / 40.0).round(2),
    })
    if path.suffix == ".csv":
        body = io.BytesIO()
        frame.write_csv(body, line_terminator="\r\n")
        path.write_bytes(b"\xef\xbb\xbf" + body.getvalue())
    else:
        book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        book.set_properties({"author": "MB", "created": datetime(year, 6, 1)})
        sheet = book.add_worksheet("Coded segments")
        sheet.write_row(0, 0, MAXQDA_HEADER)
        for r, row in enumerate(frame.iter_rows(), start=1):
            sheet.write_row(r, 0, row)
        book.close()
    return documents


# --- Terug in Balans (Microsoft Forms xlsx) -----------------------------------------------------

def write_forms(path: Path, rng: np.random.Generator, n: int, year: int, spec: dict, offset: int) -> None:
    variables = spec["variables"]
    skills = [lab["label"] for lab in variables["skills_strengthened"]["labels"]]
    scale = [lab["label"] for lab in spec["scales"]["behulpzaamheid"]]
    factors = [v["column"] for v in variables.values() if v.get("role") == "factor"]
    q_return, q_relapse = variables["return_to_work"]["column"], variables["relapse"]["column"]
    q_strengthened, q_applied = variables["skills_strengthened"]["column"], variables["skills_still_applied"]["column"]
    q_tips = variables["tips"]["column"]
    return_labels = [lab["label"] for lab in variables["return_to_work"]["labels"]]
    relapse_labels = [lab["label"] for lab in variables["relapse"]["labels"]]  # Nee, Ja

    first = pl.Series(FIRST).gather(rng.integers(0, len(FIRST), n))
    last = pl.Series(LAST).gather(rng.integers(0, len(LAST), n))
    anonymous = rng.random(n) < 0.02
    idx = pl.Series(np.arange(offset, offset + n)).cast(pl.String)
    email = first.str.slice(0, 1).str.to_lowercase() + "." + last.str.replace_all(" ", "").str.to_lowercase() + idx + "@example.nl"
    email = pl.select(pl.when(pl.lit(pl.Series(anonymous))).then(pl.lit("anonymous")).otherwise(email)).to_series()
    name = pl.select(pl.when(pl.lit(pl.Series(anonymous))).then(None).otherwise(first + " " + last)).to_series()
    strengthened_p = np.linspace(0.8, 0.27, len(skills))
    chosen = rng.random((n, len(skills))) < strengthened_p
    applied = chosen & (rng.random((n, len(skills))) < 0.92)

    def joined(mask: np.ndarray) -> pl.Series:
        parts = [pl.when(pl.lit(pl.Series(mask[:, k]))).then(pl.lit(f"{s};")).otherwise(pl.lit(""))
                 for k, s in enumerate(skills)]
        out = pl.select(pl.concat_str(parts)).to_series()
        return pl.select(pl.when(out == "").then(None).otherwise(out)).to_series()

    tips_pool = ["Het buiten zijn gaf me rust.", "Meer terugkomdagen zouden helpen.",
                 "Bel me gerust voor een vervolg: 06-23456789", "Fijn traject, dank aan mijn coach."]
    tip_pick = rng.integers(0, len(tips_pool) + 1, n)
    tips = pl.Series(tips_pool + [None], dtype=pl.String).gather(np.where(rng.random(n) < 0.15, tip_pick, len(tips_pool)))
    # now and then a respondent signs with their own name (masked at ingest)
    signed = (rng.random(n) < 0.02) & ~anonymous
    tips = pl.select(pl.when(pl.lit(pl.Series(signed))).then(pl.lit("Groet, ") + first).otherwise(tips)).to_series()
    columns = {
        "ID": pl.Series(np.arange(1, n + 1)),
        "Email": email, "Name": name,
        q_return: pl.Series(return_labels).gather(rng.choice(len(return_labels), n, p=[0.8, 0.1, 0.1])),
        q_relapse: pl.Series(relapse_labels).gather((rng.random(n) < 0.07).astype(np.int64)),
        q_strengthened: joined(chosen), q_applied: joined(applied),
        **{f: pl.Series(scale).gather(np.clip(rng.choice(5, n, p=[0.02, 0.05, 0.15, 0.33, 0.45]) - (k % 2), 0, 4))
           for k, f in enumerate(factors)},
        q_tips: tips,
    }
    frame = pl.DataFrame(columns)
    began = [datetime(year, 3, 4, 9) + timedelta(seconds=int(s)) for s in rng.integers(0, 120 * 86400, n)]
    headers = ["ID", "Start time", "Completion time", "Email", "Name", q_return, q_relapse, q_strengthened, q_applied,
               *factors, q_tips]
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Sheet1")
    stamp = book.add_format({"num_format": "m/d/yy h:mm:ss"})
    sheet.write_row(0, 0, headers)
    rest = [h for h in headers[3:]]
    for r, (row, t0) in enumerate(zip(frame.select(rest).iter_rows(), began), start=1):
        sheet.write_number(r, 0, r)
        sheet.write_datetime(r, 1, t0, stamp)
        sheet.write_datetime(r, 2, t0 + timedelta(minutes=6 + r % 7), stamp)
        for c, value in enumerate(row, start=3):
            if value is not None:
                sheet.write_string(r, c, value)
    book.close()


# --- codebooks ----------------------------------------------------------------------------------

def _load(relative: str) -> dict:
    return yaml.safe_load((SAMPLE / relative).read_text(encoding="utf-8"))


def _dump(path: Path, spec: dict, what: str) -> None:
    text = yaml.safe_dump(spec, allow_unicode=True, sort_keys=False, width=120)
    path.write_text(f"# {what}\n# Synthetic: written by bench/generate.py from the bundled codebook in data/.\n{text}",
                    encoding="utf-8")


def generate(out: Path, years: int = 10, organisations_n: int = 200, responses: int = 1_000_000,
             segments: int = 1_000_000, tib: int = 100_000, first_year: int = 2016, seed: int = SEED,
             maxqda_format: str = "auto", log=print) -> dict:
    """Write the exports and codebooks under `out`; returns what was written (counts and files)."""
    t_start = time.perf_counter()
    rng = np.random.default_rng(seed)
    orgs = organisations(organisations_n)
    groups = groups_of(orgs)
    questionnaire_cb, interviews_cb, survey_cb = (_load("pmg/2023/codebook_questionnaire.yaml"),
                                                  _load("pmg/2023/codebook_interviews.yaml"),
                                                  _load("terug_in_balans/2024/codebook_survey.yaml"))
    themes = interviews_cb["themes"]
    fmt = maxqda_format if maxqda_format != "auto" else ("csv" if segments > MAXQDA_CSV_ABOVE else "xlsx")
    summary = {"years": [], "files": [], "responses": 0, "segments": 0, "tib": 0}
    for y, (n_resp, n_seg, n_tib) in enumerate(zip(_split(responses, years), _split(segments, years),
                                                  _split(tib, years))):
        year = first_year + y
        summary["years"].append(year)
        if n_resp or n_seg:
            folder = out / "pmg" / str(year)
            folder.mkdir(parents=True, exist_ok=True)
            cohort = pmg_cohort(rng, year, max(n_resp, 2), groups)
            files = []
            for wave, month in (("T0", 10), ("T1", 2)):
                name = f"pmg_{wave.lower()}_qualtrics.csv"
                start = datetime(year - 1, month, 3, 9) if wave == "T0" else datetime(year, month, 6, 9)
                summary["responses"] += write_qualtrics(folder / name, rng, cohort, groups, wave, start)
                files.append({"path": name, "format": "qualtrics_csv", "constants": {"wave": wave}})
                summary["files"].append(str(folder / name))
            cb = copy.deepcopy(questionnaire_cb)
            cb["year"] = year
            cb["files"] = files
            cb["variables"]["organisation"]["labels"] = {label: code for label, code in orgs}
            _dump(folder / "codebook_questionnaire.yaml", cb, f"PMG short questionnaire {year} (Qualtrics)")

            name = f"pmg_focusinterviews_maxqda.{fmt}"
            documents = write_maxqda(folder / name, rng, cohort, groups, n_seg, themes, year)
            summary["segments"] += n_seg
            summary["files"].append(str(folder / name))
            cb = copy.deepcopy(interviews_cb)
            cb["year"] = year
            cb["files"] = [{"path": name, "format": "maxqda_coded_segments",
                            **({"sheet": "Coded segments"} if fmt == "xlsx" else {})}]
            cb["documents"] = documents
            cb["speaker_codes"] = r"[A-Z0-9]+-\d{2}-\d{7}"  # pmg_cohort's codes
            # written for each edition, as the check asks: a previous edition's words, kept while the
            # counts changed, explain nothing (checks/pmg.py)
            cb["count_differences"] = {
                g: f"Synthetisch ({year}): aan het focusinterview deed een panel van hoogstens acht respondenten mee."
                for g in sorted({d["group_label"] for d in documents.values()})}
            _dump(folder / "codebook_interviews.yaml", cb, f"PMG focus interviews {year} (MAXQDA coded segments)")
        if n_tib:
            folder = out / "terug_in_balans" / str(year)
            folder.mkdir(parents=True, exist_ok=True)
            name = "terug_in_balans_enquete_forms.xlsx"
            write_forms(folder / name, rng, n_tib, year, survey_cb, offset=summary["tib"])
            summary["tib"] += n_tib
            summary["files"].append(str(folder / name))
            cb = copy.deepcopy(survey_cb)
            cb["year"] = year
            cb["files"][0]["path"] = name
            _dump(folder / "codebook_survey.yaml", cb, f"Terug in Balans survey, cohort {year} (Microsoft Forms)")
        log(f"  {year}: {n_resp} responses, {n_seg} segments, {n_tib} Terug in Balans surveys")
    summary["seconds"] = time.perf_counter() - t_start
    summary["organisations"] = len(orgs)
    summary["groups"] = len(groups)
    summary["maxqda_format"] = fmt
    return summary


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, required=True, help="output folder: <out>/<programme>/<year>/")
    p.add_argument("--years", type=int, default=10)
    p.add_argument("--first-year", type=int, default=2016)
    p.add_argument("--organisations", type=int, default=200)
    p.add_argument("--responses", type=int, default=1_000_000, help="PMG questionnaire rows in total (T0 + T1)")
    p.add_argument("--segments", type=int, default=1_000_000, help="MAXQDA coded segments in total")
    p.add_argument("--tib", type=int, default=100_000, help="Terug in Balans survey rows in total")
    p.add_argument("--maxqda-format", choices=["auto", "xlsx", "csv"], default="auto",
                   help=f"auto: CSV above {MAXQDA_CSV_ABOVE:,} segments, else xlsx")
    p.add_argument("--seed", type=int, default=SEED)
    a = p.parse_args(argv)
    s = generate(a.out, a.years, a.organisations, a.responses, a.segments, a.tib, a.first_year, a.seed,
                 a.maxqda_format)
    print(f"wrote {s['responses']:,} responses, {s['segments']:,} segments, {s['tib']:,} surveys "
          f"({s['organisations']} organisations, {s['groups']} groups) in {s['seconds']:.1f} s under {a.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
