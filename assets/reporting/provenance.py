"""Where every number of a report came from: exports and codebooks with their SHA-256, software, run."""

from importlib import metadata

from assets.reporting.html import Heading, Paragraph, Table

PACKAGES = ("dagster", "duckdb", "polars", "matplotlib", "great_expectations")


def package_versions() -> list[tuple[str, str]]:
    versions = []
    for name in PACKAGES:
        try:
            versions.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            versions.append((name, "niet geïnstalleerd"))
    return versions


def provenance_blocks(conn, programme: str, year: int, run_id: str) -> list:
    """Where every number came from: the exports and codebooks (with SHA-256), software, and the run."""
    files = conn.sql("""
        SELECT source_file, instrument, n_rows, sha256 FROM raw.source_files
        WHERE programme = ? AND year = ? ORDER BY source_file""", params=[programme, year]).pl()
    codebooks = conn.sql("""
        SELECT DISTINCT codebook, codebook_sha256 FROM raw.source_files
        WHERE programme = ? AND year = ? ORDER BY codebook""", params=[programme, year]).pl()
    blocks = [
        Heading("Verantwoording", 2),
        Paragraph("Elk getal in dit rapport is bij het maken van het rapport opgevraagd uit het datawarehouse "
                  "(tabellen marts.*) en pas bij het afdrukken afgerond; de volle precisie blijft in het "
                  "warehouse. Deelnemers zijn gepseudonimiseerd."),
        Table(["Bronbestand", "Instrument", "Rijen", "SHA-256"],
              [[f, i, str(n), h] for f, i, n, h in files.iter_rows()], "Bronbestanden", numeric=frozenset({2}))
        if files.height else Paragraph("Geen bronbestanden geregistreerd voor dit jaar.", "note"),
        Table(["Codeboek", "SHA-256"], [list(r) for r in codebooks.iter_rows()], "Codeboeken")
        if codebooks.height else Paragraph("Geen codeboeken geregistreerd voor dit jaar.", "note"),
        Table(["Pakket", "Versie"], [list(v) for v in package_versions()], "Software"),
        Paragraph(f"Dagster-run: {run_id}"),
    ]
    return blocks
