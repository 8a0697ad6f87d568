"""The theme marts at many organisations: an intervention name that two organisations share keeps
two sets of rows; and a warehouse built before the marts had an organisation column gains it. And
Tabel 3's counts and the theme mentions on crafted segments, counting people, interviews and groups."""

import duckdb
import pytest
from dagster_duckdb import DuckDBResource

from assets.pmg.marts import THEMES, pmg_theme_mentions
from assets.pmg.themes import THEME_MATRIX, THEME_QUOTES, pmg_theme_matrix, pmg_theme_quotes
from assets.pmg.year_data import load_year
from assets.tables import frame_for, replace_with_frame
from tests.conftest import materialize_years
from warehouse.schema import ensure_schema, table

SEGMENTS = "staging.pmg_interview_segments"


def _segment(organisation: str, participant: str, theme: str, text: str, row: int) -> dict:
    return {"year": 2023, "organisation": organisation, "intervention": "Mindfulness", "group_label": "Groep 1",
            "wave": "T0", "document": f"{organisation} T0", "participant_id": participant, "section": "Diagnose",
            "jdr_category": "werk_stressor", "igloo_level": "Individu", "theme": theme, "segment_text": text,
            "source_file": f"{organisation}.csv", "row_number": row}


SEGMENT_ROWS = [
    _segment("UMCG", "p1", "werkdruk", "Het werk houdt nooit op, ook 's avonds niet.", 1),
    _segment("UMCG", "p2", "werkdruk", "Te veel diensten.", 2),
    _segment("UMCG", "p2", "onduidelijke rol", "Niemand zegt wat ik moet doen.", 3),
    _segment("RUG", "p9", "werkdruk", "Deadlines stapelen zich op aan het eind van het blok.", 1),
]


@pytest.fixture
def segments_db(tmp_path):
    """A warehouse holding SEGMENT_ROWS in staging."""
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as conn:
        replace_with_frame(conn, SEGMENTS, frame_for(SEGMENTS, SEGMENT_ROWS))
    return path


def _materialize(path):
    assert materialize_years([pmg_theme_matrix, pmg_theme_quotes], {"duckdb": DuckDBResource(database=str(path))},
                             years=(2023,)).success


def _marts_of(tmp_path, rows: list[dict], query: str) -> list[tuple]:
    """`query`'s rows once the theme marts are made of these segments alone."""
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as conn:
        replace_with_frame(conn, SEGMENTS, frame_for(SEGMENTS, rows))
    _materialize(path)
    with duckdb.connect(str(path), read_only=True) as conn:
        return conn.sql(query).fetchall()


def test_an_intervention_name_two_organisations_run_keeps_their_rows_apart(segments_db):
    _materialize(segments_db)
    conn = duckdb.connect(str(segments_db), read_only=True)
    matrix = conn.sql(f"SELECT organisation, n_themes, n_groups, n_participants FROM {THEME_MATRIX} "
                      "ORDER BY organisation").fetchall()
    quotes = conn.sql(f"SELECT organisation, theme, n_participants, quote FROM {THEME_QUOTES} "
                      "ORDER BY organisation, theme, rank").fetchall()
    conn.close()
    assert matrix == [("RUG", 1, 1, 1), ("UMCG", 2, 1, 2)]
    assert quotes == [
        ("RUG", "werkdruk", 1, "Deadlines stapelen zich op aan het eind van het blok."),
        ("UMCG", "onduidelijke rol", 1, "Niemand zegt wat ik moet doen."),
        ("UMCG", "werkdruk", 2, "Het werk houdt nooit op, ook 's avonds niet."),
        ("UMCG", "werkdruk", 2, "Te veel diensten."),
    ]


