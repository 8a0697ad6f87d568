"""The yearly operations at their boundaries: the backup sensor's waits and retries, the kept
backups, the run-history prune, the inbox sensor's run keys and folders, the years `make run` and
the schedule see, `make run`'s exit code and warnings, and the loader's transactions. Each of these
tests kills a mutation of that code which the rest of the suite let through (a mutation review)."""

import os
import shutil
import time
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest
from dagster import DagsterInstance, SkipReason, job, op
from dagster._core.storage.dagster_run import DagsterRun, DagsterRunStatus

from tests.test_backup import _made
from tests.test_operations import _requested, _tick

# ---------------------------------------------------------------- pipelines/backups.py


@op
def _nothing():
    pass


@op
def _fails():
    raise RuntimeError("the share is not mounted")


def _job_of(name: str, step):
    @job(name=name)
    def run():
        step()
    return run


def _run_record(run_id: str, status) -> DagsterRun:
    """A run's record alone; a queued one names the code it would run (Dagster requires it)."""
    from dagster._core.remote_origin import InProcessCodeLocationOrigin, RemoteJobOrigin, RemoteRepositoryOrigin
    from dagster._core.types.loadable_target_origin import LoadableTargetOrigin

    origin = RemoteJobOrigin(repository_origin=RemoteRepositoryOrigin(
        code_location_origin=InProcessCodeLocationOrigin(LoadableTargetOrigin(python_file=__file__)),
        repository_name="__repository__"), job_name="pmg_yearly")
    return DagsterRun(job_name="pmg_yearly", run_id=run_id, status=status, remote_job_origin=origin)


YEARLY, BACKUP, FAILED_BACKUP = (_job_of("pmg_yearly", _nothing), _job_of("warehouse_backup", _nothing),
                                 _job_of("warehouse_backup", _fails))


@pytest.mark.parametrize("status", [DagsterRunStatus.QUEUED, DagsterRunStatus.STARTING, DagsterRunStatus.CANCELING])
def test_no_backup_while_a_run_is_queued_starting_or_being_cancelled(status):
    """The burst is not over while a run waits in the queue, starts, or is being cancelled (still
    writing): a backup after each run of a burst rotates every recent backup out."""
    from pipelines.backups import backup_due

    with DagsterInstance.ephemeral() as instance:
        YEARLY.execute_in_process(instance=instance)
        assert backup_due(instance)[0] is not None
        instance.add_run(_run_record("busy", status))
        after, why = backup_due(instance)
        assert after is None and "a run is queued or in progress" in why


def test_the_next_successful_run_backs_up_anew_after_three_failed_backups():
    """Three failed backups (a share not mounted for a week) stop the retries; the next successful
    run must be backed up again, not blocked for good by the old failures."""
    from pipelines.backups import backup_due

    with DagsterInstance.ephemeral() as instance:
        YEARLY.execute_in_process(instance=instance)
        for _ in range(3):
            FAILED_BACKUP.execute_in_process(instance=instance, raise_on_error=False)
        assert backup_due(instance, time.time() + 7200)[1] == "the last 3 backups failed: see their runs"
        time.sleep(0.05)
        later = YEARLY.execute_in_process(instance=instance).dagster_run
        assert backup_due(instance, time.time() + 7200) == (later.run_id, "")


def test_a_retry_cancelled_after_a_failed_backup_is_not_tried_again():
    from pipelines.backups import backup_due

    with DagsterInstance.ephemeral() as instance:
        YEARLY.execute_in_process(instance=instance)
        FAILED_BACKUP.execute_in_process(instance=instance, raise_on_error=False)
        instance.add_run(DagsterRun(job_name="warehouse_backup", run_id="stopped", status=DagsterRunStatus.CANCELED))
        assert backup_due(instance, time.time() + 7200) == (
            None, "the backup after the last runs was cancelled: launch it by hand")


