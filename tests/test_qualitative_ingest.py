"""Transcripts into raw.interview_utterances, and ATLAS.ti quotations as interview segments."""

import re
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from assets.ingest.codebook import load_codebook
from assets.ingest.errors import CodebookError
from assets.ingest.interviews import interview_segments
from assets.ingest.pseudonyms import Pseudonymiser
from assets.ingest.privacy import name_variants
from assets.pmg.transcripts import raw_interview_utterances
from tests.conftest import FIXTURES, materialize_years, resources_for

TRANSCRIPTS = FIXTURES / "transcripts"
SPEAKERS = {"Bakker, Joost", "de Vries, Marieke", "Visser, Sanne"}
NAME_PARTS = {"Bakker", "Joost", "Vries", "Marieke", "Visser", "Sanne"}


def test_name_variants_mask_parts_not_particles():
    got = name_variants(["de Vries, Marieke", "Jan van der Berg (Gast)"])
    assert {"de Vries, Marieke", "Marieke de Vries", "Vries", "Marieke", "Jan", "Berg"} <= set(got)
    assert not {"de", "van", "der", "Gast"} & set(got)
    assert got[0] == "Jan van der Berg (Gast)"  # longest first


def test_transcript_codebook_kind(tmp_path: Path):
    cb = load_codebook(TRANSCRIPTS / "pmg" / "2023" / "codebook_transcripts.yaml", TRANSCRIPTS)
    assert cb.instrument == "pmg_transcripts" and cb.year == 2023
    (source,) = cb.files
    assert source.format == "teams_vtt" and source.relative == "pmg/2023/t0_cold_shower_1.vtt"
    assert source.constants["interview"] == "T0 Cold shower challenge 1"
    (tmp_path / "t.vtt").write_text("WEBVTT\n", encoding="utf-8")
    bad = tmp_path / "codebook.yaml"
    bad.write_text("instrument: pmg_transcripts\nprogramme: pmg\nyear: 2023\n"
                   "files:\n  - {path: t.vtt, format: teams_vtt}\n", encoding="utf-8")
    try:
        load_codebook(bad, tmp_path)
    except CodebookError as exc:
        assert "files[0]: missing required key 'interview'" in str(exc)
    else:
        raise AssertionError("a transcript without its interview must not load")


def test_transcript_asset_loads_pseudonymised_masked_utterances(tmp_path: Path):
    result = materialize_years([raw_interview_utterances], resources_for(tmp_path, TRANSCRIPTS), (2023,))
    assert result.success
    conn = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    try:
        rows = conn.sql("SELECT source_file, row_number, interview, speaker_id, start_seconds, end_seconds, "
                        "utterance_text FROM raw.interview_utterances ORDER BY row_number").fetchall()
        registry = conn.sql("SELECT format, n_rows, instrument FROM raw.source_files").fetchall()
    finally:
        conn.close()
    vtt = (TRANSCRIPTS / "pmg" / "2023" / "t0_cold_shower_1.vtt").read_text(encoding="utf-8")
    assert len(rows) == vtt.count("-->") == 8
    assert registry == [("teams_vtt", 8, "pmg_transcripts")]
    assert {r[0] for r in rows} == {"pmg/2023/t0_cold_shower_1.vtt"}
    assert {r[2] for r in rows} == {"T0 Cold shower challenge 1"}
    assert [r[1] for r in rows] == list(range(1, 9))
    # the negative start of the 2022 Teams format is kept, unpadded milliseconds read as such
    assert (rows[1][4], rows[1][5]) == (-2.34, 6.97)
    assert (rows[2][4], rows[5][5]) == (7.02, 26.04)
    # three speakers, three pseudonyms, the same one for every utterance of a speaker
    pseudonymise = Pseudonymiser(resources_for(tmp_path)["sources"].pseudonym_key)
    assert {r[3] for r in rows} == {pseudonymise(s) for s in SPEAKERS}
    assert all(re.fullmatch(r"p_[0-9a-f]{20}", r[3]) for r in rows)
    assert rows[0][3] == rows[2][3] == rows[6][3] == pseudonymise("Bakker, Joost")
    # no name (whole or in parts, any case), e-mail address or phone number in any text
    texts = [r[6] for r in rows]
    for text in texts:
        for name in SPEAKERS | NAME_PARTS:
            assert name.casefold() not in text.casefold(), (name, text)
    assert texts[1] == ("Welkom allemaal bij het eerste focusinterview over de cold shower challenge. "
                        "[naam], wil jij beginnen?")
    assert texts[5] == "Je kunt me mailen op [e-mail] of bellen op [telefoon] als je meer wilt weten."
    assert "Mevrouw De [naam] vroeg" in texts[6] and "van maandag tot en met vrijdag" in texts[6]
    # an unchanged file is not loaded again
    again = materialize_years([raw_interview_utterances], resources_for(tmp_path, TRANSCRIPTS), (2023,))
    files = again.asset_materializations_for_node("raw__interview_utterances")[0].metadata["files"].value
    assert "| pmg/2023/t0_cold_shower_1.vtt | unchanged | 0 | 0 |" in files


