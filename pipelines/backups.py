"""The warehouse backup as a Dagster job, and the sensor that runs it after successful runs.

The job queues with the yearly runs and takes the `duckdb` pool, so it never copies a warehouse a
run is writing. With MHM_BACKUP_DIR set, the sensor `backup_after_run` (on from the start)
requests it after each successful run the daemon or the UI launched in this code location (a
yearly run, a backfill, a Materialize click), once after the last of a burst; without it, the job is launched by hand with `to` in
the launchpad. Kept: the MHM_BACKUP_KEEP (12) newest, and the newest of each of the last
MHM_BACKUP_KEEP_YEARS (5) years that have backups (by UTC date).
"""

import os
from datetime import datetime, timezone
from pathlib import Path

from dagster import (Config, DagsterRunStatus, DefaultSensorStatus, OpExecutionContext, RunRequest, RunsFilter,
                     RunStatusSensorContext, SensorDefinition, SkipReason, job, op, run_status_sensor)
from dagster_duckdb import DuckDBResource
from pydantic import Field

from assets.tables import POOL
from warehouse.backup import export, prune

JOB = "warehouse_backup"


class BackupConfig(Config):
    to: str = Field(default=os.environ.get("MHM_BACKUP_DIR", ""),
                    description="the folder that holds the backups (default MHM_BACKUP_DIR)")
    keep: int = Field(default=int(os.environ.get("MHM_BACKUP_KEEP", "12")), ge=1,
                      description="how many of the newest backups to keep")
    keep_years: int = Field(default=int(os.environ.get("MHM_BACKUP_KEEP_YEARS", "5")), ge=0,
                            description="and the newest backup of each of this many last calendar years")


@op(pool=POOL)
def back_up_warehouse(context: OpExecutionContext, config: BackupConfig, duckdb: DuckDBResource) -> None:
    """Export every table of the warehouse as Parquet, with a manifest of rows and checksums, into
    a new folder under `to`; then remove the backups no longer kept."""
    if not config.to:
        raise ValueError("no folder to back up to: set MHM_BACKUP_DIR, or give `to` in the run's config")
    root = Path(config.to).resolve()
    with duckdb.get_connection() as conn:
        path = export(conn, root)
    context.log.info(f"backed up to {path}")
    for old in prune(root, config.keep, config.keep_years):
        context.log.info(f"removed the older backup {old}")


@job(name=JOB, description="Back the warehouse up as Parquet (warehouse/backup.py): every table, with a manifest "
                           "of rows and checksums that `python -m warehouse.backup restore` checks.")
def warehouse_backup():
    back_up_warehouse()


def runs_after(instance, run_id: str) -> int:
    """Runs (not backups) queued or in progress, or that succeeded after `run_id` ended. A backup
    after each run of a burst (the sensor's first tick requests every year's folder; a backfill)
    rotated every recent backup out; after the last, one backup holds them all. The sensor may read
    the runs' ends long after, hence those that ended since too."""
    ended = instance.get_run_record_by_id(run_id).end_time
    busy = instance.get_run_records(RunsFilter(statuses=[DagsterRunStatus.QUEUED, DagsterRunStatus.NOT_STARTED,
                                                         DagsterRunStatus.STARTING, DagsterRunStatus.STARTED]))
    done = instance.get_run_records(RunsFilter(statuses=[DagsterRunStatus.SUCCESS],
                                               updated_after=datetime.fromtimestamp(ended, timezone.utc)))
    others = [*busy, *(r for r in done if (r.end_time or 0) > ended)]
    return len({r.dagster_run.run_id for r in others
                if r.dagster_run.job_name != JOB and r.dagster_run.run_id != run_id})


def backup_sensor(env) -> SensorDefinition | None:
    """The sensor that backs up after each successful run in this code location, or None when
    MHM_BACKUP_DIR is not set."""
    if not env.get("MHM_BACKUP_DIR"):
        return None

    # No monitored_jobs: every job of the location, the UI's asset runs and backfills (__ASSET_JOB) too.
    @run_status_sensor(run_status=DagsterRunStatus.SUCCESS, request_job=warehouse_backup,
                       default_status=DefaultSensorStatus.RUNNING, name="backup_after_run",
                       description="Backs the warehouse up (job warehouse_backup) after each successful run, "
                                   "once after the last of a burst.")
    def backup_after_run(context: RunStatusSensorContext):
        if context.dagster_run.job_name == JOB:
            return SkipReason("a backup's own run")
        if later := runs_after(context.instance, context.dagster_run.run_id):
            return SkipReason(f"{later} more run(s) queued, in progress or finished since: the backup follows "
                              "the last")
        return RunRequest(run_key=context.dagster_run.run_id)

    return backup_after_run
