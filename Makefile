# Callboard: `make run` serves the demo company, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
# Translation catalogues: compiled by `make install` with Babel (no GNU gettext needed).
PO_FILES := $(wildcard src/callboard/locale/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: install run demo test test-fast lint format typecheck bench bench-talent bench-week clean messages
.PHONY: lock lock-upgrade audit dist smoke

install: $(STAMP) $(MO_FILES)

%.mo: %.po $(STAMP)
	$(BIN)/python -m callboard.core.catalogue compile

# Exactly the versions (and file hashes) of requirements/*.txt, nothing resolved, nothing
# else kept: pip installs the build tools and uv (build.txt), uv the rest (in parallel, from
# its cache when it can), pip then Callboard itself, editable. requirements/check.py stops
# here if pyproject.toml asks for something the lock does not pin: run `make lock`
# (requirements/README.md).
$(STAMP): pyproject.toml requirements/dev.txt requirements/build.txt package.json package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements/build.txt
	$(BIN)/uv pip sync --quiet --python $(BIN)/python --require-hashes requirements/build.txt requirements/dev.txt
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python requirements/check.py
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent || npm install --no-audit --no-fund --silent; \
	else echo "npm not found: the calendar-feed test (ical.js) will be skipped"; fi
	touch $(STAMP)

# The demo shop (/shop/) takes payment through YooKassa's API played by a local stub
# (`callboard payment_stub`, on STUB_PORT): `make run` buys end to end. `make run
# PAYMENTS=box_office` runs no stub; the shop then reserves seats paid at the box office.
PAYMENTS ?= yookassa
STUB_PORT ?= 8765
DEMO_PAYMENTS = CALLBOARD_PAYMENT_PROVIDER=$(PAYMENTS) CALLBOARD_YOOKASSA_SHOP_ID=demo-shop \
	CALLBOARD_YOOKASSA_SECRET_KEY=demo-secret CALLBOARD_YOOKASSA_API_URL=http://127.0.0.1:$(STUB_PORT)/v3

run: install
	$(BIN)/callboard migrate --noinput
	$(BIN)/callboard demo --if-empty
	@echo "Callboard is at http://127.0.0.1:$(PORT)/, the shop at http://127.0.0.1:$(PORT)/shop/ (Ctrl-C stops it)"
	@if [ "$(PAYMENTS)" = yookassa ]; then \
		$(BIN)/callboard payment_stub --port $(STUB_PORT) --site http://127.0.0.1:$(PORT) & stub=$$!; \
		trap 'kill $$stub 2>/dev/null' EXIT INT TERM; \
		$(DEMO_PAYMENTS) $(BIN)/callboard runserver 127.0.0.1:$(PORT); \
	else CALLBOARD_PAYMENT_PROVIDER=$(PAYMENTS) $(BIN)/callboard runserver 127.0.0.1:$(PORT); fi

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
	$(BIN)/python -m callboard.core.catalogue check

# Extract every translatable string into the catalogues (new ones untranslated, changed
# ones fuzzy) and compile them: then translate what `make lint` lists (docs/translating.md).
messages: install
	$(BIN)/python -m callboard.core.catalogue update

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python -m callboard.bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

# A wheel of Callboard with its templates, static files and compiled translations (what a
# production install takes: docs/deploy.md). Built with the locked setuptools, offline.
dist: install
	rm -rf dist build
	$(BIN)/python -m build --wheel --no-isolation --outdir dist . >/dev/null
	$(BIN)/python deploy/wheel_check.py dist/*.whl

# The production smoke test: the wheel in a fresh venv, PostgreSQL, a redis-server of its own,
# gunicorn, Celery worker and beat, faults on purpose (deploy/smoke.py); prints its timings.
smoke: dist
	$(BIN)/python deploy/smoke.py $(SMOKE_ARGS)

# Pin exact versions for every Python from 3.11 on (uv resolves; pip installs). `make lock`
# keeps what is pinned where it still fits; `make lock-upgrade` takes the newest that fit.
UV_COMPILE = $(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes
lock:
	@test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet uv
	$(UV_COMPILE) $(LOCK_ARGS) pyproject.toml -o requirements/main.txt
	$(UV_COMPILE) $(LOCK_ARGS) pyproject.toml --extra dev -o requirements/dev.txt
	$(UV_COMPILE) $(LOCK_ARGS) requirements/build.in -o requirements/build.txt

lock-upgrade:
	$(MAKE) lock LOCK_ARGS=--upgrade

# Known vulnerabilities in the locked versions (pip-audit) and the JavaScript tools (npm audit).
audit: install
	$(BIN)/python requirements/audit.py

# Box-office on-sale rush against gunicorn and a scratch PostgreSQL database (needs PostgreSQL
# on 127.0.0.1:5432, or CALLBOARD_BENCH_PG); writes bench-results/boxoffice.json.
.PHONY: bench-boxoffice
bench-boxoffice: install
	$(BIN)/python -m callboard.bench.boxoffice $(BENCH_ARGS)

# What each request of that rush costs the server (CPU ms, statements), in one process on a
# PostgreSQL database (DATABASE_URL, else a scratch one); BENCH_ARGS="--profile order" adds
# cProfile's costliest functions, "--sql" the statements.
.PHONY: bench-rush-profile
bench-rush-profile: install
	$(BIN)/python -m callboard.bench.rushprofile $(BENCH_ARGS)

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
