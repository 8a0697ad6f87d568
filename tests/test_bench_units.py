"""Unit tests of the benchmark's parts (bench/), on crafted inputs: what the tiny run of
tests/test_bench_smoke.py cannot tell apart. The agreement must notice every differing, missing or
extra row of every mart; the ratios and memory bench/run.py prints must be what they say, its phases
run what they say; the generator's exports must be of the size asked, in the formats and codebooks
the pipeline reads."""

from __future__ import annotations

import io
import math
import os
import re
import resource
import signal
import subprocess
import sys
import threading

import duckdb
import pandas as pd
import polars as pl
import pytest
import yaml

from bench.agreement import MARTS, _same, compare

# --- bench/agreement.py ---------------------------------------------------------------------------

# One row per key of each mart as the warehouse holds it: (column, SQL type, value); two years
# (the script's), the theme's jdr_category NULL (outside Diagnose), the rating an integer.
ROWS = {
    "pmg_mental_health": [("organisation", "VARCHAR", "UMCG"), ("intervention", "VARCHAR", "Wandelcoaching"),
                          ("wave", "VARCHAR", "T0"), ("n", "INTEGER", 12), ("mean", "DOUBLE", 6.75),
                          ("min", "DOUBLE", 4.5), ("max", "DOUBLE", 9.0)],
    "pmg_intervention_rating": [("organisation", "VARCHAR", "RUG"), ("intervention", "VARCHAR", "Slaapcoaching"),
                                ("n", "INTEGER", 8), ("mean", "DOUBLE", 7.25), ("min", "DOUBLE", 5.0),
                                ("max", "DOUBLE", 10.0)],
    "pmg_theme_mentions": [("organisation", "VARCHAR", "UMCG"), ("intervention", "VARCHAR", "Wandelcoaching"),
                           ("wave", "VARCHAR", "T1"), ("section", "VARCHAR", "Evaluatie"),
                           ("igloo_level", "VARCHAR", "Individu"), ("jdr_category", "VARCHAR", None),
                           ("theme", "VARCHAR", "Tevredenheid"), ("n_participants", "INTEGER", 5),
                           ("n_groups", "INTEGER", 2)],
    "pmg_response_counts": [("organisation", "VARCHAR", "UMCG"), ("intervention", "VARCHAR", "Wandelcoaching"),
                            ("group_label", "VARCHAR", "Wandelcoaching 1"), ("n_t0", "INTEGER", 6),
                            ("n_t1", "INTEGER", 5), ("n_questionnaire_t0", "INTEGER", 20),
                            ("n_questionnaire_t1", "INTEGER", 17)],
    "tib_return_to_work": [("outcome", "VARCHAR", "own_employer"), ("n", "INTEGER", 24), ("pct", "DOUBLE", 80.0)],
    "tib_relapse": [("answer", "VARCHAR", "no"), ("n", "INTEGER", 28), ("pct", "DOUBLE", 93.3)],
    "tib_skills": [("skill", "VARCHAR", "Grenzen bewaken"), ("n_strengthened", "INTEGER", 21),
                   ("n_still_applied", "INTEGER", 19), ("pct_strengthened", "DOUBLE", 70.0),
                   ("pct_still_applied", "DOUBLE", 63.3)],
    "tib_factor_ratings": [("factor", "VARCHAR", "Buiten zijn"), ("rating", "INTEGER", 4), ("n", "INTEGER", 9),
                           ("pct", "DOUBLE", 30.0)],
}
YEARS = (2023, 2024)
# the pandas script's column names where they are not ours (bench/pandas_baseline.py)
THEIR_NAMES = {"n_t0": "n_T0", "n_t1": "n_T1", "n_questionnaire_t0": "n_questionnaire_T0",
               "n_questionnaire_t1": "n_questionnaire_T1",
               "outcome": "Ben je tijdens of na het traject teruggekeerd naar werk?",
               "answer": "Ben je sinds het afronden van het traject nog uitgevallen door psychische klachten?"}


def _warehouse(path, marts=ROWS, later_year=True):
    with duckdb.connect(str(path)) as conn:
        conn.execute("CREATE SCHEMA marts")
        for name, cells in marts.items():
            columns = ", ".join(f"{c} {t}" for c, t, _ in cells)
            conn.execute(f"CREATE TABLE marts.{name} (year INTEGER, {columns})")
            for year in YEARS + ((2025,) if later_year else ()):
                conn.execute(f"INSERT INTO marts.{name} VALUES (?{', ?' * len(cells)})",
                             [year, *(v for _, _, v in cells)])
    return path


def _theirs(name, changes=None):
    """The script's frame of one mart for YEARS, as pandas_baseline builds it (its own column names and
    order, the year last, a rating as a float, a NULL as NaN); `changes`: {column: value} in YEARS[-1]."""
    rows = []
    for year in YEARS:
        row = {THEIR_NAMES.get(c, c): float(v) if c == "rating" else math.nan if v is None else v
               for c, _, v in ROWS[name]}
        if year == YEARS[-1]:
            row.update({THEIR_NAMES.get(c, c): v for c, v in (changes or {}).items()})
        rows.append({**row, "year": year})
    return pd.DataFrame(rows)


