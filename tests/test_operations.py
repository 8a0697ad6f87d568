"""Schedule and sensor, evaluated in-process."""

import json
import os
import re
import shutil
import time
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import yaml
from dagster import (DagsterInstance, DefaultScheduleStatus, SkipReason, build_schedule_context, build_sensor_context,
                     job, op)

import pipelines.sensors
from pipelines.definitions import defs
from pipelines.resources import SourceData
from pipelines.sensors import SETTLE_SECONDS, inbox_sensor
from tests.conftest import DATA, ROOT, resources_for


def test_yearly_schedule_requests_last_years_partition(tmp_path: Path):
    """On 1 February the schedule asks for the past year's partition, once there is a codebook for it."""
    schedule = defs.resolve_schedule_def("yearly_refresh")
    assert schedule.job_name == "materialize_all" and schedule.execution_timezone == "Europe/Amsterdam"
    assert schedule.default_status == DefaultScheduleStatus.RUNNING  # a service runs it unless switched off
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


def _tick(instance, sources: SourceData, cursor: str | None = None, quiet_for: float = 10 * SETTLE_SECONDS):
    """One evaluation of the sensor, `quiet_for` seconds after the folder's last change (by default
    long enough for it to have settled; 0: at once)."""
    context = build_sensor_context(instance=instance, resources={"sources": sources}, cursor=cursor)
    with mock.patch.object(pipelines.sensors, "time", SimpleNamespace(time=lambda: time.time() + quiet_for)):
        return inbox_sensor(context), context.cursor


def _requested(requests) -> list[tuple[str, str]]:
    return [(r.job_name, r.partition_key) for r in requests]


def test_inbox_sensor_requests_the_changed_years_partition(tmp_path: Path):
    folder = tmp_path / "pmg" / "2025"
    folder.mkdir(parents=True)
    (folder / "export.csv").write_text("x", encoding="utf-8")
    sources = SourceData(data_dir=str(tmp_path), pseudonym_key="k")
    instance = DagsterInstance.ephemeral()
    result, cursor = _tick(instance, sources)
    assert result.skip_message.startswith("no <programme>/<year>/ folder with a codebook")  # none yet
    assert result.skip_message.endswith("(pmg/2025 hold exports but no codebook yet)")

    (folder / "codebook_questionnaire.yaml").write_text("files:\n  - path: export.csv\n", encoding="utf-8")
    requests, cursor = _tick(instance, sources, cursor)
    assert _requested(requests) == [("pmg_yearly", "2025")]

    result, cursor = _tick(instance, sources, cursor)
    assert result.skip_message == "no new or changed exports"  # nothing new

    # a new year's exports before its codebook: said so, not "no new or changed exports"
    (tmp_path / "pmg" / "2026").mkdir()
    (tmp_path / "pmg" / "2026" / "export.csv").write_text("z", encoding="utf-8")
    result, cursor = _tick(instance, sources, cursor)
    assert result.skip_message == ("pmg/2026: holds exports but no codebook yet; the year is requested once its "
                                   "codebook_*.yaml is beside them")
    shutil.rmtree(tmp_path / "pmg" / "2026")

    (folder / "export_t1.csv").write_text("y", encoding="utf-8")
    (tmp_path / "terug_in_balans" / "2024").mkdir(parents=True)
    (tmp_path / "terug_in_balans" / "2024" / "codebook_survey.yaml").write_text("x", encoding="utf-8")
    requests, cursor = _tick(instance, sources, cursor)
    assert _requested(requests) == [("pmg_yearly", "2025"), ("terug_in_balans_yearly", "2024")]
    assert "pmg/2025" in json.loads(cursor)["folders"]

    (folder / "sub").mkdir()  # a codebook may name files in a subfolder: a change there counts too
    (folder / "sub" / "transcript.vtt").write_text("WEBVTT", encoding="utf-8")
    requests, cursor = _tick(instance, sources, cursor)
    assert _requested(requests) == [("pmg_yearly", "2025")]