ATLAS_THEMES = {
    "Diagnose: Werkdruk, tijdsdruk": ("Werkdruk", "Diagnose", "werk_stressor", "Individu"),
    "Diagnose: Steun van collega's": ("Steun van collega's", "Diagnose", "werk_hulpbron", "Groep"),
    "Diagnose: Steun": ("Steun", "Diagnose", "werk_hulpbron", "Groep"),
}


def write_atlas_sample(folder: Path) -> Path:
    """An ATLAS.ti 23 Quotation Manager export (`;`, UTF-8 BOM, Portuguese-locale heading) with a
    MAXQDA-style speaker prefix and codes whose names hold commas, and its interview codebook."""
    rows = [
        "Number;Reference;Name;Text Content;Document;Codes;Number of Codes;Comment;Extensão",
        '1:1;¶ 3;;"""UMCG-CS1-01: Ik heb het echt druk, en mijn collega\'s helpen."""'
        ';T0 Cold shower challenge 1;"Diagnose: Werkdruk, tijdsdruk, Diagnose: Steun van collega\'s";2;;1',
        '1:2;¶ 5;;"""UMCG-CS1-02: Bel me op 06-12345678, zei UMCG-CS1-01."""'
        ';T0 Cold shower challenge 1;Diagnose: Steun, Nieuw: iets, anders;2;;1',
        '1:3;¶ 7;;"""Zonder spreker."""'
        ';T0 Cold shower challenge 1;Diagnose: Steun;1;;1',
    ]
    export = folder / "pmg_focusinterviews_atlasti.csv"
    export.write_bytes("\ufeff".encode() + "\r\n".join(rows).encode("utf-8") + b"\r\n")
    themes = "\n".join(f'  "{code}": {{theme: "{t}", section: {s}, jdr_category: {j}, igloo_level: {i}}}'
                       for code, (t, s, j, i) in ATLAS_THEMES.items())
    codebook = folder / "codebook_interviews.yaml"
    codebook.write_text(
        "instrument: pmg_interviews\nprogramme: pmg\nyear: 2023\n"
        "files:\n  - {path: pmg_focusinterviews_atlasti.csv, format: atlasti_quotations}\n"
        "speaker: segment_prefix\n"
        'documents:\n  "T0 Cold shower challenge 1": {organisation: UMCG, intervention: Cold shower challenge,'
        " group_label: Cold shower challenge 1, wave: T0}\n"
        f"themes:\n{themes}\n", encoding="utf-8")
    return codebook


def test_speaker_codes_tell_a_speaker_from_text_before_a_colon(tmp_path: Path):
    folder = tmp_path / "pmg" / "2023"
    folder.mkdir(parents=True)
    codebook = write_atlas_sample(folder)
    export = folder / "pmg_focusinterviews_atlasti.csv"
    export.write_bytes(export.read_bytes() + '1:4;¶ 9;;"""Tip: neem pauzes."""'
                       ';T0 Cold shower challenge 1;Diagnose: Steun;1;;1\r\n'.encode("utf-8"))
    pseudonymise = Pseudonymiser("test-key")
    # Without a pattern "Tip" is a speaker, cut from the quote and masked as a name.
    cb = load_codebook(codebook, tmp_path)
    segments, _, _ = interview_segments(cb, cb.files[0], pseudonymise)
    assert segments.filter(pl.col("row_number") == 5)["speaker_id"].to_list() == [pseudonymise("Tip")]
    codebook.write_text(codebook.read_text(encoding="utf-8") + "speaker_codes: 'UMCG-CS\\d-\\d{2}'\n",
                        encoding="utf-8")
    cb = load_codebook(codebook, tmp_path)
    segments, quarantine, _ = interview_segments(cb, cb.files[0], pseudonymise)
    assert segments["row_number"].to_list() == [2, 2, 3]  # the speakers that are codes, as before
    assert quarantine.filter(pl.col("row_number") == 5).select("column_name", "cell_value", "reason").rows() == [
        ("Text Content", None, "no speaker code (speaker_codes: in the codebook) as the segment's 'CODE: ' prefix")]
    codebook.write_text(codebook.read_text(encoding="utf-8").replace("{2}", "{2}("), encoding="utf-8")
    with pytest.raises(CodebookError, match=r"speaker_codes: .* is not a regular expression"):
        load_codebook(codebook, tmp_path)


