"""PMG report: per edition year a researcher and a stakeholder HTML report, laid out as the 2022-2023 report,
followed by what the source did not have: change in the same people, the theme matrix, and
conclusions computed from the data."""

import re
import unicodedata
from functools import partial

import polars as pl
from dagster import AssetExecutionContext, AssetKey, AssetSpec, multi_asset
from dagster_duckdb import DuckDBResource

from assets.partitions import YEARLY, partition_years
from assets.ingest.codebook import IGLOO_LEVELS, JDR_CATEGORIES, SECTIONS
from assets.pmg.charts import GRID_CATEGORIES, draw_mental_health, draw_theme_matrix
from assets.pmg.disclosure import PRIMARY, SECONDARY, Disclosure, disclosure, shown_matrix, shown_mental_health
from assets.pmg.marts import TREND
from assets.pmg.statistics import ALL_GROUPS, unpaired_note
from assets.pmg.year_data import (HIDDEN, QUOTES_PER_SECTION, YEAR_TABLES, YearData, first_row, interventions,
                                  load_year, one_row, organisations, report_years)
from assets.reporting.editions import (ORGANISATION_DIR, RESEARCHER_FILE, STAKEHOLDER_FILE, Edition,
                                       finish_pdfs, remove_other_folders, report_results, write_report_editions,
                                       years_to_report)
from assets.reporting.html import Block, Bullets, Chart, Heading, Link, Paragraph, Table, without_column
from assets.reporting.numbers import (MISSING, fmt_number, fmt_p, fmt_p_is, fmt_range, fmt_short, fmt_signed,
                                      fmt_trimmed)
from assets.reporting.provenance import provenance_blocks, sample_note
from assets.reporting.chart_cache import rendered_chart
from assets.reporting.texts import in_sentence, join_list, texts_for
from assets.statistics import (ALPHA, INDICATIVE_BELOW, SMALL_N_MINIMUM, WILCOXON_TESTS,
                               small_n_flag, smallest_wilcoxon_p)
from assets.tables import POOL, key
from pipelines.resources import ReportSettings

PROGRAMME = "pmg"
# Interventions a yearly report describes one by one, as the source report does (it had six);
# beyond, each organisation's interventions are in that organisation's report.
DETAIL_LIMIT = 12
FIRST_TABLE = 3  # the source numbers its tables from 3 (Tabel 1-2 describe the interventions)




def _slash(n: int) -> str:
    return str(n) if n else "/"  # the source prints "/" for a wave without participants


def grade_scales(data: YearData, lang: str) -> str:
    """The year's grade scales as the codebook declares them: "0 – 10", or each where they differ."""
    def scale(frame: pl.DataFrame) -> str | None:
        if frame.height == 0 or frame["scale_max"][0] is None:
            return None
        return fmt_range(frame["scale_min"][0], frame["scale_max"][0], lang)

    mh, rating = scale(data.mental_health), scale(data.rating)
    if rating is None or rating == mh:
        return mh or MISSING
    return texts_for(lang)("grade_scales", mh=mh or MISSING, rating=rating)


def _flag(n: int | None, edition: Edition) -> str:
    flag = small_n_flag(n or 0)
    return edition.t(flag) if flag else ""


def _flag_legend(edition: Edition) -> str:
    return edition.t("flag_legend", small=SMALL_N_MINIMUM, indicative=INDICATIVE_BELOW - 1)


# Changed pairs the exact signed-rank test needs before p < ALPHA is possible: 2 * 0.5 ** 6 = 0.031.
WILCOXON_TESTABLE = next(m for m in range(1, 64) if smallest_wilcoxon_p(m) < ALPHA)


# --- the source report's part ------------------------------------------------------------------

def response_table(data: YearData, edition: Edition, table_no: int, own: bool = False) -> list[Block]:
    """Tabel 3, the respondents per organisation, intervention and group; `own`: of one organisation,
    in its own report."""
    t = edition.t
    if data.counts.height == 0:
        return [Paragraph(t("no_respondents_year", year=data.year), "note")]
    rows = [[r["organisation"], r["intervention"], r["group_label"], _slash(r["n_t0"]), _slash(r["n_t1"]),
             _slash(r["n_questionnaire_t0"]), _slash(r["n_questionnaire_t1"])]
            for r in data.counts.iter_rows(named=True)]
    return [Table([t("organisation"), t("intervention"), t("group"), "N T0", "N T1", t("q_n_t0"), t("q_n_t1")],
                  rows, f"{t('tabel', no=table_no)} {t('tabel3_caption_own' if own else 'tabel3_caption')}",
                  _tabel3_notes(data, edition),
                  numeric=frozenset({3, 4, 5, 6}), row_headers=3), *_interviews(data.counts, edition)]


def _tabel3_notes(data: YearData, edition: Edition) -> list[str]:
    t = edition.t
    return [t("tabel3_note")] + ([t("tabel3_set_aside", n=data.set_aside)] if data.set_aside else [])


def _interviews(counts: pl.DataFrame, edition: Edition) -> list[Block]:
    """How many focus interviews there were, and how large (the source: "In totaal zijn achttien
    online focusinterviews uitgevoerd ... De groepsgrootte varieerde tussen de één en vier deelnemers")."""
    t0, t1 = int(counts["n_interviews_t0"].sum()), int(counts["n_interviews_t1"].sum())
    if not t0 + t1:
        return []
    lo, hi = counts["smallest_interview"].min(), counts["largest_interview"].max()
    if t0 + t1 == 1:
        return [Paragraph(edition.t("interviews_sentence_one", people=_people(lo, edition)))]
    if lo == hi:
        return [Paragraph(edition.t("interviews_sentence_alike", n=t0 + t1, t0=t0, t1=t1, people=_people(lo, edition)))]
    return [Paragraph(edition.t("interviews_sentence", n=t0 + t1, t0=t0, t1=t1, lo=lo, hi=hi))]


def _grade_cells(cell: dict | None, mark: str | None, edition: Edition, missing: str) -> tuple[str, str]:
    """(M (N, flag), range) of one wave or rating cell, as the stakeholder or researcher may see it."""
    if cell is None:
        return missing, MISSING
    if mark:
        return f"{MISSING}{mark} (N={cell['n']})", MISSING
    flag = _flag(cell["n"], edition)
    return (f"M={fmt_number(cell['mean'], 1, edition.lang)} (N={cell['n']}{'; ' + flag if flag else ''})",
            fmt_range(cell["min"], cell["max"], edition.lang))


