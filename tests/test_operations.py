"""Schedule and sensor, evaluated in-process."""

import json
import os
import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from dagster import DagsterInstance, build_schedule_context, build_sensor_context

from pipelines.definitions import defs
from pipelines.resources import SourceData
from pipelines.sensors import inbox_sensor
from tests.conftest import DATA, ROOT, resources_for


def test_yearly_schedule_requests_last_years_partition(tmp_path: Path):
    """On 1 February the schedule asks for the past year's partition, once there is a codebook for it."""
    schedule = defs.resolve_schedule_def("yearly_refresh")
    assert schedule.job_name == "materialize_all" and schedule.execution_timezone == "Europe/Amsterdam"
    sources = SourceData(data_dir=str(DATA), pseudonym_key="k")
    # Not entered as a context: an entered instance stays Dagster's current one after its files are gone.
    instance = DagsterInstance.ephemeral()
    tick = datetime(2024, 2, 1, 6, tzinfo=ZoneInfo("Europe/Amsterdam"))
    request = schedule(build_schedule_context(instance=instance, scheduled_execution_time=tick,
                                              resources={"sources": sources}))
    assert (request.partition_key, request.run_key) == ("2023", "yearly-2023")
    empty = SourceData(data_dir=str(tmp_path), pseudonym_key="k")
    skipped = schedule(build_schedule_context(instance=instance, scheduled_execution_time=tick,
                                              resources={"sources": empty}))
    assert "no codebook for 2023" in skipped.skip_message


def test_inbox_sensor_requests_the_changed_years_partition(tmp_path: Path):
    folder = tmp_path / "pmg" / "2025"
    folder.mkdir(parents=True)
    (folder / "export.csv").write_text("x", encoding="utf-8")
    sources = SourceData(data_dir=str(tmp_path), pseudonym_key="k")
    instance = DagsterInstance.ephemeral()
    context = build_sensor_context(instance=instance, resources={"sources": sources})
    assert inbox_sensor(context).skip_message == "no new or changed exports"  # no codebook yet

    (folder / "codebook_questionnaire.yaml").write_text("instrument: x", encoding="utf-8")
    context = build_sensor_context(instance=instance, resources={"sources": sources}, cursor=context.cursor)
    requests = inbox_sensor(context)
    assert [(r.job_name, r.partition_key) for r in requests] == [("pmg_yearly", "2025")]

    context = build_sensor_context(instance=instance, resources={"sources": sources}, cursor=context.cursor)
    assert inbox_sensor(context).skip_message == "no new or changed exports"  # nothing new

    (folder / "export_t1.csv").write_text("y", encoding="utf-8")
    (tmp_path / "terug_in_balans" / "2024").mkdir(parents=True)
    (tmp_path / "terug_in_balans" / "2024" / "codebook_survey.yaml").write_text("x", encoding="utf-8")
    context = build_sensor_context(instance=instance, resources={"sources": sources}, cursor=context.cursor)
    assert [(r.job_name, r.partition_key) for r in inbox_sensor(context)] == [
        ("pmg_yearly", "2025"), ("terug_in_balans_yearly", "2024")]
    assert "pmg/2025" in json.loads(context.cursor)


def test_the_schedules_run_of_a_year_with_only_one_programme_succeeds(tmp_path: Path):
    """The yearly schedule runs every asset for the past year. In the sample's 2024 only Terug in
    Balans ran: PMG's suites find no rows of 2024 and pass, saying there were no exports to load."""
    schedule = defs.resolve_schedule_def("yearly_refresh")
    job = defs.resolve_job_def(schedule.job_name)
    result = job.execute_in_process(partition_key="2024", resources=resources_for(tmp_path),
                                    instance=DagsterInstance.ephemeral(), raise_on_error=False)
    assert result.success
    checks = {(e.asset_key.to_user_string(), e.check_name): e for e in result.get_asset_check_evaluations()}
    for table in ("raw/pmg_questionnaire_cells", "raw/pmg_interview_segments", "staging/pmg_questionnaire_responses"):
        evaluation = checks[table, "expectation_suite"]
        assert evaluation.passed and "no exports of those years" in evaluation.description, table
    assert checks["raw/tib_survey_cells", "expectation_suite"].passed
    written = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert "reports/terug_in_balans" in written


def test_a_sensor_request_runs_that_years_partition(tmp_path: Path):
    """The run the sensor asks for, executed: the Terug in Balans job for the sample's 2024 cohort."""
    data = tmp_path / "data"
    shutil.copytree(DATA / "terug_in_balans", data / "terug_in_balans")
    sources = SourceData(data_dir=str(data), pseudonym_key="k")
    instance = DagsterInstance.ephemeral()
    request, = inbox_sensor(build_sensor_context(instance=instance, resources={"sources": sources}))
    job = defs.resolve_job_def(request.job_name)
    result = job.execute_in_process(partition_key=request.partition_key, resources=resources_for(tmp_path, data),
                                    raise_on_error=False)
    assert result.success
    written = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()
               if e.partition == "2024"}
    assert {"raw/tib_survey_cells", "marts/tib_skills", "reports/terug_in_balans"} <= written
    assert not any(k.startswith(("raw/pmg", "marts/pmg")) for k in written)


def test_instance_queues_runs_one_at_a_time():
    config = yaml.safe_load((ROOT / "dagster_home" / "dagster.yaml").read_text(encoding="utf-8"))
    assert config["concurrency"]["runs"]["max_concurrent_runs"] == 1
    assert config["concurrency"]["pools"]["default_limit"] == 1
    # a run holds the warehouse from start to end: the pool limits runs, not each step
    assert config["concurrency"]["pools"]["granularity"] == "run"
    previous = os.environ.get("DAGSTER_HOME")
    os.environ["DAGSTER_HOME"] = str(ROOT / "dagster_home")
    try:
        instance = DagsterInstance.get()  # the file is valid instance configuration
        assert instance.run_coordinator.__class__.__name__ == "QueuedRunCoordinator"
        instance.dispose()
    finally:
        if previous is None:
            os.environ.pop("DAGSTER_HOME")
        else:
            os.environ["DAGSTER_HOME"] = previous


def test_kind_duckdb_selects_every_warehouse_table_and_no_chart_or_report():
    """docs/operations.md: `--select 'kind:duckdb'` refreshes the warehouse alone. A table asset
    without the kind would be left out of that refresh without a word."""
    from dagster import AssetSelection

    from assets.tables import key
    from warehouse.schema import tables

    graph = defs.resolve_asset_graph()
    assets = graph.get_all_asset_keys()
    selected = AssetSelection.from_string("kind:duckdb").resolve(graph)
    assert key("marts.pmg_mental_health") in selected and key("raw.pmg_questionnaire_cells") in selected
    assert selected == {key(qualified) for qualified in tables()} & assets  # raw, staging, marts: no chart or report
