"""A PDF of an HTML report, printed by Debian's headless chromium when it is installed.

No Python HTML-to-PDF library renders this report's CSS (sticky banner repeated per page via a
table header, print colours) as faithfully as the browser the readers use, and chromium is one
`apt-get install chromium` away (the Makefile's `test` target tries it). Without chromium the
report is still complete as HTML; the caller records why there is no PDF.

Why chromium gets no D-Bus: at start-up it asks the session bus whether accessibility is on
(org.a11y.Bus). Where a session bus exists but cannot start that service (a desktop without
at-spi, WSL, a CI container with a bus) the call waits for D-Bus's default 25 s timeout, so a
tiny report took about 25 s instead of about 2 s. No chromium flag skips that call
(--headless=new/old, --disable-extensions, --no-zygote, --single-process, --disable-features=...
all measured: still 25 s); an unusable bus address makes it fail at once. Printing needs no D-Bus.

`htmls_to_pdfs` prints several files in one chromium (the DevTools protocol over
--remote-debugging-pipe, standard library only), paying the ~1-2 s start-up once instead of per PDF.
"""

import base64
import fcntl
import itertools
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BROWSER_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
# Print switches are headless *commands*: with one, chromium runs the command on its first page and
# then tears the pages down, so the DevTools pipe (`htmls_to_pdfs`) must not get them.
CHROMIUM_FLAGS = [*BROWSER_FLAGS, "--no-pdf-header-footer", "--print-to-pdf-no-header"]
TIMEOUT_SECONDS = 120
NO_DBUS = "disabled:"  # not an address libdbus or GDBus can connect to: every bus call fails at once
# Page.printToPDF with what `--print-to-pdf --no-pdf-header-footer` uses, so both give the same PDF.
PRINT_PARAMS = {"printBackground": True, "preferCSSPageSize": True, "displayHeaderFooter": False}


def find_chromium() -> str | None:
    """/usr/bin/chromium, else chromium (or chromium-browser) on PATH, else None."""
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser")


def chromium_env(profile: str) -> dict:
    """The environment chromium runs in: HOME in its throw-away profile, and no D-Bus (see above)."""
    return {**os.environ, "HOME": profile,
            "DBUS_SESSION_BUS_ADDRESS": NO_DBUS, "DBUS_SYSTEM_BUS_ADDRESS": NO_DBUS}


def _profile() -> tempfile.TemporaryDirectory:
    """A throw-away chromium profile. Removed as well as it can be: a chromium that was killed leaves
    helper processes that still write to it for a moment, and a PDF must not fail on its cleanup."""
    return tempfile.TemporaryDirectory(prefix="mhm-chromium-", ignore_cleanup_errors=True)


def run_chromium(chromium: str, args: list[str], timeout: int = TIMEOUT_SECONDS) -> subprocess.CompletedProcess:
    """Run headless chromium with its own throw-away profile (parallel runs do not share a lock)."""
    with _profile() as profile:
        return subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=timeout, check=False,
                              env=chromium_env(profile))


def _is_pdf(path) -> bool:
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        return False
    with open(path, "rb") as f:
        return f.read(5) == b"%PDF-"


def _temp_beside(pdf_path: Path) -> str:
    fd, tmp = tempfile.mkstemp(dir=pdf_path.parent, prefix=f".{pdf_path.name}.", suffix=".tmp")
    os.close(fd)
    return tmp


def _publish(tmp: str, pdf_path: Path) -> None:
    os.chmod(tmp, 0o644)
    os.replace(tmp, pdf_path)


