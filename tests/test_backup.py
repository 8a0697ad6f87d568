"""Backups of the warehouse (warehouse/backup.py, pipelines/backups.py): a restore gives back every
table row for row, a damaged backup is refused naming the file, and the Dagster job and its sensor
back up after a successful run."""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT
from warehouse.backup import (MANIFEST, PARTIAL, BackupError, _sha256, backups, export, main, prune, restore,
                              table_rows, verify)

WHEN = datetime(2027, 2, 1, 6, 15, tzinfo=timezone.utc)


@pytest.fixture
def backup(warehouse, tmp_path) -> Path:
    return export(warehouse, tmp_path / "backups", now=WHEN)


def test_a_restore_gives_back_every_table_row_for_row(warehouse, backup, tmp_path):
    assert backup.name == "monitor-20270201T061500Z" and backups(backup.parent) == [backup]
    restored = tmp_path / "restored.duckdb"
    rows = restore(backup, restored)
    assert rows == table_rows(warehouse) and len(rows) > 20 and sum(rows.values()) > 1000
    warehouse.execute(f"ATTACH '{restored}' AS restored (READ_ONLY)")
    for table in rows:
        schema, name = table.split(".")
        columns = ("SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = {} "
                   "AND schema_name = ? AND table_name = ? ORDER BY column_index")
        assert warehouse.sql(columns.format("'restored'"), params=[schema, name]).fetchall() == \
            warehouse.sql(columns.format("current_database()"), params=[schema, name]).fetchall(), table
        for a, b in (("", "restored."), ("restored.", "")):
            [(differ,)] = warehouse.sql(f'SELECT count(*) FROM (SELECT * FROM {a}"{schema}"."{name}" '
                                        f'EXCEPT ALL SELECT * FROM {b}"{schema}"."{name}")').fetchall()
            assert differ == 0, table
    warehouse.execute("DETACH restored")


def test_a_backup_is_readable_by_the_service_user_only(backup):
    assert backup.stat().st_mode & 0o777 == backup.parent.stat().st_mode & 0o777 == 0o700  # the folder of backups too
    assert {p.stat().st_mode & 0o777 for p in backup.iterdir()} == {0o600}
    manifest = json.loads((backup / MANIFEST).read_text())
    assert set(manifest["files"]) == {p.name for p in backup.iterdir()} - {MANIFEST}
    assert any(name.endswith(".parquet") for name in manifest["files"])


