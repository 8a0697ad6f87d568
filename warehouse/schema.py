"""The warehouse contract in code: table definitions read from tables.yaml.

One documentation source feeds the DDL, the data dictionary and the Dagster column schemas,
so the three cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

TABLES_FILE = Path(__file__).with_name("tables.yaml")
DICTIONARY_FILE = Path(__file__).with_name("DATA_DICTIONARY.md")
NULLS_STATED = "marts"  # the schema whose columns each say when they are NULL


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    null_when: str | None = None  # when the column is NULL (marts only; a marts column without it never is)


@dataclass(frozen=True)
class Table:
    schema: str
    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()  # the columns that name one row, where some do

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def states_nulls(self) -> bool:
        """Whether the contract says of each column when it is NULL: of the marts, which analysts read."""
        return self.schema == NULLS_STATED

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def ddl(self) -> str:
        cols = ",\n  ".join(f'"{c.name}" {c.type}' for c in self.columns)
        return f"CREATE TABLE IF NOT EXISTS {self.qualified} (\n  {cols}\n)"


@cache
def tables() -> dict[str, Table]:
    """All documented tables by qualified name (schema.table)."""
    spec = yaml.safe_load(TABLES_FILE.read_text(encoding="utf-8"))
    out: dict[str, Table] = {}
    for schema, schema_tables in spec.items():
        for name, body in schema_tables.items():
            columns = tuple(
                Column(col, c["type"], c["description"], c.get("null_when")) for col, c in body["columns"].items()
            )
            stated = [col for col, c in body["columns"].items() if "null_when" in c]
            if stated and schema != NULLS_STATED:
                raise ValueError(f"{TABLES_FILE.name}: {schema}.{name}: null_when: is stated for marts columns only "
                                 f"({', '.join(stated)})")
            empty = [col for col, c in body["columns"].items()
                     if "null_when" in c and not (isinstance(c["null_when"], str) and c["null_when"].strip())]
            if empty:
                raise ValueError(f"{TABLES_FILE.name}: {schema}.{name}: null_when: of {', '.join(empty)} says nothing; "
                                 "say when the column is NULL, or leave it out for never")
            key = tuple(body.get("key", ()))
            unknown = [k for k in key if k not in body["columns"]]
            if unknown:
                raise ValueError(f"{TABLES_FILE.name}: {schema}.{name}: key column(s) {unknown} not among its columns")
            out[f"{schema}.{name}"] = Table(schema, name, body["description"], columns, key)
    return out


def table(qualified: str) -> Table:
    return tables()[qualified]


def ensure_schema(conn, *qualified: str) -> None:
    """Create schemas and the named tables (all when none named) if they do not exist yet, and add
    the columns the contract has gained since a table was created.

    Marts only ever gain columns, at the end (the contract's rule): a warehouse built by an older
    version takes them with ALTER TABLE, its rows kept (NULL in the new column until their year is
    run again), so its column order stays that of a new warehouse."""
    wanted = [tables()[q] for q in qualified] if qualified else list(tables().values())
    # One read instead of a write transaction per table: most calls find every table complete.
    existing: dict[tuple[str, str], set[str]] = {}
    for schema, name, column in conn.execute("SELECT schema_name, table_name, column_name FROM duckdb_columns() "
                                             "WHERE database_name = current_database()").fetchall():
        existing.setdefault((schema, name), set()).add(column)
    missing = [t for t in wanted if (t.schema, t.name) not in existing]
    for schema in sorted({t.schema for t in missing}):
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    for t in missing:
        conn.execute(t.ddl())
    for t in wanted:
        have = existing.get((t.schema, t.name))
        if have is None:
            continue  # just created from the contract: complete
        for c in t.columns:
            if c.name not in have:
                conn.execute(f'ALTER TABLE {t.qualified} ADD COLUMN "{c.name}" {c.type}')


def data_dictionary_markdown() -> str:
    lines = [
        "# Data dictionary",
        "",
        "Generated from `warehouse/tables.yaml` (`python -m warehouse.schema`); do not edit by hand.",
        "Schemas: `raw` (as loaded, identifiers pseudonymised), `staging` (typed and decoded by the",
        "codebooks), `marts` (what reports and analysts read; a public contract: columns are only added).",
        "Percentages are 0-100 and means are stored at full precision.",
        "In `marts`, a column is NULL only as its \"NULL when\" says, in the rows this version writes; a",
        "column the contract gained later is NULL in rows an older version wrote, until their year is run again.",
        "",
    ]
    for t in tables().values():
        lines += [f"## `{t.qualified}`", "", t.description, ""]
        if t.key:
            together = " together" if len(t.key) > 1 else ""
            lines += ["One row per " + ", ".join(f"`{k}`" for k in t.key) + f" (unique{together}).", ""]
        if t.states_nulls:
            lines += ["| column | type | description | NULL when |", "|---|---|---|---|"]
            lines += [f"| `{c.name}` | {c.type} | {c.description} | {c.null_when or 'never'} |" for c in t.columns]
        else:
            lines += ["| column | type | description |", "|---|---|---|"]
            lines += [f"| `{c.name}` | {c.type} | {c.description} |" for c in t.columns]
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":  # no arguments: writes DATA_DICTIONARY.md
    DICTIONARY_FILE.write_text(data_dictionary_markdown(), encoding="utf-8")
    print(f"wrote {DICTIONARY_FILE}")
