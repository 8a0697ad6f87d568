"""The two editions of every report (researchers: every figure, confidential; stakeholders: no
group below the reporting minimum, nothing that recovers one, no quotes), written as HTML and
PDF and summarised for the Dagster UI."""

import hashlib
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from dagster import MaterializeResult, MetadataValue

from assets.partitions import partition_years
from assets.reporting.html import Chart, page, render_html, render_markdown
from assets.reporting.publish import write_atomic
from assets.reporting.texts import text, texts_for
from assets.reporting.typeset import write_pdf

RESEARCHER_FILE = "rapport_onderzoekers.html"
STAKEHOLDER_FILE = "rapport.html"
PDF_FILE = "rapport.pdf"
RESEARCHER_PDF_FILE = "rapport_onderzoekers.pdf"
EXPORTS_FILE = ".exports_sha256"  # in <programme>/<year>/: what the year's reports are made from
ORGANISATION_DIR = "organisaties"  # <programme>/<year>/organisaties/<organisation>/: one report per organisation
MARKDOWN = "markdown_blocks"  # (title, blocks) of the stakeholder edition, for the asset's metadata
PENDING = "pdfs_in_progress"  # (pdf name, pdf path, Future) of an output whose PDFs are being made
REPORT_MD_BUDGET = 400_000  # characters of the "report" markdown in the Dagster UI
SEPARATOR = "\n\n---\n\n"  # between the years of that markdown


@dataclass(frozen=True)
class Edition:
    """Who a report is for: researchers see every figure; stakeholders no small groups and no quotes."""

    researcher: bool
    minimum: int
    lang: str = "nl"

    def hides(self, n: int | None) -> bool:
        return not self.researcher and (n or 0) < self.minimum

    @property
    def t(self):
        return texts_for(self.lang)

    @property
    def small_group_note(self) -> str:
        return text(self.lang, "small_group_note", minimum=self.minimum)

    @property
    def secondary_note(self) -> str:
        return text(self.lang, "secondary_note", minimum=self.minimum)


# One thread has the PDFs typeset (in a process each) while the caller writes the next report's
# HTML, on the second core, in the order they were asked.
_PDF_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdf")


def write_report_editions(reports, programme: str, year: int, title: str, build, footer: list,
                          folder: tuple[str, ...] = (), pdfs: bool = True, markdown: bool = True) -> dict:
    """Write both editions of one year (in <programme>/<year>/<folder...>/); `build(edition)` returns
    the body blocks of that edition.

    Returns the paths, the PDFs being made (`finish_pdfs` waits for them) and (with `markdown`) the
    stakeholder edition's blocks, for the asset's metadata. Without `pdfs` no PDF is made, and none
    of an earlier run is left.
    """
    out, pending = {}, []
    lang = reports.language
    for edition, filename, pdf_name, banner in (
            (Edition(True, reports.reporting_minimum, lang), RESEARCHER_FILE, RESEARCHER_PDF_FILE,
             text(lang, "researcher_banner")),
            (Edition(False, reports.reporting_minimum, lang), STAKEHOLDER_FILE, PDF_FILE, None)):
        body = build(edition)
        path = reports.path(programme, str(year), *folder, filename)
        write_atomic(path, page(title, render_html(body), banner=banner, footer=render_html(footer), lang=lang),
                     public=not edition.researcher)
        out[filename] = path
        pdf_path = path.with_name(pdf_name)
        if pdfs:
            pending.append((pdf_name, pdf_path,
                            _PDF_THREAD.submit(write_pdf, pdf_path, title, body, footer, banner, lang,
                                               not edition.researcher)))
        else:
            pdf_path.unlink(missing_ok=True)
            out[pdf_name] = text("nl", "pdf_not_requested")
        if markdown and not edition.researcher:
            out[MARKDOWN] = (title, body + footer)  # rendered by report_results, as far as the UI's budget goes
    if pending:
        out[PENDING] = pending
    return out


