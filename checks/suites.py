"""Great Expectations suites, declared once per table as data.

Static expectations hold for every year; `codebook_expectations` adds what a year's codebook
declares (scales, answer labels), so "grades within the scale" means the scale the codebook
gives (PMG 2023: 0-10, because a participant really answered 0).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assets.ingest.codebook import SECTIONS, Codebook
from warehouse.schema import table as contract_table


@dataclass(frozen=True)
class Expectation:
    type: str  # GX expectation class name, e.g. ExpectColumnValuesToNotBeNull
    kwargs: dict
    describes: str  # what it asserts, in words, for the check's metadata

    @property
    def hides_values(self) -> bool:
        """Its bad values are not shown (metadata, validation page) where they hold an identifier
        column: what the checks guard against there is a participant code or e-mail address where
        a pseudonym belongs, which a sample would store again. (A missing value shows only that.)"""
        columns = {self.kwargs.get("column"), *self.kwargs.get("column_list", ())}
        return self.type != "ExpectColumnValuesToNotBeNull" and bool(columns & IDENTIFIERS)


@dataclass(frozen=True)
class Suite:
    table: str
    columns: tuple[str, ...]  # only these are read: memory stays bounded at scale
    expectations: tuple[Expectation, ...] = field(default_factory=tuple)
    codebooks: tuple[str, str] | None = None  # (programme, instrument) whose codebooks add expectations
    exports: tuple[str, str] | None = None  # (programme, instrument) whose files fill the table; default: codebooks
    batch_by: str = "year"  # validated one batch per value: one year, or one source file for raw
    blocking: bool = True  # a failure would make a report wrong: stop what is downstream


def _not_null(*cols: str) -> list[Expectation]:
    return [Expectation("ExpectColumnValuesToNotBeNull", {"column": c}, f"{c} is never empty") for c in cols]


PSEUDONYM = r"^p_[0-9a-f]{20}$"
IDENTIFIERS = {"respondent_id", "participant_id", "speaker_id"}


def _pseudonyms(column: str, describes: str) -> Expectation:
    return Expectation("ExpectColumnValuesToMatchRegex", {"column": column, "regex": PSEUDONYM}, describes)


def _raw_cells(table: str, exports: tuple[str, str]) -> Suite:
    return Suite(table, ("source_file", "row_number", "respondent_id", "column_name"), (
        *_not_null("source_file", "row_number", "respondent_id", "column_name"),
        _pseudonyms("respondent_id", "respondents are pseudonyms, never codes or e-mail addresses"),
        Expectation("ExpectCompoundColumnsToBeUnique", {"column_list": ["source_file", "row_number", "column_name"]},
                    "one cell per file, row and column"),
    ), batch_by="source_file", exports=exports)


SUITES: dict[str, Suite] = {
    "raw.pmg_questionnaire_cells": _raw_cells("raw.pmg_questionnaire_cells", ("pmg", "pmg_questionnaire")),
    "raw.tib_survey_cells": _raw_cells("raw.tib_survey_cells", ("terug_in_balans", "tib_survey")),
    "raw.pmg_interview_segments": Suite(
        "raw.pmg_interview_segments", ("source_file", "row_number", "document", "speaker_id", "code_path"), (
            *_not_null("source_file", "row_number", "document", "speaker_id", "code_path"),
            _pseudonyms("speaker_id", "speakers are pseudonyms"),
            Expectation("ExpectCompoundColumnsToBeUnique", {"column_list": ["source_file", "row_number", "code_path"]},
                        "one row per segment and code of the export (ATLAS.ti puts several codes on one row)"),
        ), batch_by="source_file", exports=("pmg", "pmg_interviews")),
    "staging.pmg_questionnaire_responses": Suite(
        "staging.pmg_questionnaire_responses",
        ("year", "participant_id", "wave", "organisation", "intervention", "group_label",
         "mental_health_grade", "intervention_grade"),
        (
            *_not_null("year", "participant_id", "wave", "organisation", "intervention", "group_label"),
            Expectation("ExpectCompoundColumnsToBeUnique", {"column_list": ["year", "participant_id", "wave"]},
                        "one row per participant and wave"),
            Expectation("ExpectColumnValuesToBeInSet", {"column": "wave", "value_set": ["T0", "T1"]},
                        "wave is T0 or T1"),
            _pseudonyms("participant_id", "participants are pseudonyms, never codes or names"),
        ),
        codebooks=("pmg", "pmg_questionnaire"),
    ),
    "staging.pmg_interview_segments": Suite(
        "staging.pmg_interview_segments",
        ("year", "participant_id", "wave", "document", "section", "igloo_level", "theme"),
        (
            *_not_null("year", "participant_id", "wave", "document", "section", "igloo_level", "theme"),
            Expectation("ExpectColumnValuesToBeInSet", {"column": "section", "value_set": list(SECTIONS)},
                "section is one of the report's five"),
            _pseudonyms("participant_id", "speakers are pseudonyms"),
        ),
        codebooks=("pmg", "pmg_interviews"),
    ),
    "staging.tib_survey_answers": Suite(
        "staging.tib_survey_answers",
        ("year", "participant_id", "wave", "variable", "value_code", "value_number"),
        (
            *_not_null("year", "participant_id", "variable"),
            _pseudonyms("participant_id", "respondents are pseudonyms"),
        ),
        codebooks=("terug_in_balans", "tib_survey"),
    ),
}


def codebook_expectations(table: str, codebooks: list[Codebook]) -> list[Expectation]:
    """Expectations a year's codebooks declare for one staging table (of their variables that are
    columns there: a question a codebook adds is kept in the answers table only).

    A year may have several codebooks of one instrument (one per tool or wave): a row may hold an
    answer of any of them, so the answers allowed are all of theirs. They share a question's scale
    (the ingest stops otherwise); the widest is taken all the same, so this never fails a row its
    own codebook accepted."""
    out: list[Expectation] = []
    variables: dict[str, list] = {}
    for codebook in codebooks:
        for v in codebook.variables:
            variables.setdefault(v.name, []).append(v)
    if table == "staging.pmg_questionnaire_responses":
        columns = set(contract_table(table).column_names)
        for name, declared in variables.items():
            if name not in columns:
                continue
            numbers = [v for v in declared if v.type == "number"]
            if numbers:
                low, high = min(v.min for v in numbers), max(v.max for v in numbers)
                out.append(Expectation("ExpectColumnValuesToBeBetween",
                                       {"column": name, "min_value": low, "max_value": high},
                                       f"{name} within the codebook's scale {low:g}-{high:g}"))
            if any(v.type == "category" for v in declared):
                out.append(Expectation("ExpectColumnValuesToBeInSet",
                                       {"column": name, "value_set": _codes(declared)},
                                       f"{name} is one of the codebook's answers"))
        grade_waves = sorted({w for v in variables.get("intervention_grade", []) for w in v.waves})
        if grade_waves and all(v.waves for v in variables["intervention_grade"]):
            out.append(Expectation("ExpectColumnValuesToBeNull",
                                   {"column": "intervention_grade", "row_condition": f"wave not in {grade_waves!r}",
                                    "condition_parser": "pandas"},
                                   f"an intervention grade only in {', '.join(grade_waves)}"))
    if table == "staging.tib_survey_answers":
        for name, declared in variables.items():
            if any(v.type in {"category", "multi_select"} for v in declared):
                out.append(Expectation("ExpectColumnValuesToBeInSet", {
                    "column": "value_code", "value_set": _codes(declared),
                    "row_condition": f"variable=={name!r}", "condition_parser": "pandas"},
                    f"{name} answers are the codebook's labels"))
                if any(v.role == "factor" for v in declared):
                    out.append(Expectation("ExpectColumnValuesToBeBetween", {
                        "column": "value_number", "min_value": 1, "max_value": 5,
                        "row_condition": f"variable=={name!r}", "condition_parser": "pandas"},
                        f"{name} on the 5-point scale"))
    return out


def _codes(declared: list) -> list[str]:
    return sorted({lab.code for v in declared for lab in v.labels})
