"""Load coded interview segments (MAXQDA, ATLAS.ti) into raw.pmg_interview_segments.

MAXQDA marks focus-group speakers by a "CODE:" prefix on each transcript paragraph; the
prefix becomes a pseudonym and is cut from the quote, and the quote itself is masked.
ATLAS.ti quotations carry the same prefix; their Codes cell may hold several codes (whose names
may contain commas): each code the codebook's `themes:` lists gives one segment row, and what
matches no theme goes to raw.quarantine.
"""

from __future__ import annotations

import re

import polars as pl

from assets.ingest.codebook import Codebook, SourceFile
from assets.ingest.formats import MAXQDA_COLUMNS, ROW, read_source
from assets.ingest.loader import quarantine_frame
from assets.ingest.code_variants import ParticipantCodes, mask_code_variants
from assets.ingest.privacy import NAME_PART, NOT_NAMES, mask_series, name_variants
from assets.ingest.pseudonyms import Pseudonymiser

# A transcript's time stamp may stand before the speaker ("[00:01:23] P03: ...") or, in brackets,
# after it ("P03 [00:01:23]: ..."): it is no speaker.
TIME_STAMP = r"(?:[\[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?[\])]?\s+)?"
TIME_STAMP_AFTER = r"(?:\s*[\[(]\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?[\])])?"
# A speaker in brackets ("[P03]: ...") is one; a time stamp's bracket opens no speaker.
SPEAKER = r"(\[[^\]:\n]{1,38}\]|\([^):\n]{1,38}\)|[^:\n\[(][^:\n]{0,39}?)"
SPEAKER_PREFIX = r"^\s*" + TIME_STAMP + SPEAKER + TIME_STAMP_AFTER + r"\s*:\s*"
# The export's own headings, for quarantine rows.
HEADINGS = {
    "maxqda_coded_segments": {"segment": "Segment", "code": "Code", "document": "Document name"},
    "atlasti_quotations": {"segment": "Text Content", "code": "Codes", "document": "Document"},
}

READ_HEADINGS = {heading for variants in MAXQDA_COLUMNS.values() for heading in variants}


