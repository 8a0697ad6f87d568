"""The two editions of every report (researchers: every figure, confidential; stakeholders: no
group below the reporting minimum, nothing that recovers one, no quotes), written as HTML (and
PDF where chromium is installed) and summarised for the Dagster UI."""

import queue
import shutil
import threading
from dataclasses import dataclass, replace
from pathlib import Path

from dagster import MaterializeResult, MetadataValue

from assets.reporting.html import Chart, page, render_html, render_markdown
from assets.reporting.pdf import find_chromium, htmls_to_pdfs
from assets.reporting.publish import write_atomic
from assets.reporting.texts import text, texts_for

RESEARCHER_BANNER = text("nl", "researcher_banner")
RESEARCHER_FILE = "rapport_onderzoekers.html"
STAKEHOLDER_FILE = "rapport.html"
PDF_FILE = "rapport.pdf"
RESEARCHER_PDF_FILE = "rapport_onderzoekers.pdf"
ORGANISATION_DIR = "organisaties"  # <programme>/<year>/organisaties/<organisation>/: one report per organisation
MARKDOWN = "markdown_blocks"  # (title, blocks) of the stakeholder edition, for the asset's metadata
PENDING = "pdfs_to_print"  # (pdf name, html path, pdf path) of an output whose PDFs are not printed yet
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


def write_report_editions(reports, programme: str, year: int, title: str, build, footer: list,
                          folder: tuple[str, ...] = (), pdfs: bool = True, markdown: bool = True) -> dict:
    """Write both editions of one year (in <programme>/<year>/<folder...>/); `build(edition)` returns
    the body blocks of that edition.

    Returns the paths, the PDFs still to print (`print_pdfs` prints them, all of a run's reports in
    one chromium) and (with `markdown`) the stakeholder edition's blocks, for the asset's metadata.
    Without `pdfs` no PDF is printed, and none of an earlier run is left.
    """
    out, prints = {}, []
    lang = reports.language
    for edition, filename, pdf_name, banner in (
            (Edition(True, reports.reporting_minimum, lang), RESEARCHER_FILE, RESEARCHER_PDF_FILE,
             text(lang, "researcher_banner")),
            (Edition(False, reports.reporting_minimum, lang), STAKEHOLDER_FILE, PDF_FILE, None)):
        body = build(edition)
        path = reports.path(programme, str(year), *folder, filename)
        write_atomic(path, page(title, render_html(body), banner=banner, footer=render_html(footer), lang=lang))
        out[filename] = path
        prints.append((pdf_name, path, path.with_name(pdf_name)))
        if markdown and not edition.researcher:
            out[MARKDOWN] = (title, body + footer)  # rendered by report_results, as far as the UI's budget goes
    if pdfs:
        out[PENDING] = prints
    else:
        for name, _, pdf_path in prints:
            pdf_path.unlink(missing_ok=True)
            out[name] = text("nl", "pdf_not_requested")
    return out


def print_pdfs(outputs) -> None:
    """Print the pending PDFs of every `write_report_editions` output in `outputs` (in one chromium
    for all, two tabs side by side), and put each PDF's path, or
    in words (Dutch, as all operator metadata) why there is none, in its output. Never raises: the
    HTML is the report."""
    with BackgroundPrinter() as printer:
        printer.submit(outputs)


# A second tab prints beside the first once the caller waits (a core it no longer uses) and at
# least this many files wait beside the one printing: a second chromium would have cost over a
# gigabyte more. Not before: a tab beside the caller's HTML writing slowed ten years' PMG report
# from 24 to 27 s. From one: a year's second edition then prints beside its first, and a new
# year's PMG report waited 2.3 s for chromium after its HTML, now 1.6 s.
SECOND_TAB_FROM = 1


