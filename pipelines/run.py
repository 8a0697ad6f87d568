"""`make run`: materialise every asset and check on the bundled data into DAGSTER_HOME's instance,
so `make ui` shows the same run, then say where the warehouse and the reports are.

The run covers every year partition from the first to the last year that has a codebook or
WITHDRAWN.txt in its folder (a withdrawn year loses its rows and reports; a year the warehouse holds
without either keeps them), in one run (the assets' single-run backfill policy), as a backfill of
that range from the UI would. A folder of a year that is no partition (before the first, or next
year's) is said and left alone."""

from __future__ import annotations

import logging
import re
import sys
import time
from pathlib import Path

import duckdb
from dagster import DagsterInstance
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG


def range_tags(years: list[int]) -> dict[str, str]:
    """Run tags that make one run cover the partitions from the first to the last year."""
    return {ASSET_PARTITION_RANGE_START_TAG: str(min(years)), ASSET_PARTITION_RANGE_END_TAG: str(max(years))}


def years_in_warehouse(database: str) -> list[int]:
    """The years the warehouse holds exports of (none when it does not exist yet)."""
    if not Path(database).is_file():
        return []
    with duckdb.connect(database, read_only=True) as conn:
        if not conn.execute("SELECT 1 FROM information_schema.tables WHERE table_schema = 'raw' "
                            "AND table_name = 'source_files'").fetchall():
            return []
        return [r[0] for r in conn.execute("SELECT DISTINCT year FROM raw.source_files ORDER BY 1").fetchall()]


def years_to_run(with_exports: list[int], withdrawn: list[int], partitions: list[str]) -> tuple[list[int], list[int]]:
    """(the years to run, the years with exports that are no partition): every partition year that has
    exports, or WITHDRAWN.txt, so that a withdrawn year is emptied too."""
    known = {int(p) for p in partitions}
    return sorted((set(with_exports) | set(withdrawn)) & known), sorted(set(with_exports) - known)


def run_warnings(instance, run_id: str) -> list[str]:
    """The run's warnings (a copied export, another pseudonym key, quarantined rows), which its
    log holds among hundreds of lines."""
    said: dict[str, str] = {}  # each once, with the first step that said it (every ingest warns of a short key)
    for entry in instance.all_logs(run_id):
        if entry.level >= logging.WARNING and not entry.is_dagster_event:
            said.setdefault(entry.user_message, entry.step_key)
    return [f"{step}: {message}" if step else message for message, step in said.items()]


_FAILED_ROW = re.compile(r"^\| (.*?) \| (.*?) \| \*\*no\*\* \| (\d+) \| (.*) \|$")


def check_details(metadata: dict) -> list[str]:
    """What a failed suite check found: each failed expectation, and the page that shows it."""
    lines = []
    expectations = metadata.get("expectations")
    for row in (expectations.value.splitlines() if expectations else []):
        if found := _FAILED_ROW.match(row):
            batch, expectation, n, sample = found.groups()
            lines.append(f"{batch}: {expectation}: {n} row(s)" + (f" ({sample})" if sample else ""))
    if page := metadata.get("validation_report"):
        lines.append(f"page: {page.value}")
    return lines


def reports_written(folder: Path, since: float) -> tuple[list[Path], int]:
    """The HTML reports this run wrote, and how many older ones the folder also holds (a failed
    run's step leaves the last run's in place)."""
    reports = sorted(folder.rglob("*.html"))
    written = [r for r in reports if r.stat().st_mtime >= since]
    return written, len(reports) - len(written)


def main() -> int:
    from assets.partitions import YEARS
    from pipelines.definitions import defs
    from pipelines.jobs import years_with_exports, years_withdrawn

    resources = defs.resources
    with_exports = years_with_exports(Path(resources["sources"].data_dir))
    withdrawn = years_withdrawn(Path(resources["sources"].data_dir))
    if not with_exports and not withdrawn:
        print(f"no codebook under {resources['sources'].data_dir}/<programme>/<year>/: nothing to run")
        return 1
    try:
        in_warehouse = years_in_warehouse(resources["duckdb"].database)
    except duckdb.IOException as exc:  # another process has the file: its message names that process
        print(f"the warehouse {resources['duckdb'].database} is in use: {str(exc).splitlines()[0]}\n"
              "close that connection (or wait for that run) and run again")
        return 1
    keys = YEARS.get_partition_keys()
    years, not_partitions = years_to_run(with_exports, withdrawn, keys)
    print(f"years with exports: {', '.join(map(str, with_exports))}")
    if withdrawn:
        print(f"years withdrawn (WITHDRAWN.txt; their rows and reports are removed): {', '.join(map(str, withdrawn))}")
    if kept := sorted(set(in_warehouse) - set(with_exports) - set(withdrawn)):
        print(f"years in the warehouse without a codebook (kept as they are; WITHDRAWN.txt in a year's folder "
              f"removes it): {', '.join(map(str, kept))}")
    if not_partitions:
        print(f"not run: {', '.join(map(str, not_partitions))}: no year partition (the partitions are "
              f"{keys[0]} to {keys[-1]}, this year included)")
    if not years:
        return 1
    started = time.time()
    with DagsterInstance.get() as instance:
        result = defs.resolve_job_def("materialize_all").execute_in_process(
            instance=instance, raise_on_error=False, tags=range_tags(years))
        warnings = run_warnings(instance, result.run_id)
    print()
    print(f"run {result.run_id}: {'succeeded' if result.success else 'FAILED'}")
    print(f"warehouse: {resources['duckdb'].database}")
    print(f"reports:   {resources['reports'].output_dir}")
    for warning in warnings:
        print(f"warning: {warning}")
    for e in result.get_asset_check_evaluations():
        if not e.passed:
            level = "warning" if e.severity.value == "WARN" else "FAILED"
            print(f"check {level}: {e.asset_key.to_user_string()} {e.check_name}: {e.description}")
            for line in check_details(e.metadata):
                print(f"  {line}")
    written, older = reports_written(Path(resources["reports"].output_dir), started)
    for report in written:
        print(f"  {report}")
    if older:
        print(f"  (and {older} report(s) of earlier runs, not written by this one)")
    if not result.success:
        for event in result.all_events:
            if event.is_step_failure:
                print(f"step {event.step_key} failed: {event.step_failure_data.error.message.strip()}")
    print("browse: make ui  (http://127.0.0.1:3000)")
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main())