def html_to_pdf(html_path: Path, pdf_path: Path, chromium: str) -> None:
    """Print `html_path` to `pdf_path`, atomically: a reader never sees half a PDF. Raises on failure."""
    pdf_path = Path(pdf_path)
    tmp = _temp_beside(pdf_path)
    try:
        done = run_chromium(chromium, [f"--print-to-pdf={tmp}", Path(html_path).resolve().as_uri()])
        if not _is_pdf(tmp):
            last = (done.stderr or "").strip().splitlines()[-1:] or [f"exit code {done.returncode}"]
            raise RuntimeError(f"chromium wrote no PDF: {last[0][:200]}")
        _publish(tmp, pdf_path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def htmls_to_pdfs(pairs, chromium: str, timeout: int = TIMEOUT_SECONDS,
                  second_tab: threading.Event | None = None) -> dict[Path, str | None]:
    """Print every (html_path, pdf_path) of `pairs` (any iterable, also a queue still being filled)
    in ONE headless chromium, each PDF atomically as `html_to_pdf` does, each file in a tab of its
    own (a tab kept for ten years' long reports grew by over a gigabyte; a closed one gives its
    memory back). Once `second_tab` is set, two tabs print side by side: the caller sets it when it
    has stopped using its core. Returns {pdf_path: None if written, else why not}; one file's
    failure (a missing HTML, a page that does not load within `timeout` seconds) does not stop the
    others; a chromium that does not start, dies or stops answering gives every file not yet
    written that reason. The reasons read as `html_to_pdf`'s RuntimeError does ("chromium wrote
    no PDF: ...")."""
    results: dict[Path, str | None] = {}
    pairs = iter(pairs)  # may be fed while printing (a queue): chromium starts with the first file
    first = next(pairs, None)
    if first is None:
        return results
    files, taking = itertools.chain([first], pairs), threading.Lock()

    def work() -> None:
        while True:
            with taking:  # one file to each tab, as they come
                pair = next(files, None)
            if pair is None:
                return
            results[Path(pair[1])] = _print_one(browser, Path(pair[0]), Path(pair[1]), timeout)

    with _profile() as profile, _DevToolsPipe(chromium, profile) as browser:
        helper = None
        if second_tab is not None:
            def second() -> None:
                second_tab.wait()
                work()

            helper = threading.Thread(target=second, name="pdf-tab", daemon=True)
            helper.start()
        try:
            work()
        finally:
            if helper is not None:
                second_tab.set()  # a helper still waiting finds nothing left
                helper.join()
    return results


def _print_one(browser: "_DevToolsPipe", html_path: Path, pdf_path: Path, timeout: float) -> str | None:
    """Print one file in a fresh tab: None when written, else why not."""
    if browser.dead:
        return f"chromium wrote no PDF: {browser.dead}"
    tab = None
    try:
        tab = browser.open_tab(timeout)
        data = browser.print_page(tab[1], html_path.resolve().as_uri(), timeout)
        if data[:5] != b"%PDF-":
            raise RuntimeError("not a PDF")
    except Exception as error:  # noqa: BLE001 - reported per file, the next file is still printed
        why = f"not printed within {timeout} s" if isinstance(error, TimeoutError) else str(error)
        return f"chromium wrote no PDF: {why[:200]}"
    finally:
        if tab is not None:
            if not browser.dead:
                browser.close_tab(tab[0])
            browser.forget_events(tab[1], closed=True)  # a thousand reports' events would pile up otherwise
    tmp = _temp_beside(pdf_path)
    try:
        Path(tmp).write_bytes(data)
        _publish(tmp, pdf_path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return None


_EXEC_WITH_FDS_3_AND_4 = ("import os, signal, sys\n"
                          "signal.signal(signal.SIGPIPE, signal.SIG_DFL)\n"  # as subprocess would leave it
                          "signal.signal(signal.SIGXFSZ, signal.SIG_DFL)\n"
                          "a, b = int(sys.argv[1]), int(sys.argv[2])\n"
                          "os.dup2(a, 3); os.dup2(b, 4); os.close(a); os.close(b)\n"
                          "os.execv(sys.argv[3], sys.argv[3:])\n")


class _DevToolsPipe:
    """Headless chromium driven over --remote-debugging-pipe: JSON messages, each ended by a NUL
    byte; chromium reads commands on its fd 3 and writes answers and events on its fd 4."""

    def __init__(self, chromium: str, profile: str):
        self.chromium, self.profile = chromium, profile
        self.next_id, self.buffer, self.events, self.dead = 0, b"", [], None
        # Tabs may be driven from two threads: one writes at a time, and whichever thread waits
        # reads the next message for all, keeping answers (by id) and events for their waiters.
        self.answers: dict[int, dict] = {}
        self.abandoned: set[int] = set()  # ids of calls that timed out: their answers are dropped
        self.closed: set[str | None] = {None}  # sessions whose events are dropped (None: the browser's)
        self.writing, self.arrived, self.reading = threading.Lock(), threading.Condition(), False

    def __enter__(self):
        # Our ends stay here; chromium's ends are moved to fds 3 and 4 by a tiny Python that then
        # execs chromium (first to fds >= 10, so that neither dup2 overwrites the other). Not
        # preexec_fn, which is unsafe with threads; not `sh`, whose redirections take fds 0-9 only.
        cmd_read, cmd_write = os.pipe()
        out_read, out_write = os.pipe()
        child_in = fcntl.fcntl(cmd_read, fcntl.F_DUPFD_CLOEXEC, 10)
        child_out = fcntl.fcntl(out_write, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(cmd_read)
        os.close(out_write)
        self.stderr = tempfile.TemporaryFile()
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", _EXEC_WITH_FDS_3_AND_4, str(child_in), str(child_out),
                 self.chromium, *BROWSER_FLAGS, f"--user-data-dir={self.profile}", "--remote-debugging-pipe",
                 "about:blank"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self.stderr,
                pass_fds=(child_in, child_out), env=chromium_env(self.profile))
        except BaseException:
            for fd in (child_in, child_out, cmd_write, out_read):
                os.close(fd)
            self.stderr.close()
            raise
        os.close(child_in)
        os.close(child_out)
        self.to_chromium, self.from_chromium = cmd_write, out_read
        return self

    def __exit__(self, *exc):
        try:
            if self.dead is None:
                self.send("Browser.close")  # no wait for the answer: the exit below is the answer
        except RuntimeError:
            pass  # already gone
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        finally:
            os.close(self.to_chromium)
            os.close(self.from_chromium)
            self.stderr.close()

    def _last_stderr_line(self) -> str:
        self.stderr.seek(0)
        lines = self.stderr.read().decode("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines else f"exit code {self.process.poll()}"

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        with self.writing:
            self.next_id += 1
            sent = self.next_id
            message = {"id": sent, "method": method, "params": params or {}}
            if session:
                message["sessionId"] = session
            data = json.dumps(message).encode() + b"\0"
            try:
                while data:
                    data = data[os.write(self.to_chromium, data):]
            except BrokenPipeError:
                self._gone()
        return sent

    def _gone(self):
        """Chromium closed the pipe: it exited (or is about to); its last words are the reason."""
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.dead = self._last_stderr_line()
        raise RuntimeError(self.dead)

    def _read_message(self, deadline: float) -> dict:
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.from_chromium], [], [], left)[0]:
                raise TimeoutError("timed out")  # messages are whole or still in self.buffer: usable
            chunk = os.read(self.from_chromium, 1 << 20)
            if not chunk:
                self._gone()
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def _wait(self, found, deadline: float):
        """What `found()` finds among the answers and events read so far, reading on until it does."""
        while True:
            with self.arrived:
                while True:
                    hit = found()
                    if hit is not None:
                        return hit
                    if self.dead is not None:
                        raise RuntimeError(self.dead)
                    if not self.reading:
                        self.reading = True  # this thread reads the next message, for everyone
                        break
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise TimeoutError("timed out")
                    self.arrived.wait(left)
            try:
                message = self._read_message(deadline)
            finally:
                with self.arrived:
                    self.reading = False
                    self.arrived.notify_all()
            with self.arrived:
                if "id" in message:
                    if message["id"] not in self.abandoned:  # a late answer (a PDF: megabytes) goes
                        self.answers[message["id"]] = message
                elif message.get("sessionId") not in self.closed:  # a tab's event: the browser's
                    self.events.append(message)                     # own are never waited for

    def call(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float = TIMEOUT_SECONDS) -> dict:
        """Send a command and return its result; events that arrive meanwhile are kept for `wait_for`."""
        sent, deadline = self.send(method, params, session), time.monotonic() + timeout
        try:
            message = self._wait(lambda: self.answers.pop(sent, None), deadline)
        except TimeoutError:
            with self.arrived:
                self.abandoned.add(sent)
            raise
        if "error" in message:
            raise RuntimeError(f"{method}: {message['error'].get('message', message['error'])}")
        return message.get("result", {})

    def wait_for(self, event: str, session: str, deadline: float) -> dict:
        def found():
            for i, message in enumerate(self.events):
                if message.get("method") == event and message.get("sessionId") == session:
                    return self.events.pop(i)
            return None

        return self._wait(found, deadline)

    def forget_events(self, session: str, closed: bool = False) -> None:
        """Drop the session's events so far, and with `closed` those still to come (a closed tab's last words)."""
        with self.arrived:
            self.events = [m for m in self.events if m.get("sessionId") != session]
            if closed:
                self.closed.add(session)

    def open_tab(self, timeout: float) -> tuple[str, str]:
        """A new tab: (target id, id of the session that drives it)."""
        try:
            target = self.call("Target.createTarget", {"url": "about:blank"}, timeout=timeout)["targetId"]
            session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True},
                                timeout=timeout)["sessionId"]
            self.call("Page.enable", session=session, timeout=timeout)
        except TimeoutError:  # a blank tab that does not answer: so will the next one
            self.kill("stopped answering")
            raise
        return target, session

    def close_tab(self, target: str) -> None:
        try:
            self.call("Target.closeTarget", {"targetId": target}, timeout=10)
        except TimeoutError:
            self.kill("stopped answering")
        except RuntimeError:
            pass  # already gone (a crashed page) or chromium is: self.dead says which

    def kill(self, why: str) -> None:
        self.process.kill()
        self.dead = why

    def print_page(self, session: str, url: str, timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        self.forget_events(session)  # nothing of an earlier page may count as this page's load
        navigated = self.call("Page.navigate", {"url": url}, session, timeout)
        if navigated.get("errorText"):
            raise RuntimeError(f"{navigated['errorText']} ({url})")
        self.wait_for("Page.loadEventFired", session, deadline)
        printed = self.call("Page.printToPDF", PRINT_PARAMS, session, max(deadline - time.monotonic(), 0.001))
        return base64.b64decode(printed["data"])
