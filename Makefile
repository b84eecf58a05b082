# One Makefile for the project: each target creates the virtual environment it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run spectrum test test-fast bench-smoke lint bench bench-reads bench-scoring bench-pathological clean bytecode

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

## run: load the bundled data into ./var/store, derive the scores and serve on http://127.0.0.1:8000/
run: $(STAMP)
	$(BIN)/openness serve

## spectrum: load the bundled data and print the OTI spectrum table from the graph
spectrum: $(STAMP)
	$(BIN)/openness spectrum

# The tests start many Python processes (servers, query workers, CLI runs, one import of
# each module alone). Compiling the project's bytecode once up front spares each of them
# compiling every module again where PYTHONDONTWRITEBYTECODE is set (it halves the
# import-each-module test there); only changed files are compiled again.
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q graph server bench tests

# Test processes (pytest-xdist), each running whole modules (tests/conftest.py says why).
WORKERS ?= 2
PYTEST  := $(BIN)/pytest -n $(WORKERS) --dist loadscope

## test: run the whole test suite, the store tests on every store kind (the benchmark smoke is bench-smoke)
test: bytecode
	$(PYTEST)

## test-fast: run the suite on the embedded store only: leaves out the store tests' runs on the oxigraph and Virtuoso servers, the tests that start a server of their own, and the benchmark smoke
test-fast: bytecode
	OPENNESS_TEST_STORES=embedded $(PYTEST) -m "not bench and not external_server"

## bench-smoke: run the benchmark end to end on tiny data, to keep it working (its own CI step)
bench-smoke: bytecode
	$(BIN)/pytest -m bench

## bench: benchmark load, queries, scoring, ingest and HTTP at each SIZE (triples); writes docs/benchmarks.md
SIZE ?= 100000 1000000
RUNS ?= 5
bench: $(STAMP)
	$(BIN)/python -m bench.run --sizes $(SIZE) --runs $(RUNS) --docs docs/benchmarks.md

## bench-reads: time only the reads behind scoring, ingest and the trace at each SIZE; prints a table
bench-reads: $(STAMP)
	$(BIN)/python -m bench.reads --sizes $(SIZE) --runs $(RUNS)

## bench-scoring: time scoring every model against the engine's count of what it reads, on the bundled data and at each SIZE
bench-scoring: $(STAMP)
	$(BIN)/python -m bench.scoring --sizes bundled $(SIZE) --runs $(RUNS)

## bench-pathological: time /healthz and a model page while ten clients send pathological queries
bench-pathological: $(STAMP)
	$(BIN)/python -m bench.pathological --clients 10

## lint: ruff over the code
lint: $(STAMP)
	$(BIN)/ruff check graph server tests bench

clean:
	rm -rf $(VENV) var .pytest_cache
