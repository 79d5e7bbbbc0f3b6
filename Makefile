# The two set-up commands: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck unit clean benchmarks trust wheel

# k6 (the serve suite's load generator) is not installed here: bakeoff provisions its pinned,
# sha256-checked build into its cache on first use, as any pip/pipx/uv install of bakeoff does.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,cluster]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/bakeoff demo $(DEMO_ARGS)

# The wheel pipx / uv tool / pip install (README, "Install as a tool").
wheel: $(STAMP)
	$(BIN)/pip wheel --quiet --no-deps --wheel-dir dist .
	@ls dist/bakeoff-*.whl

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

# pytest exits 5 when it collected nothing: that is a broken suite, not a pass.
unit: $(STAMP)
	$(BIN)/pytest -q -rs; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected" >&2; exit 1; fi; exit $$rc

test: lint typecheck unit

benchmarks: $(STAMP)
	$(BIN)/python benchmarks/bench_timing.py
	$(BIN)/python benchmarks/bench_rss.py
	$(BIN)/python benchmarks/bench_precision.py
	$(BIN)/python benchmarks/bench_serve.py
	$(BIN)/python benchmarks/bench_install.py
	$(BIN)/python benchmarks/bench_cli.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .mypy_cache .ruff_cache .pytest_cache

# The four trust experiments (benchmarks/trust/README.md): each prints its figure.
trust: $(STAMP)
	cd benchmarks/trust && ../../$(BIN)/python aa.py
	cd benchmarks/trust && ../../$(BIN)/python power.py
	cd benchmarks/trust && ../../$(BIN)/python drift.py
	cd benchmarks/trust && ../../$(BIN)/python adaptive.py
