"""Each deck has about 20-40 slides (issue 13): what an instructor can present in a lecture.

Counted as the browser shows them: the title slide, every slide/subslide cell, and the sub-slides
the builder adds where content would overflow 1280x720 (helpers.slides.paginate). The browser
suite (tests/browser/test_slides_browser.py) checks that this count equals reveal.js's own.
A deck may run a slide or two over 40 ("about"); past 42 something should move to `skip`
(it stays in the notebook, the web book and the student copy).
"""

from pathlib import Path

import nbformat
import pytest

from helpers import slides

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def deck_length(nb) -> int:
    deck = slides.deck_notebook(nb, "deck")
    shown = [c for c in deck.cells
             if c.metadata.get("slideshow", {}).get("slide_type") not in ("skip", "notes")]
    return sum(c.metadata.get("slideshow", {}).get("slide_type") in ("slide", "subslide")
               for c in shown)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem[:2])
def test_each_deck_has_about_20_to_40_slides(path):
    n = deck_length(nbformat.read(path, as_version=4))
    assert 20 <= n <= 42, f"{path.name}: {n} slides"


def test_the_count_sees_the_builders_splits():
    """A notebook of one slide whose text is four screens long gives more than one slide."""
    long = "\n\n".join(f"Paragraph {i}: " + "words " * 60 for i in range(30))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# T\n\n" + long)])
    nb.cells[0].metadata["slideshow"] = {"slide_type": "slide"}
    assert deck_length(nb) > 1 + 1  # title slide + the cell, then its splits
