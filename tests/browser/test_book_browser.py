"""The web book in Chromium, opened from disk with every non-local request blocked: formulas are
typeset by the site's own MathJax, styles and figures load, search works.

Builds a one-lecture book (lecture 01: formulas, figures, widgets) into a temp folder; the
whole book is checked as files in tests/test_book.py.
"""

import os
from pathlib import Path

import pytest

from helpers import book

ROOT = Path(__file__).resolve().parents[2]
LECTURE = "01_perceptron"
# generous: a lecture page is ~1 MB of HTML with ~250 formulas to typeset, on a shared 2-core
# machine (these bound a hang; they are not performance targets)
TIMEOUT_MS = 180_000


@pytest.fixture(scope="module")
def site(tmp_path_factory, chromium):
    if not book.vendor_mathjax():
        reason = "the web book needs MathJax from npm (`make book-vendor`), and npm is missing"
        if os.environ.get("REQUIRE_BROWSER", "") not in ("", "0"):
            pytest.fail(reason)
        pytest.skip(reason)
    src = tmp_path_factory.mktemp("notebooks")
    (src / f"{LECTURE}.ipynb").symlink_to(ROOT / "notebooks" / f"{LECTURE}.ipynb")
    return book.build(src, tmp_path_factory.mktemp("book"), book.MATHJAX_DIR)


def open_offline(page, url):
    page.set_default_timeout(TIMEOUT_MS)
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(url, timeout=TIMEOUT_MS)
    page.wait_for_load_state("load", timeout=TIMEOUT_MS)
    return failed


def test_a_lecture_renders_its_formulas_offline(site, offline_page, artifacts_dir):
    page = offline_page
    failed = open_offline(page, (site / f"{LECTURE}.html").as_uri())
    page.wait_for_function("document.querySelectorAll('mjx-container svg').length > 20",
                           timeout=TIMEOUT_MS)
    text = page.inner_text("article")
    assert "$$" not in text and "\\(" not in text and "\\[" not in text
    assert "\\mathbf" not in text  # no TeX left untypeset
    # the stylesheets loaded and apply: the theme's colours, its sidebar, the book's own rules
    primary = page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--pst-color-primary')")
    assert primary.strip(), "the theme's stylesheet did not load"
    assert page.evaluate("getComputedStyle(document.querySelector('.bd-sidebar-primary')).display") != "none"
    assert page.evaluate("getComputedStyle(document.querySelector('a.launch')).borderStyle") == "solid"
    # every figure decoded
    sizes = page.evaluate("[...document.querySelectorAll('article img')].map(i => i.naturalWidth)")
    assert len(sizes) >= 5 and all(w > 0 for w in sizes), sizes
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts_dir / "book-lecture.png"))
    assert page.requests.blocked == [], page.requests.blocked
    assert failed == [], failed


def test_home_page_and_search_work_offline(site, offline_page, artifacts_dir):
    page = offline_page
    failed = open_offline(page, (site / "index.html").as_uri())
    assert page.locator(f"article a[href='{LECTURE}.html']").count() >= 1
    page.screenshot(path=str(artifacts_dir / "book-home.png"))
    assert failed == [], failed
    page.goto((site / "search.html").as_uri() + "?q=perceptron", timeout=TIMEOUT_MS)
    page.wait_for_selector("#search-results li", timeout=TIMEOUT_MS)
    assert page.locator("#search-results li a", has_text="The perceptron").count() >= 1
    # (Sphinx's search then fetches each hit's page for a summary, which file:// refuses;
    # the hits are listed all the same)
    assert page.requests.blocked == [], page.requests.blocked