def _grade_sentence(what: str, cell: dict | None, mark: str | None, edition: Edition, missing: str,
                    table_no: int) -> str:
    t = edition.t
    if cell is None:
        return t("grade_missing", what=what, missing=missing)
    if mark == PRIMARY:
        return t("grade_hidden", what=what, minimum=edition.minimum)
    if mark:
        return t("grade_hidden_secondary", what=what)
    if cell["n"] == 1:
        return t("grade_sentence_single", what=what, value=fmt_short(cell["min"], edition.lang), table=table_no)
    if cell["min"] == cell["max"]:  # the source: "met geen range"
        who = t("both_participants") if cell["n"] == 2 else t("all_participants", n=cell["n"])
        return t("grade_sentence_one_value", what=what, mean=fmt_number(cell["mean"], 1, edition.lang), n=cell["n"],
                 who=who, value=fmt_short(cell["min"], edition.lang), table=table_no)
    return t("grade_sentence", what=what, mean=fmt_number(cell["mean"], 1, edition.lang), n=cell["n"],
             lo=fmt_short(cell["min"], edition.lang), hi=fmt_short(cell["max"], edition.lang), table=table_no)


def _people(n: int, edition: Edition, singular: str = "participant", plural: str = "participants") -> str:
    t = edition.t
    return f"{n} {t(singular) if n == 1 else t(plural)}" if n else t("none_of")


def overview(data: YearData, organisation: str, intervention: str, edition: Edition, plan: Disclosure,
             table_no: int) -> list[Block]:
    t = edition.t
    mh = data.of("mental_health", organisation, intervention)
    t0 = first_row(mh, "wave", "T0")
    t1 = first_row(mh, "wave", "T1")
    rating = one_row(data.of("rating", organisation, intervention))
    totals = one_row(data.of("totals", organisation, intervention)) or {}
    it0, it1 = totals.get("n_t0", 0), totals.get("n_t1", 0)
    q0, q1 = totals.get("n_questionnaire_t0", 0), totals.get("n_questionnaire_t1", 0)
    marks = {k: plan.cell(organisation, intervention, k) for k in ("T0", "T1", "rating")}

    text = [t("interview_sentence", n0=_people(it0, edition, "employee", "employees"),
              n1=_people(it1, edition, "employee", "employees")) if it0 or it1 else t("no_interviews"),
            t("questionnaire_sentence", n0=_people(q0, edition), n1=_people(q1, edition))
            + (" " + t("questionnaire_set_aside", n=data.set_aside) if data.set_aside and not (q0 and q1) else ""),
            _grade_sentence(t("mh_t0_what"), t0, marks["T0"], edition, t("no_t0"), table_no)]
    cells = [_grade_cells(t0, marks["T0"], edition, t("no_t0")), _grade_cells(t1, marks["T1"], edition, t("no_t1")),
             _grade_cells(rating, marks["rating"], edition, t("no_t1"))]
    notes = [t("grade_legend", scale=grade_scales(data, edition.lang))]
    # the legend of the flags only where a cell carries one
    if any(cell is not None and not marks[kind] and small_n_flag(cell["n"])
           for cell, kind in ((t0, "T0"), (t1, "T1"), (rating, "rating"))):
        notes.append(_flag_legend(edition))
    for wave, answered, graded in (("T0", q0, t0), ("T1", q1, t1)):
        # the questionnaire's N and the mean's N side by side: say why they differ
        if graded and not marks[wave] and answered > graded["n"]:
            notes.append(t("ungraded_note", wave=wave, answered=answered, graded=graded["n"]))
    if PRIMARY in marks.values():
        notes.append(f"{PRIMARY} {edition.small_group_note}")
    if SECONDARY in marks.values():
        notes.append(f"{SECONDARY} {edition.secondary_note}")
    table = Table([t("organisation"), t("t0_mn"), t("t0_range"), t("t1_mn"), t("t1_range"), t("rating_mn"),
                   t("rating_range")],
                  [[organisation] + [v for pair in cells for v in pair]],
                  f"{t('tabel', no=table_no)} {t('overview_caption')}", notes)
    return [Heading(t("overview"), 3), Paragraph(" ".join(text)), table]


def _theme_list(rows: list[dict], edition: Edition) -> list[Block]:
    suffix = (lambda r: f" ({r['wave']})") if len({r["wave"] for r in rows}) > 1 else (lambda r: "")
    # "N deelnemers noemden ...": the templates looked up once per list, not per theme (a year's
    # organisation reports say some 800,000 of these).
    one, many = edition.t("mentioned_one"), edition.t("mentioned_many")
    return [Bullets([(one if r["n_participants"] == 1 else many).format(
        n=r["n_participants"], theme=in_sentence(r["theme"])) + suffix(r) for r in rows])]


