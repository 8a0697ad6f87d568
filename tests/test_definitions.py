"""The code location loads, and its asset graph is what the README and analysts rely on."""

import pytest
from dagster import AssetKey

from pipelines.definitions import ASSETS, CHECKS, defs
from warehouse import schema

EXPECTED_ASSETS = {
    "raw/pmg_questionnaire_cells", "raw/pmg_interview_segments", "raw/tib_survey_cells", "raw/interview_utterances",
    "staging/pmg_questionnaire_answers", "staging/pmg_questionnaire_responses", "staging/pmg_interview_segments",
    "staging/tib_survey_answers",
    "marts/pmg_response_counts", "marts/pmg_mental_health", "marts/pmg_intervention_rating",
    "marts/pmg_theme_mentions", "marts/tib_return_to_work", "marts/tib_relapse", "marts/tib_skills",
    "marts/tib_factor_ratings",
    "marts/pmg_trend", "marts/tib_trend",
    "marts/pmg_paired_change", "marts/pmg_unpaired_change", "marts/tib_share_intervals", "marts/tib_skill_mcnemar",
    "marts/tib_factor_summary", "marts/pmg_theme_matrix", "marts/pmg_theme_quotes", "marts/pmg_stakeholder_hidden",
    "charts/pmg_theme_matrix",
    "charts/pmg_mental_health", "charts/tib_skills", "charts/tib_factor_ratings", "charts/tib_return_to_work",
    "reports/pmg", "reports/pmg_onderzoekers", "reports/terug_in_balans", "reports/terug_in_balans_onderzoekers",
    "reports/data_quality",
}


def test_asset_graph_snapshot():
    keys = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    assert keys == EXPECTED_ASSETS


def test_every_asset_has_a_description_and_warehouse_assets_a_column_schema():
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.description and len(node.description) > 40, key
        if key.path[0] in {"raw", "staging", "marts"}:
            assert "dagster/column_schema" in node.metadata, key


def test_the_marts_column_schemas_say_when_a_column_is_null(tmp_path, monkeypatch):
    """The UI shows the contract's null_when: a marts column is not nullable, or NULL only when it says;
    raw and staging state nothing, and tables.yaml refuses null_when: outside the marts or empty."""
    graph = defs.resolve_asset_graph()
    columns = {c.name: c for c in graph.get(AssetKey(["marts", "pmg_paired_change"]))
               .metadata["dagster/column_schema"].columns}
    p_value = next(c for c in schema.table("marts.pmg_paired_change").columns if c.name == "p_value")
    assert columns["year"].constraints.nullable is False
    assert columns["p_value"].constraints.nullable is True
    assert columns["p_value"].constraints.other == [f"NULL when {p_value.null_when}"]
    staging = graph.get(AssetKey(["staging", "pmg_questionnaire_responses"])).metadata["dagster/column_schema"]
    assert all(c.constraints.nullable and not c.constraints.other for c in staging.columns)

    for body, refused in (("staging:\n  t:\n    description: d\n    columns:\n"
                           "      x: {type: INTEGER, description: d, null_when: always}\n",
                           "staging.t: null_when: is stated for marts columns only"),
                          ("marts:\n  t:\n    description: d\n    columns:\n"
                           "      x: {type: INTEGER, description: d, null_when: ''}\n",
                           "marts.t: null_when: of x says nothing"),
                          # the data dictionary would print a blank "NULL when", or "One row per `y`"
                          # of a table without y
                          ("marts:\n  t:\n    description: d\n    columns:\n"
                           "      x: {type: INTEGER, description: d, null_when: '  '}\n",
                           "marts.t: null_when: of x says nothing"),
                          ("marts:\n  t:\n    description: d\n    key: [x, y]\n    columns:\n"
                           "      x: {type: INTEGER, description: d}\n",
                           r"marts.t: key column\(s\) \['y'\] not among its columns")):
        bad = tmp_path / "tables.yaml"
        bad.write_text(body, encoding="utf-8")
        monkeypatch.setattr(schema, "TABLES_FILE", bad)
        schema.tables.cache_clear()
        try:
            with pytest.raises(ValueError, match=refused):
                schema.tables()
        finally:
            monkeypatch.undo()
            schema.tables.cache_clear()


