"""Chart drawing at sizes beyond the sample: the theme matrix changes layout instead of growing a panel per intervention."""

import numpy as np
import polars as pl

from assets.pmg.charts import MAX_PANELS, MAX_ROWS, draw_mental_health, draw_theme_matrix
from assets.reporting.style import DPI, fix_layout


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
