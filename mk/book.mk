# The web book (make book): static HTML of every lecture from the executed notebooks, offline.
.PHONY: book book-vendor

# MathJax 3 from the npm registry, pinned, into an ignored folder (helpers/book.py copies the
# part the site needs into build/book/html/_static/mathjax/).
BOOK_VENDOR := build/book-vendor
$(BOOK_VENDOR)/node_modules/mathjax/es5/tex-svg-full.js:
	mkdir -p $(BOOK_VENDOR)
	npm install --prefix $(BOOK_VENDOR) --no-audit --no-fund --silent mathjax@3.2.2
	test -f $@

book-vendor: $(BOOK_VENDOR)/node_modules/mathjax/es5/tex-svg-full.js  ## MathJax 3 for the web book (npm, once)

book: $(VENV)/.test-installed $(BOOK_VENDOR)/node_modules/mathjax/es5/tex-svg-full.js  ## web book into build/book/html/ (open index.html; works offline)
	$(PY) -m helpers.book --out build/book --mathjax $(BOOK_VENDOR)/node_modules/mathjax
