"""PMG report: per edition year a researcher and a stakeholder HTML report, laid out as the 2022-2023 report."""

from dataclasses import dataclass

import polars as pl
from dagster import AssetExecutionContext, AssetKey, MaterializeResult, asset
from dagster_duckdb import DuckDBResource

from assets.pmg.charts import draw_mental_health, load_mental_health
from assets.pmg.staging import SEGMENTS
from assets.reporting.html import Block, Bullets, Chart, Heading, Paragraph, Table
from assets.reporting.numbers import MISSING, fmt_number, fmt_range
from assets.reporting.editions import Edition, report_result, write_report_editions
from assets.reporting.provenance import provenance_blocks
from assets.reporting.style import figure_png
from assets.tables import POOL, key
from pipelines.resources import ReportSettings

PROGRAMME = "pmg"
COUNTS = "marts.pmg_response_counts"
MENTAL_HEALTH = "marts.pmg_mental_health"
RATING = "marts.pmg_intervention_rating"
THEMES = "marts.pmg_theme_mentions"
SECTIONS = ["Diagnose", "Interventieverwachtingen", "Verandering", "Evaluatie", "Advies"]
JDR_HEADINGS = {
    "werk_hulpbron": "Werkgerelateerde hulpbronnen",
    "werk_stressor": "Werkgerelateerde stressfactoren",
    "persoonlijke_hulpbron": "Persoonlijke hulpbronnen",
    "persoonlijke_stressor": "Persoonlijke stressfactoren",
    "uitkomst": "Impact op mentale gezondheid",
}
QUOTES_PER_SECTION = 3
FIRST_TABLE = 3  # the source numbers its tables from 3 (Tabel 1-2 describe the interventions)


@dataclass(frozen=True)
class YearData:
    year: int
    counts: pl.DataFrame          # Tabel 3 rows
    totals: pl.DataFrame          # per intervention: interview and questionnaire N per wave
    mental_health: pl.DataFrame
    rating: pl.DataFrame
    themes: pl.DataFrame
    quotes: pl.DataFrame


def report_years(conn) -> list[int]:
    rows = conn.sql(f"""
        SELECT year FROM {COUNTS} UNION SELECT year FROM {MENTAL_HEALTH}
        UNION SELECT year FROM {RATING} UNION SELECT year FROM {THEMES} ORDER BY year""").fetchall()
    return [r[0] for r in rows]


def load_year(conn, year: int) -> YearData:
    def q(sql: str) -> pl.DataFrame:
        return conn.sql(sql, params=[year]).pl()

    return YearData(
        year=year,
        counts=q(f"SELECT * FROM {COUNTS} WHERE year = ? ORDER BY organisation DESC, intervention, group_label"),
        totals=q(f"""
            SELECT organisation, intervention, sum(n_t0)::INTEGER AS n_t0, sum(n_t1)::INTEGER AS n_t1,
                   sum(n_questionnaire_t0)::INTEGER AS n_questionnaire_t0,
                   sum(n_questionnaire_t1)::INTEGER AS n_questionnaire_t1
            FROM {COUNTS} WHERE year = ? GROUP BY ALL"""),
        mental_health=load_mental_health(conn).filter(pl.col("year") == year),
        rating=q(f"SELECT * FROM {RATING} WHERE year = ?"),
        themes=q(f"""
            SELECT * FROM {THEMES} WHERE year = ?
            ORDER BY organisation, intervention, section, jdr_category NULLS LAST, wave,
                     n_participants DESC, theme"""),
        quotes=q(f"""
            SELECT organisation, intervention, section, theme, segment_text FROM {SEGMENTS}
            WHERE year = ? AND coalesce(trim(segment_text), '') <> ''
            ORDER BY organisation, intervention, section, source_file, row_number"""),
    )


