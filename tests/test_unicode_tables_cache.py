"""The masking's Unicode tables kept between runs: the very tables back without building them,
another entry for another Python, Polars, privacy.py or contacts.py (whose phone pattern the tables
carry for Polars), and a broken entry built anew."""

import json

import polars as pl
import pytest

from assets.ingest import disk_cache, privacy
from assets.ingest.privacy import mask_series, name_variants


@pytest.fixture
def new_process(monkeypatch):
    """privacy as a new run's process finds it: no tables yet (the test's own are put back after)."""
    monkeypatch.setattr(privacy, "_tables", None)
    return monkeypatch


def _built_once(monkeypatch) -> list:
    builds = []
    build = privacy._build_unicode
    monkeypatch.setattr(privacy, "_build_unicode", lambda: builds.append(1) or build())
    return builds


def test_tables_come_back_from_the_cache_without_a_build(tmp_path, new_process):
    builds = _built_once(new_process)
    privacy.prepare_tables(tmp_path)
    built = privacy._tables
    [entry] = tmp_path.iterdir()
    assert entry == disk_cache.entry(tmp_path, *privacy._tables_inputs())
    new_process.setattr(privacy, "_tables", None)
    privacy.prepare_tables(tmp_path)
    assert builds == [1]
    assert privacy._tables == built and privacy._tables is not built
    # The Aho-Corasick pass with the kept tables, on a name with a rare case mapping, a phone number,
    # an e-mail address: as the regex masks them.
    new_process.setattr(privacy, "PER_CELL_UP_TO", 0)
    new_process.setattr(privacy, "EXACT_UP_TO", 0)
    texts = ["Ik sprak İlse en ilse en Sophie.", "Bel 06-12345678", "mail ilse@umcg.nl", "Niets."]
    names = name_variants(["İlse", "Sophie de Vries"])
    assert mask_series(pl.Series(texts), names).to_list() == [privacy.mask_text(t, names) for t in texts]


def test_other_versions_or_code_are_another_entry(tmp_path, new_process):
    privacy.prepare_tables(tmp_path)
    inputs = privacy._tables_inputs()
    # this code, and the phone pattern's, which the tables carry for Polars
    assert len(inputs) == 5 and inputs[3].startswith(b'"""Masking what names a person')
    assert inputs[4].startswith(b'r"""Numbers and addresses that name a person')
    for i in range(len(inputs)):
        changed = list(inputs)
        changed[i] += b" "
        assert disk_cache.read(disk_cache.entry(tmp_path, *changed)) is None


@pytest.mark.parametrize("content", ["{not json", json.dumps({"value": {"key": 1}}), json.dumps({"value": [1]})])
def test_a_broken_entry_is_built_anew_and_written_over(tmp_path, new_process, content):
    entry = disk_cache.entry(tmp_path, *privacy._tables_inputs())
    entry.write_text(content)
    builds = _built_once(new_process)
    privacy.prepare_tables(tmp_path)
    assert builds == [1]
    assert privacy._Unicode.from_json(disk_cache.read(entry)) == privacy._tables


def test_a_folder_that_cannot_be_written_is_no_cache(tmp_path, new_process):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    privacy.prepare_tables(blocked / "unicode")
    assert privacy._tables is not None and blocked.read_text() == "not a folder"


def test_an_ingest_asset_keeps_the_tables_and_the_codebooks_in_the_cache_folder(tmp_path, new_process):
    """The asset hands SourceData's cache folder on: the next run's process finds both there."""
    from assets.terug_in_balans.ingest import raw_tib_survey_cells
    from tests.conftest import materialize_years, resources_for

    cache = tmp_path / "cache"
    result = materialize_years([raw_tib_survey_cells], resources_for(tmp_path, cache_dir=cache), [2024])
    assert result.success
    assert (cache / "unicode").is_dir()
    assert [p.name for p in (cache / "unicode").iterdir()] == [
        disk_cache.entry(cache / "unicode", *privacy._tables_inputs()).name]
    assert list((cache / "codebooks").iterdir())
