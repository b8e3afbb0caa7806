# Thin entry points. Each target installs what it needs into .venv first (once: the install
# re-runs only when pyproject.toml changes), so `make lab` and `make test` work on a fresh
# machine with nothing but Python 3.11 and pip.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip

# torch: on Linux the default index resolves torch==2.13.0 to the CUDA build (~20 nvidia-*
# packages, several GB). PyTorch's CPU wheel index has the CPU-only build (2.13.0+cpu, which
# satisfies the pin); where that index cannot be reached, pip warns and falls back to the
# default index (on the course machines the CPU wheel lies on disk). macOS and Windows wheels
# on the default index are already CPU builds.
TORCH_CPU_INDEX ?= https://download.pytorch.org/whl/cpu
ifeq ($(shell uname -s),Linux)
TORCH_INDEX := --extra-index-url $(TORCH_CPU_INDEX) --timeout 20 --retries 1
endif

# JupyterLab refuses to start as root (Docker, Binder-like images, lab machines) unless asked.
ifeq ($(shell id -u),0)
ROOT_ARGS := --allow-root
endif
LAB_ARGS ?=

.PHONY: lab test student slides execute bench clean

$(VENV)/.base-installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip
	$(PIP) install $(TORCH_INDEX) "torch==2.13.0"
	$(PIP) install -e .
	touch $@

$(VENV)/.test-installed: $(VENV)/.base-installed
	$(PIP) install -e ".[test]"
	touch $@

lab: $(VENV)/.base-installed  ## open JupyterLab at the course root (e.g. make lab LAB_ARGS="--port 8899 --no-browser")
	$(PY) -m jupyter lab $(ROOT_ARGS) $(LAB_ARGS)

test: $(VENV)/.test-installed  ## unit tests + nbval over every notebook + student copies
	$(PY) -m pytest -n 2 --dist loadfile

student: $(VENV)/.base-installed  ## student copies into student/ (keeps existing ones; FORCE=1 overwrites)
	$(PY) -m helpers.student notebooks student $(if $(FORCE),--force)

execute: $(VENV)/.base-installed  ## re-execute every notebook in place (store outputs)
	$(PY) -m jupyter nbconvert --to notebook --execute --inplace \
	  --ExecutePreprocessor.kernel_name=python3 --ExecutePreprocessor.timeout=300 notebooks/*.ipynb
	$(PY) -m helpers.nbtidy notebooks/*.ipynb

SLIDES_VENDOR := slides/vendor/node_modules
$(SLIDES_VENDOR)/.installed:
	mkdir -p slides/vendor
	npm install --prefix slides/vendor --no-audit --no-fund --silent \
	  reveal.js@4.6.0 requirejs@2.3.8 jquery@3.8.0 mathjax@2.7.9
	touch $@

slides: $(VENV)/.base-installed $(SLIDES_VENDOR)/.installed  ## offline reveal.js decks into slides/ (needs npm once)
	$(PY) -m helpers.slides notebooks slides

bench: $(VENV)/.test-installed  ## notebook run times and widget latency (targets reported, not asserted)
	$(PY) benchmarks/run_notebooks.py
	$(PY) benchmarks/widget_latency.py
	$(PY) benchmarks/bench_frames.py
	$(PY) benchmarks/bench_autodiff.py
	$(PY) benchmarks/bench_conv.py
	$(PY) benchmarks/bench_rnn.py

clean:
	rm -rf $(VENV) student slides build