def test_speaker_codes_must_match_the_whole_prefix(tmp_path: Path):
    """With speaker_codes, "Vraag aan UMCG-CS1-01: ..." is no segment of UMCG-CS1-01's."""
    folder = tmp_path / "pmg" / "2023"
    folder.mkdir(parents=True)
    codebook = write_atlas_sample(folder)
    codebook.write_text(codebook.read_text(encoding="utf-8") + "speaker_codes: 'UMCG-CS\\d-\\d{2}'\n", encoding="utf-8")
    export = folder / "pmg_focusinterviews_atlasti.csv"
    export.write_bytes(export.read_bytes() + '1:9;¶ 20;;"""Vraag aan UMCG-CS1-01: hoe?""";T0 Cold shower challenge 1;'
                       'Diagnose: Steun;1;;1\r\n'.encode("utf-8"))
    cb = load_codebook(codebook, tmp_path)
    segments, quarantine, _ = interview_segments(cb, cb.files[0], Pseudonymiser("k"))
    assert 5 not in segments["row_number"].to_list()
    assert quarantine.filter(pl.col("row_number") == 5)["column_name"].to_list() == ["Text Content"]


def test_a_jdr_category_outside_the_diagnose_is_left_out(tmp_path: Path):
    """marts.pmg_theme_matrix is the Diagnose's JD-R grid: a Verandering theme with a category
    would have entered it unseen. Not refused: a past year's codebook must still load."""
    folder = tmp_path / "pmg" / "2023"
    folder.mkdir(parents=True)
    codebook = write_atlas_sample(folder)
    text = codebook.read_text(encoding="utf-8")
    codebook.write_text(text + '  "Verandering: Rust": {theme: Rust, section: Verandering, jdr_category: uitkomst, '
                               'igloo_level: Individu}\n', encoding="utf-8")
    loaded = load_codebook(codebook, tmp_path)
    themes = loaded.themes
    assert themes["Verandering: Rust"].jdr_category is None
    # said in the run's log, by the ingest
    assert loaded.notes == ("themes['Verandering: Rust']: jdr_category uitkomst left out; only Diagnose themes "
                            "have one",)
    assert {t.jdr_category for t in themes.values() if t.section == "Diagnose"} - {None}


def _segments_with(tmp_path: Path, quotes: list[str], speaker_codes: str | None) -> list[str]:
    """The stored text of quotes added to the ATLAS.ti sample, in order."""
    folder = tmp_path / "pmg" / "2023"
    folder.mkdir(parents=True)
    codebook = write_atlas_sample(folder)
    export = folder / "pmg_focusinterviews_atlasti.csv"
    rows = "".join(f'1:{9 + i};¶ {20 + i};;"""{q}"""' + ';T0 Cold shower challenge 1;Diagnose: Steun;1;;1\r\n'
                   for i, q in enumerate(quotes))
    export.write_bytes(export.read_bytes() + rows.encode("utf-8"))
    if speaker_codes:
        codebook.write_text(codebook.read_text(encoding="utf-8") + f"speaker_codes: '{speaker_codes}'\n",
                            encoding="utf-8")
    cb = load_codebook(codebook, tmp_path)
    segments, _, _ = interview_segments(cb, cb.files[0], Pseudonymiser("k"))
    return segments.filter(pl.col("row_number") >= 5)["segment_text"].to_list()


def _atlas_with(tmp_path: Path, rows: list[tuple[str, str, str]]):
    """(segments, quarantine) of the ATLAS.ti sample with (quote, document, codes) rows added from
    spreadsheet row 5 on."""
    folder = tmp_path / "pmg" / "2023"
    folder.mkdir(parents=True)
    codebook = write_atlas_sample(folder)
    export = folder / "pmg_focusinterviews_atlasti.csv"
    added = "".join(f'1:{9 + i};¶ {20 + i};;"""{q}""";{d};"{c}";1;;1\r\n' for i, (q, d, c) in enumerate(rows))
    export.write_bytes(export.read_bytes() + added.encode("utf-8"))
    cb = load_codebook(codebook, tmp_path)
    segments, quarantine, _ = interview_segments(cb, cb.files[0], Pseudonymiser("k"))
    return segments.filter(pl.col("row_number") >= 5), quarantine.filter(pl.col("row_number") >= 5)


