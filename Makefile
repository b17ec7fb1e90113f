# One command to set up and run, one to set up and test — on a fresh machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SCENARIO ?= scenarios/watcher-across-the-river.yaml

# the engine's hot path (pyproject.toml's [tool.mypy] files), which setup.py compiles
HOT_PATH := $(shell $(PY) -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["tool"]["mypy"]["files"])')
# TABLETOP_INTERPRETED=1 builds it as plain Python; each way has its stamp, so that going
# from one to the other builds again
BUILT := $(VENV)/built-$(if $(filter 1,$(TABLETOP_INTERPRETED)),interpreted,compiled)

.PHONY: setup play test lint bench clean

$(BIN)/tabletop: pyproject.toml setup.py
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip 'setuptools>=77'
	TABLETOP_INTERPRETED=1 $(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# compiled with mypyc beside its sources, again whenever one of them changes (old extensions
# removed first: one no longer on the list would go on shadowing its source)
$(BUILT): $(BIN)/tabletop $(HOT_PATH)
	rm -f sim/*.so $(VENV)/built-*
	$(BIN)/python setup.py --quiet build_ext --inplace --force || { echo "make: compiling the \
	engine's hot path failed (it needs a C compiler and Python's headers); without them, \
	TABLETOP_INTERPRETED=1 make setup runs it as plain Python" >&2; exit 1; }
	touch $@

setup: $(BUILT)

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
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache sim/*.so
