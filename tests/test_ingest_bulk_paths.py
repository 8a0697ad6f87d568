"""The bulk paths of ingestion give what the straightforward ones give: pseudonyms hashed in a
loop equal the Pseudonymiser's own (existing warehouses keep matching), names are indexed only
where they can occur yet mask the same, and the other survey tools' CSVs read by the fast reader
give the tables the exact reader gives."""

from __future__ import annotations

import hashlib
import hmac
import random
from pathlib import Path

import polars as pl
import pytest

from assets.ingest import formats, formats_other_surveys, privacy
from assets.ingest.privacy import _NameIndex, _name_words, mask_series, name_variants
from assets.ingest.pseudonyms import Pseudonymiser
from tests.test_privacy_mask_series import NAMES, random_text

FIXTURES = Path(__file__).with_name("fixtures")

CODES = ["UMCG-23-0001234", "umcg-23-0001234", " UMCG-23-0001234 ", "A  b\tc", "Ab c", "", " ", "\u00a0",
         "ÄBC", "äbc", "Straße", "STRASSE", "İnce", "ǅ", "x\u0301", "a@b.nl", "A@B.NL", "~!", "\x7f", "\x1c1",
         "anonymous#12", "p_1", None]


@pytest.mark.parametrize("key", ["k", "bench-key-not-for-real-data", "x" * 64, "y" * 65, "sleutel-é" * 20])
def test_bulk_pseudonyms_equal_one_by_one(key):
    pseudonymise = Pseudonymiser(key)
    rng = random.Random(7)
    codes = CODES + [f"ORG{rng.randint(0, 999):03d}-{rng.randint(0, 99)}-{rng.randint(0, 10**7):07d}" for _ in range(3000)]
    series = pl.Series("Q1", codes, dtype=pl.String)
    got = pseudonymise.series(series)
    assert got.dtype == pl.String and got.name == "Q1"
    assert got.to_list() == [pseudonymise(c) for c in codes]
    # and __call__ is the documented HMAC-SHA256, first 20 hex digits
    assert pseudonymise("ABC") == "p_" + hmac.new(key.encode(), b"abc", hashlib.sha256).hexdigest()[:20]


def test_pseudonyms_of_a_column_without_codes():
    pseudonymise = Pseudonymiser("k")
    assert pseudonymise.series(pl.Series("Q1", [None, None], dtype=pl.String)).to_list() == [None, None]
    assert pseudonymise.series(pl.Series("Q1", [], dtype=pl.String)).to_list() == []


def test_name_words_are_the_stripped_names_longest_first():
    names = ["Jan", " Jan ", "J", "", " \u2003a\u2003", "Sanne de Vries", "Vries", "\x1cBo\x1f", None]
    got = _name_words(names)
    expected = {n.strip() for n in names if n and len(n.strip()) >= 2}
    assert set(got) == expected and len(got) == len(expected)
    assert [len(w) for w in got] == sorted((len(w) for w in got), reverse=True)
    assert _name_words(pl.Series(names, dtype=pl.String)) == got


@pytest.mark.parametrize("stretches", [privacy.STRETCHES_UP_TO, 0])
@pytest.mark.parametrize("seed", range(3))
def test_index_of_the_names_in_the_texts_masks_as_the_full_index(monkeypatch, stretches, seed):
    """Stretch by stretch, and (above STRETCHES_UP_TO) by the Aho-Corasick pass over the texts."""
    monkeypatch.setattr(privacy, "STRETCHES_UP_TO", stretches)
    rng = random.Random(seed)
    words = privacy._name_words(NAMES)
    full = _NameIndex(words)
    for n in (1, 5, 40, 400):
        texts = [t for t in (random_text(rng) for _ in range(n)) if t is not None]
        few = _NameIndex.for_texts(words, texts)
        assert len(few.by_key) <= len(full.by_key)
        assert [few.mask(t) for t in texts] == [full.mask(t) for t in texts]


