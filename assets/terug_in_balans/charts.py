"""Terug in Balans charts: skills, the seven effectiveness factors, and return to work and relapse."""

import textwrap
from functools import partial

import polars as pl
from dagster import AssetKey, MaterializeResult, asset
from dagster_duckdb import DuckDBResource
from matplotlib.figure import Figure

from assets.partitions import YEARLY, partition_years, year_filter
from assets.reporting.chart_files import publish_charts
from assets.reporting.numbers import fmt_pct
from assets.reporting.style import (CHART_MAX_WIDTH, GREY, OKABE_ITO, diverging_colours, heading, house_style,
                                   new_figure, set_title, text_on)
from assets.reporting.texts import texts_for
from assets.tables import POOL, key
from assets.terug_in_balans.english import NAMES_FROM, english_names, in_english
from assets.terug_in_balans.marts import FACTORS, PROGRAMME, RELAPSE, RETURN_TO_WORK, SKILLS
from assets.terug_in_balans.statistics import SHARE_INTERVALS
from pipelines.resources import ReportSettings



def _wrap(text: str, width: int = 38) -> str:
    return "\n".join(textwrap.wrap(text, width, break_long_words=False)) or text  # a compound word stays whole


def _percent_axis(ax, limit: float = 100) -> None:
    ax.set_xlim(0, limit)
    ticks = range(0, 101, 20)
    ax.set_xticks(list(ticks), [f"{t}%" for t in ticks])
    ax.xaxis.grid(True)
    ax.set_axisbelow(True)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)


def top_two_share(factors: pl.DataFrame) -> pl.DataFrame:
    """Per factor the share in the two highest scale points (flink + zeer behulpzaam), of the answers
    on the scale (an answer without a number, n.v.t., is not), highest first."""
    top = factors["rating"].max()
    on_scale = pl.col("n").filter(pl.col("rating").is_not_null()).sum()
    return (factors.group_by("factor", maintain_order=True)
            .agg((100.0 * pl.col("n").filter(pl.col("rating") >= top - 1).sum() / on_scale).alias("pct_top_two"))
            .sort(["pct_top_two", "factor"], descending=[True, False], nulls_last=True))


def draw_skills(df: pl.DataFrame, lang: str = "nl") -> Figure | None:
    """Grouped horizontal bars per skill: strengthened vs still applied three months later; one year."""
    t = texts_for(lang)
    if df.height == 0:
        return None
    df = df.sort(["pct_strengthened", "skill"], descending=[True, False])
    series = [("pct_strengthened", t("skills_series_strengthened"), OKABE_ITO["blue"], None),
              ("pct_still_applied", t("skills_series_applied"), OKABE_ITO["orange"], "//")]
    height = 0.38
    # wrapped, and a skill's two bars as far apart as its label's lines need: a long name took the bars' width
    labels = [_wrap(skill, 28) for skill in df["skill"]]
    per_skill = max(0.55, 0.17 * max(label.count("\n") + 1 for label in labels) + 0.1)
    with house_style():
        fig = new_figure(CHART_MAX_WIDTH, 1.4 + per_skill * df.height)
        ax = fig.subplots()
        for i, (column, label, colour, hatch) in enumerate(series):
            ys = [y + (i - 0.5) * height for y in range(df.height)]
            bars = ax.barh(ys, df[column].to_list(), height=height, color=colour, label=label, hatch=hatch,
                           edgecolor="white", linewidth=0)
            ax.bar_label(bars, [fmt_pct(v, 0, lang) for v in df[column]], padding=3, fontsize=8.5)
        ax.set_yticks(range(df.height), labels)
        ax.set_ylim(df.height - 0.5, -0.5)
        _percent_axis(ax, 105)
        ax.set_xlabel(t("share_axis", n=df["n_respondents"].max()))
        heading(fig, t("skills_title"), ax.get_legend_handles_labels())
    return fig


