# One command to set up and run, one to set up and test — on a fresh machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SCENARIO ?= scenarios/watcher-across-the-river.yaml

.PHONY: setup play test lint bench clean

$(BIN)/tabletop: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

setup: $(BIN)/tabletop

play: setup  ## open the facilitator's console on a bundled scenario
	$(BIN)/tabletop play $(SCENARIO)

test: setup  ## lint, check the import contract and the engine's types, run the tests
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/pytest

bench: setup
	$(BIN)/python bench/engine.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
