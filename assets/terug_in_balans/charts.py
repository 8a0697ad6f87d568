"""Terug in Balans charts: skills, the seven effectiveness factors, and return to work."""

import textwrap

import polars as pl
from dagster import AssetKey, MaterializeResult, asset
from dagster_duckdb import DuckDBResource
from matplotlib.colors import to_hex, to_rgb
from matplotlib.figure import Figure

from assets.reporting.numbers import fmt_pct
from assets.reporting.chart_files import publish_charts
from assets.reporting.style import OKABE_ITO, house_style, new_figure
from assets.tables import POOL, key
from pipelines.resources import ReportSettings

PROGRAMME = "terug_in_balans"
SKILLS = "marts.tib_skills"
FACTORS = "marts.tib_factor_ratings"
RETURN_TO_WORK = "marts.tib_return_to_work"


def _wrap(text: str, width: int = 38) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def _ordinal_colours(k: int) -> list[str]:
    """k tints of Okabe-Ito blue, light to dark: an ordered scale reads by lightness, also in greyscale."""
    blue = to_rgb(OKABE_ITO["blue"])
    weights = [0.18 + 0.82 * i / max(k - 1, 1) for i in range(k)]
    return [to_hex(tuple(1 - w * (1 - c) for c in blue)) for w in weights]


def _percent_axis(ax, limit: float = 100) -> None:
    ax.set_xlim(0, limit)
    ticks = range(0, 101, 20)
    ax.set_xticks(list(ticks), [f"{t}%" for t in ticks])
    ax.xaxis.grid(True)
    ax.set_axisbelow(True)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)


def top_two_share(factors: pl.DataFrame) -> pl.DataFrame:
    """Per factor the share in the two highest scale points (flink + zeer behulpzaam), highest first."""
    top = factors["rating"].max()
    return (factors.group_by("factor", maintain_order=True)
            .agg(pl.col("pct").filter(pl.col("rating") >= top - 1).sum().alias("pct_top_two"))
            .sort(["pct_top_two", "factor"], descending=[True, False]))


def draw_skills(df: pl.DataFrame, lang: str = "nl") -> Figure | None:
    """Grouped horizontal bars per skill: strengthened vs still applied three months later; one year."""
    if df.height == 0:
        return None
    df = df.sort(["pct_strengthened", "skill"], descending=[True, False])
    series = [("pct_strengthened", "Versterkt door het traject", OKABE_ITO["blue"]),
              ("pct_still_applied", "Drie maanden later nog toegepast", OKABE_ITO["orange"])]
    height = 0.38
    with house_style():
        fig = new_figure(8.5, 1.4 + 0.55 * df.height)
        ax = fig.subplots()
        for i, (column, label, colour) in enumerate(series):
            ys = [y + (i - 0.5) * height for y in range(df.height)]
            bars = ax.barh(ys, df[column].to_list(), height=height, color=colour, label=label)
            ax.bar_label(bars, [fmt_pct(v, 0, lang) for v in df[column]], padding=3, fontsize=8.5)
        ax.set_yticks(range(df.height), df["skill"].to_list())
        ax.set_ylim(df.height - 0.5, -0.5)
        _percent_axis(ax, 105)
        ax.set_xlabel(f"Aandeel van de respondenten (N={df['n_respondents'].max()})")
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=2, borderaxespad=0.2)
        ax.set_title("Welke vaardigheden zijn versterkt, en worden nog toegepast?", pad=28)
    return fig


def draw_factor_ratings(df: pl.DataFrame, lang: str = "nl") -> Figure | None:
    """100% stacked bars over the helpfulness scale per factor, most helpful (flink + zeer) on top; one year."""
    if df.height == 0:
        return None
    order = top_two_share(df)["factor"].to_list()
    points = df.select("rating", "rating_label").unique().sort("rating").rows()
    colours = _ordinal_colours(len(points))
    with house_style():
        fig = new_figure(9.5, 1.6 + 0.62 * len(order))
        ax = fig.subplots()
        left = [0.0] * len(order)
        for (rating, label), colour in zip(points, colours):
            by_factor = dict(df.filter(pl.col("rating") == rating).select("factor", "pct").rows())
            widths = [by_factor.get(f, 0.0) for f in order]
            bars = ax.barh(range(len(order)), widths, left=left, color=colour, label=label, height=0.66,
                           edgecolor="white", linewidth=0.6)
            dark = sum(to_rgb(colour)) / 3 < 0.6
            # Shares under 8% do not fit a label; the table beside the chart has every number.
            ax.bar_label(bars, [fmt_pct(w, 0, lang) if w >= 8 else "" for w in widths], label_type="center",
                         fontsize=8.5, color="white" if dark else "#222222")
            left = [a + b for a, b in zip(left, widths)]
        ax.set_yticks(range(len(order)), [_wrap(f) for f in order])
        ax.set_ylim(len(order) - 0.5, -0.5)
        _percent_axis(ax)
        ax.set_xlabel(f"Aandeel van de respondenten (N={df['n_respondents'].max()})")
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=len(points), borderaxespad=0.2,
                  handlelength=1.2, columnspacing=1.0, fontsize=9)
        ax.set_title("De belangrijkste factoren in de ervaren effectiviteit", pad=28)
    return fig


