# A class on JupyterHub: the load test (make classroom-test) and its proxy.
# configurable-http-proxy (the hub's proxy) comes from the npm registry, pinned, into build/classroom/.
.PHONY: classroom-test classroom-proxy

CHP_VERSION := 5.3.0
CLASSROOM_NODE := build/classroom/node_modules
CHP := $(CLASSROOM_NODE)/.bin/configurable-http-proxy

$(CLASSROOM_NODE)/.chp-$(CHP_VERSION):
	mkdir -p build/classroom
	npm install --prefix build/classroom --no-audit --no-fund --no-save --silent \
	  configurable-http-proxy@$(CHP_VERSION)
	touch $@

classroom-proxy: $(CLASSROOM_NODE)/.chp-$(CHP_VERSION)  ## install configurable-http-proxy (npm) into build/classroom/

classroom-test: $(VENV)/.test-installed $(CLASSROOM_NODE)/.chp-$(CHP_VERSION)  ## 10 simulated students on a real JupyterHub (127.0.0.1): copies, lecture 01, re-login; prints memory/CPU per student
	$(PY) -m pytest -p no:cacheprovider -o addopts="" -s tests/test_classroom.py
