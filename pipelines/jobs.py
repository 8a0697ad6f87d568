"""Jobs and schedules."""

import os

from dagster import AssetSelection, ScheduleDefinition, define_asset_job, in_process_executor

# In one process: DuckDB lets one process hold the file, and checks read what assets just wrote.
materialize_all = define_asset_job(
    "materialize_all",
    selection=AssetSelection.all() | AssetSelection.all_asset_checks(),
    executor_def=in_process_executor,
    description="Ingest every export with a codebook, check it, and rebuild marts, charts and reports.",
)

# The programmes report once a year; by default on 1 February, after the past year's exports are in.
# MHM_YEARLY_CRON moves the date (a cron expression) without a code change.
YEARLY_CRON = os.environ.get("MHM_YEARLY_CRON", "0 6 1 2 *")

yearly_refresh = ScheduleDefinition(
    name="yearly_refresh",
    job=materialize_all,
    cron_schedule=YEARLY_CRON,
    execution_timezone="Europe/Amsterdam",
    description=f"Yearly rebuild ({YEARLY_CRON}, Europe/Amsterdam), after the exports of the past year are in.",
)
