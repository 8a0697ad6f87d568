"""`python -m pipelines.prune_runs`: delete old runs from Dagster's run history, keeping what the UI
shows of every asset.

Dagster keeps every run, its event log and its step logs for good. Here each run stores the
charts' and the stakeholder report's previews once per year it covers: about 3 MB per year of a
run at 10 years x 50 organisations, 30 MB for a backfill of ten years, so a decade of yearly runs,
corrections and backfills comes to a gigabyte or more (docs/operations.md). A run older than the
cut-off is deleted with its step logs unless it holds the latest materialisation of some asset
(of some year) or the latest execution of some check: those the UI shows, and they say which run
made each year's warehouse rows and reports. Runs still queued or in progress are left alone.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

from dagster import AssetCheckKey, AssetRecordsFilter, DagsterInstance, DagsterRunStatus, RunsFilter
from dagster._core.event_api import PartitionKeyFilter
from dagster._core.instance.utils import RUNLESS_RUN_ID
from dagster._core.storage.asset_check_execution_record import COMPLETED_ASSET_CHECK_EXECUTION_RECORD_STATUSES
from dagster._core.storage.event_log.sqlite.sqlite_event_log import INDEX_SHARD_NAME, SqliteEventLogStorage

FINISHED = [DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED]
NOT_FINISHED = [status for status in DagsterRunStatus if status not in FINISHED]


def runs_to_keep(instance: DagsterInstance, check_keys: Sequence[AssetCheckKey] = ()) -> set[str]:
    """The runs that hold the latest materialisation of an asset, per partition where it has them,
    and the latest execution of each of `check_keys` (a run of checks alone, from the UI)."""
    keep = set()
    for asset_key in instance.get_asset_keys():
        partitions = sorted(instance.get_materialized_partitions(asset_key))
        filters = ([AssetRecordsFilter(asset_key=asset_key, asset_partitions=[p]) for p in partitions]
                   or [AssetRecordsFilter(asset_key=asset_key)])
        for records_filter in filters:
            keep |= {record.run_id for record in instance.fetch_materializations(records_filter, limit=1).records}
    storage = instance.event_log_storage
    for info in storage.get_asset_check_partition_info(list(check_keys)) if check_keys else []:
        # the latest evaluation, not the latest run that planned one (a failed run did, and was kept)
        evaluated = storage.get_asset_check_execution_history(
            info.check_key, limit=1, status=COMPLETED_ASSET_CHECK_EXECUTION_RECORD_STATUSES,
            partition_filter=PartitionKeyFilter(key=info.partition_key))
        keep |= {record.run_id for record in evaluated}
    return keep


def runs_to_delete(instance: DagsterInstance, older_than: timedelta,
                   check_keys: Sequence[AssetCheckKey] = ()) -> list[str]:
    """Finished runs created before now - `older_than` that hold nothing runs_to_keep keeps, oldest first."""
    cut_off = datetime.now(timezone.utc) - older_than
    old = instance.get_runs(RunsFilter(statuses=FINISHED, created_before=cut_off), ascending=True)
    keep = runs_to_keep(instance, check_keys)
    return [run.run_id for run in old if run.run_id not in keep]


def prune(instance: DagsterInstance, older_than: timedelta, dry_run: bool = False,
          check_keys: Sequence[AssetCheckKey] = ()) -> list[str]:
    """Delete the runs runs_to_delete names (their events and step logs); return their ids."""
    doomed = runs_to_delete(instance, older_than, check_keys)
    if not dry_run:
        for run_id in doomed:
            instance.delete_run(run_id)
            instance.compute_log_manager.delete_logs(prefix=[run_id])
        reclaim_disk(instance)
    return doomed


def reclaim_disk(instance: DagsterInstance) -> None:
    """Dagster's SQLite storage (the default) empties a deleted run's event file but keeps it (also
    after `dagster run delete`), and keeps the space its events took in the index: give both back,
    the index only while no run is queued or in progress (compacting locks it, and a run's writes
    wait 30 s at most). Postgres reuses freed space."""
    storage = instance.event_log_storage
    if not isinstance(storage, SqliteEventLogStorage):
        return
    index_file = Path(storage.path_for_shard(INDEX_SHARD_NAME))
    # The files first, then the runs: a run's record is made before its first event, so a run that
    # starts in between is among the runs read, and its new file is kept. With a run's file go the
    # journal files SQLite keeps beside it (left behind by a run that crashed). ".db" is no run's: it
    # holds the events of no run (reported from the UI, the daemon's), and the processes that opened
    # it failed on every later such event once it was gone.
    shards = [f for f in index_file.parent.glob("*.db*")
              if f.name.split(".db")[0] not in (INDEX_SHARD_NAME, RUNLESS_RUN_ID)]
    runs = set(instance.get_run_ids())
    for shard in shards:
        if shard.name.split(".db")[0] not in runs:
            shard.unlink(missing_ok=True)
    if instance.get_runs(RunsFilter(statuses=NOT_FINISHED), limit=1):
        print("index.db not compacted: a run is queued or in progress; its freed space is reused by later runs",
              file=sys.stderr)
        return
    try:
        with sqlite3.connect(index_file, timeout=30) as index:
            index.execute("VACUUM")
            # in WAL mode the log grows to the compacted size while another connection is open (the UI)
            index.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.OperationalError as error:  # the UI or daemon writing: the space is reused anyway
        print(f"index.db not compacted ({error}); the freed space is reused by later runs", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.prune_runs", description=__doc__.splitlines()[0])
    parser.add_argument("--older-than-days", type=int, required=True,
                        help="delete finished runs created more than this many days ago (0: every one)")
    parser.add_argument("--dry-run", action="store_true", help="list the runs, delete nothing")
    args = parser.parse_args(argv)
    if args.older_than_days < 0:
        parser.error("--older-than-days must be 0 or more")
    from pipelines.definitions import defs

    check_keys = list(defs.resolve_asset_graph().asset_check_keys)
    with DagsterInstance.get() as instance:  # DAGSTER_HOME's
        doomed = prune(instance, timedelta(days=args.older_than_days), args.dry_run, check_keys)
        left = len(instance.get_run_ids())
    what = (f"run(s) older than {args.older_than_days} day(s) that hold no asset's latest materialisation "
            "or check evaluation")
    print(f"would delete {len(doomed)} {what}; the history holds {left}" if args.dry_run
          else f"deleted {len(doomed)} {what}; {left} left in the history")
    for run_id in doomed:
        print(f"  {run_id}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
