"""The data engineer's validation report: what was loaded, what was set aside and why, and the
Great Expectations result page of every checked table."""

import shutil
from html import escape

from dagster import MaterializeResult, MetadataValue, asset
from dagster_duckdb import DuckDBResource

from assets.partitions import EVERY_YEAR
from assets.reporting.publish import write_atomic
from assets.tables import POOL, key, markdown_table
from checks.suites import SUITES
from pipelines.resources import ReportSettings


def _html_table(frame) -> str:
    if frame.height == 0:
        return "<p><em>geen</em></p>"
    head = "".join(f"<th>{escape(c)}</th>" for c in frame.columns)
    body = "".join("<tr>" + "".join(f"<td>{escape('' if v is None else str(v))}</td>" for v in row) + "</tr>"
                   for row in frame.iter_rows())
    return f"<div style=overflow-x:auto><table><tr>{head}</tr>{body}</table></div>"


def write_data_quality_page(conn, reports: ReportSettings):
    """Write `<reports>/validatie/index.html`; return its path, the files and the quarantined rows.

    Also called by a blocking suite check that fails: this asset is then skipped (it is downstream
    of the checked table), and the page the data engineer is sent to would show the last run's."""
    files = conn.sql("SELECT source_file, instrument, format, n_rows, sha256, ignored_columns, loaded_at "
                     "FROM raw.source_files ORDER BY source_file").pl()
    quarantined = conn.sql("SELECT source_file, row_number, column_name, cell_value, reason, stage "
                           "FROM raw.quarantine ORDER BY source_file, row_number, column_name").pl()
    page = reports.shared_path("validatie", "index.html")
    # A folder per year since December 2026; before, per run's range ("2016-2025/"), which only a
    # run of that range replaced: stale, and after a withdrawal still showing the withdrawn year's
    # values. Each year's next run writes its own folder.
    for folder in page.parent.glob("*"):
        if folder.is_dir() and not folder.name.isdigit():
            shutil.rmtree(folder, ignore_errors=True)
    pages = sorted(page.parent.glob("*/*.html"), key=lambda p: (p.parent.name, p.name), reverse=True)
    links = "".join(f'<li><a href="{escape(p.parent.name)}/{escape(p.name)}">{escape(p.parent.name)}: '
                    f'{escape(p.stem)}</a></li>' for p in pages)
    write_atomic(page, "<!doctype html><html lang=nl><meta charset=utf-8>"
                 "<meta name=viewport content='width=device-width, initial-scale=1'><title>Datakwaliteit</title>"
                 "<style>body{font-family:sans-serif;margin:2em}td,th{border:1px solid #ccc;padding:4px 8px}"
                 "li{overflow-wrap:anywhere}"
                 "table{border-collapse:collapse}</style><h1>Datakwaliteit</h1>"
                 f"<h2>Ingelezen bestanden ({files.height})</h2>{_html_table(files)}"
                 f"<h2>Quarantaine ({quarantined.height} problemen)</h2>{_html_table(quarantined)}"
                 f"<h2>Validatie per tabel (Great Expectations)</h2><ul>{links}</ul>", public=False)
    return page, files, quarantined


@asset(key=key("reports.data_quality"), deps=[key(t) for t in SUITES], group_name="data_quality", pool=POOL,
       kinds={"html"}, **EVERY_YEAR)
def data_quality_report(duckdb: DuckDBResource, reports: ReportSettings) -> MaterializeResult:
    """Validation report for the data engineer (`<reports>/validatie/index.html`): every ingested
    file with its hash and the columns its codebook does not declare, every quarantined row with
    file, row, column, value and reason, and links to the Great Expectations page of each checked
    table for each run's years (written by that table's `expectation_suite` check)."""
    with duckdb.get_connection() as conn:
        page, files, quarantined = write_data_quality_page(conn, reports)
    return MaterializeResult(metadata={
        "path": MetadataValue.path(str(page)),
        "files": MetadataValue.md(markdown_table(files.drop("sha256"))),
        "quarantined": MetadataValue.int(quarantined.height),
        # where and why, not the cell: an answer that did not decode is still someone's answer (the
        # page, for the data team, has it)
        "quarantine": MetadataValue.md(markdown_table(quarantined.drop("cell_value").head(50))),
    })
