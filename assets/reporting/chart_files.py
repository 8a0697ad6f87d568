"""Chart assets' output: a PNG and an SVG per year, and a small preview for the Dagster UI."""

from dagster import MaterializeResult, MetadataValue

from assets.reporting.publish import write_atomic
from assets.reporting.style import data_uri, figure_png, figure_svg, png_preview

PREVIEW_BUDGET = 150_000  # characters of base64 in one asset's preview


def publish_charts(reports, programme: str, name: str, figures: dict) -> MaterializeResult:
    """Write each year's figure as <programme>/<year>/<name>.png with an SVG beside it; Dagster metadata back.

    `figures` maps year -> matplotlib Figure (or None when that year has nothing to draw).
    """
    metadata, previews = {}, []
    for year in sorted(figures):
        fig = figures[year]
        if fig is None:
            continue
        png_path = reports.path(programme, str(year), f"{name}.png")
        png = figure_png(fig, dpi=150)
        write_atomic(png_path, png)
        write_atomic(png_path.with_suffix(".svg"), figure_svg(fig))
        metadata[f"path_{year}"] = MetadataValue.path(str(png_path))
        metadata["path"] = MetadataValue.path(str(png_path))  # newest year last, so it wins
        previews.append((year, data_uri(png_preview(png, 60 / 150))))
    if not previews:
        return MaterializeResult(metadata={"years": MetadataValue.int(0),
                                           "preview": MetadataValue.md("_(no rows in the mart yet; no chart)_")})
    # Newest year first; older years only while the preview stays small enough for the UI.
    parts, size = [], 0
    for year, uri in reversed(previews):
        if parts and size + len(uri) > PREVIEW_BUDGET:
            break
        parts.append(f"**{year}**\n\n![chart]({uri})")
        size += len(uri)
    metadata["years"] = MetadataValue.int(len(previews))
    metadata["preview"] = MetadataValue.md("\n\n".join(parts))
    return MaterializeResult(metadata=metadata)

