"""The shared body of every ingest and decode asset: loop over codebooks and files, fail readably."""

from __future__ import annotations

from dagster import Failure, MaterializeResult, MetadataValue

from assets.ingest.decode import decode_survey
from assets.ingest.errors import InputError
from assets.ingest.loader import drop_vanished_files
from assets.tables import markdown_table, written_metadata


def ingest_instrument(context, duckdb, sources, programme: str, instrument: str, target: str, load_file) -> MaterializeResult:
    try:
        codebooks = sources.codebooks(programme, instrument)
        pseudonymise = sources.pseudonymiser()
        outcomes = []
        with duckdb.get_connection() as conn:
            current = {sf.relative for cb in codebooks for sf in cb.files}
            removed = drop_vanished_files(conn, target, instrument, current)
            for cb in codebooks:
                for sf in cb.files:
                    outcome = load_file(conn, target, cb, sf, pseudonymise)
                    context.log.info(f"{sf.relative}: {outcome.status}, {outcome.n_rows} rows, "
                                     f"{outcome.n_quarantined} quarantined")
                    outcomes.append(outcome)
            meta = written_metadata(conn, target, order_by="source_file, row_number")
    except (InputError, ValueError) as exc:
        raise Failure(description=str(exc)) from None
    files = "\n".join(f"| {o.source_file} | {o.status} | {o.n_rows} | {o.n_quarantined} |" for o in outcomes)
    return MaterializeResult(metadata={
        **meta,
        "files": MetadataValue.md("| file | status | rows | quarantined |\n|---|---|---|---|\n" + files),
        "files_removed": MetadataValue.json(removed),
    })


def decode_instrument(context, duckdb, sources, programme: str, instrument: str, raw: str, target: str) -> MaterializeResult:
    try:
        codebooks = sources.codebooks(programme, instrument)
    except InputError as exc:
        raise Failure(description=str(exc)) from None
    with duckdb.get_connection() as conn:
        counts = decode_survey(conn, codebooks, raw, target)
        reasons = conn.sql(
            "SELECT reason, count(*) AS n FROM raw.quarantine WHERE instrument = $1 GROUP BY ALL ORDER BY n DESC",
            params=[instrument]).pl()
        meta = written_metadata(conn, target, order_by="year, source_file, row_number, variable")
    if counts["rows_quarantined"]:
        context.log.warning(f"{counts['rows_quarantined']} row(s) of {instrument} quarantined; see raw.quarantine")
    return MaterializeResult(metadata={
        **meta,
        "rows_quarantined": MetadataValue.int(counts["rows_quarantined"]),
        "quarantine_reasons": MetadataValue.md(markdown_table(reasons)),
    })
