"""Disclosure control: the rules at their boundaries, and the PMG and Terug in Balans stakeholder
editions applying them to the sample's data altered to sit on those boundaries (the sample's groups
of 2 to 8 and its cohort of 30 are nowhere near them)."""

from dataclasses import replace

import polars as pl

from assets.pmg.disclosure import disclosure, hidden_rows
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


def test_complementary_hides_a_total_below_the_minimum_whatever_its_parts():
    assert complementary(4, {}, MINIMUM) == (True, set())
    assert complementary(4, {"a": 2, "b": 2}, MINIMUM) == (True, {"a", "b"})


def test_complementary_stops_hiding_parts_once_they_hold_the_minimum_together():
    assert complementary(20, {"a": 3, "b": 2, "c": 15}, MINIMUM) == (False, {"a", "b"})


def test_differs_safely_at_the_boundary():
    assert differs_safely(20, 20, MINIMUM) and differs_safely(25, 20, MINIMUM)
    assert not differs_safely(24, 20, MINIMUM) and not differs_safely(21, 20, MINIMUM)


def test_edition_hides_below_the_minimum_only_and_only_for_stakeholders():
    stakeholder = Edition(False, MINIMUM)
    assert stakeholder.hides(4) and stakeholder.hides(0) and stakeholder.hides(None)
    assert not stakeholder.hides(5)
    assert not Edition(True, MINIMUM).hides(1)


# --- the editions, on the sample altered to sit on the boundaries ------------------------------

def _altered(warehouse, groups: dict, wave_n: dict, rating_n: int | None = None):
    """The sample's 2023 year with RUG's Training Emoties given these paired groups {label: n_pairs},
    wave sizes {wave: n} and (when given) raters."""
    data = load_year(warehouse, 2023)
    ours = (pl.col("organisation") == "RUG") & (pl.col("intervention") == "Training Emoties")
    template = data.paired.filter(ours & (pl.col("group_label") == ALL_GROUPS))
    paired = pl.concat([template.with_columns(group_label=pl.lit(g), n_pairs=pl.lit(n, pl.Int32))
                        for g, n in groups.items()])
    waves = data.mental_health.filter(ours).with_columns(
        n=pl.col("wave").replace_strict(wave_n, return_dtype=pl.Int32))
    rating = data.rating if rating_n is None else data.rating.with_columns(
        n=pl.when(ours).then(pl.lit(rating_n, pl.Int32)).otherwise(pl.col("n")))
    return replace(data, paired=pl.concat([data.paired.filter(~ours), paired]),
                   mental_health=pl.concat([data.mental_health.filter(~ours), waves]), rating=rating, parts={})


def _plan(warehouse, groups: dict, wave_n: dict, rating_n: int | None = None):
    return disclosure(_altered(warehouse, groups, wave_n, rating_n), Edition(False, MINIMUM))


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
    # and the other way round, a small T1 all of whom were at T0
    data = _altered(warehouse, {ALL_GROUPS: 4}, {"T0": 8, "T1": 4})
    plan = disclosure(data, Edition(False, MINIMUM))
    assert plan.cell("RUG", "Training Emoties", "T1") == "*"
    assert plan.cell("RUG", "Training Emoties", "T0") == "**"
    # listed so in marts.pmg_stakeholder_hidden, for analysts passing figures on
    listed = {r["wave"]: (r["reason"], r["n"]) for r in hidden_rows(data, Edition(False, MINIMUM))
              if r["intervention"] == "Training Emoties" and r["hidden_in"] == "marts.pmg_mental_health"}
    assert listed == {"T1": ("below_minimum", 4), "T0": ("secondary", 8)}


def test_groups_of_exactly_the_minimum_are_shown(warehouse):
    plan = _plan(warehouse, {ALL_GROUPS: 5}, {"T0": 5, "T1": 5}, rating_n=5)
    assert [plan.cell("RUG", "Training Emoties", kind) for kind in ("T0", "T1", "rating")] == [None, None, None]
    assert plan.row("RUG", "Training Emoties", ALL_GROUPS) is None
    plan = _plan(warehouse, {ALL_GROUPS: 5}, {"T0": 5, "T1": 5}, rating_n=4)
    assert plan.cell("RUG", "Training Emoties", "rating") == "*"


def test_a_total_of_pairs_is_marked_by_why_it_is_hidden(warehouse):
    # below the minimum beside waves far larger: hidden for itself
    assert _plan(warehouse, {ALL_GROUPS: 4}, {"T0": 20, "T1": 20}).row("RUG", "Training Emoties", ALL_GROUPS) == "*"
    # the minimum exactly, but 3 short of the waves' 8: hidden as it would give those 3 back
    assert _plan(warehouse, {ALL_GROUPS: 5}, {"T0": 8, "T1": 8}).row("RUG", "Training Emoties", ALL_GROUPS) == "**"


