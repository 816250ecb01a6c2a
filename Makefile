# lossctl: the two set-up commands are `make demo` and `make test`; both create .venv.
# The demo installs lossctl alone; the tests add their tools and Dask, once.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
TOOLS  := $(VENV)/.test-tools

.PHONY: demo test fuzz lint bench fixtures clean

$(BIN)/lossctl: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

# One install on a fresh clone: lossctl and the tools together.
$(TOOLS): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,dask]'
	touch $(BIN)/lossctl $@

demo: $(BIN)/lossctl
	$(BIN)/lossctl compare sample_data/preds.csv
	$(BIN)/lossctl compare sample_data/model_a.csv sample_data/model_b.csv
	$(BIN)/lossctl compute --loss huber --delta 1.0 sample_data/preds.csv

# In parallel, one worker per core, every test but the generated fuzz cases (marked slow), on the
# reproducible "default" hypothesis profile.
test: $(TOOLS)
	$(BIN)/python -m pytest -n auto --dist worksteal -m "not slow"

# Nightly: the fuzz tests and the property tests marked fuzzed (run on a few examples by
# `make test`), on the long "fuzz" profile (fresh examples on every run).
fuzz: $(TOOLS)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -n auto -m "slow or fuzzed"

lint: $(TOOLS)
	$(BIN)/ruff check lossctl tests bench sample_data
	$(BIN)/ruff format --check lossctl tests bench sample_data

bench: $(TOOLS)
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/run.py

# Regenerates tests/reference/torch_fixtures.npz; needs PyTorch (pip install torch==2.13.0).
fixtures: $(TOOLS)
	$(BIN)/python tests/reference/make_torch_fixtures.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
