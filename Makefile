# One Makefile for the project: each target creates the virtual environment it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run spectrum test lint bench bench-reads bench-pathological clean

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

## test: run the whole test suite
test: $(STAMP)
	$(BIN)/pytest

## bench: benchmark load, queries, scoring, ingest and HTTP at each SIZE (triples); writes docs/benchmarks.md
SIZE ?= 100000 1000000
RUNS ?= 5
bench: $(STAMP)
	$(BIN)/python -m bench.run --sizes $(SIZE) --runs $(RUNS) --docs docs/benchmarks.md

## bench-reads: time only the reads behind scoring, ingest and the trace at each SIZE; prints a table
bench-reads: $(STAMP)
	$(BIN)/python -m bench.reads --sizes $(SIZE) --runs $(RUNS)

## bench-pathological: time /healthz and a model page while ten clients send pathological queries
bench-pathological: $(STAMP)
	$(BIN)/python -m bench.pathological --clients 10

## lint: ruff over the code
lint: $(STAMP)
	$(BIN)/ruff check graph server tests bench

clean:
	rm -rf $(VENV) var .pytest_cache