def draw_return_to_work(df: pl.DataFrame, lang: str = "nl") -> Figure | None:
    """Horizontal bar per answer (questionnaire order): share of respondents back at work or not; one year."""
    if df.height == 0:
        return None
    colours = {"own_employer": OKABE_ITO["blue"], "other_employer": OKABE_ITO["sky_blue"],
               "still_absent": OKABE_ITO["vermillion"]}
    with house_style():
        fig = new_figure(8.0, 1.4 + 0.6 * df.height)
        ax = fig.subplots()
        bars = ax.barh(range(df.height), df["pct"].to_list(), height=0.6,
                       color=[colours.get(o, OKABE_ITO["bluish_green"]) for o in df["outcome"]])
        ax.bar_label(bars, [f"{fmt_pct(p, 0, lang)} (N={n})" for p, n in zip(df["pct"], df["n"])],
                     padding=4, fontsize=9.5)
        ax.set_yticks(range(df.height), [_wrap(t, 28) for t in df["outcome_label"]])
        ax.set_ylim(df.height - 0.5, -0.5)
        _percent_axis(ax, 112)
        ax.set_xlabel(f"Aandeel van de respondenten (N={df['n_respondents'].max()})")
        ax.set_title("Teruggekeerd naar werk tijdens of na het traject?")
    return fig


def _per_year(conn, table: str, order: str, draw, lang: str) -> dict:
    df = conn.sql(f"SELECT * FROM {table} ORDER BY {order}").pl()
    return {year: draw(df.filter(pl.col("year") == year), lang) for year in df["year"].unique().sort().to_list()}


@asset(key=AssetKey(["charts", "tib_skills"]), deps=[key(SKILLS)], group_name=PROGRAMME,
       kinds={"matplotlib"}, pool=POOL)
def tib_skills_chart(duckdb: DuckDBResource, reports: ReportSettings) -> MaterializeResult:
    """Which skills Terug in Balans strengthened, and which participants still apply three months later.

    Two bars per skill (share of all respondents): dark = strengthened by the programme, orange =
    still applied at least three months after it ended; sorted by strengthened. A shorter orange bar
    means the skill faded somewhat. Files: terug_in_balans/<year>/tib_skills.png (+ .svg).
    """
    with duckdb.get_connection() as conn:
        figures = _per_year(conn, SKILLS, "year, pct_strengthened DESC, skill", draw_skills, reports.language)
    return publish_charts(reports, PROGRAMME, "tib_skills", figures)


@asset(key=AssetKey(["charts", "tib_factor_ratings"]), deps=[key(FACTORS)], group_name=PROGRAMME,
       kinds={"matplotlib"}, pool=POOL)
def tib_factor_ratings_chart(duckdb: DuckDBResource, reports: ReportSettings) -> MaterializeResult:
    """How helpful participants found each of the seven factors of Terug in Balans.

    One 100% bar per factor split over the five scale points (Niet ... Zeer behulpzaam, light to
    dark), the factors rated flink or zeer behulpzaam most often on top. Shares under 8% are not
    labelled in the bar. Files: terug_in_balans/<year>/tib_factor_ratings.png (+ .svg).
    """
    with duckdb.get_connection() as conn:
        figures = _per_year(conn, FACTORS, "year, factor, rating", draw_factor_ratings, reports.language)
    return publish_charts(reports, PROGRAMME, "tib_factor_ratings", figures)


@asset(key=AssetKey(["charts", "tib_return_to_work"]), deps=[key(RETURN_TO_WORK)], group_name=PROGRAMME,
       kinds={"matplotlib"}, pool=POOL)
def tib_return_to_work_chart(duckdb: DuckDBResource, reports: ReportSettings) -> MaterializeResult:
    """Did participants return to work during or after Terug in Balans?

    Share of respondents per answer (back at own employer, at another employer, still absent with
    the same complaints), in questionnaire order, with N per bar.
    Files: terug_in_balans/<year>/tib_return_to_work.png (+ .svg).
    """
    with duckdb.get_connection() as conn:
        # Questionnaire order is the mart's row order; keep it rather than sorting by share.
        df = conn.sql(f"SELECT * FROM {RETURN_TO_WORK}").pl()
    figures = {year: draw_return_to_work(df.filter(pl.col("year") == year), reports.language)
               for year in df["year"].unique().sort().to_list()}
    return publish_charts(reports, PROGRAMME, "tib_return_to_work", figures)