def test_every_asset_and_check_that_opens_the_warehouse_is_in_the_duckdb_pool():
    """Checks read the warehouse too: outside the pool, a run of checks alone from the UI could open it
    beside a run writing it once more than one run may go at a time."""
    for definition in [*ASSETS, *CHECKS]:
        assert definition.op.pool == "duckdb", definition


def test_job_and_schedule_resolve():
    job = defs.resolve_job_def("materialize_all")
    assert job.executor_def.name == "in_process"
    schedule = defs.resolve_schedule_def("yearly_refresh")
    assert schedule.cron_schedule == "0 6 1 2 *"


def test_blocking_checks_guard_the_reports():
    checks = {(spec.asset_key.to_user_string(), spec.name): spec.blocking
              for c in CHECKS for spec in c.check_specs}
    assert checks[("staging/pmg_questionnaire_responses", "expectation_suite")] is True
    assert checks[("raw/pmg_questionnaire_cells", "expectation_suite")] is True
    assert checks[("staging/pmg_questionnaire_responses", "t1_without_t0_flagged")] is False
    assert checks[("marts/pmg_intervention_rating", "rating_only_from_t1_respondents")] is True
    assert checks[("marts/pmg_response_counts", "questionnaire_and_interview_counts_agree")] is False


def test_what_reads_a_pmg_year_depends_on_every_table_it_reads():
    """The mental-health chart hides what the stakeholder edition hides, deciding it from the whole
    year (year_data.load_year): it must come after every table that reads (the marts, and the staged
    segments for the themes' English names), or a run of the chart alone fails on a fresh warehouse
    and one after a rerun draws from the older rows."""
    import re

    import polars as pl

    from assets.pmg.year_data import YEAR_TABLES, load_year

    class Recording:
        read: set = set()
        last = ""

        def sql(self, sql, params=None):
            self.read |= set(re.findall(r"\b(?:marts|staging)\.\w+", sql))
            self.last = sql
            return self

        execute = sql

        def fetchall(self):
            if "raw.quarantine" in self.last:  # raw, written before any staging table: nothing to declare
                return [(0,)]
            return [(1,)] if "duckdb_columns" in self.last else []  # the segments have the column

        def pl(self):
            return pl.DataFrame({"organisation": [], "intervention": []}, schema={"organisation": pl.String,
                                                                                   "intervention": pl.String})

    conn = Recording()
    load_year(conn, 2023)
    assert conn.read == set(YEAR_TABLES)
    graph = defs.resolve_asset_graph()
    for asset in ("charts/pmg_mental_health", "charts/pmg_theme_matrix", "reports/pmg", "reports/pmg_onderzoekers"):
        upstream = {k.to_user_string().replace("/", ".") for k in graph.get(
            next(k for k in graph.get_all_asset_keys() if k.to_user_string() == asset)).parent_keys}
        assert set(YEAR_TABLES) <= upstream, asset


def test_what_prints_terug_in_balans_names_in_english_depends_on_the_staged_codebook():
    """staging.codebook_labels and codebook_variables hold the English names; the answers' asset
    writes them, so every chart and report that reads them comes after it."""
    graph = defs.resolve_asset_graph()
    for asset in ("charts/tib_skills", "charts/tib_factor_ratings", "charts/tib_return_to_work",
                  "reports/terug_in_balans", "reports/terug_in_balans_onderzoekers"):
        parents = {k.to_user_string() for k in graph.get(
            next(k for k in graph.get_all_asset_keys() if k.to_user_string() == asset)).parent_keys}
        assert "staging/tib_survey_answers" in parents, asset