def test_speakers_in_parentheses_after_time_stamps_and_with_long_names(tmp_path: Path):
    """"(P03): ..." is P03's, as "[P03]: ..." is; a time stamp in parentheses before or after the
    speaker is no part of it; a speaker's name may be long."""
    doc, code = "T0 Cold shower challenge 1", "Diagnose: Steun"
    segments, quarantine = _atlas_with(tmp_path, [
        ("(UMCG-CS1-01): Een.", doc, code), ("(00:01:23) UMCG-CS1-02: Twee.", doc, code),
        ("UMCG-CS1-03 (00:04:00): Drie.", doc, code), ("Marieke van den Berg-Jansen: Vier.", doc, code)])
    pseudonymise = Pseudonymiser("k")
    assert segments.select("row_number", "speaker_id", "segment_text").rows() == [
        (5, pseudonymise("UMCG-CS1-01"), "Een."), (6, pseudonymise("UMCG-CS1-02"), "Twee."),
        (7, pseudonymise("UMCG-CS1-03"), "Drie."), (8, pseudonymise("Marieke van den Berg-Jansen"), "Vier.")]
    assert quarantine.is_empty()


def test_an_atlas_row_without_codes_document_or_speaker_is_quarantined_once_naming_its_column(tmp_path: Path):
    doc = "T0 Cold shower challenge 1"
    segments, quarantine = _atlas_with(tmp_path, [
        ("UMCG-CS1-01: Zonder code.", doc, ""), ("UMCG-CS1-01: Zonder document.", "", "Diagnose: Steun"),
        ("Zonder spreker, twee codes.", doc, "Diagnose: Steun, Diagnose: Werkdruk, tijdsdruk")])
    assert segments.is_empty()
    assert quarantine.select("row_number", "column_name", "reason").rows() == [
        (5, "Codes", "empty Codes"), (6, "Document", "empty Document"),
        (7, "Text Content", "no speaker prefix ('CODE: ...') on the segment")]


def test_maxqda_code_paths_with_arrows_and_spaces_and_padded_documents_are_the_codebooks(tmp_path: Path):
    """MAXQDA writes a code path "Diagnose > Werkdruk" or "Diagnose\\Werkdruk", spaces around it at
    times, and a document name as typed: each must still be the codebook's theme and document."""
    folder = tmp_path / "pmg" / "2023"
    folder.mkdir(parents=True)
    (folder / "segments.csv").write_bytes(
        "Document name;Code;Segment\r\n"
        "T0 Cold shower challenge 1 ;Diagnose > Werkdruk;UMCG-CS1-01: Een.\r\n"
        "T0 Cold shower challenge 1; Diagnose \\ Steun ;UMCG-CS1-02: Twee.\r\n".encode("utf-8"))
    codebook = folder / "codebook_interviews.yaml"
    codebook.write_text(
        "instrument: pmg_interviews\nprogramme: pmg\nyear: 2023\n"
        "files:\n  - {path: segments.csv, format: maxqda_coded_segments}\nspeaker: segment_prefix\n"
        'documents:\n  "T0 Cold shower challenge 1": {organisation: UMCG, intervention: Cold shower challenge,'
        " group_label: Cold shower challenge 1, wave: T0}\n"
        "themes:\n  'Diagnose\\Werkdruk': {theme: Werkdruk, section: Diagnose, jdr_category: werk_stressor, "
        "igloo_level: Individu}\n  'Diagnose\\Steun': {theme: Steun, section: Diagnose, jdr_category: werk_hulpbron, "
        "igloo_level: Groep}\n", encoding="utf-8")
    cb = load_codebook(codebook, tmp_path)
    segments, quarantine, _ = interview_segments(cb, cb.files[0], Pseudonymiser("k"))
    assert segments.select("row_number", "document", "code_path", "segment_text").rows() == [
        (2, "T0 Cold shower challenge 1", "Diagnose\\Werkdruk", "Een."),
        (3, "T0 Cold shower challenge 1", "Diagnose\\Steun", "Twee.")]
    assert quarantine.is_empty()


def test_an_atlas_code_with_an_arrow_is_kept_as_the_codebook_writes_it(tmp_path: Path):
    folder = tmp_path / "pmg" / "2023"
    folder.mkdir(parents=True)
    codebook = write_atlas_sample(folder)
    codebook.write_text(codebook.read_text(encoding="utf-8") + '  "Diagnose: thuis > werk": {theme: Thuis, '
                        "section: Diagnose, jdr_category: werk_stressor, igloo_level: Individu}\n", encoding="utf-8")
    export = folder / "pmg_focusinterviews_atlasti.csv"
    export.write_bytes(export.read_bytes() + '1:9;¶ 20;;"""UMCG-CS1-01: Thuis.""";T0 Cold shower challenge 1;'
                       'Diagnose: thuis > werk;1;;1\r\n'.encode("utf-8"))
    cb = load_codebook(codebook, tmp_path)
    segments, _, _ = interview_segments(cb, cb.files[0], Pseudonymiser("k"))
    assert segments.filter(pl.col("row_number") == 5)["code_path"].to_list() == ["Diagnose: thuis > werk"]


