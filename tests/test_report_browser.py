"""Every HTML report in a real headless browser (Debian's chromium): it renders, every image is an
embedded data: URI that decodes (no broken image, nothing fetched from the network), and a
screenshot of each is saved under test-artifacts/browser/ for a person to look at."""

import base64
import re
import subprocess
from html.parser import HTMLParser

import pytest

from tests.chromium import find_chromium, run_chromium
from tests.conftest import ROOT

ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (/usr/bin/chromium or on PATH): `make test` installs it "
                             "with apt-get where it can, or run `apt-get install chromium`")
REPORTS = [(p, y, f) for p, y in (("pmg", 2023), ("terug_in_balans", 2024))
           for f in ("rapport.html", "rapport_onderzoekers.html")]


class Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images, self.urls, self.tags = [], [], 0

    def handle_starttag(self, tag, attrs):
        self.tags += 1
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs.get("src") or "")
        for name in ("src", "href", "action", "poster", "data"):
            if attrs.get(name):
                self.urls.append(attrs[name])


@pytest.mark.parametrize("programme, year, filename", REPORTS)
def test_report_renders_in_chromium(full_run, programme, year, filename):
    _, tmp = full_run
    page = tmp / "reports" / programme / str(year) / filename
    assert page.exists()
    html = page.read_text(encoding="utf-8")
    # The page itself forbids any fetch; the DOM check below shows nothing would need one.
    assert "default-src 'none'; img-src data:" in html

    try:
        dumped = run_chromium(CHROMIUM, ["--dump-dom", page.as_uri()])
    except subprocess.TimeoutExpired:
        pytest.fail(f"chromium did not render {page} within 120 s")
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    dom = Dom()
    dom.feed(dumped.stdout)
    assert dom.tags > 50 and "</main>" in dumped.stdout  # the whole page, not an error page
    assert dom.images, "a report without its charts"
    for src in dom.images:
        match = re.fullmatch(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", src)
        assert match, f"chart not embedded as an SVG data: URI: {src[:80]}"
        svg = base64.b64decode(match.group(1)).decode()
        assert "<svg" in svg and svg.rstrip().endswith("</svg>"), "broken chart"
        assert "<text" not in svg, "text left to the reader's fonts"
    assert all(u.startswith("data:") or u.startswith("#") for u in dom.urls), \
        [u[:80] for u in dom.urls if not u.startswith("data:")]

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"{programme}_{year}_{filename.removesuffix('.html')}.png"
    shot.unlink(missing_ok=True)
    done = run_chromium(CHROMIUM, ["--hide-scrollbars", "--window-size=1280,2400", f"--screenshot={shot}",
                                   page.as_uri()])
    assert shot.exists() and shot.stat().st_size > 10_000, done.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
