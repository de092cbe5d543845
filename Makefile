# Callboard: `make run` serves the demo company, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: install run demo test test-fast lint format typecheck bench bench-talent bench-week clean

install: $(STAMP)

$(STAMP): pyproject.toml package.json package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent || npm install --no-audit --no-fund --silent; \
	else echo "npm not found: the calendar-feed test (ical.js) will be skipped"; fi
	touch $(STAMP)

run: install
	$(BIN)/callboard migrate --noinput
	$(BIN)/callboard demo --if-empty
	@echo "Callboard is at http://127.0.0.1:$(PORT)/ (Ctrl-C stops it)"
	$(BIN)/callboard runserver 127.0.0.1:$(PORT)

demo: install
	$(BIN)/callboard migrate --noinput
	$(BIN)/callboard demo --if-empty

test: install
	$(BIN)/pytest -n 2 --dist loadfile -q $(PYTEST_ARGS)

test-fast: install
	$(BIN)/pytest -q -x -m "not browser and not slow" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy src/callboard
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python -m callboard.bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

# Box-office on-sale rush against gunicorn and a scratch PostgreSQL database (needs PostgreSQL
# on 127.0.0.1:5432, or CALLBOARD_BENCH_PG); writes bench-results/boxoffice.json.
.PHONY: bench-boxoffice
bench-boxoffice: install
	$(BIN)/python -m callboard.bench.boxoffice $(BENCH_ARGS)

# Pages under load: 200 users on the callboard of a 150-dancer company, gunicorn on a scratch
# PostgreSQL database (skipped with a message without it); writes bench-results/load.json.
.PHONY: bench-load
bench-load: install
	$(BIN)/python -m callboard.bench load $(BENCH_ARGS)

# The layers of docs/architecture.md alone (import-linter, also part of `make lint`; the
# contracts are in pyproject.toml).
.PHONY: layers
layers: install
	$(BIN)/lint-imports
