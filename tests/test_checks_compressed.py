"""GX on compressed batches (checks/gx_runner.py) reports what GX reports on the whole batch."""

import dataclasses
import random

import duckdb
import pandas as pd
import pytest

from assets.ingest.codebook import load_codebook
from assets.reporting.markdown import md_text
from checks import gx_runner
from checks.gx_runner import run_suite, validate_batch, validate_batches, validate_frame
from checks.suites import PSEUDONYM, SUITES, Expectation, Suite, codebook_expectations
from tests.conftest import DATA
from warehouse.schema import ensure_schema

COLUMNS = ("year", "source_file", "row_number", "participant_id", "wave", "variable", "value_code",
           "grade", "intervention_grade", "points")


def e(type_: str, **kwargs) -> Expectation:
    return Expectation(type_, kwargs, f"{type_} {kwargs}")


EXPECTATIONS = [
    *(e("ExpectColumnValuesToNotBeNull", column=c) for c in COLUMNS),
    e("ExpectColumnValuesToBeNull", column="intervention_grade", row_condition="wave not in ['T1']",
      condition_parser="pandas"),
    e("ExpectColumnValuesToBeNull", column="grade", row_condition='variable=="never"', condition_parser="pandas"),
    e("ExpectColumnValuesToBeInSet", column="wave", value_set=["T0", "T1"]),
    e("ExpectColumnValuesToBeInSet", column="value_code", value_set=["a", "b"],
      row_condition='variable=="x"', condition_parser="pandas"),
    e("ExpectColumnValuesToBeInSet", column="value_code", value_set=["a", "b", "c", "d"]),
    e("ExpectColumnValuesToBeBetween", column="grade", min_value=0, max_value=10),
    e("ExpectColumnValuesToBeBetween", column="points", min_value=1, max_value=5,
      row_condition='variable=="y"', condition_parser="pandas"),
    e("ExpectColumnValuesToBeBetween", column="intervention_grade", min_value=1, max_value=10),
    e("ExpectColumnValuesToMatchRegex", column="participant_id", regex=PSEUDONYM),
    e("ExpectColumnValuesToMatchRegex", column="variable", regex="^[xyz]$"),
    e("ExpectCompoundColumnsToBeUnique", column_list=["year", "participant_id", "wave"]),
    e("ExpectCompoundColumnsToBeUnique", column_list=["source_file", "row_number"]),
    e("ExpectCompoundColumnsToBeUnique", column_list=["wave", "points"], ignore_row_if="any_value_is_missing"),
    e("ExpectCompoundColumnsToBeUnique", column_list=["wave", "points"], ignore_row_if="never"),
    e("ExpectColumnValuesToNotBeNull", column="not_read"),  # not among the columns read: GX reports it missing
]


def planted_table(conn, rows_per_year: int = 2500) -> None:
    """Two years of rows with every kind of bad value planted, interleaved so samples need row order."""
    rng = random.Random(6)
    pseudonyms = [f"p_{rng.getrandbits(80):020x}" for _ in range(300)]
    rows = []
    for i in range(2 * rows_per_year):
        year = 2023 + i % 2
        roll = rng.random()
        participant = (None if roll < 0.02 else f"RUG-EN-{rng.randrange(4):02d}" if roll < 0.05
                       else "P_" + "A" * 20 if roll < 0.06 else rng.choice(pseudonyms))
        wave = rng.choices(["T0", "T1", "T2", None], weights=[48, 48, 3, 1])[0]
        variable = rng.choices(["x", "y", "z", "w", None], weights=[40, 40, 15, 3, 2])[0]
        value_code = rng.choices(["a", "b", "c", "e", None], weights=[40, 40, 10, 5, 5])[0]
        grade = rng.choices([round(rng.uniform(0, 10), 1), 11.5, -1.0, None], weights=[90, 3, 3, 4])[0]
        intervention_grade = (rng.choice([None, 7.0, 0.0]) if wave != "T1" or rng.random() < 0.05
                              else rng.choice([6.0, 8.0, 12.0, None]))
        points = rng.choices([rng.randint(1, 5), 0, 7, None], weights=[90, 3, 3, 4])[0]
        source_file, row_number = f"f{year}.csv", i // 2 + 4
        if rng.random() < 0.03:
            row_number -= rng.randint(1, 3)  # a duplicated file row
        if rng.random() < 0.01:
            source_file = row_number = None  # all key values missing: GX leaves the row out
        rows.append((year, source_file, row_number, participant, wave, variable, value_code, grade,
                     intervention_grade, points))
    frame = pd.DataFrame(rows, columns=COLUMNS)  # noqa: F841 (read by DuckDB below)
    conn.execute("CREATE TABLE t (year INTEGER, source_file VARCHAR, row_number INTEGER, participant_id VARCHAR, "
                 "wave VARCHAR, variable VARCHAR, value_code VARCHAR, grade DOUBLE, intervention_grade DOUBLE, "
                 "points INTEGER, not_read VARCHAR)")
    conn.execute(f"INSERT INTO t ({', '.join(COLUMNS)}) SELECT * FROM frame")


