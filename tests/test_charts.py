"""Chart drawing at sizes beyond the sample: the theme matrix changes layout instead of growing a panel per intervention."""

import numpy as np
import polars as pl
import pytest
from matplotlib.colors import to_hex

from assets.ingest.codebook import IGLOO_LEVELS
from assets.pmg.charts import GRID_CATEGORIES, MAX_PANELS, MAX_ROWS, draw_mental_health, draw_theme_matrix
from assets.reporting.numbers import fmt_pct
from assets.reporting.style import DPI, OKABE_ITO, diverging_colours, fix_layout
from assets.reporting.texts import texts_for
from assets.terug_in_balans.charts import (draw_factor_diverging, draw_return_and_relapse, draw_skills,
                                           shown_to_stakeholders, top_two_share)


def matrix(n_interventions: int) -> pl.DataFrame:
    rows = [{"organisation": "UMCG", "intervention": f"Interventie {i:03d}", "igloo_level": level, "jdr_category": category,
             "n_themes": (i + j) % 4}
            for i in range(n_interventions)
            for j, (level, category) in enumerate([("Individu", "persoonlijke_hulpbron"),
                                                   ("Groep", "werk_stressor")])]
    return pl.DataFrame(rows)


def test_few_interventions_get_a_panel_each():
    fig = draw_theme_matrix(matrix(3))
    heatmaps = [ax for ax in fig.axes if ax.images]
    assert len(heatmaps) == 3


def test_an_intervention_name_two_organisations_run_gets_a_panel_per_organisation():
    df = pl.concat([matrix(2), matrix(1).with_columns(organisation=pl.lit("RUG"))])
    fig = draw_theme_matrix(df)
    titles = sorted(ax.get_title(loc="left") for ax in fig.axes if ax.images)
    assert titles == ["Interventie 000 (RUG)", "Interventie 000 (UMCG)", "Interventie 001 (UMCG)"]
    # each panel holds its own organisation's counts, not the two added up
    counts = {ax.get_title(loc="left"): ax.images[0].get_array().sum() for ax in fig.axes if ax.images}
    assert counts["Interventie 000 (RUG)"] == counts["Interventie 000 (UMCG)"] == matrix(1)["n_themes"].sum()


def _heatmap(fig) -> tuple[np.ndarray, list[str]]:
    """The grid and row labels of a theme matrix of a row per intervention, its parts put together."""
    parts = [ax for ax in fig.axes if ax.images]
    return (np.vstack([ax.images[0].get_array() for ax in parts]),
            [label.get_text() for ax in parts for label in ax.get_yticklabels()])


def test_many_interventions_get_one_row_each_in_one_heatmap():
    n = 5 * MAX_PANELS
    grid, labels = _heatmap(draw_theme_matrix(matrix(n)))
    assert grid.shape[0] == n
    assert labels[:2] == ["Interventie 000 (UMCG)", "Interventie 001 (UMCG)"]
    # every theme count lands in its cell: the sums agree with the mart's rows
    assert grid.sum() == matrix(n)["n_themes"].sum()


def test_beyond_what_is_readable_the_busiest_interventions_are_shown_and_the_title_says_so():
    df = matrix(3 * MAX_ROWS)
    fig = draw_theme_matrix(df)
    grid, labels = _heatmap(fig)
    assert grid.shape[0] == MAX_ROWS
    busiest = df.group_by("intervention").agg(pl.col("n_themes").sum()).sort(
        ["n_themes", "intervention"], descending=[True, False])["intervention"].head(MAX_ROWS).to_list()
    assert sorted(labels) == sorted(f"{i} (UMCG)" for i in busiest)
    assert f"de {MAX_ROWS} van {3 * MAX_ROWS} interventies" in fig._suptitle.get_text()


def test_mental_health_chart_keeps_the_largest_interventions_beyond_what_is_readable():
    df = pl.DataFrame([{"organisation": f"Org {i % 7}", "intervention": f"Interventie {i:03d}", "wave": wave,
                        "n": 5 + i, "mean": 6.5, "min": 4.0, "max": 9.0}
                       for i in range(2 * MAX_ROWS) for wave in ("T0", "T1")])
    fig = draw_mental_health(df)
    labels = [label.get_text().split("\n")[0] for ax in fig.axes for label in ax.get_yticklabels()]
    assert len(labels) == MAX_ROWS and "Interventie 119" in labels and "Interventie 000" not in labels
    title = fig.get_suptitle()
    assert f"de {MAX_ROWS} van {2 * MAX_ROWS}" in title and "interventies" in title
    fix_layout(fig, DPI)  # as figure_svg lays it out
    assert fig._suptitle.get_window_extent().x1 <= fig.bbox.x1  # the whole title on the figure