def test_the_retry_waits_from_the_last_failed_backup_to_the_second():
    """The second retry waits 30 minutes after the second failure (not the first), and not a
    minute less."""
    from dagster import RunsFilter

    from pipelines.backups import backup_due

    with DagsterInstance.ephemeral() as instance:
        done = YEARLY.execute_in_process(instance=instance).dagster_run
        FAILED_BACKUP.execute_in_process(instance=instance, raise_on_error=False)
        time.sleep(1.5)
        FAILED_BACKUP.execute_in_process(instance=instance, raise_on_error=False)
        ends = sorted(r.end_time or r.update_timestamp.timestamp()
                      for r in instance.get_run_records(RunsFilter(job_name="warehouse_backup")))
        first, second = ends
        assert second - first > 1
        # 30 min after the first failure, but not yet after the second
        assert backup_due(instance, first + 30 * 60 + (second - first) / 2)[0] is None
        assert backup_due(instance, second + 30 * 60 - 30)[0] is None  # half a minute early
        assert backup_due(instance, second + 30 * 60 + 1)[0] == f"{done.run_id} (try 3)"


def test_the_backup_job_keeps_twelve_by_default_and_the_newest_of_recent_years(tmp_path):
    from pipelines.backups import BackupConfig, warehouse_backup
    from pipelines.resources import warehouse_resource

    if "MHM_BACKUP_KEEP" not in os.environ and "MHM_BACKUP_KEEP_YEARS" not in os.environ:
        config = BackupConfig(to=str(tmp_path))
        assert (config.keep, config.keep_years) == (12, 5)
    source = tmp_path / "monitor.duckdb"
    with duckdb.connect(str(source)) as conn:
        conn.execute("CREATE TABLE t AS SELECT 1 AS x")
    root = tmp_path / "b"
    yearly = [_made(root, f"monitor-{year}0201T061500Z") for year in (2023, 2024, 2025)]
    recent = _made(root, "monitor-20260101T061500Z")
    result = warehouse_backup.execute_in_process(
        resources={"duckdb": warehouse_resource(str(source))},
        run_config={"ops": {"back_up_warehouse": {"config": {"to": str(root), "keep": 1, "keep_years": 3}}}})
    assert result.success
    assert all(p.exists() for p in yearly[1:]) and not yearly[0].exists() and not recent.exists()


# ---------------------------------------------------------------- warehouse/backup.py


def test_prune_removes_what_a_backup_killed_two_days_ago_left(tmp_path):
    from warehouse.backup import PARTIAL, prune

    root = tmp_path / "backups"
    _made(root, "monitor-20270201T061500Z")
    stale = root / f"{PARTIAL}monitor-20270101T000000Z"
    stale.mkdir()
    two_days_ago = time.time() - 2 * 86_400
    os.utime(stale, (two_days_ago, two_days_ago))
    assert prune(root, 12) == [stale] and not stale.exists()


# ---------------------------------------------------------------- pipelines/prune_runs.py


def test_prune_deletes_old_cancelled_runs_and_never_one_being_cancelled_or_queued(tmp_path, capsys):
    from pipelines.prune_runs import prune

    with DagsterInstance.local_temp(tempdir=str(tmp_path)) as instance:
        for run_id, status in (("cancelled", DagsterRunStatus.CANCELED), ("cancelling", DagsterRunStatus.CANCELING),
                               ("queued", DagsterRunStatus.QUEUED)):
            instance.add_run(_run_record(run_id, status))
        assert prune(instance, timedelta(0)) == ["cancelled"]
        assert set(instance.get_run_ids()) == {"cancelling", "queued"}
        assert "index.db not compacted: a run is queued or in progress" in capsys.readouterr().err
        instance.delete_run("cancelling")
        prune(instance, timedelta(0))  # only a queued run: still not compacted under it
        assert "index.db not compacted: a run is queued or in progress" in capsys.readouterr().err


def test_the_command_line_keeps_the_run_of_the_latest_check_evaluation(tmp_path, monkeypatch, capsys):
    """`python -m pipelines.prune_runs` passes the project's check keys: without them it deleted the
    run of checks alone that holds a check's latest evaluation, which the UI then pointed at."""
    from dagster import AssetSelection, Definitions, materialize

    import pipelines.definitions
    from pipelines.prune_runs import main
    from tests.test_prune_runs import overall, overall_is_fine

    home = tmp_path / "dagster_home"
    home.mkdir()
    monkeypatch.setattr(pipelines.definitions, "defs", Definitions(assets=[overall], asset_checks=[overall_is_fine]))
    with DagsterInstance.local_temp(tempdir=str(home)) as instance:
        made = materialize([overall, overall_is_fine], instance=instance).run_id
        checked = materialize([overall, overall_is_fine], instance=instance,
                              selection=AssetSelection.checks(overall_is_fine)).run_id
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    assert main(["--older-than-days", "0"]) == 0
    with DagsterInstance.get() as instance:
        assert set(instance.get_run_ids()) == {made, checked}


