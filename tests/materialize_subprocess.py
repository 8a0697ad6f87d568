"""Materialise every asset and check into a given folder, in a process of its own (for the kill test).

Usage: python -m tests.materialize_subprocess <folder>
"""

import sys
from pathlib import Path

from pipelines.definitions import ASSETS, CHECKS
from tests.conftest import materialize_years, resources_for

if __name__ == "__main__":
    result = materialize_years([*ASSETS, *CHECKS], resources_for(Path(sys.argv[1])), raise_on_error=False)
    sys.exit(0 if result.success else 1)
