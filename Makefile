# The README's two commands: `make run` (install, index the sample articles, start newsrag)
# and `make test` (install, lint, type-check, run every test).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
LLAMA_CMAKE_ARGS ?= -DLLAVA_BUILD=OFF -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
QUESTION ?= What did CNBC reporter Arjun Kharpal report from China?

.PHONY: install run test lint bench

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# CPU torch first, from the machine's disk: a plain "torch" would pull a multi-GB CUDA build.
	$(BIN)/python -m pip install -q torch==2.13.0
	# llama-cpp-python builds from source (~8 min once; pip caches the wheel): portable AVX2 flags.
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/python -m pip install -q -e '.[dev,small,server]'
	touch $@

install: $(BIN)/.installed

run: install
	$(BIN)/newsrag index
	$(BIN)/newsrag ask "$(QUESTION)"

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

test: lint
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -q -rs

bench: install
	HF_HUB_OFFLINE=1 $(BIN)/python -m evals.bench_index