def interview_segments(codebook: Codebook, source: SourceFile, pseudonymise: Pseudonymiser):
    parsed = read_source(source)
    headings = HEADINGS.get(source.format, HEADINGS["maxqda_coded_segments"])
    frame, unknown = parsed.frame, []
    if source.format == "atlasti_quotations":
        from assets.ingest.formats_qualitative import explode_codes

        frame, unknown = explode_codes(frame, codebook.themes.keys())
    frame = frame.select(
        ROW, "document", "code",
        # "[P03]: ..." is P03's, as "P03: ..." is
        speaker=pl.col("segment").str.extract(SPEAKER_PREFIX, 1).str.strip_chars("[]()"),
        text=pl.col("segment").str.replace(SPEAKER_PREFIX, ""),
    )
    no_speaker = "no speaker prefix ('CODE: ...') on the segment"
    if codebook.speaker_codes is not None:
        # Text before a colon is not always a speaker ("Tip: ..."): with the codebook's pattern of
        # speaker codes only a prefix that matches it is one; a segment without one is quarantined.
        prefixes = frame["speaker"].drop_nulls().unique().to_list()
        others = sorted(set(prefixes) - _fullmatching(prefixes, codebook.speaker_codes))
        frame = frame.with_columns(pl.when(pl.col("speaker").is_in(others)).then(None).otherwise(pl.col("speaker"))
                                   .alias("speaker"))
        no_speaker = "no speaker code (speaker_codes: in the codebook) as the segment's 'CODE: ' prefix"
    # A MAXQDA workbook's error cell (#N/A) reads as empty: say so, not that a speaker or code is missing.
    errors = parsed.first_error(READ_HEADINGS)
    records = [{"source_file": source.relative, "row_number": r, "column_name": column, "cell_value": shown,
                "reason": f"Excel error value {shown} in the cell: Excel could not compute it, so there is no segment"}
               for r, (column, shown) in sorted(errors.items())]
    if errors:
        frame = frame.filter(~pl.col(ROW).is_in(list(errors)))
    bad = frame.filter(pl.col("speaker").is_null() | pl.col("code").is_null() | pl.col("document").is_null())
    for row in bad.unique(subset=[ROW], keep="first", maintain_order=True).iter_rows(named=True):
        field = "segment" if row["speaker"] is None else ("code" if row["code"] is None else "document")
        column = headings[field]
        reason = no_speaker if row["speaker"] is None else f"empty {column}"
        records.append({"source_file": source.relative, "row_number": row[ROW], "column_name": column,
                        "cell_value": None, "reason": reason})
    for item in unknown:  # ATLAS.ti: the part of a Codes cell that no theme of the codebook matches
        records.append({"source_file": source.relative, "row_number": item[ROW], "column_name": headings["code"],
                        "cell_value": item["code"], "reason": "code not listed under themes: in the codebook"})
    quarantine = quarantine_frame(codebook.instrument, "ingest", records)
    good = frame.filter(pl.col("speaker").is_not_null() & pl.col("code").is_not_null() & pl.col("document").is_not_null())
    speakers = _said_by(good, codebook.speaker_codes)
    segments = good.select(
        pl.lit(source.relative).alias("source_file"),
        pl.col(ROW).alias("row_number"),
        pl.col("document").str.strip_chars(),
        pseudonymise.series(good["speaker"]).alias("speaker_id"),
        # ATLAS.ti codes are already the codebook's theme keys, exactly as written there.
        (pl.col("code") if source.format == "atlasti_quotations"
         else pl.col("code").str.strip_chars().str.replace_all(r"\s*[\\>]\s*", "\\")).alias("code_path"),
        # Participant codes said aloud in a quote are identifiers too, in any spelling.
        mask_code_variants(mask_series(good["text"], speakers), ParticipantCodes(speakers)).alias("segment_text"),
    )
    return segments, quarantine, parsed.frame.height


# A turn inside a segment: a focus group's segment may hold several paragraphs, each "CODE: ...".
TURN = re.compile(r"(?m)^[^\S\n]*" + TIME_STAMP.replace(r"\s+", r"[^\S\n]+") + SPEAKER
                  + TIME_STAMP_AFTER.replace(r"\s*", r"[^\S\n]*") + r"[^\S\n]*:")


def _said_by(good: pl.DataFrame, pattern: str | None) -> pl.Series:
    """What to mask in the segments' text: every speaker of the file, by the prefix of each turn
    (also the turns after a segment's first, whose speaker may open no segment of their own) and,
    with `speaker_codes`, every code of that shape the text holds. A speaker who opens a segment
    and is written as a person's name ("Anna de Vries") also by the name's parts, as in transcripts."""
    openers = good["speaker"].drop_nulls().unique()
    texts = good["text"].drop_nulls()
    turns = set()
    for text in texts.filter(texts.str.contains("\n[^\n:]{1,40}:")).to_list():
        turns.update(t.strip().strip("[]()").strip() for t in TURN.findall(text.split("\n", 1)[1]))
    if pattern is not None:
        turns = _fullmatching(sorted(turns), pattern) | _codes_in(texts, pattern)
    else:
        # "Werkdruk: te hoog" is no turn: a speaker of the file, a name, or a code written as the
        # file's codes are, in its letters and separators (so "T1: ..." is none where they are P1, P2)
        stems = {_stem(p) for p in openers.filter(openers.str.contains(r"\d")).to_list()}
        known = set(openers.to_list())
        turns = {t for t in turns if t in known or (any(c.isdigit() for c in t) and _stem(t) in stems)
                 or _person(t)}
        # and a code said after other words on a line ("ja. GG-TC-78: nee")
        turns |= {c for c in _codes_before_colon(texts) if _stem(c) in stems} if stems else set()
    # by their parts only the speakers that open a segment: a later line "Goede Punten: ..." is
    # masked whole (a name has no digit: the codes, nearly every speaker, are not looked at)
    people = [_person(p) for p in openers.filter(~openers.str.contains(r"\d")).to_list()]
    said = pl.concat([openers, pl.Series(sorted(turns), dtype=pl.String),
                      pl.Series(name_variants([p for p in people if p]), dtype=pl.String)]).str.strip_chars()
    return said.filter(said != "").unique().sort()  # code point order, as sorted()


