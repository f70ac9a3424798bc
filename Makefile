# Two commands work on a fresh machine with only Python and make:
#   make demo   - set up .venv if needed (with the charts and diagrams extras) and run the demo
#   make test   - set up .venv with dev extras and run linters, type checks and the suite
#   make mutate - mutation testing of the core (slow; not part of make test, see docs/testing.md)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint typecheck pytest docs bench mutate clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[charts,diagrams]'
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/mediation demo
	@echo "(The mediation command is in $(BIN): run '. $(BIN)/activate' to try the commands above.)"

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

pytest: $(VENV)/.installed-dev
	$(BIN)/pytest

docs: $(VENV)/.installed-dev
	$(BIN)/mkdocs build --strict --quiet --site-dir $(VENV)/site

test: lint typecheck docs pytest

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@ $(VENV)/.installed-dev $(VENV)/.installed

# Every figure, measured against what it is compared with (the bench extra: NegMAS) and
# on a throwaway PostgreSQL unless MEDIATION_BENCH_POSTGRES_URL names a server.
bench: $(VENV)/.installed-bench
	benchmarks/bench.sh $(BIN)/python

# MUTATE_ARGS passes options, e.g. MUTATE_ARGS="--modules guards,state --jobs 2".
mutate: $(VENV)/.installed-dev
	$(BIN)/python tools/mutate.py $(MUTATE_ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis .mutate

# Collect the translatable messages and merge them into the en and zh catalogs
# (then translate the new zh entries; the suite fails while one is missing).
messages: $(VENV)/.installed-dev
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k NP_:1,2 --ignore-dirs='.* __pycache__' \
		--no-location --sort-output -o src/mediation/locale/mediation.pot .
	$(BIN)/pybabel update -i src/mediation/locale/mediation.pot -d src/mediation/locale \
		-D mediation --no-fuzzy-matching --ignore-obsolete
