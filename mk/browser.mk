# The real browser: Debian's chromium for the browser suite (tests/browser/), and live widgets
# on slides (make present-live).
.PHONY: browser-deps

CHROMIUM ?= /usr/bin/chromium
# apt needs root: use sudo only when we are not root already.
APT_SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

# Installs chromium with apt on Debian-like machines (Debian, Ubuntu, ...); a no-op when it is
# there. Playwright drives this browser (executable_path); it never downloads its own.
browser-deps:  ## install Debian's chromium for the browser tests (apt; once)
	@if [ -x "$(CHROMIUM)" ]; then \
	  echo "browser-deps: $(CHROMIUM) is installed ($$($(CHROMIUM) --version 2>/dev/null | tail -n 1))"; \
	elif command -v apt-get >/dev/null 2>&1; then \
	  echo "browser-deps: installing chromium with apt-get"; \
	  $(APT_SUDO) apt-get update && \
	  $(APT_SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	else \
	  echo "browser-deps: this is not a Debian-like machine (no apt-get). Install Chromium with your"; \
	  echo "  package manager and run the tests with CHROMIUM=/path/to/chromium, e.g."; \
	  echo "  CHROMIUM=/usr/bin/chromium-browser make test"; \
	  exit 1; \
	fi

# Live widgets on slides. jupyterlab-rise 0.43.1 (the latest release) shows a blank page with
# ipywidgets 8 (its widget manager fails to load; upstream jupyterlab-contrib/rise#119), so the
# deck is jupyterlab-slideshow: a presentation mode of JupyterLab's own notebook view, in which
# widgets keep their kernel. It is installed for this target only (pinned, into build/), and
# JupyterLab runs on a copy of the lecture in build/present-live/talk/, so notebooks/ stays clean.
.PHONY: present-live present-live-deps
PRESENT_DIR  := build/present-live
PRESENT_SITE := $(PRESENT_DIR)/site
PRESENT_PKGS := jupyterlab-slideshow==0.3.4 jupyterlab-fonts==3.0.0
NB ?= 01
PRESENT_TALK ?= $(PRESENT_DIR)/talk
PRESENT_SETTINGS ?= $(PRESENT_DIR)/settings

# The stamp names the pins, so changing them reinstalls. Only the existence of .venv is
# required (order-only): the browser test runs this target and must not reinstall .venv.
PRESENT_STAMP := $(PRESENT_SITE)/.installed-$(subst ==,-,$(subst $(eval) ,_,$(PRESENT_PKGS)))
$(PRESENT_STAMP): | $(VENV)/.base-installed
	rm -rf $(PRESENT_SITE)
	$(PIP) install --quiet --no-deps --target $(PRESENT_SITE) $(PRESENT_PKGS)
	touch $@

present-live-deps: $(PRESENT_STAMP)  ## install the slideshow extension for make present-live (once)

present-live: present-live-deps | $(VENV)/.base-installed  ## present lecture NB (e.g. NB=01) as live slides in JupyterLab (widgets work)
	@nb="$(NB)"; [ -f "$$nb" ] || nb=$$(ls notebooks/$(NB)*.ipynb 2>/dev/null | head -n 1); \
	if [ -z "$$nb" ] || [ ! -f "$$nb" ]; then \
	  echo "present-live: no notebook matches NB=$(NB) (e.g. make present-live NB=01)"; exit 2; fi; \
	talk=$(PRESENT_TALK); settings=$(PRESENT_SETTINGS)/@jupyterlab; \
	mkdir -p $$talk $$settings/apputils-extension $$settings/notebook-extension \
	  $(PRESENT_SETTINGS)/jupyterlab-slideshow && cp "$$nb" $$talk/ && \
	echo '{"fetchNews": "false", "checkForUpdates": false}' > $$settings/apputils-extension/notification.jupyterlab-settings && \
	echo '{"windowingMode": "none"}' > $$settings/notebook-extension/tracker.jupyterlab-settings && \
	echo '{"active": false}' > $(PRESENT_SETTINGS)/jupyterlab-slideshow/plugin.jupyterlab-settings && \
	echo "present-live: JupyterLab opens a copy, $$talk/$$(basename $$nb). To present:" && \
	echo "  1. Run > Run All Cells, and wait until the kernel is idle (the widgets need it);" && \
	echo "  2. click the title cell, then the 'deck' button at the right of the notebook's toolbar;" && \
	echo "  3. move through the slides with the arrows at the bottom right; 'deck' again ends it." && \
	JUPYTER_PATH=$(CURDIR)/$(PRESENT_SITE)/share/jupyter \
	JUPYTERLAB_SETTINGS_DIR=$(abspath $(PRESENT_SETTINGS)) \
	$(PY) -m jupyter lab $(ROOT_ARGS) --ServerApp.root_dir=$$talk $(LAB_ARGS) $$talk/$$(basename $$nb)
