"""Schedule and sensor, evaluated in-process."""

import json
import os
from pathlib import Path

import yaml
from dagster import DagsterInstance, build_schedule_context, build_sensor_context, instance_for_test

from pipelines.definitions import defs
from pipelines.resources import SourceData
from pipelines.sensors import inbox_sensor
from tests.conftest import ROOT


def test_yearly_schedule_requests_the_full_job():
    schedule = defs.resolve_schedule_def("yearly_refresh")
    with instance_for_test() as instance:
        data = schedule.evaluate_tick(build_schedule_context(instance=instance))
    assert len(data.run_requests) == 1
    assert schedule.job_name == "materialize_all" and schedule.execution_timezone == "Europe/Amsterdam"


def test_inbox_sensor_requests_a_run_per_changed_year_folder(tmp_path: Path):
    folder = tmp_path / "pmg" / "2031"
    folder.mkdir(parents=True)
    (folder / "export.csv").write_text("x", encoding="utf-8")
    sources = SourceData(data_dir=str(tmp_path), pseudonym_key="k")
    with instance_for_test() as instance:
        context = build_sensor_context(instance=instance, resources={"sources": sources})
        assert inbox_sensor(context).skip_message == "no new or changed exports"  # no codebook yet

        (folder / "codebook_questionnaire.yaml").write_text("instrument: x", encoding="utf-8")
        context = build_sensor_context(instance=instance, resources={"sources": sources}, cursor=context.cursor)
        requests = inbox_sensor(context)
        assert [r.tags["year"] for r in requests] == ["2031"] and requests[0].tags["programme"] == "pmg"

        context = build_sensor_context(instance=instance, resources={"sources": sources}, cursor=context.cursor)
        assert inbox_sensor(context).skip_message == "no new or changed exports"  # nothing new

        (folder / "export_t1.csv").write_text("y", encoding="utf-8")
        context = build_sensor_context(instance=instance, resources={"sources": sources}, cursor=context.cursor)
        assert [r.tags["year"] for r in inbox_sensor(context)] == ["2031"]
        assert "pmg/2031" in json.loads(context.cursor)


def test_instance_queues_runs_one_at_a_time():
    config = yaml.safe_load((ROOT / "dagster_home" / "dagster.yaml").read_text(encoding="utf-8"))
    assert config["concurrency"]["runs"]["max_concurrent_runs"] == 1
    assert config["concurrency"]["pools"]["default_limit"] == 1
    previous = os.environ.get("DAGSTER_HOME")
    os.environ["DAGSTER_HOME"] = str(ROOT / "dagster_home")
    try:
        with DagsterInstance.get() as instance:  # the file is valid instance configuration
            assert instance.run_coordinator.__class__.__name__ == "QueuedRunCoordinator"
    finally:
        if previous is None:
            os.environ.pop("DAGSTER_HOME")
        else:
            os.environ["DAGSTER_HOME"] = previous
