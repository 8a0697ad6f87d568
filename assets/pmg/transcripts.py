"""PMG interview transcripts (Microsoft Teams .vtt and .docx): what was said, searchable.

A codebook with instrument `pmg_transcripts` lists the transcript files, each with the interview
it records:

    instrument: pmg_transcripts
    programme: pmg
    year: 2023
    files:
      - {path: t0_groep1.vtt, format: teams_vtt, interview: "T0 Cold shower challenge 1"}

Speakers are named in the transcript itself ("<v Jansen, Marieke>", "Marieke Jansen   0:03"):
each name becomes a keyed pseudonym, and the name, its parts (first and last name, without
particles like "van" or "de") and e-mail addresses, phone numbers, IBANs and BSNs are masked in
the text, so a name said aloud does not reach the warehouse either.
"""


import polars as pl
from dagster import MaterializeResult, asset
from dagster_duckdb import DuckDBResource

from assets.partitions import YEARLY
from assets.ingest.assets import ingest_instrument
from assets.ingest.codebook import Codebook, SourceFile
from assets.ingest.formats import ROW, read_source
from assets.ingest.loader import quarantine_frame
from assets.ingest.privacy import mask_series, name_variants
from assets.ingest.pseudonyms import Pseudonymiser
from assets.tables import POOL, contract_metadata, describe, key
from pipelines.resources import SourceData

UTTERANCES = "raw.interview_utterances"
INSTRUMENT = "pmg_transcripts"

def transcript_utterances(codebook: Codebook, source: SourceFile, pseudonymise: Pseudonymiser):
    parsed = read_source(source)
    quarantine = quarantine_frame(codebook.instrument, "ingest", [
        {"source_file": source.relative, "row_number": r, "column_name": column, "cell_value": value, "reason": reason}
        for r, (column, value, reason) in sorted(parsed.rejected.items())])
    frame = parsed.frame.filter(~pl.col(ROW).is_in(list(parsed.rejected)))
    # every speaker, of a rejected cue and a voice without words too: named in the others' words,
    # they are masked there
    names = name_variants(sorted(set(parsed.frame["speaker"].drop_nulls()) | set(parsed.speakers)))
    rows = frame.select(
        pl.lit(source.relative).alias("source_file"),
        pl.col(ROW).cast(pl.Int32).alias("row_number"),
        pl.lit(source.constants["interview"]).alias("interview"),
        pseudonymise.series(frame["speaker"]).alias("speaker_id"),
        pl.col("start_seconds").cast(pl.Float64),
        pl.col("end_seconds").cast(pl.Float64),
        mask_series(frame["text"], names).alias("utterance_text"),
        pl.col("voice_in_cue").cast(pl.Int32),
    )
    return rows, quarantine, parsed.frame[ROW].n_unique()  # cues read (a cue may hold several voices)


def parse_transcript_file(codebook: Codebook, source: SourceFile, pseudonymise: Pseudonymiser):
    """(utterances, quarantine, rows read, ignored columns: none) of one transcript, as loader.load_files takes them."""
    return (*transcript_utterances(codebook, source, pseudonymise), [])


@asset(**YEARLY, key=key(UTTERANCES), group_name="pmg", pool=POOL, kinds={"duckdb"},
       metadata=contract_metadata(UTTERANCES),
       description=describe(UTTERANCES, """
PMG interview transcripts as Microsoft Teams writes them (`.vtt`, including the 2022 variant with
unpadded and negative times, and the Word `.docx` download), for every year whose folder holds a
`codebook_*.yaml` with instrument `pmg_transcripts`: one row per utterance, so analysts can search
what was said per interview. Speakers' names become keyed pseudonyms and are masked in the text
(also their first and last names on their own), as are e-mail addresses, phone numbers, IBANs and
BSNs. A cue whose timing cannot be read, or that ends before it starts, is quarantined. An
unchanged file is skipped; a changed file replaces its own rows in one transaction."""))
def raw_interview_utterances(context, duckdb: DuckDBResource, sources: SourceData) -> MaterializeResult:
    return ingest_instrument(context, duckdb, sources, "pmg", INSTRUMENT, UTTERANCES, parse_transcript_file)
