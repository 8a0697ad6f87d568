"""Load coded interview segments (MAXQDA) into raw.pmg_interview_segments.

MAXQDA marks focus-group speakers by a "CODE:" prefix on each transcript paragraph; the
prefix becomes a pseudonym and is cut from the quote, and the quote itself is masked.
"""

from __future__ import annotations

import polars as pl

from assets.ingest.codebook import Codebook, SourceFile
from assets.ingest.formats import ROW, read_source
from assets.ingest.loader import LoadOutcome, file_sha256, is_unchanged, quarantine_frame, replace_file_rows
from assets.ingest.privacy import Pseudonymiser, mask_series

SPEAKER_PREFIX = r"^\s*([^:\n]{1,40}?)\s*:\s*"


def interview_segments(codebook: Codebook, source: SourceFile, pseudonymise: Pseudonymiser):
    parsed = read_source(source)
    frame = parsed.frame.with_columns(
        speaker=pl.col("segment").str.extract(SPEAKER_PREFIX, 1),
        text=pl.col("segment").str.replace(SPEAKER_PREFIX, ""),
    )
    bad = frame.filter(pl.col("speaker").is_null() | pl.col("code").is_null() | pl.col("document").is_null())
    records = []
    for row in bad.iter_rows(named=True):
        column = "Segment" if row["speaker"] is None else ("Code" if row["code"] is None else "Document name")
        reason = ("no speaker prefix ('CODE: ...') on the segment" if row["speaker"] is None
                  else f"empty {column}")
        records.append({"source_file": source.relative, "row_number": row[ROW], "column_name": column,
                        "cell_value": None, "reason": reason})
    quarantine = quarantine_frame(codebook.instrument, "ingest", records)
    good = frame.filter(pl.col("speaker").is_not_null() & pl.col("code").is_not_null() & pl.col("document").is_not_null())
    speakers = tuple(sorted(set(good["speaker"].to_list())))
    segments = good.select(
        pl.lit(source.relative).alias("source_file"),
        pl.col(ROW).alias("row_number"),
        pl.col("document").str.strip_chars(),
        pseudonymise.series(good["speaker"]).alias("speaker_id"),
        pl.col("code").str.strip_chars().str.replace_all(r"\s*[\\>]\s*", "\\").alias("code_path"),
        # Participant codes said aloud in a quote are identifiers too.
        mask_series(good["text"], speakers).alias("segment_text"),
    )
    return segments, quarantine, parsed.frame.height


def load_interview_file(conn, target: str, codebook: Codebook, source: SourceFile,
                        pseudonymise: Pseudonymiser) -> LoadOutcome:
    sha = file_sha256(source)
    if is_unchanged(conn, source, sha, codebook):
        return LoadOutcome(source.relative, "unchanged", 0, 0)
    segments, quarantine, n_rows = interview_segments(codebook, source, pseudonymise)
    return replace_file_rows(conn, target, source, codebook, sha, segments, n_rows, quarantine, [])