def test_quotes_two_per_theme_and_words_said_twice_are_the_first_speakers(tmp_path):
    """p2 repeats p1's words: they are p1's (their first place), who is quoted once, so the quotes
    are the two longest of other speakers; never more than two per theme."""
    rows = [_segment("UMCG", "p1", "werkdruk", "Het werk houdt nooit op, ook 's avonds niet.", 1),
            _segment("UMCG", "p1", "werkdruk", "Te veel diensten, echt.", 2),
            _segment("UMCG", "p2", "werkdruk", "Te veel diensten, echt.", 3),
            _segment("UMCG", "p3", "werkdruk", "Kort.", 4),
            _segment("UMCG", "p4", "werkdruk", "Middellange zin hier.", 5)]
    quotes = _marts_of(tmp_path, rows, f"SELECT quote, rank FROM {THEME_QUOTES} ORDER BY rank")
    assert quotes == [("Het werk houdt nooit op, ook 's avonds niet.", 1), ("Middellange zin hier.", 2)]


def test_quotes_are_trimmed_never_empty_and_ties_go_to_the_first_file_and_row(tmp_path):
    """An empty or blank segment is no quote; "  Ja, zeker.  " and "Ja, zeker." are one quote, from
    its first place (group and all); quotes of equal length are taken in file, then row order."""
    rows = [{**_segment("UMCG", "p1", "werkdruk", "   ", 1), "source_file": "a.csv"},
            {**_segment("UMCG", "p2", "werkdruk", "  Ja, zeker.  ", 9), "source_file": "a.csv"},
            {**_segment("UMCG", "p3", "werkdruk", "Ja, zeker.", 10), "source_file": "a.csv", "group_label": "Groep 2"},
            {**_segment("UMCG", "p4", "werkdruk", "Nee, nooit.", 1), "source_file": "b.csv"},
            {**_segment("UMCG", "p5", "werkdruk", "Nee, soms.", 2), "source_file": "b.csv"},
            {**_segment("UMCG", "p1", "rol", "", 3), "source_file": "b.csv"},
            {**_segment("UMCG", "p2", "rol", "Onduidelijk.", 4), "source_file": "b.csv"}]
    quotes = _marts_of(tmp_path, rows,
                       f"SELECT theme, quote, group_label, rank FROM {THEME_QUOTES} ORDER BY theme, rank")
    assert quotes == [("rol", "Onduidelijk.", "Groep 1", 1),
                      ("werkdruk", "Nee, nooit.", "Groep 1", 1), ("werkdruk", "Ja, zeker.", "Groep 1", 2)]


def test_a_theme_that_is_a_resource_to_one_and_a_stressor_to_another_keeps_them_apart(tmp_path):
    """"Inhoud van het werk" under both categories in one intervention and wave: each category has
    its own count and its own quotes (they counted, and were chosen, together)."""
    path = tmp_path / "warehouse.duckdb"
    rows = [_segment("UMCG", "p1", "inhoud van het werk", "Het werk zelf is zwaar, elke dag weer.", 1),
            {**_segment("UMCG", "p2", "inhoud van het werk", "Het werk zelf geeft me energie.", 2),
             "jdr_category": "werk_hulpbron"},
            {**_segment("UMCG", "p3", "inhoud van het werk", "Mooi werk.", 3), "jdr_category": "werk_hulpbron"},
            # outside the Diagnose a theme has no category: its quote is kept (NULL joins NULL here)
            {**_segment("UMCG", "p3", "inhoud van het werk", "Meer afwisseling in het werk.", 4),
             "section": "Advies", "jdr_category": None}]
    with duckdb.connect(str(path)) as conn:
        replace_with_frame(conn, SEGMENTS, frame_for(SEGMENTS, rows))
    assert materialize_years([pmg_theme_mentions, pmg_theme_quotes], {"duckdb": DuckDBResource(database=str(path))},
                             years=(2023,)).success
    conn = duckdb.connect(str(path), read_only=True)
    mentions = conn.sql(f"SELECT jdr_category, n_participants FROM {THEMES} ORDER BY ALL").fetchall()
    quotes = conn.sql(f"SELECT jdr_category, n_participants, quote FROM {THEME_QUOTES} ORDER BY ALL").fetchall()
    conn.close()
    assert mentions == [("werk_hulpbron", 2), ("werk_stressor", 1), (None, 1)]
    assert quotes == [("werk_hulpbron", 2, "Het werk zelf geeft me energie."), ("werk_hulpbron", 2, "Mooi werk."),
                      ("werk_stressor", 1, "Het werk zelf is zwaar, elke dag weer."),
                      (None, 1, "Meer afwisseling in het werk.")]


