"""`make run`: materialise every asset and check on the bundled data into DAGSTER_HOME's instance,
so `make ui` shows the same run, then say where the warehouse and the reports are.

The run covers every year partition from the first to the last year that has a codebook, in one
run (the assets' single-run backfill policy), as a backfill of that range from the UI would."""

from __future__ import annotations

import sys
from pathlib import Path

from dagster import DagsterInstance
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG


def range_tags(years: list[int]) -> dict[str, str]:
    """Run tags that make one run cover the partitions from the first to the last year."""
    return {ASSET_PARTITION_RANGE_START_TAG: str(min(years)), ASSET_PARTITION_RANGE_END_TAG: str(max(years))}


def main() -> int:
    from pipelines.definitions import defs
    from pipelines.jobs import years_with_exports

    resources = defs.resources
    years = years_with_exports(Path(resources["sources"].data_dir))
    if not years:
        print(f"no codebook under {resources['sources'].data_dir}/<programme>/<year>/: nothing to run")
        return 1
    print(f"years with exports: {', '.join(map(str, years))}")
    with DagsterInstance.get() as instance:
        result = defs.resolve_job_def("materialize_all").execute_in_process(
            instance=instance, raise_on_error=False, tags=range_tags(years))
    print()
    print(f"run {result.run_id}: {'succeeded' if result.success else 'FAILED'}")
    print(f"warehouse: {resources['duckdb'].database}")
    print(f"reports:   {resources['reports'].output_dir}")
    for e in result.get_asset_check_evaluations():
        if not e.passed:
            level = "warning" if e.severity.value == "WARN" else "FAILED"
            print(f"check {level}: {e.asset_key.to_user_string()} {e.check_name}: {e.description}")
    for report in sorted(Path(resources["reports"].output_dir).rglob("*.html")):
        print(f"  {report}")
    if not result.success:
        for event in result.all_events:
            if event.is_step_failure:
                print(f"step {event.step_key} failed: {event.step_failure_data.error.message.strip()}")
    print("browse: make ui  (http://127.0.0.1:3000)")
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main())
