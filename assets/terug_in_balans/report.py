"""Terug in Balans report: per cohort year a researcher and a stakeholder HTML factsheet, with every
figure of the source factsheet, each share with its 95% Wilson interval, McNemar per skill and the
factors ranked with their medians."""

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

import polars as pl
from dagster import AssetExecutionContext, AssetKey, AssetSpec, multi_asset
from dagster_duckdb import DuckDBResource

from assets.partitions import YEARLY, partition_years
from assets.reporting.editions import (Edition, report_results, write_report_editions, years_to_report,
                                       years_with_rows)
from assets.reporting.html import Block, Chart, Heading, Paragraph, Table
from assets.reporting.numbers import MISSING, fmt_number, fmt_p, fmt_pct, fmt_signed, fmt_trimmed
from assets.reporting.provenance import provenance_blocks, sample_note
from assets.reporting.chart_cache import rendered_chart
from assets.reporting.texts import in_sentence, join_list, text, texts_for
from assets.statistics import ALPHA, competition_rank
from assets.tables import POOL, key
from assets.terug_in_balans.charts import draw_factor_diverging, draw_return_and_relapse, draw_skills, top_two_share
from assets.terug_in_balans.english import NAMES_FROM, english_names, in_english
from assets.terug_in_balans.marts import FACTORS, PROGRAMME, RELAPSE, RETURN_TO_WORK, SKILLS, TREND
from assets.terug_in_balans.statistics import FACTOR_SUMMARY, SHARE_INTERVALS, SKILL_MCNEMAR
from pipelines.resources import ReportSettings

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
    intervals: pl.DataFrame      # marts.tib_share_intervals
    mcnemar: pl.DataFrame        # marts.tib_skill_mcnemar
    factor_summary: pl.DataFrame  # marts.tib_factor_summary
    trend: pl.DataFrame          # marts.tib_trend's rows of this cohort that have a previous one, beside it


def report_years(conn) -> list[int]:
    return years_with_rows(conn, (RETURN_TO_WORK, RELAPSE, SKILLS, FACTORS))


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
        intervals=q(f"SELECT * FROM {SHARE_INTERVALS} WHERE year = ?"),
        mcnemar=q(f"SELECT * FROM {SKILL_MCNEMAR} WHERE year = ?"),
        factor_summary=q(f"SELECT * FROM {FACTOR_SUMMARY} WHERE year = ? ORDER BY rank, factor"),
        trend=q(f"""SELECT t.outcome_key, t.outcome, t.previous_year, p.n_respondents AS previous_n,
                           p.pct AS previous_pct, t.n_respondents, t.pct, t.change_from_previous
                    FROM {TREND} t JOIN {TREND} p ON p.outcome_key = t.outcome_key AND p.year = t.previous_year
                    WHERE t.year = ? ORDER BY t.outcome_key"""),
    )


def _share(df: pl.DataFrame, column: str, code: str) -> float | None:
    row = df.filter(pl.col(column) == code)
    return row["pct"][0] if row.height else None


def _interval(data: YearData, question: str, answer: str | None, lang: str) -> str:
    """The share's 95% interval as printed (`answer` None: the question's one row)."""
    row = data.intervals.filter((pl.col("question") == question)
                                & (pl.lit(True) if answer is None else pl.col("answer") == answer))
    if row.height == 0 or row["ci_low_pct"][0] is None:
        return MISSING
    return f"{fmt_pct(row['ci_low_pct'][0], 0, lang)} – {fmt_pct(row['ci_high_pct'][0], 0, lang)}"


def _p(p: float | None, edition: Edition) -> str:
    return edition.t("mcnemar_none") if p is None else fmt_p(p, ALPHA, edition.lang)


class Numbering:
    """Tables and figures numbered in the order they are printed: a table or chart left out (a
    group below the minimum, no answers) leaves no gap."""

    def __init__(self):
        self.tables = self.figures = 0

    def table(self) -> int:
        self.tables += 1
        return self.tables

    def figure(self) -> int:
        self.figures += 1
        return self.figures


