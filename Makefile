# The two commands of the README: `make run` and `make test`. Everything else is their set-up.
# `make run` migrates both databases (the portal's and the drive's), collects both projects' static
# files, then bin/run.py seeds the drive's demo (idempotent) and starts both processes.
SHELL := /bin/bash
.DEFAULT_GOAL := run

VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PDS_PORT ?= 8001
HOST ?= 127.0.0.1

# Find a Python 3.12+ ourselves: `python3` may be older (3.11 on our machines).
PYTHON ?= $(shell for c in python3.12 python3.13 python3 $$HOME/.pyenv/versions/3.12*/bin/python3 $$HOME/.pyenv/versions/3.13*/bin/python3 /usr/local/bin/python3.1[23] /usr/bin/python3.1[23]; do \
	if $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then echo $$c; break; fi; done)

.PHONY: run test test-postgres lint contracts typecheck pytest env-keys bench browser-deps clean \
	translations messages

$(PY):
	@test -n "$(PYTHON)" || { echo "No Python 3.12 or newer found: install one (or set PYTHON=/path/to/python3.12)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt localpds/requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt -r localpds/requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt localpds/requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

# A per-checkout .env with a random SECRET_KEY and LOCALPDS_SECRET_KEY (the portal's and the
# drive's), so `make run` needs no configuration.
RANDOM_KEY = $$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
.env:
	@sed -e "s|^SECRET_KEY=.*|SECRET_KEY=$(RANDOM_KEY)|" \
		-e "s|^LOCALPDS_SECRET_KEY=.*|LOCALPDS_SECRET_KEY=$(RANDOM_KEY)|" .env.example > .env
	@echo "Wrote .env with a fresh SECRET_KEY and LOCALPDS_SECRET_KEY."

# A .env written before the drive had its own settings lacks the drive's key: add one.
env-keys: .env
	@grep -q '^LOCALPDS_SECRET_KEY=.' .env || { \
		echo "LOCALPDS_SECRET_KEY=$(RANDOM_KEY)" >> .env; echo "Added a fresh LOCALPDS_SECRET_KEY to .env."; }

# The .mo files the pages are translated from, compiled from the .po files in the repository
# (locale/, localpds/locale/) by Babel, so no machine needs GNU gettext. Not committed.
translations: $(VENV)/.runtime
	$(PY) bin/messages.py compile

# After adding or changing a marked string: every .po gets it (empty, to translate), sorted,
# without source lines. Running it again changes nothing. README, "Languages".
messages: $(VENV)/.runtime
	$(PY) bin/messages.py update

run: $(VENV)/.runtime env-keys translations
	$(PY) manage.py migrate --noinput -v 0
	$(PY) -m localpds migrate --noinput -v 0
	STATIC_MANIFEST=1 $(PY) manage.py collectstatic --noinput -v 0
	STATIC_MANIFEST=1 $(PY) -m localpds collectstatic --noinput -v 0
	PORT=$(PORT) PDS_PORT=$(PDS_PORT) HOST=$(HOST) $(PY) bin/run.py

test: $(VENV)/.dev env-keys lint contracts typecheck pytest

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

contracts: $(VENV)/.dev
	$(VENV)/bin/lint-imports

# Two mypy runs, one per project: the django-stubs plugin loads one settings module per run.
typecheck: $(VENV)/.dev env-keys
	DJANGO_SETTINGS_MODULE=shareportal.settings $(VENV)/bin/mypy --cache-dir .mypy_cache/portal shareportal common bin bench
	DJANGO_SETTINGS_MODULE=localpds.settings $(VENV)/bin/mypy --cache-dir .mypy_cache/localpds localpds

# Two runs, one per project: the portal's suites with its settings, then the drive's with its own.
# Each in TEST_WORKERS pytest-xdist processes: the browser and live-server tests mostly wait on
# their servers, so two workers on two cores cut the portal's run from about 9.5 to 7 minutes.
TEST_WORKERS ?= 2
pytest: $(VENV)/.dev env-keys browser-deps translations
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --ignore=tests/localpds
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --ds=localpds.settings tests/localpds

# The same suites (but the browser's) with the test database on PostgreSQL, as deployments with
# more than one machine run; CI runs it after `make test`.
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test
test-postgres: $(VENV)/.dev env-keys
	DATABASE_URL=$(POSTGRES_URL) $(VENV)/bin/pytest -q tests/shares tests/dashboard tests/pds tests/integration
	LOCALPDS_DATABASE_URL=$(POSTGRES_URL) $(VENV)/bin/pytest -q --ds=localpds.settings tests/localpds

# The browser tests drive Debian's chromium through Playwright; install it when we can (root).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else echo "chromium is not installed: the browser tests will be skipped."; fi; }

bench: $(VENV)/.dev env-keys
	$(PY) bench/run.py

clean:
	find locale localpds/locale -name '*.mo' -delete
	rm -rf $(VENV) data/cache data/staticfiles data/localpds/cache data/localpds/staticfiles