def section_blocks(data: YearData, organisation: str, intervention: str, section: str, edition: Edition,
                   plan: Disclosure, table_no: int) -> list[Block]:
    t = edition.t
    blocks: list[Block] = [Heading(t(section) if section in SECTIONS else section, 3)]
    mh = data.of("mental_health", organisation, intervention)
    if section == "Verandering":
        blocks.append(Paragraph(_grade_sentence(
            t("mh_t1_what"), first_row(mh, "wave", "T1"), plan.cell(organisation, intervention, "T1"),
            edition, t("no_t1"), table_no)))
    if section == "Evaluatie":
        blocks.append(Paragraph(_grade_sentence(
            t("rating_what"), one_row(data.of("rating", organisation, intervention)),
            plan.cell(organisation, intervention, "rating"), edition, t("no_t1"), table_no)))
    themes = data.section_themes(organisation, intervention, section, edition.lang)
    totals = one_row(data.of("totals", organisation, intervention)) or {}
    interview_n = {"T0": totals.get("n_t0", 0), "T1": totals.get("n_t1", 0)}
    # What a focus interview below the minimum raised is not listed, with or without counts: of an
    # interview of one or two, "Genoemd werd: Depressie" says what a person said. Said of the whole
    # section, before its lists (after them it stood under the last sub-heading); and where nothing
    # was coded too, as "nothing coded" beside "not shown" would say which sections it spoke to.
    small = sorted(w for w, n in interview_n.items() if n and edition.hides(n))
    if not themes:
        blocks.append(Paragraph(t("themes_hidden_all", minimum=edition.minimum) if small else t("no_segments"),
                                "note"))
        return blocks
    hidden = sorted(w for w in {r["wave"] for r in themes} if edition.hides(interview_n.get(w, 0)))
    if hidden:
        waves = f" {t('and')} ".join(hidden)
        blocks.append(Paragraph(t("themes_hidden", waves=waves, minimum=edition.minimum), "note"))
        themes = [r for r in themes if r["wave"] not in hidden]
    if section == "Diagnose":
        for category in [*JDR_CATEGORIES, None]:
            rows = [r for r in themes if r["jdr_category"] == category]
            if rows:
                blocks += [Heading(t(category) if category else t("other"), 4), *_theme_list(rows, edition)]
    elif themes:
        blocks += _theme_list(themes, edition)
    quotes = data.quotes_of(organisation, intervention, section) if edition.researcher else []  # never elsewhere
    if quotes and section == "Diagnose":  # of every category: not under the last one's heading
        blocks.append(Heading(t("quotes_heading"), 4))
    blocks += [Paragraph(t("quote", quote=r["quote"], theme=data.theme_name(r["theme"], edition.lang),
                                 group=r["group_label"]), "quote",
                         # said in another language than the report's: a screen reader reads it so
                         (r["language"], r["quote"]) if r.get("language") not in (None, edition.lang) else None)
               for r in quotes[:QUOTES_PER_SECTION]]
    return blocks


def chart_block(data: YearData, edition: Edition, plan: Disclosure, figure_no: int,
                compact: bool = False) -> list[Block]:
    """Figure 1, the mental-health means of every intervention shown; `compact`: their tables are
    in the organisation reports (the alternative text says where a screen reader finds them)."""
    t = edition.t
    shown = shown_mental_health(data, plan)
    caption = f"{t('figuur', no=figure_no)} {t('mh_chart_caption')}"
    if not edition.researcher:
        caption += t("chart_hidden_suffix", minimum=edition.minimum)
    # The chart asset drew the stakeholder edition's chart just before; a researcher edition draws
    # every group, the same picture where nothing is hidden.
    chart = rendered_chart(draw_mental_health, shown, edition.lang)
    if chart is None:
        return [Heading(t("mh_overview"), 2), Paragraph(t("no_chart", figure=t("figuur", no=figure_no)), "note")]
    return [Heading(t("mh_overview"), 2),
            Chart(chart.svg, caption, t("mh_chart_alt_data_compact" if compact else "mh_chart_alt_data",
                                        alt=t("mh_chart_alt")), preview=partial(chart.preview, 1 / 3))]


# --- beyond the source: change in the same people, theme matrix, conclusions ---------------------

def _stat(x: float | None, edition: Edition, decimals: int = 2, signed: bool = False) -> str:
    return (fmt_signed if signed else fmt_number)(x, decimals, edition.lang)


def _p(p: float | None, edition: Edition) -> str:
    return fmt_p(p, ALPHA, edition.lang)


_TEST_METHOD = {dutch: method for method, dutch in WILCOXON_TESTS.items()}
NO_TEST = "none"


def _test_kind(row: dict) -> str | None:
    """How a row was tested: 'exact', 'asymptotic', NO_TEST, or None where the mart does not say
    (a row of a version that wrote no method)."""
    return NO_TEST if row["p_value"] is None else _TEST_METHOD.get(row["test"])


def _test_text(row: dict, edition: Edition) -> str:
    """The test column's word for the row: the test and its reason are named once, in a note
    (`_test_note`); in full on each of 400 rows, they took three lines a row."""
    kind = _test_kind(row)
    if kind is not None:
        return edition.t(f"test_{kind}")
    # the mart words its test in Dutch; a row of a version that wrote no method gets the general name
    return row["test"] if edition.lang == "nl" and row["test"] else edition.t("wilcoxon")


def _test_note(rows: list[dict], edition: Edition) -> str:
    """What the test column's words stand for, those of `rows` only."""
    kinds = {_test_kind(r) for r in rows}
    meanings = [edition.t(f"test_{kind}_means", m=WILCOXON_TESTABLE - 1, alpha=fmt_number(ALPHA, 2, edition.lang))
                for kind in ("exact", "asymptotic", NO_TEST) if kind in kinds]
    return "; ".join([edition.t("test_note"), *meanings]) + "."


def _same_as_total(data: YearData, row: dict, compact: bool) -> bool:
    """Whether the change table leaves `row` out: a group's row in a compact year, or the one
    group of an intervention, whose row would repeat the intervention's (alle groepen) row."""
    if row["group_label"] == ALL_GROUPS:
        return False
    if compact:
        return True
    rows = data.of("paired", row["organisation"], row["intervention"])
    total = first_row(rows, "group_label", ALL_GROUPS)
    return len(rows) == 2 and total is not None and total["n_pairs"] == row["n_pairs"]


def _changed_pairs(row: dict) -> str:
    """How many of a row's pairs went up, down or stayed; unknown for a row of a version before the counts."""
    if row["n_higher"] is None:
        return MISSING
    # no spaces: a narrow column breaks "41 / 29 / 5" over two lines, never "41/29/5"
    return f"{row['n_higher']}/{row['n_lower']}/{row['n_unchanged']}"


def _unpaired_note(row: dict, lang: str) -> str:
    if lang == "nl":
        return row["note"]
    # a row an older version wrote has a p but no method (the column came later): the test unnamed
    method = row["mann_whitney_method"] or ("unstated" if row["mann_whitney_p"] is not None else None)
    return unpaired_note(row["n_t0"], row["n_t1"], row["n_paired"], method, lang)


