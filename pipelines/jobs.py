"""Jobs and schedules."""

from dagster import AssetSelection, ScheduleDefinition, define_asset_job, in_process_executor

# In one process: DuckDB lets one process hold the file, and checks read what assets just wrote.
materialize_all = define_asset_job(
    "materialize_all",
    selection=AssetSelection.all() | AssetSelection.all_asset_checks(),
    executor_def=in_process_executor,
    description="Ingest every export with a codebook, check it, and rebuild marts, charts and reports.",
)

# The programmes report once a year; data for the new edition arrive before 1 February.
yearly_refresh = ScheduleDefinition(
    name="yearly_refresh",
    job=materialize_all,
    cron_schedule="0 6 1 2 *",
    execution_timezone="Europe/Amsterdam",
    description="Yearly rebuild on 1 February, after the exports of the past year are in.",
)
