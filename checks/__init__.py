"""Data-quality checks, mirroring the assets they guard (checks/pmg.py guards assets/pmg/...)."""
