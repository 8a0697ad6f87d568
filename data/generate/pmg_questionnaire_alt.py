"""Write the PMG 2023 short questionnaire as other tools would have exported it: a LimeSurvey CSV
response export, LimeSurvey's R export (data and syntax file), an SPSS .sav and a Microsoft Forms
workbook, T0 and T1 each, with a codebook per folder.

The answers are the bundled Qualtrics sample's (PARTICIPANTS in pmg_questionnaire.py), so a run
on either folder must produce the same marts as a run on data/ (tests/test_alternative_exports.py).
The interview codebook and MAXQDA export are copied byte for byte so a full PMG run works there.
Run: .venv/bin/python data/generate/pmg_questionnaire_alt.py
"""

from __future__ import annotations

import csv
import io
import shutil
import sys
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pmg_questionnaire import PARTICIPANTS  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "data" / "pmg" / "2023"
ALT = ROOT / "tests" / "fixtures" / "pmg_alt"
LIMESURVEY = ALT / "limesurvey" / "pmg" / "2023"
LIMESURVEY_R = ALT / "limesurvey_r" / "pmg" / "2023"
SPSS = ALT / "spss" / "pmg" / "2023"
FORMS = ALT / "ms_forms" / "pmg" / "2023"
COPIED = ("codebook_interviews.yaml", "pmg_focusinterviews_maxqda.xlsx")
STARTS = {"T0": datetime(2022, 10, 3, 9, 0), "T1": datetime(2023, 2, 6, 9, 0)}


def responses(wave: str):
    """(index, participant, began, ended, mental health grade, intervention grade) of one wave,
    the grades as typed ("7,5"; None when left empty)."""
    n = 0
    for i, (code, first, last, ctx, t0, t1, rating) in enumerate(PARTICIPANTS):
        grade = t0 if wave == "T0" else t1
        if grade == "skip":
            continue
        n += 1
        began = STARTS[wave] + timedelta(days=i % 5, hours=i, minutes=7 * i)
        ended = began + timedelta(seconds=95 + 13 * i)
        yield n, i, (code, first, last, ctx), began, ended, grade, (rating if wave == "T1" else None)


# --- LimeSurvey ------------------------------------------------------------------------

LS_ORGANISATION = {"UMCG": "A1", "Rijksuniversiteit Groningen": "A2", "Gemeente Groningen": "A3"}
LS_META = ["id", "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp", "ipaddr"]
LS_QUESTIONS = ["deelnemerscode", "organisatie", "interventie", "groep", "cijferMentaal"]


def write_limesurvey(wave: str, delimiter: str) -> Path:
    """'Export responses' as CSV: question codes as headings, answer codes for the list question
    (organisation), every field quoted, LF line ends, UTF-8 with BOM; grades are short free-text
    answers, so they keep the Dutch decimal comma as typed."""
    questions = LS_QUESTIONS + (["cijferInterventie"] if wave == "T1" else [])
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\n")
    w.writerow(LS_META + questions)
    fmt = "%Y-%m-%d %H:%M:%S"
    for n, i, (code, _first, _last, (org, interv, group)), began, ended, grade, rating in responses(wave):
        row = [str(n), ended.strftime(fmt), "1", "en" if group.endswith("Engelstalig") else "nl",
               str(1_000_003 * (i + 7) % 2_147_483_647), began.strftime(fmt), ended.strftime(fmt),
               f"192.0.2.{10 + i}", code, LS_ORGANISATION[org], interv, group, grade or ""]
        if wave == "T1":
            row.append(rating or "")
        w.writerow(row)
    path = LIMESURVEY / f"results-survey{'471156' if wave == 'T0' else '471157'}_{wave.lower()}.csv"
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))
    return path


LS_CODEBOOK = """\
# Codebook of the PMG 2022-2023 short questionnaire as a LimeSurvey response export (question
# codes as headings, answer codes as answers). Same variables as data/pmg/2023/codebook_questionnaire.yaml.
instrument: pmg_questionnaire
programme: pmg
year: 2023
files:
  - path: {t0}
    format: limesurvey_csv         # semicolon-separated
    constants: {{wave: T0}}
  - path: {t1}
    format: limesurvey_csv         # comma-separated
    constants: {{wave: T1}}
participant:
  column: deelnemerscode
identifiers: [ipaddr]              # read only to be dropped
variables:
  organisation:
    column: organisatie
    type: category
    required: true
    labels:                        # LimeSurvey answer code -> value stored
      A1: UMCG
      A2: RUG
      A3: Gemeente Groningen
  intervention:
    column: interventie
    type: text
    required: true
  group_label:
    column: groep
    type: text
    required: true
  mental_health_grade:
    column: cijferMentaal
    type: number
    text: Cijfer mentale gezondheid
    scale: {{min: 0, max: 10}}       # typed as text: "7,5"
  intervention_grade:
    column: cijferInterventie
    type: number
    text: Cijfer voor de interventie
    scale: {{min: 1, max: 10}}
    waves: [T1]
"""


