"""Terug in Balans report: per cohort year a researcher and a stakeholder HTML factsheet."""

from dataclasses import dataclass

import polars as pl
from dagster import AssetExecutionContext, AssetKey, MaterializeResult, asset
from dagster_duckdb import DuckDBResource

from assets.reporting.html import Block, Chart, Heading, Paragraph, Table
from assets.reporting.numbers import MISSING, fmt_pct
from assets.reporting.editions import Edition, report_result, write_report_editions
from assets.reporting.provenance import provenance_blocks
from assets.reporting.style import figure_png
from assets.tables import POOL, key
from assets.terug_in_balans.charts import (FACTORS, RETURN_TO_WORK, SKILLS, draw_factor_ratings,
                                           draw_return_to_work, draw_skills)
from pipelines.resources import ReportSettings

PROGRAMME = "terug_in_balans"
RELAPSE = "marts.tib_relapse"
CHARTS = [AssetKey(["charts", name]) for name in ("tib_skills", "tib_factor_ratings", "tib_return_to_work")]


@dataclass(frozen=True)
class YearData:
    year: int
    respondents: int | None
    return_to_work: pl.DataFrame
    returned_pct: float | None   # own + other employer, summed at full precision in the warehouse
    relapse: pl.DataFrame
    skills: pl.DataFrame
    factors: pl.DataFrame        # long: one row per factor and scale point
    factor_top_two: pl.DataFrame  # per factor the share flink + zeer behulpzaam, highest first


def report_years(conn) -> list[int]:
    rows = conn.sql(f"""
        SELECT year FROM {RETURN_TO_WORK} UNION SELECT year FROM {RELAPSE}
        UNION SELECT year FROM {SKILLS} UNION SELECT year FROM {FACTORS} ORDER BY year""").fetchall()
    return [r[0] for r in rows]


def load_year(conn, year: int) -> YearData:
    def q(sql: str) -> pl.DataFrame:
        return conn.sql(sql, params=[year]).pl()

    # Survey respondents: the skills mart counts everyone who answered any question of the survey.
    respondents = conn.sql(f"""
        SELECT max(n) FROM (SELECT max(n_respondents) AS n FROM {SKILLS} WHERE year = $1
                            UNION ALL SELECT max(n_respondents) FROM {RETURN_TO_WORK} WHERE year = $1)""",
                           params=[year]).fetchall()[0][0]
    returned = conn.sql(f"""
        SELECT sum(pct) FROM {RETURN_TO_WORK}
        WHERE year = ? AND outcome IN ('own_employer', 'other_employer')""", params=[year]).fetchall()[0][0]
    # Questionnaire order is the marts' row order (DuckDB keeps insertion order); no ORDER BY on purpose.
    return YearData(
        year=year,
        respondents=respondents,
        return_to_work=q(f"SELECT * FROM {RETURN_TO_WORK} WHERE year = ?"),
        returned_pct=returned,
        relapse=q(f"SELECT * FROM {RELAPSE} WHERE year = ?"),
        skills=q(f"SELECT * FROM {SKILLS} WHERE year = ? ORDER BY pct_strengthened DESC, skill"),
        factors=q(f"SELECT * FROM {FACTORS} WHERE year = ? ORDER BY factor, rating"),
        factor_top_two=q(f"""
            SELECT factor, max(n_respondents) AS n_respondents,
                   sum(pct) FILTER (WHERE rating >= (SELECT max(rating) - 1 FROM {FACTORS} WHERE year = $1))
                       AS pct_top_two
            FROM {FACTORS} WHERE year = $1 GROUP BY factor ORDER BY pct_top_two DESC, factor"""),
    )


def _share(df: pl.DataFrame, column: str, code: str) -> float | None:
    row = df.filter(pl.col(column) == code)
    return row["pct"][0] if row.height else None


def _hidden_note(edition: Edition) -> Paragraph:
    return Paragraph(f"* {edition.small_group_note}", "note")


def _list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]


def _in_sentence(label: str) -> str:
    """A questionnaire label inside a sentence: first letter lower case, names such as SPAT kept."""
    return label[:1].lower() + label[1:]