class BackgroundPrinter:
    """Prints the pending PDFs of `write_report_editions` outputs on another thread, in one
    chromium, while the caller goes on writing HTML; on leaving the `with`, waits for them (with a
    second tab when enough are left) and puts each PDF's path, or in words why there is none, in
    its output (as `print_pdfs`). Never raises for a PDF."""

    def __init__(self):
        self.outputs, self.queue, self.status = [], queue.Queue(), {}
        self.chromium = find_chromium()
        self.second_tab = threading.Event()
        self.thread = threading.Thread(target=self._print, name="pdf", daemon=True)

    def __enter__(self) -> "BackgroundPrinter":
        if self.chromium is not None:
            self.thread.start()
        return self

    def submit(self, outputs) -> None:
        """Queue the pending PDFs of `outputs`."""
        for out in outputs:
            if out.get(PENDING):
                self.outputs.append(out)
                for _, html, pdf in out[PENDING]:
                    self.queue.put((html, pdf))

    def _print(self) -> None:
        # One chromium for every file, started with the first (a start costs about half a second).
        taken = []

        def files():
            for pair in iter(self.queue.get, None):
                taken.append(pair[1])
                yield pair

        try:
            self.status.update(htmls_to_pdfs(files(), self.chromium, second_tab=self.second_tab))
        except Exception as error:  # noqa: BLE001 - a missing PDF must not fail the report
            self.status.update({pdf: str(error) for pdf in taken if pdf not in self.status})

    def __exit__(self, *exc) -> None:
        if self.thread.is_alive():
            if self.queue.qsize() >= SECOND_TAB_FROM:
                self.second_tab.set()
            self.queue.put(None)
            self.thread.join()
        for out in self.outputs:
            for name, _, pdf_path in out.pop(PENDING):
                reason = self.status.get(pdf_path, "no answer from chromium")
                if self.chromium is not None and reason is None:
                    out[name] = pdf_path
                    continue
                pdf_path.unlink(missing_ok=True)  # no stale PDF of an older run beside a new HTML
                out[name] = (text("nl", "pdf_no_chromium") if self.chromium is None
                             else text("nl", "pdf_failed", error=str(reason)[:200]))


def remove_other_folders(parent: Path, keep: set[str]) -> None:
    """Remove the report folders under `parent` this run did not write (an organisation no longer in
    that year's data), so no report of an earlier run is left beside the new ones."""
    if parent.is_dir():
        for child in parent.iterdir():
            if child.is_dir() and child.name not in keep:
                shutil.rmtree(child)


def report_results(written: dict, stakeholder_key, researcher_key, log=None,
                   per_organisation: dict | None = None) -> tuple[MaterializeResult, MaterializeResult]:
    """The two editions' asset results from {year: write_report_editions(...)}: newest year under
    plain keys. The stakeholder result carries the report as markdown for the UI; the researcher
    result only its file paths (the UI is no place for the confidential edition's small groups).

    `log` (the asset's context.log) is told when a PDF could not be made, and why.
    `per_organisation`: {year: (folder of the organisation reports, how many)}.
    PDFs not printed yet are printed first, all in one chromium.
    """
    print_pdfs(written.values())
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
                log.warning(f"{year} {pdf_file}: {status}. The HTML report is complete; install chromium "
                            "(apt-get install chromium) for a PDF.")
        metas[asset_key] = meta
    newest = max(written)
    markdown = _ui_markdown(written, newest)
    files = f"\n\n---\n\nHTML: `{written[newest][STAKEHOLDER_FILE]}`  \nPDF: `{written[newest][PDF_FILE]}`"
    metas[stakeholder_key]["report"] = MetadataValue.md(markdown + files)
    return (MaterializeResult(asset_key=stakeholder_key, metadata=metas[stakeholder_key]),
            MaterializeResult(asset_key=researcher_key, metadata=metas[researcher_key]))


def _markdown(title: str, blocks: list, charts: bool = True) -> str:
    if not charts:
        blocks = [replace(b, preview=None) if isinstance(b, Chart) else b for b in blocks]
    return f"# {title}\n\n" + render_markdown(blocks)


def _ui_markdown(written: dict, newest: int) -> str:
    """Every year's stakeholder edition, newest first, if they fit the UI's budget together; else
    the newest year's, without its charts if need be (the HTML has everything)."""
    years, size = [], -len(SEPARATOR)
    for year in sorted(written, reverse=True):
        years.append(_markdown(*written[year][MARKDOWN]))
        size += len(SEPARATOR) + len(years[-1])
        if size > REPORT_MD_BUDGET:
            break
    else:
        return SEPARATOR.join(years)
    markdown = years[0] + f"\n\n_(older years: see {STAKEHOLDER_FILE} per year)_"
    if len(markdown) > REPORT_MD_BUDGET:
        markdown = _markdown(*written[newest][MARKDOWN], charts=False)
        markdown += "\n\n_(charts left out here for size; see the HTML report)_"
    return markdown
