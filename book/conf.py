"""Sphinx configuration of the course's web book (built by `make book` / `python -m helpers.book`).

helpers/book.py stages this file, the pages of book/ and the lecture notebooks (speaker notes
removed, widgets turned into pictures) into one source folder, then runs Sphinx on it. Nothing
is executed: the notebooks' stored outputs are shown as they are. Everything the site loads is
inside the site (MathJax 3 included), so it opens from disk without a network.
"""

import os

project = "Deep Learning, hands on"
author = "the course authors"
copyright = "the course authors; text CC BY 4.0, code MIT"

extensions = ["myst_nb", "sphinx_copybutton"]
exclude_patterns = ["_build", "**.ipynb_checkpoints", "intro.md"]  # intro.md: part of index.md
master_doc = "index"

# notebooks: show the stored outputs, never execute; no widget JavaScript from a CDN
nb_execution_mode = "off"
nb_ipywidgets_js = {}
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3
suppress_warnings = ["mystnb.unknown_mime_type", "myst.header"]

# MathJax 3 from the site itself (helpers/book.py copies it to _static/mathjax/)
mathjax_path = "mathjax/tex-svg-full.js"
mathjax3_config = {"svg": {"fontCache": "global"}}

html_theme = "sphinx_book_theme"
html_title = project
html_static_path = ["_static"]
html_css_files = ["book.css"]
html_copy_source = False
html_show_sourcelink = False
html_show_sphinx = False
html_last_updated_fmt = None
html_context = {"default_mode": "light"}  # figures have white backgrounds
html_theme_options = {
    "repository_url": os.environ.get("BOOK_REPOSITORY_URL", ""),
    "use_repository_button": bool(os.environ.get("BOOK_REPOSITORY_URL")),
    "use_download_button": False,
    "use_fullscreen_button": False,
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