# --- LimeSurvey's R export ------------------------------------------------------------

LS_R_META = {"id": "Response ID", "submitdate": "Date submitted", "lastpage": "Last page",
             "startlanguage": "Start language", "seed": "Seed", "startdate": "Date started",
             "datestamp": "Date last action", "ipaddr": "IP address"}
LS_R_QUESTIONS = {"deelnemerscode": "Wat is je deelnemerscode?", "organisatie": "Bij welke organisatie werk je?",
                  "interventie": "Aan welke interventie neem je deel?", "groep": "In welke groep neem je deel?",
                  "cijferMentaal": "Welk cijfer geef je je mentale gezondheid op dit moment?",
                  "cijferInterventie": "Welk cijfer geef je de interventie?"}
LS_R_LABELS = {"A1": "UMCG", "A2": "RUG", "A3": "Gemeente Groningen"}
NUMERIC = {"id", "lastpage", "cijferMentaal", "cijferInterventie"}


def write_limesurvey_r(wave: str, survey_id: str) -> tuple[Path, Path]:
    """LimeSurvey's "R (data file)" and "R (syntax file)": the data with the full question text
    as headings, every field quoted, UTF-8 with BOM; the grades are numerical-input questions,
    which LimeSurvey exports with ten decimals ("7.5000000000"); the syntax file names each column
    by its question code and gives the list question's answer labels."""
    questions = {k: v for k, v in LS_R_QUESTIONS.items() if wave == "T1" or k != "cijferInterventie"}
    columns = {**LS_R_META, **questions}
    buf = io.StringIO(newline="")
    w = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")
    w.writerow(columns.values())
    fmt = "%Y-%m-%d %H:%M:%S"

    def number(typed: str | None) -> str:
        return "" if not typed else f"{float(typed.replace(',', '.')):.10f}"

    for n, i, (code, _first, _last, (org, interv, group)), began, ended, grade, rating in responses(wave):
        row = [str(n), ended.strftime(fmt), "1", "en" if group.endswith("Engelstalig") else "nl",
               str(1_000_003 * (i + 7) % 2_147_483_647), began.strftime(fmt), ended.strftime(fmt),
               f"192.0.2.{10 + i}", code, LS_ORGANISATION[org], interv, group, number(grade)]
        if wave == "T1":
            row.append(number(rating))
        w.writerow(row)
    data = LIMESURVEY_R / f"survey_{survey_id}_R_data_file.csv"
    data.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))

    lines = [f'data <- read.csv("{data.name}", quote = "\'\\"", na.strings=c("", "\\"\\""), '
             'stringsAsFactors=FALSE, fileEncoding="UTF-8-BOM")', "", ""]
    for position, (code, text) in enumerate(columns.items(), 1):
        kind = "as.numeric" if code in NUMERIC else "as.character"
        lines += [f"# LimeSurvey Field type: {'F' if code in NUMERIC else 'A'}",
                  f"data[, {position}] <- {kind}(data[, {position}])",
                  f'attributes(data)$variable.labels[{position}] <- "{code if code in LS_R_META else text}"']
        if code == "organisatie":
            levels = ",".join(f'"{c}"' for c in LS_R_LABELS)
            labels = ", ".join(f'"{label}"' for label in LS_R_LABELS.values())
            lines.append(f"data[, {position}] <- factor(data[, {position}], levels=c({levels}),labels=c({labels}))")
        lines.append(f'names(data)[{position}] <- "{code}"')
    syntax = data.with_name(f"survey_{survey_id}_R_syntax_file.R")
    syntax.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return data, syntax