def test_every_speaker_of_a_segment_and_every_speaker_code_in_it_is_masked(tmp_path: Path):
    """A focus group's segment may hold several turns: the second speaker opens no segment of their
    own, and their code stood in the quote; so did a code said in passing in another spelling of
    the file's speakers."""
    texts = _segments_with(tmp_path, [
        "UMCG-CS1-01: Dat vond ik ook zwaar.\nUMCG-CS1-77: Ik niet, ik ben nu in behandeling.",
        "UMCG-CS1-02: Zoals UMCG-CS1-88 al zei.",
    ], speaker_codes="UMCG-CS\\d-\\d{2}")
    assert texts == ["Dat vond ik ook zwaar.\n[naam]: Ik niet, ik ben nu in behandeling.", "Zoals [naam] al zei."]


def test_without_speaker_codes_a_later_line_is_a_turn_only_if_written_as_the_files_codes(tmp_path: Path):
    """"Werkdruk: te hoog" inside a segment is an answer, not a speaker: taken for one, the word
    was masked in every segment of the file. A turn of a code shaped as the file's is one."""
    texts = _segments_with(tmp_path, [
        "UMCG-CS1-05: Ik noem drie dingen.\nWerkdruk: te hoog\nStap 2: rust\nUMCG-CS1-66: Ik ook.",
        "UMCG-CS1-06: De werkdruk is hoog; stap 2 ook, zei UMCG-CS1-66.",
    ], speaker_codes=None)
    assert texts == ["Ik noem drie dingen.\nWerkdruk: te hoog\nStap 2: rust\n[naam]: Ik ook.",
                     "De werkdruk is hoog; stap 2 ook, zei [naam]."]


def test_without_speaker_codes_a_code_after_other_words_on_a_line_is_masked_if_written_as_the_files(tmp_path: Path):
    """A second turn on one line ("ja. UMCG-CS1-78: nee") opens no line, so it was no turn, and the
    code stayed in the quote. "Stap 2: rust", "om 10:30", "Bij T1: minder" and "COVID-19:" are not
    written as the file's codes."""
    texts = _segments_with(tmp_path, [
        "UMCG-CS1-05: Ik vond het goed. UMCG-CS1-78: ik niet, stap 2: rust; om 10:30 klaar",
        "UMCG-CS1-06: Bij T1: minder stress. Na COVID-19: thuis. ABCD-XY9-12: weer.",
        "UMCG-CS1-07: ja. umcg-cs1-79: nee, zei umcg-cs1-79.",
        "UMCG-CS1-08: Wat ik merkte:\nT1: druk\nUMCG-CS1-80: rustiger bij T1",
        "P1: Bij T1 zwaar.\nT1: druk\nP2: ik ook",
    ], speaker_codes=None)
    assert texts == ["Ik vond het goed. [naam]: ik niet, stap 2: rust; om 10:30 klaar",
                     "Bij T1: minder stress. Na COVID-19: thuis. ABCD-XY9-12: weer.",
                     "ja. [naam]: nee, zei [naam].",
                     "Wat ik merkte:\nT1: druk\n[naam]: rustiger bij T1",
                     "Bij T1 zwaar.\nT1: druk\n[naam]: ik ook"]


def test_without_speaker_codes_later_turns_with_long_names_in_brackets_or_parentheses_are_masked(tmp_path: Path):
    texts = _segments_with(tmp_path, [
        "UMCG-CS1-05: Ja.\nMarieke van den Berg-Jansen: Nee.",
        "UMCG-CS1-06: Ja.\n[UMCG-CS1-77]: Nee.",
        "UMCG-CS1-07: Goed (UMCG-CS1-78: niet).",
        "UMCG-CS1-08: Ja.\nUMCG-CS1-123: Nee.",  # a code with more digits is written as the file's codes
        # not people: a phrase with a number, an acronym beside a place (whose words would go everywhere)
        "UMCG-CS1-09: Ik noem er twee.\nStap 2 Rust: veel.", "GGD Groningen: Wij zien het.",
        "UMCG-CS1-10: In Groningen ook.",
    ], speaker_codes=None)
    assert texts == ["Ja.\n[naam]: Nee.", "Ja.\n[[naam]]: Nee.", "Goed ([naam]: niet).", "Ja.\n[naam]: Nee.",
                     "Ik noem er twee.\nStap 2 Rust: veel.", "Wij zien het.", "In Groningen ook."]


def test_a_speaker_in_brackets_and_a_role_as_speaker(tmp_path: Path):
    """"[UMCG-CS1-07]: ..." has a speaker, as before time stamps were told apart; a role or an
    organisation as speaker is masked whole, not word by word in every segment."""
    texts = _segments_with(tmp_path, [
        "[UMCG-CS1-07]: Prima.", "Onderzoeker UMCG: Wat vond de gemeente Groningen ervan?",
        "Gemeente Groningen: De onderzoeker van het UMCG vroeg het.",
    ], speaker_codes=None)
    # masked whole, as any speaker is ("gemeente Groningen" is the speaker's name here), not by its words
    assert texts == ["Prima.", "Wat vond de [naam] ervan?", "De onderzoeker van het UMCG vroeg het."]


