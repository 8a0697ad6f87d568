"""Debian's headless chromium for the tests that open the HTML reports as a reader's browser does.

Why no D-Bus: at start-up chromium asks the session bus whether accessibility is on. Where a bus
exists but cannot start that service (a desktop without at-spi, WSL, a CI container with a bus)
the call waits for D-Bus's 25 s timeout; an unusable bus address makes it fail at once."""

import os
import shutil
import subprocess
import tempfile

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
NO_DBUS = "disabled:"  # not an address libdbus or GDBus can connect to: every bus call fails at once


def find_chromium() -> str | None:
    """/usr/bin/chromium, else chromium (or chromium-browser) on PATH, else None."""
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser")


def run_chromium(chromium: str, args: list[str], timeout: int = 120) -> subprocess.CompletedProcess:
    """Run headless chromium with a throw-away profile and HOME, and no D-Bus."""
    # ignore_cleanup_errors: helpers of a chromium that was killed may still write to the profile
    with tempfile.TemporaryDirectory(prefix="mhm-chromium-", ignore_cleanup_errors=True) as profile:
        env = {**os.environ, "HOME": profile, "DBUS_SESSION_BUS_ADDRESS": NO_DBUS,
               "DBUS_SYSTEM_BUS_ADDRESS": NO_DBUS}
        return subprocess.run([chromium, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                              text=True, timeout=timeout, check=False, env=env)
