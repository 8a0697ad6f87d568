"""Yearly partitions: one PMG edition or one Terug in Balans cohort per year.

Dagster has no yearly partitions class, so a time window on 1 January. A partition's assets
write only that year's rows (delete the year, insert it again), so a new year or a corrected
export never touches the others. Every partitioned asset runs a backfill of several years as
one run (`BackfillPolicy.single_run`): its queries then cover all the run's years at once.
"""

import warnings

from dagster import BackfillPolicy, BetaWarning, TimeWindowPartitionsDefinition

# Single-run backfills are what make a ten-year backfill one query per asset; Dagster marks the
# parameter beta. Chosen knowingly, so the warning would only bury real ones in every run's log.
warnings.filterwarnings("ignore", message="Parameter `backfill_policy`", category=BetaWarning)

FIRST_YEAR = "2015"

# end_offset=1: the current year is a partition too, so exports that arrive during the year
# (the inbox sensor sees them) can be loaded before the year is over.
YEARS = TimeWindowPartitionsDefinition(cron_schedule="0 0 1 1 *", fmt="%Y", start=FIRST_YEAR, end_offset=1)

YEARLY = {"partitions_def": YEARS, "backfill_policy": BackfillPolicy.single_run()}
# Assets over every year (trends, the data-quality page): unpartitioned, rebuilt in each run. The
# policy lets a backfill's range run them in its one run (the CLI's --partition-range insists).
EVERY_YEAR = {"backfill_policy": BackfillPolicy.single_run()}


def partition_years(context) -> list[int]:
    """The years a run writes: its partition, or every year of a backfill's range."""
    return [int(k) for k in context.partition_keys]


def year_filter(years: list[int] | None, column: str = "year") -> str:
    """`year IN (...)` for the given years (None: every year); the years are ints, so inlining them is safe."""
    if years is None:
        return "true"
    return f"{column} IN (" + ", ".join(str(int(y)) for y in years) + ")" if years else "false"


def for_years(sql: str, years: list[int] | None) -> str:
    """`sql` with each `{years}` in it replaced by the condition selecting those years' rows (None: all).

    DuckDB reads only the run's years of a query's sources when the query is filtered on year, except
    where the filter cannot pass: into the right side of a LEFT JOIN, either side of a FULL JOIN, or an
    aggregate two parts of the query share. There a source is read for every year, ten times the rows
    in a new year's run; such a query says `{years}` where it reads the source."""
    return sql.replace("{years}", year_filter(years))

