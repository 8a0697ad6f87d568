# The two commands of the README: `make run` and `make test` (plus `make ui`).
# Each installs what it needs into .venv from requirements.lock (exact versions).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export DAGSTER_HOME := $(CURDIR)/dagster_home
# A documented, public sample key for `make run` and `make ui` on the bundled synthetic data; the
# pipeline refuses it for any other MHM_DATA_DIR (pipelines/resources.py).
run ui: export MHM_PSEUDONYM_KEY ?= sample-key-not-for-real-data
export GX_ANALYTICS_ENABLED := False

.PHONY: run test ui install clean bench

$(BIN)/.installed: requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found); set PYTHON=/path/to/python3.11"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	touch $@

install: $(BIN)/.installed

run: install
	$(BIN)/python -m pipelines.run

# Chromium opens every HTML report in tests/test_report_browser.py (skipped where it cannot be installed).
test: install
	-command -v chromium >/dev/null || (command -v apt-get >/dev/null && apt-get install -y -qq chromium >/dev/null 2>&1) || true
	$(BIN)/python -m pytest -q

# Scale benchmark (issue 6): synthetic exports at 1M responses / 1M segments by default; not part of `make test`.
# Smaller: make bench BENCH_ARGS="--size medium" (or --size small).
bench: install
	$(BIN)/python -m bench.run $(BENCH_ARGS)

ui: install
	$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

clean:
	rm -rf warehouse/*.duckdb* reports dagster_home/storage dagster_home/history dagster_home/schedules dagster_home/logs