def return_to_work(data: YearData, edition: Edition, numbering: Numbering) -> list[Block]:
    t, lang = edition.t, edition.lang
    blocks: list[Block] = [Heading(t("rtw_heading"), 2)]
    df = data.return_to_work
    n = df["n_respondents"].max() if df.height else None
    if df.height and edition.hides(n):
        blocks.append(Paragraph(t("shares_hidden", minimum=edition.minimum, n=n)))
    elif df.height:
        own, other = _share(df, "outcome", "own_employer"), _share(df, "outcome", "other_employer")
        absent = _share(df, "outcome", "still_absent")
        if None not in (own, other, absent, data.returned_pct):
            # a year written before the interval was kept has none: the sentence goes without it
            interval = _interval(data, "returned_to_work", None, lang)
            blocks.append(Paragraph(t("rtw_sentence", returned=fmt_pct(data.returned_pct, 0, lang),
                                      interval="" if interval == MISSING else f" ({t('ci95')} {interval})",
                                      own=fmt_pct(own, 0, lang), other=fmt_pct(other, 0, lang),
                                      absent=fmt_pct(absent, 0, lang))))
        else:  # answer codes this text does not know: say it per answer as worded
            blocks.append(Paragraph(" ".join(t("rtw_answer", pct=fmt_pct(r["pct"], 0, lang), label=r["outcome_label"])
                                             for r in df.iter_rows(named=True))))
    relapse = data.relapse
    m = relapse["n_respondents"].max() if relapse.height else None
    no = _share(relapse, "answer", "no")
    if relapse.height and not edition.hides(m) and no is not None:
        [(n_no, pct_returned, n_returned, label)] = relapse.filter(pl.col("answer") == "no").select(
            "n_among_returned", "pct_among_returned", "n_returned", "answer_label").rows()
        # both parts shown or neither: the share of all minus the share among those who went back
        # gives the answers of those who did not, a group as small as m - n_returned
        if pct_returned is not None and n_returned < m and not edition.hides(n_returned) \
                and not edition.hides(m - n_returned):
            # Who never went back to work cannot have dropped out again: the share among those who
            # did leads, and the factsheet's share of everyone follows, saying whom it counts.
            interval = _interval(data, "relapse_among_returned", label, lang)
            sentence = " ".join((
                t("relapse_returned", n_returned=n_returned, n=n_no, pct=fmt_pct(pct_returned, 0, lang),
                  interval=f"{t('ci95')} {interval}"),
                t("relapse_of_all", m=m, pct=fmt_pct(no, 0, lang), k=m - n_returned)))
        else:
            sentence = t("relapse_sentence", pct=fmt_pct(no, 0, lang))
            if n_returned is not None and n_returned < m:  # none back at work too (pct_returned is then NULL)
                # the share counts who never went back to work, and so never dropped out again; said
                # without their number, which beside the share gives the hidden share among the others
                sentence += " " + t("relapse_counts_absent")
        blocks.append(Paragraph(sentence))
    tables = []  # the numbers of the tables that hold the chart's figures (not those it leaves out)
    for frame, label_col, question, caption, count in (
            (df, "outcome_label", "return_to_work", t("rtw_caption"), n),
            (relapse, "answer_label", "relapse", t("relapse_caption"), m)):
        if frame.height == 0:
            blocks.append(Paragraph(t("no_answers_to", caption=caption), "note"))
            continue
        hide = edition.hides(count)
        rows = [[r[label_col], MISSING if hide else str(r["n"]), MISSING + "*" if hide else fmt_pct(r["pct"], 0, lang),
                 MISSING if hide else _interval(data, question, r[label_col], lang)]
                for r in frame.iter_rows(named=True)]
        table_no = numbering.table()
        tables += [] if hide else [table_no]
        blocks.append(Table([t("answer"), "N", t("share"), t("ci95")], rows,
                            f"{t('tabel', no=table_no)} {caption} (N={count})",
                            [f"* {edition.small_group_note}"] if hide else [t("share_note", n=count)],
                            numeric=frozenset({1, 2, 3})))
    if (df.height and not edition.hides(n)) or (relapse.height and not edition.hides(m)):
        shown_rtw = df if df.height and not edition.hides(n) else df.clear()
        shown_relapse = relapse if relapse.height and not edition.hides(m) else relapse.clear()
        blocks += _chart(draw_return_and_relapse, shown_rtw, shown_relapse, data.intervals, lang,
                         caption=lambda: f"{t('figuur', no=numbering.figure())} {t('rtw_chart_caption')}",
                         alt=_with_data(t("rtw_chart_alt"), tables, lang))
    return blocks