@pytest.mark.parametrize("damage, says", [
    ("flip", "its SHA-256 differs from the manifest's"),
    ("remove", "listed in the manifest but missing"),
    ("add", "not in the manifest"),
    ("manifest", "no MANIFEST.json"),
])
def test_a_damaged_backup_is_refused_naming_the_file(backup, tmp_path, damage, says):
    parquet = next(p for p in sorted(backup.iterdir()) if p.name.startswith("marts_"))
    if damage == "flip":
        data = bytearray(parquet.read_bytes())
        data[len(data) // 2] ^= 0xFF
        parquet.write_bytes(bytes(data))
    elif damage == "remove":
        parquet.unlink()
    elif damage == "add":
        (backup / "extra.parquet").write_bytes(b"")
    else:
        (backup / MANIFEST).unlink()
    with pytest.raises(BackupError, match=says) as refused:
        restore(backup, tmp_path / "restored.duckdb")
    if damage in ("flip", "remove"):
        assert parquet.name in str(refused.value)


def test_a_restore_changes_no_existing_file_and_leaves_nothing_when_rows_differ(backup, tmp_path):
    existing = tmp_path / "monitor.duckdb"
    existing.write_bytes(b"the warehouse in use")
    with pytest.raises(BackupError, match="exists"):
        restore(backup, existing)
    assert existing.read_bytes() == b"the warehouse in use"
    # a manifest whose rows the files do not hold (a backup of another warehouse's manifest)
    manifest = json.loads((backup / MANIFEST).read_text())
    table = next(iter(manifest["tables"]))
    manifest["tables"][table] += 1
    (backup / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(BackupError, match=f"differ from the manifest's rows: {table}"):
        restore(backup, tmp_path / "restored.duckdb")
    assert not (tmp_path / "restored.duckdb").exists() and not list(tmp_path.glob(".*restoring*"))


def test_a_restore_reads_nothing_outside_the_backup(backup, tmp_path):
    """The backup's SQL runs as it is: one whose schema.sql (and manifest, rows and all) someone
    rewrote to read another file is stopped by DuckDB, and no file appears. (In load.sql IMPORT
    takes COPY alone, and reads its files from the backup's folder whatever path they name.)"""
    secret = tmp_path / "elders.csv"
    secret.write_text("naam\nJansen\n")
    ddl = backup / "schema.sql"
    ddl.write_text(ddl.read_text() + f"CREATE TABLE main.stolen AS SELECT * FROM read_csv('{secret}');\n")
    manifest = json.loads((backup / MANIFEST).read_text())
    manifest["files"]["schema.sql"] = _sha256(ddl)
    manifest["tables"]["main.stolen"] = 1
    (backup / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(BackupError, match="cannot be restored .PermissionException"):
        restore(backup, tmp_path / "restored.duckdb")
    assert not (tmp_path / "restored.duckdb").exists() and not list(tmp_path.glob(".*restoring*"))


def test_a_backup_is_never_readable_by_others_while_it_is_written(warehouse, tmp_path, monkeypatch):
    """DuckDB writes the export's files with the umask's mode (0644): the folder they go into is
    the service user's from the start, so a backup killed half-way (SIGKILL: no clean-up runs)
    leaves nothing others can read."""
    import warehouse.backup as backup_module

    monkeypatch.setattr(backup_module.shutil, "rmtree", lambda *args, **kwargs: None)  # killed: nothing removed

    class KilledAfterTheExport:
        def sql(self, *args, **kwargs):
            return warehouse.sql(*args, **kwargs)

        def execute(self, query, *args):
            warehouse.execute(query, *args)
            raise KeyboardInterrupt  # the job killed just after DuckDB wrote the files

    old = os.umask(0o022)
    try:
        with pytest.raises(KeyboardInterrupt):
            export(KilledAfterTheExport(), tmp_path / "b", now=WHEN)
    finally:
        os.umask(old)
    [partial] = (tmp_path / "b").glob(PARTIAL + "*")
    assert partial.stat().st_mode & 0o777 == 0o700 and any(partial.iterdir())
    assert backups(tmp_path / "b") == []


def test_an_empty_warehouse_is_not_backed_up(tmp_path):
    """A job pointed at a warehouse that is not there opens a new, empty one: backing that up and
    pruning would push a real backup out."""
    with duckdb.connect(str(tmp_path / "new.duckdb")) as empty, pytest.raises(BackupError, match="no table"):
        export(empty, tmp_path / "b")
    assert not (tmp_path / "b").exists()


def _made(root: Path, name: str) -> Path:
    (root / name).mkdir(parents=True)
    (root / name / MANIFEST).write_text("{}")
    return root / name


def test_prune_keeps_the_newest_and_removes_what_a_killed_backup_left(tmp_path):
    root = tmp_path / "backups"
    made = [_made(root, f"monitor-2027020{day}T061500Z") for day in (1, 2, 3)]
    stale, fresh = root / f"{PARTIAL}monitor-20270101T000000Z", root / f"{PARTIAL}monitor-20270204T000000Z"
    stale.mkdir(), fresh.mkdir()
    os.utime(stale, (0, 0))
    # what export did not name, or left without a manifest, is not a backup: neither kept nor removed
    others = [root / "monitor-old", _made(root, "monitor-kopie"), root / "monitor-20270205T061500Z"]
    others[0].mkdir(), others[2].mkdir()
    assert sorted(prune(root, 2)) == sorted([made[0], stale])
    assert backups(root) == made[1:] and fresh.exists() and all(p.exists() for p in others)
    with pytest.raises(BackupError, match="at least the newest"):
        prune(root, 0)


def test_prune_keeps_the_newest_of_each_recent_year_beside_the_newest(tmp_path):
    """Twelve successful runs on wrong exports would leave no backup from before them: the newest
    backup of each of the last keep_years calendar years stays too."""
    root = tmp_path / "backups"
    old = [_made(root, f"monitor-{year}0201T061500Z") for year in (2024, 2025)]
    late_2025 = _made(root, "monitor-20251101T061500Z")
    recent = [_made(root, f"monitor-202602{day:02d}T061500Z") for day in range(1, 6)]
    assert sorted(prune(root, 2, keep_years=2)) == sorted([*old, *recent[:3]])
    assert backups(root) == [late_2025, *recent[3:]]


def test_the_command_line_backs_up_and_restores(full_run, tmp_path, capsys):
    _, run = full_run
    source = tmp_path / "monitor.duckdb"
    shutil.copy(run / "warehouse.duckdb", source)
    assert main(["export", "--warehouse", str(source), "--to", str(tmp_path / "b"), "--keep", "1"]) == 0
    [made] = backups(tmp_path / "b")
    assert main(["verify", str(made)]) == 0
    assert main(["restore", str(made), "--to", str(tmp_path / "r.duckdb")]) == 0
    out = capsys.readouterr().out
    assert "files as the manifest lists them" in out and "restored" in out


def test_the_command_line_says_when_a_run_holds_the_warehouse(full_run, tmp_path, capsys):
    _, run = full_run
    source = tmp_path / "monitor.duckdb"
    shutil.copy(run / "warehouse.duckdb", source)
    # a run: another process with the file open for writing
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1]); "
                               "print('open', flush=True); sys.stdin.read()", str(source)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        assert main(["export", "--warehouse", str(source), "--to", str(tmp_path / "b")]) == 1
    finally:
        holder.communicate("")
    assert "cannot be opened while a run writes it" in capsys.readouterr().err
    assert backups(tmp_path / "b") == []


def test_the_backup_job_runs_in_the_duckdb_pool_and_the_sensor_exists_with_a_backup_folder(full_run, tmp_path):
    from pipelines.backups import backup_sensor, warehouse_backup
    from pipelines.resources import warehouse_resource

    _, run = full_run
    source = tmp_path / "monitor.duckdb"
    shutil.copy(run / "warehouse.duckdb", source)
    [step] = warehouse_backup.graph.node_defs
    assert step.pool == "duckdb"  # queued behind any step that writes the warehouse
    result = warehouse_backup.execute_in_process(
        resources={"duckdb": warehouse_resource(str(source))},
        run_config={"ops": {"back_up_warehouse": {"config": {"to": str(tmp_path / "b"), "keep": 3, "keep_years": 0}}}})
    assert result.success
    [made] = backups(tmp_path / "b")
    assert verify(made)["tables"] == table_rows(duckdb.connect(str(source), read_only=True))

    assert backup_sensor({}) is None and backup_sensor({"MHM_BACKUP_DIR": str(tmp_path / "b")}) is not None


def test_the_sensor_backs_up_once_after_a_burst_of_runs_however_the_last_ended(tmp_path):
    """The sensor's first tick requests every year's folder, a backfill a run a year: a backup after
    each rotated every recent one out (twelve kept), the one from before a mistake included. Asked
    for after successes alone, a burst whose last run failed was never backed up."""
    from dagster import DagsterInstance, RunRequest, SkipReason, build_sensor_context, job, op
    from dagster._core.storage.dagster_run import DagsterRun, DagsterRunStatus

    from pipelines.backups import backup_due, backup_sensor

    sensor = backup_sensor({"MHM_BACKUP_DIR": str(tmp_path / "b")})

    @op
    def nothing():
        pass

    @op
    def fails():
        raise RuntimeError("a run that fails")

    def job_of(name: str, step):  # stands in for a run of that job: the sensor reads only its record
        @job(name=name)
        def run():
            step()
        return run

    yearly, failing = job_of("pmg_yearly", nothing), job_of("terug_in_balans_yearly", fails)
    backup, failed_backup = job_of("warehouse_backup", nothing), job_of("warehouse_backup", fails)

    def tick(instance):
        return sensor(build_sensor_context(instance=instance))

    with DagsterInstance.ephemeral() as instance:
        assert tick(instance).skip_message == "no run has succeeded since the last backup"
        first = yearly.execute_in_process(instance=instance).dagster_run
        instance.add_run(DagsterRun(job_name="pmg_yearly", run_id="going", status=DagsterRunStatus.STARTED))
        assert "a run is queued or in progress" in tick(instance).skip_message
        instance.report_run_failed(instance.get_run_by_id("going"))  # the burst's last run fails
        request = tick(instance)
        assert isinstance(request, RunRequest) and request.run_key == f"after {first.run_id}"
        backup.execute_in_process(instance=instance)
        assert isinstance(tick(instance), SkipReason)  # backed up since
        second = yearly.execute_in_process(instance=instance).dagster_run
        third = yearly.execute_in_process(instance=instance).dagster_run
        failing.execute_in_process(instance=instance, raise_on_error=False)
        request = tick(instance)
        assert request.run_key == f"after {third.run_id}" and second.run_id not in request.run_key
        # a backup that fails (the share not mounted) is tried again, twice, 15 and 30 minutes after,
        # then left to its runs' errors
        for attempt, wait in ((2, 15), (3, 30)):
            failed_backup.execute_in_process(instance=instance, raise_on_error=False)
            assert backup_due(instance)[1] == f"the last backup failed: tried again in {wait} min"
            assert backup_due(instance, time.time() + wait * 60 + 1)[0] == f"{third.run_id} (try {attempt})"
        failed_backup.execute_in_process(instance=instance, raise_on_error=False)
        assert backup_due(instance, time.time() + 3600)[1] == "the last 3 backups failed: see their runs"
        # one cancelled is not tried again: someone stopped it
        yearly.execute_in_process(instance=instance)
        instance.add_run(DagsterRun(job_name="warehouse_backup", run_id="stopped", status=DagsterRunStatus.CANCELED))
        assert backup_due(instance)[1] == "the backup after the last runs was cancelled: launch it by hand"


@pytest.mark.parametrize("stop", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_a_backup_that_fails_or_is_cancelled_leaves_nothing_behind(tmp_path, monkeypatch, stop):
    """On a full disk each try of a failed backup left its part behind, filling the disk further;
    so did a run cancelled in the UI (Dagster interrupts it with a BaseException)."""
    import warehouse.backup as backup_module

    conn = duckdb.connect()
    conn.execute("CREATE TABLE t AS SELECT 1 AS x")

    def stopped(path):
        raise stop

    monkeypatch.setattr(backup_module, "_sha256", stopped)
    with pytest.raises(type(stop)):
        export(conn, tmp_path / "b")
    assert list((tmp_path / "b").iterdir()) == []


def test_the_backup_module_runs_as_documented(tmp_path):
    result = subprocess.run([sys.executable, "-m", "warehouse.backup", "--help"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0 and "export" in result.stdout and "restore" in result.stdout


def test_the_pipeline_runs_on_a_restored_warehouse_and_changes_nothing(backup, tmp_path):
    """A restore is a warehouse the next run takes up: its exports are found unchanged (nothing
    loaded again) and every mart comes out as it was backed up."""
    from pipelines.definitions import ASSETS, CHECKS
    from tests.conftest import materialize_years, resources_for

    restore(backup, tmp_path / "warehouse.duckdb")

    def snapshot():
        with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as conn:
            marts = {t: sorted(map(repr, conn.sql(f"SELECT * FROM marts.{t}").fetchall())) for t, in conn.sql(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts'").fetchall()}
            loaded = conn.sql("SELECT source_file, sha256, loaded_at FROM raw.source_files ORDER BY 1").fetchall()
        return marts, loaded

    before = snapshot()
    assert materialize_years([*ASSETS, *CHECKS], resources_for(tmp_path)).success
    assert snapshot() == before and before[1]


def test_the_checksum_covers_every_block_of_a_large_file(tmp_path):
    """A year's Parquet files run to many MiB, read a MiB at a time: damage after the first read,
    or in the last byte, is found as well."""
    big = tmp_path / "big.parquet"
    data = os.urandom(3 * (1 << 20) + 17)
    big.write_bytes(data)
    assert _sha256(big) == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("version", [2, None])
def test_a_backup_of_another_format_is_refused(backup, version):
    """A manifest of a later format (or none stated) may lay its files out otherwise: it is not read as this one."""
    manifest = json.loads((backup / MANIFEST).read_text())
    manifest["format"] = version
    (backup / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(BackupError, match=f"format {version!r}, this version reads 1"):
        verify(backup)


def test_a_backup_that_changes_while_it_is_copied_is_not_restored(backup, tmp_path, monkeypatch):
    """Verified, then copied: a backup rewritten in between, its manifest along with its files (a
    sync replacing the off-site copy), is not the one verified, and nothing is restored."""
    import warehouse.backup as backup_module

    copytree = shutil.copytree

    def copied_then_rewritten(source, target, *args, **kwargs):
        copytree(source, target, *args, **kwargs)
        load, manifest_file = Path(target) / "load.sql", Path(target) / MANIFEST
        load.write_text(load.read_text() + "-- rewritten\n")
        manifest = json.loads(manifest_file.read_text())
        manifest["files"]["load.sql"] = _sha256(load)
        manifest_file.write_text(json.dumps(manifest))

    monkeypatch.setattr(backup_module.shutil, "copytree", copied_then_rewritten)
    with pytest.raises(BackupError, match="changed while it was being restored"):
        restore(backup, tmp_path / "restored.duckdb")
    assert not (tmp_path / "restored.duckdb").exists() and not list(tmp_path.glob(".*restoring*"))


def test_a_read_only_backup_is_restored_through_a_copy_the_service_can_remove(backup, tmp_path, monkeypatch):
    """An off-site copy mounted read-only copies as read-only: made writable, the copy goes after
    the restore (root, as the tests run, removes it either way: the modes are what is checked)."""
    import warehouse.backup as backup_module

    modes = {}
    verify_ = backup_module.verify

    def seen(path):
        if path != backup:
            modes.update({p.name: p.stat().st_mode & 0o700 for p in [path, *path.iterdir()]})
        return verify_(path)

    for path in backup.iterdir():
        path.chmod(0o400)
    backup.chmod(0o500)
    monkeypatch.setattr(backup_module, "verify", seen)
    try:
        restore(backup, tmp_path / "restored.duckdb")
    finally:
        backup.chmod(0o700)
    assert modes and all(mode & 0o600 == 0o600 for mode in modes.values()), modes
    assert not list(tmp_path.glob(".*restoring*"))


def test_the_command_line_keeps_the_newest_backup_of_recent_years(tmp_path):
    """`--keep-years` reaches the prune: the newest of the last years that have backups stays."""
    source = tmp_path / "monitor.duckdb"
    with duckdb.connect(str(source)) as conn:
        conn.execute("CREATE TABLE t AS SELECT 1 AS x")
    root = tmp_path / "b"
    old, older = _made(root, "monitor-20010201T061500Z"), _made(root, "monitor-20000201T061500Z")
    assert main(["export", "--warehouse", str(source), "--to", str(root), "--keep", "1", "--keep-years", "2"]) == 0
    assert old.exists() and not older.exists() and len(backups(root)) == 2


def test_a_restored_warehouse_is_readable_by_the_service_user_only(backup, tmp_path):
    restored = tmp_path / "restored.duckdb"
    restore(backup, restored)
    assert restored.stat().st_mode & 0o777 == 0o600


def test_a_restore_into_a_folder_not_there_yet_makes_it(backup, tmp_path):
    restored = tmp_path / "new" / "restored.duckdb"
    assert restore(backup, restored) and restored.is_file()


def test_prune_without_keep_years_keeps_only_the_newest_whatever_their_years(tmp_path):
    """keep_years 0 (the command line's default) keeps no yearly backup: a year's newest goes like any other."""
    root = tmp_path / "backups"
    made = [_made(root, name) for name in ("monitor-20250201T061500Z", "monitor-20260201T061500Z",
                                           "monitor-20270201T061500Z")]
    assert sorted(prune(root, 1)) == made[:2] and backups(root) == made[2:]


def test_a_copy_renamed_beside_the_backups_is_not_one(tmp_path):
    """A backup copied aside under a longer name is someone's, not export's: prune neither counts,
    keeps nor removes it."""
    root = tmp_path / "backups"
    made = [_made(root, f"monitor-2027020{day}T061500Z") for day in (1, 2)]
    copy = _made(root, "monitor-20270202T061500Z-kopie")
    assert prune(root, 1) == made[:1] and backups(root) == made[1:] and copy.exists()
