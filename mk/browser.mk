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