# Discordant pairs McNemar's exact test needs before p < 0.05 is possible: 2 * 0.5 ** 6 = 0.031.
MCNEMAR_TESTABLE = next(k for k in range(1, 64) if 2 * 0.5 ** k < ALPHA)


def skills(data: YearData, edition: Edition, numbering: Numbering) -> list[Block]:
    t, lang = edition.t, edition.lang
    blocks: list[Block] = [Heading(t("skills_heading"), 2)]
    df = data.skills
    if df.height == 0:
        return blocks + [Paragraph(t("no_skill_answers"), "note")]
    n = df["n_respondents"].max()
    hide = edition.hides(n)
    if hide:
        blocks.append(Paragraph(t("shares_hidden", minimum=edition.minimum, n=n)))
    else:
        first = df.row(0, named=True)
        top = [f"{in_sentence(r['skill'])} ({fmt_pct(r['pct_strengthened'], 0, lang)})"
               for r in df.head(3).iter_rows(named=True)]
        blocks.append(Paragraph(t("skills_sentence", top=join_list(top, lang),
                                  pct=fmt_pct(first["pct_still_applied"], 0, lang),
                                  skill=in_sentence(first["skill"]))))

    def share(r, column, question):
        return f"{fmt_pct(r[column], 0, lang)} ({_interval(data, question, r['skill'], lang)})"

    if hide:  # in the order of their hidden counts, where the alphabet starts again told the counts
        df = df.sort(pl.col("skill").str.to_lowercase(), "skill")
    rows = [[r["skill"], r["domain"] or "",
             MISSING if hide else str(r["n_strengthened"]),
             MISSING + "*" if hide else share(r, "pct_strengthened", "skills_strengthened"),
             MISSING if hide else str(r["n_still_applied"]),
             MISSING + "*" if hide else share(r, "pct_still_applied", "skills_still_applied")]
            for r in df.iter_rows(named=True)]
    table_no = numbering.table()
    blocks.append(Table([t("skill"), t("domain"), t("strengthened_n"), t("strengthened"), t("applied_n"), t("applied")],
                        rows, f"{t('tabel', no=table_no)} {t('skills_caption', n=n)}",
                        [f"* {edition.small_group_note}"] if hide else [t("skills_note")],
                        numeric=frozenset({2, 3, 4, 5})))
    if hide:
        return blocks
    blocks += _chart(draw_skills, df, lang, caption=lambda: f"{t('figuur', no=numbering.figure())} "
                                                            f"{t('skills_chart_caption')}",
                     alt=_with_data(t("skills_chart_alt"), [table_no], lang))
    mc = data.mcnemar
    if mc.height and not edition.hides(mc["n_respondents"].max()):
        significant = [r["skill"] for r in mc.iter_rows(named=True)
                       if r["p_value_exact"] is not None and r["p_value_exact"] < ALPHA]
        discordant = max(r["strengthened_only"] + r["applied_only"] for r in mc.iter_rows(named=True))
        if significant:
            sentence = t("mcnemar_sentence_some", skills=join_list([in_sentence(s) for s in significant], lang))
        elif discordant < MCNEMAR_TESTABLE:  # the smallest two-sided exact p of k is 2 * 0.5 ** k
            sentence = t("mcnemar_sentence_untestable", k=discordant, needed=MCNEMAR_TESTABLE)
        else:
            sentence = t("mcnemar_sentence_none")
        first = mc.filter(pl.col("skill") == df.row(0, named=True)["skill"])
        if first.height:
            top = first.row(0, named=True)
            sentence += " " + t("mcnemar_retained", n=top["both"] + top["strengthened_only"], kept=top["both"],
                                skill=in_sentence(top["skill"]))
        # the tests that can reach p < 0.05 at all: a p below it among many is to be expected by chance
        tests = sum(r["strengthened_only"] + r["applied_only"] >= MCNEMAR_TESTABLE
                    for r in mc.iter_rows(named=True))
        if tests > 1:
            sentence += " " + t("mcnemar_many_tests", k=tests, expected=fmt_trimmed(tests * ALPHA, 2, lang))
        blocks.append(Paragraph(sentence))
        # in the order of the skills table above (most strengthened first), then any other skill
        order = {skill: i for i, skill in enumerate(df["skill"].to_list())}
        rows = [[r["skill"], str(r["n_respondents"]), str(r["both"]), str(r["strengthened_only"]),
                 str(r["applied_only"]), str(r["neither"]), _p(r["p_value_exact"], edition)]
                for r in sorted(mc.iter_rows(named=True), key=lambda r: order.get(r["skill"], len(order)))]
        blocks.append(Table([t("skill"), "N", t("both"), t("strengthened_only"), t("applied_only"), t("neither"),
                             t("mcnemar_p")], rows, f"{t('tabel', no=numbering.table())} {t('mcnemar_caption')}",
                            [t("mcnemar_note")], numeric=frozenset({1, 2, 3, 4, 5, 6})))
    return blocks