def test_a_warehouse_from_before_the_organisation_column_gains_it_and_keeps_its_rows(segments_db):
    conn = duckdb.connect(str(segments_db))
    conn.execute("CREATE SCHEMA marts")
    conn.execute("CREATE TABLE marts.pmg_theme_matrix (year INTEGER, intervention VARCHAR, igloo_level VARCHAR, "
                 "jdr_category VARCHAR, n_themes INTEGER, n_groups INTEGER, n_participants INTEGER)")
    conn.execute("INSERT INTO marts.pmg_theme_matrix VALUES (2022, 'Mindfulness', 'Groep', 'uitkomst', 3, 2, 5)")
    conn.close()

    _materialize(segments_db)

    conn = duckdb.connect(str(segments_db), read_only=True)
    columns = [c for c, in conn.sql("SELECT column_name FROM duckdb_columns() WHERE schema_name = 'marts' "
                                    "AND table_name = 'pmg_theme_matrix' ORDER BY column_index").fetchall()]
    rows = conn.sql("SELECT year, organisation, n_themes FROM marts.pmg_theme_matrix ORDER BY ALL").fetchall()
    conn.close()
    assert columns == table(THEME_MATRIX).column_names  # the same order as a new warehouse's
    assert rows == [(2022, None, 3), (2023, "RUG", 1), (2023, "UMCG", 2)]  # 2022 until that year runs again


def test_ensure_schema_on_a_complete_warehouse_changes_nothing():
    catalogue = "SELECT schema_name, table_name, column_name, column_index FROM duckdb_columns() ORDER BY ALL"
    with duckdb.connect() as conn:
        ensure_schema(conn)
        before = conn.sql(catalogue).fetchall()
        ensure_schema(conn)
        assert conn.sql(catalogue).fetchall() == before


def test_one_segment_coded_both_a_resource_and_a_stressor_is_quoted_once(tmp_path):
    """One segment coded under a theme as both a resource and a stressor is a quote of each
    category in the mart; the report prints its words once."""
    path = tmp_path / "warehouse.duckdb"
    words = "Het werk zelf geeft me energie, maar het is ook zwaar."
    rows = [_segment("UMCG", "p1", "inhoud van het werk", words, 1),
            {**_segment("UMCG", "p1", "inhoud van het werk", words, 1), "jdr_category": "werk_hulpbron"}]
    with duckdb.connect(str(path)) as conn:
        replace_with_frame(conn, SEGMENTS, frame_for(SEGMENTS, rows))
    assert materialize_years([pmg_theme_quotes], {"duckdb": DuckDBResource(database=str(path))}, years=(2023,)).success
    with duckdb.connect(str(path)) as conn:
        quotes = conn.sql(f"SELECT * FROM {THEME_QUOTES} ORDER BY rank").pl().to_dicts()
        ensure_schema(conn)  # the other marts a year's report reads, empty
        reported = load_year(conn, 2023).quotes
    assert len(quotes) == 2  # one per category, as the mart means to keep them
    assert reported["quote"].to_list() == [words]  # the report prints it once


def _spoken(document: str, wave: str, participant: str, theme: str, row: int) -> dict:
    return _segment("UMCG", participant, theme, "…", row) | {"document": document, "wave": wave}


