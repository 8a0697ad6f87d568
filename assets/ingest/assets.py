"""The shared body of every ingest and decode asset: loop over codebooks and files, fail readably."""

from __future__ import annotations

from dagster import Failure, MaterializeResult, MetadataValue

from assets.ingest import privacy
from assets.ingest.decode import decode_survey
from assets.ingest.errors import InputError
from assets.ingest.loader import drop_vanished_files, load_files
from assets.ingest.pseudonyms import STRONG_KEY_BYTES
from assets.partitions import partition_years
from assets.tables import markdown_table, rows_of_years, written_metadata
from assets.reporting.markdown import md_text


def ingest_instrument(context, duckdb, sources, programme: str, instrument: str, target: str, parse) -> MaterializeResult:
    """Load the files of the run's years (partitions) whose folder holds a codebook or WITHDRAWN.txt;
    other years' rows are not touched.

    `parse(codebook, source, pseudonymiser)` reads one file: (rows, quarantine, rows read, ignored columns)."""
    run_years = partition_years(context)
    try:
        years = sources.years_to_replace(programme, instrument, run_years, context.log)
        codebooks = sources.codebooks(programme, instrument, run_years)  # none of a kept year
        for codebook in codebooks:
            for note in codebook.notes:
                context.log.warning(f"{codebook.relative}: {note}")
        pseudonymise = sources.pseudonymiser()
        if pseudonymise.short_key:
            context.log.warning(
                f"MHM_PSEUDONYM_KEY is shorter than {STRONG_KEY_BYTES} bytes: participant codes follow a pattern, so "
                "a short key can be found by trying keys against the pseudonyms. Use a long random one (README, "
                "\"The two commands\"); the next run of each year then loads its exports again under it")
        tables = sources.cache_folder("unicode")

        def parse_file(codebook, source):
            privacy.prepare_tables(tables)  # before the first text is masked, only if a file is read
            return parse(codebook, source, pseudonymise)

        outcomes = []
        with duckdb.get_connection() as conn:
            current = {sf.relative for cb in codebooks for sf in cb.files}
            removed = drop_vanished_files(conn, target, instrument, current, years)
            files = [(cb, sf) for cb in codebooks for sf in cb.files]
            for outcome in load_files(conn, target, files, parse_file, pseudonymise.key_id):
                context.log.info(f"{outcome.source_file}: {outcome.status}, {outcome.n_rows} rows, "
                                 f"{outcome.n_quarantined} quarantined")
                if outcome.copy_of:
                    context.log.warning(f"{outcome.source_file} has the same bytes as {outcome.copy_of}: one year's "
                                        "export copied into the other year's folder? Then that year shows the other's "
                                        "answers: put its own export in its place and run that year again")
                outcomes.append(outcome)
            meta = written_metadata(conn, target, years=run_years)
            other_key = [r[0] for r in conn.execute(
                "SELECT DISTINCT year FROM raw.source_files WHERE instrument = ? "
                "AND pseudonym_key_id IS DISTINCT FROM ? ORDER BY year", [instrument, pseudonymise.key_id]).fetchall()]
    except (InputError, ValueError) as exc:
        raise Failure(description=str(exc)) from None
    files = "\n".join(f"| {md_text(o.source_file)} | {o.status} | {o.n_rows} | {o.n_quarantined} |" for o in outcomes)
    if not codebooks:
        context.log.info(f"no {instrument} codebook for {years}: nothing to load")
    if other_key:
        # Each year stands alone (pairs are made within a year), but one person gets another
        # pseudonym in those years than in these: a run of every year makes them one again, except
        # of the years kept without their exports (archived), which no run can load again.
        try:
            with_exports = {codebook.year for codebook in sources.codebooks(programme, instrument)}
        except InputError:  # another year's codebook that today's checks refuse: its run will say so
            with_exports = set(other_key)
        if again := [year for year in other_key if year in with_exports]:
            context.log.warning(f"{instrument}: the exports of {', '.join(map(str, again))} were pseudonymised "
                                "with another MHM_PSEUDONYM_KEY (or before keys were recorded); run those years again")
        if archived := [year for year in other_key if year not in with_exports]:
            context.log.info(f"{instrument}: {', '.join(map(str, archived))}, kept without their exports, have the "
                             "pseudonyms of another key: their people are not followed into the other years")
    return MaterializeResult(metadata={
        **meta,
        "files": MetadataValue.md("| file | status | rows | quarantined |\n|---|---|---|---|\n" + files),
        "files_removed": MetadataValue.json(removed),
        "copies_of_other_years": MetadataValue.json({o.source_file: o.copy_of for o in outcomes if o.copy_of}),
    })


def decode_instrument(context, duckdb, sources, programme: str, instrument: str, raw: str, target: str) -> MaterializeResult:
    """Decode the run's years (partitions) into staging, as ingest_instrument loads them; other years'
    rows are not touched."""
    run_years = partition_years(context)
    try:
        years = sources.years_to_replace(programme, instrument, run_years)
        codebooks = sources.codebooks(programme, instrument, run_years)  # none of a kept year
    except InputError as exc:
        raise Failure(description=str(exc)) from None
    with duckdb.get_connection() as conn:
        counts = decode_survey(conn, instrument, codebooks, raw, target, years)
        reasons = conn.sql(
            f"SELECT reason, count(*) AS n FROM raw.quarantine WHERE instrument = $1 "
            f"AND {rows_of_years('raw.quarantine', years)} GROUP BY ALL ORDER BY n DESC",
            params=[instrument]).pl()
        meta = written_metadata(conn, target, years=run_years)
    if counts["rows_quarantined"]:
        context.log.warning(f"{counts['rows_quarantined']} row(s) of {instrument} quarantined; see raw.quarantine")
    return MaterializeResult(metadata={
        **meta,
        "rows_quarantined": MetadataValue.int(counts["rows_quarantined"]),
        "quarantine_reasons": MetadataValue.md(markdown_table(reasons)),
    })