LS_R_CODEBOOK = """\
# Codebook of the PMG 2022-2023 short questionnaire as LimeSurvey's R export: each data file with
# its syntax file, which names the columns by question code and gives the organisation's labels.
# Same variables as data/pmg/2023/codebook_questionnaire.yaml.
instrument: pmg_questionnaire
programme: pmg
year: 2023
files:
  - path: survey_471156_R_data_file.csv
    format: limesurvey_r           # syntax file: survey_471156_R_syntax_file.R, as LimeSurvey names it
    constants: {wave: T0}
  - path: survey_471157_R_data_file.csv
    format: limesurvey_r
    syntax: survey_471157_R_syntax_file.R
    constants: {wave: T1}
participant:
  column: deelnemerscode
identifiers: [ipaddr]              # read only to be dropped
variables:
  organisation:
    column: organisatie
    type: category
    required: true
    labels: {structure: survey_471156_R_syntax_file.R, question: organisatie}
  intervention:
    column: interventie
    type: text
    required: true
  group_label:
    column: groep
    type: text
    required: true
  mental_health_grade:
    column: cijferMentaal
    type: number
    text: Cijfer mentale gezondheid
    scale: {min: 0, max: 10}
  intervention_grade:
    column: cijferInterventie
    type: number
    text: Cijfer voor de interventie
    scale: {min: 1, max: 10}
    waves: [T1]
"""


# --- SPSS ------------------------------------------------------------------------------

SPSS_ORGANISATION = {"UMCG": 1, "Rijksuniversiteit Groningen": 2, "Gemeente Groningen": 3}
NO_ANSWER = 99  # user-missing code of the grades


def write_spss(wave: str) -> Path:
    """An SPSS data file as a researcher keeps it: organisation value-labelled (1-3), grades
    numeric with 99 "Geen antwoord" declared user-missing, start time as a DATETIME variable."""
    import pandas as pd
    import pyreadstat

    rows = []
    for _n, _i, (code, _first, _last, (org, interv, group)), began, _ended, grade, rating in responses(wave):
        row = {"deelnemer": code, "organisatie": float(SPSS_ORGANISATION[org]), "interventie": interv,
               "groep": group, "cijfer_mg": float(grade.replace(",", ".")) if grade else float(NO_ANSWER),
               "startdatum": began}
        if wave == "T1":
            row["cijfer_int"] = float(rating.replace(",", ".")) if rating else float(NO_ANSWER)
        rows.append(row)
    df = pd.DataFrame(rows)
    grades = [c for c in ("cijfer_mg", "cijfer_int") if c in df.columns]
    path = SPSS / f"pmg_{wave.lower()}.sav"
    pyreadstat.write_sav(
        df, str(path), file_label=f"PMG 2022-2023 vragenlijst {wave}",
        column_labels={"deelnemer": "Wat is je deelnemerscode?", "organisatie": "Bij welke organisatie werk je?",
                       "interventie": "Aan welke interventie neem je deel?", "groep": "In welke groep neem je deel?",
                       "cijfer_mg": "Welk cijfer geef je je mentale gezondheid op dit moment? (0 = zeer slecht, "
                                    "10 = uitstekend)",
                       "cijfer_int": "Welk cijfer geef je de interventie? (1-10)", "startdatum": "Begonnen op"},
        variable_value_labels={"organisatie": {float(v): k for k, v in SPSS_ORGANISATION.items()},
                               **{g: {float(NO_ANSWER): "Geen antwoord"} for g in grades}},
        missing_ranges={g: [float(NO_ANSWER)] for g in grades},
        variable_measure={"organisatie": "nominal", **{g: "scale" for g in grades}},
        variable_format={"organisatie": "F1.0", **{g: "F4.1" for g in grades}, "startdatum": "DATETIME20"},
    )
    return path


SPSS_CODEBOOK = """\
# Codebook of the PMG 2022-2023 short questionnaire kept as SPSS data files. The reader gives a
# value label where one exists (organisation) and drops user-missing values (99 = Geen antwoord).
# Same variables as data/pmg/2023/codebook_questionnaire.yaml.
instrument: pmg_questionnaire
programme: pmg
year: 2023
files:
  - path: pmg_t0.sav
    format: spss_sav
    constants: {wave: T0}
  - path: pmg_t1.sav
    format: spss_sav
    constants: {wave: T1}
participant:
  column: deelnemer
variables:
  organisation:
    column: organisatie
    type: category
    required: true
    labels:                        # SPSS value label -> value stored
      UMCG: UMCG
      Rijksuniversiteit Groningen: RUG
      Gemeente Groningen: Gemeente Groningen
  intervention:
    column: interventie
    type: text
    required: true
  group_label:
    column: groep
    type: text
    required: true
  mental_health_grade:
    column: cijfer_mg
    type: number
    text: Cijfer mentale gezondheid
    scale: {min: 0, max: 10}
  intervention_grade:
    column: cijfer_int
    type: number
    text: Cijfer voor de interventie
    scale: {min: 1, max: 10}
    waves: [T1]
"""


# --- Microsoft Forms ------------------------------------------------------------------