def factors(data: YearData, edition: Edition, numbering: Numbering) -> list[Block]:
    t, lang = edition.t, edition.lang
    blocks: list[Block] = [Heading(t("factors_heading"), 2)]
    df = data.factors
    if df.height == 0:
        return blocks + [Paragraph(t("no_factor_ratings"), "note")]
    # the chart's order and share (of the numbered points, as marts.tib_factor_summary), with N
    respondents = df.group_by("factor").agg(pl.col("n_respondents").max())
    top = top_two_share(df).join(respondents, on="factor", how="left", maintain_order="left")
    # the scale's points, then any without a number (n.v.t.)
    points = df.select("rating", "rating_label").unique().sort("rating", nulls_last=True).rows()
    scaled = [p for p, _ in points if p is not None]
    # A hidden factor among the shown ones, in the order of its hidden share, is bracketed by its
    # neighbours' shares (with N=4, between 67% and 83% leaves 75%): it goes after them, by name.
    top = _shown_first(top, edition)
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
        best = [f"{in_sentence(r['factor'])} ({fmt_pct(r['pct_top_two'], 0, lang)})"
                for r in shown.head(3).iter_rows(named=True)]
        blocks.append(Paragraph(t("factors_sentence", best=join_list(best, lang))))
    headers = [t("factor"), "N"] + [label for _, label in points] + [t("top_two")]
    # Of an answer off the scale (n.v.t.): the shares per answer are of everyone, ‘Flink + zeer’ of
    # those on the scale, and the two no longer add up to each other.
    unscaled = join_list([label for p, label in points if p is None], lang)
    notes = ([t("factors_note_unscaled"), t("factors_unscaled_note", points=unscaled)] if unscaled
             else [t("factors_note")])
    if hidden_any:
        notes.append(f"* {edition.small_group_note}")
    table_no = numbering.table()
    blocks.append(Table(headers, rows, f"{t('tabel', no=table_no)} {t('factors_caption')}", notes,
                        numeric=frozenset(range(1, len(headers)))))
    if not hidden_any:
        blocks += _chart(draw_factor_diverging, df, lang, caption=lambda: f"{t('figuur', no=numbering.figure())} "
                                                                            f"{t('factors_chart_caption')}",
                         alt=_with_data(t("factors_chart_alt"), [table_no], lang))
    summary = _shown_first(data.factor_summary, edition)
    if summary.height:
        if not edition.researcher:  # ranked among the shown factors: a gap in the ranks is a hidden one's
            shown = [r["pct_flink_of_zeer"] or 0.0 for r in summary.iter_rows(named=True)
                     if not edition.hides(r["n_respondents"])]
            summary = summary.with_columns(rank=pl.Series(
                [str(r) for r in competition_rank(shown)] + [MISSING] * (summary.height - len(shown))))
        srows = [[str(r["rank"]), r["factor"], str(r["n_respondents"]),
                  MISSING + "*" if edition.hides(r["n_respondents"]) else fmt_number(r["median_rating"], 1, lang),
                  MISSING + "*" if edition.hides(r["n_respondents"]) else fmt_pct(r["pct_flink_of_zeer"], 0, lang)]
                 for r in summary.iter_rows(named=True)]
        scale = t("median", lo=scaled[0], hi=scaled[-1])  # the codebook's scale points, lowest to highest
        snotes = [t("summary_scaled_note", points=unscaled)] if unscaled else []
        snotes += [f"* {edition.small_group_note}"] if hidden_any else []
        # a median such as 4,5 is no answer anyone could give: the note takes the first one shown
        between = next((r["median_rating"] for r in summary.iter_rows(named=True) if r["median_rating"] is not None
                        and r["median_rating"] % 1 and not edition.hides(r["n_respondents"])), None)
        if between is not None:
            snotes.append(t("median_between_note", example=fmt_number(between, 1, lang)))
        blocks.append(Table([t("rank"), t("factor"), "N", scale, t("top_two")], srows,
                            f"{t('tabel', no=numbering.table())} {t('summary_caption')}", snotes,
                            numeric=frozenset({0, 2, 3, 4}), row_headers=2))
    return blocks