# ---------------------------------------------------------------- pipelines/sensors.py


def _codebook_folder(data: Path, name: str = "pmg/2024") -> Path:
    folder = data / name
    folder.mkdir(parents=True)
    (folder / "codebook_questionnaire.yaml").write_text("files: []\n", encoding="utf-8")
    return folder


def test_a_corrected_export_of_the_same_size_or_with_the_old_time_is_requested_again(tmp_path):
    """A corrected value (7 for 8) keeps the file's size; a copy that keeps the source's time keeps
    its modification time: either way the year is requested again, or the correction never loads."""
    from pipelines.resources import SourceData

    sources = SourceData(data_dir=str(tmp_path), pseudonym_key="k")
    export = _codebook_folder(tmp_path) / "t0.csv"
    export.write_text("A-1,7\n", encoding="utf-8")
    instance = DagsterInstance.ephemeral()
    requests, cursor = _tick(instance, sources)
    assert _requested(requests) == [("pmg_yearly", "2024")]
    before = export.stat().st_mtime_ns
    export.write_text("A-1,8\n", encoding="utf-8")  # same size, newer time
    os.utime(export, ns=(before + 5_000_000_000, before + 5_000_000_000))
    requests, cursor = _tick(instance, sources, cursor)
    assert _requested(requests) == [("pmg_yearly", "2024")]
    stamp = export.stat().st_mtime_ns
    export.write_text("A-1,10\n", encoding="utf-8")  # another size, the time kept (cp -p, rsync -t)
    os.utime(export, ns=(stamp, stamp))
    requests, cursor = _tick(instance, sources, cursor)
    assert _requested(requests) == [("pmg_yearly", "2024")]


def test_folders_of_no_partition_or_no_programme_are_not_requested_and_stop_nothing(tmp_path):
    """WITHDRAWN.txt in a folder of a year that is no partition, or a codebook under a folder that
    is no programme, asks for no run (a request of an unknown partition or job fails the tick, and
    with it every other folder's request)."""
    from pipelines.resources import SourceData

    sources = SourceData(data_dir=str(tmp_path), pseudonym_key="k")
    _codebook_folder(tmp_path)
    (tmp_path / "pmg" / "2099").mkdir()
    (tmp_path / "pmg" / "2099" / "WITHDRAWN.txt").write_text("", encoding="utf-8")
    _codebook_folder(tmp_path, "onbekend/2024")
    requests, _ = _tick(DagsterInstance.ephemeral(), sources)
    assert _requested(requests) == [("pmg_yearly", "2024")]


def test_a_year_put_back_after_its_withdrawal_is_requested_under_a_new_run_key(tmp_path):
    """Requested, taken out, withdrawn, then its exports put back as they were (mv keeps the
    files' times): the daemon runs no request whose run key an earlier one had, so the year would
    stay emptied although its exports are back."""
    from pipelines.resources import SourceData

    sources = SourceData(data_dir=str(tmp_path), pseudonym_key="k")
    folder = _codebook_folder(tmp_path)
    instance = DagsterInstance.ephemeral()
    requests, cursor = _tick(instance, sources)
    first = requests[0].run_key
    shutil.move(folder, tmp_path / "elsewhere")
    folder.mkdir()
    (folder / "WITHDRAWN.txt").write_text("", encoding="utf-8")
    requests, cursor = _tick(instance, sources, cursor)
    assert _requested(requests) == [("pmg_yearly", "2024")]
    time.sleep(1.1)  # ticks are minutes apart
    shutil.rmtree(folder)
    shutil.move(tmp_path / "elsewhere", folder)
    requests, cursor = _tick(instance, sources, cursor)
    assert _requested(requests) == [("pmg_yearly", "2024")] and requests[0].run_key != first