def test_mental_health_chart_is_drawn_on_the_scale_of_the_codebook():
    row = {"organisation": "UMCG", "intervention": "Training", "n": 6, "mean": 3.5, "min": 2.0, "max": 5.0}
    five = pl.DataFrame([{**row, "wave": w, "scale_min": 1.0, "scale_max": 5.0} for w in ("T0", "T1")])
    ax = draw_mental_health(five).axes[0]
    assert ax.get_xlabel() == "Gemiddeld cijfer ervaren mentale gezondheid (1 – 5)"
    assert ax.get_xlim() == (0.0, 5.3) and list(ax.get_xticks()) == [0, 1, 2, 3, 4, 5]
    # a mart written before it carried scales: 0 - 10, as every earlier chart
    ax = draw_mental_health(pl.DataFrame([{**row, "wave": w} for w in ("T0", "T1")])).axes[0]
    assert ax.get_xlabel().endswith("(0 – 10)") and ax.get_xlim() == (0.0, 10.3)


def _dumbbell_rows(cells: dict[str, dict[str, tuple[float, int]]]) -> pl.DataFrame:
    """{intervention: {wave: (mean, n)}}, at UMCG."""
    return pl.DataFrame([{"organisation": "UMCG", "intervention": name, "wave": wave, "n": n, "mean": mean,
                          "min": 1.0, "max": 10.0}
                         for name, waves in cells.items() for wave, (mean, n) in waves.items()])


def test_mental_health_joins_the_two_waves_means_and_prints_each_dots_mean_and_n_at_it():
    fig = draw_mental_health(_dumbbell_rows({"A": {"T0": (5.0, 6), "T1": (7.5, 7)}, "B": {"T1": (6.0, 8)},
                                             "C": {"T0": (4.0, 9), "T1": (3.5, 5)}}))
    ax = fig.axes[0]
    assert ax.yaxis_inverted()  # the first intervention on top
    # a line from T0's mean to T1's on the rows with both waves; none on the row with one
    assert sorted((tuple(line.get_xdata()), tuple(line.get_ydata())) for line in ax.lines) == [
        ((4.0, 3.5), (2, 2)), ((5.0, 7.5), (0, 0))]
    # each label at its own dot, with that dot's mean and N
    assert sorted((t.get_position(), t.get_text()) for t in ax.texts) == [
        ((3.5, 2), "3,5 (N=5)"), ((4.0, 2), "4,0 (N=9)"), ((5.0, 0), "5,0 (N=6)"), ((6.0, 1), "6,0 (N=8)"),
        ((7.5, 0), "7,5 (N=7)")]
    # the waves told apart by shape, not colour alone
    t0, t1 = ax.collections
    assert not np.array_equal(t0.get_paths()[0].vertices, t1.get_paths()[0].vertices)


def test_mental_health_keeps_a_group_of_exactly_the_minimum():
    fig = draw_mental_health(_dumbbell_rows({"A": {"T0": (5.0, 5), "T1": (6.0, 4)}}), minimum=5)
    assert [t.get_text() for t in fig.axes[0].texts] == ["5,0 (N=5)"] and not fig.axes[0].lines


def test_mental_health_beyond_what_is_readable_counts_a_group_measured_at_t1_only():
    groups = {f"Interventie {i:03d}": {"T0": (6.0, 5), "T1": (6.0, 5)} for i in range(MAX_ROWS)}
    groups["Alleen nameting"] = {"T1": (6.0, 40)}
    fig = draw_mental_health(_dumbbell_rows(groups))
    labels = [label.get_text().split("\n")[0] for ax in fig.axes for label in ax.get_yticklabels()]
    assert len(labels) == MAX_ROWS and "Alleen nameting" in labels


def _cells(ax) -> dict[tuple[int, int], str]:
    """A heatmap's printed numbers by (row, column)."""
    return {(round(t.get_position()[1]), round(t.get_position()[0])): t.get_text() for t in ax.texts
            if t.get_text().strip().isdigit()}


def test_each_theme_matrix_panel_holds_its_own_counts_in_the_cell_of_their_level_and_category():
    df = pl.DataFrame([{"organisation": "UMCG", "intervention": f"Interventie {i}", "igloo_level": level,
                        "jdr_category": category, "n_themes": n}
                       for i, cells in enumerate([[("Groep", "werk_stressor", 3), ("Omgeving", "uitkomst", 1)],
                                                  [("Individu", "persoonlijke_hulpbron", 2)],
                                                  [("Leider", "werk_hulpbron", 4)]])
                       for level, category, n in cells])
    fig = draw_theme_matrix(df)
    panels = {ax.get_title(loc="left"): ax for ax in fig.axes if ax.images}
    t = texts_for("nl")
    for ax in panels.values():
        assert [label.get_text() for label in ax.get_yticklabels()] == [t(lv) for lv in IGLOO_LEVELS]
        assert [label.get_text().replace("\n", " ") for label in ax.get_xticklabels()] == [
            t(c) for c in GRID_CATEGORIES]
    expected = {"Interventie 0 (UMCG)": {(1, 2): 3, (4, 4): 1}, "Interventie 1 (UMCG)": {(0, 1): 2},
                "Interventie 2 (UMCG)": {(2, 0): 4}}
    for title, cells in expected.items():
        grid = panels[title].images[0].get_array()
        assert panels[title].images[0].get_clim() == (0, 4)  # one colour scale, up to the most themes in a cell
        assert {(y, x): int(v) for (y, x), v in np.ndenumerate(grid) if v} == cells
        assert _cells(panels[title]) == {cell: str(n) for cell, n in cells.items()}


