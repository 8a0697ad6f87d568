"""Chart assets' output: a PNG and an SVG per year, and a small preview for the Dagster UI."""

from functools import partial

from dagster import MaterializeResult, MetadataValue

from assets.reporting.chart_cache import Rendered, chart_key, remember
from assets.reporting.chart_worker import shared_map
from assets.reporting.publish import write_atomic
from assets.reporting.style import DPI, data_uri, figure_svg
from assets.reporting.typeset import svg_png

PREVIEW_BUDGET = 150_000  # characters of base64 in one asset's preview
PREVIEW_SCALE = 60 / DPI
# Previews made while drawing, newest years first: at full size the second newest already leaves the
# budget for a large chart, and a small chart's third (fourth, ...) is made afterwards, from its SVG.
PREVIEWS_DRAWN = 2


def render_chart(item: tuple) -> tuple[bytes, bytes, bytes | None] | None:
    """One year's files: (PNG, SVG, preview PNG or None), or None when the year has nothing to draw.

    `item` is (Figure or a function that draws one, whether to make the preview)."""
    figure, with_preview = item
    fig = figure() if callable(figure) else figure
    if fig is None:
        return None
    svg = figure_svg(fig)  # the one drawing: the PNG and the preview are the SVG rasterised
    return svg_png(svg, DPI), svg, svg_png(svg, DPI * PREVIEW_SCALE) if with_preview else None


def _sendable(item: tuple) -> bool:
    # A partial of a module-level function pickles with its frames; a lambda or a Figure does not.
    return isinstance(item[0], partial)


def publish_charts(reports, programme: str, name: str, figures: dict, copies: int = 1) -> MaterializeResult:
    """Write each year's figure as <programme>/<year>/<name>.png with an SVG beside it; Dagster metadata back.

    `figures` maps year -> matplotlib Figure (or None when that year has nothing to draw), or
    year -> a function that draws it: then each figure is drawn when it is written, and only one
    is alive at a time in a process (ten large figures at once make every garbage collection
    slower). The years of functools.partial's are shared with a helper process
    (assets/reporting/chart_worker.py), and their SVGs are kept for the reports of this run
    (assets/reporting/chart_cache.py). `copies`: the run's partitions, each of which Dagster stores
    the metadata for: the preview's budget is shared among them (the newest year's is always shown).
    """
    # Newest year first: the preview shows older years only while it stays small enough for the UI,
    # so once one does not fit, the older years' previews are not made at all. The newest years' are
    # made as they are drawn (on the helper's side too); any further one here.
    years = sorted(figures, reverse=True)
    items = [(figures[year], rank < PREVIEWS_DRAWN) for rank, year in enumerate(years)]
    modules = [render_chart.__module__] + [f.func.__module__ for f, _ in items if isinstance(f, partial)]
    rendered = shared_map(render_chart, items, send=_sendable, preload=modules)
    paths, previews, budget_left = {}, [], True
    for year, files in zip(years, rendered):
        fig = figures[year]
        key = chart_key(fig.func, fig.args, fig.keywords) if isinstance(fig, partial) else None
        if files is None:
            if key is not None:
                remember(key, None)
            # Nothing to draw that year (no rows left): an earlier run's chart of it would outlive its data.
            for suffix in (".png", ".svg"):
                reports.existing(programme, str(year), f"{name}{suffix}").unlink(missing_ok=True)
            continue
        png, svg, preview = files
        png_path = reports.path(programme, str(year), f"{name}.png")
        write_atomic(png_path, png)
        if key is not None:
            remember(key, Rendered(svg))
        write_atomic(png_path.with_suffix(".svg"), svg)
        paths[year] = png_path
        if budget_left:
            uri = data_uri(preview if preview is not None else svg_png(svg, DPI * PREVIEW_SCALE))
            budget_left = (not previews
                           or sum(len(u) for _, u in previews) + len(uri) <= PREVIEW_BUDGET // max(copies, 1))
            if budget_left:
                previews.append((year, uri))
    if not previews:
        return MaterializeResult(metadata={"years": MetadataValue.int(0),
                                           "preview": MetadataValue.md(
                                               "_(no chart: no rows in the mart, or none above the reporting minimum)_")})
    metadata = {f"path_{year}": MetadataValue.path(str(path)) for year, path in sorted(paths.items())}
    metadata["path"] = MetadataValue.path(str(paths[max(paths)]))
    metadata["years"] = MetadataValue.int(len(paths))
    metadata["preview"] = MetadataValue.md("\n\n".join(f"**{year}**\n\n![chart]({uri})" for year, uri in previews))
    return MaterializeResult(metadata=metadata)