def test_one_instruments_withdrawal_beside_a_codebook_is_requested_once(tmp_path):
    """WITHDRAWN_<instrument>.txt beside another instrument's codebook: the folder is no withdrawn
    folder, so it is requested once; taken for both, each tick requested it again, for good (and
    each run's backup rotated the twelve kept out)."""
    from assets.ingest.codebook import withdrawal_folders
    from pipelines.jobs import years_withdrawn
    from pipelines.resources import SourceData

    sources = SourceData(data_dir=str(tmp_path), pseudonym_key="k")
    folder = _codebook_folder(tmp_path)
    (folder / "WITHDRAWN_pmg_interviews.txt").write_text("", encoding="utf-8")
    assert withdrawal_folders(tmp_path, "pmg") == [] and years_withdrawn(tmp_path) == []
    instance = DagsterInstance.ephemeral()
    requests, cursor = _tick(instance, sources)
    assert _requested(requests) == [("pmg_yearly", "2024")]
    for _ in range(2):
        result, cursor = _tick(instance, sources, cursor)
        assert isinstance(result, SkipReason) and result.skip_message == "no new or changed exports"


# ---------------------------------------------------------------- pipelines/jobs.py, assets/ingest/codebook.py


def test_the_years_make_run_and_the_schedule_see(tmp_path):
    """Every year with a codebook (.yml too), every withdrawn year, and no folder of no year."""
    from assets.ingest.codebook import withdrawal_folders
    from pipelines.jobs import years_with_exports, years_withdrawn

    (tmp_path / "pmg" / "2023").mkdir(parents=True)
    (tmp_path / "pmg" / "2023" / "codebook.yml").write_text("files: []\n", encoding="utf-8")
    _codebook_folder(tmp_path, "terug_in_balans/2024")
    (tmp_path / "terug_in_balans" / "2025").mkdir()
    (tmp_path / "terug_in_balans" / "2025" / "WITHDRAWN.txt").write_text("", encoding="utf-8")
    (tmp_path / "pmg" / "archief").mkdir()
    (tmp_path / "pmg" / "archief" / "WITHDRAWN.txt").write_text("", encoding="utf-8")
    assert years_with_exports(tmp_path) == [2023, 2024]
    (tmp_path / "pmg" / "2021").mkdir()
    (tmp_path / "pmg" / "2021" / "aantekeningen.yaml").write_text("files: []\n", encoding="utf-8")
    _codebook_folder(tmp_path, "pmg/archief/2020")  # below a year's folder: no run loads it
    assert years_with_exports(tmp_path) == [2023, 2024]
    assert withdrawal_folders(tmp_path, "pmg") == []
    assert years_withdrawn(tmp_path) == [2025]


def test_a_programmes_run_writes_the_data_quality_page():
    from pipelines.definitions import defs
    from pipelines.jobs import DATA_QUALITY, PROGRAMME_JOBS

    graph = defs.resolve_asset_graph()
    for programme, programme_job in PROGRAMME_JOBS.items():
        assert DATA_QUALITY in programme_job.selection.resolve(graph), programme


# ---------------------------------------------------------------- assets/ingest/loader.py


def _inbox(tmp_path):
    from assets.ingest.codebook import load_codebook
    from tests.test_codebook_and_decode import make_inbox

    data, cb_path = make_inbox(tmp_path, "A-1,UMCG,7\r\nA-2,UMCG,6\r\n")
    return data, cb_path, load_codebook(cb_path, data)


def _parse_with_quarantine(n_quarantined: int):
    from assets.ingest.loader import quarantine_frame
    from assets.ingest.pseudonyms import Pseudonymiser
    from assets.ingest.survey import survey_cells

    def parse(codebook, source):
        rows, _, n_rows, ignored = survey_cells(codebook, source, Pseudonymiser("k"))
        quarantine = quarantine_frame(codebook.instrument, "ingest", [
            {"source_file": source.relative, "row_number": 4 + i, "column_name": "Q5", "cell_value": "x",
             "reason": "not a grade"} for i in range(n_quarantined)])
        return rows, quarantine, n_rows, ignored
    return parse


def _quarantined(conn) -> list[tuple]:
    return conn.sql("SELECT stage, row_number FROM raw.quarantine ORDER BY ALL").fetchall()


