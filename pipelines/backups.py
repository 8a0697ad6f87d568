"""The warehouse backup as a Dagster job, and the sensor that runs it after every successful run.

The job queues with the yearly runs and takes the `duckdb` pool, so it never copies a warehouse a
run is writing. With MHM_BACKUP_DIR set, the sensor `backup_after_run` (on from the start)
requests it after each successful run the daemon or the UI launched in this code location (a
yearly run, a backfill, a Materialize click); without it, the job is launched by hand with `to` in
the launchpad. Kept: the MHM_BACKUP_KEEP (12) newest, and the newest of each of the last
MHM_BACKUP_KEEP_YEARS (5) years that have backups (by UTC date).
"""

import os
from pathlib import Path

from dagster import (Config, DagsterRunStatus, DefaultSensorStatus, OpExecutionContext, RunRequest,
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


def backup_sensor(env) -> SensorDefinition | None:
    """The sensor that backs up after each successful run in this code location, or None when
    MHM_BACKUP_DIR is not set."""
    if not env.get("MHM_BACKUP_DIR"):
        return None

    # No monitored_jobs: every job of the location, the UI's asset runs and backfills (__ASSET_JOB) too.
    @run_status_sensor(run_status=DagsterRunStatus.SUCCESS, request_job=warehouse_backup,
                       default_status=DefaultSensorStatus.RUNNING, name="backup_after_run",
                       description="Backs the warehouse up (job warehouse_backup) after each successful run.")
    def backup_after_run(context: RunStatusSensorContext):
        if context.dagster_run.job_name == JOB:
            return SkipReason("a backup's own run")
        return RunRequest(run_key=context.dagster_run.run_id)

    return backup_after_run