def _counts(compared=0, differ=0, missing=0, extra=0):
    return {"compared": compared, "differ": differ, "missing": missing, "extra": extra}


def test_the_crafted_marts_are_every_mart_compared():
    assert set(ROWS) == set(MARTS)
    for name, (keys, values, _) in MARTS.items():
        assert {c for c, _, _ in ROWS[name]} == set(keys + values) - {"year"}, name


def test_agreement_of_equal_marts_compares_every_row_of_the_scripts_years(tmp_path):
    warehouse = _warehouse(tmp_path / "w.duckdb")
    assert compare(warehouse, {name: _theirs(name) for name in ROWS}) == {name: _counts(2) for name in ROWS}


@pytest.mark.parametrize("name, column", [(name, c) for name, (_, values, _) in MARTS.items() for c in values])
def test_agreement_notices_a_difference_in_every_value_compared(tmp_path, name, column):
    warehouse = _warehouse(tmp_path / "w.duckdb")
    ours = next(v for c, _, v in ROWS[name] if c == column)
    assert compare(warehouse, {name: _theirs(name, {column: ours + 1})}) == {name: _counts(2, differ=1)}
    # a value one side has and the other has not (NaN) differs too; a millionth is no rounding
    assert compare(warehouse, {name: _theirs(name, {column: math.nan})}) == {name: _counts(2, differ=1)}
    assert compare(warehouse, {name: _theirs(name, {column: ours + 1e-6})}) == {name: _counts(2, differ=1)}


@pytest.mark.parametrize("name, column", [(name, c) for name, (keys, _, _) in MARTS.items() for c in keys
                                          if c != "year"])
def test_agreement_notices_a_row_of_another_key_as_missing_and_extra(tmp_path, name, column):
    warehouse = _warehouse(tmp_path / "w.duckdb")
    other = 5.0 if column == "rating" else "another"
    assert compare(warehouse, {name: _theirs(name, {column: other})}) == {name: _counts(1, missing=1, extra=1)}


def test_agreement_joins_null_keys_and_a_float_rating(tmp_path):
    """The theme's NULL jdr_category and the rating 4 (pandas: 4.0) join their rows; were they not,
    both rows of each would be missing and extra."""
    warehouse = _warehouse(tmp_path / "w.duckdb")
    marts = {"pmg_theme_mentions": _theirs("pmg_theme_mentions"), "tib_factor_ratings": _theirs("tib_factor_ratings")}
    assert compare(warehouse, marts) == {name: _counts(2) for name in marts}


def test_agreement_counts_a_row_only_ours_once_something_was_counted(tmp_path):
    """A row only in the warehouse is extra if any of its counts is not 0 (the marts list every scale
    point, also one nobody gave, which the script has no row for)."""
    cells = ROWS["pmg_response_counts"]
    script = {"pmg_response_counts": _theirs("pmg_response_counts").iloc[:1]}  # 2023 only
    for n_t1, extra in ((0, 0), (1, 1)):
        crafted = [(c, (n_t1 if c == "n_t1" else 0) if c.startswith("n_") else "another" if c == "group_label" else v)
                   for c, _, v in cells]
        warehouse = _warehouse(tmp_path / f"w{n_t1}.duckdb", {"pmg_response_counts": cells})
        with duckdb.connect(str(warehouse)) as conn:
            conn.execute("INSERT INTO marts.pmg_response_counts BY NAME SELECT 2023 AS year, "
                         + ", ".join(f"? AS {c}" for c, _ in crafted), [v for _, v in crafted])
        assert compare(warehouse, script) == {"pmg_response_counts": _counts(1, extra=extra)}, n_t1


def test_agreement_skips_a_mart_the_script_has_no_rows_of(tmp_path):
    warehouse = _warehouse(tmp_path / "w.duckdb")
    empty = _theirs("tib_skills").iloc[:0]
    assert compare(warehouse, {"tib_skills": empty, "tib_relapse": _theirs("tib_relapse")}) == {
        "tib_relapse": _counts(2)}


def test_agreement_reports_a_scale_point_without_a_number_as_extra(tmp_path):
    """A rating NULL in the mart (a point such as "n.v.t.", which the script's scale map drops) is a
    row only ours, counted once someone gave it, not a crash of the comparison."""
    warehouse = _warehouse(tmp_path / "w.duckdb", {"tib_factor_ratings": ROWS["tib_factor_ratings"]})
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute("INSERT INTO marts.tib_factor_ratings VALUES (2023, 'Buiten zijn', NULL, 3, 10.0)")
    assert compare(warehouse, {"tib_factor_ratings": _theirs("tib_factor_ratings")}) == {
        "tib_factor_ratings": _counts(2, extra=1)}


def test_same_is_equal_to_a_billionth_and_nan_only_to_nan():
    ours = pd.Series([1.0, 1.0, math.nan, math.nan, 2.0])
    theirs = pd.Series([1.0 + 1e-10, 1.0 + 1e-7, math.nan, 2.0, math.nan])
    assert _same(ours, theirs).tolist() == [True, False, True, False, False]


