"""Jobs and schedules: everything is partitioned by year (assets/partitions.py)."""

import calendar
import os
from pathlib import Path

from dagster import (AssetSelection, DefaultScheduleStatus, RunRequest, ScheduleEvaluationContext, SkipReason, define_asset_job,
                     in_process_executor, schedule)

from assets.ingest.codebook import PROGRAMMES, folder_year, withdrawal_folders
from assets.partitions import YEARS
from assets.tables import key
from pipelines.resources import SourceData

# In one process: DuckDB lets one process hold the file, and checks read what assets just wrote.
materialize_all = define_asset_job(
    "materialize_all",
    selection=AssetSelection.all() | AssetSelection.all_asset_checks(),
    partitions_def=YEARS,
    executor_def=in_process_executor,
    description="Ingest the year's exports (or a backfill's years), check them, rebuild that year's marts, charts "
                "and reports, then the trends over all years.",
)

DATA_QUALITY = key("reports.data_quality")


def _programme_job(programme: str):
    return define_asset_job(
        f"{programme}_yearly",
        # With the checks on those assets, and the data-quality page, which lists the files and
        # quarantined rows this run loaded and links the Great Expectations pages its checks wrote.
        selection=AssetSelection.groups(programme) | AssetSelection.assets(DATA_QUALITY),
        partitions_def=YEARS,
        executor_def=in_process_executor,
        description=f"One year of {programme} only, and the data-quality page: what the inbox sensor requests when "
                    "that programme's exports change.",
    )


PROGRAMME_JOBS = {p: _programme_job(p) for p in PROGRAMMES}

# The programmes report once a year; by default on 1 February, after the past year's exports are in.
# MHM_YEARLY_CRON moves the date (a cron expression) without a code change.
YEARLY_CRON = os.environ.get("MHM_YEARLY_CRON", "0 6 1 2 *")


def when(cron: str) -> str:
    """A yearly cron expression in words ("0 6 1 2 *": "1 February at 06:00"), for the UI; any
    other expression as it is."""
    fields = cron.split()
    if len(fields) == 5 and fields[4] == "*" and all(f.isdigit() for f in fields[:4]):
        minute, hour, day, month = map(int, fields[:4])
        if 1 <= month <= 12:
            return f"{day} {calendar.month_name[month]} at {hour:02d}:{minute:02d}"
    return f"cron {cron}"


def codebook_paths(data_dir: Path) -> list[Path]:
    """Every codebook in <data>/<programme>/<year>/: the folders a run can load."""
    return sorted(Path(data_dir).glob("*/*/codebook*.y*ml"))


def years_with_exports(data_dir: Path) -> list[int]:
    """Years for which some programme has a codebook in <data>/<programme>/<year>/."""
    return sorted({year for p in codebook_paths(data_dir) if (year := folder_year(p.parent.name)) is not None})


def years_withdrawn(data_dir: Path) -> list[int]:
    """Years for which some programme's folder holds a withdrawal (WITHDRAWN.txt, or an instrument's)
    and no codebook: their run removes what they withdraw."""
    return sorted({folder_year(f.name) for programme in PROGRAMMES for f in withdrawal_folders(data_dir, programme)})


# On from the start: a service installed as docs/operations.md says runs the year without anyone
# having to remember a switch in the UI (it skips, saying why, while no codebook for the year is in).
@schedule(job=materialize_all, cron_schedule=YEARLY_CRON, execution_timezone="Europe/Amsterdam",
          default_status=DefaultScheduleStatus.RUNNING,
          description=f"Yearly run, {when(YEARLY_CRON)} (Europe/Amsterdam; MHM_YEARLY_CRON), of the past year's "
                      "partition, after its exports are in.")
def yearly_refresh(context: ScheduleEvaluationContext, sources: SourceData):
    year = context.scheduled_execution_time.year - 1
    if year not in years_with_exports(Path(sources.data_dir)):
        return SkipReason(f"no codebook for {year} under {sources.data_dir}/<programme>/{year}/: nothing to run yet")
    # Also when a codebook names an export not in yet: the run fails naming it (and e-mails, where
    # set up), where a skip, once a year, would pass unnoticed with the inbox sensor off.
    return RunRequest(run_key=f"yearly-{year}", partition_key=str(year))
