"""Organisation reports: each organisation's interventions in a report of its own, and a yearly report
that points to them once a year has more interventions than one report can describe one by one."""

import shutil

import duckdb
import pytest
from dagster import materialize
from dagster_duckdb import DuckDBResource

from assets.pmg import report as pmg
from assets.pmg.year_data import QUOTES_PER_SECTION, load_year
from pipelines.resources import ReportSettings
from tests.test_reports import _report_metadata, parse, table

YEAR = 2023


def _interventions(conn) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for organisation, intervention in conn.sql(
            "SELECT DISTINCT organisation, intervention FROM marts.pmg_response_counts WHERE year = ?",
            params=[YEAR]).fetchall():
        found.setdefault(organisation, set()).add(intervention)
    return found


def test_an_organisation_folder_name_stays_short_enough_for_a_file_system():
    long = "Faculteit " * 40
    assert pmg.organisation_folders([long, long + "2"]) == {long: "faculteit-" * 7 + "faculteit",
                                                             long + "2": "faculteit-" * 7 + "faculteit-2"}


def test_organisation_folders_are_ascii_and_unique():
    folders = pmg.organisation_folders(["Gemeente Groningen", "gemeente  groningen", "Zoë & Co", "???"])
    assert folders == {"Gemeente Groningen": "gemeente-groningen", "gemeente  groningen": "gemeente-groningen-2",
                       "Zoë & Co": "zoe-co", "???": "organisatie"}


def test_every_organisation_has_its_own_report_with_only_its_interventions(full_run, warehouse):
    result, tmp = full_run
    expected = _interventions(warehouse)
    folders = pmg.organisation_folders(sorted(expected))
    year_dir = tmp / "reports" / "pmg" / str(YEAR)
    assert {p.name for p in (year_dir / "organisaties").iterdir()} == set(folders.values())
    for organisation, folder in folders.items():
        for name in ("rapport.html", "rapport_onderzoekers.html"):
            report = parse(year_dir / "organisaties" / folder / name)
            described = {h.removeprefix("Interventie ") for h in report.headings if h.startswith("Interventie ")}
            assert described == expected[organisation], (organisation, name)
            # its own rows, without a column of its name: the title names it
            respondents = table(report, "Tabel 3 Overzicht van interventies en aantallen respondenten")
            assert respondents["headers"][0] == "Interventie" and "Organisatie" not in respondents["headers"]
            assert {r[0] for r in respondents["rows"]} == expected[organisation]
            assert organisation in report.full_text.split("<h1>")[1].split("</h1>")[0]
            matrix = table(report, "Thema's per IGLOO-niveau en JD-R-categorie")  # its own rows, no chart
            # (the stakeholder edition leaves out interventions with too few interviewees: all of
            # Gemeente Groningen's one)
            shown = name == "rapport_onderzoekers.html" or organisation != "Gemeente Groningen"
            own = {r[0] for r in matrix["rows"]}
            assert matrix["headers"][0] == "Interventie" and own <= expected[organisation] and bool(own) == shown
            assert not report.images
            assert "<th scope=\"col\">Organisatie</th>" not in report.full_text
            # the intro links the year's report of the same edition, two folders up
            assert f'(<a href="../../{name}">{name}</a> in de map pmg/{YEAR}/)' in report.full_text
            assert (year_dir / "organisaties" / folder / ".." / ".." / name).is_file()
        assert not parse(year_dir / "organisaties" / folder / "rapport.html").quotes
        assert not (year_dir / "organisaties" / folder / "rapport.pdf").exists()  # HTML only, unless asked
    metadata = _report_metadata(result, "reports/pmg", YEAR)
    assert metadata["organisaties_n"].value == len(folders)


def test_organisation_folders_stay_unique_past_two_of_one_name():
    folders = pmg.organisation_folders(["Zoë", "ZOË", "zoe", "Zoe-2"])
    assert folders == {"Zoë": "zoe", "ZOË": "zoe-2", "zoe": "zoe-3", "Zoe-2": "zoe-2-2"}


