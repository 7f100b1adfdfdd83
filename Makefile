# Two commands for a fresh machine (Python 3.11+ and make are all it needs):
#   make run    set up, initialise the SQLite database in instance/, serve http://127.0.0.1:5000
#               with the alerts worker beside it
#               (make run PORT=8000 HOST=0.0.0.0 to serve elsewhere)
#   make test   set up and run the whole test suite (lint included): once on SQLite with the
#               browser tests, then again on PostgreSQL (SCREENER_TEST_POSTGRES_URL)
#   make test-fast  the clinical core's tests and the project's own checks (tests/clinical,
#               tests/project): no app, server, browser or database, under a minute
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTHON ?= python3
PORT ?= 5000
HOST ?= 127.0.0.1
CONFIG := instance/config.py

.PHONY: run test test-fast lock messages demo

# Reproducible installs: every runtime and test dependency at the version and hashes in
# requirements/test.lock, then the project itself (editable) without resolving again.
$(STAMP): pyproject.toml requirements/test.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/test.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# After changing dependencies in pyproject.toml: pin them again (pip-tools, in a venv of its own).
lock:
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet pip-tools
	.venv-lock/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links -o requirements/runtime.lock pyproject.toml
	.venv-lock/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links --extra test -o requirements/test.lock pyproject.toml

# Local development: instance/config.py, written once (a random secret key, development
# mode), is what every `flask --app screener ...` command in the README then reads.
$(CONFIG): | $(STAMP)
	$(BIN)/screener init-config

# The worker that sends alerts runs beside the app, on the embedded queue (a SQLite file in
# instance/), and stops with it.
run: $(STAMP) $(CONFIG)
	$(BIN)/flask --app screener init-db
	$(BIN)/flask --app screener worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask --app screener run --host $(HOST) --port $(PORT)

# The property and fuzz tests at CI's sizes (tests/sizes.py): HYPOTHESIS_PROFILE=nightly for more.
test: export HYPOTHESIS_PROFILE ?= ci
test: $(STAMP)
	bash scripts/ensure-chromium.sh
	bash scripts/ensure-nginx.sh
	$(BIN)/ruff check screener tests bench scripts
	$(BIN)/screener rules check
	$(BIN)/pytest
	SCREENER_TEST_DATABASE=postgresql $(BIN)/pytest -m "not browser"

# The inner loop for the clinical core: tests whose conftest loads no app (tests/sizes.py's
# dev profile unless HYPOTHESIS_PROFILE says otherwise).
test-fast: $(STAMP)
	$(BIN)/pytest -q tests/clinical tests/project

# Every string of the pages and forms, for translators (only en-GB exists: README).
messages: $(STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k N_ -o screener/translations/messages.pot --no-location --sort-output .

# Development only: a fictional demo clinic in the development database (screener/demo.py).
# It refuses a database that already holds data, so it runs once per database.
demo: $(STAMP) $(CONFIG)
	$(BIN)/flask --app screener init-db
	$(BIN)/flask --app screener demo