def test_inbox_sensor_keeps_a_year_taken_out_and_requests_a_withdrawn_one(tmp_path: Path):
    """A year's folder taken out (its exports archived, as old years' are in time) is no withdrawal:
    nothing is requested, and the warehouse keeps its rows, then their only copy. WITHDRAWN.txt in
    the folder in place of its codebooks requests its run once, which removes them."""
    sources = SourceData(data_dir=str(tmp_path), pseudonym_key="k")
    for year in ("2024", "2025"):
        (tmp_path / "pmg" / year).mkdir(parents=True)
        (tmp_path / "pmg" / year / "codebook_questionnaire.yaml").write_text("files: []\n", encoding="utf-8")
    instance = DagsterInstance.ephemeral()
    requests, cursor = _tick(instance, sources)
    assert _requested(requests) == [("pmg_yearly", "2024"), ("pmg_yearly", "2025")]

    shutil.move(tmp_path / "pmg" / "2024", tmp_path / "elsewhere")
    result, cursor = _tick(instance, sources, cursor)
    assert result.skip_message == "no new or changed exports"

    (tmp_path / "pmg" / "2024").mkdir()
    (tmp_path / "pmg" / "2024" / "WITHDRAWN.txt").write_text("Toestemming ingetrokken", encoding="utf-8")
    requests, cursor = _tick(instance, sources, cursor)
    assert _requested(requests) == [("pmg_yearly", "2024")] and "WITHDRAWN.txt" in requests[0].run_key
    withdrawn_key = requests[0].run_key
    result, cursor = _tick(instance, sources, cursor)
    assert result.skip_message == "no new or changed exports"

    # the exports put back as they were (mv keeps the files' times): requested again, under a run key
    # of its own, as the daemon runs no request whose run key an earlier one had
    shutil.rmtree(tmp_path / "pmg" / "2024")
    shutil.move(tmp_path / "elsewhere", tmp_path / "pmg" / "2024")
    requests, cursor = _tick(instance, sources, cursor)
    assert _requested(requests) == [("pmg_yearly", "2024")] and requests[0].run_key != withdrawn_key

    # withdrawn while a codebook sits in a folder of no year, which stops every run of the programme
    time.sleep(1.1)
    shutil.move(tmp_path / "pmg" / "2024", tmp_path / "pmg" / "2024_oud")
    (tmp_path / "pmg" / "2024").mkdir()
    (tmp_path / "pmg" / "2024" / "WITHDRAWN.txt").write_text("", encoding="utf-8")
    result, cursor = _tick(instance, sources, cursor)
    assert "pmg/2024: withdrawn; its run waits until pmg/2024_oud/ is no longer there" in result.skip_message
    shutil.rmtree(tmp_path / "pmg" / "2024_oud")
    requests, cursor = _tick(instance, sources, cursor)
    assert _requested(requests) == [("pmg_yearly", "2024")]
    shutil.rmtree(tmp_path / "pmg" / "2024")

    # every folder gone at once (a share not mounted), then back: nothing forgotten, nothing requested
    result, cursor = _tick(instance, sources, cursor)
    shutil.move(tmp_path / "pmg", tmp_path.parent / "unmounted")
    result, unmounted = _tick(instance, sources, cursor)
    assert result.skip_message.startswith("no <programme>/<year>/ folder with a codebook") and unmounted == cursor
    shutil.move(tmp_path.parent / "unmounted", tmp_path / "pmg")
    result, cursor = _tick(instance, sources, cursor)
    assert result.skip_message == "no new or changed exports"
    # one programme's folder gone while another's is there: no withdrawal of its years either
    (tmp_path / "terug_in_balans" / "2024").mkdir(parents=True)
    (tmp_path / "terug_in_balans" / "2024" / "codebook_survey.yaml").write_text("files: []\n", encoding="utf-8")
    requests, cursor = _tick(instance, sources, cursor)
    assert _requested(requests) == [("terug_in_balans_yearly", "2024")]
    shutil.move(tmp_path / "pmg", tmp_path.parent / "unmounted")
    result, cursor = _tick(instance, sources, cursor)
    assert result.skip_message == "no new or changed exports"
    shutil.move(tmp_path.parent / "unmounted", tmp_path / "pmg")
    result, cursor = _tick(instance, sources, cursor)
    assert result.skip_message == "no new or changed exports"