def interventions(data: YearData) -> list[tuple[str, str]]:
    """Every intervention with any data, in the source's section order (organisation, intervention)."""
    frames = [data.counts, data.mental_health, data.rating, data.themes]
    pairs = pl.concat([f.select("organisation", "intervention") for f in frames])
    return pairs.unique().sort("organisation", "intervention").rows()


def _of(df: pl.DataFrame, organisation: str, intervention: str) -> pl.DataFrame:
    return df.filter((pl.col("organisation") == organisation) & (pl.col("intervention") == intervention))


def _one(df: pl.DataFrame) -> dict | None:
    return df.row(0, named=True) if df.height else None


def _slash(n: int) -> str:
    return str(n) if n else "/"  # the source prints "/" for a wave without participants


def _people(n: int, singular: str = "deelnemer", plural: str = "deelnemers") -> str:
    return f"{n} {singular if n == 1 else plural}" if n else f"geen {plural}"


def response_table(data: YearData, table_no: int) -> list[Block]:
    if data.counts.height == 0:
        return [Paragraph(f"Voor {data.year} zijn nog geen respondenten geregistreerd.", "note")]
    rows = [[r["organisation"], r["intervention"], r["group_label"], _slash(r["n_t0"]), _slash(r["n_t1"]),
             _slash(r["n_questionnaire_t0"]), _slash(r["n_questionnaire_t1"])]
            for r in data.counts.iter_rows(named=True)]
    return [Table(["Organisatie", "Interventie", "Groep", "N T0", "N T1", "Vragenlijst N T0", "Vragenlijst N T1"],
                  rows, f"Tabel {table_no} Overzicht van organisaties, interventies en aantallen respondenten",
                  ["N T0 / N T1: deelnemers aan het focusinterview vóór (T0) en na (T1) de interventie; "
                   "/ = geen deelnemers. Vragenlijst: respondenten op de korte schriftelijke vragenlijst."],
                  numeric=frozenset({3, 4, 5, 6}))]


def _grade_cells(cell: dict | None, edition: Edition, missing: str) -> tuple[str, str, bool]:
    """(M (N), range, hidden) of one wave or rating cell, as the stakeholder or researcher may see it."""
    if cell is None:
        return missing, MISSING, False
    if edition.hides(cell["n"]):
        return f"{MISSING}* (N={cell['n']})", MISSING, True
    return (f"M={fmt_number(cell['mean'], 1, edition.lang)} (N={cell['n']})",
            fmt_range(cell["min"], cell["max"], edition.lang), False)


def _grade_sentence(what: str, cell: dict | None, edition: Edition, missing: str, table_no: int) -> str:
    if cell is None:
        return f"{what}: {missing}."
    if edition.hides(cell["n"]):
        return f"{what} wordt niet getoond (groep kleiner dan {edition.minimum})."
    return (f"{what} was M={fmt_number(cell['mean'], 1, edition.lang)} (N={cell['n']}) met een range "
            f"tussen {fmt_range(cell['min'], cell['max'], edition.lang)} (zie Tabel {table_no}).")


