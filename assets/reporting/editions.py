"""The two editions of every report (researchers: every figure, confidential; stakeholders: no
group below the reporting minimum, no quotes), written as HTML and summarised for the Dagster UI."""

from dataclasses import dataclass, replace

from dagster import MaterializeResult, MetadataValue

from assets.reporting.html import Chart, page, render_html, render_markdown
from assets.reporting.publish import write_atomic

RESEARCHER_BANNER = "VERTROUWELIJK – onderzoekerseditie"
RESEARCHER_FILE = "rapport_onderzoekers.html"
STAKEHOLDER_FILE = "rapport.html"
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