def test_inbox_sensor_requests_a_withdrawn_year_when_no_folder_holds_a_codebook(tmp_path: Path):
    """Every other year archived: the one folder left is the withdrawn one, and it is still requested;
    put back with its old time (mv), it is requested again under a run key of its own."""
    sources = SourceData(data_dir=str(tmp_path), pseudonym_key="k")
    (tmp_path / "pmg" / "2024").mkdir(parents=True)
    marker = tmp_path / "pmg" / "2024" / "WITHDRAWN.txt"
    marker.write_text("", encoding="utf-8")
    instance = DagsterInstance.ephemeral()
    requests, cursor = _tick(instance, sources)
    assert _requested(requests) == [("pmg_yearly", "2024")]
    first = requests[0].run_key
    (tmp_path / "pmg" / "2025").mkdir()
    (tmp_path / "pmg" / "2025" / "codebook_questionnaire.yaml").write_text("files: []\n", encoding="utf-8")
    requests, cursor = _tick(instance, sources, cursor)
    assert _requested(requests) == [("pmg_yearly", "2025")]
    shutil.move(marker, tmp_path / "WITHDRAWN.txt")
    result, cursor = _tick(instance, sources, cursor)
    assert isinstance(result, SkipReason)
    time.sleep(1.1)  # ticks are minutes apart
    shutil.move(tmp_path / "WITHDRAWN.txt", marker)
    requests, cursor = _tick(instance, sources, cursor)
    assert _requested(requests) == [("pmg_yearly", "2024")] and requests[0].run_key != first


def test_make_run_runs_the_years_with_exports_or_withdrawn_that_are_partitions():
    from pipelines.run import years_to_run

    partitions = [str(y) for y in range(2015, 2027)]
    # 2026 was withdrawn (WITHDRAWN.txt); 2027's folder was made early; 2014 is before the first partition
    assert years_to_run([2014, 2023, 2025, 2027], [2026], partitions) == ([2023, 2025, 2026], [2014, 2027])


def test_make_run_lists_the_reports_it_wrote_and_counts_the_older_ones(tmp_path: Path):
    """A failed step leaves the last run's reports in place: they are counted, not listed as this run's."""
    from pipelines.run import reports_written

    old, new = tmp_path / "pmg" / "2023" / "rapport.html", tmp_path / "validatie" / "index.html"
    for report in (old, new):
        report.parent.mkdir(parents=True)
        report.write_text("<p>", encoding="utf-8")
    os.utime(old, (1_700_000_000, 1_700_000_000))
    assert reports_written(tmp_path, since=new.stat().st_mtime + 60) == ([], 2)
    assert reports_written(tmp_path, since=new.stat().st_mtime) == ([new], 1)


def test_inbox_sensor_requests_no_run_a_misplaced_codebook_would_stop(tmp_path: Path):
    """A codebook outside a year's folder stops every run of its programme: the sensor asks for none
    (and says why), the other programme's years go on, and the year is asked for once it is moved."""
    for programme, year in (("pmg", "2025"), ("terug_in_balans", "2025")):
        (tmp_path / programme / year).mkdir(parents=True)
        (tmp_path / programme / year / "codebook.yaml").write_text("files: []\n", encoding="utf-8")
    (tmp_path / "pmg" / "oud").mkdir()
    (tmp_path / "pmg" / "oud" / "codebook_2019.yaml").write_text("files: []\n", encoding="utf-8")
    sources = SourceData(data_dir=str(tmp_path), pseudonym_key="k")
    instance = DagsterInstance.ephemeral()
    requests, cursor = _tick(instance, sources)
    assert _requested(requests) == [("terug_in_balans_yearly", "2025")]
    result, cursor = _tick(instance, sources, cursor)
    assert "pmg/2025: pmg/oud/ holds a codebook but is not a year's folder" in result.skip_message
    shutil.move(tmp_path / "pmg" / "oud", tmp_path / "oud")
    requests, cursor = _tick(instance, sources, cursor)
    assert _requested(requests) == [("pmg_yearly", "2025")]


