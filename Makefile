# tongban — the two commands: `make run` (main job) and `make test` (lint + types + tests).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= report
# Leaflet for the offline interactive map of report.html: vendored from the npm registry at
# install time into a gitignored folder of the package (never fetched when a report opens).
LEAFLET_VERSION := 1.9.4
LEAFLET := tongban/present/vendor/leaflet

.PHONY: run test lint typecheck pytest install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(LEAFLET)/leaflet.js:
	rm -rf $(LEAFLET) && mkdir -p $(LEAFLET)
	cd $(LEAFLET) && npm pack --silent leaflet@$(LEAFLET_VERSION) >/dev/null \
	  && tar -xzf leaflet-$(LEAFLET_VERSION).tgz --strip-components=2 \
	     package/dist/leaflet.js package/dist/leaflet.css package/dist/images \
	  && rm leaflet-$(LEAFLET_VERSION).tgz && echo $(LEAFLET_VERSION) > VERSION

$(STAMP): $(BIN)/python pyproject.toml $(LEAFLET)/leaflet.js
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/tongban run --out $(OUT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy
	$(BIN)/lint-imports

pytest: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadgroup --nbmake $(PYTEST_ARGS)

test: lint typecheck pytest

clean:
	rm -rf $(VENV) $(LEAFLET) .pytest_cache .mypy_cache .ruff_cache .hypothesis build *.egg-info
