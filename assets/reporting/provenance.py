"""Where every number of a report came from: exports and codebooks with their SHA-256, software, run."""

from importlib import metadata

from assets.reporting.html import Heading, Paragraph, Table
from assets.reporting.texts import texts_for
from pipelines.resources import SAMPLE_MANIFEST

PACKAGES = ("dagster", "duckdb", "polars", "matplotlib", "scipy", "great_expectations", "typst")


def package_versions(lang: str = "nl") -> list[tuple[str, str]]:
    versions = []
    for name in PACKAGES:
        try:
            versions.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            versions.append((name, texts_for(lang)("not_installed")))
    return versions


def provenance_blocks(conn, programme: str, year: int, run_id: str, lang: str = "nl") -> list:
    """Where every number came from: the exports and codebooks (with SHA-256), software, and the run."""
    t = texts_for(lang)
    # The rows each file lost to raw.quarantine: a report whose organisation's every answer was set
    # aside (a renamed answer the codebook lacked) said "nobody filled it in" and nothing more.
    files = conn.sql("""
        SELECT f.source_file, f.instrument, f.n_rows, count(DISTINCT q.row_number) AS set_aside, f.sha256
        FROM raw.source_files AS f LEFT JOIN raw.quarantine AS q USING (source_file)
        WHERE f.programme = ? AND f.year = ? GROUP BY ALL ORDER BY f.source_file""", params=[programme, year]).pl()
    codebooks = conn.sql("""
        SELECT DISTINCT codebook, codebook_sha256 FROM raw.source_files
        WHERE programme = ? AND year = ? ORDER BY codebook""", params=[programme, year]).pl()
    blocks = [
        Heading(t("provenance"), 2),
        Paragraph(t("provenance_text")),
        Table([t("source_file"), t("instrument"), t("rows"), t("set_aside"), "SHA-256"],
              [[f, i, str(n), str(q), h] for f, i, n, q, h in files.iter_rows()], t("source_files"),
              [t("set_aside_note", n=files["set_aside"].sum())] if files.height and files["set_aside"].sum() else [],
              numeric=frozenset({2, 3}))
        if files.height else Paragraph(t("no_source_files"), "note"),
        Table([t("codebook"), "SHA-256"], [list(r) for r in codebooks.iter_rows()], t("codebooks"))
        if codebooks.height else Paragraph(t("no_codebooks"), "note"),
        Table([t("package"), t("version")], [list(v) for v in package_versions(lang)], t("software")),
        Paragraph(t("dagster_run", run_id=run_id)),
    ]
    return blocks


def sample_note(conn, programme: str, year: int, lang: str = "nl") -> list:
    """A note for the top of a report made from the bundled synthetic sample (every export of the year
    has the bytes of one of the sample's, data/SAMPLE_SHA256SUMS): a reader of its figures next to the
    source report's took them for real participants' and asked why some differ."""
    sample = {line.split("  ", 1)[0] for line in SAMPLE_MANIFEST.read_text(encoding="utf-8").splitlines()}
    hashes = {r[0] for r in conn.execute("SELECT sha256 FROM raw.source_files WHERE programme = ? AND year = ?",
                                         [programme, year]).fetchall()}
    return [Paragraph(texts_for(lang)("sample_note"), "note")] if hashes and hashes <= sample else []