def test_inbox_sensor_waits_until_a_folder_is_complete_and_settled(tmp_path: Path):
    """A year whose exports are still being copied in is not run yet: not while a file its codebook
    names is missing, a partial download or an open workbook's lock file is there, or anything in it
    changed less than SETTLE_SECONDS ago. Once the folder is complete and quiet, the next tick
    requests it."""
    folder = tmp_path / "pmg" / "2025"
    folder.mkdir(parents=True)
    (folder / "codebook_questionnaire.yaml").write_text(
        "files:\n  - path: t0.csv\n  - path: t1.csv\n", encoding="utf-8")
    (folder / "t0.csv").write_text("x", encoding="utf-8")
    (folder / ".DS_Store").write_text("", encoding="utf-8")  # lasting: holds nothing up
    sources = SourceData(data_dir=str(tmp_path), pseudonym_key="k")
    instance = DagsterInstance.ephemeral()
    result, cursor = _tick(instance, sources)
    assert result.skip_message == "pmg/2025: named in a codebook but not there yet: t1.csv (codebook_questionnaire.yaml)"

    (folder / "t1.csv.crdownload").write_text("half", encoding="utf-8")
    (folder / "~$t0.xlsx").write_text("", encoding="utf-8")
    result, cursor = _tick(instance, sources, cursor)
    assert result.skip_message == "pmg/2025: still being copied or edited (t1.csv.crdownload, ~$t0.xlsx)"

    (folder / "t1.csv.crdownload").rename(folder / "t1.csv")
    (folder / "~$t0.xlsx").unlink()
    # Copied with its old modification time kept (cp -p, rsync -a, Explorer): arrived all the same.
    os.utime(folder / "t1.csv", (0, 0))
    result, cursor = _tick(instance, sources, cursor, quiet_for=0)
    assert re.fullmatch(r"pmg/2025: changed \d+ s ago; waiting until nothing has changed for 120 s",
                        result.skip_message)

    requests, cursor = _tick(instance, sources, cursor)
    assert _requested(requests) == [("pmg_yearly", "2025")]
    result, _ = _tick(instance, sources, cursor)
    assert result.skip_message == "no new or changed exports"
    # a corrected export being copied into the folder already run: said, not "no new exports"
    (folder / "t0.csv.part").write_text("hal", encoding="utf-8")
    result, cursor = _tick(instance, sources, cursor)
    assert result.skip_message == "pmg/2025: still being copied or edited (t0.csv.part)"
    (folder / "t0.csv.part").replace(folder / "t0.csv")
    requests, _ = _tick(instance, sources, cursor)
    assert _requested(requests) == [("pmg_yearly", "2025")]


def test_inbox_sensor_logs_nothing_on_a_tick_that_only_waits(tmp_path: Path):
    """The daemon keeps a log file of every tick that logs, also after the tick itself is purged:
    a folder waiting for its codebook, logged every five minutes, left some 290 files a day. The
    skip reason says it; the log only on a tick that requests a run."""
    from dagster import SensorEvaluationContext

    (tmp_path / "pmg" / "2024").mkdir(parents=True)
    (tmp_path / "pmg" / "2024" / "t0.csv").write_text("x", encoding="utf-8")  # no codebook yet
    sources = SourceData(data_dir=str(tmp_path), pseudonym_key="k")
    instance = DagsterInstance.ephemeral()
    log = mock.MagicMock()
    (tmp_path / "pmg" / "2023").mkdir()
    (tmp_path / "pmg" / "2023" / "codebook_questionnaire.yaml").write_text("files:\n  - path: t1.csv\n",
                                                                          encoding="utf-8")
    with mock.patch.object(SensorEvaluationContext, "log", new_callable=mock.PropertyMock, return_value=log):
        result, cursor = _tick(instance, sources)
        assert result.skip_message == ("pmg/2023: named in a codebook but not there yet: t1.csv "
                                       "(codebook_questionnaire.yaml); pmg/2024: holds exports but no codebook yet; "
                                       "the year is requested once its codebook_*.yaml is beside them")
        assert not log.method_calls
        (tmp_path / "pmg" / "2023" / "t1.csv").write_text("x", encoding="utf-8")
        requests, _ = _tick(instance, sources, cursor)
        assert _requested(requests) == [("pmg_yearly", "2023")]
        assert [c.args[0] for c in log.info.call_args_list] == [
            "not requested yet: pmg/2024: holds exports but no codebook yet; the year is requested once its "
            "codebook_*.yaml is beside them"]


def test_inbox_sensor_waits_for_the_syntax_file_of_a_limesurvey_r_export(tmp_path: Path):
    """LimeSurvey's R export is two files: the data file alone is not a complete export."""
    (tmp_path / "codebook_questionnaire.yaml").write_text(
        "files:\n  - {path: survey_1_R_data_file.csv, format: limesurvey_r}\n"
        "  - {path: t1.csv, format: limesurvey_r, syntax: t1.R}\n", encoding="utf-8")
    (tmp_path / "survey_1_R_data_file.csv").write_text("x", encoding="utf-8")
    (tmp_path / "t1.csv").write_text("x", encoding="utf-8")
    assert pipelines.sensors.missing_exports(tmp_path) == [
        "survey_1_R_syntax_file.R (codebook_questionnaire.yaml)", "t1.R (codebook_questionnaire.yaml)"]
    (tmp_path / "survey_1_R_syntax_file.R").write_text("x", encoding="utf-8")
    (tmp_path / "t1.R").write_text("x", encoding="utf-8")
    assert pipelines.sensors.missing_exports(tmp_path) == []