def test_a_reloaded_file_replaces_its_ingest_quarantine_and_keeps_other_stages(tmp_path):
    from assets.ingest.codebook import load_codebook
    from assets.ingest.loader import load_files
    from tests.test_codebook_and_decode import HEADER

    data, cb_path, cb = _inbox(tmp_path)
    conn = duckdb.connect()
    target = "raw.pmg_questionnaire_cells"
    [outcome] = load_files(conn, target, [(cb, cb.files[0])], _parse_with_quarantine(2))
    assert outcome.n_quarantined == 2 and _quarantined(conn) == [("ingest", 4), ("ingest", 5)]
    conn.execute("INSERT INTO raw.quarantine (source_file, row_number, column_name, cell_value, reason, stage, "
                 "instrument) VALUES (?, 9, 'Q5', 'y', 'staging', 'staging', 'demo')", [cb.files[0].relative])
    cb.files[0].path.write_text(HEADER + "A-1,UMCG,8\r\n", encoding="utf-8")  # corrected
    cb = load_codebook(cb_path, data)
    [outcome] = load_files(conn, target, [(cb, cb.files[0])], _parse_with_quarantine(1))
    assert outcome.status == "loaded" and _quarantined(conn) == [("ingest", 4), ("staging", 9)]


def test_a_file_whose_write_fails_keeps_its_earlier_rows(tmp_path, monkeypatch):
    """Deleted and inserted in one transaction: a failure after the delete (a full disk, a run
    terminated) leaves the file's rows of the last load, not none."""
    from assets.ingest import loader
    from assets.ingest.codebook import load_codebook
    from tests.test_codebook_and_decode import HEADER

    data, cb_path, cb = _inbox(tmp_path)
    conn = duckdb.connect()
    target = "raw.pmg_questionnaire_cells"
    list(loader.load_files(conn, target, [(cb, cb.files[0])], _parse_with_quarantine(1)))

    def snapshot():
        return [conn.sql(f"SELECT * EXCLUDE (loaded_at) FROM {t} ORDER BY ALL" if t == "raw.source_files"
                         else f"SELECT * FROM {t} ORDER BY ALL").fetchall()
                for t in (target, "raw.quarantine", "raw.source_files")]

    before = snapshot()
    cb.files[0].path.write_text(HEADER + "A-1,UMCG,8\r\n", encoding="utf-8")
    cb = load_codebook(cb_path, data)
    real = loader.insert_frame

    def failing(conn, qualified, frame, constants=None):
        if qualified == "raw.source_files":
            raise OSError(28, "No space left on device")
        return real(conn, qualified, frame, constants)

    monkeypatch.setattr(loader, "insert_frame", failing)
    with pytest.raises(OSError):
        list(loader.load_files(conn, target, [(cb, cb.files[0])], _parse_with_quarantine(0)))
    assert snapshot() == before


def test_a_file_taken_out_of_the_inbox_leaves_no_quarantined_rows(tmp_path):
    from assets.ingest.loader import drop_vanished_files, load_files

    _, _, cb = _inbox(tmp_path)
    conn = duckdb.connect()
    target = "raw.pmg_questionnaire_cells"
    list(load_files(conn, target, [(cb, cb.files[0])], _parse_with_quarantine(1)))
    assert drop_vanished_files(conn, target, "demo", set(), [2030]) == [cb.files[0].relative]
    assert _quarantined(conn) == []
    assert conn.sql(f"SELECT count(*) FROM {target}").fetchall() == [(0,)]



def test_the_registry_keeps_the_key_and_version_a_file_was_loaded_under(tmp_path):
    """A file counts as unchanged under the pseudonym key and ingest version it was loaded with
    alone: kept under another key, T0 and T1 of a year would give one person two pseudonyms; kept
    from a later version (a release rolled back), the rows of code that is no longer running."""
    from assets.ingest import loader

    _, _, cb = _inbox(tmp_path)
    conn = duckdb.connect()
    target = "raw.pmg_questionnaire_cells"

    def status(key_id):
        [outcome] = loader.load_files(conn, target, [(cb, cb.files[0])], _parse_with_quarantine(0), key_id)
        return outcome.status

    assert [status("key-a"), status("key-a"), status("key-b"), status("key-b")] == [
        "loaded", "unchanged", "loaded", "unchanged"]
    assert conn.sql("SELECT pseudonym_key_id, n_rows, size_bytes FROM raw.source_files").fetchall() == [
        ("key-b", 2, cb.files[0].path.stat().st_size)]  # rows read from the export, not cells
    conn.execute("UPDATE raw.source_files SET ingest_version = ?", [loader.INGEST_VERSION + 1])
    assert status("key-b") == "loaded"


