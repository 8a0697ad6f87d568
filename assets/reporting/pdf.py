"""A PDF of an HTML report, printed by Debian's headless chromium when it is installed.

No Python HTML-to-PDF library renders this report's CSS (sticky banner repeated per page via a
table header, print colours) as faithfully as the browser the readers use, and chromium is one
`apt-get install chromium` away (the Makefile's `test` target tries it). Without chromium the
report is still complete as HTML; the caller records why there is no PDF.
"""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--disable-dev-shm-usage", "--no-pdf-header-footer", "--print-to-pdf-no-header"]
TIMEOUT_SECONDS = 120


def find_chromium() -> str | None:
    """/usr/bin/chromium, else chromium (or chromium-browser) on PATH, else None."""
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser")


def run_chromium(chromium: str, args: list[str], timeout: int = TIMEOUT_SECONDS) -> subprocess.CompletedProcess:
    """Run headless chromium with its own throw-away profile (parallel runs do not share a lock)."""
    with tempfile.TemporaryDirectory(prefix="mhm-chromium-") as profile:
        return subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=timeout, check=False,
                              env={**os.environ, "HOME": profile})


def html_to_pdf(html_path: Path, pdf_path: Path, chromium: str) -> None:
    """Print `html_path` to `pdf_path`, atomically: a reader never sees half a PDF. Raises on failure."""
    pdf_path = Path(pdf_path)
    fd, tmp = tempfile.mkstemp(dir=pdf_path.parent, prefix=f".{pdf_path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        done = run_chromium(chromium, [f"--print-to-pdf={tmp}", Path(html_path).resolve().as_uri()])
        if not Path(tmp).exists() or Path(tmp).stat().st_size == 0 or not Path(tmp).read_bytes()[:5] == b"%PDF-":
            last = (done.stderr or "").strip().splitlines()[-1:] or [f"exit code {done.returncode}"]
            raise RuntimeError(f"chromium wrote no PDF: {last[0][:200]}")
        os.chmod(tmp, 0o644)
        os.replace(tmp, pdf_path)
    finally:
        Path(tmp).unlink(missing_ok=True)
