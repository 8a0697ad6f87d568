"""The code location: assembles assets, checks, resources, jobs and schedules."""

import os

from dagster import Definitions, in_process_executor, load_asset_checks_from_modules, load_assets_from_modules

import checks.expectation_suites
import checks.pmg
import checks.terug_in_balans
from assets import data_quality
from assets.pmg import charts as pmg_charts, disclosure as pmg_disclosure, ingest as pmg_ingest, marts as pmg_marts
from assets.pmg import report as pmg_report
from assets.pmg import staging as pmg_staging, statistics as pmg_statistics, transcripts as pmg_transcripts
from assets.pmg import themes as pmg_themes
from assets.terug_in_balans import charts as tib_charts, ingest as tib_ingest, marts as tib_marts
from assets.terug_in_balans import report as tib_report, staging as tib_staging, statistics as tib_statistics
from pipelines.alerts import failure_email_sensor
from pipelines.backups import backup_sensor, warehouse_backup
from pipelines.jobs import PROGRAMME_JOBS, materialize_all, yearly_refresh
from pipelines.resources import build_resources
from pipelines.sensors import inbox_sensor

ASSETS = load_assets_from_modules([
    pmg_ingest, pmg_staging, pmg_marts, pmg_charts, pmg_report, pmg_statistics, pmg_transcripts, pmg_themes,
    pmg_disclosure,
    tib_ingest, tib_staging, tib_marts, tib_charts, tib_report, tib_statistics, data_quality,
])
CHECKS = load_asset_checks_from_modules([checks.expectation_suites, checks.pmg, checks.terug_in_balans])
FAILURE_EMAIL = failure_email_sensor(os.environ)  # None unless MHM_ALERT_EMAIL_TO is set
BACKUP = backup_sensor(os.environ)  # None unless MHM_BACKUP_DIR is set

defs = Definitions(
    assets=ASSETS,
    asset_checks=CHECKS,
    resources=build_resources(),
    jobs=[materialize_all, *PROGRAMME_JOBS.values(), warehouse_backup],
    schedules=[yearly_refresh],
    sensors=[inbox_sensor, *(sensor for sensor in (FAILURE_EMAIL, BACKUP) if sensor)],
    # Every job, the UI's ad-hoc "Materialize" included, runs its steps in one process: DuckDB admits
    # one writing process per file, and a process per step would pay Dagster's imports each time.
    executor=in_process_executor,
)
