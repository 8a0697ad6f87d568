"""Disclosure control of the PMG stakeholder edition: which cells and rows of an edition year to
hide (assets/reporting/disclosure.py has the rules), the rows its mental-health chart draws, and
the mart marts.pmg_stakeholder_hidden that lists what it hides."""

from dataclasses import dataclass, field

import polars as pl
from dagster import MaterializeResult, asset
from dagster_duckdb import DuckDBResource

from assets.partitions import YEARLY, partition_years
from assets.pmg.marts import MENTAL_HEALTH, RATING, THEMES
from assets.pmg.statistics import ALL_GROUPS, PAIRED, UNPAIRED
from assets.pmg.themes import THEME_MATRIX
from assets.pmg.year_data import (HIDDEN, MATRIX_SQL, TOTALS_SQL, YEAR_TABLES, YearData, first_row, interventions,
                                  load_year, one_row)
from assets.reporting.disclosure import complementary, differs_safely
from assets.reporting.editions import Edition
from assets.tables import POOL, contract_metadata, describe, frame_for, key, replace_with_frame, written_metadata
from pipelines.resources import ReportSettings

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


# --- the mart: what the stakeholder edition hides, for analysts who pass figures on ------------

REASONS = {PRIMARY: "below_minimum", SECONDARY: "secondary"}
WITH_HIDDEN_WAVE = "with_hidden_wave"


def hidden_rows(data: YearData, edition: Edition) -> list[dict]:
    """One row per figure of the year that `edition` hides: the plan's cells and paired-change rows,
    the unpaired comparison of an intervention with a hidden wave, the theme lists of a focus
    interview below the minimum, and that intervention's theme-matrix cells."""
    plan = disclosure(data, edition)
    n_of = {(r["organisation"], r["intervention"], r["wave"]): r["n"] for r in data.mental_health.iter_rows(named=True)}
    n_of |= {(r["organisation"], r["intervention"], "rating"): r["n"] for r in data.rating.iter_rows(named=True)}
    rows = [{"organisation": o, "intervention": i, "hidden_in": RATING if kind == "rating" else MENTAL_HEALTH,
             "wave": None if kind == "rating" else kind, "reason": REASONS[mark], "n": n_of.get((o, i, kind))}
            for (o, i, kind), mark in plan.cells.items()]
    pairs = {(r["organisation"], r["intervention"], r["group_label"]): r["n_pairs"]
             for r in data.paired.iter_rows(named=True)}
    rows += [{"organisation": o, "intervention": i, "hidden_in": PAIRED, "group_label": g, "reason": REASONS[mark],
              "n": pairs[o, i, g]} for (o, i, g), mark in plan.paired.items()]
    rows += [{"organisation": o, "intervention": i, "hidden_in": UNPAIRED, "reason": WITH_HIDDEN_WAVE}
             for o, i in data.unpaired.select("organisation", "intervention").rows()
             if plan.cell(o, i, "T0") or plan.cell(o, i, "T1")]
    for r in data.totals.iter_rows(named=True):  # the focus interviews' participants per wave
        for wave, n in (("T0", r["n_t0"]), ("T1", r["n_t1"])):
            if n and edition.hides(n):
                rows.append({"organisation": r["organisation"], "intervention": r["intervention"], "hidden_in": THEMES,
                             "wave": wave, "reason": REASONS[PRIMARY], "n": n})
    in_matrix = set(data.matrix.select("organisation", "intervention").unique().rows())
    rows += [{"organisation": o, "intervention": i, "hidden_in": THEME_MATRIX, "reason": WITH_HIDDEN_WAVE}
             for o, i in sorted(small_interventions(data.totals, edition) & in_matrix, key=str)]
    return [{"year": data.year, **r, "reporting_minimum": edition.minimum} for r in rows]


@asset(**YEARLY, key=key(HIDDEN), deps=[key(t) for t in YEAR_TABLES], group_name="pmg", pool=POOL, kinds={"duckdb"},
       metadata=contract_metadata(HIDDEN), description=describe(HIDDEN, """
Every figure of the year that the stakeholder edition hides at the configured reporting minimum
(MHM_REPORTING_MINIMUM): a group below it, a figure that would give such a group back (secondary
suppression), and what goes with a hidden wave. Read it before passing figures from the marts on:
the marts hold every group, the stakeholder reports only what this leaves."""))
def marts_pmg_stakeholder_hidden(context, duckdb: DuckDBResource, reports: ReportSettings) -> MaterializeResult:
    years = partition_years(context)
    edition = Edition(False, reports.reporting_minimum)
    with duckdb.get_connection() as conn:
        rows = [row for year in years for row in hidden_rows(load_year(conn, year, themes=False), edition)]
        frame = frame_for(HIDDEN, rows).sort("year", "organisation", "intervention", "hidden_in", "wave", "group_label",
                                             nulls_last=True)  # a rerun writes the rows in the same order
        replace_with_frame(conn, HIDDEN, frame, years)
        return MaterializeResult(metadata=written_metadata(conn, HIDDEN, years=years))