def test_response_counts_and_mentions_count_people_interviews_and_groups_apart(tmp_path):
    """Tabel 3's interviews per wave and the size of the smallest and largest (here at T1), a group
    that filled in the questionnaire without a focus interview (a row of its own, no interview),
    and a theme's groups as its interview documents, not its speakers."""
    from assets.pmg.marts import COUNTS, pmg_response_counts

    path = tmp_path / "warehouse.duckdb"
    segments = [_spoken("T0 sessie 1", "T0", "p1", "werkdruk", 1), _spoken("T0 sessie 1", "T0", "p2", "werkdruk", 2),
                _spoken("T0 sessie 1", "T0", "p3", "steun", 3), _spoken("T0 sessie 2", "T0", "p4", "werkdruk", 1),
                _spoken("T0 sessie 2", "T0", "p5", "steun", 2), _spoken("T1 sessie", "T1", "p1", "steun", 1)]
    responses = [{"year": 2023, "participant_id": p, "wave": "T0", "organisation": "UMCG",
                  "intervention": "Mindfulness", "group_label": group, "mental_health_grade": 6.0,
                  "intervention_grade": None}
                 for group, people in (("Groep 1", ("p1", "p2")), ("Groep 2", ("q1", "q2", "q3"))) for p in people]
    with duckdb.connect(str(path)) as conn:
        ensure_schema(conn)
        replace_with_frame(conn, SEGMENTS, frame_for(SEGMENTS, segments))
        replace_with_frame(conn, "staging.pmg_questionnaire_responses",
                           frame_for("staging.pmg_questionnaire_responses", responses))
    assert materialize_years([pmg_response_counts, pmg_theme_mentions], {"duckdb": DuckDBResource(database=str(path))},
                             years=(2023,)).success
    with duckdb.connect(str(path), read_only=True) as conn:
        counts = conn.sql(f"SELECT group_label, n_t0, n_t1, n_questionnaire_t0, n_interviews_t0, n_interviews_t1, "
                          f"smallest_interview, largest_interview FROM {COUNTS} ORDER BY ALL").fetchall()
        mentions = conn.sql(f"SELECT wave, theme, n_participants, n_groups FROM {THEMES} ORDER BY ALL").fetchall()
    assert counts == [("Groep 1", 5, 1, 2, 2, 1, 1, 3), ("Groep 2", 0, 0, 3, 0, 0, None, None)]
    assert mentions == [("T0", "steun", 2, 2), ("T0", "werkdruk", 3, 2), ("T1", "steun", 1, 1)]


def test_interview_sizes_count_speakers_and_a_group_without_questionnaire_keeps_its_row(tmp_path):
    """A speaker with two segments is one participant of the interview, one T1 session of two
    speakers is one interview, and a group interviewed whom no questionnaire reached keeps its row
    with 0 respondents (not NULL)."""
    from assets.pmg.marts import COUNTS, pmg_response_counts

    path = tmp_path / "warehouse.duckdb"
    segments = [_spoken("T0 sessie 1", "T0", "p1", "werkdruk", 1), _spoken("T0 sessie 1", "T0", "p1", "steun", 2),
                _spoken("T0 sessie 1", "T0", "p2", "werkdruk", 3), _spoken("T0 sessie 2", "T0", "p3", "werkdruk", 1),
                _spoken("T1 sessie", "T1", "p1", "steun", 1), _spoken("T1 sessie", "T1", "p2", "steun", 2)]
    with duckdb.connect(str(path)) as conn:
        ensure_schema(conn)
        replace_with_frame(conn, SEGMENTS, frame_for(SEGMENTS, segments))
    assert materialize_years([pmg_response_counts], {"duckdb": DuckDBResource(database=str(path))},
                             years=(2023,)).success
    with duckdb.connect(str(path), read_only=True) as conn:
        counts = conn.sql(f"SELECT group_label, n_t0, n_t1, n_questionnaire_t0, n_questionnaire_t1, n_interviews_t0, "
                          f"n_interviews_t1, smallest_interview, largest_interview FROM {COUNTS}").fetchall()
    assert counts == [("Groep 1", 3, 2, 0, 0, 2, 1, 1, 2)]