# marts.tib_trend's series by the kind of share, in the factsheet's order; each named by this
# cohort's wording of its code (in the report's language), as the tables above name it.
TREND_KINDS = {"return_to_work": ("return_to_work", "outcome", "outcome_label"),
               "relapse": ("relapse", "answer", "answer_label"),
               "skills_strengthened": ("skills", "skill_code", "skill"),
               "skills_still_applied": ("skills", "skill_code", "skill"),
               "flink_of_zeer": ("factor_summary", "factor_variable", "factor")}


def _trend_names(data: YearData, edition: Edition) -> dict[str, str]:
    """{outcome_key: its name in this cohort's words}, of every share the year's marts hold."""
    names = {}
    for kind, (frame, code_column, name_column) in TREND_KINDS.items():
        for code, name in getattr(data, frame).select(code_column, name_column).iter_rows():
            names.setdefault(f"{kind}:{code}", f"{edition.t('trend_' + kind)}: {name}")
    return names


def trend(data: YearData, edition: Edition, numbering: Numbering) -> list[Block]:
    """This cohort's shares beside the previous cohort's (marts.tib_trend), where there is one. The
    stakeholder edition leaves out a share either cohort's edition left out (fewer respondents than
    the minimum): beside a shown one, its difference would give it."""
    t, lang = edition.t, edition.lang
    if data.trend.height == 0:
        return []
    order, names = list(TREND_KINDS), _trend_names(data, edition)
    # a series of rows written before the marts kept codes goes by its words: the mart's, after its
    # (Dutch) kind, which is said in the report's language
    def name(r: dict) -> str:
        return names.get(r["outcome_key"]) or (f"{t('trend_' + r['outcome_key'].split(':')[0])}: "
                                               f"{r['outcome'].split(': ', 1)[-1]}")

    rows = sorted(({**r, "name": name(r)} for r in data.trend.iter_rows(named=True)),
                  key=lambda r: (order.index(r["outcome_key"].split(":")[0]), r["name"].lower()))
    shown = [r for r in rows if not edition.hides(r["n_respondents"]) and not edition.hides(r["previous_n"])]
    blocks: list[Block] = [Heading(t("trend_heading"), 2), Paragraph(t("trend_intro"))]
    if not shown:
        return blocks + [Paragraph(t("trend_all_hidden", minimum=edition.minimum), "note")]
    notes = [t("trend_note")] + ([t("trend_hidden", minimum=edition.minimum, k=len(rows) - len(shown))]
                                 if len(shown) < len(rows) else [])
    table_rows = [[r["name"], str(r["previous_year"]),
                   f"{fmt_pct(r['previous_pct'], 1, lang)} (N={r['previous_n']})",
                   f"{fmt_pct(r['pct'], 1, lang)} (N={r['n_respondents']})",
                   fmt_signed(r["change_from_previous"], 1, lang)]
                  for r in shown]
    return blocks + [Table([t("trend_outcome"), t("trend_previous"), t("trend_then"), t("trend_now", year=data.year),
                            t("trend_change")], table_rows,
                           f"{t('tabel', no=numbering.table())} {t('trend_caption', year=data.year)}", notes,
                           numeric=frozenset({1, 2, 3, 4}))]


def _shown_first(rows: pl.DataFrame, edition: Edition) -> pl.DataFrame:
    """The rows the edition shows, in their order, then the hidden ones by name."""
    hidden = pl.col("n_respondents").fill_null(0) < (0 if edition.researcher else edition.minimum)
    return pl.concat([rows.filter(~hidden), rows.filter(hidden).sort(pl.col("factor").str.to_lowercase(), "factor")])


def _with_data(alt: str, tables: list[int], lang: str) -> str:
    """A chart's alternative text, and where a screen reader finds its figures (WCAG 1.1.1)."""
    return text(lang, "alt_data_in", alt=alt, tables=join_list([text(lang, "tabel", no=no) for no in tables], lang))


