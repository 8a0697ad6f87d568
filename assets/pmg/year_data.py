"""One PMG edition year as the reports read it: every mart's rows of the year, grouped once per
intervention and organisation (a year of 200 organisations is read once, not per report)."""

from dataclasses import dataclass, field

import polars as pl

from assets.pmg.marts import COUNTS, MENTAL_HEALTH, RATING, THEMES, TREND, YEAR_MARTS
from assets.pmg.staging import SEGMENTS
from assets.pmg.statistics import ALL_GROUPS, PAIRED, UNPAIRED
from assets.pmg.themes import THEME_MATRIX, THEME_QUOTES
from assets.reporting.editions import years_with_rows

QUOTES_PER_SECTION = 4
# Every table load_year reads: what reads a year depends on them all (the theme names are staged).
YEAR_TABLES = [*YEAR_MARTS, SEGMENTS]
PER_ORGANISATION = ("counts", "totals", "mental_health", "rating", "themes", "quotes", "paired", "unpaired", "matrix",
                    "trend")
HIDDEN = "marts.pmg_stakeholder_hidden"  # assets/pmg/disclosure.py writes it


@dataclass(frozen=True)
class YearData:
    year: int
    counts: pl.DataFrame          # Tabel 3 rows
    totals: pl.DataFrame          # per intervention: interview and questionnaire N per wave
    mental_health: pl.DataFrame
    rating: pl.DataFrame
    themes: pl.DataFrame
    quotes: pl.DataFrame          # marts.pmg_theme_quotes
    paired: pl.DataFrame          # marts.pmg_paired_change
    unpaired: pl.DataFrame        # marts.pmg_unpaired_change
    matrix: pl.DataFrame          # marts.pmg_theme_matrix
    trend: pl.DataFrame           # marts.pmg_trend's rows of the year with a previous edition, beside it
    theme_en: dict = field(default_factory=dict)  # theme -> its English name, where the codebook gives one
    set_aside: int = 0            # questionnaire rows of the year in raw.quarantine: in no figure
    parts: dict = field(default_factory=dict)   # what is worked out once: rows grouped per frame, names

    def of(self, name: str, organisation: str, intervention: str) -> list[dict]:
        """The rows of one intervention in one of the frames above. Grouped once per frame: a year
        of 200 interventions filtered frame by frame took tens of thousands of Polars scans."""
        return self._grouped(name, ("organisation", "intervention")).get((organisation, intervention), [])

    def _grouped(self, name: str, keys: tuple[str, ...]) -> dict[tuple, list[dict]]:
        if name not in self.parts:
            grouped: dict = {}
            for row in getattr(self, name).iter_rows(named=True):
                grouped.setdefault(tuple(row[k] for k in keys), []).append(row)
            self.parts[name] = grouped
        return self.parts[name]

    def for_organisation(self, organisation: str) -> "YearData":
        """The year as one organisation's report sees it."""
        names = self.of_organisation(organisation)
        mine = {name: self._split(name, "organisation", [organisation]) for name in PER_ORGANISATION}
        # the previous editions whole: what their stakeholder editions hide is worked out once a year;
        # and the changes their list holds (without it, an organisation report showed what they hid)
        return YearData(year=self.year, **mine, theme_en=self.theme_en, set_aside=self.set_aside,
                        parts={"interventions": [(organisation, i) for i in names],
                               "previous": self.parts.get("previous", {}),
                               "previous_paired_hidden": self.parts.get("previous_paired_hidden")})

    def _split(self, name: str, column: str, values: list[str]) -> pl.DataFrame:
        """The rows of frame `name` whose `column` is one of `values`; the frame is split once."""
        frame = getattr(self, name)
        part = f"split:{name}"
        if part not in self.parts:
            self.parts[part] = {k[0]: p for k, p in frame.partition_by(column, as_dict=True, maintain_order=True).items()}
        found = [self.parts[part][v] for v in dict.fromkeys(values) if v in self.parts[part]]
        return pl.concat(found) if found else frame.clear()

    def of_organisation(self, organisation: str) -> list[str]:
        return [i for o, i in interventions(self) if o == organisation]

    def theme_name(self, theme: str, lang: str) -> str:
        """The theme as a report in `lang` prints it: in English the codebook's theme_en, where it gives one."""
        return self.theme_en.get(theme, theme) if lang == "en" else theme

    def section_themes(self, organisation: str, intervention: str, section: str, lang: str = "nl") -> list[dict]:
        rows = [r for r in self.of("themes", organisation, intervention) if r["section"] == section]
        if lang != "en" or not self.theme_en:
            return rows
        # Named in English, then in load_year's order by that name: most raised first, then alphabetical.
        named = [{**r, "theme": self.theme_name(r["theme"], lang)} for r in rows]
        return sorted(named, key=lambda r: (r["jdr_category"] is None, r["jdr_category"] or "", r["wave"],
                                            -r["n_participants"], r["theme"]))

    def quotes_of(self, organisation: str, intervention: str, section: str) -> list[dict]:
        return self._grouped("quotes", ("organisation", "intervention", "section")).get(
            (organisation, intervention, section), [])


