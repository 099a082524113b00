# caregov — the two commands are `make demo` and `make test` (see README.md).
# Every target installs what it needs first; a second run reinstalls nothing.

SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
VENV := .venv
SUPERSET_VENV := .venv-superset
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PYTHON)
export CAREGOV_HOME ?= $(CURDIR)/caregov-home
DEMO_OUT := $(CAREGOV_HOME)/sample-extracts
# make demo-region: a sample regional hub of three councils, in a home of its own.
REGION_HOME ?= $(CURDIR)/caregov-region
REGION_COUNCILS ?= E08000091 E08000092 E08000093
REGION_MONTHS ?= 24
REGION_SCALE ?= 0.5

.PHONY: install system-deps demo demo-region down test lint bench clean

## install: create both locked environments (idempotent)
install: $(VENV)/.installed $(SUPERSET_VENV)/.installed

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.installed: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen
	touch $@

$(SUPERSET_VENV)/.installed: $(UV) superset/requirements.txt
	test -x $(SUPERSET_VENV)/bin/python || $(UV) venv --quiet $(SUPERSET_VENV)
	$(UV) pip install --quiet --python $(SUPERSET_VENV)/bin/python --require-hashes -r superset/requirements.txt
	touch $@

## system-deps: Debian packages: chromium (prints the board pack; the browser tests), chromium-driver
## (Superset's report screenshots drive that chromium through Selenium), docker-compose (the tests
## validate docker-compose.yml; no Docker engine needed). Installed once, as root; the demo needs
## only the first two. Each is package:command.
SYSTEM_PACKAGES := chromium:chromium chromium-driver:chromedriver docker-compose:docker-compose
system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do command -v $${p#*:} >/dev/null || echo $${p%%:*}; done); \
	if [ -n "$$missing" ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

## test: install everything and run the whole suite
test: install system-deps
	$(VENV)/bin/pytest

## lint: ruff (lint + format), mypy, sqlfluff (dbt templater) and dbt parse
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/sqlfluff lint --processes 2 dbt_project/models dbt_project/tests dbt_project/macros
	$(VENV)/bin/sqlfluff lint --config dbt_project/region.sqlfluff dbt_project/models/region
	$(VENV)/bin/dbt parse --project-dir . --profiles-dir dbt_project --target lint --quiet

## demo: install, generate a sample council, run it through Airflow, leave Airflow and Superset running
demo: install
	@$(MAKE) --no-print-directory system-deps SYSTEM_PACKAGES='chromium:chromium chromium-driver:chromedriver'
	CAREGOV_DEMO=1 $(VENV)/bin/caregov generate --out $(DEMO_OUT) --seed 7 --national
	CAREGOV_DEMO=1 $(VENV)/bin/caregov airflow up
	CAREGOV_DEMO=1 $(VENV)/bin/caregov airflow deliver $(DEMO_OUT)
	@# Ingest, build, publish and write the month's board pack; then Superset (it needs the first
	@# published warehouse), whose arrival the waiting refresh_dashboards run notices.
	CAREGOV_DEMO=1 $(VENV)/bin/caregov airflow wait
	CAREGOV_DEMO=1 $(VENV)/bin/caregov superset up
	CAREGOV_DEMO=1 $(VENV)/bin/caregov airflow wait --dashboards
	CAREGOV_DEMO=1 $(VENV)/bin/caregov superset screenshots
	@CAREGOV_DEMO=1 $(VENV)/bin/caregov airflow status
	@echo "Superset:   $${CAREGOV_SUPERSET_URL:-http://127.0.0.1:8088}  (login $${CAREGOV_SUPERSET_ADMIN_USER:-admin}; password in $(CAREGOV_HOME)/state/secrets/superset_admin_password)"
	@echo "Board pack: $$(ls -1 $(CAREGOV_HOME)/packs/*.pdf | tail -n 1)"
	@echo "Stop both with 'make down'."

## demo-region: a sample region of three councils (councils.csv, one synthetic council per code),
## delivered into landing/<la_code>/, ingested by one process per council at once, built in one
## dbt run with the region's pooled figures; prints the region's and each council's metrics.
## Nothing is left running.
demo-region: install
	mkdir -p $(REGION_HOME)
	test -f $(REGION_HOME)/councils.csv || { echo la_code,name; for code in $(REGION_COUNCILS); do \
		echo "$$code,Sample council $$code"; done; } > $(REGION_HOME)/councils.csv
	for code in $(REGION_COUNCILS); do \
		CAREGOV_HOME=$(REGION_HOME) CAREGOV_DEMO=1 $(VENV)/bin/caregov generate --council $$code \
			--out $(REGION_HOME)/landing --seed 7 --months $(REGION_MONTHS) --scale $(REGION_SCALE) \
			--national || exit 1; done
	@# The files are complete once generate has finished: no settle wait. One ingest per council.
	pids=; for code in $(REGION_COUNCILS); do \
		CAREGOV_HOME=$(REGION_HOME) CAREGOV_DEMO=1 CAREGOV_LANDING_SETTLE_SECONDS=0 \
			$(VENV)/bin/caregov ingest $(REGION_HOME)/landing/$$code > $(REGION_HOME)/ingest-$$code.log & \
		pids="$$pids $$!"; done; for pid in $$pids; do wait $$pid || exit 1; done
	tail -qn 1 $(REGION_HOME)/ingest-*.log
	CAREGOV_HOME=$(REGION_HOME) CAREGOV_DEMO=1 $(VENV)/bin/caregov build
	CAREGOV_HOME=$(REGION_HOME) CAREGOV_DEMO=1 $(VENV)/bin/caregov metrics --council REGION
	for code in $(REGION_COUNCILS); do \
		CAREGOV_HOME=$(REGION_HOME) CAREGOV_DEMO=1 $(VENV)/bin/caregov metrics --council $$code; done

## down: stop everything `make demo` started
down:
	-@test -x $(VENV)/bin/caregov && $(VENV)/bin/caregov airflow down
	-@test -x $(VENV)/bin/caregov && $(VENV)/bin/caregov superset down

## bench: the figures of docs/specification.md §8 against their peers, written to
## bench/results.json and bench/report.md. The peers come from the `bench` dependency group;
## afterwards the environment is synced back to the locked default groups the tests run on.
bench: install
	$(UV) sync --frozen --group bench
	$(VENV)/bin/python -m benchmarks.run; status=$$?; $(UV) sync --frozen; exit $$status

clean:
	rm -rf $(VENV) $(SUPERSET_VENV) .tools