def paired_blocks(data: YearData, edition: Edition, plan: Disclosure, table_no: int,
                  compact: bool = False) -> list[Block]:
    """Change in the same people per intervention and group, and the unpaired summary; `compact`
    (a year whose interventions are in organisation reports): the intervention totals only."""
    t = edition.t
    blocks: list[Block] = [Heading(t("change_heading"), 2), Paragraph(t("change_intro"))]
    if data.paired.height == 0:
        return blocks + [Paragraph(t("no_pairs"), "note")]
    rows, marks, tested = [], set(), []
    listed = [r for r in data.paired.iter_rows(named=True) if not _same_as_total(data, r, compact)]
    # A compact year lists the intervention totals only: no column of "(alle groepen)" on every row.
    groups = not compact
    names = [t("organisation"), t("intervention"), *([t("group")] if groups else [])]
    flag = len(names) + 1  # the column of the small-N flag: after the names and N
    for r in listed:
        mark = plan.row(r["organisation"], r["intervention"], r["group_label"])
        group = [t("all_groups") if r["group_label"] == ALL_GROUPS else r["group_label"]] if groups else []
        head = [r["organisation"], r["intervention"], *group, str(r["n_pairs"]), _flag(r["n_pairs"], edition)]
        if mark:
            marks.add(mark)
            values = [f"{MISSING}{mark}"] * 7 + [MISSING]
        else:
            tested.append(r)
            values = [_stat(r["mean_t0"], edition, 1), _stat(r["mean_t1"], edition, 1),
                      # differences on the grade's scale, as the means: one decimal; r two
                      _stat(r["mean_difference"], edition, 1), _stat(r["median_difference"], edition, 1),
                      _stat(r["hodges_lehmann"], edition, 1), _stat(r["rank_biserial"], edition),
                      _p(r["p_value"], edition), _test_text(r, edition)]
        # Only for the researchers: "0/5/0" would tell a group's manager that every one of them felt worse.
        counts = [_changed_pairs(r)] if edition.researcher else []
        rows.append(head + counts + values)
    notes = [_flag_legend(edition)] if any(row[flag] for row in rows) else []
    if tested:
        notes.append(_test_note(tested, edition))
    if not groups:
        notes.append(t("paired_totals_only"))
    if edition.researcher:
        # one note for all rows: a note per row filled pages at 200 organisations, by intervention name alone
        notes.append(t("changed_pairs_note"))
    if PRIMARY in marks:
        notes.append(f"{PRIMARY} {t('paired_hidden_primary', minimum=edition.minimum)}")
    if SECONDARY in marks:
        notes.append(f"{SECONDARY} {edition.secondary_note}")
    counts_header = [t("changed_pairs")] if edition.researcher else []
    statistics = [t("mean_t0"), t("mean_t1"), t("mean_diff"), t("median_diff"), t("hl"), t("rank_biserial"), t("p")]
    headers = [*names, t("n_pairs"), t("flag"), *counts_header, *statistics, t("test")]
    blocks.append(Table(headers, rows, f"{t('tabel', no=table_no)} {t('paired_caption')}", notes,
                        numeric=frozenset(range(len(names), len(headers) - 1)) - {flag}, row_headers=len(names)))
    if compact:
        return blocks
    shown = [r for r in data.unpaired.iter_rows(named=True)
             if not plan.cell(r["organisation"], r["intervention"], "T0")
             and not plan.cell(r["organisation"], r["intervention"], "T1")]
    if not shown:
        return blocks + [Paragraph(t("unpaired_none"), "note")]
    urows = [[r["organisation"], r["intervention"], str(r["n_t0"]), str(r["n_t1"]), str(r["n_paired"]),
              _flag(min(r["n_t0"], r["n_t1"]), edition), _p(r["mann_whitney_p"], edition),
              _stat(r["cliffs_delta"], edition)] for r in shown]
    unotes = [t("unpaired_note")] + ([_flag_legend(edition)] if any(row[5] for row in urows) else [])
    if edition.researcher:
        unotes += [f"{r['intervention']} ({r['organisation']}): {_unpaired_note(r, edition.lang)}" for r in shown]
    blocks.append(Table([t("organisation"), t("intervention"), "N T0", "N T1", t("n_paired"), t("flag"), t("mw_p"),
                         t("cliffs_delta")], urows, f"{t('tabel', no=table_no + 1)} {t('unpaired_caption')}",
                        unotes, numeric=frozenset({2, 3, 4, 6, 7}), row_headers=2))
    return blocks


# marts.pmg_trend's outcomes, by the cell of the year the stakeholder edition may hide
TREND_CELLS = {"mentale_gezondheid_T0": "T0", "mentale_gezondheid_T1": "T1", "cijfer_interventie": "rating"}


def _plan(data: YearData, edition: Edition) -> Disclosure:
    """disclosure(data, edition), worked out once per year and minimum."""
    if ("plan", edition.minimum) not in data.parts:
        data.parts["plan", edition.minimum] = disclosure(data, edition)
    return data.parts["plan", edition.minimum]


def trend_blocks(data: YearData, edition: Edition, plan: Disclosure, table_no: int,
                 compact: bool = False) -> list[Block]:
    """Each intervention's means beside its previous edition's (marts.pmg_trend), where it has one.
    The stakeholder edition leaves out a mean this edition hides or the previous one hid: beside a
    shown mean, the difference gives it. A compact year points to the organisation reports."""
    t, lang = edition.t, edition.lang
    if data.trend.height == 0:
        return []
    blocks: list[Block] = [Heading(t("pmg_trend_heading"), 2)]
    if compact:
        return blocks + [Paragraph(t("pmg_trend_in_organisation_reports"))]
    rows, left_out, reworded = [], 0, False
    # what the previous editions' stakeholder reports hide at this minimum (the mart: at the one it was
    # written at); once a year and minimum, not once an organisation report
    before = {} if edition.researcher else {y: _plan(d, edition) for y, d in data.parts.get("previous", {}).items()}
    for r in data.trend.iter_rows(named=True):
        cell = TREND_CELLS.get(r["outcome"])
        then = before.get(r["previous_year"])  # (None: not worked out, so hidden)
        if not edition.researcher and (cell is None or plan.cell(r["organisation"], r["intervention"], cell)
                                       or r["previous_hidden"]
                                       or then is None or then.cell(r["organisation"], r["intervention"], cell)):
            left_out += 1
            continue
        outcome = t(f"pmg_trend_{cell}") if cell else MISSING
        if r["question_reworded"]:
            outcome, reworded = f"{outcome} †", True
        change = r["change_from_previous"]
        rows.append([r["organisation"], r["intervention"], outcome, str(r["previous_year"]),
                     f"M={fmt_number(r['previous_mean'], 1, lang)} (N={r['previous_n']})",
                     f"M={fmt_number(r['mean'], 1, lang)} (N={r['n']})", _stat(change, edition, 1, signed=True)])
    blocks.append(Paragraph(t("pmg_trend_intro")))
    if rows:
        notes = [t("pmg_trend_note")] + ([t("pmg_trend_reworded")] if reworded else []) + (
            [t("pmg_trend_hidden", minimum=edition.minimum, k=left_out)] if left_out else [])
        blocks.append(Table([t("organisation"), t("intervention"), t("trend_outcome"), t("pmg_trend_previous"),
                             t("trend_then"), t("trend_now", year=data.year), t("pmg_trend_change")], rows,
                            f"{t('tabel', no=table_no)} {t('pmg_trend_caption', year=data.year)}", notes,
                            numeric=frozenset({3, 4, 5, 6}), row_headers=3))
    else:
        blocks.append(Paragraph(t("pmg_trend_all_hidden"), "note"))
    return blocks + _paired_trend(data, edition, plan, before, table_no + 1 if rows else table_no)