def overview(data: YearData, organisation: str, intervention: str, edition: Edition, table_no: int) -> list[Block]:
    mh = _of(data.mental_health, organisation, intervention)
    t0 = _one(mh.filter(pl.col("wave") == "T0"))
    t1 = _one(mh.filter(pl.col("wave") == "T1"))
    rating = _one(_of(data.rating, organisation, intervention))
    totals = _one(_of(data.totals, organisation, intervention)) or {}
    it0, it1 = totals.get("n_t0", 0), totals.get("n_t1", 0)
    q0, q1 = totals.get("n_questionnaire_t0", 0), totals.get("n_questionnaire_t1", 0)

    text = [f"Aan het focusinterview deden vóór de interventie (T0) {_people(it0, 'medewerker', 'medewerkers')} "
            f"en na de interventie (T1) {_people(it1, 'medewerker', 'medewerkers')} mee."
            if it0 or it1 else "Voor deze interventie zijn (nog) geen gecodeerde focusinterviews beschikbaar.",
            f"De korte schriftelijke vragenlijst werd vóór de interventie door {_people(q0)} en na de "
            f"interventie door {_people(q1)} ingevuld.",
            _grade_sentence("Het gemiddelde cijfer voor ervaren mentale gezondheid vóór de interventie (T0)",
                            t0, edition, "geen T0-respondenten", table_no)]
    cells = [_grade_cells(t0, edition, "geen T0-respondenten"), _grade_cells(t1, edition, "geen T1-respondenten"),
             _grade_cells(rating, edition, "geen T1-respondenten")]
    notes = ["M = gemiddeld cijfer (0 – 10), N = aantal respondenten, range = laagste – hoogste cijfer."]
    if any(hidden for _, _, hidden in cells):
        notes.append(f"* {edition.small_group_note}")
    table = Table(["Organisatie", "T0 M (N)", "T0 range", "T1 M (N)", "T1 range",
                   "Cijfer interventie M (N)", "Cijfer interventie range"],
                  [[organisation] + [v for m, r, _ in cells for v in (m, r)]],
                  f"Tabel {table_no} Ervaren mentale gezondheid T0 & T1 en cijfer interventie", notes)
    return [Heading("Kort overzicht T0 en T1", 3), Paragraph(" ".join(text)), table]


def _sentence(row: dict) -> str:
    n = row["n_participants"]
    return f"{n} deelnemer noemde {row['theme']}" if n == 1 else f"{n} deelnemers noemden {row['theme']}"


def _theme_list(rows: pl.DataFrame, interview_n: dict, edition: Edition) -> list[Block]:
    waves = rows["wave"].unique().to_list()
    hidden = any(edition.hides(interview_n.get(w, 0)) for w in waves)
    suffix = (lambda r: f" ({r['wave']})") if len(waves) > 1 else (lambda r: "")
    if hidden:
        # Small interview groups: which themes came up is shown, how many people raised them is not.
        items = [f"{r['theme']}{suffix(r)}" for r in rows.iter_rows(named=True)]
        return [Paragraph("Genoemd werden:"), Bullets(items)]
    return [Bullets([f"{_sentence(r)}{suffix(r)}" for r in rows.iter_rows(named=True)])]


def section_blocks(data: YearData, organisation: str, intervention: str, section: str, edition: Edition,
                   table_no: int) -> list[Block]:
    blocks: list[Block] = [Heading(section, 3)]
    mh = _of(data.mental_health, organisation, intervention)
    if section == "Verandering":
        blocks.append(Paragraph(_grade_sentence(
            "Het gemiddelde cijfer voor ervaren mentale gezondheid na de interventie (T1)",
            _one(mh.filter(pl.col("wave") == "T1")), edition, "geen T1-respondenten", table_no)))
    if section == "Evaluatie":
        blocks.append(Paragraph(_grade_sentence("Het gemiddelde cijfer voor de interventie",
                                                _one(_of(data.rating, organisation, intervention)), edition,
                                                "geen T1-respondenten", table_no)))
    themes = _of(data.themes, organisation, intervention).filter(pl.col("section") == section)
    if themes.height == 0:
        blocks.append(Paragraph("Geen gecodeerde interviewfragmenten voor dit onderdeel.", "note"))
        return blocks
    totals = _one(_of(data.totals, organisation, intervention)) or {}
    interview_n = {"T0": totals.get("n_t0", 0), "T1": totals.get("n_t1", 0)}
    if section == "Diagnose":
        for category, heading in [*JDR_HEADINGS.items(), (None, "Overig")]:
            rows = themes.filter(pl.col("jdr_category").is_null() if category is None
                                 else pl.col("jdr_category") == category)
            if rows.height:
                blocks += [Heading(heading, 4), *_theme_list(rows, interview_n, edition)]
    else:
        blocks += _theme_list(themes, interview_n, edition)
    if any(edition.hides(interview_n.get(w, 0)) for w in themes["wave"].unique()):
        blocks.append(Paragraph(f"Aantallen: {edition.small_group_note}.", "note"))
    if edition.researcher:
        quotes = _of(data.quotes, organisation, intervention).filter(pl.col("section") == section)
        blocks += [Paragraph(f"“{r['segment_text']}” ({r['theme']})", "quote")
                   for r in quotes.head(QUOTES_PER_SECTION).iter_rows(named=True)]
    return blocks


