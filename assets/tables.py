"""What every warehouse asset shares: its contract metadata, a pool, and a preview of what it wrote."""

import re

import polars as pl
from dagster import (AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, TableColumn,
                     TableColumnConstraints, TableSchema, asset)
from dagster_duckdb import DuckDBResource

from assets.ingest.loader import insert_frame, transaction
from assets.reporting.markdown import md_text
from assets.partitions import EVERY_YEAR, YEARLY, for_years, partition_years, year_filter
from warehouse.schema import ensure_schema, table, tables

# DuckDB admits one writing process per file: every asset that writes joins this pool (limit 1).
POOL = "duckdb"


def key(qualified: str) -> AssetKey:
    """Asset key of a warehouse table: schema/table, so the asset is found by the table's name."""
    return AssetKey(qualified.split("."))


def _constraints(t, c) -> TableColumnConstraints | None:
    """What the contract says of a column's NULLs, where it says it (the marts)."""
    if not t.states_nulls:
        return None
    if c.null_when is None:
        return TableColumnConstraints(nullable=False)
    return TableColumnConstraints(nullable=True, other=[f"NULL when {c.null_when}"])


def contract_metadata(qualified: str) -> dict:
    t = table(qualified)
    return {
        "dagster/table_name": qualified,
        "dagster/column_schema": TableSchema(
            columns=[TableColumn(c.name, c.type, description=c.description, constraints=_constraints(t, c))
                     for c in t.columns]
        ),
    }


def describe(qualified: str, purpose: str) -> str:
    """Asset description: what it is for, then the contract's sentence on what one row is."""
    return f"{purpose.strip()}\n\nTable `{qualified}`: {table(qualified).description}"


def written_metadata(conn, qualified: str, years: list[int] | None = None) -> dict:
    """What the UI shows of a table an asset wrote: its rows per year (the run's years, when given),
    not the rows themselves. Stakeholders read the UI, and a row may be one person's answers or a
    group of two (which the stakeholder reports hide); the rows are the warehouse's to query.
    A run of several years gives every one of its partitions the same metadata, so the total is
    `rows_in_run` there, not a partition's `dagster/row_count`."""
    if "year" in table(qualified).column_names:
        year, source = "year", qualified
    else:  # raw tables know their year through their file
        year, source = "s.year", f"{qualified} t JOIN raw.source_files s USING (source_file)"
    where = f" WHERE {year_filter(years, year)}" if years is not None else ""
    counted = dict(conn.execute(f"SELECT {year}, count(*) FROM {source}{where} GROUP BY ALL").fetchall())
    shown = sorted(set(years or ()) | set(counted))
    rows = pl.DataFrame({"year": shown, "rows": [counted.get(y, 0) for y in shown]},
                        schema={"year": pl.Int64, "rows": pl.Int64})
    n = sum(counted.values())
    total = "rows_in_run" if years is not None and len(years) > 1 else "dagster/row_count"
    return {total: MetadataValue.int(n), "rows_by_year": MetadataValue.md(markdown_table(rows))}


def rows_of_years(qualified: str, years: list[int]) -> str:
    """A condition selecting the rows of these years; raw tables know their year through their file."""
    if "year" in table(qualified).column_names:
        return year_filter(years)
    return f"source_file IN (SELECT source_file FROM raw.source_files WHERE {year_filter(years)})"


def markdown_table(df) -> str:
    if df.height == 0:
        return "_(no rows)_"
    cols = df.columns
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in df.iter_rows():
        lines.append("| " + " | ".join("" if v is None else md_text(str(v)[:80]) for v in row) + " |")
    return "\n".join(lines)


def replace_table(conn, qualified: str, select_sql: str, params: list | None = None,
                  years: list[int] | None = None) -> None:
    """Rebuild a table from a query in one transaction, keeping the contract's column types.

    With `years`, only those years' rows are replaced (a partition): the query's other years are
    neither read into the table nor deleted from it."""
    # the contract's tables the query reads too: a warehouse made before one of them existed
    ensure_schema(conn, qualified, *(t for t in tables() if re.search(rf"\b{re.escape(t)}\b", select_sql)))
    if years is not None:
        select_sql = f"SELECT * FROM ({select_sql}) WHERE {year_filter(years)}"
    with transaction(conn):
        conn.execute(f"DELETE FROM {qualified}" + (f" WHERE {year_filter(years)}" if years is not None else ""))
        conn.execute(f"INSERT INTO {qualified} BY NAME {select_sql}", params or [])


# {table: query} of every yearly table rebuilt from one query: a test checks that each reads its
# sources for the run's years only (a new year's run must not read the decade before it).
YEARLY_QUERIES: dict[str, str] = {}


def sql_table_asset(qualified: str, deps: list[str], sql: str, purpose: str, group: str, yearly: bool = True):
    """An asset that rebuilds one warehouse table from one query (marts are all of this shape).

    Yearly (the default): partitioned by year, a run replaces its years' rows only. Otherwise
    (trends over the years) the whole table is rebuilt from every year. `{years}` in the query
    stands for the run's years (assets.partitions.for_years)."""
    if yearly:
        YEARLY_QUERIES[qualified] = sql
    @asset(key=key(qualified), deps=[key(d) for d in deps], group_name=group, pool=POOL, kinds={"duckdb"},
           metadata=contract_metadata(qualified), description=describe(qualified, purpose),
           **(YEARLY if yearly else EVERY_YEAR))
    def _build(context: AssetExecutionContext, duckdb: DuckDBResource) -> MaterializeResult:
        years = partition_years(context) if yearly else None
        with duckdb.get_connection() as conn:
            replace_table(conn, qualified, for_years(sql, years), years=years)
            return MaterializeResult(metadata=written_metadata(conn, qualified, years=years))

    return _build


def replace_with_frame(conn, qualified: str, frame: pl.DataFrame, years: list[int] | None = None) -> None:
    """Rebuild a table (or, with `years`, those years' rows) from a frame in one transaction."""
    ensure_schema(conn, qualified)
    if years is not None and frame.height and not frame["year"].is_in(years).all():
        raise ValueError(f"{qualified}: the frame holds years outside the run's {years}")
    with transaction(conn):
        conn.execute(f"DELETE FROM {qualified}" + (f" WHERE {year_filter(years)}" if years is not None else ""))
        if frame.height:
            insert_frame(conn, qualified, frame)


POLARS_TYPES = {"INTEGER": pl.Int64, "BIGINT": pl.Int64, "DOUBLE": pl.Float64, "VARCHAR": pl.String, "BOOLEAN": pl.Boolean}


def contract_frame(qualified: str, frame: pl.DataFrame) -> pl.DataFrame:
    """A frame with the contract's columns, in its order and types."""
    return frame.select(pl.col(c.name).cast(POLARS_TYPES[c.type]) for c in table(qualified).columns)


def frame_for(qualified: str, rows: list[dict]) -> pl.DataFrame:
    """Rows (dicts) as a frame with the contract's columns, in its order and types."""
    schema = {c.name: POLARS_TYPES[c.type] for c in table(qualified).columns}
    return pl.DataFrame([{c: r.get(c) for c in schema} for r in rows], schema=schema)