@pytest.fixture
def beyond_the_detail_limit(full_run, tmp_path, monkeypatch):
    """The 2023 PMG report asset alone, as if the year had more interventions than DETAIL_LIMIT,
    with an organisation folder left by an earlier run."""
    result, tmp = full_run
    assert result.success
    shutil.copy(tmp / "warehouse.duckdb", tmp_path / "warehouse.duckdb")
    stale = tmp_path / "reports" / "pmg" / str(YEAR) / "organisaties" / "opgeheven-organisatie"
    stale.mkdir(parents=True)
    (stale / "rapport.html").write_text("an organisation that is no longer in the data")
    monkeypatch.setattr(pmg, "DETAIL_LIMIT", 1)
    run = materialize([pmg.pmg_report], partition_key=str(YEAR), resources={
        "duckdb": DuckDBResource(database=str(tmp_path / "warehouse.duckdb")),
        "reports": ReportSettings(output_dir=str(tmp_path / "reports"))})
    assert run.success
    return tmp_path / "reports" / "pmg" / str(YEAR)


def test_a_large_year_points_to_the_organisation_reports(beyond_the_detail_limit, full_run):
    year_dir = beyond_the_detail_limit
    conn = duckdb.connect(str(full_run[1] / "warehouse.duckdb"), read_only=True)
    expected = _interventions(conn)
    interviewed = dict(conn.sql("SELECT organisation, sum(n_t0)::INTEGER FROM marts.pmg_response_counts "
                                "WHERE year = ? GROUP BY ALL", params=[YEAR]).fetchall())
    counted = {}
    for name, smallest in (("rapport.html", 5), ("rapport_onderzoekers.html", 0)):  # stakeholders: none below 5
        counted[name] = conn.sql("""
            SELECT count(DISTINCT (igloo_level, jdr_category)), sum(n_themes)::INTEGER FROM marts.pmg_theme_matrix
            WHERE year = ? AND (organisation, intervention) IN (
              SELECT (organisation, intervention) FROM marts.pmg_response_counts WHERE year = ? GROUP BY ALL
              HAVING coalesce(nullif(sum(n_t0), 0), ?) >= ? AND coalesce(nullif(sum(n_t1), 0), ?) >= ?)""",
            params=[YEAR, YEAR, smallest, smallest, smallest, smallest]).fetchall()[0]
    conn.close()
    for name in ("rapport.html", "rapport_onderzoekers.html"):
        cells, themes = counted[name]
        report = parse(year_dir / name)
        assert not [h for h in report.headings if h.startswith("Interventie ")]
        index = table(report, "Tabel 3 Organisaties en hun rapporten")
        rows = {r["Organisatie"]: r for r in (dict(zip(index["headers"], row)) for row in index["rows"])}
        assert {o: int(r["Interventies"]) for o, r in rows.items()} == {o: len(i) for o, i in expected.items()}
        assert {o: r["N T0"] for o, r in rows.items()} == {o: str(n) if n else "/" for o, n in interviewed.items()}
        for row in rows.values():
            assert row["Rapport"].endswith("/" + name) and (year_dir / row["Rapport"]).is_file()
            # a link in the HTML, relative to the yearly report, as the file sits beside it
            assert f'<a href="{row["Rapport"]}">{row["Rapport"]}</a>' in report.full_text
        # What compares interventions stays: change per intervention (groups are in the organisation
        # reports), the theme matrix and the conclusions' summary.
        paired = table(report, "bij dezelfde deelnemers (T1 − T0)")
        assert paired["headers"][:3] == ["Organisatie", "Interventie", "N paren"]  # no column of "(alle groepen)"
        assert paired["rows"] and len({tuple(r[:2]) for r in paired["rows"]}) == len(paired["rows"])  # totals only
        # the theme matrix over all interventions: one row per cell, counts that add up to the mart's
        matrix = table(report, "Thema's per IGLOO-niveau en JD-R-categorie")
        assert matrix["headers"] == ["IGLOO-niveau", "JD-R-categorie", "Interventies", "Thema's", "Groepen"]
        assert len(matrix["rows"]) == len({(r[0], r[1]) for r in matrix["rows"]}) == cells
        assert sum(int(r[3]) for r in matrix["rows"]) == themes
        assert "Conclusies" in report.headings


def test_an_organisation_no_longer_in_the_data_loses_its_old_report(beyond_the_detail_limit):
    assert not (beyond_the_detail_limit / "organisaties" / "opgeheven-organisatie").exists()


