"""The warehouse backup as a Dagster job, and the sensor that runs it after successful runs.

The job queues with the yearly runs and takes the `duckdb` pool, so it never copies a warehouse a
run is writing. With MHM_BACKUP_DIR set, the sensor `backup_after_run` (on from the start)
requests it once runs have succeeded (a yearly run, a backfill, a Materialize click, a command-line
run recorded in the same DAGSTER_HOME) and none is queued or in progress; without it, the job is
launched by hand with `to` in the launchpad. Kept: the MHM_BACKUP_KEEP (12) newest, and the newest of each of the last
MHM_BACKUP_KEEP_YEARS (5) years that have backups (by UTC date).
"""

import os
import time
from pathlib import Path

from dagster import (Config, DagsterRunStatus, DefaultSensorStatus, OpExecutionContext, RunRequest, RunsFilter,
                     SensorDefinition, SensorEvaluationContext, SkipReason, job, op, sensor)
from dagster_duckdb import DuckDBResource
from pydantic import Field

from assets.tables import POOL
from pipelines.prune_runs import NOT_FINISHED
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


BACKUP_TRIES, RETRY_AFTER_SECONDS = 3, 15 * 60


def backup_due(instance, now: float | None = None) -> tuple[str | None, str]:
    """(the run a backup is due after, or None and why not): the newest run (not a backup) that
    succeeded since the last backup was asked for, once no run is queued or in progress.

    Once, after the last run of a burst (the inbox sensor's first tick requests every year's
    folder; a backfill, a run a year): a backup after each rotated every recent one out. And also
    when the last run of the burst failed, or ran from the command line with the service's
    DAGSTER_HOME: the runs are read from the instance, not from their events."""
    now = time.time() if now is None else now
    if instance.get_run_records(RunsFilter(statuses=NOT_FINISHED), limit=1):
        return None, "a run is queued or in progress: the backup follows the last"
    last = instance.get_run_records(RunsFilter(job_name=JOB, statuses=[DagsterRunStatus.SUCCESS]), limit=1)
    since = last[0].create_timestamp if last else None
    done = [r for r in instance.get_run_records(RunsFilter(statuses=[DagsterRunStatus.SUCCESS], updated_after=since))
            if r.dagster_run.job_name != JOB and (since is None or (r.end_time or 0) > since.timestamp())]
    if not done:
        return None, "no run has succeeded since the last backup"
    # A backup that failed (the share not mounted, the disk full) is tried again, twice, 15 and 30
    # minutes after, each try under a run key of its own. Then the failed runs say why, and the next
    # successful run tries anew. One cancelled is not tried again: someone stopped it.
    newest = max(done, key=lambda r: r.end_time or 0)
    tries = [r for r in instance.get_run_records(RunsFilter(job_name=JOB, statuses=[DagsterRunStatus.FAILURE,
                                                                                    DagsterRunStatus.CANCELED]))
             if r.create_timestamp.timestamp() > (newest.end_time or 0)]
    if any(r.dagster_run.status == DagsterRunStatus.CANCELED for r in tries):
        return None, "the backup after the last runs was cancelled: launch it by hand"
    if len(tries) >= BACKUP_TRIES:
        return None, f"the last {len(tries)} backups failed: see their runs"
    ended = max((r.end_time or r.update_timestamp.timestamp() for r in tries), default=0)
    wait = RETRY_AFTER_SECONDS * 2 ** (len(tries) - 1) - (now - ended) if tries else 0
    if wait > 0:
        return None, f"the last backup failed: tried again in {wait / 60:.0f} min"
    return newest.dagster_run.run_id + (f" (try {len(tries) + 1})" if tries else ""), ""


def backup_sensor(env) -> SensorDefinition | None:
    """The sensor that backs up after successful runs in this Dagster instance, or None when
    MHM_BACKUP_DIR is not set."""
    if not env.get("MHM_BACKUP_DIR"):
        return None

    @sensor(job=warehouse_backup, minimum_interval_seconds=60, default_status=DefaultSensorStatus.RUNNING,
            name="backup_after_run", description="Backs the warehouse up (job warehouse_backup) once runs have "
                                                 "succeeded and none is queued or in progress.")
    def backup_after_run(context: SensorEvaluationContext):
        after, why = backup_due(context.instance)
        return SkipReason(why) if after is None else RunRequest(run_key=f"after {after}")

    return backup_after_run