def _paired_trend(data: YearData, edition: Edition, plan: Disclosure, before: dict[int, Disclosure],
                  table_no: int) -> list[Block]:
    """Each intervention's change in the same people (Hodges-Lehmann, of all its groups) beside that of
    the edition its T1 mean is compared with (marts.pmg_paired_change of both). The stakeholder
    edition leaves out a change either edition's stakeholder report left out: the one hid now, the
    other by its list (marts.pmg_stakeholder_hidden) or its plan at this minimum (`before`)."""
    t, lang = edition.t, edition.lang
    # the list not loaded (None): unknown, so every change is left out, as of a plan not worked out
    previous, listed = data.parts.get("previous", {}), data.parts.get("previous_paired_hidden")
    rows, left_out, reworded = [], 0, False
    # rows, not a Polars filter: this runs once per organisation report, 400 of them in a large year
    for r in (r for r in data.trend.iter_rows(named=True) if r["outcome"] == "mentale_gezondheid_T1"):
        key, year = (r["organisation"], r["intervention"]), r["previous_year"]
        now = first_row(data.of("paired", *key), "group_label", ALL_GROUPS)
        then = first_row(previous[year].of("paired", *key), "group_label", ALL_GROUPS) if year in previous else None
        if now is None or then is None or now["hodges_lehmann"] is None or then["hodges_lehmann"] is None:
            continue
        if not edition.researcher and (plan.row(*key, ALL_GROUPS) or listed is None or (year, *key) in listed
                                       or year not in before or before[year].row(*key, ALL_GROUPS)):
            left_out += 1
            continue
        reworded |= bool(r["question_reworded"])
        # the T1 mean's change is None across a changed scale: so is this one
        change = None if r["change_from_previous"] is None else now["hodges_lehmann"] - then["hodges_lehmann"]
        rows.append([*key, str(year) + (" †" if r["question_reworded"] else ""),
                     t("pmg_trend_hl", hl=fmt_signed(then["hodges_lehmann"], 1, lang), n=then["n_pairs"]),
                     t("pmg_trend_hl", hl=fmt_signed(now["hodges_lehmann"], 1, lang), n=now["n_pairs"]),
                     _stat(change, edition, 1, signed=True)])
    if not rows:
        return [Paragraph(t("pmg_trend_paired_hidden", minimum=edition.minimum, k=left_out), "note")] if left_out \
            else []
    notes = [t("pmg_trend_paired_note")] + ([t("pmg_trend_reworded")] if reworded else []) + (
        [t("pmg_trend_paired_hidden", minimum=edition.minimum, k=left_out)] if left_out else [])
    return [Table([t("organisation"), t("intervention"), t("pmg_trend_previous"), t("trend_then"),
                   t("trend_now", year=data.year), t("pmg_trend_change")], rows,
                  f"{t('tabel', no=table_no)} {t('pmg_trend_paired_caption', year=data.year)}", notes,
                  numeric=frozenset({2, 3, 4, 5}), row_headers=2)]


def matrix_blocks(data: YearData, edition: Edition, table_no: int, figure_no: int | None,
                  compact: bool = False) -> list[Block]:
    """The IGLOO x JD-R theme matrix: a row per intervention and cell, with the heatmap unless
    `figure_no` is None (organisation reports have no charts). `compact` (a year of hundreds of
    interventions): one row per cell over all interventions, as thousands of rows are read by no one;
    each organisation report has its own interventions' rows."""
    t = edition.t
    if data.matrix.height == 0:
        return []
    # The interventions whose theme lists the edition hides are left out here too: their cells said,
    # down to one of two themes, what those lists held. The stakeholder chart asset draws the same.
    matrix = shown_matrix(data.matrix, data.totals, edition)
    notes = [t("matrix_hidden_note", minimum=edition.minimum)] if matrix.height < data.matrix.height else []
    blocks: list[Block] = [Heading(t("themes_heading"), 2), Paragraph(t("themes_intro_compact" if compact
                                                                         else "themes_intro"))]
    if figure_no is not None:
        chart = rendered_chart(draw_theme_matrix, matrix, edition.lang)  # counts of themes, not people
        if chart is not None:
            blocks.append(Chart(chart.svg, f"{t('figuur', no=figure_no)} {t('heatmap_caption')}",
                                t("alt_data_in_compact" if compact else "alt_data_in", alt=t("heatmap_alt"),
                                  tables=t("tabel", no=table_no)),
                                preview=partial(chart.preview, 0.3)))
    caption = f"{t('tabel', no=table_no)} {t('matrix_caption')}"
    # cells in the heatmap's order, which the table stands for (IGLOO levels as the model orders them)
    order = {(lv, cat): (i, j) for i, lv in enumerate(IGLOO_LEVELS) for j, cat in enumerate(GRID_CATEGORIES)}

    def in_grid_order(r: dict) -> tuple:
        return order.get((r["igloo_level"], r["jdr_category"]), (99, 99)), r["igloo_level"], r["jdr_category"]

    if compact:  # counts of interventions, themes and groups (of the interventions shown)
        cells = (matrix.group_by("igloo_level", "jdr_category")
                 .agg(pl.len().alias("n"), pl.col("n_themes").sum(), pl.col("n_groups").sum()))
        rows = [[t(r["igloo_level"]), t(r["jdr_category"]), str(r["n"]), str(r["n_themes"]), str(r["n_groups"])]
                for r in sorted(cells.iter_rows(named=True), key=in_grid_order)]
        return blocks + [Table([t("igloo_level"), t("jdr_category"), t("n_interventions_with_theme"),
                                t("n_themes"), t("n_groups")], rows, caption, notes, numeric=frozenset({2, 3, 4}),
                               row_headers=2)]
    rows = [[r["organisation"], r["intervention"], t(r["igloo_level"]), t(r["jdr_category"]), str(r["n_themes"]),
             str(r["n_groups"]), str(r["n_participants"])]
            for r in sorted(matrix.iter_rows(named=True),
                            key=lambda r: (r["organisation"], r["intervention"], *in_grid_order(r)))]
    blocks.append(Table([t("organisation"), t("intervention"), t("igloo_level"), t("jdr_category"), t("n_themes"),
                         t("n_groups"), t("n_participants")], rows, caption, notes, numeric=frozenset({4, 5, 6}),
                        row_headers=4))
    return blocks