def test_two_organisations_with_an_intervention_of_the_same_name_each_see_their_own_quotes(warehouse):
    """The theme marts are kept per organisation: when another organisation runs an intervention of
    the same name, each organisation's report quotes its own participants only."""
    from dataclasses import replace

    import polars as pl

    from assets.reporting.editions import Edition
    from assets.reporting.html import Paragraph

    data = load_year(warehouse, YEAR)
    organisation, name = data.quotes.select("organisation", "intervention").row(0)
    other = "Andere organisatie"
    ours = (pl.col("organisation") == organisation) & (pl.col("intervention") == name)

    def twin(frame: pl.DataFrame, **columns) -> pl.DataFrame:
        rows = frame.filter(ours)
        return pl.concat([frame, rows.with_columns(organisation=pl.lit(other), **columns)])

    shared = replace(data, counts=twin(data.counts), themes=twin(data.themes), parts={},
                     quotes=twin(data.quotes, quote=pl.lit("Een citaat van de andere organisatie")))
    researcher = Edition(True, 5)

    def quotes(of: str) -> list[str]:
        blocks = pmg.build(shared.for_organisation(of), researcher, of)
        return [b.text for b in blocks if isinstance(b, Paragraph) and b.kind == "quote"]

    own = set(data.quotes.filter(ours)["quote"])
    mine, theirs = quotes(organisation), quotes(other)
    assert any(quote in text for quote in own for text in mine)
    assert not any("andere organisatie" in text for text in mine)
    assert theirs and all("Een citaat van de andere organisatie" in text for text in theirs)


def test_a_year_is_read_with_only_the_quotes_its_sections_show(warehouse):
    """load_year keeps, per intervention and section, the first QUOTES_PER_SECTION quotes in the
    report's order (the ones a section prints), not the mart's tens of thousands at scale."""
    data = load_year(warehouse, YEAR)
    everything = warehouse.sql(
        "SELECT * FROM marts.pmg_theme_quotes WHERE year = ? "
        "ORDER BY organisation, intervention, section, rank, n_participants DESC, theme, wave", params=[YEAR]).pl()
    shown = everything.group_by("organisation", "intervention", "section", maintain_order=True).head(
        QUOTES_PER_SECTION)
    assert everything.height > shown.height  # some section has more quotes than it prints
    assert data.quotes.equals(shown.select(everything.columns))


def test_a_year_of_exactly_detail_limit_interventions_describes_each_itself(full_run, tmp_path, monkeypatch):
    """"More than DETAIL_LIMIT" makes a year compact: one of exactly so many is described one by one."""
    from assets.pmg.year_data import interventions

    result, tmp = full_run
    shutil.copy(tmp / "warehouse.duckdb", tmp_path / "warehouse.duckdb")
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as conn:
        described = {i for _, i in interventions(load_year(conn, YEAR, themes=False))}
    monkeypatch.setattr(pmg, "DETAIL_LIMIT", len(described))
    assert materialize([pmg.pmg_report], partition_key=str(YEAR), resources={
        "duckdb": DuckDBResource(database=str(tmp_path / "warehouse.duckdb")),
        "reports": ReportSettings(output_dir=str(tmp_path / "reports"))}).success
    report = parse(tmp_path / "reports" / "pmg" / str(YEAR) / "rapport.html")
    assert {h.removeprefix("Interventie ") for h in report.headings if h.startswith("Interventie ")} == described


def test_pmg_a_compact_years_tabel_3_sums_each_organisations_interventions():
    from dataclasses import replace

    from tests.test_reports import STAKEHOLDER, _count, _tables, crafted_year

    data = crafted_year(pmg_response_counts=[
        _count("UMCG", "Yoga", n=4, q=6), _count("UMCG", "Yoga", "Groep 2", n=2, n_t1=0, q=1),
        _count("UMCG", "Mindfulness", n=3, q=5, n_questionnaire_t1=0), _count("RUG", "Yoga", n=0, q=2)])
    folders = pmg.organisation_folders(["RUG", "UMCG"])
    blocks = pmg.organisation_table(replace(data, set_aside=2), STAKEHOLDER, folders, 3)
    [table] = _tables(blocks)
    assert table.rows == [["RUG", "1", "/", "/", "2", "2", "organisaties/rug/rapport.html"],
                          ["UMCG", "2", "9", "7", "12", "7", "organisaties/umcg/rapport.html"]]
    assert any("Let op: 2 rij(en)" in note for note in table.notes)
    assert blocks[1].text.startswith("Dit jaar telt 3 interventies bij 2 organisaties")
