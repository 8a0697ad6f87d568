"""pipelines.prune_runs: old runs go, each asset's (and year's) latest materialisation stays."""

from datetime import timedelta
from pathlib import Path

from dagster import (AssetCheckResult, AssetMaterialization, AssetSelection, DagsterInstance, DagsterRunStatus,
                     StaticPartitionsDefinition, asset, asset_check, materialize)
from dagster._core.storage.dagster_run import DagsterRun

from pipelines.prune_runs import main, prune

YEARS = StaticPartitionsDefinition(["2023", "2024"])


@asset(partitions_def=YEARS)
def yearly(context) -> None:
    context.log.info(f"made {context.partition_key}")


FAILING = set()


@asset
def overall() -> None:
    if "overall" in FAILING:
        raise RuntimeError("a step that fails")


@asset_check(asset=overall)
def overall_is_fine() -> AssetCheckResult:
    return AssetCheckResult(passed=True)


@asset
def broken() -> None:
    raise RuntimeError("a step that fails")


def _run(instance, assets, partition_key=None) -> str:
    return materialize(assets, instance=instance, partition_key=partition_key, raise_on_error=False).run_id


def test_prune_keeps_each_years_latest_materialisation_and_deletes_the_rest(tmp_path: Path, monkeypatch, capsys):
    home = tmp_path / "dagster_home"
    home.mkdir()
    with DagsterInstance.local_temp(tempdir=str(home)) as instance:
        first_2023 = _run(instance, [yearly], "2023")
        latest_2023 = _run(instance, [yearly], "2023")
        only_2024 = _run(instance, [yearly], "2024")
        first_overall = _run(instance, [overall])
        latest_overall = _run(instance, [overall])
        failed = _run(instance, [broken])
        logs, events = home / "storage" / first_2023, home / "history" / "runs" / f"{first_2023}.db"
        assert logs.is_dir() and events.is_file()

        assert prune(instance, timedelta(days=1)) == []  # nothing that old
        assert prune(instance, timedelta(0), dry_run=True) == [first_2023, first_overall, failed]
        assert len(instance.get_run_ids()) == 6
        monkeypatch.setenv("DAGSTER_HOME", str(home))
        assert main(["--older-than-days", "0"]) == 0
        assert "deleted 3 run(s) older than 0 day(s) that hold no asset's latest materialisation or check " \
               "evaluation" in capsys.readouterr().out
        assert set(instance.get_run_ids()) == {latest_2023, only_2024, latest_overall}
        assert instance.get_materialized_partitions(yearly.key) == {"2023", "2024"}
        assert not logs.exists() and (home / "storage" / latest_2023).is_dir()
        assert not events.exists() and (home / "history" / "runs" / f"{latest_2023}.db").is_file()
        assert prune(instance, timedelta(0)) == []  # what is left is each one's latest
        # `dagster run delete` (as the README says for withdrawn consent) leaves the run's event file
        instance.delete_run(only_2024)
        orphan = home / "history" / "runs" / f"{only_2024}.db"
        assert orphan.is_file()
        prune(instance, timedelta(days=365))
        assert not orphan.exists() and set(instance.get_run_ids()) == {latest_2023, latest_overall}


def test_prune_keeps_the_latest_check_run_and_every_run_in_progress(tmp_path: Path, capsys):
    """A run of checks alone (from the UI) holds the checks' latest evaluation; deleted, the UI's
    latest evaluation pointed at a run that was gone. A run in progress is never touched, and the
    index is not compacted under it."""
    with DagsterInstance.local_temp(tempdir=str(tmp_path)) as instance:
        made = _run(instance, [overall, overall_is_fine])
        checked = materialize([overall, overall_is_fine], instance=instance,
                              selection=AssetSelection.checks(overall_is_fine)).run_id
        # a run that planned the check and failed before it: the last evaluation is still the one before
        FAILING.add("overall")
        try:
            failed = _run(instance, [overall, overall_is_fine])
        finally:
            FAILING.discard("overall")
        instance.add_run(DagsterRun(job_name="yearly", run_id="still-running", status=DagsterRunStatus.STARTED))
        keys = [overall_is_fine.check_key]
        assert prune(instance, timedelta(0), dry_run=True) == [checked, failed]  # without the check keys
        assert prune(instance, timedelta(0), check_keys=keys) == [failed]
        assert set(instance.get_run_ids()) == {made, checked, "still-running"}
        assert "index.db not compacted: a run is queued or in progress" in capsys.readouterr().err


def test_prune_keeps_the_store_of_events_that_belong_to_no_run(tmp_path: Path):
    """A materialisation reported from the UI, and the daemon's own events, belong to no run: Dagster
    keeps them in history/runs/.db. Pruning took that for a deleted run's file and removed it, and the
    process that had it open failed on every later such event ("no such table: event_logs")."""
    with DagsterInstance.local_temp(tempdir=str(tmp_path)) as instance:
        _run(instance, [overall])
        instance.report_runless_asset_event(AssetMaterialization(asset_key="overall", description="from the UI"))
        runless = tmp_path / "history" / "runs" / ".db"
        assert runless.is_file()
        prune(instance, timedelta(0))
        assert runless.is_file()
        instance.report_runless_asset_event(AssetMaterialization(asset_key="overall", description="again"))
        assert instance.get_latest_materialization_event(overall.key).asset_materialization.description == "again"
