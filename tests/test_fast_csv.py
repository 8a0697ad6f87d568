"""The fast CSV reader (Polars) gives exactly what the exact reader (Python's csv module) gives.

`read_delimited` reads a regular file with Polars and hands anything irregular (a short or long
record, an unclosed quote, a lone CR, UTF-16, Windows-1252, ...) to the csv-module reader, which
locates errors precisely. These tests compare the two readers on every CSV the project has, on
the real exports, on hand-made irregular files and on a few thousand random ones.
"""

import random
import sys
from pathlib import Path

import fastexcel
import polars as pl
import pytest

from assets.ingest import formats
from assets.ingest.errors import InputError
from assets.ingest.formats import ROW, read_delimited, read_maxqda_coded_segments, read_qualtrics_csv
from assets.ingest.pseudonyms import Pseudonymiser
from assets.ingest.survey import pseudonyms
from tests.conftest import DATA, FIXTURES, real_export

ROOT = Path(__file__).resolve().parents[1]
PROJECT_CSVS = sorted(p for d in (DATA, FIXTURES) for p in d.rglob("*") if p.suffix.lower() in {".csv", ".tsv", ".txt"})
REAL_CSVS = ["qualtrics/qualtRics_sample.csv", "qualtrics/qualtRics_sample_legacy.csv",
             "limesurvey/UU_name-face_results_codes.csv", "limesurvey/survey_998192_R_data_file.csv",
             "atlasti/20250914_quotation_export.csv"]


def outcome(call):
    try:
        return call()
    except (InputError, Exception) as exc:  # the same error, with the same message, from both readers
        return (type(exc).__name__, str(exc))


def read_both(path: Path) -> tuple[list, list, bool]:
    """What each reader gives: the records' head and count, and the data frame (and short rows)
    below 1, 2 and 3 header rows; plus whether the fast reader took the file itself."""
    results, fast_taken = [], False
    for fast in (True, False):
        records = outcome(lambda: read_delimited(path, fast))
        if isinstance(records, tuple):
            results.append([records])
            continue
        if fast:
            fast_taken = records.grid is not None
        frames = [outcome(lambda h=h, n=n: records.to_frame(path, header_rows=h, name_row=n))
                  for h, n in ((1, 0), (2, 1), (3, 0))]
        results.append([records.head, records.count, *frames])
    return results[0], results[1], fast_taken


def assert_same(a, b):
    if isinstance(a, pl.DataFrame):
        assert isinstance(b, pl.DataFrame) and a.schema == b.schema
        assert a.equals(b, null_equal=True), f"{a}\n!=\n{b}"
    elif isinstance(a, (list, tuple)):
        assert isinstance(b, (list, tuple)) and len(a) == len(b), f"{a!r} != {b!r}"
        for x, y in zip(a, b):
            assert_same(x, y)
    else:
        assert a == b


def test_there_are_project_csvs():
    assert len(PROJECT_CSVS) >= 20


@pytest.mark.parametrize("path", PROJECT_CSVS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_fast_and_exact_reader_agree_on_project_csvs(path: Path):
    fast, exact, _ = read_both(path)
    assert_same(fast, exact)


@pytest.mark.parametrize("relative", REAL_CSVS)
def test_fast_and_exact_reader_agree_on_real_exports(relative: str):
    fast, exact, _ = read_both(real_export(relative))
    assert_same(fast, exact)


@pytest.mark.parametrize("relative", ["qualtrics/qualtRics_sample.csv", "qualtrics/qualtRics_sample_legacy.csv"])
def test_qualtrics_tables_identical_real_exports(relative: str):
    path = real_export(relative)
    a, b = read_qualtrics_csv(path, fast=True), read_qualtrics_csv(path, fast=False)
    assert_same(a.frame, b.frame)
    assert (a.question_text, a.detail, a.short_rows) == (b.question_text, b.detail, b.short_rows)


def test_qualtrics_sample_takes_the_fast_path_with_the_same_table():
    path = DATA / "pmg" / "2023" / "pmg_t0_qualtrics.csv"
    assert read_delimited(path).grid is not None
    a, b = read_qualtrics_csv(path, fast=True), read_qualtrics_csv(path, fast=False)
    assert_same(a.frame, b.frame)
    assert (a.question_text, a.detail, a.short_rows) == (b.question_text, b.detail, b.short_rows)


HEADER = ('Q1,Q2,Q3\r\nCode,Vraag,Tekst\r\n'
          '"{""ImportId"":""QID1""}","{""ImportId"":""QID2""}","{""ImportId"":""QID3""}"\r\n')
IRREGULAR = {
    "short row (truncated)": HEADER + "A,1,x\r\nB,2\r\n",
    "unclosed quote": HEADER + 'A,1,"x\r\nB,2,y\r\n',
    "long row": HEADER + "A,1,x,extra\r\n",
    "long row, blank extra field": HEADER + "A,1,x, \r\n",
    "trailing delimiter on the last line": HEADER + "A,1,x\r\nB,2,y,",
    "short row and long last line": HEADER + "A,1\r\nB,2,y,",
    "lone CR": HEADER + "A,1,x\rB,2,y\r\n",
    "text after a closing quote": HEADER + 'A,1,"x"y\r\n',
    "quote inside an unquoted field": HEADER + 'A,1,x"y\r\n',
    "blank line inside": HEADER + "A,1,x\r\n\r\nB,2,y\r\n",
    "whitespace-only line inside": HEADER + "A,1,x\r\n  \r\nB,2,y\r\n",
    "windows-1252": HEADER + "A,1,caf\xe9\r\n",
    "separators U+001C..U+001F as the only content": HEADER + "A,1,\x1c\x1f\r\n",
    "one column, a blank line inside": "Q1\r\nCode\r\n{}\r\nA\r\n\r\nB\r\n",
}


@pytest.mark.parametrize("name", sorted(IRREGULAR))
def test_irregular_files_give_the_exact_readers_result(name: str, tmp_path: Path):
    text = IRREGULAR[name]
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode("cp1252" if name == "windows-1252" else "utf-8"))
    fast, exact, _ = read_both(path)
    assert_same(fast, exact)
    assert_same(outcome(lambda: read_qualtrics_csv(path, fast=True).frame),
                outcome(lambda: read_qualtrics_csv(path, fast=False).frame))


