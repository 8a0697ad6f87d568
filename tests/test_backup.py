"""Backups of the warehouse (warehouse/backup.py, pipelines/backups.py): a restore gives back every
table row for row, a damaged backup is refused naming the file, and the Dagster job and its sensor
back up after a successful run."""

import json
import os
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT
from warehouse.backup import MANIFEST, PARTIAL, BackupError, backups, export, main, prune, restore, table_rows, verify

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
        columns = warehouse.sql(f"SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = ? "
                                f"AND schema_name = ? AND table_name = ? ORDER BY column_index",
                                params=["restored", schema, name]).fetchall()
        assert columns == warehouse.sql(f"SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = "
                                        f"current_database() AND schema_name = ? AND table_name = ? ORDER BY "
                                        f"column_index", params=[schema, name]).fetchall(), table
        for a, b in (("", "restored."), ("restored.", "")):
            [(differ,)] = warehouse.sql(f'SELECT count(*) FROM (SELECT * FROM {a}"{schema}"."{name}" '
                                        f'EXCEPT ALL SELECT * FROM {b}"{schema}"."{name}")').fetchall()
            assert differ == 0, table
    warehouse.execute("DETACH restored")


def test_a_backup_is_readable_by_the_service_user_only(backup):
    assert backup.stat().st_mode & 0o777 == 0o700
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
    assert not list(tmp_path.glob("*restor*"))  # nothing half-written


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
    assert not (tmp_path / "restored.duckdb").exists() and not list(tmp_path.glob(".*restoring"))


def test_prune_keeps_the_newest_and_removes_what_a_killed_backup_left(tmp_path):
    root = tmp_path / "backups"
    made = []
    for day in (1, 2, 3):
        folder = root / f"monitor-2027020{day}T061500Z"
        folder.mkdir(parents=True)
        made.append(folder)
    stale, fresh = root / f"{PARTIAL}monitor-20270101T000000Z", root / f"{PARTIAL}monitor-20270204T000000Z"
    stale.mkdir(), fresh.mkdir()
    os.utime(stale, (0, 0))
    assert sorted(prune(root, 2)) == sorted([made[0], stale])
    assert backups(root) == made[1:] and fresh.exists()  # a backup still being written stays
    with pytest.raises(BackupError, match="at least the newest"):
        prune(root, 0)


def test_the_command_line_backs_up_and_restores(full_run, tmp_path, capsys):
    _, run = full_run
    source = tmp_path / "monitor.duckdb"
    shutil.copy(run / "warehouse.duckdb", source)
    assert main(["export", "--warehouse", str(source), "--to", str(tmp_path / "b"), "--keep", "1"]) == 0
    [made] = backups(tmp_path / "b")
    assert main(["restore", str(made), "--to", str(tmp_path / "r.duckdb")]) == 0
    assert "restored" in capsys.readouterr().out


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


def test_the_backup_job_runs_in_the_duckdb_pool_and_the_sensor_asks_for_it_after_a_run(full_run, tmp_path):
    from dagster import DagsterInstance, DagsterRunStatus, build_run_status_sensor_context, job, op

    from pipelines.backups import backup_sensor, warehouse_backup
    from pipelines.jobs import materialize_all
    from pipelines.resources import warehouse_resource

    _, run = full_run
    source = tmp_path / "monitor.duckdb"
    shutil.copy(run / "warehouse.duckdb", source)
    [step] = warehouse_backup.graph.node_defs
    assert step.pool == "duckdb"  # queued behind any step that writes the warehouse
    result = warehouse_backup.execute_in_process(
        resources={"duckdb": warehouse_resource(str(source))},
        run_config={"ops": {"back_up_warehouse": {"config": {"to": str(tmp_path / "b"), "keep": 3}}}})
    assert result.success
    [made] = backups(tmp_path / "b")
    assert verify(made)["tables"] == table_rows(duckdb.connect(str(source), read_only=True))

    assert backup_sensor({}, [materialize_all]) is None
    sensor = backup_sensor({"MHM_BACKUP_DIR": str(tmp_path / "b")}, [materialize_all])

    @op
    def nothing():
        pass

    @job(name="materialize_all")
    def finished_yearly_run():  # stands in for a yearly run: the sensor reads only its record
        nothing()

    with DagsterInstance.ephemeral() as instance:
        finished = finished_yearly_run.execute_in_process(instance=instance)
        request = sensor(build_run_status_sensor_context(
            sensor_name=sensor.name, dagster_instance=instance, dagster_run=finished.dagster_run,
            dagster_event=finished.get_run_success_event()))
    assert finished.dagster_run.status == DagsterRunStatus.SUCCESS
    assert request.run_key == finished.dagster_run.run_id


def test_the_backup_module_runs_as_documented(tmp_path):
    result = subprocess.run([sys.executable, "-m", "warehouse.backup", "--help"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0 and "export" in result.stdout and "restore" in result.stdout
