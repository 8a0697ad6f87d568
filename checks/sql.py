"""Checks that are one SQL query: the rows it returns are the violations."""

from dagster import AssetCheckResult, AssetCheckSeverity, MetadataValue

from assets.tables import markdown_table


def violations_check(conn, sql: str, ok: str, bad: str, severity=AssetCheckSeverity.ERROR) -> AssetCheckResult:
    found = conn.sql(sql).pl()
    return AssetCheckResult(
        passed=found.height == 0,
        severity=severity,
        description=ok if found.height == 0 else bad.format(n=found.height),
        metadata={"violations": MetadataValue.int(found.height),
                  "rows": MetadataValue.md(markdown_table(found.head(20)))},
    )


def quarantine_check(conn, instrument: str) -> AssetCheckResult:
    """Warn (never block) when input rows were set aside, so someone looks at them."""
    return violations_check(
        conn,
        f"SELECT source_file, row_number, column_name, cell_value, reason, stage FROM raw.quarantine "
        f"WHERE instrument = '{instrument}' ORDER BY source_file, row_number",
        ok="no input rows quarantined",
        bad="{n} problem(s) in the input: the rows are in raw.quarantine and left out of staging",
        severity=AssetCheckSeverity.WARN,
    )


def flag_check(conn, sql: str, none: str, some: str) -> AssetCheckResult:
    """A flag, not a failure: passes, and lists what it flags (e.g. unpaired respondents)."""
    found = conn.sql(sql).pl()
    return AssetCheckResult(
        passed=True,
        description=none if found.height == 0 else some.format(n=found.height),
        metadata={"flagged": MetadataValue.int(found.height),
                  "rows": MetadataValue.md(markdown_table(found.head(50)))},
    )