def test_a_theme_matrix_of_a_row_per_intervention_puts_each_count_under_its_level_and_category():
    n = 40  # four parts of ten rows
    df = pl.DataFrame([{"organisation": "UMCG", "intervention": f"Interventie {i:02d}", "igloo_level": level,
                        "jdr_category": category, "n_themes": 1 + i % 9}
                       for i in range(n) for level, category in [(IGLOO_LEVELS[i % 5], GRID_CATEGORIES[i // 8 % 5])]])
    fig = draw_theme_matrix(df)
    parts = [ax for ax in fig.axes if ax.images]
    assert len(parts) > 1
    t = texts_for("nl")
    columns = [(lv, cat) for lv in IGLOO_LEVELS for cat in GRID_CATEGORIES]
    row = 0
    for ax in parts:
        assert [label.get_text() for label in ax.get_xticklabels()] == [t(cat) for _, cat in columns]
        # each level's name above its own categories
        heads = {round(x.get_position()[0]): x.get_text().replace("\n", " ") for x in ax.texts
                 if not x.get_text().isdigit()}
        assert heads == {5 * i + 2: t(lv) for i, lv in enumerate(IGLOO_LEVELS)}
        grid = ax.images[0].get_array()
        assert ax.images[0].get_clim() == (0, 9)
        for y in range(grid.shape[0]):
            i = row + y
            x = columns.index((IGLOO_LEVELS[i % 5], GRID_CATEGORIES[i // 8 % 5]))
            assert {c: int(v) for c, v in enumerate(grid[y]) if v} == {x: 1 + i % 9}
            assert {c: v for (r, c), v in _cells(ax).items() if r == y} == {x: str(1 + i % 9)}
        row += grid.shape[0]
    assert row == n


# --- Terug in Balans: what each bar, segment and label stands for --------------------------------

def test_skills_chart_draws_strengthened_and_still_applied_per_skill_most_strengthened_on_top():
    df = pl.DataFrame({"skill": ["Ontspannen", "Grenzen stellen", "Hulp vragen"],
                       "pct_strengthened": [60.0, 80.0, 40.0],
                       "pct_still_applied": [10.0, 70.0, 30.0], "n_respondents": [30, 30, 30]})
    fig = draw_skills(df)
    ax, t = fig.axes[0], texts_for("nl")
    assert [label.get_text() for label in ax.get_yticklabels()] == ["Grenzen stellen", "Ontspannen", "Hulp vragen"]
    assert [x.get_text() for x in fig.legends[0].get_texts()] == [t("skills_series_strengthened"),
                                                                 t("skills_series_applied")]
    strengthened, applied = ax.containers
    for bars, shares in ((strengthened, [80.0, 60.0, 40.0]), (applied, [70.0, 10.0, 30.0])):
        assert [round(bar.get_y() + bar.get_height() / 2) for bar in bars] == [0, 1, 2]  # on its skill's row
        assert [bar.get_width() for bar in bars] == shares
    assert [x.get_text() for x in ax.texts] == [fmt_pct(v) for v in (80, 60, 40, 70, 10, 30)]
    assert "N=30" in ax.get_xlabel()


LIKERT = ["Niet", "Enigszins", "Behulpzaam", "Flink", "Zeer"]


def _ratings(counts: dict[str, list[int]], respondents: int = 10) -> pl.DataFrame:
    """{factor: respondents per scale point, then n.v.t.}, as marts.tib_factor_ratings."""
    return pl.DataFrame([{"factor": factor, "rating": rating, "rating_label": label, "n": n,
                          "n_respondents": respondents, "pct": 100 * n / respondents}
                         for factor, ns in counts.items()
                         for (rating, label), n in zip([*enumerate(LIKERT, 1), (None, "n.v.t.")], ns)])


def test_top_two_share_counts_the_answers_on_the_scale_alone():
    top = top_two_share(_ratings({"A": [1, 1, 2, 3, 3, 0], "B": [0, 1, 1, 2, 3, 3]}))
    assert top["factor"].to_list() == ["B", "A"]
    assert top["pct_top_two"].to_list() == pytest.approx([100 * 5 / 7, 60.0])


def test_factor_chart_centres_each_bar_on_the_middle_point_most_helpful_on_top():
    df = _ratings({"A": [1, 1, 2, 3, 3, 0], "B": [0, 1, 1, 2, 3, 3]})
    fig = draw_factor_diverging(df)
    ax = fig.axes[0]
    assert [label.get_text() for label in ax.get_yticklabels()] == ["B", "A"]  # 5 of 7 on the scale, 6 of 10
    # a segment per scale point (n.v.t. is none), lowest to highest, orange to blue
    assert [c.get_label() for c in ax.containers] == LIKERT
    assert [to_hex(c[0].get_facecolor()) for c in ax.containers] == [c.lower() for c in diverging_colours(5)]
    for y, factor in enumerate(["B", "A"]):
        rows = df.filter((pl.col("factor") == factor) & pl.col("rating").is_not_null()).sort("rating")
        segments = [c[y] for c in ax.containers]
        assert [s.get_width() for s in segments] == pytest.approx(rows["pct"].to_list())
        assert all(a.get_x() + a.get_width() == pytest.approx(b.get_x()) for a, b in zip(segments, segments[1:]))
        middle = segments[2]
        assert middle.get_x() == pytest.approx(-middle.get_width() / 2)  # "Behulpzaam" half left, half right
    # a share of 12% or more printed in its segment
    printed = sorted(x.get_text() for x in ax.texts if x.get_text())
    assert printed == sorted(fmt_pct(p) for p in df.filter(pl.col("rating").is_not_null())["pct"] if p >= 12)


def _return_to_work() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    rtw = pl.DataFrame({"outcome": ["own_employer", "other_employer", "still_absent"],
                        "outcome_label": ["Ja, eigen werkgever", "Ja, andere werkgever", "Nee"],
                        "n": [18, 3, 9], "pct": [60.0, 10.0, 30.0], "n_respondents": [30] * 3})
    relapse = pl.DataFrame({"answer": ["no", "yes"], "answer_label": ["Nee", "Ja"], "n": [24, 6],
                            "pct": [80.0, 20.0], "n_respondents": [30, 30]})
    intervals = pl.DataFrame({"question": ["return_to_work"] * 3 + ["relapse"] * 2,
                              "answer": ["Ja, eigen werkgever", "Ja, andere werkgever", "Nee", "Nee", "Ja"],
                              "ci_low_pct": [42.3, 3.5, 16.7, 62.7, 9.5],
                              "ci_high_pct": [75.4, 25.6, 47.9, 90.5, 37.3]})
    return rtw, relapse, intervals


def test_return_to_work_chart_draws_each_answers_share_n_and_interval():
    rtw, relapse, intervals = _return_to_work()
    fig = draw_return_and_relapse(rtw, relapse, intervals)
    assert len(fig.axes) == 2
    for ax, frame, label, question in zip(fig.axes, (rtw, relapse), ("outcome_label", "answer_label"),
                                          ("return_to_work", "relapse")):
        assert [x.get_text() for x in ax.get_yticklabels()] == frame[label].to_list()  # questionnaire order
        assert [bar.get_width() for bar in ax.patches] == frame["pct"].to_list()
        assert [x.get_text() for x in ax.texts] == [f"{fmt_pct(r['pct'])} (N={r['n']})"
                                                    for r in frame.iter_rows(named=True)]
        # the interval as a horizontal line on the answer's row
        spans = {(tuple(line.get_xdata()), line.get_ydata()[0]) for line in ax.lines
                 if len(set(line.get_xdata())) == 2}
        assert spans == {((r["ci_low_pct"], r["ci_high_pct"]), y) for y, r in enumerate(
            intervals.filter(pl.col("question") == question).iter_rows(named=True))}
        assert texts_for("nl")("ci_legend") in ax.get_xlabel()
    # not dropped out again in the programme's blue, dropped out again in vermillion
    assert [to_hex(bar.get_facecolor()) for bar in fig.axes[1].patches] == [OKABE_ITO["blue"].lower(),
                                                                           OKABE_ITO["vermillion"].lower()]


def test_return_to_work_chart_leaves_a_panel_without_rows_out():
    rtw, relapse, intervals = _return_to_work()
    small = relapse.with_columns(n_respondents=pl.lit(4))
    fig = draw_return_and_relapse(rtw, shown_to_stakeholders(small, 5), intervals)
    assert len(fig.axes) == 1 and fig.axes[0].get_yticklabels()[0].get_text() == "Ja, eigen werkgever"
    assert shown_to_stakeholders(rtw.with_columns(n_respondents=pl.Series([30, 30, 4])), 5).height == 0
    assert shown_to_stakeholders(rtw, 30).height == 3