def _chart(draw, *args, caption: Callable[[], str], alt: str) -> list[Block]:
    """The chart `draw(*args)` draws; the chart asset's rendering when it drew the same rows this run.
    `caption` is asked for only when there is a chart, so one not drawn takes no figure number."""
    chart = rendered_chart(draw, *args)
    if chart is None:
        return []
    return [Chart(chart.svg, caption(), alt, preview=partial(chart.preview, 1 / 3))]


MART_OF = {"return_to_work": RETURN_TO_WORK, "relapse": RELAPSE, "skills": SKILLS, "factors": FACTORS,
           "intervals": SHARE_INTERVALS, "mcnemar": SKILL_MCNEMAR, "factor_summary": FACTOR_SUMMARY}


def in_english_year(data: YearData, names: pl.DataFrame) -> YearData:
    """The year with its codebook wording (skills, answers, factors) in English where given; ties
    ordered by the English names, as the charts order them."""
    data = replace(data, **{name: in_english(getattr(data, name), mart, names) for name, mart in MART_OF.items()})
    return replace(data, skills=data.skills.sort(["pct_strengthened", "skill"], descending=[True, False]),
                   factor_summary=data.factor_summary.sort(["rank", "factor"]))


def build(data: YearData, edition: Edition) -> list[Block]:
    t = edition.t
    intro = " ".join([t("tib_intro")] + ([t("tib_intro_n", n=data.respondents)] if data.respondents else [])
                     + [t("tib_intro_source"),
                        t("tib_intro_researcher") if edition.researcher
                        else t("tib_intro_stakeholder", minimum=edition.minimum)])
    numbering = Numbering()
    return [Paragraph(intro), *return_to_work(data, edition, numbering), *skills(data, edition, numbering),
            *factors(data, edition, numbering), *trend(data, edition, numbering)]


STAKEHOLDER = AssetKey(["reports", "terug_in_balans"])
RESEARCHER = AssetKey(["reports", "terug_in_balans_onderzoekers"])
DEPS = [key(RETURN_TO_WORK), key(RELAPSE), key(SKILLS), key(FACTORS), key(SHARE_INTERVALS), NAMES_FROM,
             key(SKILL_MCNEMAR), key(FACTOR_SUMMARY), key(TREND), *CHARTS]


@multi_asset(
    specs=[AssetSpec(STAKEHOLDER, deps=DEPS, group_name=PROGRAMME, kinds={"html"}, description=(
               "Terug in Balans factsheet for stakeholders (terug_in_balans/<year>/rapport.html and .pdf): return "
               "to work, relapse, the skills strengthened and still applied (with McNemar's exact test per skill), "
               "the seven factors (share per scale point, ranked with medians), every share with its 95% Wilson "
               "interval, the charts, and the shares beside the previous cohort's; shares of fewer respondents "
               "than the reporting minimum are left out. The metadata shows the report.")),
           AssetSpec(RESEARCHER, deps=DEPS, group_name=PROGRAMME, kinds={"html"}, description=(
               "Confidential researcher edition of the Terug in Balans factsheet "
               "(terug_in_balans/<year>/rapport_onderzoekers.html and .pdf): the same, with every figure of every "
               "group however small; marked VERTROUWELIJK on every page. The metadata gives the file paths."))],
    pool=POOL, **YEARLY)
def terug_in_balans_report(context: AssetExecutionContext, duckdb: DuckDBResource,
                           reports: ReportSettings):
    """Both editions of each cohort year's factsheet (the specs above say what each holds), ending
    with the sources (with SHA-256), software versions and this run's id; language from
    ReportSettings.language."""
    written = {}
    with duckdb.get_connection() as conn:
        for year in years_to_report(context, conn, reports, PROGRAMME, report_years(conn)):
            data = load_year(conn, year)
            if reports.language == "en":
                data = in_english_year(data, english_names(conn, [year]))
            footer = provenance_blocks(conn, PROGRAMME, year, context.run.run_id, reports.language)
            written[year] = write_report_editions(
                reports, PROGRAMME, year, texts_for(reports.language)("tib_title", year=year),
                lambda edition, data=data, note=sample_note(conn, PROGRAMME, year, reports.language):
                    note + build(data, edition), footer)
    return report_results(written, STAKEHOLDER, RESEARCHER, context.log, copies=len(partition_years(context)))