# --- bench/run.py: memory ---------------------------------------------------------------------------

MiB = 1024 * 1024
# holds argv[1] MiB resident, and 256 MiB more mapped but never touched (virtual, not resident)
HOLD = ("import mmap, sys, time; b = b'x' * (int(sys.argv[1]) << 20); m = mmap.mmap(-1, 256 << 20); "
        "print('ready', flush=True); time.sleep(60)")


def _ps_rss(pid: int) -> int:
    """Resident bytes of one process as ps sees it (not through bench.run's own /proc reading)."""
    return 1024 * int(subprocess.run(["ps", "-o", "rss=", "-p", str(pid)], capture_output=True, text=True,
                                     check=True).stdout)


@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="reads /proc")
def test_tree_rss_is_the_resident_memory_of_every_process_below(tmp_path):
    """A child holding 64 MiB through a grandchild holding 96 MiB: the tree from the child is both
    (resident, not virtual, memory, in bytes), the tree from here includes them."""
    from bench.run import _children, tree_rss_bytes

    parent = f"import subprocess, sys; g = subprocess.Popen([sys.executable, '-c', {HOLD!r}, '96']); " \
             f"{HOLD.replace('sys.argv[1]', '64')}"
    child = subprocess.Popen([sys.executable, "-c", parent], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline() == "ready\n" and child.stdout.readline() == "ready\n"
        [grandchild] = _children(child.pid)
        expected = _ps_rss(child.pid) + _ps_rss(grandchild)
        assert expected > 160 * MiB
        assert abs(tree_rss_bytes(child.pid) - expected) < 8 * MiB
        assert abs(tree_rss_bytes(grandchild) - _ps_rss(grandchild)) < 4 * MiB
        assert tree_rss_bytes() - _ps_rss(os.getpid()) > expected - 8 * MiB
    finally:
        for pid in _children(child.pid):
            os.kill(pid, signal.SIGKILL)
        child.kill()
        child.wait()


def test_maxrss_is_the_largest_of_this_process_and_its_children_in_bytes():
    from bench.run import maxrss_bytes

    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    assert maxrss_bytes() >= own
    bigger = own // MiB + 64
    subprocess.run([sys.executable, "-c", HOLD.replace("time.sleep(60)", "pass"), str(bigger)], check=True,
                   capture_output=True)
    assert maxrss_bytes() >= bigger * MiB


def test_sampler_keeps_the_peak_since_reset_and_the_peak_overall(monkeypatch):
    import bench.run
    from bench.run import TreeSampler

    sampler = TreeSampler()
    readings = iter([100, 300, 200, 50, 150, 120])

    def reading(root=None):
        value = next(readings)
        if value in (200, 120):  # the last sample of each stretch
            sampler._stop.set()
        return value

    monkeypatch.setattr(bench.run, "tree_rss_bytes", reading)
    sampler._run()
    assert (sampler.peak, sampler.overall) == (300, 300)
    sampler._stop.clear()
    sampler.reset()  # reads 50
    assert sampler.peak == 50
    sampler._run()
    assert (sampler.peak, sampler.overall) == (150, 300)
    assert [rss for _, rss in sampler.samples] == [100, 300, 200, 150, 120]


def test_sampler_peak_between_and_cores_busy_between(monkeypatch):
    from bench.run import TreeSampler, steps_cores_busy

    sampler = TreeSampler()
    sampler.samples = [(1.0, 10), (2.0, 50), (3.0, 30), (4.0, 90), (5.0, 20)]
    assert sampler.peak_between(1.5, 3.0) == 50
    assert sampler.peak_between(2.5, 4.5) == 90
    assert sampler.peak_between(6.0, 7.0) == 0
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    # (time, busy, total) jiffies of all the cores: 30 of 100 busy between 2 and 4, 80 of 100 after
    sampler.cpu = [(1.0, 0, 0), (2.0, 10, 100), (3.0, 20, 150), (4.0, 40, 200), (5.0, 120, 300)]
    assert sampler.cores_busy_between(2.0, 4.0) == pytest.approx(4 * 30 / 100)
    assert sampler.cores_busy_between(3.5, 5.0) == pytest.approx(4 * 80 / 100)
    assert sampler.cores_busy_between(4.5, 5.0) is None  # one sample
    assert steps_cores_busy(sampler, {"step_windows": {"a": (3.0, 4.0), "b": (2.0, 2.5), "c": (2.2, 3.5)}}) \
        == pytest.approx(4 * 30 / 100)
    assert steps_cores_busy(sampler, {"step_windows": {}}) is None


def test_cpu_jiffies_counts_idle_and_iowait_as_not_busy(monkeypatch):
    import bench.run

    stat = "cpu  100 5 50 1000 40 3 2 7 0 0\ncpu0 50 2 25 500 20 1 1 3 0 0\n"
    monkeypatch.setattr(bench.run, "open", lambda path, *a, **k: io.StringIO(stat), raising=False)
    # user nice system idle iowait irq softirq steal: busy = all but idle and iowait
    assert bench.run.cpu_jiffies() == (100 + 5 + 50 + 3 + 2 + 7, 1207)


# --- bench/run.py: the report -----------------------------------------------------------------------

def _results() -> dict:
    """What run_benchmark gathers, with seconds chosen so every ratio is told apart from its inverse."""
    asset = "raw/pmg_questionnaire_cells"
    full = {"seconds": 40.0, "success": True, "n_checks": 12, "checks_failed": [], "failures": [],
            "steps": {"raw__pmg_questionnaire_cells": 6.0, "marts__pmg_mental_health": 2.0,
                      "charts__pmg_mental_health": 9.0, "reports__pmg_report": 3.0},
            "step_peaks": {"raw__pmg_questionnaire_cells": 300 * MiB, "charts__pmg_mental_health": 500 * MiB}}
    agreement = {"pmg_mental_health": _counts(10), "tib_relapse": _counts(4, differ=1, missing=2, extra=3)}
    return {"generate": {"seconds": 1.5, "years": [2016, 2017], "maxqda_format": "csv"}, "full": full,
            "pandas": {"seconds": 5.0, "agreement": agreement},
            "ingest": {asset: {"ours": {"seconds": 8.0, "steps": {"raw__pmg_questionnaire_cells": 6.0}},
                               "floor": {"seconds": 2.0, "reader": "duckdb read_csv", "rows": 1234, "files": 2},
                               "pair_ratios": [3.0, 2.5]}},
            "new_year": {"seconds": 10.0}, "new_year_after_one": {"seconds": 12.0},
            "last_year_alone": {"seconds": 15.0}, "tiny_year": {"seconds": 4.0},
            "peak_tree": 2048 * MiB, "peak_maxrss": 700 * MiB, "phase_peaks": {"full": 1024 * MiB, "pandas": 512 * MiB}}


REPORT_SIZE = dict(years=2, organisations=3, responses=60, segments=150, tib=30)


def _line(report: str, start: str) -> str:
    return next(line for line in report.splitlines() if line.startswith(start))


def test_report_ratios_are_ours_over_the_floor_and_over_pandas():
    from bench.run import format_report

    report = format_report(REPORT_SIZE, _results())
    assert _line(report, "(a) full run").split()[-2:] == ["5.00", "8.00x"]  # 40 s / 5 s
    # less the chart and report steps (9 + 3 s): 28 s, 5.60x pandas
    assert _line(report, "    (a) less its chart and report steps").split()[-3:] == ["28.0", "5.00", "5.60x"]
    assert _line(report, "(b) ingest raw/pmg_questionnaire_cells").split()[-3:] == ["8.00", "2.00", "4.00x"]
    assert _line(report, "      of which the asset step").split()[-2:] == ["6.00", "3.00x"]
    assert _line(report, "      median of 2 alternating runs").endswith("3.00x, 2.50x")
    assert _line(report, "(d) one new year partition").endswith("= 25% of (a)")
    assert _line(report, "    the same, onto 1 earlier year (not 2)").endswith("= 1.20x (d)")
    assert _line(report, "    one year alone, into a fresh warehouse").endswith("= 1.50x (d)")
    assert _line(report, "    a tiny year alone (3 organisations)").endswith("= 0.40x (d), 10% of (a)")


def test_report_sums_the_agreement_and_names_each_mart_that_disagrees():
    from bench.run import format_report

    results = _results()
    results["pandas"]["agreement"]["pmg_theme_mentions"] = _counts(7, extra=1)
    report = format_report(REPORT_SIZE, results)
    assert _line(report, "marts against the pandas script's") == (
        "marts against the pandas script's, row by row: 3 marts, 21 rows compared, 1 differ, 2 missing, "
        "4 only in ours; tib_relapse: 1 differ, 2 missing, 3 only in ours; "
        "pmg_theme_mentions: 0 differ, 0 missing, 1 only in ours")


def test_report_gives_the_peak_of_the_process_tree_and_the_slowest_steps():
    from bench.run import format_report

    report = format_report(REPORT_SIZE, _results())
    assert _line(report, "peak RSS, whole process tree") == (
        "peak RSS, whole process tree (sampled): 2,048 MiB; largest single process (ru_maxrss): 700 MiB")
    assert _line(report, "peak RSS per phase") == "peak RSS per phase (tree, sampled): full 1,024 MiB, pandas 512 MiB"
    slowest = report.split("where the time goes in (a), slowest steps:\n")[1].splitlines()[:5]
    assert [line.split() for line in slowest[:4]] == [["charts__pmg_mental_health", "9.00", "s", "45%"],
                                                      ["raw__pmg_questionnaire_cells", "6.00", "s", "30%"],
                                                      ["reports__pmg_report", "3.00", "s", "15%"],
                                                      ["marts__pmg_mental_health", "2.00", "s", "10%"]]
    assert slowest[4] == "  (sum of steps 20.0 s; the rest of (a) is Dagster and import overhead)"
    peaks = report.split("peak RSS of the process tree while each step ran (sampled), highest:\n")[1].splitlines()
    assert [line.split() for line in peaks] == [["charts__pmg_mental_health", "500", "MiB"],
                                                ["raw__pmg_questionnaire_cells", "300", "MiB"]]


def _phase(seconds: float, steps: dict | None = None, n_checks: int = 0, **more) -> dict:
    """What a stubbed phase returns: a successful run of `steps`, with `more` (its peak, its reader, ...)."""
    return {"seconds": seconds, "success": True, "steps": steps or {}, "failures": [], "checks_failed": [],
            "n_checks": n_checks, **more}


def test_benchmark_runs_each_phase_on_the_data_it_says_and_reports_the_peak_of_every_phase(tmp_path, monkeypatch):
    """run_benchmark with the generator and the phases stubbed: what each phase is given (data, year,
    warehouse, repeats, the new year's size) and that a child's own peak RSS counts in the tree's peak."""
    import bench.generate
    import bench.run

    generated, phases, sampled, samples = [], [], threading.Event(), []
    real_tree_rss = bench.run.tree_rss_bytes

    def tree_rss(root=None):
        if threading.current_thread() is not threading.main_thread():
            samples.append(root)
            if len(samples) == 2:  # the sampler thread has taken in its first sample
                sampled.set()
        return real_tree_rss(root)

    def generate(out, years, organisations, responses, segments, tib, first_year=2016, seed=0,
                 maxqda_format="auto", log=print):
        generated.append((out.name, years, organisations, responses, segments, tib, first_year, maxqda_format))
        for year in range(first_year, first_year + years):
            for programme in ("pmg", "terug_in_balans"):
                (out / programme / str(year)).mkdir(parents=True, exist_ok=True)
                (out / programme / str(year) / "export.csv").write_text(str(year))
        return {"years": list(range(first_year, first_year + years)), "seconds": 0.1,
                "maxqda_format": "csv" if maxqda_format == "auto" else maxqda_format}

    def run_phase(name, data_dir, work, arg, in_process, log):
        phases.append((name, data_dir.name, work.name, arg, sorted(p.name for p in (data_dir / "pmg").iterdir())))
        seconds = 2.0 + len(phases)
        steps = {"raw__pmg_questionnaire_cells": seconds / 2}
        if name == "full" and arg is None:  # a step window around now: the sampler's samples fall in it
            assert sampled.wait(30)
            return _phase(seconds, steps, n_checks=1, maxrss=MiB,
                          step_windows={"raw__pmg_questionnaire_cells": (0, 4e9)})
        first_ingest = name == "ingest" and [p[0] for p in phases].count("ingest") == 1
        maxrss = (5 << 30) if name == "pandas" else (3 << 30) if first_ingest else MiB
        return _phase(seconds, steps, n_checks=1, maxrss=maxrss, rows=1, files=1, reader="stub", marts={},
                      agreement=None)

    monkeypatch.setattr(bench.generate, "generate", generate)
    monkeypatch.setattr(bench.run, "run_phase", run_phase)
    monkeypatch.setattr(bench.run, "tree_rss_bytes", tree_rss)
    monkeypatch.setattr(bench.run, "INGEST", ["raw/pmg_questionnaire_cells"])
    monkeypatch.setattr(bench.run, "_files", lambda data_dir, asset: ["one file"])
    size = dict(years=3, organisations=5, responses=300, segments=600, tib=90)
    results, report = bench.run.run_benchmark(size, tmp_path, repeats=3, log=lambda *_: None)

    small = bench.run.SIZES["small"]
    assert generated == [("data", 3, 5, 300, 600, 90, 2016, "auto"),
                         ("data_plus_one_year", 1, 5, 100, 200, 30, 2019, "csv"),
                         ("data_tiny_year", 1, small["organisations"], small["responses"], small["segments"],
                          small["tib"], 2019, "csv")]
    every = ["2016", "2017", "2018"]
    asset = "raw/pmg_questionnaire_cells"
    assert phases == [("full", "data", "full", None, every),
                      *[(name, "data", f"{name}_raw_pmg_questionnaire_cells", asset, every)
                        for _ in range(3) for name in ("ingest", "floor")],
                      ("pandas", "data", "pandas", str(tmp_path / "full" / "warehouse.duckdb"), every),
                      ("full", "data_plus_one_year", "full", "2019", every + ["2019"]),
                      ("full", "data_last_year_plus_one", "last_year_alone", "2018", ["2018", "2019"]),
                      ("full", "data_last_year_plus_one", "last_year_alone", "2019", ["2018", "2019"]),
                      ("full", "data_tiny_year", "tiny_year_alone", "2019", ["2019"])]
    # the medians of three pairs: ours 4, 6, 8 s (steps 2, 3, 4 s), floor 5, 7, 9 s
    assert results["ingest"][asset]["pair_ratios"] == [2 / 5, 3 / 7, 4 / 9]
    assert results["ingest"][asset]["ours"]["seconds"] == 6.0 and results["ingest"][asset]["floor"]["seconds"] == 7.0
    # the pandas phase's child peaked at 5 GiB, the first ingest's at 3 GiB: their phases and the tree did
    assert results["phase_peaks"]["pandas"] >= 5 << 30 and results["peak_tree"] >= 5 << 30
    assert results["phase_peaks"]["full"] < 3 << 30
    assert results["phase_peaks"][f"ingest {asset}"] >= 3 << 30  # the first of its three runs
    assert results["full"]["step_peaks"]["raw__pmg_questionnaire_cells"] > 0
    assert "ours/pandas" in report


def test_benchmark_in_process_peak_is_the_trees_over_every_phase(tmp_path, monkeypatch):
    """In one process the peaks are the sampler's: the pandas phase's 5 GiB is its phase's and the whole
    run's peak, though later phases reset the sampler."""
    import bench.generate
    import bench.run

    current, sampled = {"phase": None, "readings": 0}, threading.Event()

    def reading(root=None):
        if current["phase"] == "pandas":
            current["readings"] += 1
            if current["readings"] == 3:  # the sampler thread has taken in the two samples before this one
                sampled.set()
            return 5 << 30
        return MiB

    def generate(out, *args, first_year=2016, **kwargs):
        (out / "pmg" / str(first_year)).mkdir(parents=True)
        return {"years": [first_year], "seconds": 0.1, "maxqda_format": "csv"}

    def run_phase(name, data_dir, work, arg, in_process, log):
        current["phase"] = name
        if name == "pandas":
            assert sampled.wait(30)
        current["phase"] = None
        return _phase(1.0, maxrss=0, agreement=None)

    monkeypatch.setattr(bench.run, "tree_rss_bytes", reading)
    monkeypatch.setattr(bench.generate, "generate", generate)
    monkeypatch.setattr(bench.run, "run_phase", run_phase)
    results, _ = bench.run.run_benchmark(dict(years=1, organisations=3, responses=6, segments=6, tib=3), tmp_path,
                                         in_process=True, ingest=False, log=lambda *_: None)
    assert results["phase_peaks"]["pandas"] == 5 << 30 and results["phase_peaks"]["tiny year alone"] == MiB
    assert results["peak_tree"] == 5 << 30


# --- bench/generate.py ------------------------------------------------------------------------------

SIZE = dict(years=2, organisations_n=5, responses=101, segments=61, tib=201)  # odd: _split gives 51 + 50, ...


@pytest.fixture(scope="module", params=["xlsx", "csv"])
def generated(request, tmp_path_factory):
    """The synthetic exports at a small size, with the MAXQDA export as a workbook and as a CSV."""
    from bench.generate import generate

    out = tmp_path_factory.mktemp(f"bench-{request.param}")
    summary = generate(out, **SIZE, first_year=2030, maxqda_format=request.param, log=lambda *_: None)
    return out, summary


def _read_all(out, programme, instrument):
    """{year: [(codebook, source file, table)]} as the pipeline's codebook loader and readers see them."""
    from assets.ingest.codebook import discover_codebooks
    from assets.ingest.formats import read_source

    found = {}
    for cb in discover_codebooks(out.resolve(), programme, instrument):
        found[cb.year] = [(cb, sf, read_source(sf)) for sf in cb.files]
    return found


def test_generated_exports_are_of_the_requested_size_over_the_years(generated):
    out, summary = generated
    assert summary["years"] == [2030, 2031] and summary["maxqda_format"] in ("xlsx", "csv")
    assert (summary["responses"], summary["segments"], summary["tib"]) == (101, 61, 201)
    assert summary["organisations"] == 5
    questionnaire = _read_all(out, "pmg", "pmg_questionnaire")
    assert {y: sum(t.frame.height for _, _, t in files) for y, files in questionnaire.items()} == {2030: 51, 2031: 50}
    segments = _read_all(out, "pmg", "pmg_interviews")
    assert {y: sum(t.frame.height for _, _, t in files) for y, files in segments.items()} == {2030: 31, 2031: 30}
    survey = _read_all(out, "terug_in_balans", "tib_survey")
    assert {y: sum(t.frame.height for _, _, t in files) for y, files in survey.items()} == {2030: 101, 2031: 100}


def test_generated_qualtrics_exports_are_what_qualtrics_writes(generated):
    """Three header rows, a UTF-8 BOM, CRLF; grades with a decimal comma; T1 alone grades the
    intervention; the organisations' labels are the codebook's, the participant codes unique."""
    out, _ = generated
    for year, files in _read_all(out, "pmg", "pmg_questionnaire").items():
        assert [sf.constants["wave"] for _, sf, _ in files] == ["T0", "T1"]
        for cb, sf, table in files:
            raw = sf.path.read_bytes()
            assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\r\n") == table.frame.height + 3
            assert table.detail == "qualtrics: three header rows" and cb.year == year
            frame = table.frame
            organisation = cb.variable("organisation")
            assert set(frame["Q2"]) <= {lab.label for lab in organisation.labels}
            assert frame["Q1"].n_unique() == frame.height
            grades = [g for g in frame["Q5"].to_list() if g is not None]
            assert grades and all(re.fullmatch(r"(10|\d)(,5)?", g) for g in grades), grades
            assert any("," in g for g in grades)
            assert all(0 <= float(g.replace(",", ".")) <= 10 for g in grades)
            assert ("Q6" in frame.columns) == (sf.constants["wave"] == "T1")
        t0, t1 = (set(t.frame["Q1"]) for _, _, t in files)
        assert len(t0 & t1) > len(t1 - t0) > 0  # most T1 respondents answered T0 too, a few did not


def test_generated_organisations_and_groups():
    from bench.generate import BUNDLED_ORGS, groups_of, organisations

    assert organisations(2) == BUNDLED_ORGS[:2]
    orgs = organisations(7)
    assert orgs[:3] == BUNDLED_ORGS and orgs[3:] == [(f"Organisatie {i:03d}", f"ORG{i:03d}") for i in range(4, 8)]
    groups = groups_of(orgs)
    per_org = [len({g.intervention for g in groups if g.org_code == code}) for _, code in orgs]
    assert per_org == [1, 2, 3, 1, 2, 3, 1]
    assert len({(g.org_code, g.group_label) for g in groups}) == len(groups)
    assert any(g.group_label.endswith(" 2") for g in groups)


def test_generated_maxqda_export_matches_its_codebook(generated):
    """Every document and speaker the segments name is in the codebook (documents, speaker_codes),
    each speaking in their own group; T0 documents code Diagnose and expectations, T1 documents the
    rest; the workbook's sheet is the one the codebook names."""
    out, summary = generated
    answered, sections = {}, {}
    for _, _, table in (f for files in _read_all(out, "pmg", "pmg_questionnaire").values() for f in files):
        answered.update(zip(table.frame["Q1"], table.frame["Q4"]))
    for year, files in _read_all(out, "pmg", "pmg_interviews").items():
        [(cb, sf, table)] = files
        assert sf.path.suffix == f".{summary['maxqda_format']}" and cb.year == year
        assert sf.sheet == ("Coded segments" if summary["maxqda_format"] == "xlsx" else None)
        frame = table.frame
        assert set(frame["document"]) <= set(cb.documents)
        speakers = frame["segment"].str.extract(r"^([^:]+): ").to_list()
        assert all(s is not None and re.fullmatch(cb.speaker_codes, s) for s in speakers), speakers
        for document, speaker in zip(frame["document"], speakers):
            assert answered[speaker] == cb.documents[document]["group_label"]
        for document, code in zip(frame["document"], frame["code"]):
            sections.setdefault(cb.documents[document]["wave"], set()).add(cb.themes[code].section)
        assert set(cb.count_differences) == {d["group_label"] for d in cb.documents.values()}
    assert sections == {"T0": {"Diagnose", "Interventieverwachtingen"}, "T1": {"Verandering", "Evaluatie", "Advies"}}


def test_generated_focus_interviews_have_panels_of_at_most_eight(tmp_path):
    """One organisation's one group of some 30 respondents a wave: each document's panel is eight of
    them (as the codebook's count explanations say)."""
    from bench.generate import generate

    generate(tmp_path, 1, 1, 100, 200, 0, first_year=2030, maxqda_format="csv", log=lambda *_: None)
    [(cb, _, table)] = _read_all(tmp_path, "pmg", "pmg_interviews")[2030]
    speakers = table.frame.select("document", speaker=pl.col("segment").str.extract(r"^([^:]+): "))
    assert speakers.group_by("document").agg(pl.col("speaker").n_unique())["speaker"].to_list() == [8, 8]


def test_generated_forms_export_matches_its_codebook(generated):
    """Forms' columns, every answer a label of the codebook (skills joined by ';') and each answer
    given by someone, respondents unique over the years."""
    out, _ = generated
    emails = []
    for year, files in _read_all(out, "terug_in_balans", "tib_survey").items():
        [(cb, sf, table)] = files
        assert cb.year == year and table.detail.startswith("ms forms")
        frame = table.frame
        assert frame["ID"].to_list() == [str(i) for i in range(1, frame.height + 1)]
        emails += [e for e in frame["Email"].to_list() if e != "anonymous"]
        for v in cb.variables:
            if not v.labels or v.column not in frame.columns:
                continue
            labels = {lab.label for lab in v.labels}
            cells = [c for c in frame[v.column].to_list() if c is not None]
            if v.type == "multi_select":
                assert cells and all(c.endswith(";") for c in cells), cells
                cells = [part for c in cells for part in c.split(";") if part]
            assert set(cells) <= labels, (v.name, set(cells) - labels)
            # every answer given (return to work, relapse: 7% yes), the rare helpfulness ratings perhaps not
            assert set(cells) == labels or (v.role == "factor" and len(set(cells)) >= 3), (v.name, labels - set(cells))
    numbers = [re.search(r"(\d+)@", e)[1] for e in emails]  # each respondent's number, counted on over the years
    assert len(numbers) == len(set(numbers)) > 180


def test_generated_maxqda_format_is_csv_only_above_its_threshold(tmp_path, monkeypatch):
    import bench.generate

    monkeypatch.setattr(bench.generate, "MAXQDA_CSV_ABOVE", 20)
    small = bench.generate.generate(tmp_path / "a", 1, 3, 10, 20, 0, log=lambda *_: None)
    large = bench.generate.generate(tmp_path / "b", 1, 3, 10, 21, 0, log=lambda *_: None)
    told = bench.generate.generate(tmp_path / "c", 1, 3, 10, 21, 0, maxqda_format="xlsx", log=lambda *_: None)
    assert (small["maxqda_format"], large["maxqda_format"], told["maxqda_format"]) == ("xlsx", "csv", "xlsx")
    assert [p.name for p in (tmp_path / "b").glob("pmg/*/*maxqda*")] == ["pmg_focusinterviews_maxqda.csv"]
    assert not list((tmp_path / "a").glob("terug_in_balans"))  # no surveys asked for, none written


def test_phases_materialise_what_they_say(tmp_path, monkeypatch):
    """(b) one ingest asset alone; (a) every asset and check of every year, or one year's partition."""
    import bench.run
    from pipelines.definitions import ASSETS, CHECKS

    calls = []
    monkeypatch.setattr(bench.run, "_materialize", lambda selection, work, data_dir, years=None:
                        calls.append((selection, years)) or {})
    bench.run.phase_ingest(tmp_path, tmp_path, "raw/tib_survey_cells")
    bench.run.phase_full(tmp_path, tmp_path)
    bench.run.phase_full(tmp_path, tmp_path, "2031")
    (ingest, no_year), (full, every_year), (one, year) = calls
    assert [k.to_user_string() for a in ingest for k in a.keys] == ["raw/tib_survey_cells"] and no_year is None
    assert full == one == [*ASSETS, *CHECKS] and every_year is None and year == [2031]


def test_command_line_sizes_and_phases(tmp_path, monkeypatch):
    import bench.run

    calls = []
    monkeypatch.setattr(bench.run, "run_benchmark", lambda size, workdir, **kw: calls.append((size, kw)) or ({}, ""))
    bench.run.main(["--size", "small", "--years", "2", "--tib", "7", "--workdir", str(tmp_path)])
    bench.run.main(["--size", "medium", "--only-full", "--workdir", str(tmp_path)])
    bench.run.main(["--size", "small", "--no-new-year", "--repeat", "0", "--workdir", str(tmp_path)])
    (small, a), (medium, b), (_, c) = calls
    assert small == dict(bench.run.SIZES["small"], years=2, tib=7) and medium == bench.run.SIZES["medium"]
    assert (a["new_year"], a["pandas"], a["ingest"], a["repeats"]) == (True, True, True, 5)
    assert (b["new_year"], b["pandas"], b["ingest"]) == (False, False, False)
    assert (c["new_year"], c["pandas"], c["ingest"], c["repeats"]) == (False, True, True, 1)


def test_benchmark_reuses_exports_only_of_the_same_size(tmp_path, monkeypatch):
    import bench.generate
    import bench.run

    generated = []

    def generate(out, years, *args, first_year=2016, **kwargs):
        generated.append(years)
        (out / "pmg" / str(first_year)).mkdir(parents=True)
        return {"years": [first_year], "seconds": 0.1, "maxqda_format": "csv"}

    monkeypatch.setattr(bench.generate, "generate", generate)
    monkeypatch.setattr(bench.run, "run_phase", lambda *a: _phase(1.0))
    for years in (1, 1, 2, 2):
        bench.run.run_benchmark(dict(bench.run.SIZES["small"], years=years), tmp_path, reuse_data=True, pandas=False,
                                ingest=False, new_year=False, log=lambda *_: None)
    assert generated == [1, 2]


def test_pandas_baseline_shares_are_of_those_who_answered_the_question(tmp_path):
    """As the marts: a respondent who skipped return to work or relapse is in neither share's N, and
    one who answered nothing is in no skill's."""
    import openpyxl

    from bench.generate import generate
    from bench.pandas_baseline import tib_marts

    generate(tmp_path, years=1, organisations_n=3, responses=20, segments=20, tib=40, first_year=2030,
             log=lambda *_: None)
    [path] = (tmp_path / "terug_in_balans").glob("*/*.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book.active
    headers = [c.value for c in sheet[1]]
    skipped = [headers.index(q) + 1 for q in (THEIR_NAMES["outcome"], THEIR_NAMES["answer"])]
    for row in (2, 3, 4, 5):
        for column in skipped:
            sheet.cell(row, column).value = None
    book.save(path)
    marts = tib_marts(tmp_path)
    [codebook] = (tmp_path / "terug_in_balans").glob("*/codebook_survey.yaml")
    questions = {v["column"] for v in yaml.safe_load(codebook.read_text(encoding="utf-8"))["variables"].values()}
    for name in ("tib_return_to_work", "tib_relapse"):
        share = marts[name]
        assert share["n"].sum() == 36, name
        assert share["pct"].tolist() == pytest.approx((100 * share["n"] / 36).tolist()), name
    skills = marts["tib_skills"]
    assert skills["pct_strengthened"].tolist() == pytest.approx((100 * skills["n_strengthened"] / 40).tolist())
    # a row that answered nothing (a blank one, or spaces alone) is no respondent of the skills' shares
    for row in (2, 3):
        for column, heading in enumerate(headers, 1):
            if heading in questions:
                sheet.cell(row, column).value = None if row == 2 else " "
    book.save(path)
    skills = tib_marts(tmp_path)["tib_skills"]
    assert skills["pct_strengthened"].tolist() == pytest.approx((100 * skills["n_strengthened"] / 38).tolist())