def _trend(row: dict, hidden: bool = False) -> str:
    """The whole's direction, in words that agree with the estimate and the counts printed beside it.

    up or down: the Hodges-Lehmann estimate's sign (it counts the unchanged pairs), where most of
    those who changed went that way; flat where the estimate is 0, at least half stayed the same
    and as many went up as down, flat_up or flat_down where at least half stayed the same and most
    of the others went one way (6 up, 15 unchanged: the test, which leaves the unchanged out, may find it
    significant); mixed otherwise: as many went up as down, or most went against the estimate.
    Of a row the edition hides, the estimate's sign alone: the others would say how many went
    which way."""
    hl = row["hodges_lehmann"] or 0.0
    if hidden:
        return "up" if hl > 0 else "down" if hl < 0 else "flat"
    up, down = row["n_higher"], row["n_lower"]
    most = (up > down) - (up < down)  # 1: most of those who changed went up, -1 down, 0 as many
    if not hl:
        if row["n_unchanged"] < up + down:
            return "mixed"
        return "flat_up" if most > 0 else "flat_down" if most < 0 else "flat"
    return ("up" if hl > 0 else "down") if most == (1 if hl > 0 else -1) else "mixed"


def _significant(row: dict, edition: Edition) -> str:
    """The test's verdict, and which way it went where the words before it do not say so: the
    test leaves the unchanged out and weighs how far the others went (the rank-biserial r's sign),
    which a count of who went which way can contradict."""
    t, trend = edition.t, _trend(row)
    p, m = fmt_p_is(row["p_value"], ALPHA, edition.lang), row["n_higher"] + row["n_lower"]
    weighed = 1 if (row["rank_biserial"] or 0) > 0 else -1
    went = t("up_word" if weighed > 0 else "down_word")
    if trend in ("up", "down") and weighed == (1 if trend == "up" else -1):
        return t("sure_significant", p=p)
    if trend in ("flat_up", "flat_down") and weighed == (1 if trend == "flat_up" else -1):
        return t("sure_significant_among_changed", p=p, m=m, direction=went)
    return t("sure_significant_weighted", p=p, m=m, direction=went)


def _direction(row: dict, edition: Edition, hidden: bool = False) -> str:
    return edition.t(_trend(row, hidden))


def conclusions(data: YearData, edition: Edition, plan: Disclosure, compact: bool = False) -> list[Block]:
    """Which interventions improved, for whom, and how sure: computed from marts.pmg_paired_change.
    `compact`: the summary only; each organisation report has its interventions' sentences."""
    t, lang, m = edition.t, edition.lang, edition.minimum
    counted = False

    def named(names: list[str]) -> str:
        # At 200 organisations a list of names ran over pages: a compact year says how many, and
        # its change table and the organisation reports say which.
        nonlocal counted
        if not compact or len(names) <= DETAIL_LIMIT:
            return join_list(names, lang)
        counted = True
        return t("n_interventions_counted", k=len(names))

    items, unpaired, tested, untestable, significant = [], [], [], [], []
    trends = {"up": [], "down": [], "flat": [], "flat_up": [], "flat_down": [], "mixed": [], "unclear": []}
    for organisation, intervention in interventions(data):
        name = f"{intervention} ({organisation})"
        paired = data.of("paired", organisation, intervention)
        total = first_row(paired, "group_label", ALL_GROUPS)
        if total is None or not total["n_pairs"]:
            items.append(t("concl_no_pairs", name=name))
            unpaired.append(name)
            continue
        if edition.hides(total["n_pairs"]):
            items.append(t("concl_too_few", name=name, minimum=m))
            trends["unclear"].append(name)
            continue
        hidden = plan.row(organisation, intervention, ALL_GROUPS)
        trends[_trend(total, bool(hidden))].append(name)
        numbers = "" if hidden else t(
            "concl_numbers", higher=total["n_higher"], lower=total["n_lower"], same=total["n_unchanged"],
            hl=_stat(total["hodges_lehmann"], edition, 1, signed=True), r=_stat(total["rank_biserial"], edition))
        flag = _flag(total["n_pairs"], edition)
        if hidden:
            # as in the table: the direction of so many people recovers no one, its figures stay
            # out, and whether a test was possible (it says how many changed) too
            certainty = t("sure_hidden")
        elif total["p_value"] is None:
            certainty = t("sure_no_test", flag=flag) if flag else t("sure_no_test_plain")
            untestable.append(name)
        elif total["p_value"] < ALPHA:
            certainty = _significant(total, edition)
            tested.append(name)
            significant.append(name)
        else:
            certainty = t("sure_not_significant", p=fmt_p_is(total["p_value"], ALPHA, lang))
            tested.append(name)
        sentence = t("concl_row", name=name, direction=_direction(total, edition, bool(hidden)), n=total["n_pairs"],
                     numbers=numbers, certainty=certainty)
        groups = [r for r in paired if r["group_label"] != ALL_GROUPS]
        if len(groups) > 1:
            parts = []
            for g in groups:
                # A group the tables hide to protect a smaller one (secondary) keeps its direction
                # hidden too: beside the total's direction it tells which way the small group went.
                if edition.hides(g["n_pairs"]) or plan.row(organisation, intervention, g["group_label"]):
                    continue
                flag = _flag(g["n_pairs"], edition)
                parts.append(t("concl_group_item" if flag else "concl_group_item_plain", group=g["group_label"],
                               direction=_direction(g, edition), n=g["n_pairs"], flag=flag))
            if parts:
                sentence += " " + t("concl_groups", items="; ".join(parts))
        items.append(sentence)
    measured = sum(map(len, trends.values()))
    if measured == 1:
        [(trend, [name])] = [(trend, names) for trend, names in trends.items() if names]
        summary = [t("concl_unclear_one", name=name) if trend == "unclear"
                   else t("concl_summary_one_mixed", name=name) if trend == "mixed"
                   else t("concl_summary_one", name=name, direction=t(trend))]
    else:
        unclear = named(trends.pop("unclear"))
        clauses = [t(f"concl_{trend}", names=named(names)) for trend, names in trends.items() if names]
        if clauses:
            summary = [t("concl_summary", k=measured, clauses="; ".join(clauses))]
            summary += [t("concl_unclear", names=unclear)] if unclear else []
        else:
            summary = [t("concl_unclear_all", k=measured, names=unclear) if measured else t("concl_summary_none")]
    if unpaired:
        summary.append(t("concl_summary_unpaired", names=named(unpaired)))
    # how sure, of the differences this edition shows a test or its absence for (not of hidden ones)
    if significant:
        summary.append(t("concl_sure_some", names=named(significant)))
    elif tested:
        summary.append(t("concl_sure_none_tested"))
    elif untestable:
        summary.append(t("concl_sure_none", names=named(untestable)))
    if len(tested) > 1:  # a p below 0.05 among many tests is to be expected by chance alone
        summary.append(t("concl_many_tests", k=len(tested), expected=fmt_trimmed(len(tested) * ALPHA, 2, lang)))
    if counted:
        summary.append(t("concl_which", table=t("change_heading")))
    blocks = [Heading(t("conclusions"), 2), Paragraph(t("conclusions_intro")), Paragraph(" ".join(summary))]
    return blocks if compact else [*blocks, Bullets(items)]