def test_files_taken_out_go_with_their_registry_rows_and_load_again_when_put_back(tmp_path):
    """Every file taken out goes, not the first alone; and its raw.source_files row with it, or the
    file put back would count as unchanged and its rows stay gone."""
    from assets.ingest.loader import drop_vanished_files, load_files
    from tests.test_codebook_and_decode import _four_file_codebook

    cb = _four_file_codebook(tmp_path)
    conn = duckdb.connect()
    target = "raw.pmg_questionnaire_cells"
    jobs = [(cb, sf) for sf in cb.files]
    list(load_files(conn, target, jobs, _parse_with_quarantine(1)))
    kept = cb.files[0].relative
    assert drop_vanished_files(conn, target, "demo", {kept}, [2030]) == sorted(sf.relative for sf in cb.files[1:])
    for table in (target, "raw.quarantine", "raw.source_files"):
        assert conn.sql(f"SELECT DISTINCT source_file FROM {table}").fetchall() == [(kept,)], table
    assert [o.status for o in load_files(conn, target, jobs, _parse_with_quarantine(1))] == [
        "unchanged", "loaded", "loaded", "loaded"]
    assert conn.sql(f"SELECT count(DISTINCT source_file) FROM {target}").fetchall() == [(4,)]


def test_files_of_other_years_or_instruments_are_not_taken_out(tmp_path):
    """A run of one year lists that year's files only: the other years' rows are not its to remove."""
    from assets.ingest.loader import drop_vanished_files, load_files

    _, _, cb = _inbox(tmp_path)
    conn = duckdb.connect()
    target = "raw.pmg_questionnaire_cells"
    list(load_files(conn, target, [(cb, cb.files[0])], _parse_with_quarantine(1)))
    assert drop_vanished_files(conn, target, "demo", set(), [2031]) == []
    assert drop_vanished_files(conn, target, "other_instrument", set(), [2030]) == []
    assert conn.sql(f"SELECT count(*) FROM {target}").fetchall() == [(4,)]


def test_a_failure_while_taking_files_out_keeps_every_row(tmp_path):
    """The rows, quarantine and registry row of the files taken out go in one transaction: a
    failure part-way (a run terminated) left a file's rows without its registry row, or the reverse."""
    from assets.ingest.loader import drop_vanished_files, load_files

    _, _, cb = _inbox(tmp_path)
    conn = duckdb.connect()
    target = "raw.pmg_questionnaire_cells"
    list(load_files(conn, target, [(cb, cb.files[0])], _parse_with_quarantine(1)))

    class FailsOnTheRegistry:
        """The connection, failing where the registry row is deleted."""

        def execute(self, sql, *args):
            if sql.startswith("DELETE FROM raw.source_files"):
                raise KeyboardInterrupt
            return conn.execute(sql, *args)

    with pytest.raises(KeyboardInterrupt):
        drop_vanished_files(FailsOnTheRegistry(), target, "demo", set(), [2030])
    counts = [conn.sql(f"SELECT count(*) FROM {t}").fetchall() for t in (target, "raw.quarantine", "raw.source_files")]
    assert counts == [[(4,)], [(1,)], [(1,)]]

# ---------------------------------------------------------------- pipelines/run.py (`make run`)


def _make_run(tmp_path, monkeypatch, data: Path, success: bool, evaluations=(), events=(),
              during=lambda: None) -> tuple[int, list[dict]]:
    """run.main on `data` with a stand-in for materialize_all, which returns the check `evaluations`
    and `events` and calls `during`: (its exit code, the tags of each run)."""
    from types import SimpleNamespace

    import pipelines.definitions
    from pipelines.run import main

    runs = []

    def execute_in_process(instance, raise_on_error, tags):
        assert not raise_on_error  # a failed step ends the run, not `make run` before its summary
        runs.append(tags)
        during()
        return SimpleNamespace(run_id="stand-in", success=success, get_asset_check_evaluations=lambda: evaluations,
                               all_events=list(events))

    resources = {"sources": SimpleNamespace(data_dir=str(data)),
                 "duckdb": SimpleNamespace(database=str(tmp_path / "warehouse.duckdb")),
                 "reports": SimpleNamespace(output_dir=str(tmp_path / "reports"))}
    monkeypatch.setattr(pipelines.definitions, "defs", SimpleNamespace(
        resources=resources, resolve_job_def=lambda name: SimpleNamespace(execute_in_process=execute_in_process)))
    home = tmp_path / "dagster_home"
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return main(), runs