def test_later_turns_of_people_and_speakers_with_initials_or_a_role(tmp_path: Path):
    texts = _segments_with(tmp_path, [
        "Jansen-Bakker, M.: Zoals Jansen al zei, en Bakker ook.",
        "Coach Anna Jansen: Anna hielp, zei de coach.",
        "[UMCG-CS1-09]: Eens.\nPiet de Boer: Oneens.\nGoede Punten: veel.",
        "UMCG-CS1-09: Piet de Boer zei het; goede punten; Boer.",
    ], speaker_codes=None)
    assert texts == [
        "Zoals [naam] al zei, en [naam] ook.",  # an initial is part of a person's name
        "[naam] hielp, zei de coach.",  # a role beside a name: the name's parts, not the role
        # a later turn is masked whole: a person's name, or a phrase, not word by word
        "Eens.\n[naam]: Oneens.\n[naam]: veel.",
        "[naam] zei het; [naam]; Boer."]


def test_a_time_stamp_before_the_speaker_is_no_speaker(tmp_path: Path):
    """Transcribed segments may start "[00:01:23] CODE: ...": the speaker is the code, not "[00"
    (which made one participant of everyone, and left their codes unmasked in the quotes)."""
    folder = tmp_path / "pmg" / "2023"
    folder.mkdir(parents=True)
    codebook = write_atlas_sample(folder)
    export = folder / "pmg_focusinterviews_atlasti.csv"
    export.write_bytes(export.read_bytes() + "".join(
        f'1:{9 + i};¶ {20 + i};;"""{q}"""' + ';T0 Cold shower challenge 1;Diagnose: Steun;1;;1\r\n'
        for i, q in enumerate(["[00:01:23] UMCG-CS1-05: Zoals UMCG-CS1-06 zei.\n(00:02:10) UMCG-CS1-06: Ja.",
                               "[00:03:00] Zonder spreker.", "UMCG-CS1-08 [00:04:00]: Na de spreker."])).encode("utf-8"))
    cb = load_codebook(codebook, tmp_path)
    pseudonymise = Pseudonymiser("k")
    segments, quarantine, _ = interview_segments(cb, cb.files[0], pseudonymise)
    row = segments.filter(pl.col("row_number") == 5).row(0, named=True)
    assert row["speaker_id"] == pseudonymise("UMCG-CS1-05")
    assert row["segment_text"] == "Zoals [naam] zei.\n(00:02:10) [naam]: Ja."
    assert quarantine.filter(pl.col("row_number") == 6)["reason"].to_list() == [
        "no speaker prefix ('CODE: ...') on the segment"]
    after = segments.filter(pl.col("row_number") == 7).row(0, named=True)  # the time stamp after the speaker
    assert after["speaker_id"] == pseudonymise("UMCG-CS1-08") and after["segment_text"] == "Na de spreker."


def test_speakers_written_as_names_are_masked_by_their_parts_too(tmp_path: Path):
    """Without speaker_codes a prefix is a speaker; one written as a name is masked as transcripts
    mask theirs (each part), one that is a phrase only as a whole, lest its words go everywhere."""
    texts = _segments_with(tmp_path, [
        "Anna de Vries: Ik zit thuis met een burn-out.",
        "Pieter Jansen-Bakker: Ik herken wat Anna zegt; de Vries en Bakker zeiden het al.",
        "Wat ik bedoel is dit: ik vond het goed.",
    ], speaker_codes=None)
    assert texts == ["Ik zit thuis met een burn-out.",
                     "Ik herken wat [naam] zegt; de [naam] en [naam] zeiden het al.",
                     "ik vond het goed."]


def test_an_excel_error_cell_in_a_maxqda_workbook_is_quarantined_as_such(tmp_path: Path):
    import shutil

    import openpyxl

    from tests.conftest import DATA

    folder = tmp_path / "pmg" / "2023"
    shutil.copytree(DATA / "pmg" / "2023", folder)
    workbook = folder / "pmg_focusinterviews_maxqda.xlsx"
    book = openpyxl.load_workbook(workbook)
    sheet = book["Coded segments"]
    segment = [c.value for c in sheet[1]].index("Segment") + 1
    sheet.cell(row=2, column=segment).value = "#N/A"
    book.save(workbook)
    cb = load_codebook(folder / "codebook_interviews.yaml", tmp_path)
    segments, quarantine, _ = interview_segments(cb, cb.files[0], Pseudonymiser("k"))
    assert quarantine.select("row_number", "column_name", "cell_value", "reason").rows() == [
        (2, "Segment", "#N/A", "Excel error value #N/A in the cell: Excel could not compute it, so there is no segment")]
    assert 2 not in segments["row_number"].to_list() and segments.height == 317