def whole_batch(conn, year: int) -> list[dict]:
    """The reference: GX on the whole batch as one pandas frame (what run_suite did before)."""
    frame = conn.sql(f"SELECT {', '.join(COLUMNS)} FROM t WHERE year = $1", params=[year]).df()
    return validate_frame(frame, EXPECTATIONS)


@pytest.mark.parametrize("year", [2023, 2024])
def test_compressed_batches_report_what_gx_reports_on_the_whole_batch(year):
    conn = duckdb.connect()
    planted_table(conn)
    compressed = validate_batch(conn, "t", lambda a: f"{a}.year = $1", [year], EXPECTATIONS, COLUMNS)
    reference = whole_batch(conn, year)
    for got, want in zip(compressed, reference, strict=True):
        assert (got["success"], got["unexpected_count"], got["sample"]) == (
            want["success"], want["unexpected_count"], want["sample"]), want["expectation"]
        assert (got["error"] is None) == (want["error"] is None), want["expectation"]
    # The planted values fail every expectation but the never-true condition and the year.
    passing = {r["expectation"] for r in reference if r["success"]}
    assert passing == {EXPECTATIONS[0].describes, EXPECTATIONS[11].describes}
    assert reference[-1]["error"] and not reference[-1]["success"]


def test_compressed_uniqueness_counts_every_row_of_a_duplicated_key():
    conn = duckdb.connect()
    conn.execute("CREATE TABLE u AS SELECT * FROM (VALUES (1, 'a'), (2, 'b'), (1, 'a'), (3, NULL), (1, 'a'), "
                 "(3, NULL), (NULL, NULL), (NULL, NULL)) v(k, s)")
    unique = [e("ExpectCompoundColumnsToBeUnique", column_list=["k", "s"])]
    [got] = validate_batch(conn, "u", lambda a: "true", [], unique, ("k", "s"))
    [want] = validate_frame(conn.sql("SELECT k, s FROM u").df(), unique)
    assert got["unexpected_count"] == want["unexpected_count"] == 5  # three (1, a) and two (3, NULL)
    assert got["sample"] == want["sample"]


def test_what_the_compressed_batches_cannot_validate_fails_saying_so():
    """A uniqueness with a row_condition (its rows are not the distinct values' rows) and `mostly`
    (a share of rows) are reported failed and named, not validated without their condition."""
    conn = duckdb.connect()
    conn.execute("CREATE TABLE u AS SELECT * FROM (VALUES (1, 'a'), (1, 'a')) v(k, s)")
    unsupported = [e("ExpectCompoundColumnsToBeUnique", column_list=["k", "s"], row_condition='k > 1',
                     condition_parser="pandas"),
                   e("ExpectColumnValuesToNotBeNull", column="s", mostly=0.5)]
    got = validate_batch(conn, "u", lambda a: "true", [], unsupported, ("k", "s"))
    assert [r["success"] for r in got] == [False, False]
    assert got[0]["error"] == "ExpectCompoundColumnsToBeUnique with a row_condition cannot be validated on a " \
                              "compressed batch"
    assert got[1]["error"] == "mostly is not supported on compressed batches"