def report_years(conn) -> list[int]:
    return years_with_rows(conn, (COUNTS, MENTAL_HEALTH, RATING, THEMES))


# per intervention: interview and questionnaire N per wave (of one year: the parameter)
TOTALS_SQL = f"""
    SELECT organisation, intervention, sum(n_t0)::INTEGER AS n_t0, sum(n_t1)::INTEGER AS n_t1,
           sum(n_questionnaire_t0)::INTEGER AS n_questionnaire_t0,
           sum(n_questionnaire_t1)::INTEGER AS n_questionnaire_t1
    FROM {COUNTS} WHERE year = ? GROUP BY ALL"""
MATRIX_SQL = (f"SELECT * FROM {THEME_MATRIX} WHERE year = ? "
              "ORDER BY organisation, intervention, igloo_level, jdr_category")


# The year's trend rows beside their previous edition's, and whether the stakeholder edition of that
# year hid the previous mean (marts.pmg_stakeholder_hidden): beside this year's, the change gives it.
TREND_SQL = f"""
    SELECT t.organisation, t.intervention, t.outcome, t.previous_year, p.n AS previous_n,
           p.mean AS previous_mean, t.n, t.mean, t.change_from_previous, t.question_reworded,
           EXISTS (SELECT 1 FROM {HIDDEN} h
                   WHERE h.year = t.previous_year AND h.organisation IS NOT DISTINCT FROM t.organisation
                     AND h.intervention IS NOT DISTINCT FROM t.intervention
                     AND CASE h.hidden_in WHEN '{RATING}' THEN 'cijfer_interventie'
                                          WHEN '{MENTAL_HEALTH}' THEN 'mentale_gezondheid_' || h.wave END
                         IS NOT DISTINCT FROM t.outcome) AS previous_hidden
    FROM {TREND} t JOIN {TREND} p ON p.year = t.previous_year AND p.organisation IS NOT DISTINCT FROM t.organisation
      AND p.intervention IS NOT DISTINCT FROM t.intervention AND p.outcome IS NOT DISTINCT FROM t.outcome
    WHERE t.year = ? ORDER BY t.organisation, t.intervention, t.outcome"""


