"""The warehouse backup as a Dagster job, and the sensor that runs it after every successful run.

The job queues with the yearly runs and takes the `duckdb` pool, so it never copies a warehouse a
run is writing. With MHM_BACKUP_DIR set, the sensor `backup_after_run` (on from the start)
requests it after each successful run of the yearly jobs; without it, the job is launched by
hand with `to` in the launchpad. MHM_BACKUP_KEEP (default 12) backups are kept.
"""

import os
from pathlib import Path

from dagster import (Config, DagsterRunStatus, DefaultSensorStatus, OpExecutionContext, RunRequest,
                     RunStatusSensorContext, SensorDefinition, job, op, run_status_sensor)
from dagster_duckdb import DuckDBResource
from pydantic import Field

from assets.tables import POOL
from warehouse.backup import export, prune


class BackupConfig(Config):
    to: str = Field(default=os.environ.get("MHM_BACKUP_DIR", ""),
                    description="the folder that holds the backups (default MHM_BACKUP_DIR)")
    keep: int = Field(default=int(os.environ.get("MHM_BACKUP_KEEP", "12")), ge=1,
                      description="how many of the newest backups to keep")


@op(pool=POOL)
def back_up_warehouse(context: OpExecutionContext, config: BackupConfig, duckdb: DuckDBResource) -> None:
    """Export every table of the warehouse as Parquet, with a manifest of rows and checksums, into
    a new folder under `to`; then remove all but the newest `keep` backups."""
    if not config.to:
        raise ValueError("no folder to back up to: set MHM_BACKUP_DIR, or give `to` in the run's config")
    with duckdb.get_connection() as conn:
        path = export(conn, Path(config.to))
    context.log.info(f"backed up to {path}")
    for old in prune(Path(config.to), config.keep):
        context.log.info(f"removed the older backup {old}")


@job(description="Back the warehouse up as Parquet (warehouse/backup.py): every table, with a manifest of rows "
                 "and checksums that `python -m warehouse.backup restore` checks.")
def warehouse_backup():
    back_up_warehouse()


def backup_sensor(env, monitored_jobs) -> SensorDefinition | None:
    """The sensor that backs up after each successful run of `monitored_jobs`, or None when
    MHM_BACKUP_DIR is not set."""
    if not env.get("MHM_BACKUP_DIR"):
        return None

    @run_status_sensor(run_status=DagsterRunStatus.SUCCESS, monitored_jobs=monitored_jobs, request_job=warehouse_backup,
                       default_status=DefaultSensorStatus.RUNNING, name="backup_after_run",
                       description="Backs the warehouse up (job warehouse_backup) after each successful yearly run.")
    def backup_after_run(context: RunStatusSensorContext):
        return RunRequest(run_key=context.dagster_run.run_id)

    return backup_after_run
