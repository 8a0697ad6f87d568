"""The PDF printer (assets/reporting/pdf.py) on a small report of its own: a sticky table header over
several pages and an <img> of a local PNG. The chromium environment and the failure paths use tiny
stand-in "chromium" scripts; the printing tests use the real one and are skipped without it."""

import re
import struct
import tempfile
import threading
import zlib
from pathlib import Path

import pytest
from pypdf import PdfReader

from assets.reporting import editions
from assets.reporting import pdf as pdf_module
from assets.reporting.editions import PENDING, SECOND_TAB_FROM, BackgroundPrinter, print_pdfs
from assets.reporting.html import Paragraph, Table, page, render_html
from assets.reporting.pdf import _DevToolsPipe, _print_one, find_chromium, html_to_pdf, htmls_to_pdfs, run_chromium
from assets.reporting.texts import text

CHROMIUM = find_chromium()
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")


def _png(width: int, height: int) -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\x20\x60\xa0" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def _report(folder: Path, name: str = "rapport.html", rows: int = 150) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "chart.png").write_bytes(_png(60, 30))
    body = "".join(f"<tr><td>{i}</td><td>{i * i}</td></tr>" for i in range(rows))
    html = folder / name
    html.write_text(f"""<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>{name}</title>
<style>thead th {{ position: sticky; top: 0; background: #ddd; }} body {{ font-family: system-ui, sans-serif; }}
@media print {{ * {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }} }}</style></head>
<body><h1>Klein rapport</h1><img src="chart.png" alt="grafiek">
<table><thead><tr><th>n</th><th>n²</th></tr></thead><tbody>{body}</tbody></table></body></html>""",
                    encoding="utf-8")
    return html


def _pages(pdf: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-z])", pdf.read_bytes()))


def _fake_chromium(tmp_path: Path, script: str) -> str:
    path = tmp_path / "fake-chromium"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(0o755)
    return str(path)