def test_inbox_sensor_requests_a_year_made_before_new_year_once_it_is_a_partition(tmp_path: Path, monkeypatch):
    """Next year's folder, made in December, is not a partition yet: the sensor says so once and
    requests the year when it becomes one, though none of its files changed since. So does a cursor of
    the sensor's first version, which recorded such a folder as if it had been run, read before New Year."""
    next_year = str(int(pipelines.sensors.YEARS.get_partition_keys()[-1]) + 1)
    folder = tmp_path / "pmg" / next_year
    folder.mkdir(parents=True)
    (folder / "codebook_questionnaire.yaml").write_text("files: []\n", encoding="utf-8")
    sources = SourceData(data_dir=str(tmp_path), pseudonym_key="k")
    instance = DagsterInstance.ephemeral()
    result, cursor = _tick(instance, sources)
    assert result.skip_message == "no new or changed exports"
    sig = pipelines.sensors.signature(pipelines.sensors.look_at(folder))
    assert json.loads(cursor)["folders"] == {f"pmg/{next_year}": f"unknown@{sig}"}
    # The first version's cursor, read by this version before New Year.
    _, upgraded = _tick(instance, sources, json.dumps({f"pmg/{next_year}": sig}))

    keys = [*pipelines.sensors.YEARS.get_partition_keys(), next_year]
    monkeypatch.setattr(pipelines.sensors, "YEARS", SimpleNamespace(get_partition_keys=lambda: keys))
    for earlier in (cursor, upgraded):
        requests, _ = _tick(instance, sources, earlier)
        assert _requested(requests) == [("pmg_yearly", next_year)]


def test_inbox_sensor_survives_a_file_that_goes_while_it_looks(tmp_path: Path, monkeypatch):
    """A partial download renamed between listing the folder and reading a file's size is not an
    error: that tick sees the folder without it, the next one with the finished file."""
    folder = tmp_path / "pmg" / "2025"
    folder.mkdir(parents=True)
    (folder / "codebook_questionnaire.yaml").write_text("files:\n  - path: t0.csv\n", encoding="utf-8")
    (folder / "t0.csv").write_text("x", encoding="utf-8")
    real_stat = os.stat

    def stat_after_rename(path, *args, **kwargs):
        if Path(path).name == "t0.csv":
            raise FileNotFoundError(path)
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(pipelines.sensors.os, "stat", stat_after_rename)
    assert pipelines.sensors.look_at(folder).files.keys() == {"codebook_questionnaire.yaml"}


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
    (request,), _ = _tick(instance, sources)
    job = defs.resolve_job_def(request.job_name)
    result = job.execute_in_process(partition_key=request.partition_key, resources=resources_for(tmp_path, data),
                                    raise_on_error=False)
    assert result.success
    written = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()
               if e.partition == "2024"}
    assert {"raw/tib_survey_cells", "marts/tib_skills", "reports/terug_in_balans"} <= written
    assert not any(k.startswith(("raw/pmg", "marts/pmg")) for k in written)
    # The data-quality page, which step 4 of docs/operations.md reads after the run, lists this run's
    # file and links the Great Expectations page its check wrote.
    page = (tmp_path / "reports" / "validatie" / "index.html").read_text(encoding="utf-8")
    assert "terug_in_balans/2024/terug_in_balans_enquete_forms.xlsx" in page
    assert 'href="2024/raw.tib_survey_cells.html"' in page


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