FOLDER_CHARS = 80


def organisation_folders(organisations: list[str]) -> dict[str, str]:
    """{organisation: its folder name}: ASCII, lower case, unique within the year."""
    folders: dict[str, str] = {}
    for organisation in organisations:
        ascii_name = unicodedata.normalize("NFKD", organisation).encode("ascii", "ignore").decode()
        # at most FOLDER_CHARS: a file system refuses a name past 255 bytes, and the report with it
        base = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower())[:FOLDER_CHARS].strip("-") or "organisatie"
        folder, n = base, 1
        while folder in folders.values():
            n += 1
            folder = f"{base}-{n}"
        folders[organisation] = folder
    return folders


def organisation_report_path(folder: str, edition: Edition) -> str:
    """Where an organisation's report sits, relative to the yearly report."""
    return f"{ORGANISATION_DIR}/{folder}/{RESEARCHER_FILE if edition.researcher else STAKEHOLDER_FILE}"


def organisation_table(data: YearData, edition: Edition, folders: dict[str, str], table_no: int) -> list[Block]:
    """Tabel 3 of a year whose interventions are described in organisation reports: per
    organisation its interventions, participants and the file of its report."""
    t = edition.t
    per = {}
    for organisation, _ in interventions(data):
        per.setdefault(organisation, {"k": 0, "n_t0": 0, "n_t1": 0, "n_questionnaire_t0": 0, "n_questionnaire_t1": 0})
        per[organisation]["k"] += 1
    for r in data.totals.iter_rows(named=True):
        for column in ("n_t0", "n_t1", "n_questionnaire_t0", "n_questionnaire_t1"):
            per[r["organisation"]][column] += r[column] or 0
    paths = {o: organisation_report_path(folder, edition) for o, folder in folders.items()}
    rows = [[o, str(v["k"]), _slash(v["n_t0"]), _slash(v["n_t1"]), _slash(v["n_questionnaire_t0"]),
             _slash(v["n_questionnaire_t1"]), Link(paths[o], paths[o])] for o, v in sorted(per.items())]
    return [Heading(t("per_organisation"), 2),
            Paragraph(t("per_organisation_intro", k=len(interventions(data)), n=len(per))),
            Table([t("organisation"), t("n_interventions"), "N T0", "N T1", t("q_n_t0"), t("q_n_t1"),
                   t("report_file")], rows, f"{t('tabel', no=table_no)} {t('org_reports_caption')}",
                  _tabel3_notes(data, edition), numeric=frozenset({1, 2, 3, 4, 5}))]