def test_years_select_the_batches_of_a_partition():
    conn = duckdb.connect()
    planted_table(conn, rows_per_year=50)
    by_year = Suite("t", COLUMNS, tuple(EXPECTATIONS[:3]))
    result = run_suite(conn, by_year, [], None, years=[2024])
    assert result.metadata["batches"].value == ["2024"]
    assert "| 2023 |" not in result.metadata["expectations"].value
    result = run_suite(conn, by_year, [], None, years=[2030])
    assert not result.passed and result.description == "t has no rows of 2030, though the exports of 2030 were loaded"

    ensure_schema(conn, "raw.source_files")
    conn.execute("INSERT INTO raw.source_files (source_file, year) VALUES ('f2023.csv', 2023), ('f2024.csv', 2024)")
    by_file = Suite("t", COLUMNS, tuple(EXPECTATIONS[:3]), batch_by="source_file")
    assert run_suite(conn, by_file, [], None, years=[2023]).metadata["batches"].value == ["f2023.csv"]
    result = run_suite(conn, by_file, [], None)  # rows without a source file are validated too
    assert result.metadata["batches"].value == ["f2023.csv", "f2024.csv", "None"]
    assert "| None | ExpectColumnValuesToNotBeNull {'column': 'source_file'} | **no** |" in (
        result.metadata["expectations"].value)