# 3:1 or more against one of the two points it separates (WCAG 1.4.11); the darkest blue of 6 or 7
# points differs enough from its neighbour by itself (assets/reporting/style.py, diverging_colours)
EDGE = "#555555"
LABELLED_FROM = 12  # percent: a narrower segment of a page-wide chart has no room for its label


def draw_factor_diverging(df: pl.DataFrame, lang: str = "nl") -> Figure | None:
    """Diverging stacked bars (the standard chart for Likert items), one per factor, centred on the
    middle scale point ("Behulpzaam"): half of it left of zero, half right; lower points to the
    left, higher to the right. Most helpful (flink + zeer) on top; one year's rows."""
    t = texts_for(lang)
    if df.height == 0:
        return None
    order = top_two_share(df)["factor"].to_list()
    # the scale's points only: an answer without a number (n.v.t.) is neither more nor less helpful
    points = df.filter(pl.col("rating").is_not_null()).select("rating", "rating_label").unique().sort("rating").rows()
    k = len(points)
    colours = diverging_colours(k)
    centre = k // 2 if k % 2 else None  # index of the middle point, split over both sides
    shares = {(r["factor"], r["rating"]): r["pct"] for r in df.iter_rows(named=True)}
    with house_style():
        fig = new_figure(CHART_MAX_WIDTH, 1.9 + 0.62 * len(order))
        ax = fig.subplots()
        ys = range(len(order))
        # Where each bar starts: minus everything below the centre (and half of the centre point).
        starts = []
        for f in order:
            below = sum(shares.get((f, p), 0.0) for p, _ in points[:k // 2])
            half = shares.get((f, points[centre][0]), 0.0) / 2 if centre is not None else 0.0
            starts.append(-(below + half))
        left = list(starts)
        for i, ((rating, label), colour) in enumerate(zip(points, colours)):
            widths = [shares.get((f, rating), 0.0) for f in order]
            # A dark edge between the points: neighbouring tints differ by 1.1:1 at most, too little to
            # tell one segment from the next without colour (WCAG 1.4.11 asks 3:1).
            bars = ax.barh(ys, widths, left=left, color=colour, label=label, height=0.66,
                           edgecolor=EDGE, linewidth=0.6)
            ax.bar_label(bars, [fmt_pct(w, 0, lang) if w >= LABELLED_FROM else "" for w in widths], label_type="center",
                         fontsize=8.5, **text_on(colour))
            left = [a + b for a, b in zip(left, widths)]
        ax.axvline(0, color=GREY, linewidth=1, zorder=0)
        low = min(starts + [-20.0])
        high = max(left + [20.0])
        bound = 20 * (int(max(-low, high) // 20) + 1)
        ax.set_xlim(-bound, bound)
        ticks = list(range(-bound, bound + 1, 20 if bound <= 60 else bound // 2))  # 11 ticks ran into each other
        ax.set_xticks(ticks, [f"{abs(v)}%" for v in ticks])
        ax.xaxis.grid(True)
        ax.set_axisbelow(True)
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
        ax.set_yticks(list(ys), [_wrap(f, 28) for f in order])
        ax.set_ylim(len(order) - 0.5, -0.5)
        ax.set_xlabel(t("factors_axis", n=df["n_respondents"].max()))
        # Five points in one row are wider than the figure: in rows of three.
        heading(fig, t("factors_title"), ax.get_legend_handles_labels(), ncol=k if k <= 3 else (k + 1) // 2,
                handlelength=1.2, columnspacing=1.0, fontsize=9)
    return fig


def draw_return_and_relapse(rtw: pl.DataFrame, relapse: pl.DataFrame, intervals: pl.DataFrame | None = None,
                            lang: str = "nl") -> Figure | None:
    """Two panels: return to work (per answer, questionnaire order) and relapse since the programme,
    share of respondents with N per bar and, when `intervals` (marts.tib_share_intervals rows) are
    given, the 95% Wilson interval as a line; one year's rows."""
    t = texts_for(lang)
    panels = [(frame, label_col, code_col, title, question) for frame, label_col, code_col, title, question in (
        (rtw, "outcome_label", "outcome", t("rtw_title"), "return_to_work"),
        (relapse, "answer_label", "answer", t("relapse_title"), "relapse")) if frame.height]
    if not panels:
        return None
    colours = {"own_employer": OKABE_ITO["blue"], "other_employer": OKABE_ITO["sky_blue"],
               "still_absent": OKABE_ITO["vermillion"], "no": OKABE_ITO["blue"], "yes": OKABE_ITO["vermillion"]}
    ci = {}
    if intervals is not None:
        ci = {(r["question"], r["answer"]): (r["ci_low_pct"], r["ci_high_pct"]) for r in intervals.iter_rows(named=True)}
    with house_style():
        # one panel under the other, the chart no wider than a PDF page's text: side by side they were
        # printed at 60% of their size
        fig = new_figure(CHART_MAX_WIDTH, sum(1.7 + 0.5 * frame.height for frame, *_ in panels))
        axes = fig.subplots(len(panels), 1, squeeze=False,
                            height_ratios=[1.7 + 0.5 * frame.height for frame, *_ in panels])[:, 0]
        for ax, (frame, label_col, code_col, title, question) in zip(axes, panels):
            ys = list(range(frame.height))
            ax.barh(ys, frame["pct"].to_list(), height=0.6,
                    color=[colours.get(c, OKABE_ITO["bluish_green"]) for c in frame[code_col]])
            for y, r in zip(ys, frame.iter_rows(named=True)):
                lo_hi = ci.get((question, r[label_col]))
                end = r["pct"]
                if lo_hi and None not in lo_hi:
                    ax.plot(list(lo_hi), [y, y], color="#222222", linewidth=1.2)
                    for x in lo_hi:
                        ax.plot([x, x], [y - 0.12, y + 0.12], color="#222222", linewidth=1.2)
                    end = max(end, lo_hi[1])
                # The label after the interval's end, so the two never overlap.
                ax.annotate(f"{fmt_pct(r['pct'], 0, lang)} (N={r['n']})", (end, y), xytext=(5, 0),
                            textcoords="offset points", va="center", fontsize=9)
            ax.set_yticks(ys, [_wrap(v, 24) for v in frame[label_col]])
            ax.set_ylim(frame.height - 0.5, -0.5)
            _percent_axis(ax, 125)
            ax.set_xlabel(t("share_axis", n=frame["n_respondents"].max())
                          + (f"\n{t('ci_legend')}" if ci else ""))
            set_title(ax, _wrap(title, 34), fontsize=12)
    return fig


def shown_to_stakeholders(frame: pl.DataFrame, minimum: int) -> pl.DataFrame:
    """One year's rows as the stakeholder edition draws them: none at all where any of them counts
    fewer respondents than the reporting minimum (as its tables leave those shares out)."""
    return frame.clear() if frame.height and frame["n_respondents"].min() < minimum else frame


def _rows(conn, table: str, reports: ReportSettings, years: list[int], order: str | None = None) -> pl.DataFrame:
    """The mart's rows of these years, its codebook wording in the reports' language."""
    frame = conn.sql(f"SELECT * FROM {table} WHERE {year_filter(years)}" + (f" ORDER BY {order}" if order else "")).pl()
    return in_english(frame, table, english_names(conn, years)) if reports.language == "en" else frame


def _per_year(conn, table: str, order: str, draw, reports: ReportSettings, years: list[int]) -> dict:
    df = _rows(conn, table, reports, years, order)
    return {year: partial(draw, shown_to_stakeholders(df.filter(pl.col("year") == year), reports.reporting_minimum),
                          reports.language)
            for year in years}


@asset(**YEARLY, key=AssetKey(["charts", "tib_skills"]), deps=[key(SKILLS), NAMES_FROM], group_name=PROGRAMME,
       kinds={"matplotlib"}, pool=POOL)
def tib_skills_chart(context, duckdb: DuckDBResource, reports: ReportSettings) -> MaterializeResult:
    """Which skills Terug in Balans strengthened, and which participants still apply three months later.

    Two bars per skill (share of all respondents): blue = strengthened by the programme, orange
    hatched = still applied at least three months after it ended; sorted by strengthened. A shorter
    orange bar means the skill faded somewhat. Files: terug_in_balans/<year>/tib_skills.png (+ .svg),
    beside the stakeholder report: not drawn for a year of fewer respondents than the reporting minimum.
    """
    years = partition_years(context)
    with duckdb.get_connection() as conn:
        figures = _per_year(conn, SKILLS, "year, pct_strengthened DESC, skill", draw_skills, reports, years)
    return publish_charts(reports, PROGRAMME, "tib_skills", figures, copies=len(years))


@asset(**YEARLY, key=AssetKey(["charts", "tib_factor_ratings"]), deps=[key(FACTORS), NAMES_FROM],
       group_name=PROGRAMME, kinds={"matplotlib"}, pool=POOL)
def tib_factor_ratings_chart(context, duckdb: DuckDBResource, reports: ReportSettings) -> MaterializeResult:
    """How helpful participants found each of the seven factors of Terug in Balans.

    A diverging stacked bar per factor over the five scale points, centred on the middle point
    (Behulpzaam): orange to the left = less helpful, blue to the right = more helpful, so the
    balance of each factor reads at a glance. Factors rated flink or zeer behulpzaam most often on
    top; shares under 12% are not labelled in the bar. Files: terug_in_balans/<year>/tib_factor_ratings.png
    (+ .svg), beside the stakeholder report: not drawn where a factor has fewer respondents than the
    reporting minimum.
    """
    years = partition_years(context)
    with duckdb.get_connection() as conn:
        figures = _per_year(conn, FACTORS, "year, factor, rating", draw_factor_diverging, reports, years)
    return publish_charts(reports, PROGRAMME, "tib_factor_ratings", figures, copies=len(years))


@asset(**YEARLY, key=AssetKey(["charts", "tib_return_to_work"]),
       deps=[key(RETURN_TO_WORK), key(RELAPSE), key(SHARE_INTERVALS), NAMES_FROM], group_name=PROGRAMME,
       kinds={"matplotlib"}, pool=POOL)
def tib_return_to_work_chart(context, duckdb: DuckDBResource, reports: ReportSettings) -> MaterializeResult:
    """Did participants return to work during or after Terug in Balans, and did they drop out again?

    Left: share of respondents per answer (back at own employer, at another employer, still absent
    with the same complaints), in questionnaire order. Right: dropped out again because of
    psychological complaints since the programme (no / yes). N per bar and the 95% Wilson interval
    as a black line (30 respondents: a share can move by about 15 points).
    Files: terug_in_balans/<year>/tib_return_to_work.png (+ .svg), beside the stakeholder report: a
    panel of fewer respondents than the reporting minimum is left out.
    """
    years = partition_years(context)
    with duckdb.get_connection() as conn:
        # Questionnaire order is the marts' row order; keep it rather than sorting by share.
        rtw, relapse, intervals = (_rows(conn, table, reports, years) for table in (RETURN_TO_WORK, RELAPSE, SHARE_INTERVALS))
    def of(frame: pl.DataFrame, year: int) -> pl.DataFrame:
        return shown_to_stakeholders(frame.filter(pl.col("year") == year), reports.reporting_minimum)

    figures = {year: partial(draw_return_and_relapse, of(rtw, year), of(relapse, year),
                             intervals.filter(pl.col("year") == year), reports.language)
               for year in years}
    return publish_charts(reports, PROGRAMME, "tib_return_to_work", figures, copies=len(years))