FORMS_QUESTIONS = ["Wat is je deelnemerscode?", "Bij welke organisatie werk je?", "Aan welke interventie neem je deel?",
                   "In welke groep neem je deel?",
                   "Welk cijfer geef je je mentale gezondheid op dit moment? (0 = zeer slecht, 10 = uitstekend)"]
FORMS_RATING = "Welk cijfer geef je de interventie? (1-10)"


def write_forms(wave: str) -> Path:
    """"Open in Excel" of a form that records no names: ID, Start time, Completion time (Excel
    dates), Email "anonymous", Name empty, then a column per question headed by its text. The
    choice question gives its answer's text; a number question (decimals allowed) gives the
    number, and nothing where it was left empty."""
    import xlsxwriter

    FORMS.mkdir(parents=True, exist_ok=True)
    path = FORMS / f"pmg_{wave.lower()}_forms.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Sheet1")
    stamp = book.add_format({"num_format": "m/d/yy h:mm:ss"})
    questions = FORMS_QUESTIONS + ([FORMS_RATING] if wave == "T1" else [])
    sheet.write_row(0, 0, ["ID", "Start time", "Completion time", "Email", "Name", *questions])
    for n, _i, (code, _first, _last, (org, interv, group)), began, ended, grade, rating in responses(wave):
        sheet.write_number(n, 0, n)
        sheet.write_datetime(n, 1, began, stamp)
        sheet.write_datetime(n, 2, ended, stamp)
        sheet.write_string(n, 3, "anonymous")
        for c, text in enumerate([code, org, interv, group], start=5):
            sheet.write_string(n, c, text)
        for c, typed in ((9, grade), (10, rating)):
            if typed:
                sheet.write_number(n, c, float(typed.replace(",", ".")))
    book.close()
    return path


FORMS_CODEBOOK = """\
# Codebook of the PMG 2022-2023 short questionnaire in Microsoft Forms (a form per wave, recording
# no names: Email says "anonymous", so the participant code identifies). Same variables as
# data/pmg/2023/codebook_questionnaire.yaml; Forms heads each column with the question's text.
instrument: pmg_questionnaire
programme: pmg
year: 2023
files:
  - path: pmg_t0_forms.xlsx
    format: ms_forms_xlsx
    constants: {wave: T0}
  - path: pmg_t1_forms.xlsx
    format: ms_forms_xlsx
    constants: {wave: T1}
participant:
  column: Wat is je deelnemerscode?
identifiers: [ID, Start time, Completion time, Email, Name]
variables:
  organisation:
    column: Bij welke organisatie werk je?
    type: category
    required: true
    labels:
      UMCG: UMCG
      Rijksuniversiteit Groningen: RUG
      Gemeente Groningen: Gemeente Groningen
  intervention:
    column: Aan welke interventie neem je deel?
    type: text
    required: true
  group_label:
    column: In welke groep neem je deel?
    type: text
    required: true
  mental_health_grade:
    column: "Welk cijfer geef je je mentale gezondheid op dit moment? (0 = zeer slecht, 10 = uitstekend)"
    type: number
    text: Cijfer mentale gezondheid
    scale: {min: 0, max: 10}
  intervention_grade:
    column: Welk cijfer geef je de interventie? (1-10)
    type: number
    text: Cijfer voor de interventie
    scale: {min: 1, max: 10}
    waves: [T1]
"""


def write_forms_folder() -> None:
    FORMS.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        shutil.copyfile(BUNDLED / name, FORMS / name)
    print(write_forms("T0"), write_forms("T1"), sep="\n")
    (FORMS / "codebook_questionnaire.yaml").write_text(FORMS_CODEBOOK, encoding="utf-8")


def main() -> None:
    write_forms_folder()
    for folder in (LIMESURVEY, LIMESURVEY_R, SPSS):
        folder.mkdir(parents=True, exist_ok=True)
        for name in COPIED:
            shutil.copyfile(BUNDLED / name, folder / name)
    t0 = write_limesurvey("T0", ";")
    t1 = write_limesurvey("T1", ",")
    (LIMESURVEY / "codebook_questionnaire.yaml").write_text(LS_CODEBOOK.format(t0=t0.name, t1=t1.name),
                                                            encoding="utf-8")
    print(t0, t1, sep="\n")
    print(*write_limesurvey_r("T0", "471156"), *write_limesurvey_r("T1", "471157"), sep="\n")
    (LIMESURVEY_R / "codebook_questionnaire.yaml").write_text(LS_R_CODEBOOK, encoding="utf-8")
    print(write_spss("T0"), write_spss("T1"), sep="\n")
    (SPSS / "codebook_questionnaire.yaml").write_text(SPSS_CODEBOOK, encoding="utf-8")


if __name__ == "__main__":
    main()