# A stretch of letters, digits and hyphens with a digit, before a colon on its line: Polars' regex has
# no look-behind, so the character before is matched too and cut off in Python.
CODE_BEFORE_COLON = r"(?:^|[^\w-])[^\W_][\w-]*\d[\w-]*[^\S\n]*:"
_CODE_OF_MATCH = re.compile(r"[^\W_][\w-]*\d[\w-]*")


def _codes_before_colon(texts: pl.Series) -> set[str]:
    found = texts.str.extract_all(CODE_BEFORE_COLON).explode().drop_nulls().unique().to_list()
    return {m.group(0) for m in map(_CODE_OF_MATCH.search, found) if m}


def _stem(code: str) -> str:
    """A code with each run of digits as 9, in any case: GG-TC-77 and gg-tc-5 are gg-tc-9, P03 is p9."""
    return re.sub(r"\d+", "9", code.strip()).casefold()


def _codes_in(texts: pl.Series, pattern: str) -> set[str]:
    """Every stretch of the texts that is a speaker code (matches `speaker_codes` in full, between
    non-word characters)."""
    # Polars' regex engine (the codebook's pattern is one it reads), on every text at once; it has no
    # look-around, which \b stands in for
    found = texts.str.extract_all(rf"\b(?:{pattern})\b").explode().drop_nulls()
    return _fullmatching(found.unique().to_list(), pattern)


def _fullmatching(values: list[str], pattern: str) -> set[str]:
    """The values `pattern` matches in full, by Polars' engine: Python's backtracks, and a codebook's
    pattern applied to an export's text could take hours (codebook.py)."""
    series = pl.Series(values, dtype=pl.String)
    return set(series.filter(series.str.contains(rf"\A(?:{pattern})\z")).to_list())


# Words of a speaker that is a role or an organisation ("Onderzoeker UMCG", "Gemeente Groningen"),
# not a person: its words are not masked one by one.
ROLES = {"onderzoeker", "interviewer", "moderator", "coach", "begeleider", "gespreksleider", "deelnemer",
         "respondent", "spreker", "gemeente", "universiteit", "ziekenhuis", "organisatie", "team", "hr"}


def _person(speaker: str) -> str | None:
    """The person's name in a speaker written as one ("Anna de Vries", "Jansen-Bakker, M.", "Coach
    Anna Jansen": "Anna Jansen"): two words or more, each capitalised but particles, an initial or
    not in capitals. None for a word alone ("Tip"), a phrase ("Wat ik bedoel is dit") or a role or
    organisation ("Onderzoeker UMCG", "Gemeente Groningen"), whose words would be masked everywhere."""
    if any(c.isdigit() for c in speaker):
        return None
    words = [w for w in NAME_PART.findall(speaker) if w.casefold() not in ROLES]
    capitalised = [w for w in words if w.casefold() not in NOT_NAMES]
    if len(capitalised) >= 2 and all(w[0].isupper() and (len(w) == 1 or not w.isupper()) for w in capitalised):
        return " ".join(words)
    return None


def parse_interview_file(codebook: Codebook, source: SourceFile, pseudonymise: Pseudonymiser):
    """(segments, quarantine, rows read, ignored columns: none) of one export, as loader.load_files takes them."""
    return (*interview_segments(codebook, source, pseudonymise), [])
