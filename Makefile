# The two commands of the README: `make run` and `make test`. Everything else is a step of them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SKILL_MAP ?= examples/skill-map.yaml

.PHONY: run test lint install install-dev system-packages openapi messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || (scripts/system-packages.sh venv && $(PYTHON) -m venv $(VENV))
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

## run: start the service on SQLite with the demo issuer and the example skill map.
run: install
	BADGE_ISSUER_SKILL_MAP=$${BADGE_ISSUER_SKILL_MAP:-$(SKILL_MAP)} $(BIN)/badge-issuer serve

## lint: ruff, mypy (strict), import contracts, hadolint.
lint: install-dev
	$(BIN)/ruff check src tests bench migrations scripts
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/hadolint Dockerfile

## test: lint, then the whole suite against SQLite and a throwaway PostgreSQL.
test: lint
	scripts/system-packages.sh postgresql
	scripts/system-packages.sh chromium
	$(BIN)/python scripts/throwaway_postgres.py $(BIN)/pytest -n 2 -p no:cacheprovider $(PYTEST_ARGS)

openapi: install
	$(BIN)/badge-issuer openapi > openapi/openapi.json

## messages: add new texts of the pages' templates and code to the catalogues (then translate).
messages: install-dev
	mkdir -p var
	$(BIN)/pybabel extract -F babel.cfg -k _ -k gettext -k ngettext:1,2 --no-location -o var/messages.pot .
	$(BIN)/pybabel update -i var/messages.pot -d src/badge_issuer/pages/locales -l ja --no-fuzzy-matching -w 100

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