def test_atlasti_quotations_as_interview_segments(tmp_path: Path):
    folder = tmp_path / "pmg" / "2023"
    folder.mkdir(parents=True)
    cb = load_codebook(write_atlas_sample(folder), tmp_path)
    pseudonymise = Pseudonymiser("test-key")
    segments, quarantine, n_rows = interview_segments(cb, cb.files[0], pseudonymise)
    assert n_rows == 3
    got = segments.select("row_number", "document", "speaker_id", "code_path", "segment_text").rows()
    assert got == [
        (2, "T0 Cold shower challenge 1", pseudonymise("UMCG-CS1-01"), "Diagnose: Werkdruk, tijdsdruk",
         "Ik heb het echt druk, en mijn collega's helpen."),
        (2, "T0 Cold shower challenge 1", pseudonymise("UMCG-CS1-01"), "Diagnose: Steun van collega's",
         "Ik heb het echt druk, en mijn collega's helpen."),
        (3, "T0 Cold shower challenge 1", pseudonymise("UMCG-CS1-02"), "Diagnose: Steun",
         "Bel me op [telefoon], zei [naam]."),
    ]
    assert set(segments["code_path"]) <= set(cb.themes)  # what staging joins on
    reasons = quarantine.select("row_number", "column_name", "cell_value", "reason").rows()
    assert reasons == [
        (4, "Text Content", None, "no speaker prefix ('CODE: ...') on the segment"),
        (3, "Codes", "Nieuw: iets, anders", "code not listed under themes: in the codebook"),
    ]


def test_a_quotation_given_two_codes_is_two_staging_rows_told_apart_by_their_code(tmp_path: Path):
    """Staging kept the export's row and dropped the code: the two rows of one quotation shared their
    key, and neither could be traced back to its raw row."""
    from assets.pmg.ingest import raw_pmg_interview_segments
    from assets.pmg.staging import staging_pmg_interview_segments

    data = tmp_path / "data"
    (data / "pmg" / "2023").mkdir(parents=True)
    write_atlas_sample(data / "pmg" / "2023")
    assert materialize_years([raw_pmg_interview_segments, staging_pmg_interview_segments],
                             resources_for(tmp_path, data), (2023,)).success
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as conn:
        staged = conn.sql("SELECT row_number, code_path, theme FROM staging.pmg_interview_segments "
                          "ORDER BY row_number, code_path").fetchall()
        traced = conn.sql("SELECT count(*) FROM staging.pmg_interview_segments s JOIN raw.pmg_interview_segments r "
                          "USING (source_file, row_number, code_path)").fetchall()[0][0]
    assert [(r, c) for r, c, _ in staged] == [(2, "Diagnose: Steun van collega's"), (2, "Diagnose: Werkdruk, tijdsdruk"),
                                            (3, "Diagnose: Steun")]
    assert traced == len(staged)



def test_staging_the_interviews_again_replaces_only_its_own_quarantine_rows(tmp_path: Path):
    """A rerun of the interview staging deletes the rows it set aside before, and no other: not
    what the interviews' ingest set aside, not another instrument's, not another year's."""
    from assets.pmg.ingest import raw_pmg_interview_segments
    from assets.pmg.staging import staging_pmg_interview_segments

    data = tmp_path / "data"
    (data / "pmg" / "2023").mkdir(parents=True)
    write_atlas_sample(data / "pmg" / "2023")
    graph, resources = [raw_pmg_interview_segments, staging_pmg_interview_segments], resources_for(tmp_path, data)
    assert materialize_years(graph, resources, (2023,)).success
    quarantine = "SELECT row_number, reason, stage, instrument FROM raw.quarantine ORDER BY ALL"
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as conn:
        ingested = conn.sql(quarantine).fetchall()
        [(source_file,)] = conn.sql("SELECT DISTINCT source_file FROM raw.quarantine").fetchall()
        others = [(source_file, 7, "c", "v", "of the questionnaire's staging", "staging", "pmg_questionnaire"),
                  ("pmg/2022/x.csv", 7, "c", "v", "of another year's staging", "staging", "pmg_interviews")]
        conn.executemany("INSERT INTO raw.quarantine VALUES (?, ?, ?, ?, ?, ?, ?)", others)
    assert [r[2] for r in ingested] == ["ingest", "ingest"]
    assert materialize_years([staging_pmg_interview_segments], resources, (2023,)).success
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as conn:
        assert conn.sql(quarantine).fetchall() == sorted(ingested + [(7, r[4], r[5], r[6]) for r in others])

