"""What every warehouse asset shares: its contract metadata, a pool, and a preview of what it wrote."""

import polars as pl
from dagster import AssetKey, MaterializeResult, MetadataValue, TableColumn, TableSchema, asset
from dagster_duckdb import DuckDBResource

from assets.ingest.loader import insert_frame
from warehouse.schema import ensure_schema, table

# DuckDB admits one writing process per file: every asset that writes joins this pool (limit 1).
POOL = "duckdb"


def key(qualified: str) -> AssetKey:
    """Asset key of a warehouse table: schema/table, so the asset is found by the table's name."""
    return AssetKey(qualified.split("."))


def contract_metadata(qualified: str) -> dict:
    t = table(qualified)
    return {
        "dagster/table_name": qualified,
        "dagster/column_schema": TableSchema(
            columns=[TableColumn(c.name, c.type, description=c.description) for c in t.columns]
        ),
    }


def describe(qualified: str, purpose: str) -> str:
    """Asset description: what it is for, then the contract's sentence on what one row is."""
    return f"{purpose.strip()}\n\nTable `{qualified}`: {table(qualified).description}"


def written_metadata(conn, qualified: str, preview_rows: int = 10, order_by: str | None = None) -> dict:
    n = conn.execute(f"SELECT count(*) FROM {qualified}").fetchall()[0][0]
    order = f" ORDER BY {order_by}" if order_by else ""
    df = conn.sql(f"SELECT * FROM {qualified}{order} LIMIT {preview_rows}").pl()
    return {"dagster/row_count": MetadataValue.int(n), "preview": MetadataValue.md(markdown_table(df))}


def markdown_table(df) -> str:
    if df.height == 0:
        return "_(no rows)_"
    cols = df.columns
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in df.iter_rows():
        lines.append("| " + " | ".join("" if v is None else str(v).replace("|", "\\|").replace("\n", " ")[:80]
                                        for v in row) + " |")
    return "\n".join(lines)


def replace_table(conn, qualified: str, select_sql: str, params: list | None = None) -> None:
    """Rebuild a table from a query in one transaction, keeping the contract's column types."""
    ensure_schema(conn, qualified)
    conn.execute("BEGIN TRANSACTION")
    try:
        conn.execute(f"DELETE FROM {qualified}")
        conn.execute(f"INSERT INTO {qualified} BY NAME {select_sql}", params or [])
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def sql_table_asset(qualified: str, deps: list[str], sql: str, purpose: str, group: str, order_by: str | None = None):
    """An asset that rebuilds one warehouse table from one query (marts are all of this shape)."""
    @asset(key=key(qualified), deps=[key(d) for d in deps], group_name=group, pool=POOL, kinds={"duckdb"},
           metadata=contract_metadata(qualified), description=describe(qualified, purpose))
    def _build(duckdb: DuckDBResource) -> MaterializeResult:
        with duckdb.get_connection() as conn:
            replace_table(conn, qualified, sql)
            return MaterializeResult(metadata=written_metadata(conn, qualified, preview_rows=25, order_by=order_by))

    return _build


def replace_with_frame(conn, qualified: str, frame: pl.DataFrame) -> None:
    """Rebuild a table from a frame in one transaction (delete + insert), contract column types."""
    ensure_schema(conn, qualified)
    conn.execute("BEGIN TRANSACTION")
    try:
        conn.execute(f"DELETE FROM {qualified}")
        if frame.height:
            insert_frame(conn, qualified, frame)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


POLARS_TYPES = {"INTEGER": pl.Int64, "BIGINT": pl.Int64, "DOUBLE": pl.Float64, "VARCHAR": pl.String}


def frame_for(qualified: str, rows: list[dict]) -> pl.DataFrame:
    """Rows (dicts) as a frame with the contract's columns, in its order and types."""
    schema = {c.name: POLARS_TYPES[c.type] for c in table(qualified).columns}
    return pl.DataFrame([{c: r.get(c) for c in schema} for r in rows], schema=schema)
