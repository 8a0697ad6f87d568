"""The DuckDB warehouse: its documented contract (tables.yaml) and the code that creates it."""
