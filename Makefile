# The two commands: `make demo` and `make test`. Both create .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV_STAMP := $(VENV)/.installed-dev
DEMO_STAMP := $(VENV)/.installed-demo

.PHONY: demo test test-lowest test-airflow lint typecheck unit docs package bench sandbox clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

$(DEMO_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[all]'
	touch $@

demo: $(DEMO_STAMP)
	$(BIN)/servicehub demo

test: lint typecheck unit docs package

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(DEV_STAMP)
	$(BIN)/mypy src

unit: $(DEV_STAMP)
	$(BIN)/python -m pytest -n 2

# Strict and not quiet: --quiet hides warnings from --strict, which then no longer fails.
docs: $(DEV_STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir .site

# The built sdist and wheel, checked as an index would check them.
package: $(DEV_STAMP)
	rm -rf dist
	$(BIN)/uv build --quiet --out-dir dist
	$(BIN)/twine check --strict dist/*

# The test suite at the lowest versions pyproject.toml allows (uv's lowest-direct resolution).
LOWEST := .venv-lowest
test-lowest: $(DEV_STAMP)
	rm -rf $(LOWEST)
	$(BIN)/uv venv --quiet --python $(BIN)/python $(LOWEST)
	VIRTUAL_ENV=$(LOWEST) $(BIN)/uv pip install --quiet --resolution lowest-direct -e '.[test]'
	VIRTUAL_ENV=$(LOWEST) $(BIN)/uv pip list 2>/dev/null | grep -iE '^(httpx|pydantic|tenacity|authlib|typing-extensions|gql|graphql-core|lxml|pandas|tqdm|typer|rich|psycopg|pgserver) '
	$(LOWEST)/bin/python -m pytest -p no:cacheprovider -n 2

# The Airflow provider's tests (tests/airflow) on Airflow itself, in a virtual environment of
# their own: the example DAG runs with dag.test() against the sandbox and a PostgreSQL journal.
# wtforms: the connection form of Airflow 3.0 and 3.1, checked against the declared one;
# the OpenLineage provider: the operators' lineage facets.
# Older releases need the pins of their constraint files, e.g. for the lowest, 3.0.2:
#   make test-airflow AIRFLOW_VERSION=3.0.2 AIRFLOW_PINS="'cadwyn<5.5' 'fastapi<0.117' 'starlette<0.48' 'pydantic<2.12' 'structlog<25.5'"
AIRFLOW_VENV := .venv-airflow
AIRFLOW_VERSION ?= 3.3.2
AIRFLOW_PINS ?=
test-airflow: $(DEV_STAMP)
	rm -rf $(AIRFLOW_VENV)
	$(BIN)/uv venv --quiet --python $(BIN)/python $(AIRFLOW_VENV)
	VIRTUAL_ENV=$(AIRFLOW_VENV) $(BIN)/uv pip install --quiet 'apache-airflow==$(AIRFLOW_VERSION)' $(AIRFLOW_PINS) wtforms apache-airflow-providers-openlineage -e '.[test,airflow]'
	SERVICEHUB_TEST_AIRFLOW=required $(AIRFLOW_VENV)/bin/python -m pytest -p no:cacheprovider tests/airflow

# The clients bench/anchors.py compares the SDK with, in an environment of their own
# (servicedesk-client brings httpx2, which the test suite's vcrpy cannot patch).
ANCHORS_VENV := .venv-anchors
ANCHORS_STAMP := $(ANCHORS_VENV)/.installed
$(ANCHORS_STAMP): pyproject.toml | $(DEV_STAMP)
	rm -rf $(ANCHORS_VENV)
	$(BIN)/uv venv --quiet --python $(BIN)/python $(ANCHORS_VENV)
	VIRTUAL_ENV=$(ANCHORS_VENV) $(BIN)/uv pip install --quiet -e '.[all]' servicedesk-client openai
	touch $@

bench: $(DEV_STAMP) $(ANCHORS_STAMP)
	ANCHORS_PYTHON=$(ANCHORS_VENV)/bin/python $(BIN)/python bench/run.py

sandbox: $(DEMO_STAMP)
	$(BIN)/python -m servicehub_sdk.testing

clean:
	rm -rf $(VENV) $(LOWEST) $(AIRFLOW_VENV) $(ANCHORS_VENV) dist .site .pytest_cache .mypy_cache .ruff_cache