def load_year(conn, year: int, themes: bool = True, trend: bool = False) -> YearData:
    """The year's rows of every mart; without `themes`, no theme mentions and quotes (the bulk of
    a year, and nothing disclosure() reads); with `trend`, the comparison with the previous edition
    (the reports': the charts read a year before marts.pmg_trend is made)."""
    def q(sql: str, wanted: bool = True) -> pl.DataFrame:
        return conn.sql(sql if wanted else f"SELECT * FROM ({sql}) LIMIT 0", params=[year]).pl()

    trend_rows = q(TREND_SQL) if trend else pl.DataFrame(schema=dict.fromkeys(("organisation", "intervention"),
                                                                             pl.String))
    # The previous editions themselves: what their stakeholder editions hide at this run's minimum is
    # worked out again (marts.pmg_stakeholder_hidden of a year may be of another minimum, or unwritten).
    previous = {y: load_year(conn, y, themes=False) for y in sorted(set(trend_rows["previous_year"]))} if trend else {}
    # and the intervention totals of their change in the same people that marts.pmg_stakeholder_hidden lists
    hidden_paired = set(conn.execute(
        f"SELECT year, organisation, intervention FROM {HIDDEN} WHERE hidden_in = '{PAIRED}' AND group_label = ? "
        f"AND list_contains(?, year)", [ALL_GROUPS, list(previous)]).fetchall()) if previous else set()
    return YearData(
        year=year,
        counts=q(f"SELECT * FROM {COUNTS} WHERE year = ? ORDER BY organisation DESC, intervention, group_label"),
        totals=q(TOTALS_SQL),
        mental_health=q(f"SELECT * FROM {MENTAL_HEALTH} WHERE year = ? ORDER BY organisation, intervention, wave"),
        rating=q(f"SELECT * FROM {RATING} WHERE year = ?"),
        themes=q(f"""
            SELECT * FROM {THEMES} WHERE year = ?
            ORDER BY organisation, intervention, section, jdr_category NULLS LAST, wave,
                     n_participants DESC, theme""", themes),
        # Only the quotes a section prints: at 200 organisations a year holds some 66,000, and
        # turning every one into a row for the reports took a third of their build time. A
        # segment coded as a resource and as a stressor is in the mart once per JD-R category:
        # its words once, before the cut (after it, a section printed three quotes of five).
        quotes=q(f"""
            SELECT * FROM (
                SELECT * FROM {THEME_QUOTES} WHERE year = ?
                QUALIFY row_number() OVER (PARTITION BY organisation, intervention, section, quote
                                           ORDER BY rank, n_participants DESC, theme, wave, jdr_category) = 1)
            QUALIFY row_number() OVER (PARTITION BY organisation, intervention, section
                                       ORDER BY rank, n_participants DESC, theme, wave) <= {QUOTES_PER_SECTION}
            ORDER BY organisation, intervention, section, rank, n_participants DESC, theme, wave""", themes),
        paired=q(f"SELECT * FROM {PAIRED} WHERE year = ? ORDER BY organisation, intervention, "
                 f"group_label <> '{ALL_GROUPS}', group_label"),
        unpaired=q(f"SELECT * FROM {UNPAIRED} WHERE year = ? ORDER BY organisation, intervention"),
        matrix=q(MATRIX_SQL),
        trend=trend_rows,
        theme_en=english_themes(conn, year) if themes else {},
        set_aside=questionnaire_rows_set_aside(conn, year),
        parts={"previous": previous, "previous_paired_hidden": hidden_paired},
    )


def questionnaire_rows_set_aside(conn, year: int) -> int:
    """The year's questionnaire rows in raw.quarantine that may be respondents: not the previews,
    tests and spam, nor an unfinished second response (Status, Finished), which are set aside on
    purpose. Of an organisation whose every answer was set aside (a renamed answer the codebook
    lacked), the report said only that nobody filled in the questionnaire."""
    return conn.execute("""
        SELECT count(*) FROM (
            SELECT source_file, row_number FROM raw.quarantine
            WHERE instrument = 'pmg_questionnaire'
              AND source_file IN (SELECT source_file FROM raw.source_files WHERE programme = 'pmg' AND year = ?)
            GROUP BY ALL HAVING NOT bool_or(column_name IN ('Status', 'Finished')))""", [year]).fetchall()[0][0]


def english_themes(conn, year: int) -> dict[str, str]:
    """The year's themes the interview codebook names in English (theme_en): {theme: English name}."""
    if not conn.execute("SELECT count(*) FROM duckdb_columns() WHERE schema_name = 'staging' AND "
                        "table_name = 'pmg_interview_segments' AND column_name = 'theme_en'").fetchall()[0][0]:
        return {}  # a warehouse whose segments were staged before the column was added
    return dict(conn.execute(f"SELECT theme, min(theme_en) FROM {SEGMENTS} WHERE year = ? AND theme_en IS NOT NULL "
                             "GROUP BY theme", [year]).fetchall())


def interventions(data: YearData) -> list[tuple[str, str]]:
    """Every intervention with any data, in the source's section order (organisation, intervention)."""
    if "interventions" not in data.parts:
        frames = [data.counts, data.mental_health, data.rating, data.themes]
        pairs = pl.concat([f.select("organisation", "intervention") for f in frames])
        data.parts["interventions"] = pairs.unique().sort("organisation", "intervention").rows()
    return data.parts["interventions"]


def one_row(rows: list[dict]) -> dict | None:
    return rows[0] if rows else None


def first_row(rows: list[dict], column: str, value) -> dict | None:
    return next((r for r in rows if r[column] == value), None)


def organisations(data: YearData) -> list[str]:
    return sorted({o for o, _ in interventions(data)})
