"""Disclosure control of the PMG stakeholder edition: which cells and rows of an edition year to
hide (assets/reporting/disclosure.py has the rules), and the rows its mental-health chart draws."""

from dataclasses import dataclass, field

import polars as pl

from assets.pmg.statistics import ALL_GROUPS
from assets.pmg.year_data import MATRIX_SQL, TOTALS_SQL, YearData, first_row, interventions, load_year, one_row
from assets.reporting.disclosure import complementary, differs_safely
from assets.reporting.editions import Edition

PRIMARY, SECONDARY = "*", "**"


@dataclass
class Disclosure:
    """What the edition hides: cells (org, intervention, 'T0'|'T1'|'rating') and paired-change rows
    (org, intervention, group_label), each with its mark: '*' below the minimum, '**' secondary."""

    cells: dict = field(default_factory=dict)
    paired: dict = field(default_factory=dict)

    def cell(self, organisation: str, intervention: str, kind: str) -> str | None:
        return self.cells.get((organisation, intervention, kind))

    def row(self, organisation: str, intervention: str, group: str) -> str | None:
        return self.paired.get((organisation, intervention, group))


def disclosure(data: YearData, edition: Edition) -> Disclosure:
    """Primary and secondary suppression for the stakeholder edition (nothing for researchers)."""
    plan = Disclosure()
    if edition.researcher:
        return plan
    m = edition.minimum
    for organisation, intervention in interventions(data):
        mh = data.of("mental_health", organisation, intervention)
        waves = {r["wave"]: r["n"] for r in mh}
        rating = one_row(data.of("rating", organisation, intervention))
        paired = data.of("paired", organisation, intervention)
        total = first_row(paired, "group_label", ALL_GROUPS)
        overlap = total["n_pairs"] if total else 0
        primary = {(organisation, intervention, w) for w, n in waves.items() if n < m}
        if rating is not None and rating["n"] < m:
            primary.add((organisation, intervention, "rating"))
        for c in primary:
            plan.cells[c] = PRIMARY
        # The other wave of the same people: when everyone of a hidden wave is also in the other
        # wave, that wave's mean beside any statement on their change gives the hidden one back.
        for wave, other in (("T0", "T1"), ("T1", "T0")):
            if (organisation, intervention, wave) in primary and other in waves and overlap >= waves[wave]:
                plan.cells.setdefault((organisation, intervention, other), SECONDARY)
        if total is None:
            continue
        shown_waves = [n for w, n in waves.items() if (organisation, intervention, w) not in plan.cells]
        any_wave_hidden = len(shown_waves) < len(waves)
        groups = {r["group_label"]: r["n_pairs"] for r in paired
                  if r["group_label"] != ALL_GROUPS}
        forced: set = set()
        while True:
            hide_total, hidden = complementary(total["n_pairs"], groups, m, forced)
            # A shown wave mean beside the mean of nearly the same people gives the rest away.
            unsafe = {g for g, n in groups.items() if g not in hidden
                      and (any_wave_hidden or not all(differs_safely(w, n, m) for w in shown_waves))}
            if not unsafe - forced:
                break
            forced |= unsafe
        if not hide_total and (any_wave_hidden or not all(differs_safely(w, total["n_pairs"], m) for w in shown_waves)):
            hide_total = True
        if hide_total:
            plan.paired[(organisation, intervention, ALL_GROUPS)] = PRIMARY if total["n_pairs"] < m else SECONDARY
            # The groups together are the total: with every group shown, their means weighted by
            # their pairs give it back, so the smallest goes too. (One group is the total itself:
            # hidden with it above, as unsafe beside the waves or below the minimum.)
            if groups and not hidden:
                hidden = {min(groups, key=lambda g: (groups[g], g))}
        for g in hidden:
            plan.paired[(organisation, intervention, g)] = PRIMARY if groups[g] < m else SECONDARY
    return plan


def shown_mental_health(data: YearData, plan: Disclosure) -> pl.DataFrame:
    """The rows of marts.pmg_mental_health an edition's chart draws: those its plan does not hide."""
    if data.mental_health.height == 0:
        return data.mental_health
    return data.mental_health.filter(
        pl.struct("organisation", "intervention", "wave").map_elements(
            lambda r: plan.cell(r["organisation"], r["intervention"], r["wave"]) is None, return_dtype=pl.Boolean))


def stakeholder_mental_health(conn, year: int, minimum: int, lang: str) -> pl.DataFrame:
    """The rows the stakeholder edition's mental-health chart of `year` draws."""
    data = load_year(conn, year)
    return shown_mental_health(data, disclosure(data, Edition(False, minimum, lang)))


def small_interventions(totals: pl.DataFrame, edition: Edition) -> set[tuple[str, str]]:
    """(organisation, intervention) whose focus interviews of a wave had fewer participants together
    than the edition shows: their themes are not listed, nor counted in the theme matrix."""
    return {(r["organisation"], r["intervention"]) for r in totals.iter_rows(named=True)
            if any(edition.hides(n) for n in (r["n_t0"], r["n_t1"]) if n)}


def shown_matrix(matrix: pl.DataFrame, totals: pl.DataFrame, edition: Edition) -> pl.DataFrame:
    """The theme matrix rows the edition shows: a small intervention's cells said, down to one of
    two themes, what its hidden lists held (its only theme under "Impact op mentale gezondheid",
    beside the report's other lists)."""
    small = small_interventions(totals, edition)
    if not small:
        return matrix
    hidden = pl.DataFrame(sorted(small), schema={"organisation": pl.String, "intervention": pl.String},
                          orient="row")
    return matrix.join(hidden, on=["organisation", "intervention"], how="anti", nulls_equal=True,
                       maintain_order="left")


def stakeholder_matrix(conn, year: int, minimum: int) -> pl.DataFrame:
    """The rows the stakeholder edition's theme matrix chart of `year` draws (of the two tables it
    needs: the whole year, themes and quotes included, is some 100,000 rows at 200 organisations)."""
    matrix, totals = (conn.sql(sql, params=[year]).pl() for sql in (MATRIX_SQL, TOTALS_SQL))
    return shown_matrix(matrix, totals, Edition(False, minimum))
