"""PMG charts: self-rated mental health before and after each intervention; the theme matrix."""

import textwrap
from functools import partial

import numpy as np
import polars as pl
from dagster import AssetKey, MaterializeResult, asset
from dagster_duckdb import DuckDBResource
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.transforms import ScaledTranslation

from assets.ingest.codebook import IGLOO_LEVELS
from assets.pmg.disclosure import stakeholder_matrix, stakeholder_mental_health
from assets.partitions import YEARLY, partition_years
from assets.pmg.year_data import YEAR_TABLES
from assets.reporting.chart_files import publish_charts
from assets.reporting.numbers import fmt_number, fmt_range
from assets.reporting.page import page_inches
from assets.reporting.style import (CHART_MAX_WIDTH, GREY, OKABE_ITO, heading, house_style, new_figure,
                                   sequential_cmap, set_title, text_on)
from assets.reporting.texts import texts_for
from assets.tables import POOL, key
from pipelines.resources import ReportSettings

WAVE_COLOURS = {"T0": OKABE_ITO["orange"], "T1": OKABE_ITO["blue"]}
# The theme grid's columns: the two kinds of resources side by side, then the stressors.
GRID_CATEGORIES = ["werk_hulpbron", "persoonlijke_hulpbron", "werk_stressor", "persoonlijke_stressor", "uitkomst"]


# Beyond a dozen interventions a panel each would make a poster that takes minutes to draw: one
# row per intervention instead, the IGLOO levels side by side, each split by JD-R category.
MAX_PANELS = 12
MAX_ANNOTATED_ROWS = 40
MAX_ROWS = 60  # more rows are no longer readable; the mart has them all
CELL_LINES = {"colors": "#E5E5E5", "linewidths": 0.8, "capstyle": "projecting",  # as axvline draws them
              "zorder": 1.5}  # zorder of an axis' grid lines
# A chart taller than a page is drawn in parts of a page each (inches). The mental-health chart: what
# a page keeps for the heading above the first part and the axis' label below the last, and the
# scale above each part.
PAGE_RESERVED, PART_SCALE = 1.6, 0.45
# The theme matrix of a row per intervention: its width (a landscape page's), what a page keeps for
# the title, levels and categories of the first part, and the levels and categories of each further.
MATRIX_ROWS_WIDTH, MATRIX_RESERVED, MATRIX_PART_HEADINGS = 11.0, 2.3, 1.6


def _wrapped(name: str, width: int = 26) -> str:
    return "\n".join(textwrap.wrap(name, width, break_long_words=False)) or name


