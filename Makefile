# One entry point for each chore. `make run` and `make test` work on a fresh machine.
VENV      := .venv
BIN       := $(VENV)/bin
PY        := $(BIN)/python
STAMP     := $(VENV)/.installed
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test
export DJANGO_SETTINGS_MODULE ?= offerdesk.config.settings.dev

.PHONY: install run demo test test-sqlite test-postgres chromium lint bench clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $$(scripts/find-python) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

# The web server, a worker and the schedule together (`offerdesk run`); one Ctrl-C stops all three.
run: $(STAMP)
	@mkdir -p var
	$(BIN)/offerdesk migrate --noinput
	$(BIN)/offerdesk demo
	$(BIN)/offerdesk run --bind 127.0.0.1:8000

demo: $(STAMP)
	@mkdir -p var
	$(BIN)/offerdesk migrate --noinput
	$(BIN)/offerdesk demo

# The whole suite on SQLite, then on PostgreSQL (when it answers; CI requires it), browser tests included.
test: $(STAMP) chromium
	@$(MAKE) --no-print-directory test-sqlite
	@if $(PY) scripts/pg_ready.py "$(POSTGRES_URL)"; then \
		$(MAKE) --no-print-directory test-postgres; \
	elif [ -n "$$OFFERDESK_REQUIRE_POSTGRES" ]; then \
		echo "PostgreSQL does not answer at $(POSTGRES_URL)"; exit 1; \
	else echo "PostgreSQL does not answer at $(POSTGRES_URL): skipped the PostgreSQL run"; fi

# The browser tests (marker `browser`) drive Debian's Chromium: stop with the one command to run when it is missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || { echo "Chromium is missing for the browser tests: run  apt-get install -y chromium"; exit 1; }

# The suite's own settings (pyproject's DJANGO_SETTINGS_MODULE): the variable exported above for `make run` would
# win over them, and the suite would run on the development settings.
TEST_SETTINGS := offerdesk.config.settings.test

test-sqlite: $(STAMP)
	@echo "== tests on SQLite =="
	env -u DATABASE_URL DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) $(PY) -m pytest $(PYTEST_ARGS)

test-postgres: $(STAMP)
	@echo "== tests on PostgreSQL =="
	DATABASE_URL=$(POSTGRES_URL) DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) $(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check offerdesk tests scripts benchmarks conftest.py
	$(BIN)/ruff format --check offerdesk tests scripts benchmarks conftest.py
	$(BIN)/mypy offerdesk tests benchmarks conftest.py
	$(BIN)/lint-imports

bench: $(STAMP)
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