def return_to_work(data: YearData, edition: Edition, table_no: int) -> list[Block]:
    blocks: list[Block] = [Heading("Duurzaam herstel en terugkeer naar werk", 2)]
    df, lang = data.return_to_work, edition.lang
    n = df["n_respondents"].max() if df.height else None
    if df.height and edition.hides(n):
        blocks.append(Paragraph(f"Aandelen niet getoond: groep kleiner dan {edition.minimum} (N={n})."))
    elif df.height:
        own, other = _share(df, "outcome", "own_employer"), _share(df, "outcome", "other_employer")
        absent = _share(df, "outcome", "still_absent")
        if None not in (own, other, absent, data.returned_pct):
            blocks.append(Paragraph(
                f"{fmt_pct(data.returned_pct, 0, lang)} van de deelnemers is tijdens of na het traject "
                f"teruggekeerd naar werk. {fmt_pct(own, 0, lang)} hervatte het werk bij de eigen werkgever, "
                f"{fmt_pct(other, 0, lang)} bij een andere werkgever, en {fmt_pct(absent, 0, lang)} bleef met "
                "vergelijkbare klachten in verzuim."))
        else:  # answer codes this text does not know: say it per answer as worded
            blocks.append(Paragraph(" ".join(f"{fmt_pct(r['pct'], 0, lang)} antwoordde ‘{r['outcome_label']}’."
                                             for r in df.iter_rows(named=True))))
    relapse = data.relapse
    m = relapse["n_respondents"].max() if relapse.height else None
    no = _share(relapse, "answer", "no")
    if relapse.height and not edition.hides(m) and no is not None:
        blocks.append(Paragraph(f"Minimaal drie maanden na afronding van het traject is {fmt_pct(no, 0, lang)} "
                                "niet opnieuw uitgevallen vanwege psychische klachten."))
    for frame, label_col, caption, count, no_add in (
            (df, "outcome_label", "Deelnemers die tijdens of na het traject teruggekeerd zijn naar werk", n, 0),
            (relapse, "answer_label", "Ben je sinds het afronden van het traject nog uitgevallen door "
                                      "psychische klachten?", m, 1)):
        if frame.height == 0:
            blocks.append(Paragraph(f"Geen antwoorden op: {caption}", "note"))
            continue
        hide = edition.hides(count)
        rows = [[r[label_col], MISSING if hide else str(r["n"]), MISSING + "*" if hide else fmt_pct(r["pct"], 0, lang)]
                for r in frame.iter_rows(named=True)]
        blocks.append(Table(["Antwoord", "N", "Aandeel"], rows, f"Tabel {table_no + no_add} {caption} (N={count})",
                            [f"* {edition.small_group_note}"] if hide else [], numeric=frozenset({1, 2})))
    if df.height and not edition.hides(n):
        blocks += _chart(draw_return_to_work(df, lang), "Figuur 1 Terugkeer naar werk tijdens of na het traject.",
                         "Staafdiagram van het aandeel deelnemers per antwoord over terugkeer naar werk")
    return blocks


def skills(data: YearData, edition: Edition, table_no: int) -> list[Block]:
    blocks: list[Block] = [Heading("Ontwikkeling van vaardigheden", 2)]
    df, lang = data.skills, edition.lang
    if df.height == 0:
        return blocks + [Paragraph("Geen antwoorden over vaardigheden.", "note")]
    n = df["n_respondents"].max()
    hide = edition.hides(n)
    if hide:
        blocks.append(Paragraph(f"Aandelen niet getoond: groep kleiner dan {edition.minimum} (N={n})."))
    else:
        top = df.head(3).iter_rows(named=True)
        first = df.row(0, named=True)
        blocks.append(Paragraph(
            "Het meest versterkt door het traject werden "
            + _list([f"{_in_sentence(r['skill'])} ({fmt_pct(r['pct_strengthened'], 0, lang)})" for r in top]) + ". "
            f"Minimaal drie maanden na afloop past {fmt_pct(first['pct_still_applied'], 0, lang)} van de deelnemers "
            f"{_in_sentence(first['skill'])} nog steeds toe."))
    rows = [[r["skill"], r["domain"] or "",
             MISSING if hide else str(r["n_strengthened"]),
             MISSING + "*" if hide else fmt_pct(r["pct_strengthened"], 0, lang),
             MISSING if hide else str(r["n_still_applied"]),
             MISSING + "*" if hide else fmt_pct(r["pct_still_applied"], 0, lang)]
            for r in df.iter_rows(named=True)]
    blocks.append(Table(["Vaardigheid", "Domein", "Versterkt N", "Versterkt", "Nog toegepast N", "Nog toegepast"],
                        rows, f"Tabel {table_no} Versterkte vaardigheden en drie maanden later nog toegepast (N={n})",
                        [f"* {edition.small_group_note}"] if hide else
                        ["Aandeel van alle respondenten; een niet aangevinkte vaardigheid telt als niet versterkt."],
                        numeric=frozenset({2, 3, 4, 5})))
    if not hide:
        blocks += _chart(draw_skills(df, lang), "Figuur 2 Versterkte vaardigheden en vaardigheden die drie "
                         "maanden na het traject nog worden toegepast.",
                         "Gegroepeerd staafdiagram van versterkte en nog toegepaste vaardigheden")
    return blocks


