"""Disclosure control: the rules at their boundaries, and the PMG and Terug in Balans stakeholder
editions applying them to the sample's data altered to sit on those boundaries (the sample's groups
of 2 to 8 and its cohort of 30 are nowhere near them)."""

from dataclasses import replace

import polars as pl

from assets.pmg.disclosure import disclosure
from assets.pmg.statistics import ALL_GROUPS
from assets.pmg.year_data import load_year
from assets.reporting.disclosure import complementary, differs_safely
from assets.reporting.editions import Edition
from assets.reporting.numbers import MISSING

MINIMUM = 5


def test_complementary_hides_a_part_one_below_the_minimum_and_what_would_give_it_back():
    assert complementary(20, {"a": 4, "b": 16}, MINIMUM) == (False, {"a", "b"})
    assert complementary(20, {"a": 5, "b": 15}, MINIMUM) == (False, set())


def test_complementary_hides_the_total_when_the_hidden_parts_stay_below_the_minimum():
    assert complementary(10, {"a": 2}, MINIMUM) == (True, {"a"})


def test_differs_safely_at_the_boundary():
    assert differs_safely(20, 20, MINIMUM) and differs_safely(25, 20, MINIMUM)
    assert not differs_safely(24, 20, MINIMUM) and not differs_safely(21, 20, MINIMUM)


def test_edition_hides_below_the_minimum_only_and_only_for_stakeholders():
    stakeholder = Edition(False, MINIMUM)
    assert stakeholder.hides(4) and stakeholder.hides(0) and stakeholder.hides(None)
    assert not stakeholder.hides(5)
    assert not Edition(True, MINIMUM).hides(1)


# --- the editions, on the sample altered to sit on the boundaries ------------------------------

def _plan(warehouse, groups: dict, wave_n: dict):
    """RUG's Training Emoties with these paired groups {label: n_pairs} and wave sizes {wave: n}."""
    data = load_year(warehouse, 2023)
    ours = (pl.col("organisation") == "RUG") & (pl.col("intervention") == "Training Emoties")
    template = data.paired.filter(ours & (pl.col("group_label") == ALL_GROUPS))
    paired = pl.concat([template.with_columns(group_label=pl.lit(g), n_pairs=pl.lit(n, pl.Int32))
                        for g, n in groups.items()])
    waves = data.mental_health.filter(ours).with_columns(
        n=pl.col("wave").replace_strict(wave_n, return_dtype=pl.Int32))
    mine = replace(data, paired=pl.concat([data.paired.filter(~ours), paired]),
                   mental_health=pl.concat([data.mental_health.filter(~ours), waves]), parts={})
    return disclosure(mine, Edition(False, MINIMUM))


def test_a_group_of_four_beside_a_group_of_sixteen_is_hidden_with_it(warehouse):
    plan = _plan(warehouse, {ALL_GROUPS: 20, "Groep vier": 4, "Groep zestien": 16}, {"T0": 20, "T1": 20})
    assert plan.row("RUG", "Training Emoties", "Groep vier") == "*"
    assert plan.row("RUG", "Training Emoties", "Groep zestien") == "**"
    assert plan.row("RUG", "Training Emoties", ALL_GROUPS) is None


def test_a_total_differing_from_the_waves_by_exactly_the_minimum_is_shown(warehouse):
    plan = _plan(warehouse, {ALL_GROUPS: 20}, {"T0": 25, "T1": 25})
    assert plan.row("RUG", "Training Emoties", ALL_GROUPS) is None
    plan = _plan(warehouse, {ALL_GROUPS: 20}, {"T0": 24, "T1": 24})
    assert plan.row("RUG", "Training Emoties", ALL_GROUPS) == "**"


def test_the_other_wave_is_hidden_when_everyone_of_a_small_wave_is_in_it(warehouse):
    plan = _plan(warehouse, {ALL_GROUPS: 4}, {"T0": 4, "T1": 8})
    assert plan.cell("RUG", "Training Emoties", "T0") == "*"
    assert plan.cell("RUG", "Training Emoties", "T1") == "**"


def test_theme_matrix_hides_participant_counts_when_one_interview_wave_is_small(warehouse):
    from assets.pmg import report as pmg

    data = load_year(warehouse, 2023)
    org, intervention = data.matrix.row(0, named=True)["organisation"], data.matrix.row(0, named=True)["intervention"]
    ours = (pl.col("organisation") == org) & (pl.col("intervention") == intervention)
    totals = data.totals.with_columns(n_t0=pl.when(ours).then(3).otherwise("n_t0"),
                                      n_t1=pl.when(ours).then(10).otherwise("n_t1"))
    edition = Edition(False, MINIMUM)
    mine = replace(data, totals=totals, parts={})
    [table] = [b for b in pmg.matrix_blocks(mine, edition, 6, None) if hasattr(b, "rows")]
    rows = [r for r in table.rows if r[0] == org and r[1] == intervention]
    assert rows and all(r[-1] == f"{MISSING}*" for r in rows)


def test_tib_stakeholder_tables_hide_the_shares_of_a_cohort_below_the_minimum(warehouse):
    from assets.terug_in_balans import report as tib

    data = tib.load_year(warehouse, 2024)
    assert data.respondents == 30
    edition = Edition(False, 31)   # the sample's cohort of 30 is below this minimum
    tables = [b for b in tib.return_to_work(data, edition, tib.Numbering()) if hasattr(b, "rows")]
    assert len(tables) == 2
    for table in tables:
        for row in table.rows:
            assert all(cell.startswith(MISSING) for cell in row[1:]), row
