# Offline reveal.js decks (make slides) and the speaker view (make present NB=01).
# reveal.js and MathJax come from the npm registry once, pinned, into slides/vendor/; the decks
# load them from there, so the whole slides/ folder can go on a USB stick and open offline.
.PHONY: slides slides-vendor present

SLIDES_NPM    := reveal.js@5.2.1 mathjax@3.2.2
SLIDES_VENDOR := slides/vendor/node_modules

$(SLIDES_VENDOR)/.installed: mk/slides.mk
	@command -v npm >/dev/null 2>&1 || { echo "make slides needs npm once (Node.js), to fetch reveal.js and MathJax from the npm registry; on Debian/Ubuntu: sudo apt-get install npm" >&2; exit 1; }
	rm -rf slides/vendor
	mkdir -p slides/vendor
	npm install --prefix slides/vendor --no-audit --no-fund --silent $(SLIDES_NPM)
	touch $@

slides-vendor: $(SLIDES_VENDOR)/.installed  ## reveal.js + MathJax into slides/vendor (npm, once)

slides: $(VENV)/.base-installed $(SLIDES_VENDOR)/.installed  ## offline reveal.js decks into slides/ (needs npm once)
	$(PY) -m helpers.slides notebooks slides

present: $(VENV)/.base-installed $(SLIDES_VENDOR)/.installed  ## build deck NB and serve slides/ on 127.0.0.1 (make present NB=01); s = speaker view
	$(PY) -m helpers.slides notebooks slides $(if $(NB),--only $(NB))
	$(PY) -m helpers.slides present $(NB)