def finish_pdfs(outputs) -> None:
    """Wait for the PDFs of `write_report_editions` outputs, and put each PDF's path, or in words
    (Dutch, as all operator metadata) why there is none, in its output. Never raises: the HTML is
    the report. A PDF that failed is removed, so no older run's PDF is left beside a new HTML."""
    for out in outputs:
        for name, pdf_path, made in out.pop(PENDING, []):
            try:
                made.result()
                out[name] = pdf_path
            except Exception as error:  # noqa: BLE001 - a missing PDF must not fail the report
                pdf_path.unlink(missing_ok=True)
                out[name] = text("nl", "pdf_failed", error=" ".join(str(error).split())[:200])


def remove_year_reports(reports, programme: str, year: int) -> list[str]:
    """Remove what an earlier run wrote of a year that has no rows left (its participants withdrew,
    WITHDRAWN.txt in its folder): both editions, their PDFs and the
    organisation reports. Rerunning a partition replaces its reports as it replaces its rows, so no
    report is left of data the warehouse no longer holds. Returns the names removed."""
    folder = reports.existing(programme, str(year))
    removed = []
    for name in (RESEARCHER_FILE, STAKEHOLDER_FILE, RESEARCHER_PDF_FILE, PDF_FILE, EXPORTS_FILE):
        if (folder / name).is_file():
            (folder / name).unlink()
            removed.append(name)
    if (folder / ORGANISATION_DIR).is_dir():
        shutil.rmtree(folder / ORGANISATION_DIR)
        removed.append(ORGANISATION_DIR)
    if folder.is_dir() and not any(folder.iterdir()):  # the charts, which come first, are gone already
        folder.rmdir()
    return removed


def years_with_rows(conn, tables: tuple[str, ...]) -> list[int]:
    """The years any of `tables` holds rows of, in order."""
    union = " UNION ".join(f"SELECT year FROM {table}" for table in tables)
    return [r[0] for r in conn.sql(f"{union} ORDER BY year").fetchall()]


def exports_of(conn, programme: str, year: int) -> str:
    """A digest of what a year's reports are made from: its exports' and codebooks' bytes, the
    pseudonym key and the ingest's version (raw.source_files)."""
    rows = conn.execute("SELECT source_file, sha256, codebook_sha256, pseudonym_key_id, ingest_version "
                        "FROM raw.source_files WHERE programme = ? AND year = ? ORDER BY source_file",
                        [programme, year]).fetchall()
    return hashlib.sha256(repr(rows).encode("utf-8")).hexdigest()


def years_to_report(context, conn, reports, programme: str, with_rows: list[int]) -> list[int]:
    """The run's years (partitions) that have rows; of the others, what an earlier run wrote is removed.

    Each year's folder records what its reports are made from (EXPORTS_FILE). A year's folder of
    another language (`en/`, or the Dutch one beside it) made from other exports is removed: after
    a correction or a withdrawal of consent it still showed the old data, withdrawn answers and
    quotes included, as only the run's own language is rewritten. One made from the same exports
    is kept, and so is one from before folders recorded it."""
    years = []
    for year in partition_years(context):
        made_of = exports_of(conn, programme, year) if year in with_rows else None
        for other in reports.other_languages(programme, str(year)):
            if other.is_dir() and (made_of is None or _recorded(other) not in (made_of, None)):
                shutil.rmtree(other)
                context.log.info(f"{year}: removed {other}: made from other exports than the warehouse now holds")
                for parent in (other.parent, other.parent.parent):  # <language>/<programme>/, <language>/
                    if parent != Path(reports.output_dir).resolve() and parent.is_dir() and not any(parent.iterdir()):
                        parent.rmdir()
        if made_of is not None:
            years.append(year)
            write_atomic(reports.path(programme, str(year), EXPORTS_FILE), made_of)
        elif removed := remove_year_reports(reports, programme, year):
            context.log.info(f"{year}: no rows; removed an earlier run's {', '.join(removed)}")
    return years


def _recorded(folder: Path) -> str | None:
    try:
        return (folder / EXPORTS_FILE).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None


def remove_other_folders(parent: Path, keep: set[str]) -> None:
    """Remove the report folders under `parent` this run did not write (an organisation no longer in
    that year's data), so no report of an earlier run is left beside the new ones."""
    if parent.is_dir():
        for child in parent.iterdir():
            if child.is_dir() and child.name not in keep:
                shutil.rmtree(child)


