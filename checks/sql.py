"""Checks that are one SQL query: the rows it returns are the violations."""

from dagster import AssetCheckResult, AssetCheckSeverity, MetadataValue

from assets.partitions import for_years, year_filter
from assets.tables import markdown_table


def _of_years(sql: str, years: list[int] | None) -> str:
    """The rows of `sql` (which has a year column) of the run's years: a run checks what it wrote,
    so an old year's problem does not block a new year's run (its own run reports it). `{years}` in
    `sql` stands for the run's years (assets.partitions.for_years)."""
    sql = for_years(sql, years)
    return sql if years is None else f"SELECT * FROM ({sql}) WHERE {year_filter(years)} ORDER BY ALL"


def violations_check(conn, sql: str, ok: str, bad: str, severity=AssetCheckSeverity.ERROR,
                     years: list[int] | None = None) -> AssetCheckResult:
    found = conn.sql(_of_years(sql, years)).pl()
    return AssetCheckResult(
        passed=found.height == 0,
        severity=severity,
        description=ok if found.height == 0 else bad.format(n=found.height),
        metadata={"violations": MetadataValue.int(found.height),
                  "rows": MetadataValue.md(markdown_table(found.head(20)))},
    )


def quarantine_check(conn, instrument: str, years: list[int] | None = None) -> AssetCheckResult:
    """Warn (never block) when input rows of the run's years were set aside, so someone looks at them.
    raw.quarantine has no year: a row's year is its file's, in raw.source_files."""
    return violations_check(
        conn,
        # not the cell itself: the check's rows are shown in the UI (raw.quarantine has it)
        f"SELECT f.year, q.source_file, q.row_number, q.column_name, q.reason, q.stage "
        f"FROM raw.quarantine q JOIN raw.source_files f USING (source_file) "
        f"WHERE q.instrument = '{instrument}' ORDER BY q.source_file, q.row_number",
        ok="no input rows quarantined",
        bad="{n} problem(s) in the input: the rows are in raw.quarantine and left out of staging",
        severity=AssetCheckSeverity.WARN,
        years=years,
    )


def flag_check(conn, sql: str, none: str, some: str, years: list[int] | None = None) -> AssetCheckResult:
    """A flag, not a failure: passes, and lists what it flags (e.g. unpaired respondents)."""
    found = conn.sql(_of_years(sql, years)).pl()
    return AssetCheckResult(
        passed=True,
        description=none if found.height == 0 else some.format(n=found.height),
        metadata={"flagged": MetadataValue.int(found.height),
                  "rows": MetadataValue.md(markdown_table(found.head(50)))},
    )
