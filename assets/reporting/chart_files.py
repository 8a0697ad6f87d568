"""Chart assets' output: a PNG and an SVG per year, and a small preview for the Dagster UI."""

from functools import partial

from dagster import MaterializeResult, MetadataValue

from assets.reporting.chart_cache import chart_key, remember

from assets.reporting.publish import write_atomic
from assets.reporting.style import data_uri, figure_pixels, figure_svg, pixels_png, pixels_preview

PREVIEW_BUDGET = 150_000  # characters of base64 in one asset's preview
DPI = 150
PREVIEW_SCALE = 60 / DPI


def publish_charts(reports, programme: str, name: str, figures: dict) -> MaterializeResult:
    """Write each year's figure as <programme>/<year>/<name>.png with an SVG beside it; Dagster metadata back.

    `figures` maps year -> matplotlib Figure (or None when that year has nothing to draw), or
    year -> a function that draws it: then each figure is drawn when it is written, and only one
    is alive at a time (ten large figures at once make every garbage collection slower). A
    functools.partial's PNG is kept for the reports of this run (assets/reporting/chart_cache.py).
    """
    paths, previews, budget_left = {}, [], True
    # Newest year first: the preview shows older years only while it stays small enough for the UI,
    # so once one does not fit, the older years' previews are not made at all.
    for year in sorted(figures, reverse=True):
        fig = figures[year]
        key = chart_key(fig.func, fig.args, fig.keywords, DPI) if isinstance(fig, partial) else None
        if callable(fig):
            fig = fig()
        if fig is None:
            if key is not None:
                remember(key, None)
            continue
        png_path = reports.path(programme, str(year), f"{name}.png")
        pixels = figure_pixels(fig, dpi=DPI)  # one drawing for the PNG and its preview
        png = pixels_png(pixels, dpi=DPI)
        write_atomic(png_path, png)
        if key is not None:
            remember(key, png)
        write_atomic(png_path.with_suffix(".svg"), figure_svg(fig))
        paths[year] = png_path
        if budget_left:
            uri = data_uri(pixels_preview(pixels, PREVIEW_SCALE))
            budget_left = not previews or sum(len(u) for _, u in previews) + len(uri) <= PREVIEW_BUDGET
            if budget_left:
                previews.append((year, uri))
    if not previews:
        return MaterializeResult(metadata={"years": MetadataValue.int(0),
                                           "preview": MetadataValue.md("_(no rows in the mart yet; no chart)_")})
    metadata = {f"path_{year}": MetadataValue.path(str(path)) for year, path in sorted(paths.items())}
    metadata["path"] = MetadataValue.path(str(paths[max(paths)]))
    metadata["years"] = MetadataValue.int(len(paths))
    metadata["preview"] = MetadataValue.md("\n\n".join(f"**{year}**\n\n![chart]({uri})" for year, uri in previews))
    return MaterializeResult(metadata=metadata)
