# ParcelHub — the two set-up commands are `make run` and `make test`; the rest are their parts.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PH := $(VENV)/bin/parcelhub
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test install system-deps browser messages migrate demo bench lint ci clean

run: install
	$(PH) migrate --noinput
	$(PH) demo --if-empty
	$(PH) serve --port $(PORT)

test: install browser
	$(VENV)/bin/pytest $(PYTEST_ARGS)

install: $(STAMP) messages

$(STAMP): pyproject.toml
	bash scripts/system-deps.sh
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Compiled catalogues are build output (.mo is git-ignored); rebuilt when a .po is newer.
# The project catalogue plus the apps' own (src/parcelhub/<app>/locale/), which Django finds by itself.
messages: $(patsubst %.po,%.mo,$(shell find src/parcelhub -path '*/locale/*/LC_MESSAGES/django.po'))

%.mo: %.po
	msgfmt --check-format -o $@ $<

browser:
	bash scripts/system-deps.sh --browser

migrate: install
	$(PH) migrate --noinput

demo: install
	$(PH) demo

bench: install
	$(VENV)/bin/python bench/rates.py
	$(VENV)/bin/python bench/labels.py
	$(VENV)/bin/python bench/churn.py
	$(VENV)/bin/python bench/tracking.py  # needs PostgreSQL (DATABASE_URL, default the local test server)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache .hypothesis