def test_a_few_answers_against_many_codes_index_only_what_they_hold():
    codes = [f"ORG{i % 200:03d}-19-{i:07d}" for i in range(20000)]
    answers = ["Workshop ORG007-19-0000007 1", "org013-19-0000013", "Leiderschap", "ORG007-19-00000071"]
    index = _NameIndex.for_texts(privacy._name_words(codes + ["Sophie"]), answers)
    assert sorted(w for ws in index.by_key.values() for w in ws) == ["ORG007-19-0000007", "ORG013-19-0000013"]
    got = mask_series(pl.Series("Q3", answers * 3), pl.Series(codes + ["Sophie"]))
    assert got.to_list() == ["Workshop [naam] 1", "[naam]", "Leiderschap", "ORG007-19-00000071"] * 3
    assert got.to_list() == mask_series(pl.Series("Q3", answers * 3), tuple(codes + ["Sophie"])).to_list()
    assert set(name_variants(["Vink, Sophie"])) == {"Sophie Vink", "Vink, Sophie", "Sophie", "Vink", "Sophies", "Vinks"}


OTHER_TOOLS = [
    ("limesurvey/pmg/2023/results-survey471156_t0.csv", formats_other_surveys.read_limesurvey_csv),
    ("limesurvey/pmg/2023/results-survey471157_t1.csv", formats_other_surveys.read_limesurvey_csv),
]


def _exact(monkeypatch):
    exact = formats.read_delimited
    monkeypatch.setattr(formats_other_surveys, "read_delimited", lambda path, fast=True: exact(path, fast=False))


@pytest.mark.parametrize("relative, reader", OTHER_TOOLS)
def test_other_tools_fixtures_read_the_same_by_both_readers(monkeypatch, relative, reader):
    path = FIXTURES / "pmg_alt" / relative
    fast = reader(path)
    _exact(monkeypatch)
    exact = reader(path)
    assert fast.frame.equals(exact.frame, null_equal=True) and fast.frame.schema == exact.frame.schema
    assert (fast.question_text, fast.detail, fast.short_rows) == (exact.question_text, exact.detail, exact.short_rows)


GOOGLE = ("Tijdstempel,E-mailadres,Wat is je deelnemerscode?,Hoe gaat het? [Werk],Opmerkingen\r\n"
          '2023/10/02 9:14:03,a@b.nl,UMCG-23-0001,"Goed, dank je"," "\r\n'
          "2023/10/02 9:15:03,,UMCG-23-0002,Matig,\r\n")
SURVEYMONKEY = ("Respondent ID,Collector ID,Welke vaardigheden?,,,Opmerkingen\r\n"
                ",,Plannen,Grenzen,Other (please specify),Open-Ended Response\r\n"
                '1,9,Plannen,,"iets, anders",Top\r\n'
                "2,9,,Grenzen,,\r\n")
BROKEN = {"short row": "\r\n3,9,Plannen\r\n", "unclosed quote": '\r\n3,9,"Plannen,,,\r\n'}


@pytest.mark.parametrize("text, reader", [(GOOGLE, formats_other_surveys.read_google_forms_csv),
                                          (SURVEYMONKEY, formats_other_surveys.read_surveymonkey_csv)])
@pytest.mark.parametrize("tail", ["", *BROKEN.values()])
def test_google_forms_and_surveymonkey_read_the_same_by_both_readers(monkeypatch, tmp_path, text, reader, tail):
    path = tmp_path / "export.csv"
    path.write_bytes((text.rstrip("\r\n") + tail if tail else text).encode("utf-8"))
    fast = reader(path)
    _exact(monkeypatch)
    exact = reader(path)
    assert fast.frame.equals(exact.frame, null_equal=True) and fast.frame.schema == exact.frame.schema
    assert (fast.question_text, fast.detail, fast.short_rows) == (exact.question_text, exact.detail, exact.short_rows)
    assert bool(fast.short_rows) == bool(tail)  # both cut a record short


@pytest.mark.parametrize("error", [ValueError, KeyboardInterrupt])
def test_a_transaction_that_raises_leaves_the_table_as_it_was(error):
    """The delete-then-insert writes go through loader.transaction: a failure (or a run being
    stopped) between the delete and the insert keeps every row."""
    import duckdb

    from assets.ingest.loader import transaction

    conn = duckdb.connect()
    conn.execute("CREATE TABLE t AS SELECT * FROM range(3) r(x)")
    with pytest.raises(error):
        with transaction(conn):
            conn.execute("DELETE FROM t")
            raise error()
    assert conn.execute("SELECT count(*) FROM t").fetchall() == [(3,)]
    with transaction(conn):
        conn.execute("DELETE FROM t WHERE x = 0")
    assert conn.execute("SELECT count(*) FROM t").fetchall() == [(2,)]