def report_results(written: dict, stakeholder_key, researcher_key, log=None,
                   per_organisation: dict | None = None,
                   copies: int = 1) -> tuple[MaterializeResult, MaterializeResult]:
    """The two editions' asset results from {year: write_report_editions(...)}: newest year under
    plain keys. The stakeholder result carries the report as markdown for the UI; the researcher
    result only its file paths (the UI is no place for the confidential edition's small groups).

    `log` (the asset's context.log) is told when a PDF could not be made, and why.
    `per_organisation`: {year: (folder of the organisation reports, how many)}.
    `copies`: the run's partitions. Dagster stores a result once per partition of the run, so the
    markdown gets 1/copies of the budget: a backfill of ten years stored ten copies of ten years.
    Waits for the PDFs still being made first.
    """
    finish_pdfs(written.values())
    if not written:
        empty = {"years": MetadataValue.int(0), "report": MetadataValue.md("_(no rows in the marts yet; no report)_")}
        return (MaterializeResult(asset_key=stakeholder_key, metadata=empty),
                MaterializeResult(asset_key=researcher_key, metadata=empty))
    editions = {
        stakeholder_key: ((STAKEHOLDER_FILE, "rapport"), (PDF_FILE, "pdf")),
        researcher_key: ((RESEARCHER_FILE, "rapport_onderzoekers"), (RESEARCHER_PDF_FILE, "pdf_onderzoekers")),
    }
    metas = {}
    for asset_key, ((html_file, html_label), (pdf_file, pdf_label)) in editions.items():
        meta = {"years": MetadataValue.int(len(written))}
        for year in sorted(written):
            status = written[year][pdf_file]
            pdf = MetadataValue.path(str(status)) if not isinstance(status, str) else MetadataValue.text(status)
            for suffix in ([""] + ([f"_{year}"] if len(written) > 1 else [])):
                meta[html_label + suffix] = MetadataValue.path(str(written[year][html_file]))
                meta[pdf_label + suffix] = pdf
                if per_organisation and year in per_organisation:
                    folder, count = per_organisation[year]
                    meta["organisaties" + suffix] = MetadataValue.path(str(folder))
                    meta["organisaties_n" + suffix] = MetadataValue.int(count)
            if isinstance(status, str) and log is not None:
                log.warning(f"{year} {pdf_file}: {status}. The HTML report is complete.")
        metas[asset_key] = meta
    newest = max(written)
    markdown = _ui_markdown(written, newest, REPORT_MD_BUDGET // max(copies, 1))
    files = f"\n\n---\n\nHTML: `{written[newest][STAKEHOLDER_FILE]}`  \nPDF: `{written[newest][PDF_FILE]}`"
    metas[stakeholder_key]["report"] = MetadataValue.md(markdown + files)
    return (MaterializeResult(asset_key=stakeholder_key, metadata=metas[stakeholder_key]),
            MaterializeResult(asset_key=researcher_key, metadata=metas[researcher_key]))


def _markdown(title: str, blocks: list, charts: bool = True) -> str:
    if not charts:
        blocks = [replace(b, preview=None) if isinstance(b, Chart) else b for b in blocks]
    return f"# {title}\n\n" + render_markdown(blocks)


def _ui_markdown(written: dict, newest: int, budget: int = REPORT_MD_BUDGET) -> str:
    """Every year's stakeholder edition, newest first, if they fit the budget together; else the
    newest year's, without its charts if need be, or only its title (the HTML has everything)."""
    years, size = [], -len(SEPARATOR)
    for year in sorted(written, reverse=True):
        years.append(_markdown(*written[year][MARKDOWN]))
        size += len(SEPARATOR) + len(years[-1])
        if size > budget:
            break
    else:
        return SEPARATOR.join(years)
    markdown = years[0] + f"\n\n_(older years: see {STAKEHOLDER_FILE} per year)_"
    if len(markdown) > budget:
        markdown = _markdown(*written[newest][MARKDOWN], charts=False)
        markdown += "\n\n_(charts left out here for size; see the HTML report)_"
    if len(markdown) > budget:
        title = written[newest][MARKDOWN][0]
        markdown = (f"# {title}\n\n_(too long for the preview of a run of this many years, which Dagster "
                    "stores once per year: see the HTML report, or run the year alone)_")
    return markdown