def test_instance_fails_a_run_whose_process_died_and_retries_it_once(tmp_path: Path, monkeypatch):
    """dagster.yaml, through Dagster's own monitoring and retry code: a run left STARTED by a dead
    process is failed once it has run for max_runtime_seconds, freeing the one-run queue, and is
    retried once; a run that a step failed (a bad export) is not retried."""
    import logging

    from dagster._core.events import DagsterEvent, DagsterEventType, RunFailureReason
    from dagster._core.execution.retries import auto_reexecution_should_retry_run
    from dagster._core.storage.dagster_run import DagsterRunStatus
    from dagster._core.storage.tags import PARENT_RUN_ID_TAG, ROOT_RUN_ID_TAG, RUN_FAILURE_REASON_TAG
    from dagster._core.test_utils import create_run_for_test
    from dagster._daemon.monitoring import run_monitoring

    shutil.copy(ROOT / "dagster_home" / "dagster.yaml", tmp_path / "dagster.yaml")
    instance = DagsterInstance.from_config(str(tmp_path))
    try:
        run = create_run_for_test(instance, job_name="materialize_all", status=DagsterRunStatus.STARTING)
        instance.report_dagster_event(DagsterEvent(DagsterEventType.RUN_START.value, job_name="materialize_all"),
                                      run_id=run.run_id)
        started = instance.get_run_record_by_id(run.run_id).start_time
        assert instance.run_monitoring_enabled
        limit = instance.run_monitoring_max_runtime_seconds
        for elapsed, status in ((limit - 60, DagsterRunStatus.STARTED), (limit + 60, DagsterRunStatus.FAILURE)):
            monkeypatch.setattr(run_monitoring, "get_current_timestamp", lambda: started + elapsed)
            run_monitoring.check_run_timeout(instance, instance.get_run_record_by_id(run.run_id),
                                             logging.getLogger("test"), float(limit))
            assert instance.get_run_by_id(run.run_id).status == status
        died = instance.get_run_by_id(run.run_id)
        reason = died.tags.get(RUN_FAILURE_REASON_TAG)
        assert auto_reexecution_should_retry_run(instance, died, RunFailureReason(reason) if reason else None)
        assert not auto_reexecution_should_retry_run(instance, died, RunFailureReason.STEP_FAILURE)
        retry = create_run_for_test(instance, job_name="materialize_all", status=DagsterRunStatus.FAILURE,
                                    root_run_id=run.run_id, parent_run_id=run.run_id,
                                    tags={ROOT_RUN_ID_TAG: run.run_id, PARENT_RUN_ID_TAG: run.run_id})
        assert not auto_reexecution_should_retry_run(instance, retry, RunFailureReason.UNEXPECTED_TERMINATION)
    finally:
        instance.dispose()


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


def test_a_failed_run_is_emailed_without_its_error(tmp_path: Path, monkeypatch):
    """With MHM_ALERT_EMAIL_TO set, a failed run is e-mailed through the SMTP server: the job, the
    year, the run and its failed step, not the error, which names the exports' columns and rows."""
    import smtplib

    from dagster import build_run_status_sensor_context

    from pipelines.alerts import failure_email_sensor

    assert failure_email_sensor({}) is None
    env = {"MHM_ALERT_EMAIL_TO": "data@example.nl, research@example.nl", "MHM_ALERT_EMAIL_FROM": "mhm@example.nl",
           "MHM_ALERT_SMTP_HOST": "smtp.example.nl", "MHM_ALERT_SMTP_PASSWORD": "pw",
           "MHM_UI_URL": "https://monitor.example.nl/monitor/"}
    with pytest.raises(ValueError, match="MHM_ALERT_SMTP_HOST is not"):
        failure_email_sensor({**env, "MHM_ALERT_SMTP_HOST": ""})
    sensor = failure_email_sensor(env)

    data = tmp_path / "data"
    shutil.copytree(DATA / "terug_in_balans", data / "terug_in_balans")
    codebook = data / "terug_in_balans" / "2024" / "codebook_survey.yaml"
    codebook.write_text(codebook.read_text(encoding="utf-8").replace("teruggekeerd naar werk?", "teruggekeerd?"),
                        encoding="utf-8")
    instance = DagsterInstance.ephemeral()
    result = defs.resolve_job_def("terug_in_balans_yearly").execute_in_process(
        partition_key="2024", resources=resources_for(tmp_path, data), instance=instance, raise_on_error=False)
    assert not result.success
    error = next(e for e in result.all_events if e.is_step_failure).step_failure_data.error.message
    assert "teruggekeerd?" in error

    sent = []

    class Server:  # smtplib.SMTP, recording instead of sending
        def __init__(self, host, port):
            sent.append(("connect", host, port))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def starttls(self, context=None):
            sent.append(("starttls",))

        def login(self, user, password):
            sent.append(("login", user, password))

        def sendmail(self, sender, to, message):
            sent.append(("sendmail", sender, to, message))

    monkeypatch.setattr(smtplib, "SMTP", Server)
    sensor(build_run_status_sensor_context(sensor_name=sensor.name, dagster_event=result.get_run_failure_event(),
                                           dagster_instance=instance, dagster_run=result.dagster_run).for_run_failure())
    assert sent[:3] == [("connect", "smtp.example.nl", 587), ("starttls",), ("login", "mhm@example.nl", "pw")]
    _, sender, to, message = sent[3]
    assert (sender, to) == ("mhm@example.nl", ["data@example.nl", "research@example.nl"])
    assert "Subject: Mental-health monitor: terug_in_balans_yearly (2024) failed" in message
    assert f"Run: {result.run_id}" in message and "Failed steps: raw__tib_survey_cells" in message
    assert f'href="https://monitor.example.nl/monitor/runs/{result.run_id}"' in message
    assert "teruggekeerd" not in message and "codebook" not in message


