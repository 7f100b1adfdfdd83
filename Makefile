# Two commands for a fresh machine (Python 3.11+ and make are all it needs):
#   make run    set up, initialise the SQLite database in instance/, serve http://127.0.0.1:5000
#   make test   set up and run the whole test suite (lint included): once on SQLite with the
#               browser tests, then again on PostgreSQL (SCREENER_TEST_POSTGRES_URL)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTHON ?= python3

.PHONY: run test

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Development only: allows the built-in secret key and cookies over plain HTTP.
run: export SCREENER_DEVELOPMENT = true
run: $(STAMP)
	$(BIN)/flask --app screener init-db
	$(BIN)/flask --app screener run --host 127.0.0.1 --port 5000

test: $(STAMP)
	bash scripts/ensure-chromium.sh
	$(BIN)/ruff check screener tests bench scripts
	$(BIN)/screener rules check
	$(BIN)/pytest
	SCREENER_TEST_DATABASE=postgresql $(BIN)/pytest -m "not browser"