def test_a_participant_who_raises_a_theme_twice_is_one_participant_who_raised_it(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    segments = [_spoken("T0 sessie 1", "T0", "p1", "werkdruk", 1), _spoken("T0 sessie 1", "T0", "p1", "werkdruk", 2),
                _spoken("T0 sessie 1", "T0", "p2", "werkdruk", 3)]
    with duckdb.connect(str(path)) as conn:
        replace_with_frame(conn, SEGMENTS, frame_for(SEGMENTS, segments))
    assert materialize_years([pmg_theme_mentions], {"duckdb": DuckDBResource(database=str(path))},
                             years=(2023,)).success
    with duckdb.connect(str(path), read_only=True) as conn:
        assert conn.sql(f"SELECT theme, n_participants, n_groups FROM {THEMES}").fetchall() == [("werkdruk", 2, 1)]


def test_the_theme_matrix_counts_interviews_and_leaves_out_what_has_no_place_in_the_grid(tmp_path):
    """A group interviewed at T0 and T1 is two interviews (its groups are its documents, not its
    label); a segment without an IGLOO level or a JD-R category has no cell, and no row of None."""
    rows = [_segment("UMCG", "p1", "werkdruk", "Veel.", 1),
            {**_segment("UMCG", "p1", "werkdruk", "Nog steeds veel.", 1), "wave": "T1", "document": "UMCG T1"},
            {**_segment("UMCG", "p2", "rooster", "Wisselend.", 2), "igloo_level": None},
            {**_segment("UMCG", "p3", "advies", "Meer rust.", 3), "section": "Advies", "jdr_category": None,
             "igloo_level": "Organisatie"}]
    matrix = _marts_of(tmp_path, rows,
                       f"SELECT igloo_level, jdr_category, n_themes, n_groups, n_participants FROM {THEME_MATRIX}")
    assert matrix == [("Individu", "werk_stressor", 1, 2, 1)]


def test_a_theme_in_two_waves_and_two_sections_has_each_quote_once_with_its_own_count(tmp_path):
    """The quotes of a theme are counted and listed per wave and section: one theme name in two
    sections without a category (Evaluatie, Advies) or in two waves is not a row for each; a
    speaker who says two things is one participant, and one who is coded without words is one too."""
    rows = [_segment("UMCG", "p1", "werkdruk", "Het werk houdt nooit op.", 1),
            _segment("UMCG", "p1", "werkdruk", "Ook in het weekend niet.", 2),
            {**_segment("UMCG", "p2", "werkdruk", "Het is iets rustiger.", 1), "wave": "T1", "document": "UMCG T1"},
            {**_segment("UMCG", "p2", "werkdruk", "Minder vergaderen.", 3), "section": "Advies", "jdr_category": None},
            {**_segment("UMCG", "p3", "werkdruk", "Het hielp.", 4), "section": "Evaluatie", "jdr_category": None},
            {**_segment("UMCG", "p4", "werkdruk", "Weinig.", 5), "section": "Evaluatie", "jdr_category": None},
            # coded without words: no quote, but a participant of the theme as in marts.pmg_theme_mentions
            {**_segment("UMCG", "p5", "werkdruk", "", 6), "section": "Evaluatie", "jdr_category": None}]
    quotes = _marts_of(tmp_path, rows,
                       f"SELECT wave, section, n_participants, quote, rank FROM {THEME_QUOTES} ORDER BY ALL")
    assert quotes == [("T0", "Advies", 1, "Minder vergaderen.", 1),
                      ("T0", "Diagnose", 1, "Het werk houdt nooit op.", 1),
                      ("T0", "Evaluatie", 3, "Het hielp.", 1), ("T0", "Evaluatie", 3, "Weinig.", 2),
                      ("T1", "Diagnose", 1, "Het is iets rustiger.", 1)]


def test_quotes_of_equal_length_go_by_their_first_place_also_when_said_twice(tmp_path):
    """Words said again later keep their first place in the tie-break: of three equally long
    quotes, the one said first and repeated last is still among the two chosen."""
    rows = [_segment("UMCG", "p1", "werkdruk", "Aaaa.", 1), _segment("UMCG", "p2", "werkdruk", "Bbbb.", 2),
            _segment("UMCG", "p3", "werkdruk", "Cccc.", 3), _segment("UMCG", "p4", "werkdruk", "Aaaa.", 4)]
    quotes = _marts_of(tmp_path, rows, f"SELECT quote, rank FROM {THEME_QUOTES} ORDER BY rank")
    assert quotes == [("Aaaa.", 1), ("Bbbb.", 2)]


def test_words_said_in_two_files_take_their_speaker_group_and_language_from_the_first_file(tmp_path):
    """Each file numbers its own rows: the words' first place is the first file's row, not the lowest
    row number of any file (which paired one file's name with another's speaker, group and language)."""
    # b.csv's speaker, group and language each sort before a.csv's: the first place is no smallest value
    rows = [{**_segment("UMCG", "p2", "werkdruk", "Altijd druk.", 9), "source_file": "a.csv",
             "group_label": "Groep 3", "language": "nl"},
            {**_segment("UMCG", "p1", "werkdruk", "Altijd druk.", 1), "source_file": "b.csv",
             "group_label": "Groep 2", "language": "en"},
            {**_segment("UMCG", "p2", "werkdruk", "Nooit rust.", 10), "source_file": "a.csv"},
            # equally long: the two said first in a.csv, not the one b.csv has in its first row
            *({**_segment("UMCG", p, "steun", words, row), "source_file": f}
              for p, words, row, f in (("p5", "Xxx.", 9, "a.csv"), ("p6", "Xxx.", 1, "b.csv"),
                                       ("p7", "Yyy.", 5, "a.csv"), ("p8", "Zzz.", 7, "a.csv")))]
    quotes = _marts_of(tmp_path, rows,
                       f"SELECT theme, quote, group_label, language FROM {THEME_QUOTES} ORDER BY theme, rank")
    # p2 said both, the longer first (once per speaker); b.csv's p1 is not its speaker
    assert quotes == [("steun", "Yyy.", "Groep 1", None), ("steun", "Zzz.", "Groep 1", None),
                      ("werkdruk", "Altijd druk.", "Groep 3", "nl")]


def test_columns_the_contract_gained_are_added_with_their_types_and_no_other_table_is_made():
    """A warehouse whose table lacks columns gains them typed as a new warehouse's are (an INTEGER
    count, not text that sorts "10" before "9"); naming one table makes that table alone."""
    catalogue = ("SELECT table_name, column_name, data_type FROM duckdb_columns() "
                 "WHERE database_name = current_database() ORDER BY ALL")
    with duckdb.connect() as new, duckdb.connect() as old:
        ensure_schema(new, THEME_MATRIX)
        old.execute("CREATE SCHEMA marts")
        old.execute("CREATE TABLE marts.pmg_theme_matrix (organisation VARCHAR)")
        ensure_schema(old, THEME_MATRIX)
        assert old.sql(catalogue).fetchall() == new.sql(catalogue).fetchall()
        assert {t for t, _, _ in new.sql(catalogue).fetchall()} == {"pmg_theme_matrix"}


def test_words_said_twice_are_tagged_with_the_language_of_their_first_place(tmp_path):
    """The report marks a quote in another language for screen readers: the same words in two
    interviews take the language of their first place, as their speaker and group do (in one file,
    the later row's of each sorting first)."""
    rows = [{**_segment("UMCG", "p2", "werkdruk", "OK.", 1), "language": "nl", "group_label": "Groep 2"},
            {**_segment("UMCG", "p1", "werkdruk", "OK.", 2), "language": "en", "group_label": "Groep 1"}]
    assert _marts_of(tmp_path, rows, f"SELECT quote, language, group_label FROM {THEME_QUOTES}") == [
        ("OK.", "nl", "Groep 2")]