def test_make_run_empties_a_year_withdrawn_when_no_folder_holds_a_codebook_and_fails_with_its_run(
        tmp_path, monkeypatch, capsys):
    """Every other year archived, one withdrawn: `make run` runs that year (which removes its rows),
    does not call it kept, and exits 1 when the run fails (a script or cron job relies on it)."""
    from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

    data = tmp_path / "data"
    (data / "terug_in_balans" / "2024").mkdir(parents=True)
    (data / "terug_in_balans" / "2024" / "WITHDRAWN.txt").write_text("", encoding="utf-8")
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as conn:
        conn.execute("CREATE SCHEMA raw; CREATE TABLE raw.source_files AS SELECT 2024 AS year")
    code, runs = _make_run(tmp_path, monkeypatch, data, success=False)
    assert runs == [{ASSET_PARTITION_RANGE_START_TAG: "2024", ASSET_PARTITION_RANGE_END_TAG: "2024"}]
    assert code == 1
    out = capsys.readouterr().out
    assert "years withdrawn" in out and "without a codebook (kept as they are" not in out
    assert _make_run(tmp_path, monkeypatch, data, success=True) == (0, runs)


def test_make_run_runs_nothing_when_no_year_with_exports_is_a_partition(tmp_path, monkeypatch, capsys):
    data = tmp_path / "data"
    _codebook_folder(data, "pmg/2099")
    assert _make_run(tmp_path, monkeypatch, data, success=True) == (1, [])
    assert "not run: 2099" in capsys.readouterr().out


def test_make_run_sums_up_a_failed_run_its_checks_steps_warnings_and_reports(tmp_path, monkeypatch, capsys):
    """What `make run` prints after a failed run: the warnings, each failed check at its level with
    its failed expectations (not those met), each failed step's error, the reports this run wrote
    and the count of older ones; the years the warehouse keeps; and exit code 1."""
    from types import SimpleNamespace

    import pipelines.run
    from checks.gx_runner import _markdown

    data = tmp_path / "data"
    _codebook_folder(data, "pmg/2023")
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as conn:
        conn.execute("CREATE SCHEMA raw; CREATE TABLE raw.source_files AS SELECT * FROM range(2021, 2024) y(year)")
    old, new = tmp_path / "reports" / "pmg" / "2022" / "rapport.html", tmp_path / "reports" / "pmg" / "2023" / "r.html"
    old.parent.mkdir(parents=True)
    old.write_text("<p>", encoding="utf-8")
    os.utime(old, (1_700_000_000, 1_700_000_000))

    def writes_a_report():
        new.parent.mkdir(parents=True)
        new.write_text("<p>", encoding="utf-8")

    rows = [{"batch": 2023, "expectation": "grade within 0-10", "success": False, "unexpected_count": 2,
             "sample": ["11.0", "12.0"], "error": None},
            {"batch": 2023, "expectation": "grade not null", "success": True, "unexpected_count": 0, "sample": [],
             "error": None},
            {"batch": 2023, "expectation": "wave in set", "success": False, "unexpected_count": 1, "sample": [],
             "error": None}]
    metadata = {"expectations": SimpleNamespace(value=_markdown(rows, "year"))}

    def evaluation(check: str, passed: bool, severity: str):
        return SimpleNamespace(passed=passed, severity=SimpleNamespace(value=severity), check_name=check,
                               asset_key=SimpleNamespace(to_user_string=lambda: "raw/pmg"), description=check,
                               metadata=metadata)

    failure = SimpleNamespace(is_step_failure=True, step_key="raw__pmg",
                              step_failure_data=SimpleNamespace(error=SimpleNamespace(message=" boom\n")))
    monkeypatch.setattr(pipelines.run, "run_warnings", lambda instance, run_id: ["raw__pmg: a copied export"])
    code, _ = _make_run(tmp_path, monkeypatch, data, success=False, during=writes_a_report,
                        evaluations=[evaluation("suite", False, "WARN"), evaluation("n", False, "ERROR"),
                                     evaluation("met", True, "ERROR")],
                        events=[SimpleNamespace(is_step_failure=False), failure])
    assert code == 1
    out = capsys.readouterr().out
    assert "years in the warehouse without a codebook (kept as they are; WITHDRAWN.txt in a year's folder " \
           "removes it): 2021, 2022\n" in out
    assert ("run stand-in: FAILED\n" f"warehouse: {tmp_path / 'warehouse.duckdb'}\n"
            f"reports:   {tmp_path / 'reports'}\n" "warning: raw__pmg: a copied export\n"
            "check warning: raw/pmg suite: suite\n"
            "  2023: grade within 0-10: 2 row(s) (11.0, 12.0)\n  2023: wave in set: 1 row(s)\n"
            "check FAILED: raw/pmg n: n\n"
            "  2023: grade within 0-10: 2 row(s) (11.0, 12.0)\n  2023: wave in set: 1 row(s)\n"
            f"  {new}\n" "  (and 1 report(s) of earlier runs, not written by this one)\n"
            "step raw__pmg failed: boom\n") in out
    assert "raw/pmg met" not in out and "grade not null" not in out  # an expectation met


