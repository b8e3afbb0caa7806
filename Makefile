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

.PHONY: lab test student execute clean

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

clean:
	rm -rf $(VENV) student slides build

# One file per area (slides, browser tests, book, classroom, grading, benchmarks).
include $(sort $(wildcard mk/*.mk))
