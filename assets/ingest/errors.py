"""Errors of the ingest layer: one readable line that names file, row and column."""

from __future__ import annotations


class InputError(Exception):
    """Input that cannot be loaded at all (as opposed to a bad row, which is quarantined)."""

    def __init__(self, file: str, message: str, row: int | None = None, column: str | None = None):
        self.file, self.row, self.column, self.message = file, row, column, message
        where = file
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f", column {column!r}"
        super().__init__(f"{where}: {message}")


class CodebookError(InputError):
    """A codebook that is not valid YAML or does not describe its files. `at`: the path of the key
    at fault (variables.grade.scale.max, files[0]), from which load_codebook finds its row."""

    def __init__(self, file: str, message: str, row: int | None = None, at: str | None = None):
        super().__init__(file, message, row)
        self.at = at