def chart_block(data: YearData, edition: Edition, figure_no: int) -> list[Block]:
    minimum = None if edition.researcher else edition.minimum
    fig = draw_mental_health(data.mental_health, edition.lang, minimum)
    caption = f"Figuur {figure_no} Ervaren mentale gezondheid vóór (T0) en na (T1) de interventie; N per punt."
    if not edition.researcher:
        caption += f" Groepen kleiner dan {edition.minimum} zijn niet getoond."
    if fig is None:
        return [Heading(f"Figuur {figure_no}", 3), Paragraph(f"Geen figuur: {caption}", "note")]
    return [Heading("Overzicht ervaren mentale gezondheid", 2),
            Chart(figure_png(fig, dpi=150), caption, "Dumbbell-grafiek van het gemiddelde cijfer voor ervaren "
                  "mentale gezondheid vóór en na elke interventie", preview=figure_png(fig, dpi=50))]


def build(data: YearData, edition: Edition) -> list[Block]:
    intro = (f"Resultaten van de monitoring van interventies voor mentale gezondheid, editie {data.year}. "
             "Alle cijfers komen rechtstreeks uit het datawarehouse.")
    if edition.researcher:
        intro += " Onderzoekerseditie: bevat alle cijfers, ook van kleine groepen, en citaten. Niet verspreiden."
    else:
        intro += (f" Gemiddelden van groepen kleiner dan {edition.minimum} deelnemers en citaten zijn weggelaten "
                  "om deelnemers niet herkenbaar te maken.")
    blocks: list[Block] = [Paragraph(intro), Heading("Respondenten", 2), *response_table(data, FIRST_TABLE)]
    for i, (organisation, intervention) in enumerate(interventions(data)):
        table_no = FIRST_TABLE + 1 + i
        blocks += [Heading(f"Interventie {intervention}", 2), Paragraph(organisation),
                   *overview(data, organisation, intervention, edition, table_no)]
        for section in SECTIONS:
            blocks += section_blocks(data, organisation, intervention, section, edition, table_no)
    return blocks + chart_block(data, edition, 1)


@asset(key=AssetKey(["reports", "pmg"]),
       deps=[key(COUNTS), key(MENTAL_HEALTH), key(RATING), key(THEMES), key(SEGMENTS),
             AssetKey(["charts", "pmg_mental_health"])],
       group_name="pmg", kinds={"html"}, pool=POOL)
def pmg_report(context: AssetExecutionContext, duckdb: DuckDBResource, reports: ReportSettings) -> MaterializeResult:
    """The PMG results report, one per edition year, in two editions.

    pmg/<year>/rapport_onderzoekers.html: every figure, quotes included, marked VERTROUWELIJK on
    every page; for the research team only. pmg/<year>/rapport.html: for organisations and
    stakeholders; means of groups below the reporting minimum and all quotes are left out.
    Both follow the 2022-2023 report: Tabel 3 (respondents), then per intervention a short
    overview table, Diagnose, Interventieverwachtingen, Verandering, Evaluatie and Advies, and
    end with the sources (with SHA-256), software versions and this run's id. The "report"
    metadata below shows the stakeholder edition.
    """
    written = {}
    with duckdb.get_connection() as conn:
        for year in report_years(conn):
            data = load_year(conn, year)
            footer = provenance_blocks(conn, PROGRAMME, year, context.run.run_id)
            written[year] = write_report_editions(
                reports, PROGRAMME, year, f"Platform Mentale Gezondheid – resultaten {year}",
                lambda edition, data=data: build(data, edition), footer)
    return report_result(written)