def test_the_schedule_says_when_it_runs_in_words():
    from pipelines.jobs import when, yearly_refresh

    assert when("0 6 1 2 *") == "1 February at 06:00" and when("30 23 31 12 *") == "31 December at 23:30"
    assert when("0 6 * * 1") == "cron 0 6 * * 1"  # not once a year: as it is
    for monthly in ("0 6 1 * *", "0 6 1 */2 *", "0 6 1 13 *", "0 6 1 2 1"):  # these as they are, too
        assert when(monthly) == f"cron {monthly}"
    assert "1 February at 06:00 (Europe/Amsterdam" in yearly_refresh.description


def test_a_withdrawal_beside_its_own_codebook_is_refused_however_the_codebook_is_written(tmp_path: Path):
    """The codebook as loaded decides, not its first line: with a BOM (Notepad) or a space before the
    colon, a withdrawal beside the instrument's own codebook passed, and its export was loaded again."""
    from assets.ingest.errors import CodebookError
    from tests.conftest import DATA

    folder = tmp_path / "pmg" / "2023"
    shutil.copytree(DATA / "pmg" / "2023", folder)
    codebook = folder / "codebook_interviews.yaml"
    codebook.write_bytes(b"\xef\xbb\xbf" + codebook.read_bytes().replace(b"instrument: ", b"instrument : "))
    (folder / "WITHDRAWN_pmg_interviews.txt").write_text("ingetrokken", encoding="utf-8")
    sources = SourceData(data_dir=str(tmp_path), pseudonym_key="k")
    with pytest.raises(CodebookError, match="WITHDRAWN_pmg_interviews.txt: stands beside pmg_interviews's codebook"):
        sources.years_to_replace("pmg", "pmg_interviews", [2023])
    assert sources.years_to_replace("pmg", "pmg_questionnaire", [2023]) == [2023]


def test_a_run_replaces_the_years_with_a_codebook_or_a_withdrawal_of_the_instrument_and_says_which_it_keeps(
        tmp_path: Path):
    """WITHDRAWN.txt withdraws every instrument of its year, WITHDRAWN_<instrument>.txt that one; a
    year with neither nor a codebook of the instrument keeps its rows, which the run's log says."""
    for year in ("2024", "2025"):
        (tmp_path / "pmg" / year).mkdir(parents=True)
    shutil.copytree(DATA / "pmg" / "2023", tmp_path / "pmg" / "2023")
    (tmp_path / "pmg" / "2024" / "WITHDRAWN.txt").write_text("ingetrokken", encoding="utf-8")
    (tmp_path / "pmg" / "2025" / "WITHDRAWN_pmg_interviews.txt").write_text("ingetrokken", encoding="utf-8")
    sources = SourceData(data_dir=str(tmp_path), pseudonym_key="k")
    told = []
    log = SimpleNamespace(info=told.append)
    years = [2023, 2024, 2025, 2026]
    assert sources.years_to_replace("pmg", "pmg_interviews", years, log) == [2023, 2024, 2025]
    assert sources.years_to_replace("pmg", "pmg_questionnaire", years, log) == [2023, 2024]
    assert sources.years_to_replace("pmg", "pmg_questionnaire", [2023, 2024]) == [2023, 2024]
    assert told == [f"{instrument} {kept}: no codebook of it in the year's folder (or no folder): its rows are kept "
                    "as the warehouse holds them. To remove a year, put WITHDRAWN.txt in its folder in place of its "
                    f"codebooks; to remove one instrument's, WITHDRAWN_{instrument}.txt"
                    for instrument, kept in (("pmg_interviews", "2026"), ("pmg_questionnaire", "2025, 2026"))]