def _temp_files(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_chromium_runs_without_dbus_in_its_own_home(tmp_path, monkeypatch):
    """The ~25 s start-up: a session bus that cannot start org.a11y.Bus answers chromium's first
    question only at D-Bus's 25 s timeout. Chromium gets no bus address it could reach."""
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/run/user/0/bus")
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/run/dbus/system_bus_socket")
    fake = _fake_chromium(tmp_path, 'echo "session=$DBUS_SESSION_BUS_ADDRESS system=$DBUS_SYSTEM_BUS_ADDRESS '
                                    'home=$HOME"; for a in "$@"; do echo "arg $a"; done\n')
    done = run_chromium(fake, ["--print-to-pdf=/dev/null"])
    assert "session=disabled: system=disabled:" in done.stdout
    [profile] = re.findall(r"arg --user-data-dir=(\S+)", done.stdout)
    assert f"home={profile}" in done.stdout and not Path(profile).exists()  # thrown away afterwards


def test_html_to_pdf_failure_keeps_the_old_pdf_and_leaves_no_temp_file(tmp_path):
    html = _report(tmp_path)
    pdf = tmp_path / "rapport.pdf"
    pdf.write_bytes(b"%PDF-1.4 the previous run's PDF")
    # A "chromium" that writes half a file where it was told to print, then fails.
    fake = _fake_chromium(tmp_path, 'for a in "$@"; do case "$a" in --print-to-pdf=*) printf half > "${a#*=}";; '
                                    'esac; done; echo "print failed" >&2; exit 1\n')
    with pytest.raises(RuntimeError, match="chromium wrote no PDF: print failed"):
        html_to_pdf(html, pdf, fake)
    assert pdf.read_bytes() == b"%PDF-1.4 the previous run's PDF"
    assert _temp_files(tmp_path) == []


def test_htmls_to_pdfs_reports_a_chromium_that_does_not_start(tmp_path):
    html = _report(tmp_path)
    fake = _fake_chromium(tmp_path, 'echo "no display for you" >&2; exit 3\n')
    pairs = [(html, tmp_path / "a.pdf"), (html, tmp_path / "b.pdf")]
    assert htmls_to_pdfs(pairs, fake) == {tmp_path / "a.pdf": "chromium wrote no PDF: no display for you",
                                          tmp_path / "b.pdf": "chromium wrote no PDF: no display for you"}
    assert not (tmp_path / "a.pdf").exists() and _temp_files(tmp_path) == []


def test_htmls_to_pdfs_of_nothing_starts_no_chromium(tmp_path):
    assert htmls_to_pdfs([], str(tmp_path / "no-such-chromium")) == {}


@needs_chromium
def test_html_to_pdf_prints_the_small_report(tmp_path):
    html = _report(tmp_path)
    pdf = tmp_path / "rapport.pdf"
    html_to_pdf(html, pdf, CHROMIUM)
    assert pdf.read_bytes()[:5] == b"%PDF-" and _pages(pdf) >= 2  # the table runs over pages
    assert pdf.stat().st_mode & 0o777 == 0o644
    assert _temp_files(tmp_path) == []


@needs_chromium
def test_htmls_to_pdfs_prints_several_in_one_chromium(tmp_path):
    """Three reports and one missing HTML: one chromium start, three PDFs as `html_to_pdf` prints
    them, and the missing one reported without a file and without stopping the rest."""
    starts = tmp_path / "starts"
    counting = _fake_chromium(tmp_path, f'echo start >> "{starts}"\nexec "{CHROMIUM}" "$@"\n')
    htmls = [_report(tmp_path / "pmg", "rapport.html", rows=150),
             _report(tmp_path / "pmg", "rapport_onderzoekers.html", rows=300),
             _report(tmp_path / "tib", "rapport.html", rows=20)]
    missing = tmp_path / "tib" / "rapport_onderzoekers.html"
    pairs = [(h, h.with_suffix(".pdf")) for h in htmls[:2]] + [(missing, missing.with_suffix(".pdf"))] \
        + [(htmls[2], htmls[2].with_suffix(".pdf"))]

    results = htmls_to_pdfs(pairs, counting)

    assert starts.read_text().splitlines() == ["start"]
    assert list(results) == [p for _, p in pairs]
    assert results[missing.with_suffix(".pdf")].startswith("chromium wrote no PDF: net::ERR_FILE_NOT_FOUND")
    assert not missing.with_suffix(".pdf").exists()
    for html in htmls:
        pdf = html.with_suffix(".pdf")
        assert results[pdf] is None and pdf.read_bytes()[:5] == b"%PDF-"
        assert pdf.stat().st_mode & 0o777 == 0o644
        single = tmp_path / "single.pdf"
        html_to_pdf(html, single, CHROMIUM)
        assert _pages(pdf) == _pages(single)  # same print settings as --print-to-pdf
    assert _pages(htmls[1].with_suffix(".pdf")) > _pages(htmls[2].with_suffix(".pdf"))
    for folder in (tmp_path / "pmg", tmp_path / "tib"):
        assert _temp_files(folder) == []


@needs_chromium
def test_two_threads_share_one_browser_and_it_keeps_nothing_of_printed_files(tmp_path):
    """Two tabs print side by side over one DevTools pipe; once the files are printed, no answer or
    event of theirs is left behind (a run prints a thousand reports)."""
    htmls = [_report(tmp_path / str(i), rows=60 + 40 * i) for i in range(6)]
    with tempfile.TemporaryDirectory() as profile, _DevToolsPipe(CHROMIUM, profile) as browser:
        found = {}

        def print_some(some):
            for html in some:
                found[html] = _print_one(browser, html, html.with_suffix(".pdf"), 60)

        threads = [threading.Thread(target=print_some, args=(htmls[i::2],)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert found == {html: None for html in htmls}
        assert browser.answers == {} and browser.events == []
    assert [_pages(h.with_suffix(".pdf")) for h in htmls] == sorted(_pages(h.with_suffix(".pdf")) for h in htmls)


@needs_chromium
def test_a_chromium_that_dies_while_two_tabs_print_fails_the_rest_without_hanging(tmp_path, monkeypatch):
    htmls = [_report(tmp_path / str(i), rows=400) for i in range(5)]
    printed = []

    def print_then_kill(browser, html_path, pdf_path, timeout):
        result = _print_one(browser, html_path, pdf_path, timeout)
        printed.append(result)
        if len(printed) == 1:
            browser.process.kill()  # both tabs' next answers never come
        return result

    monkeypatch.setattr(pdf_module, "_print_one", print_then_kill)
    both = threading.Event()
    both.set()
    results = htmls_to_pdfs([(h, h.with_suffix(".pdf")) for h in htmls], CHROMIUM, timeout=60, second_tab=both)
    assert set(results) == {h.with_suffix(".pdf") for h in htmls}
    failed = [why for why in results.values() if why is not None]
    assert len(failed) >= 3 and all(why.startswith("chromium wrote no PDF") for why in failed)
    assert all(not h.with_suffix(".pdf").exists() for h in htmls if results[h.with_suffix(".pdf")])


def _page_texts(pdf: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(pdf).pages]


@needs_chromium
def test_the_researcher_banner_is_printed_on_every_page_and_a_stakeholder_page_has_none(tmp_path):
    rows = [[str(i), f"{i / 7:.1f}".replace(".", ",")] for i in range(400)]
    body = render_html([Paragraph("Inleiding."), Table(["Interventie", "M"], rows, "Tabel 3 Lang")])
    pairs = []
    for name, banner in (("rapport_onderzoekers", "VERTROUWELIJK – onderzoekerseditie"), ("rapport", None)):
        html = tmp_path / f"{name}.html"
        html.write_text(page("PMG 2023", body, banner=banner), encoding="utf-8")
        pairs.append((html, tmp_path / f"{name}.pdf"))

    assert set(htmls_to_pdfs(pairs, CHROMIUM).values()) == {None}

    researcher, stakeholder = (_page_texts(pdf) for _, pdf in pairs)
    assert len(researcher) > 3 and len(stakeholder) > 3  # the table runs over several pages
    assert all(text.startswith("VERTROUWELIJK – onderzoekerseditie") for text in researcher)
    assert not any("VERTROUWELIJK" in text for text in stakeholder)
    assert "399" in researcher[-1] and "399" in stakeholder[-1]  # nothing is cut off


@needs_chromium
def test_background_printer_prints_what_is_submitted_while_it_runs(tmp_path, monkeypatch):
    """Reports submit their PDFs year by year; one chromium prints every submitted batch; a file that
    cannot be printed gets the reason in its output and leaves no stale PDF; the rest are printed."""
    starts = tmp_path / "starts"
    counting = _fake_chromium(tmp_path, f'echo start >> "{starts}"\nexec "{CHROMIUM}" "$@"\n')
    monkeypatch.setattr(editions, "find_chromium", lambda: counting)
    outputs = []
    for year in (2022, 2023):
        html = _report(tmp_path / str(year), rows=120)
        outputs.append({PENDING: [("rapport.pdf", html, html.with_suffix(".pdf"))]})
    gone = tmp_path / "2024" / "rapport.html"
    stale = gone.with_suffix(".pdf")
    stale.parent.mkdir()
    stale.write_bytes(b"%PDF- of an older run")
    outputs.append({PENDING: [("rapport.pdf", gone, stale)]})

    with BackgroundPrinter() as printer:
        printer.submit(outputs[:2])  # one year's reports, then the caller goes on writing HTML
        printer.submit(outputs[2:])

    assert starts.read_text().splitlines() == ["start"]  # one chromium for every batch
    assert [o["rapport.pdf"] for o in outputs[:2]] == [tmp_path / "2022" / "rapport.pdf",
                                                     tmp_path / "2023" / "rapport.pdf"]
    assert all(_pages(o["rapport.pdf"]) >= 2 and PENDING not in o for o in outputs[:2])
    assert outputs[2]["rapport.pdf"].startswith("niet gemaakt: chromium gaf een fout")
    assert not stale.exists()


@needs_chromium
def test_what_is_left_when_the_caller_waits_is_shared_with_a_second_tab(tmp_path, monkeypatch):
    starts = tmp_path / "starts"
    counting = _fake_chromium(tmp_path, f'echo start >> "{starts}"\nexec "{CHROMIUM}" "$@"\n')
    monkeypatch.setattr(editions, "find_chromium", lambda: counting)
    outputs = []
    for year in range(2016, 2016 + SECOND_TAB_FROM + 2):
        html = _report(tmp_path / str(year), rows=40)
        outputs.append({PENDING: [("rapport.pdf", html, html.with_suffix(".pdf"))]})
    tabs = []
    opened = _DevToolsPipe.open_tab

    def open_tab(self, timeout):
        tabs.append(threading.current_thread().name)
        return opened(self, timeout)

    monkeypatch.setattr(_DevToolsPipe, "open_tab", open_tab)
    print_pdfs(outputs)   # everything submitted at once, then waited for
    assert starts.read_text().splitlines() == ["start"]   # one chromium
    assert len(tabs) == len(outputs) and len(set(tabs)) == 2   # a tab at a time, from two threads
    assert all(_pages(o["rapport.pdf"]) >= 1 for o in outputs)


def test_background_printer_without_chromium_says_so_and_prints_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(editions, "find_chromium", lambda: None)
    html = _report(tmp_path)
    out = {PENDING: [("rapport.pdf", html, html.with_suffix(".pdf"))]}
    with BackgroundPrinter() as printer:
        printer.submit([out])
    assert out["rapport.pdf"] == text("nl", "pdf_no_chromium")
    assert not html.with_suffix(".pdf").exists()