def test_make_run_exits_1_when_there_is_nothing_to_run_or_the_warehouse_is_in_use(tmp_path, monkeypatch, capsys):
    """A script or cron job reads the exit code: no codebook, or a warehouse another process holds,
    is a failure, said in one line; a warehouse without the registry of loaded files holds no year."""
    import pipelines.run

    data = tmp_path / "data"
    data.mkdir()
    assert _make_run(tmp_path, monkeypatch, data, success=True) == (1, [])
    assert f"no codebook under {data}/<programme>/<year>/: nothing to run" in capsys.readouterr().out
    _codebook_folder(data, "pmg/2023")

    def in_use(database):
        raise duckdb.IOException(f'Could not set lock on file "{database}": Conflicting lock is held\nmore')

    monkeypatch.setattr(pipelines.run, "years_in_warehouse", in_use)
    assert _make_run(tmp_path, monkeypatch, data, success=True) == (1, [])
    assert capsys.readouterr().out == (
        f"the warehouse {tmp_path / 'warehouse.duckdb'} is in use: Could not set lock on file "
        f'"{tmp_path / "warehouse.duckdb"}": Conflicting lock is held\n'
        "close that connection (or wait for that run) and run again\n")
    monkeypatch.undo()
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as conn:
        conn.execute("CREATE SCHEMA raw")
    assert pipelines.run.years_in_warehouse(str(tmp_path / "warehouse.duckdb")) == []


def test_range_tags_cover_the_first_to_the_last_year_in_any_order():
    from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

    from pipelines.run import range_tags

    assert range_tags([2025, 2023, 2024]) == {ASSET_PARTITION_RANGE_START_TAG: "2023",
                                              ASSET_PARTITION_RANGE_END_TAG: "2025"}


def test_make_run_lists_the_runs_warnings_once_each():
    """A copied export, another pseudonym key, quarantined rows are said at WARNING level: `make
    run` lists them, each once, with the step that said it first."""
    from dagster import OpExecutionContext

    from pipelines.run import run_warnings

    @op
    def warns(context: OpExecutionContext):
        context.log.warning("pmg/2024/t0.csv has the same bytes as pmg/2023/t0.csv")
        context.log.warning("pmg/2024/t0.csv has the same bytes as pmg/2023/t0.csv")
        context.log.info("loaded")

    with DagsterInstance.ephemeral() as instance:
        run_id = _job_of("warns", warns).execute_in_process(instance=instance).run_id
        assert run_warnings(instance, run_id) == ["warns: pmg/2024/t0.csv has the same bytes as pmg/2023/t0.csv"]


def test_make_run_lists_a_warning_with_the_first_step_that_said_it_and_no_step_failure_among_them():
    from dagster import OpExecutionContext

    from pipelines.run import run_warnings

    @op
    def first(context: OpExecutionContext) -> int:
        context.log.warning("MHM_PSEUDONYM_KEY is short")
        return 1

    @op
    def second(context: OpExecutionContext, after: int):
        context.log.warning("MHM_PSEUDONYM_KEY is short")
        raise RuntimeError("a bad export")

    @job(name="two_steps")
    def two_steps():
        second(first())

    with DagsterInstance.ephemeral() as instance:
        run_id = two_steps.execute_in_process(instance=instance, raise_on_error=False).run_id
        assert run_warnings(instance, run_id) == ["first: MHM_PSEUDONYM_KEY is short"]