def build(data: YearData, edition: Edition, organisation: str | None = None,
          folders: dict[str, str] | None = None) -> list[Block]:
    """The body of one edition: the yearly report, or with `organisation` that organisation's report.

    The yearly report describes every intervention itself, as the source report does, unless
    `folders` is given (a year of more than DETAIL_LIMIT interventions): then its Tabel 3 lists
    the organisations and their reports, and it keeps what compares interventions (the charts,
    change per intervention, the theme matrix, the conclusions' summary); groups, the unpaired
    summary and each intervention's sentences are in the organisation reports."""
    t = edition.t
    plan = disclosure(data, edition)
    link = None
    if organisation is not None:
        what = t("the_intervention" if len(interventions(data)) == 1 else "the_interventions")
        file = RESEARCHER_FILE if edition.researcher else STAKEHOLDER_FILE
        intro = t("pmg_org_intro", organisation=organisation, year=data.year, what=what, file=file)
        link = (file, f"../../{file}")  # from organisaties/<organisation>/ to the year's report
    else:
        intro = t("pmg_intro", year=data.year)
    intro += " " + (t("pmg_intro_researcher") if edition.researcher
                    else t("pmg_intro_stakeholder", minimum=edition.minimum))
    compact = folders is not None
    table_no = FIRST_TABLE
    if compact:
        blocks: list[Block] = [Paragraph(intro), *organisation_table(data, edition, folders, table_no)]
    else:
        blocks = [Paragraph(intro, link=link), Heading(t("respondents"), 2),
                  *response_table(data, edition, table_no, own=organisation is not None)]
        for org, intervention in interventions(data):
            table_no += 1
            blocks += [Heading(t("intervention_heading", name=intervention), 2), Paragraph(org),
                       *overview(data, org, intervention, edition, plan, table_no)]
            for section in SECTIONS:
                blocks += section_blocks(data, org, intervention, section, edition, plan, table_no)
    if organisation is None:  # the charts compare interventions across organisations
        blocks += chart_block(data, edition, plan, 1, compact)
    blocks += paired_blocks(data, edition, plan, table_no + 1, compact)
    # numbered on from the tables printed: the unpaired table is not in every report
    blocks += matrix_blocks(data, edition, FIRST_TABLE + sum(isinstance(b, Table) for b in blocks),
                            2 if organisation is None else None, compact)
    blocks += trend_blocks(data, edition, plan, FIRST_TABLE + sum(isinstance(b, Table) for b in blocks), compact)
    blocks += conclusions(data, edition, plan, compact)
    if organisation is not None:  # its own report: a column of its name on every row of every table tells nothing
        blocks = [without_column(b, t("organisation")) if isinstance(b, Table) else b for b in blocks]
    return blocks


STAKEHOLDER = AssetKey(["reports", "pmg"])
RESEARCHER = AssetKey(["reports", "pmg_onderzoekers"])
DEPS = [*(key(table) for table in YEAR_TABLES), key(TREND), key(HIDDEN), AssetKey(["charts", "pmg_mental_health"]),
        AssetKey(["charts", "pmg_theme_matrix"])]


@multi_asset(
    specs=[AssetSpec(STAKEHOLDER, deps=DEPS, group_name="pmg", kinds={"html"},
                     description=(
                         f"PMG report for organisations and stakeholders (pmg/<year>/rapport.html and .pdf): Tabel "
                         f"3-7, the themes per section, change in the same people, the means and that change "
                         f"beside the previous edition's and conclusions computed from the data; groups below the "
                         f"reporting minimum, every figure that would let a reader work them back, and all quotes "
                         f"are left out. Each organisation also gets its own report of its interventions "
                         f"(pmg/<year>/organisaties/<organisation>/rapport.html); a year of more than {DETAIL_LIMIT} "
                         f"interventions lists them there instead of one by one. The metadata shows the report.")),
           AssetSpec(RESEARCHER, deps=DEPS, group_name="pmg", kinds={"html"},
                     description=(
                         "Confidential researcher edition of the PMG report (pmg/<year>/rapport_onderzoekers.html "
                         "and .pdf): every figure as the source report prints it, with quotes, paired and unpaired"
                         " statistics and the theme matrix; marked VERTROUWELIJK on every page; also per "
                         "organisation (pmg/<year>/organisaties/<organisation>/rapport_onderzoekers.html). For the"
                         " research team only: the metadata gives the file paths, not the content."))],
    pool=POOL, **YEARLY)
def pmg_report(context: AssetExecutionContext, duckdb: DuckDBResource, reports: ReportSettings):
    """The PMG results report, one per edition year, in two editions (HTML and PDF).

    pmg/<year>/rapport_onderzoekers.html: every figure, quotes included, marked VERTROUWELIJK on
    every page; for the research team only. pmg/<year>/rapport.html (+ rapport.pdf): for
    organisations and stakeholders; means of groups below the reporting minimum, every figure
    from which such a group could be worked back (the other wave of the same people, a total
    minus the shown groups, a change of nearly the same people) and all quotes are left out.
    Both follow the 2022-2023 report: Tabel 3 (respondents), then per intervention a short
    overview table, Diagnose, Interventieverwachtingen, Verandering, Evaluatie and Advies; then
    change in the same people (Hodges-Lehmann, rank-biserial, Wilcoxon where possible), the
    IGLOO x JD-R theme matrix, the means (marts.pmg_trend) and the change in the same people beside
    the previous edition's,
    conclusions computed from the data, and the sources (with
    SHA-256), software versions and this run's id. Language: ReportSettings.language (nl, en).
    Every organisation gets both editions of its own interventions under
    pmg/<year>/organisaties/<organisation>/ (HTML; PDF with ReportSettings.organisation_pdfs). A
    year of more than DETAIL_LIMIT interventions is compact: its Tabel 3 lists the organisations
    and their reports, and the per-intervention sections are in those.
    The "report" metadata below shows the stakeholder edition.
    """
    written, per_organisation, organisation_reports = {}, {}, []
    t = texts_for(reports.language)
    with duckdb.get_connection() as conn:
        for year in years_to_report(context, conn, reports, PROGRAMME, report_years(conn)):
            data = load_year(conn, year, trend=True)
            footer = provenance_blocks(conn, PROGRAMME, year, context.run.run_id, reports.language)
            note = sample_note(conn, PROGRAMME, year, reports.language)
            folders = organisation_folders(organisations(data))
            index = folders if len(interventions(data)) > DETAIL_LIMIT else None
            written[year] = write_report_editions(
                reports, PROGRAMME, year, t("pmg_title", year=year),
                lambda edition, data=data, index=index, note=note: note + build(data, edition, folders=index), footer)
            organisation_reports += [write_report_editions(
                reports, PROGRAMME, year, t("pmg_org_title", organisation=organisation, year=year),
                lambda edition, mine=data.for_organisation(organisation), organisation=organisation, note=note:
                    note + build(mine, edition, organisation),
                footer, folder=(ORGANISATION_DIR, folder), pdfs=reports.organisation_pdfs, markdown=False)
                for organisation, folder in folders.items()]
            folder_of_year = reports.path(PROGRAMME, str(year), ORGANISATION_DIR)
            remove_other_folders(folder_of_year, set(folders.values()))
            per_organisation[year] = (folder_of_year, len(folders))
    finish_pdfs(organisation_reports)
    return report_results(written, STAKEHOLDER, RESEARCHER, context.log, per_organisation,
                          copies=len(partition_years(context)))
