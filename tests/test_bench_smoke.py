"""The scale benchmark (`make bench`, bench/run.py) at its tiny size, in-process, so it cannot rot.

Asserts that it runs end to end and prints the ratio table with numbers; never how fast anything is
(timings belong to `make bench` on a quiet machine, not to a test)."""

from __future__ import annotations

import os
import re

import bench.generate
from bench.run import INGEST, SIZES, is_reporting_step, median_pair, run_benchmark
from pipelines.definitions import ASSETS


def test_bench_tiny_run_prints_the_ratio_table(tmp_path, monkeypatch):
    # (a)'s 150 segments as a MAXQDA CSV: the new year's 75 would be a workbook, were it not told the format
    monkeypatch.setattr(bench.generate, "MAXQDA_CSV_ABOVE", 100)
    two_years = dict(SIZES["small"], years=2)
    results, report = run_benchmark(two_years, tmp_path, in_process=True, repeats=2, log=lambda *_: None)

    assert results["full"]["success"], results["full"]["failures"]
    # the synthetic exports are valid: every check passes, the warnings too (a generator that wrote
    # last year's count explanations into every edition made the count check warn at every size)
    assert results["full"]["checks_failed"] == [], results["full"]["checks_failed"]
    assert "ours/floor" in report and "ours/pandas" in report
    number = r"\d[\d,]*\.\d+"
    full_line = next(line for line in report.splitlines() if line.startswith("(a) full run"))
    assert re.search(rf"{number}x\s*$", full_line), full_line  # ours / pandas
    marts_line = next(line for line in report.splitlines() if line.startswith("    (a) less its chart and report"))
    less, _pandas, _ratio = re.search(rf"({number})\s+({number})\s+({number})x\s*$", marts_line).groups()
    assert 0 < float(less) < results["full"]["seconds"]
    measured = [a for a in INGEST if a in results["ingest"]]
    assert {"raw/pmg_questionnaire_cells", "raw/pmg_interview_segments", "raw/tib_survey_cells"} <= set(measured)
    for asset in measured:
        line = next(line for line in report.splitlines() if line.startswith(f"(b) ingest {asset}"))
        assert re.search(rf"{number}\s+{number}\s+{number}x", line), line  # ours, floor, ours / floor
        assert results["ingest"][asset]["floor"]["rows"] > 0
        assert len(results["ingest"][asset]["pair_ratios"]) == 2  # two alternating runs, medians reported
    assert re.search(r"peak RSS, whole process tree \(sampled\): [\d,]+ MiB", report)
    assert results["pandas"]["marts"]["pmg_mental_health"] > 0
    # the pipeline's marts and the pandas script's agree, row by row
    agreed = re.search(r"^marts against the pandas script's, row by row: 8 marts, ([\d,]+) rows compared, 0 differ, "
                       r"0 missing, 0 only in ours$", report, re.M)
    assert agreed and int(agreed[1].replace(",", "")) > 100, report
    assert results["new_year"]["success"], results["new_year"]["failures"]
    new_year = max(results["generate"]["years"]) + 1
    exports = list((tmp_path / "data_plus_one_year" / "pmg" / str(new_year)).glob("*maxqda*"))
    assert results["generate"]["maxqda_format"] == "csv" and [f.suffix for f in exports] == [".csv"]
    assert re.search(rf"^\(d\) one new year partition.*= \d+% of \(a\)$", report, re.M)
    assert results["new_year_after_one"]["success"], results["new_year_after_one"]["failures"]
    assert re.search(rf"^    the same, onto 1 earlier year \(not 2\) +{number} .*= {number}x \(d\)$", report, re.M)
    assert re.search(rf"^    one year alone, into a fresh warehouse +{number} .*= {number}x \(d\)$", report, re.M)
    assert results["tiny_year"]["success"], results["tiny_year"]["failures"]
    tiny_line = rf"^    a tiny year alone \(3 organisations\) +{number} .*= {number}x \(d\), \d+% of \(a\)$"
    assert re.search(tiny_line, report, re.M), report
    if os.path.exists("/proc/stat"):
        busy = re.search(r"^CPU busy while the steps ran \(machine-wide, of (\d+) cores\): \(a\) ([\d.]+), \(d\) ([\d.]+)$",
                         report, re.M)
        assert busy and all(0 < float(x) <= int(busy[1]) + 0.05 for x in busy.groups()[1:]), report


def test_ingest_ratio_takes_the_median_run_of_each_side():
    def ours(step):
        return {"seconds": step + 1, "steps": {"raw__x": step}}

    pairs = [(ours(5.0), {"seconds": 3.0}), (ours(9.0), {"seconds": 2.0}), (ours(4.0), {"seconds": 4.0})]
    r = median_pair("raw/x", pairs)
    assert r["ours"]["steps"]["raw__x"] == 5.0 and r["floor"]["seconds"] == 3.0
    assert r["pair_ratios"] == [5.0 / 3.0, 9.0 / 2.0, 1.0]


def test_reporting_steps_are_the_chart_and_report_assets():
    """(a) less its chart and report steps is only what it says if the steps are told apart right."""
    for a in ASSETS:
        reporting = {k for spec in a.specs for k in spec.kinds} & {"matplotlib", "html"}
        assert is_reporting_step(a.op.name) == bool(reporting), a.op.name


def test_agreement_counts_rows_that_differ_are_missing_or_only_in_the_warehouse(tmp_path):
    import duckdb
    import pandas as pd

    from bench.agreement import compare

    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute("CREATE SCHEMA marts")
        conn.execute("CREATE TABLE marts.tib_relapse (year INTEGER, answer VARCHAR, n INTEGER, pct DOUBLE)")
        conn.execute("INSERT INTO marts.tib_relapse VALUES (2024, 'no', 28, 93.33), (2024, 'yes', 2, 6.67), "
                     "(2024, 'unsure', 0, 0), (2024, 'later', 1, 3.3), (2025, 'no', 5, 100)")
    script = pd.DataFrame({"Uitgevallen?": ["no", "yes", "never"], "n": [28, 3, 1], "pct": [93.33, 6.67, 3.3],
                           "year": [2024, 2024, 2024]})
    assert compare(warehouse, {"tib_relapse": script}) == {
        # 'yes' differs in n; 'never' is missing; 'later' only in ours ('unsure', nobody's answer, and 2025 are fine)
        "tib_relapse": {"compared": 2, "differ": 1, "missing": 1, "extra": 1}}


def test_the_pandas_script_computes_the_marts_of_the_bundled_sample(full_run):
    """The benchmark's baseline is the same marts computed otherwise, also on the sample's exports (the
    report's real numbers, where the generator's regular ones could hide a difference of definition)."""
    from bench.agreement import compare
    from bench.pandas_baseline import compute_marts
    from tests.conftest import DATA

    result, tmp = full_run
    assert result.success
    agreement = compare(tmp / "warehouse.duckdb", compute_marts(DATA))
    assert set(agreement) == {"pmg_mental_health", "pmg_intervention_rating", "pmg_theme_mentions",
                              "pmg_response_counts", "tib_return_to_work", "tib_relapse", "tib_skills",
                              "tib_factor_ratings"}
    for mart, counts in agreement.items():
        assert counts["compared"] > 0 and counts["differ"] == counts["missing"] == counts["extra"] == 0, (mart, counts)