def _parts(n: int, most: int) -> list[int]:
    """The rows of each of the fewest parts of at most `most` rows, as even as can be."""
    k = -(-n // most)
    return [n // k + (i < n % k) for i in range(k)]


def _dumbbells(fig: Figure, ax, rows: list[list[dict]], lang: str) -> dict:
    """Draw each row's means (its cells, one per wave) on `ax`, the first row at y 0; {wave: its
    dots}, in the order the waves first appear from the top row down (the legend's)."""
    t = texts_for(lang)
    # A label a few points above (T1) or below (T0) its dot: a text moved by a fixed offset in
    # points, as annotate(textcoords="offset points") places it, without an Annotation's extras.
    above = ax.transData + ScaledTranslation(0, 9 / 72, fig.dpi_scale_trans)
    below = ax.transData + ScaledTranslation(0, -9 / 72, fig.dpi_scale_trans)
    # One scatter per wave rather than per dot: the same markers, far fewer artists to lay out and
    # draw. Dots of one row are drawn in wave order (T1 over T0 where the means coincide), as before.
    points: dict[str, tuple[list, list]] = {}
    for y, row in enumerate(rows):
        cells = {r["wave"]: r for r in row}
        if "T0" in cells and "T1" in cells:
            ax.plot([cells["T0"]["mean"], cells["T1"]["mean"]], [y, y], color=GREY, linewidth=2.5, zorder=1)
        for wave, cell in cells.items():
            xs, ys = points.setdefault(wave, ([], []))
            xs.append(cell["mean"])
            ys.append(y)
            # T0 label below, T1 above: the two never collide even when the means are equal.
            up = wave != "T0"
            ax.text(cell["mean"], y, f"{fmt_number(cell['mean'], 1, lang)} (N={cell['n']})",
                    transform=above if up else below, ha="center", va="bottom" if up else "top", fontsize=9)
    dots = {}
    for wave in sorted(points):  # the frame's wave order, so overlapping dots stack as before
        xs, ys = points[wave]
        # T0's circle larger than T1's diamond: where the means nearly meet, its ring still shows
        dots[wave] = ax.scatter(xs, ys, s=150 if wave == "T0" else 90, color=WAVE_COLOURS.get(wave, GREY), zorder=2,
                                marker="o" if wave == "T0" else "D",  # shape too, not colour alone
                                label=t(f"wave_{wave}") if wave in WAVE_COLOURS else wave,
                                edgecolor="white", linewidth=1)
    return {wave: dots[wave] for wave in points}


def draw_mental_health(df: pl.DataFrame, lang: str = "nl", minimum: int | None = None) -> Figure | None:
    """Dumbbell per intervention: mean T0 and T1 with N at each point; one year's rows.

    Only the means are drawn, never a line per person: with groups of two to eight people a
    line per person would identify them. Cells with N below `minimum` are left out (the
    stakeholder report passes the rows left after primary and secondary suppression).
    """
    t = texts_for(lang)
    if minimum is not None:
        df = df.filter(pl.col("n") >= minimum)
    if df.height == 0:
        return None
    interventions = df.select("organisation", "intervention").unique(maintain_order=True).rows()
    title = t("mh_title")
    if len(interventions) > MAX_ROWS:
        # A dumbbell per intervention stops being readable (and takes minutes to draw): the largest.
        largest = (df.group_by("organisation", "intervention").agg(pl.col("n").sum())
                   .sort(["n", "organisation", "intervention"], descending=[True, False, False]).head(MAX_ROWS))
        kept = set(largest.select("organisation", "intervention").rows())
        title += "\n" + t("mh_top", shown=MAX_ROWS, total=len(interventions))
        interventions = [i for i in interventions if i in kept]
    # the scale the year's codebook declares (0-10 where the mart predates the scale columns)
    has_scale = "scale_max" in df.columns and df["scale_max"][0] is not None
    low, high = (df["scale_min"][0], df["scale_max"][0]) if has_scale else (0.0, 10.0)
    left, top = min(0.0, low), max(high, float(df["max"].max()))
    # Each intervention's rows (one per wave, in wave order), gathered in one pass over the frame.
    cells_of: dict[tuple, list[dict]] = {}
    for r in df.iter_rows(named=True):
        cells_of.setdefault((r["organisation"], r["intervention"]), []).append(r)
    # wrapped: a long name took the width of the data (a 6.6-inch chart keeps about 4 for them); a
    # row is as high as its label's lines need (10 pt)
    labels = [f"{_wrapped(i)}\n{_wrapped(f'({o})')}" for o, i in interventions]
    row_height = max(0.85, 0.17 * max(label.count("\n") + 1 for label in labels) + 0.15)
    height = 1.1 + row_height * len(interventions)
    page = page_inches(CHART_MAX_WIDTH)
    # Taller than a page, the chart is drawn in parts of a page each, each with the scale above it:
    # cut between rows of one plot, the pages between the first and the last showed dots and no scale.
    parts = [len(interventions)] if height <= page else _parts(
        len(interventions), max(1, int((page - PAGE_RESERVED) / row_height)))
    with house_style():
        fig = new_figure(CHART_MAX_WIDTH, height + PART_SCALE * (len(parts) - 1))
        axes = fig.subplots(len(parts), 1, squeeze=False, gridspec_kw={"height_ratios": parts})[:, 0]
        handles = {}
        for ax, rows, first in zip(axes, parts, np.cumsum([0, *parts[:-1]])):
            handles |= _dumbbells(fig, ax, [cells_of[i] for i in interventions[first:first + rows]], lang)
            ax.set_yticks(range(rows), labels[first:first + rows])
            ax.set_ylim(rows - 0.4, -0.6)  # first intervention on top, room for labels
            ax.set_xlim(left, top + 0.3)
            ax.set_xticks(range(int(left), int(top) + 1))
            ax.tick_params(axis="x", labeltop=len(parts) > 1, labelbottom=ax is axes[-1])
            ax.xaxis.grid(True)
            ax.set_axisbelow(True)
            ax.spines["left"].set_visible(False)
            ax.tick_params(axis="y", length=0)
        axes[-1].set_xlabel(t("mh_axis", scale=fmt_range(low, high, lang)))
        # Legend entries in the order the waves first appear from the top row down.
        heading(fig, title, (list(handles.values()), [h.get_label() for h in handles.values()]), handletextpad=0.3)
    return fig


def draw_theme_matrix(df: pl.DataFrame, lang: str = "nl") -> Figure | None:
    """Heatmap per intervention (one panel each): IGLOO level (rows) x JD-R category (columns),
    colour and number = distinct themes raised; one year's rows of marts.pmg_theme_matrix.

    Counts of themes, not of people, so the same chart serves both editions. Interventions are
    named with their organisation: at many organisations the same name runs at several."""
    t = texts_for(lang)
    if df.height == 0:
        return None
    df = df.with_columns(label=pl.format("{} ({})", "intervention", "organisation"))
    interventions = df["label"].unique(maintain_order=True).sort().to_list()
    levels = [*IGLOO_LEVELS, *sorted(set(df["igloo_level"]) - set(IGLOO_LEVELS))]
    categories = GRID_CATEGORIES + sorted(set(df["jdr_category"]) - set(GRID_CATEGORIES))
    vmax = max(1, int(df["n_themes"].max()))
    if len(interventions) > MAX_PANELS:
        return _theme_matrix_rows(df, interventions, levels, categories, vmax, t)
    # One panel under the other, the chart no wider than a PDF page's text (CHART_MAX_WIDTH): two
    # side by side were printed at half their size, 8 pt labels at 4 pt.
    rows = len(interventions)
    with house_style():
        fig = new_figure(CHART_MAX_WIDTH, 3.4 * rows + 0.9)
        axes = fig.subplots(rows, 1, squeeze=False, sharex=True, sharey=True)
        image = None
        for i, ax in enumerate(axes.flat):
            if i >= len(interventions):
                ax.set_visible(False)
                continue
            sub = df.filter(pl.col("label") == interventions[i])
            counts = {(r["igloo_level"], r["jdr_category"]): r["n_themes"] for r in sub.iter_rows(named=True)}
            grid = [[counts.get((lv, cat), 0) for cat in categories] for lv in levels]
            cmap = sequential_cmap()
            image = ax.imshow(grid, cmap=cmap, vmin=0, vmax=vmax, aspect="auto")
            for y, lv in enumerate(levels):
                for x, cat in enumerate(categories):
                    value = grid[y][x]
                    if value:
                        ax.text(x, y, str(value), ha="center", va="center", fontsize=9, **text_on(cmap(value / vmax)))
            # a long name ("Training ... (Gemeente Groningen)") on lines of its own panel's width
            set_title(ax, "\n".join(textwrap.wrap(interventions[i], 48, break_long_words=False)), fontsize=11)
            ax.set_xticks(range(len(categories)),
                          ["\n".join(textwrap.wrap(t(c), 13, break_long_words=False)) for c in categories],
                          rotation=0, fontsize=8)
            # Thin lines between the cells: the grid lines minor ticks would draw (same transform,
            # clip and zorder), without a dozen more ticks per panel to update at every drawing. One
            # collection each way, not an axvline per line: the same pixels from two artists, not eight.
            ax.add_collection(LineCollection([[(x + 0.5, 0), (x + 0.5, 1)] for x in range(len(categories) - 1)],
                                             transform=ax.get_xaxis_transform(), **CELL_LINES), autolim=False)
            ax.add_collection(LineCollection([[(0, y + 0.5), (1, y + 0.5)] for y in range(len(levels) - 1)],
                                             transform=ax.get_yaxis_transform(), **CELL_LINES), autolim=False)
            ax.set_yticks(range(len(levels)), [t(lv) for lv in levels], fontsize=9)
            ax.tick_params(length=0, labelbottom=True)  # every panel its column names: they stand one under another
            for spine in ax.spines.values():
                spine.set_visible(False)
        if image is not None:  # below the panels: beside them it took the width the category labels need
            fig.colorbar(image, ax=axes, location="bottom", shrink=0.6, aspect=40, label=t("heatmap_colorbar"))
        fig.suptitle(t("heatmap_title"), x=0.02, ha="left", fontweight="bold", fontsize=13)
    return fig


def _theme_matrix_rows(df: pl.DataFrame, interventions: list[str], levels: list[str], categories: list[str],
                       vmax: int, t) -> Figure:
    """One heatmap row per intervention; columns IGLOO level x JD-R category; numbers while legible;
    taller than a page, in parts of a page each, each with its headings and colour scale.
    Beyond MAX_ROWS interventions, those with the most themes, as the title says."""
    title = t("heatmap_title")
    if len(interventions) > MAX_ROWS:
        totals = df.group_by("label").agg(pl.col("n_themes").sum()).sort(["n_themes", "label"], descending=[True, False])
        kept = set(totals["label"].head(MAX_ROWS).to_list())
        title += "\n" + t("heatmap_top", shown=MAX_ROWS, total=len(interventions))
        interventions = [name for name in interventions if name in kept]
        df = df.filter(pl.col("label").is_in(interventions))
    row_of = {name: i for i, name in enumerate(interventions)}
    col_of = {(lv, cat): i * len(categories) + j for i, lv in enumerate(levels) for j, cat in enumerate(categories)}
    grid = np.zeros((len(interventions), len(col_of)))
    for r in df.iter_rows(named=True):
        grid[row_of[r["label"]], col_of[(r["igloo_level"], r["jdr_category"])]] = r["n_themes"]
    height, page = 1.9 + 0.26 * len(interventions), page_inches(MATRIX_ROWS_WIDTH)
    # Taller than a landscape page, in parts of a page each, each with its levels above it and its
    # categories below: cut between rows of one plot, the pages between showed cells without headings.
    parts = [len(interventions)] if height <= page else _parts(
        len(interventions), max(1, int((page - MATRIX_RESERVED) / 0.26)))
    with house_style():
        fig = new_figure(MATRIX_ROWS_WIDTH, height + MATRIX_PART_HEADINGS * (len(parts) - 1))
        axes = fig.subplots(len(parts), 1, squeeze=False, gridspec_kw={"height_ratios": parts})[:, 0]
        cmap = sequential_cmap()
        for ax, rows, first in zip(axes, parts, np.cumsum([0, *parts[:-1]])):
            image = ax.imshow(grid[first:first + rows], cmap=cmap, vmin=0, vmax=vmax, aspect="auto",
                              interpolation="nearest")
            if len(interventions) <= MAX_ANNOTATED_ROWS:
                for (y, x), value in np.ndenumerate(grid[first:first + rows]):
                    if value:
                        ax.text(x, y, f"{value:g}", ha="center", va="center", fontsize=8,
                                **text_on(cmap(value / vmax)))
            ax.set_xticks(range(len(col_of)), [t(cat) for _ in levels for cat in categories], rotation=90,
                          fontsize=8)
            for i, lv in enumerate(levels):
                # "Overarching context" beside "Organisation" on a narrow chart: on two lines
                ax.text((i + 0.5) * len(categories) - 0.5, -1.0,
                        "\n".join(textwrap.wrap(t(lv), 12, break_long_words=False)),
                        ha="center", va="bottom", fontsize=9, fontweight="bold")
                if i:
                    ax.axvline(i * len(categories) - 0.5, color=GREY, linewidth=1)
            ax.set_yticks(range(rows), interventions[first:first + rows], fontsize=8)
            ax.tick_params(length=0)
            for spine in ax.spines.values():
                spine.set_visible(False)
            fig.colorbar(image, ax=ax, shrink=0.4 if len(parts) == 1 else 0.8, label=t("heatmap_colorbar"))
        fig.suptitle(title, x=0.02, ha="left", fontweight="bold", fontsize=13)
    return fig


@asset(**YEARLY, key=AssetKey(["charts", "pmg_mental_health"]), deps=[key(table) for table in YEAR_TABLES],
       group_name="pmg", kinds={"matplotlib"}, pool=POOL)
def pmg_mental_health_chart(context, duckdb: DuckDBResource, reports: ReportSettings) -> MaterializeResult:
    """Mean self-rated mental health before (T0) and after (T1) each PMG intervention, per year.

    One dot per intervention and wave, joined when both waves exist, with the mean and the number
    of respondents (N) printed at each dot: read it as "did the group's average go up or down",
    and look at N before drawing conclusions (most groups are two to eight people). No individual
    answers are drawn. This is the chart of the stakeholder report: groups below the reporting
    minimum, and the other wave of the same people where it would give one back, are left out (the
    files sit beside that report, and this preview is read in the UI); the researcher edition draws
    every group. Files: pmg/<year>/pmg_mental_health.png (+ .svg).
    """
    years = partition_years(context)
    with duckdb.get_connection() as conn:
        shown = {year: stakeholder_mental_health(conn, year, reports.reporting_minimum, reports.language)
                 for year in years}
    figures = {year: partial(draw_mental_health, shown[year], reports.language) for year in years}
    return publish_charts(reports, "pmg", "pmg_mental_health", figures, copies=len(years))


@asset(**YEARLY, key=AssetKey(["charts", "pmg_theme_matrix"]), deps=[key(table) for table in YEAR_TABLES],
       group_name="pmg", kinds={"matplotlib"}, pool=POOL)
def pmg_theme_matrix_chart(context, duckdb: DuckDBResource, reports: ReportSettings) -> MaterializeResult:
    """Where the Diagnose themes of each PMG intervention sit: IGLOO level x JD-R category.

    One heatmap panel per intervention; rows are the IGLOO levels (Individu ... Omgeving),
    columns the JD-R categories (resources, stressors, outcome); the colour and the number in a
    cell are the distinct themes raised there (empty: none). Read across a row to see whether an
    intervention's participants spoke of resources or stressors at that level.
    This is the chart of the stakeholder report: an intervention whose focus interviews of a wave
    had fewer participants than the reporting minimum is left out (its themes are not listed
    there); the researcher edition draws every intervention.
    Files: pmg/<year>/pmg_theme_matrix.png (+ .svg).
    """
    years = partition_years(context)
    with duckdb.get_connection() as conn:
        shown = {year: stakeholder_matrix(conn, year, reports.reporting_minimum) for year in years}
    figures = {year: partial(draw_theme_matrix, shown[year], reports.language) for year in years}
    return publish_charts(reports, "pmg", "pmg_theme_matrix", figures, copies=len(years))
