"""Publishing what the reporting assets make: files written atomically, chart files, and the two
report editions with their provenance and Dagster metadata.

Atomic: a reader (browser, web server, sync client) never sees half a file.
"""

import os
import tempfile
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path

from dagster import MaterializeResult, MetadataValue

from assets.reporting.html import Chart, Heading, Paragraph, Table, page, render_html, render_markdown
from assets.reporting.style import data_uri, figure_png, figure_svg


def write_atomic(path: Path, data: bytes | str) -> Path:
    """Write `data` to `path` via a temporary file in the same folder and an atomic rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    # Same folder: os.replace is only atomic within one file system.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        # mkstemp creates 0600; published reports are meant to be readable like any other file.
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


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
        write_atomic(png_path, figure_png(fig, dpi=150))
        write_atomic(png_path.with_suffix(".svg"), figure_svg(fig))
        metadata[f"path_{year}"] = MetadataValue.path(str(png_path))
        metadata["path"] = MetadataValue.path(str(png_path))  # newest year last, so it wins
        previews.append((year, data_uri(figure_png(fig, dpi=60))))
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


PREVIEW_BUDGET = 150_000  # characters of base64 in one asset's preview


# --- reports -------------------------------------------------------------------------------------

RESEARCHER_BANNER = "VERTROUWELIJK – onderzoekerseditie"
RESEARCHER_FILE = "rapport_onderzoekers.html"
STAKEHOLDER_FILE = "rapport.html"
PACKAGES = ("dagster", "duckdb", "polars", "matplotlib", "great_expectations")
REPORT_MD_BUDGET = 400_000  # characters of the "report" markdown in the Dagster UI


@dataclass(frozen=True)
class Edition:
    """Who a report is for: researchers see every figure; stakeholders no small groups and no quotes."""

    researcher: bool
    minimum: int
    lang: str = "nl"

    def hides(self, n: int | None) -> bool:
        return not self.researcher and (n or 0) < self.minimum

    @property
    def small_group_note(self) -> str:
        return f"groep kleiner dan {self.minimum}; niet getoond"


def package_versions() -> list[tuple[str, str]]:
    versions = []
    for name in PACKAGES:
        try:
            versions.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            versions.append((name, "niet geïnstalleerd"))
    return versions


def provenance_blocks(conn, programme: str, year: int, run_id: str) -> list:
    """Where every number came from: the exports and codebooks (with SHA-256), software, and the run."""
    files = conn.sql("""
        SELECT source_file, instrument, n_rows, sha256 FROM raw.source_files
        WHERE programme = ? AND year = ? ORDER BY source_file""", params=[programme, year]).pl()
    codebooks = conn.sql("""
        SELECT DISTINCT codebook, codebook_sha256 FROM raw.source_files
        WHERE programme = ? AND year = ? ORDER BY codebook""", params=[programme, year]).pl()
    blocks = [
        Heading("Verantwoording", 2),
        Paragraph("Elk getal in dit rapport is bij het maken van het rapport opgevraagd uit het datawarehouse "
                  "(tabellen marts.*) en pas bij het afdrukken afgerond; de volle precisie blijft in het "
                  "warehouse. Deelnemers zijn gepseudonimiseerd."),
        Table(["Bronbestand", "Instrument", "Rijen", "SHA-256"],
              [[f, i, str(n), h] for f, i, n, h in files.iter_rows()], "Bronbestanden", numeric=frozenset({2}))
        if files.height else Paragraph("Geen bronbestanden geregistreerd voor dit jaar.", "note"),
        Table(["Codeboek", "SHA-256"], [list(r) for r in codebooks.iter_rows()], "Codeboeken")
        if codebooks.height else Paragraph("Geen codeboeken geregistreerd voor dit jaar.", "note"),
        Table(["Pakket", "Versie"], [list(v) for v in package_versions()], "Software"),
        Paragraph(f"Dagster-run: {run_id}"),
    ]
    return blocks


def write_report_editions(reports, programme: str, year: int, title: str, build, footer: list) -> dict:
    """Write both editions of one year; `build(edition)` returns the body blocks of that edition.

    Returns the paths and the stakeholder edition as markdown, for the asset's metadata.
    """
    out = {}
    for edition, filename, banner in ((Edition(True, reports.reporting_minimum, reports.language),
                                       RESEARCHER_FILE, RESEARCHER_BANNER),
                                      (Edition(False, reports.reporting_minimum, reports.language),
                                       STAKEHOLDER_FILE, None)):
        body = build(edition)
        path = reports.path(programme, str(year), filename)
        write_atomic(path, page(title, render_html(body), banner=banner, footer=render_html(footer),
                                lang=reports.language))
        out[filename] = path
        if not edition.researcher:
            out["markdown"] = f"# {title}\n\n" + render_markdown(body + footer)
            text_only = [replace(b, preview=None) if isinstance(b, Chart) else b for b in body + footer]
            out["markdown_text"] = f"# {title}\n\n" + render_markdown(text_only)
    return out


def report_result(written: dict) -> MaterializeResult:
    """Metadata of a report asset from {year: write_report_editions(...)}: newest year under plain keys."""
    if not written:
        return MaterializeResult(metadata={"years": MetadataValue.int(0),
                                           "report": MetadataValue.md("_(no rows in the marts yet; no report)_")})
    meta = {"years": MetadataValue.int(len(written))}
    for year in sorted(written):
        for filename, label in ((STAKEHOLDER_FILE, "rapport"), (RESEARCHER_FILE, "rapport_onderzoekers")):
            meta[label] = MetadataValue.path(str(written[year][filename]))
            if len(written) > 1:
                meta[f"{label}_{year}"] = MetadataValue.path(str(written[year][filename]))
    newest = max(written)
    markdown = "\n\n---\n\n".join(written[y]["markdown"] for y in sorted(written, reverse=True))
    if len(markdown) > REPORT_MD_BUDGET:
        # Older years' images make it too big for the UI: keep the newest year only; the HTML has all.
        markdown = written[newest]["markdown"] + f"\n\n_(older years: see {STAKEHOLDER_FILE} per year)_"
    if len(markdown) > REPORT_MD_BUDGET:
        markdown = written[newest]["markdown_text"] + "\n\n_(charts left out here for size; see the HTML report)_"
    meta["report"] = MetadataValue.md(markdown)
    return MaterializeResult(metadata=meta)