def planted_years(conn) -> None:
    """Staging responses of 2021-2024 and rows without a year, each batch failing its own expectations."""
    rng = random.Random(7)
    pseudonyms = [f"p_{rng.getrandbits(80):020x}" for _ in range(60)]
    rows = []
    for i in range(2000):
        year = rng.choice([2021, 2022, 2023, 2024, 2024, None])
        roll = rng.random()
        participant = rng.choice(pseudonyms)
        if year == 2021 and roll < 0.05:
            participant = None  # some missing: NaN in the batch's frame
        if year == 2022:
            participant = None  # all missing: None in the batch's frame (an object column)
        if year == 2024 and roll < 0.05:
            participant = "RUG-EN-01"
        wave = rng.choice(["T0", "T1"]) if year != 2023 or roll > 0.03 else "T2"
        organisation = "Elders" if year == 2023 and roll > 0.97 else "UMCG"
        grade = rng.choice([0.0, 5.0, 7.5, 10.0]) if year != 2021 or roll > 0.05 else 11.0  # 0 only fails 2023's scale
        intervention_grade = rng.choice([None, 7.0]) if wave == "T1" or year == 2024 else None
        group_label = None if year == 2022 else f"X {rng.randrange(3)}"
        rows.append((year, participant, wave, organisation, "X", group_label, grade, intervention_grade))
    ensure_schema(conn, "staging.pmg_questionnaire_responses")
    conn.executemany("INSERT INTO staging.pmg_questionnaire_responses VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)


def codebooks_by_year() -> list:
    """2022 and 2024 share the sample codebook's expectations; 2023's scale starts at 1; 2021 has none."""
    codebook = load_codebook(DATA / "pmg" / "2023" / "codebook_questionnaire.yaml", DATA)
    from_one = tuple(dataclasses.replace(v, min=1) if v.name == "mental_health_grade" else v
                     for v in codebook.variables)
    return [dataclasses.replace(codebook, year=2022), dataclasses.replace(codebook, year=2023, variables=from_one),
            dataclasses.replace(codebook, year=2024)]


def assert_batches_as_alone(conn, suite: Suite, batches: list, declared: list[list[Expectation]]) -> list[list[dict]]:
    """Every batch validated with the others reports what it reports alone, and what GX reports on it whole."""
    together = validate_batches(conn, suite.table, lambda a: "true", [], suite.batch_by, batches, declared,
                                suite.columns)
    assert len(together) == len(batches)
    for batch, rows, expectations in zip(batches, together, declared, strict=True):
        where = (lambda a: f"{a}.{suite.batch_by} IS NULL") if batch is None else (
            lambda a: f"{a}.{suite.batch_by} = $1")
        params = [] if batch is None else [batch]
        assert rows == validate_batch(conn, suite.table, where, params, expectations, suite.columns), batch
        frame = conn.sql(f"SELECT {', '.join(suite.columns)} FROM {suite.table} AS t WHERE {where('t')}",
                         params=params).df()
        for got, want in zip(rows, validate_frame(frame, expectations), strict=True):
            assert (got["success"], got["unexpected_count"], got["sample"]) == (
                want["success"], want["unexpected_count"], want["sample"]), (batch, want["expectation"])
            assert (got["error"] is None) == (want["error"] is None), (batch, want["expectation"])
    return together


def test_batches_validated_together_report_what_each_reports_alone(monkeypatch, tmp_path):
    conn = duckdb.connect()
    planted_years(conn)
    codebooks = codebooks_by_year()
    base = SUITES["staging.pmg_questionnaire_responses"]
    # GX raises comparing text with numbers, but not on a batch whose labels are all missing (2022).
    suite = dataclasses.replace(base, expectations=(*base.expectations, e(
        "ExpectColumnValuesToBeBetween", column="group_label", min_value=0, max_value=1)))
    batches = [2021, 2022, 2023, 2024, None]
    declared = [[*suite.expectations, *codebook_expectations(suite.table, [cb for cb in codebooks if cb.year == b])]
                for b in batches]
    together = assert_batches_as_alone(conn, suite, batches, declared)

    failed = {b: {r["expectation"] for r in rows if not r["success"]} for b, rows in zip(batches, together)}
    assert "mental_health_grade within the codebook's scale 1-10" in failed[2023]  # 2023's own scale
    assert not any("mental_health_grade" in x for b in (2021, 2022, 2024) for x in failed[b])
    assert "organisation is one of the codebook's answers" in failed[2023] - failed[2024] - failed[2022]
    assert "wave is T0 or T1" in failed[2023] - failed[2021] - failed[2022] - failed[2024]
    assert "an intervention grade only in T1" in failed[2024] - failed[2022] - failed[2023]
    assert "one row per participant and wave" in failed[2021] & failed[2022] & failed[2024]
    assert "year is never empty" in failed[None] - failed[2021]
    never_empty = {b: next(r for r in rows if r["expectation"] == "participant_id is never empty")
                   for b, rows in zip(batches, together)}
    assert never_empty[2021]["sample"][0] == "nan" and never_empty[2022]["sample"][0] == "None"
    group_label = {b: rows[len(base.expectations)] for b, rows in zip(batches, together)}
    assert group_label[2022]["success"] and group_label[2021]["error"]

    # run_suite: the rows of each year are those of that year's partition alone; GX runs as often
    # for all batches as for one (2023 declares every set of columns).
    calls = []
    validate = gx_runner._gx_unexpected
    monkeypatch.setattr(gx_runner, "_gx_unexpected", lambda *a: calls.append(1) or validate(*a))
    whole = run_suite(conn, suite, codebooks, tmp_path / "all.html")
    all_calls, calls[:] = len(calls), []
    lines = whole.metadata["expectations"].value.splitlines()
    assert whole.metadata["batches"].value == [str(b) for b in batches]
    for year in (2023, 2021, 2022, 2024):
        alone = run_suite(conn, suite, codebooks, None, years=[year]).metadata["expectations"].value.splitlines()
        assert alone[2:] == [line for line in lines if line.startswith(f"| {year} |")]
        if year == 2023:
            # Once more per batch only for the expectation GX raises on with all batches at once.
            assert all_calls == len(calls) + len(batches)
    # the metadata's markdown shows values as text (<NA> too)
    assert lines[2:] == [f"| {b} | {md_text(r['expectation'])} | {'yes' if r['success'] else '**no**'} | "
                         f"{r['unexpected_count']} | {md_text((', '.join(r['sample']) or (r['error'] or ''))[:120])} |"
                         for b, rows in zip(batches, together) for r in rows]


def test_source_files_validated_together_report_what_each_reports_alone():
    conn = duckdb.connect()
    planted_table(conn)
    conn.execute("UPDATE t SET source_file = 'g' || (row_number % 3) || source_file WHERE row_number % 5 = 0")
    suite = Suite("t", COLUMNS, tuple(EXPECTATIONS), batch_by="source_file")
    batches = [r[0] for r in conn.sql("SELECT DISTINCT source_file FROM t ORDER BY 1 NULLS LAST").fetchall()]
    assert len(batches) == 9 and batches[-1] is None
    together = assert_batches_as_alone(conn, suite, batches, [list(EXPECTATIONS)] * len(batches))
    counts = {b: [r["unexpected_count"] for r in rows] for b, rows in zip(batches, together)}
    assert len({tuple(c) for c in counts.values()}) == len(batches)


def test_a_missing_text_key_in_a_uniqueness_sample_reads_as_in_the_whole_batch():
    """NaN where the batch has other values of the column, None where it has none (not what the few
    duplicated rows alone would say)."""
    conn = duckdb.connect()
    conn.execute("CREATE TABLE u AS SELECT * FROM (VALUES (2023, 1, NULL::VARCHAR), (2023, 1, NULL), (2023, 2, 'x'), "
                 "(2024, 1, NULL), (2024, 1, NULL), (2024, 3, NULL)) v(year, k, s)")
    suite = Suite("u", ("year", "k", "s"), (e("ExpectCompoundColumnsToBeUnique", column_list=["k", "s"]),))
    together = assert_batches_as_alone(conn, suite, [2023, 2024], [list(suite.expectations)] * 2)
    assert [rows[0]["sample"][0] for rows in together] == ["{'k': 1, 's': nan}", "{'k': 1, 's': None}"]


def test_uniqueness_is_counted_by_the_values_whatever_the_hashes_say(monkeypatch):
    """Hashes only rule rows out: with every hash taken as shared (as if all collided), or the hashes
    sorted in several passes, the results are the same, duplicated or not."""
    conn = duckdb.connect()
    planted_table(conn, rows_per_year=300)
    unique = [x for x in EXPECTATIONS if x.type == "ExpectCompoundColumnsToBeUnique"]
    unique.append(e("ExpectCompoundColumnsToBeUnique", column_list=["year", "row_number", "grade", "points"]))
    suite = Suite("t", COLUMNS, tuple(unique))
    batches = [2023, 2024]
    want = assert_batches_as_alone(conn, suite, batches, [unique] * 2)
    assert {r["success"] for rows in want for r in rows} == {True, False}

    def every_hash(conn, table, scope, params, batch, kept, select):
        return conn.sql(f"SELECT DISTINCT hash({batch('t')}, {select}) AS h FROM {table} AS t "
                        f"WHERE {scope('t')} AND {kept}", params=params).fetchnumpy()["h"]

    for name, value in (("HASHES_PER_PASS", 7), ("_shared_hashes", every_hash)):
        with monkeypatch.context() as patched:
            patched.setattr(gx_runner, name, value)
            assert validate_batches(conn, "t", lambda a: "true", [], "year", batches, [unique] * 2, COLUMNS) == want


def test_a_value_is_validated_once_whatever_the_batches_it_occurs_in(monkeypatch):
    """GX's frames hold the distinct values of all batches together, not one row per batch and value."""
    conn = duckdb.connect()
    planted_table(conn, rows_per_year=400)
    frames = []
    validate = gx_runner._gx_unexpected
    monkeypatch.setattr(gx_runner, "_gx_unexpected", lambda frame, *a: frames.append(frame) or validate(frame, *a))
    regex = [e("ExpectColumnValuesToMatchRegex", column="participant_id", regex=PSEUDONYM)]
    [r2023, r2024] = validate_batches(conn, "t", lambda a: "true", [], "year", [2023, 2024], [regex] * 2, COLUMNS)
    [frame] = frames
    assert len(frame) == conn.sql("SELECT count(DISTINCT participant_id) + 1 FROM t").fetchall()[0][0]  # + NULL
    assert r2023[0]["unexpected_count"] and r2024[0]["unexpected_count"]  # the planted codes, in both years


def test_gx_does_not_fingerprint_the_frames(monkeypatch):
    """The fingerprint (a hash of every row, twice per validation) is only metadata: not computed."""
    from great_expectations.execution_engine import pandas_execution_engine

    gx_runner._context()

    def refuse(frame):
        raise AssertionError("GX hashed a frame")

    monkeypatch.setattr(pandas_execution_engine, "hash_pandas_dataframe", refuse)
    [row] = validate_frame(pd.DataFrame({"a": ["x", None]}), [e("ExpectColumnValuesToNotBeNull", column="a")])
    assert row["unexpected_count"] == 1


def test_pass_or_fail_first_then_the_unexpected_rows_of_what_failed(monkeypatch):
    """_gx_unexpected gives what COMPLETE gives: success, exceptions and the unexpected rows; GX
    runs COMPLETE only on the expectations that did not pass."""
    frame = pd.DataFrame({"code": ["a", "b", None, "x", "a"], "n": [1, 2, 3, 40, 5]})
    expectations = [e("ExpectColumnValuesToBeInSet", column="code", value_set=["a", "b"]),
                    e("ExpectColumnValuesToNotBeNull", column="n"),
                    e("ExpectColumnValuesToBeBetween", column="n", min_value=0, max_value=10),
                    e("ExpectColumnValuesToBeBetween", column="code", min_value=0, max_value=1),  # GX raises
                    e("ExpectColumnValuesToMatchRegex", column="code", regex="^[a-z]$")]
    complete = gx_runner._gx_validate(frame, expectations, gx_runner.COMPLETE)
    formats = []
    validate = gx_runner._gx_validate
    monkeypatch.setattr(gx_runner, "_gx_validate",
                        lambda f, exps, fmt: formats.append((fmt["result_format"], len(exps))) or validate(f, exps, fmt))
    quick = gx_runner._gx_unexpected(frame, expectations)
    assert formats == [("BOOLEAN_ONLY", 5), ("COMPLETE", 3)]
    for q, c in zip(quick, complete):
        assert (q.success, gx_runner._raised(q)) == (c.success, gx_runner._raised(c))
        assert (q.result.get("unexpected_index_list") or []) == (c.result.get("unexpected_index_list") or [])
        assert gx_runner._exception_message(q.exception_info) == gx_runner._exception_message(c.exception_info)
    assert [c.success for c in complete] == [False, True, False, False, True]


def test_a_year_with_a_codebook_per_tool_accepts_the_answers_of_each():
    """RUG's questionnaire came from Forms with a codebook of its own, listing RUG alone: a 2024 row
    may hold an answer of either codebook (before, the last codebook's answers were the only ones)."""
    codebook = load_codebook(DATA / "pmg" / "2023" / "codebook_questionnaire.yaml", DATA)

    def with_organisations(*names: str):
        variables = tuple(dataclasses.replace(v, labels=tuple(lab for lab in v.labels if lab.code in names))
                          if v.name == "organisation" else v for v in codebook.variables)
        return dataclasses.replace(codebook, year=2024, variables=variables)

    conn = duckdb.connect()
    ensure_schema(conn, "staging.pmg_questionnaire_responses")
    rows = [(2024, f"p_{i:020x}", "T0", organisation, "X", "X 1", 7.0, None)
            for i, organisation in enumerate(["UMCG", "RUG", "Gemeente Groningen", "RUG"])]
    conn.executemany("INSERT INTO staging.pmg_questionnaire_responses VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    suite = SUITES["staging.pmg_questionnaire_responses"]
    codebooks = [with_organisations("UMCG", "Gemeente Groningen"), with_organisations("RUG")]

    result = run_suite(conn, suite, codebooks, years=[2024])
    assert result.passed, result.metadata["expectations"].value

    conn.execute("UPDATE staging.pmg_questionnaire_responses SET organisation = 'Elders' WHERE participant_id = ?",
                 [rows[0][1]])
    result = run_suite(conn, suite, codebooks, years=[2024])
    assert not result.passed
    assert "| 2024 | organisation is one of the codebook's answers | **no** | 1 | Elders |" in (
        result.metadata["expectations"].value)


def test_a_batch_without_a_value_validated_alone_is_its_own_rows():
    """GX raises on the labels of all batches (text against numbers), not on the rows without a year,
    whose labels are all missing: validated alone, that batch is its own rows (IS NULL), and passes."""
    conn = duckdb.connect()
    conn.execute("CREATE TABLE v AS SELECT * FROM (VALUES (2023, 'X 1'), (2023, 'X 2'), (NULL, NULL), (NULL, NULL)) "
                 "v(year, label)")
    suite = Suite("v", ("year", "label"), (e("ExpectColumnValuesToBeBetween", column="label", min_value=0,
                                             max_value=1),))
    together = assert_batches_as_alone(conn, suite, [2023, None], [list(suite.expectations)] * 2)
    assert [rows[0]["success"] for rows in together] == [False, True]
    assert together[0][0]["error"] and together[1][0]["error"] is None


def test_the_validation_page_and_markdown_show_the_batches_expectations_and_bad_values_as_text(tmp_path):
    """A file name, a description or a bad value that reads as HTML or markdown is shown escaped, never as
    markup, on the page and in the metadata's markdown."""
    from html import unescape
    from html.parser import HTMLParser

    conn = duckdb.connect()
    conn.execute("CREATE TABLE h AS SELECT * FROM (VALUES ('<i>f.csv', '<b>bad</b>'), ('<i>f.csv', 'ok')) v(f, code)")
    describes = "<u>code</u> is ok"
    suite = Suite("h", ("f", "code"), (Expectation("ExpectColumnValuesToBeInSet",
                                                   {"column": "code", "value_set": ["ok"]}, describes),),
                  batch_by="f")
    result = run_suite(conn, suite, [], tmp_path / "h.html", rows_expected=False)
    assert f"| {md_text('<i>f.csv')} | {md_text(describes)} | **no** | 1 | {md_text('<b>bad</b>')} |" in (
        result.metadata["expectations"].value)
    html = (tmp_path / "h.html").read_text()

    found = set()

    class Tags(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.add(tag)

    Tags().feed(html)
    assert not found & {"i", "b", "u"}, found
    for text in ("<i>f.csv", "<b>bad</b>", describes):
        assert text in unescape(html) and text not in html


def test_columns_named_as_sql_keywords_or_with_quotes_are_validated():
    """Every column is a quoted identifier in DuckDB's queries: "order", or a name holding a quote."""
    conn = duckdb.connect()
    conn.execute('CREATE TABLE k AS SELECT * FROM (VALUES (2023, 1, \'x\'), (2023, 1, NULL), (2024, 2, \'y\')) '
                 'v("group", "order", "a""b")')
    columns = ("group", "order", 'a"b')
    suite = Suite("k", columns, (e("ExpectColumnValuesToNotBeNull", column='a"b'),
                                 e("ExpectColumnValuesToBeBetween", column="order", min_value=2, max_value=3),
                                 e("ExpectCompoundColumnsToBeUnique", column_list=["order", "group"])),
                  batch_by="group")
    expectations = list(suite.expectations)
    together = validate_batches(conn, "k", lambda a: "true", [], "group", [2023, 2024], [expectations] * 2, columns)
    for year, rows in zip([2023, 2024], together, strict=True):
        frame = conn.sql('SELECT * FROM k WHERE "group" = $1', params=[year]).df()
        assert [(r["success"], r["unexpected_count"], r["sample"]) for r in rows] == [
            (r["success"], r["unexpected_count"], r["sample"]) for r in validate_frame(frame, expectations)]
    assert [r["unexpected_count"] for r in together[0]] == [1, 2, 2]


def test_a_batchs_sample_is_its_first_bad_rows_whatever_order_another_batch_has_them_in():
    """Six bad codes, in 2023 in one order and in 2024 (later rows) in the reverse: each batch lists
    its own first five, though the frame holds each code once."""
    conn = duckdb.connect()
    codes = [f"bad{i}" for i in range(6)]
    rows = [(2023, c) for c in codes] + [(2024, "ok")] + [(2024, c) for c in reversed(codes)] + [(2024, "bad0")]
    conn.execute("CREATE TABLE s (year INTEGER, code VARCHAR)")
    conn.executemany("INSERT INTO s VALUES (?, ?)", rows)
    suite = Suite("s", ("year", "code"), (e("ExpectColumnValuesToBeInSet", column="code", value_set=["ok"]),))
    together = assert_batches_as_alone(conn, suite, [2023, 2024], [list(suite.expectations)] * 2)
    assert [rows[0]["sample"] for rows in together] == [codes[:5], codes[::-1][:5]]
    assert [rows[0]["unexpected_count"] for rows in together] == [6, 7]


@pytest.mark.parametrize(("per_pass", "passes"), [(7, 3), (10, 2), (20, 1), (1000, 1)])
def test_the_uniqueness_hashes_are_sorted_in_as_many_passes_as_their_bound_needs(monkeypatch, per_pass, passes):
    """At most about HASHES_PER_PASS hashes in memory at once: 20 rows take 3 passes of 7, 2 of 10, 1 of 20;
    the passes find the hashes one pass finds."""
    conn = duckdb.connect()
    conn.execute("CREATE TABLE d AS SELECT i % 2 AS y, i % 7 AS k FROM range(20) r(i)")
    queries = []

    class Recorded:
        def sql(self, query, **kwargs):
            queries.append(query)
            return conn.sql(query, **kwargs)

    args = ("d", lambda a: "true", [], lambda a: f"{a}.y", "true", "t.k")
    one_pass = sorted(gx_runner._shared_hashes(conn, *args).tolist())
    assert len(one_pass) == 6  # the keys of rows 0-5, which rows 14-19 repeat
    monkeypatch.setattr(gx_runner, "HASHES_PER_PASS", per_pass)
    assert sorted(gx_runner._shared_hashes(Recorded(), *args).tolist()) == one_pass
    assert len(queries) == 1 + passes  # the count of rows, then a query per pass


def test_a_uniqueness_gx_raises_on_fails_with_its_error_in_each_batch():
    """GX cannot hash a list: the key's duplicates fail with GX's error and, as GX reports, no unexpected
    rows (not DuckDB's count of them), for one batch or several."""
    conn = duckdb.connect()
    conn.execute("CREATE TABLE l AS SELECT * FROM (VALUES (2023, [1], 'a'), (2023, [1], 'a'), (2024, [2], 'b'), "
                 "(2024, [2], 'b')) v(year, k, s)")
    unique = [e("ExpectCompoundColumnsToBeUnique", column_list=["k", "s"])]
    [want] = validate_frame(conn.sql("SELECT * FROM l WHERE year = 2023").df(), unique)
    assert not want["success"] and "unhashable" in want["error"]
    columns = ("year", "k", "s")
    alone = validate_batch(conn, "l", lambda a: f"{a}.year = 2023", [], unique, columns)
    together = validate_batches(conn, "l", lambda a: "true", [], "year", [2023, 2024], [unique] * 2, columns)
    for [got] in (alone, *together):
        assert (got["success"], got["error"], got["unexpected_count"]) == (False, want["error"], 0)
