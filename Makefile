# The README's two commands: `make run` (install, index the sample articles, open the chat window)
# and `make test` (install, lint, type-check, run every test, including the browser test, in two pytest
# workers pinned to a core each: see tests/conftest.py).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
LLAMA_CMAKE_ARGS ?= -DLLAVA_BUILD=OFF -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
QUESTION ?= What did CNBC reporter Arjun Kharpal report from China?

.PHONY: install run ask test lint bench bench-scale browser eval-docs chaos

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
	$(BIN)/newsrag chat

ask: install
	$(BIN)/newsrag index
	$(BIN)/newsrag ask "$(QUESTION)"

# The browser test drives Debian's Chromium (browser downloads fail here); installed when we may.
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else echo "note: install chromium and chromium-driver (apt) to run the browser test; it will be skipped"; fi; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

test: lint browser
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -q -rs --durations=10 -n auto --maxprocesses 2 --dist loadfile

bench: install
	HF_HUB_OFFLINE=1 $(BIN)/python -m evals.bench.index
	HF_HUB_OFFLINE=1 $(BIN)/python -m evals.bench.answer

# Index and retrieval cost as the archive grows (synthetic archives; figures and plot in docs/scale/).
SIZES ?= 1000 10000
bench-scale: install
	HF_HUB_OFFLINE=1 $(BIN)/python -m evals.bench.scale --sizes $(SIZES)

# Regenerate docs/eval/ reports and the README's figure tables from the committed result files (no model run).
eval-docs: install
	HF_HUB_OFFLINE=1 $(BIN)/python -m evals.docs

# The reliability suite: kill -9 mid-index, damaged state, the bad-input zoo, injections, 8 chat sessions at
# once. Prints a table of what held (the same tests run in `make test`).
chaos: install
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -q -m chaos
