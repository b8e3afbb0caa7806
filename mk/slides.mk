# Offline reveal.js decks (make slides).
.PHONY: slides

SLIDES_VENDOR := slides/vendor/node_modules
$(SLIDES_VENDOR)/.installed:
	mkdir -p slides/vendor
	npm install --prefix slides/vendor --no-audit --no-fund --silent \
	  reveal.js@4.6.0 requirejs@2.3.8 jquery@3.8.0 mathjax@2.7.9
	touch $@

slides: $(VENV)/.base-installed $(SLIDES_VENDOR)/.installed  ## offline reveal.js decks into slides/ (needs npm once)
	$(PY) -m helpers.slides notebooks slides

