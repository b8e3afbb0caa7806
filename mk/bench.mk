# Benchmarks (make bench): targets are reported, never asserted.
.PHONY: bench

bench: $(VENV)/.test-installed  ## notebook run times and widget latency (targets reported, not asserted)
	$(PY) benchmarks/run_notebooks.py
	$(PY) benchmarks/widget_latency.py
	$(PY) benchmarks/bench_frames.py
	$(PY) benchmarks/bench_autodiff.py
	$(PY) benchmarks/bench_conv.py
	$(PY) benchmarks/bench_rnn.py

