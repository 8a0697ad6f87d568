"""The README's example queries: one for every mart of the contract, and each runs on the sample
warehouse and finds rows, so the examples analysts copy cannot drift from the tables."""

import re
from pathlib import Path

import pytest

from warehouse.schema import tables

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_queries() -> list[str]:
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"```sql\n(.*?)```", text, flags=re.S)
    statements = [s.strip() for block in blocks for s in block.split(";")]
    return [s for s in statements if s and not all(line.startswith("--") for line in s.splitlines())]


def marts_in(query: str) -> set[str]:
    return set(re.findall(r"\bmarts\.[a-z_]+", re.sub(r"--[^\n]*", "", query)))


def test_every_mart_has_an_example_query():
    queried = set().union(*map(marts_in, readme_queries()))
    assert queried == {name for name in tables() if name.startswith("marts.")}


@pytest.mark.parametrize("query", readme_queries(), ids=lambda q: ",".join(sorted(marts_in(q))))
def test_an_example_query_runs_on_the_sample_and_finds_rows(query, warehouse):
    assert warehouse.sql(query).fetchall(), query


@pytest.mark.parametrize("qualified", sorted(name for name, t in tables().items() if t.key))
def test_every_declared_key_names_one_row(qualified, warehouse):
    """The dictionary's key is what analysts join on: no two rows of the sample share one."""
    key = ", ".join(f'"{c}"' for c in tables()[qualified].key)
    assert warehouse.sql(f"SELECT {key}, count(*) FROM {qualified} GROUP BY ALL HAVING count(*) > 1").fetchall() == []
