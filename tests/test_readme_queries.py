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


def _example(comment: str) -> str:
    [query] = [q for q in readme_queries() if comment in q.split("\n", 1)[0]]
    return query


def test_the_trend_example_leaves_out_the_means_the_stakeholder_edition_hides(warehouse):
    """marts.pmg_trend repeats the means of pmg_mental_health and pmg_intervention_rating: passed on
    as they stand, it gave the small groups' means the stakeholder edition hides."""
    from assets.pmg.disclosure import disclosure
    from assets.pmg.year_data import load_year
    from assets.reporting.editions import Edition

    plan = disclosure(load_year(warehouse, 2023), Edition(False, 5))
    outcome = {"T0": "mentale_gezondheid_T0", "T1": "mentale_gezondheid_T1", "rating": "cijfer_interventie"}
    hidden = {(o, i, outcome[kind]) for o, i, kind in plan.cells}
    every = set(warehouse.sql("SELECT organisation, intervention, outcome FROM marts.pmg_trend").fetchall())
    shown = {row[:3] for row in warehouse.sql(_example("marts.pmg_trend without what")).fetchall()}
    assert hidden and hidden <= every
    assert shown == every - hidden


def test_the_trend_example_leaves_out_a_change_from_a_hidden_year():
    """With this year's mean shown, the change from a hidden previous year gives that year's mean back."""
    import duckdb

    conn = duckdb.connect()
    conn.sql("CREATE SCHEMA marts")
    conn.sql("CREATE TABLE marts.pmg_trend (organisation VARCHAR, intervention VARCHAR, outcome VARCHAR, "
             "year INTEGER, n INTEGER, mean DOUBLE, previous_year INTEGER, change_from_previous DOUBLE)")
    conn.sql("CREATE TABLE marts.pmg_stakeholder_hidden (year INTEGER, organisation VARCHAR, intervention VARCHAR, "
             "hidden_in VARCHAR, wave VARCHAR)")
    conn.sql("""INSERT INTO marts.pmg_trend VALUES
        ('RUG', 'Training', 'mentale_gezondheid_T0', 2023, 3, 6.0, NULL, NULL),
        ('RUG', 'Training', 'mentale_gezondheid_T0', 2024, 9, 7.0, 2023, 1.0),
        ('RUG', 'Training', 'mentale_gezondheid_T1', 2023, 8, 6.5, NULL, NULL),
        ('RUG', 'Training', 'mentale_gezondheid_T1', 2024, 9, 7.5, 2023, 1.0),
        ('RUG', 'Training', 'cijfer_interventie', 2023, 8, 8.0, NULL, NULL),
        ('RUG', 'Training', 'cijfer_interventie', 2024, 2, 9.0, 2023, 1.0)""")
    conn.sql("""INSERT INTO marts.pmg_stakeholder_hidden VALUES
        (2023, 'RUG', 'Training', 'marts.pmg_mental_health', 'T0'),
        (2024, 'RUG', 'Training', 'marts.pmg_intervention_rating', NULL)""")
    rows = {(r[2], r[3]): r[6] for r in conn.sql(_example("marts.pmg_trend without what")).fetchall()}
    assert rows == {("mentale_gezondheid_T0", 2024): None, ("mentale_gezondheid_T1", 2023): None,
                    ("mentale_gezondheid_T1", 2024): 1.0, ("cijfer_interventie", 2023): None}


def test_the_terug_in_balans_example_leaves_out_relapse_among_a_small_group_returned(warehouse):
    """27 of the sample's 30 went back to work: the 3 who did not are below the minimum, and the share
    of all beside the share among the 27 gives their answers, so the stakeholder edition leaves it out."""
    every = warehouse.sql("SELECT question, answer FROM marts.tib_share_intervals WHERE year = 2024").fetchall()
    shown = [row[:2] for row in warehouse.sql(_example("the same as the stakeholder edition")).fetchall()]
    assert sorted(shown) == sorted(row for row in every if row[0] != "relapse_among_returned")
    assert len(shown) < len(every)