def factors(data: YearData, edition: Edition, table_no: int) -> list[Block]:
    blocks: list[Block] = [Heading("De belangrijkste factoren in de ervaren effectiviteit", 2)]
    df, top, lang = data.factors, data.factor_top_two, edition.lang
    if df.height == 0:
        return blocks + [Paragraph("Geen beoordelingen van de factoren.", "note")]
    points = df.select("rating", "rating_label").unique().sort("rating").rows()
    hidden_any = False
    rows = []
    for r in top.iter_rows(named=True):
        hide = edition.hides(r["n_respondents"])
        hidden_any |= hide
        shares = dict(df.filter(pl.col("factor") == r["factor"]).select("rating", "pct").rows())
        rows.append([r["factor"], str(r["n_respondents"])]
                    + [MISSING + "*" if hide else fmt_pct(shares.get(p), 0, lang) for p, _ in points]
                    + [MISSING + "*" if hide else fmt_pct(r["pct_top_two"], 0, lang)])
    shown = top.filter(pl.col("n_respondents") >= (0 if edition.researcher else edition.minimum))
    if shown.height:
        best = [f"{_in_sentence(r['factor'])} ({fmt_pct(r['pct_top_two'], 0, lang)})"
                for r in shown.head(3).iter_rows(named=True)]
        blocks.append(Paragraph(f"Het vaakst als flink of zeer behulpzaam beoordeeld: {_list(best)}."))
    headers = ["Factor", "N"] + [label for _, label in points] + [f"{points[-2][1].split()[0]} + {points[-1][1].split()[0].lower()}"
                                                                   if len(points) >= 2 else "Top"]
    notes = ["Aandeel van de respondenten per schaalpunt; gesorteerd op het aandeel in de twee hoogste punten."]
    if hidden_any:
        notes.append(f"* {edition.small_group_note}")
    blocks.append(Table(headers, rows, f"Tabel {table_no} Beoordeling van de factoren", notes,
                        numeric=frozenset(range(1, len(headers)))))
    if not hidden_any:
        blocks += _chart(draw_factor_ratings(df, lang), "Figuur 3 Beoordeling van de zeven factoren, van niet tot "
                         "zeer behulpzaam.", "Gestapeld staafdiagram van de beoordeling per factor")
    return blocks


def _chart(fig, caption: str, alt: str) -> list[Block]:
    if fig is None:
        return []
    return [Chart(figure_png(fig, dpi=150), caption, alt, preview=figure_png(fig, dpi=50))]


def build(data: YearData, edition: Edition) -> list[Block]:
    intro = ("Onderzoek naar de effectiviteit van het traject Terug in Balans. "
             + (f"Aan het onderzoek namen {data.respondents} oud-deelnemers deel. " if data.respondents else "")
             + "Alle cijfers komen rechtstreeks uit het datawarehouse.")
    if edition.researcher:
        intro += " Onderzoekerseditie: bevat alle cijfers, ook van kleine groepen. Niet verspreiden."
    else:
        intro += f" Aandelen van groepen kleiner dan {edition.minimum} respondenten zijn weggelaten."
    return [Paragraph(intro), *return_to_work(data, edition, 1), *skills(data, edition, 3),
            *factors(data, edition, 4)]


@asset(key=AssetKey(["reports", "terug_in_balans"]),
       deps=[key(RETURN_TO_WORK), key(RELAPSE), key(SKILLS), key(FACTORS), *CHARTS],
       group_name=PROGRAMME, kinds={"html"}, pool=POOL)
def terug_in_balans_report(context: AssetExecutionContext, duckdb: DuckDBResource,
                           reports: ReportSettings) -> MaterializeResult:
    """The Terug in Balans factsheet, one per cohort year, in two editions.

    terug_in_balans/<year>/rapport_onderzoekers.html: every figure, marked VERTROUWELIJK on every
    page. terug_in_balans/<year>/rapport.html: for stakeholders; shares based on fewer respondents
    than the reporting minimum are left out. Both give return to work and relapse, the skills
    strengthened and still applied, the seven factors (share per scale point and flink + zeer),
    the charts, and end with the sources (with SHA-256), software versions and this run's id.
    The "report" metadata below shows the stakeholder edition.
    """
    written = {}
    with duckdb.get_connection() as conn:
        for year in report_years(conn):
            data = load_year(conn, year)
            footer = provenance_blocks(conn, PROGRAMME, year, context.run.run_id)
            written[year] = write_report_editions(
                reports, PROGRAMME, year, f"Terug in Balans – effectiviteit van het traject ({year})",
                lambda edition, data=data: build(data, edition), footer)
    return report_result(written)
