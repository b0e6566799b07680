# tinhso — the two commands: `make run` (platform on SQLite with demo data) and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
HOST ?= 127.0.0.1
PORT ?= 8000
export TINHSO_DATA_DIR ?= $(CURDIR)/var
BIN := $(VENV)/bin
# Libraries the Python packages load at run time (WeasyPrint renders the standard forms with Pango).
SYSTEM_PACKAGES := '/usr/lib/*/libpango-1.0.so.0=libpango-1.0-0' '/usr/lib/*/libpangoft2-1.0.so.0=libpangoft2-1.0-0'

STAMP := $(VENV)/.installed-$(shell cat requirements/lock.txt pyproject.toml | sha1sum | cut -c1-12)

.PHONY: help
help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): requirements/lock.txt pyproject.toml
	@scripts/check-python.sh $(PYTHON)
	@scripts/ensure-system-packages.sh $(SYSTEM_PACKAGES)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/lock.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@rm -f $(VENV)/.installed-* && touch $@

.PHONY: install
install: $(STAMP)  ## create the virtualenv and install the locked dependencies

.PHONY: run
run: $(STAMP)  ## migrate, load the demo province (idempotent) and serve on http://$(HOST):$(PORT)/
	TINHSO_DEBUG=$${TINHSO_DEBUG:-true} $(BIN)/tinhso serve --host "$(HOST)" --port "$(PORT)" --with-demo

.PHONY: test
test: $(STAMP)  ## lint, types, migrations check, the suite on SQLite and then on PostgreSQL
	scripts/run-tests.sh

.PHONY: lint
lint: $(STAMP)  ## ruff (lint + format check) and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	TINHSO_DEBUG=true $(BIN)/mypy tinhso

.PHONY: format
format: $(STAMP)  ## apply ruff formatting and safe fixes
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

.PHONY: messages
messages: $(STAMP)  ## extract the page texts into tinhso/locale/en/…/django.po, then compile (needs gettext)
	@scripts/ensure-system-packages.sh msgfmt=gettext
	TINHSO_DEBUG=true $(BIN)/tinhso makemessages --locale en --no-obsolete --ignore '.venv/*' --ignore 'var/*' --ignore 'test-artifacts/*' --ignore 'docs/*'
	TINHSO_DEBUG=true $(BIN)/tinhso compilemessages --locale en --ignore '.venv/*'

.PHONY: lock
lock:  ## re-resolve requirements/lock.txt from pyproject.toml (needs uv: pip install uv)
	uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 --universal -o requirements/lock.txt

.PHONY: clean
clean:  ## remove the virtualenv (keeps var/, the data directory)
	rm -rf $(VENV)