def test_theme_matrix_leaves_out_an_intervention_when_one_interview_wave_is_small(warehouse):
    """Its cells said, down to one of two themes, what its hidden theme lists held: in the
    stakeholder edition's table (compact too) and chart it is left out, said in a note; the
    researcher edition keeps it."""
    from assets.pmg import charts
    from assets.pmg import report as pmg
    from assets.pmg.disclosure import stakeholder_matrix

    data = load_year(warehouse, 2023)
    big = data.totals.filter((pl.col("n_t0") >= MINIMUM) & (pl.col("n_t1") >= MINIMUM)).row(0, named=True)
    org, intervention = big["organisation"], big["intervention"]
    ours = (pl.col("organisation") == org) & (pl.col("intervention") == intervention)
    assert data.matrix.filter(ours).height
    totals = data.totals.with_columns(n_t0=pl.when(ours).then(10).otherwise("n_t0"),
                                      n_t1=pl.when(ours).then(3).otherwise("n_t1"))
    mine = replace(data, totals=totals, parts={})
    for compact in (False, True):
        [table] = [b for b in pmg.matrix_blocks(mine, Edition(False, MINIMUM), 6, None, compact) if hasattr(b, "rows")]
        assert table.notes == ["Interventies met minder dan 5 geïnterviewden (bij T0 of T1) zijn weggelaten: hun "
                               "thema's worden in dit rapport niet genoemd."]
    [table] = [b for b in pmg.matrix_blocks(mine, Edition(False, MINIMUM), 6, None) if hasattr(b, "rows")]
    assert not [r for r in table.rows if r[:2] == [org, intervention]]
    [researcher] = [b for b in pmg.matrix_blocks(mine, Edition(True, MINIMUM), 6, None) if hasattr(b, "rows")]
    assert [r for r in researcher.rows if r[:2] == [org, intervention]] and not researcher.notes
    # the chart asset draws what the stakeholder edition shows: on the sample, without the two small ones
    shown = stakeholder_matrix(warehouse, 2023, MINIMUM)
    assert set(shown["intervention"]) == set(data.matrix["intervention"]) - {
        "Teamcoaching hybride werken", "Workshop Positieve Gezondheid"}
    assert charts.draw_theme_matrix(shown) is not None


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


def test_tib_a_hidden_factor_is_neither_ranked_nor_placed_among_the_shown(warehouse):
    """A factor few answered, in the order of its hidden share, sat between two shown shares (with
    N=4 between 67% and 83% leaves 75%), and its rank told as much: it goes last, unranked."""
    from assets.statistics import competition_rank
    from assets.terug_in_balans import report as tib

    data = tib.load_year(warehouse, 2024)
    factor = data.factor_summary.row(3, named=True)["factor"]

    def few(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.with_columns(n_respondents=pl.when(pl.col("factor") == factor).then(4)
                                  .otherwise(pl.col("n_respondents")))

    mine = replace(data, factors=few(data.factors), factor_summary=few(data.factor_summary))
    shares, summary = [b for b in tib.factors(mine, Edition(False, MINIMUM), tib.Numbering()) if hasattr(b, "rows")]
    assert shares.rows[-1][0] == factor and summary.rows[-1][:2] == [MISSING, factor]
    shown = [r for r in data.factor_summary.iter_rows(named=True) if r["factor"] != factor]
    assert [row[:2] for row in summary.rows[:-1]] == [
        [str(rank), r["factor"]] for rank, r in zip(competition_rank([r["pct_flink_of_zeer"] for r in shown]), shown)]
    researcher = [b for b in tib.factors(mine, Edition(True, MINIMUM), tib.Numbering()) if hasattr(b, "rows")][1]
    assert [row[0] for row in researcher.rows] == [str(r) for r in data.factor_summary["rank"]]


def test_tib_a_hidden_cohort_lists_skills_and_factors_by_name_not_by_their_hidden_shares(warehouse):
    """Sorted by hidden counts, a cohort of 3 showed which skills all three had strengthened (the
    alphabet started again where the counts dropped) and ranked its factors 1,1,1,1,1,6,6."""
    from assets.terug_in_balans import report as tib

    data = tib.load_year(warehouse, 2024)
    edition = Edition(False, 31)
    [skills] = [b for b in tib.skills(data, edition, tib.Numbering()) if hasattr(b, "rows")]
    names = [row[0] for row in skills.rows]
    assert names == sorted(names, key=str.lower) and names != data.skills["skill"].to_list()
    shares, summary = [b for b in tib.factors(data, edition, tib.Numbering()) if hasattr(b, "rows")]
    for table, column in ((shares, 0), (summary, 1)):
        factors = [row[column] for row in table.rows]
        assert factors == sorted(factors, key=str.lower)
    assert {row[0] for row in summary.rows} == {MISSING}