def test_the_data_dictionary_is_generated_from_the_contract():
    """warehouse/DATA_DICTIONARY.md is what `python -m warehouse.schema` writes from tables.yaml."""
    from warehouse.schema import DICTIONARY_FILE, data_dictionary_markdown

    assert DICTIONARY_FILE.read_text(encoding="utf-8") == data_dictionary_markdown(), \
        "run `python -m warehouse.schema` after changing warehouse/tables.yaml"


def test_every_asset_backfills_a_range_of_years_in_one_run():
    """README and docs/operations.md backfill ten years with `dagster asset materialize --select '*'
    --partition-range`, which runs only assets whose backfill policy is a single run, the ones over
    every year too; one run a year would also run every asset's queries once per year."""
    from dagster import BackfillPolicy

    graph = defs.resolve_asset_graph()
    policies = {k.to_user_string(): graph.get(k).backfill_policy for k in graph.get_all_asset_keys()}
    assert {k for k, p in policies.items() if p != BackfillPolicy.single_run()} == set()
    every_year = {k.to_user_string() for k in graph.get_all_asset_keys() if not graph.get(k).is_partitioned}
    assert {"marts/pmg_trend", "marts/tib_trend", "reports/data_quality"} <= every_year


def test_each_programmes_job_ingests_that_programmes_exports_and_no_others():
    """The inbox sensor runs one programme's job when its exports change: a raw asset in another
    programme's group would be left out of it, and the year's marts built on the last load."""
    raw = {"pmg": {"raw/pmg_questionnaire_cells", "raw/pmg_interview_segments", "raw/interview_utterances"},
           "terug_in_balans": {"raw/tib_survey_cells"}}
    from pipelines.jobs import PROGRAMME_JOBS

    graph = defs.resolve_asset_graph()
    for programme, expected in raw.items():
        selected = PROGRAMME_JOBS[programme].selection.resolve(graph)
        assert {k.to_user_string() for k in selected if k.path[0] == "raw"} == expected, programme


def test_the_code_location_has_the_backup_job_one_process_for_any_job_and_the_sensors_its_environment_sets_up():
    """The backup sensor requests warehouse_backup, which must be a job of the location; the UI's
    ad-hoc materialisations run in one process too; the e-mail and backup sensors are there when
    their variables are set (read when the location loads: a fresh interpreter)."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    assert defs.resolve_job_def("warehouse_backup")
    assert defs.resolve_implicit_global_asset_job_def().executor_def.name == "in_process"
    for name in ("pmg", "terug_in_balans"):
        assert defs.resolve_job_def(f"{name}_yearly").executor_def.name == "in_process"
    code = ("import json; from pipelines.definitions import defs\n"
            "print(json.dumps(sorted(s.name for s in defs.sensors)))")
    env = {**os.environ, "MHM_ALERT_EMAIL_TO": "data@example.nl", "MHM_ALERT_EMAIL_FROM": "mhm@example.nl",
           "MHM_ALERT_SMTP_HOST": "smtp.example.nl", "MHM_ALERT_SMTP_PASSWORD": "pw", "MHM_BACKUP_DIR": "/backups"}
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[1]).stdout
    named = json.loads(out.splitlines()[-1])
    assert {"email_on_run_failure", "inbox_sensor"} <= set(named) and len(named) == 3


def test_the_code_location_has_the_checks_of_both_programmes_and_the_suites():
    """A checks module left out of the location would leave its programme's marts unchecked without a word."""
    checks = {(k.asset_key.to_user_string(), k.name) for c in CHECKS for k in c.check_keys}
    assert {("marts/tib_relapse", "shares_sum_to_100"), ("marts/tib_relapse", "n_equals_distinct_respondents"),
            ("marts/pmg_intervention_rating", "rating_only_from_t1_respondents"),
            ("raw/tib_survey_cells", "expectation_suite")} <= checks