def test_an_interview_naming_a_speaker_code_in_another_spelling_is_masked(tmp_path):
    texts = _segments_with(tmp_path, ["UMCG-CS1-02: Zoals UMCG CS1 01 al zei, en umcg-cs1-1 ook."],
                           speaker_codes="UMCG-CS\\d-\\d{2}")
    assert texts == ["Zoals [naam] al zei, en [naam] ook."]


def test_a_transcript_cue_with_a_timing_that_cannot_be_used_is_quarantined(tmp_path: Path):
    """The cue is not loaded, and raw.quarantine says which and why; the others load. A speaker
    heard only in rejected cues is still masked where the others name him."""
    data = tmp_path / "data"
    shutil.copytree(TRANSCRIPTS, data)
    vtt = data / "pmg" / "2023" / "t0_cold_shower_1.vtt"
    text = (vtt.read_text(encoding="utf-8").replace("0:0:0.0 --> 0:0:0.250", "0:0:0.x --> 0:0:0.250")
            .replace("0:0:7.20 --> 0:0:14.490", "0:0:7.2x --> 0:0:14.490")
            .replace("<v Bakker, Joost>Mevrouw", "<v Visser, Sanne>Mevrouw"))
    vtt.write_text(text, encoding="utf-8")
    assert text.count("<v Bakker, Joost>") == 2 and "Wat Bakker zegt" in text  # his two cues, both rejected
    assert materialize_years([raw_interview_utterances], resources_for(tmp_path, data), (2023,)).success
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as conn:
        loaded = conn.sql("SELECT row_number, utterance_text FROM raw.interview_utterances ORDER BY 1").fetchall()
        quarantined = conn.sql("SELECT row_number, column_name, cell_value, reason, instrument FROM raw.quarantine "
                               "ORDER BY 1").fetchall()
        n_rows = conn.sql("SELECT n_rows FROM raw.source_files").fetchall()
    assert [r for r, _ in loaded] == [2, 4, 5, 6, 7, 8]
    assert n_rows == [(8,)]  # the cues read, the two quarantined among them: loaded and set aside add up
    assert "Wat [naam] zegt" in dict(loaded)[4] and not any("Bakker" in t for _, t in loaded)
    assert quarantined == [
        (1, "timing", "0:0:0.x --> 0:0:0.250", "cue on line 3: its timing cannot be read as 'start --> end'; "
         "correct it in the file to load the cue", "pmg_transcripts"),
        (3, "timing", "0:0:7.2x --> 0:0:14.490", "cue on line 9: its timing cannot be read as 'start --> end'; "
         "correct it in the file to load the cue", "pmg_transcripts")]


def test_each_voice_of_a_transcript_cue_is_its_own_speaker_and_masked_in_the_others_words(tmp_path: Path):
    """A cue in which two speak: the second's words were the first's, and her name, heard only
    there, stayed in the others' words."""
    data = tmp_path / "data"
    shutil.copytree(TRANSCRIPTS, data)
    vtt = data / "pmg" / "2023" / "t0_cold_shower_1.vtt"
    text = vtt.read_text(encoding="utf-8").rstrip("\n") + (
        "\n\n0:0:40.0 --> 0:0:44.0\n<v Bakker, Joost>Dat zei ik ook.</v> <v Mulder, Ilse>Ik niet.</v>\n\n"
        "0:0:45.0 --> 0:0:47.0\n<v Visser, Sanne>Ilse Mulder had gelijk.</v>\n\n"
        # a voice without words, heard nowhere else: her name is masked all the same
        "0:0:48.0 --> 0:0:49.0\n<v Smit, Femke></v><v Visser, Sanne>Femke knikt.</v>\n")
    vtt.write_text(text, encoding="utf-8")
    assert materialize_years([raw_interview_utterances], resources_for(tmp_path, data), (2023,)).success
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as conn:
        rows = conn.sql("SELECT row_number, voice_in_cue, speaker_id, utterance_text FROM raw.interview_utterances "
                        "WHERE row_number >= 9 ORDER BY 1, 2").fetchall()
        n_rows = conn.sql("SELECT n_rows FROM raw.source_files").fetchall()
    pseudonymise = Pseudonymiser(resources_for(tmp_path)["sources"].pseudonym_key)
    assert rows == [(9, 1, pseudonymise("Bakker, Joost"), "Dat zei ik ook."),
                    (9, 2, pseudonymise("Mulder, Ilse"), "Ik niet."),
                    (10, 1, pseudonymise("Visser, Sanne"), "[naam] had gelijk."),
                    (11, 1, pseudonymise("Visser, Sanne"), "[naam] knikt.")]
    assert n_rows == [(11,)]  # cues read, not rows written
