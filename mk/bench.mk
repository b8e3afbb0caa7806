# Benchmarks (make bench): targets are reported, never asserted.
.PHONY: bench bench-notebooks bench-tests

bench: $(VENV)/.test-installed  ## notebook run times (fixed cost apart), widget latency, engine speeds (targets reported, not asserted)
	$(PY) benchmarks/run_notebooks.py
	$(PY) benchmarks/widget_latency.py
	$(PY) benchmarks/bench_frames.py
	$(PY) benchmarks/bench_autodiff.py
	$(PY) benchmarks/bench_conv.py
	$(PY) benchmarks/bench_rnn.py

bench-notebooks: $(VENV)/.test-installed  ## only the notebook table (NB="notebooks/02_*.ipynb" for some)
	$(PY) benchmarks/run_notebooks.py --markdown $(NB)

bench-tests: $(VENV)/.test-installed  ## wall time of `make test` and its ten slowest tests (takes minutes)
	$(PY) benchmarks/test_suite_time.py