def test_the_failure_email_names_the_partition_or_range_of_years_and_the_failed_steps_escaped():
    from dagster._core.storage.tags import (ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG,
                                            PARTITION_NAME_TAG)

    from pipelines.alerts import failure_body, failure_subject, years_of

    def failed(tags: dict, steps=()):
        run = SimpleNamespace(tags=tags, job_name="materialize_all", run_id="r-1")
        return SimpleNamespace(dagster_run=run,
                               get_step_failure_events=lambda: [SimpleNamespace(step_key=s) for s in steps])

    start, end = ASSET_PARTITION_RANGE_START_TAG, ASSET_PARTITION_RANGE_END_TAG
    assert years_of(failed({PARTITION_NAME_TAG: "2024"})) == "2024"
    assert years_of(failed({start: "2023", end: "2025"})) == "2023-2025"
    assert years_of(failed({start: "2024", end: "2024"})) == years_of(failed({start: "2024"})) == "2024"
    assert years_of(failed({})) == "every year"
    context = failed({start: "2023", end: "2025"}, ["raw__b<x>", None, "marts__a", "marts__a"])
    assert failure_subject(context) == "Mental-health monitor: materialize_all (2023-2025) failed"
    body = failure_body(context).split("<br>")
    assert body[:3] == ["The run of materialize_all for 2023-2025 failed.", "Run: r-1",
                        "Failed steps: marts__a, raw__b&lt;x&gt;"]
    assert failure_body(failed({})).split("<br>")[2] == "Failed steps: none (the run itself failed)"


def test_the_failure_email_settings_name_all_that_is_missing_and_reach_the_smtp_server(monkeypatch):
    """Each missing setting is named; SSL (any case) on port 465 unless one is given, as the SMTP
    user when set; an unknown type is refused; the sensor is on from the start."""
    import smtplib

    from dagster import DefaultSensorStatus, build_run_status_sensor_context

    from pipelines.alerts import failure_email_sensor

    to = {"MHM_ALERT_EMAIL_TO": "data@example.nl"}
    with pytest.raises(ValueError, match="FROM, MHM_ALERT_SMTP_HOST, MHM_ALERT_SMTP_PASSWORD are not: "):
        failure_email_sensor(to)
    with pytest.raises(ValueError, match="MHM_ALERT_SMTP_PASSWORD is not: "):
        failure_email_sensor({**to, "MHM_ALERT_EMAIL_FROM": "mhm@example.nl", "MHM_ALERT_SMTP_HOST": "smtp"})
    env = {**to, "MHM_ALERT_EMAIL_FROM": "mhm@example.nl", "MHM_ALERT_SMTP_HOST": "smtp.example.nl",
           "MHM_ALERT_SMTP_PASSWORD": "pw"}
    with pytest.raises(ValueError, match="MHM_ALERT_SMTP_TYPE is 'TLS': STARTTLS or SSL"):
        failure_email_sensor({**env, "MHM_ALERT_SMTP_TYPE": "tls"})

    @op
    def fails():
        raise RuntimeError("pmg/2024/t0.csv row 7")

    @job
    def broken():
        fails()

    instance = DagsterInstance.ephemeral()
    result = broken.execute_in_process(instance=instance, raise_on_error=False)
    sent = []

    class Server:  # smtplib.SMTP_SSL, recording instead of sending
        def __init__(self, host, port, context=None):
            sent.append(("connect", host, port))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def login(self, user, password):
            sent.append(("login", user, password))

        def sendmail(self, sender, to, message):
            sent.append(("sendmail", sender, to, message))

    monkeypatch.setattr(smtplib, "SMTP_SSL", Server)
    for extra, port, user in (({}, 465, "mhm@example.nl"),
                              ({"MHM_ALERT_SMTP_PORT": "2465", "MHM_ALERT_SMTP_USER": "login"}, 2465, "login")):
        sent.clear()
        sensor = failure_email_sensor({**env, "MHM_ALERT_SMTP_TYPE": "ssl", **extra})
        assert sensor.default_status == DefaultSensorStatus.RUNNING
        sensor(build_run_status_sensor_context(
            sensor_name=sensor.name, dagster_event=result.get_run_failure_event(), dagster_instance=instance,
            dagster_run=result.dagster_run).for_run_failure())
        assert sent[:2] == [("connect", "smtp.example.nl", port), ("login", user, "pw")]
        assert "Failed steps: fails" in sent[2][3] and "row 7" not in sent[2][3]