def test_regular_variants_take_the_fast_path(tmp_path: Path):
    """BOM, semicolons, tabs, quoted delimiters and line breaks, doubled quotes, blank lines and
    blank records at the end: still regular, read by Polars, same result."""
    variants = {
        "bom.csv": "\ufeff" + HEADER + 'A,"1,5","say ""hi""\nthere"\r\n',
        "semicolon.csv": HEADER.replace(",", ";") + 'A;"7,5";" "\r\n\r\n\r\n',
        "tab.tsv": HEADER.replace(",", "\t") + "A\t1\t\r\n\t\t\r\n",
        "lf.csv": HEADER.replace("\r\n", "\n") + "A,,x\nB, ,\n \u00a0,,\n",
    }
    for name, text in variants.items():
        path = tmp_path / name
        path.write_bytes(text.encode("utf-8"))
        fast, exact, taken = read_both(path)
        assert taken, name
        assert_same(fast, exact)


def test_field_beyond_the_csv_size_limit_is_left_to_csv(tmp_path: Path):
    path = tmp_path / "big.csv"
    path.write_text(HEADER + "A,1," + "x" * (formats.csv.field_size_limit() + 1) + "\r\n", encoding="utf-8")
    fast, exact, taken = read_both(path)
    assert not taken
    assert_same(fast, exact)


def test_whitespace_is_what_python_strips():
    assert set(formats._WHITESPACE) == {c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()}


PIECES = ["a", "x y", " ", "", "\u00e9", '"', '""', "\n", "\r\n", "\r", ",", ";", "\t", "\x1c", "\u00a0", "7,5", "{\"I\":1}"]


def random_field(rng: random.Random) -> str:
    value = "".join(rng.choice(PIECES) for _ in range(rng.choice([0, 1, 1, 2, 3])))
    roll = rng.random()
    if roll < 0.45:
        return '"' + value.replace('"', '""') + '"'
    if roll < 0.5:  # broken quoting
        return rng.choice(['"' + value, '"' + value + '"x', 'x"' + value])
    if roll < 0.6:
        return value
    return "".join(c for c in value if c not in '",;\t\r\n')


def random_file(rng: random.Random) -> bytes:
    delimiter, width = rng.choice([",", ";", "\t"]), rng.randint(1, 5)
    eol = rng.choice(["\n", "\r\n", "\r\n", "\r"])
    lines = [delimiter.join(random_field(rng) for _ in range(width if rng.random() < 0.9 else rng.randint(0, width + 2)))
             for _ in range(rng.randint(0, 8))]
    text = eol.join(lines) + rng.choice(["", eol, eol * 2, eol + " " + eol, eol + delimiter * (width - 1) + eol])
    encoding = rng.choice(["utf-8", "utf-8", "utf-8-sig", "cp1252", "utf-16"])
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        return text.encode("utf-8")


def test_random_files_read_the_same(tmp_path: Path):
    rng = random.Random(20261123)
    path = tmp_path / "random.csv"
    fast_taken = 0
    for _ in range(1500):
        data = random_file(rng)
        path.write_bytes(data)
        fast, exact, taken = read_both(path)
        fast_taken += taken
        try:
            assert_same(fast, exact)
        except AssertionError as exc:
            raise AssertionError(f"readers differ on {data!r}") from exc
    assert fast_taken >= 50  # the fast reader did take a share of them


def test_pseudonyms_equal_the_pseudonymiser_across_files():
    """The memory of the previous file's pseudonyms gives what Pseudonymiser.series gives."""
    shared = Pseudonymiser("k")
    files = [["A-1", "B-2", None, "C-3", "A-1", "  "], ["B-2", "D-4", " a-1 ", None], ["E-5"], []]
    for codes in files:
        series = pl.Series("Q1", codes, dtype=pl.String)
        assert pseudonyms(shared, series, "codebook.yaml").to_list() == Pseudonymiser("k").series(series).to_list()


def test_maxqda_workbook_sheet_parsed_once(monkeypatch):
    path = DATA / "pmg" / "2023" / "pmg_focusinterviews_maxqda.xlsx"
    calls = []
    original = fastexcel.ExcelReader.load_sheet
    monkeypatch.setattr(fastexcel.ExcelReader, "load_sheet",
                        lambda self, *a, **k: calls.append(a) or original(self, *a, **k))
    table = read_maxqda_coded_segments(path)
    assert len(calls) == 1
    assert table.frame.height > 0 and table.frame[ROW].min() == 2


def test_survey_cells_come_row_by_row():
    """Cells in row order, then column order (what a sort would give, without sorting): DuckDB stores
    column-by-column cells in about twice the space."""
    from assets.ingest.codebook import discover_codebooks
    from assets.ingest.survey import survey_cells

    codebook = discover_codebooks(DATA, "pmg", "pmg_questionnaire")[0]
    cells = survey_cells(codebook, codebook.files[1], Pseudonymiser("k"))[0]
    assert cells.height > 0
    assert cells.equals(cells.sort("row_number", "column_name"))
