"""Nothing lost, nothing half-written: SIGKILL the whole materialisation at random moments, run
again, and the marts are identical to an uninterrupted run's; no report is ever half a file."""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from tests.conftest import ROOT

KILLS = 3
SEED = 20231  # fixed: a failure can be replayed; the moments still spread over the run's stages


def marts(path: Path) -> dict:
    conn = duckdb.connect(str(path), read_only=True)
    try:
        names = [t for t, in conn.sql("SELECT table_name FROM information_schema.tables "
                                      "WHERE table_schema = 'marts' ORDER BY 1").fetchall()]
        return {t: conn.sql(f"SELECT * FROM marts.{t}").fetchall() for t in names}
    finally:
        conn.close()


def start(folder: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "tests.materialize_subprocess", str(folder)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_killed_runs_then_a_rerun_give_the_marts_of_an_uninterrupted_run(full_run, tmp_path):
    _, reference = full_run
    rng = random.Random(SEED)
    # A run's length depends on the machine and its load (a rerun on unchanged files is shorter):
    # a run that finishes before its moment makes the next moments earlier.
    latest, killed, attempts = 14.0, 0, 0
    while killed < KILLS and attempts < 3 * KILLS:
        attempts += 1
        process = start(tmp_path)
        time.sleep(rng.uniform(latest / 4, latest))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            killed += 1
        else:
            latest *= 0.7
        process.wait(timeout=120)
    assert killed >= 1, "every run finished before its kill: the test proved nothing"

    finish = start(tmp_path)
    assert finish.wait(timeout=300) == 0
    assert marts(tmp_path / "warehouse.duckdb") == marts(reference / "warehouse.duckdb")
    for report in (tmp_path / "reports").rglob("*.html"):
        assert report.read_text(encoding="utf-8").rstrip().endswith("</html>") or "validatie" in report.parts
