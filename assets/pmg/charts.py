"""PMG charts: self-rated mental health before and after each intervention."""

import polars as pl
from dagster import AssetKey, MaterializeResult, asset
from dagster_duckdb import DuckDBResource
from matplotlib.figure import Figure

from assets.reporting.numbers import fmt_number
from assets.reporting.chart_files import publish_charts
from assets.reporting.style import OKABE_ITO, GREY, house_style, new_figure
from assets.tables import POOL, key
from pipelines.resources import ReportSettings

MENTAL_HEALTH = "marts.pmg_mental_health"
WAVE_COLOURS = {"T0": OKABE_ITO["orange"], "T1": OKABE_ITO["blue"]}
WAVE_LABELS = {"T0": "T0 (vóór)", "T1": "T1 (na)"}


def load_mental_health(conn) -> pl.DataFrame:
    return conn.sql(f"SELECT * FROM {MENTAL_HEALTH} ORDER BY year, organisation, intervention, wave").pl()


def draw_mental_health(df: pl.DataFrame, lang: str = "nl", minimum: int | None = None) -> Figure | None:
    """Dumbbell per intervention: mean T0 and T1 with N at each point; one year's rows.

    Only the means are drawn, never a line per person: with groups of two to eight people a
    line per person would identify them. Cells with N below `minimum` are left out.
    """
    if minimum is not None:
        df = df.filter(pl.col("n") >= minimum)
    if df.height == 0:
        return None
    interventions = df.select("organisation", "intervention").unique(maintain_order=True).rows()
    top = max(10.0, float(df["max"].max()))
    with house_style():
        fig = new_figure(8.5, 1.1 + 0.85 * len(interventions))
        ax = fig.subplots()
        for y, (organisation, intervention) in enumerate(interventions):
            cells = {r["wave"]: r for r in df.filter((pl.col("organisation") == organisation)
                                                     & (pl.col("intervention") == intervention)).iter_rows(named=True)}
            if "T0" in cells and "T1" in cells:
                ax.plot([cells["T0"]["mean"], cells["T1"]["mean"]], [y, y], color=GREY, linewidth=2.5, zorder=1)
            for wave, cell in cells.items():
                ax.scatter(cell["mean"], y, s=110, color=WAVE_COLOURS.get(wave, GREY), zorder=2,
                           label=WAVE_LABELS.get(wave, wave), edgecolor="white", linewidth=1)
                # T0 label below, T1 above: the two never collide even when the means are equal.
                above = wave != "T0"
                ax.annotate(f"{fmt_number(cell['mean'], 1, lang)} (N={cell['n']})", (cell["mean"], y),
                            xytext=(0, 9 if above else -9), textcoords="offset points", ha="center",
                            va="bottom" if above else "top", fontsize=9)
        ax.set_yticks(range(len(interventions)), [f"{i}\n({o})" for o, i in interventions])
        ax.set_ylim(len(interventions) - 0.4, -0.6)  # first intervention on top, room for labels
        ax.set_xlim(0, top + 0.3)
        ax.set_xticks(range(0, int(top) + 1))
        ax.set_xlabel("Gemiddeld cijfer ervaren mentale gezondheid (0 – 10)")
        ax.xaxis.grid(True)
        ax.set_axisbelow(True)
        ax.spines["left"].set_visible(False)
        ax.tick_params(axis="y", length=0)
        handles, labels = ax.get_legend_handles_labels()
        unique = dict(zip(labels, handles))
        ax.legend(unique.values(), unique.keys(), loc="lower left", bbox_to_anchor=(0, 1.0), ncol=2,
                  handletextpad=0.3, borderaxespad=0.2)
        ax.set_title("Ervaren mentale gezondheid vóór en na de interventie", pad=28)
    return fig


@asset(key=AssetKey(["charts", "pmg_mental_health"]), deps=[key(MENTAL_HEALTH)], group_name="pmg",
       kinds={"matplotlib"}, pool=POOL)
def pmg_mental_health_chart(duckdb: DuckDBResource, reports: ReportSettings) -> MaterializeResult:
    """Mean self-rated mental health before (T0) and after (T1) each PMG intervention, per year.

    One dot per intervention and wave, joined when both waves exist, with the mean and the number
    of respondents (N) printed at each dot: read it as "did the group's average go up or down",
    and look at N before drawing conclusions (most groups are two to eight people). No individual
    answers are drawn. This is the researcher chart with every group; the stakeholder report
    redraws it without groups below the reporting minimum. Files: pmg/<year>/pmg_mental_health.png (+ .svg).
    """
    with duckdb.get_connection() as conn:
        df = load_mental_health(conn)
    figures = {year: draw_mental_health(df.filter(pl.col("year") == year), reports.language)
               for year in df["year"].unique().sort().to_list()}
    return publish_charts(reports, "pmg", "pmg_mental_health", figures)
