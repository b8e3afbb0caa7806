"""The decks in Chromium at 1280x720, as an instructor opens them (tests of issue 13, "Slides").

The decks are built once per session from the notebooks (helpers.slides, as `make slides` does)
into a temporary folder next to a link to slides/vendor (reveal.js + MathJax from npm: installed
by `make slides-vendor` here if missing; without npm the module skips, or fails under
REQUIRE_BROWSER=1). Each deck is opened from file:// with every non-local request aborted, at a
deep link into its middle, and then walked slide by slide to its end and back from its start:

* reveal.js is initialised, the deep link is honoured, no request left the machine;
* slide count = 1 title slide + the notebook's slide/subslide cells + the builder's splits
  (sections marked data-split), and = reveal's own count;
* no slide is taller or wider than 1280x720 (the section's layout size, which reveal scales to
  the window; code boxes that scroll inside themselves count at their box size);
* each formula is rendered exactly once: per slide, MathJax's containers = the TeX delimiters
  found in the deck's HTML by an independent parser, and no raw TeX is left visible;
* every picture loaded.

Then: a reload mid-deck keeps each formula once; the speaker view (served over http from
127.0.0.1, as `make present` does) shows the current and next slide and the notes; printing
one deck with ?print-pdf gives one PDF page per slide. Screenshots and the PDF go to
build/browser-artifacts/.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import subprocess
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from tests.browser.conftest import REQUIRE_BROWSER, ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
VENDOR = ROOT / "slides" / "vendor" / "node_modules"
READY = ("() => window.Reveal && Reveal.isReady() "
         "&& document.documentElement.getAttribute('data-math') === 'done'")


# -- an independent reading of a deck's HTML: leaf slides, their formulas and notes ------------
MATH = re.compile(r"\$\$.+?\$\$|\\\[.+?\\\]|\\begin\{([a-z]+\*?)\}.+?\\end\{\1\}"
                  r"|(?<!\\)\$(?!\$).+?(?<!\\)\$|\\\(.+?\\\)", re.S)


class DeckReader(HTMLParser):
    """Leaf <section>s in order: attributes, text outside code/notes, notes text."""

    SKIP = ("pre", "code", "script", "style")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.leaves, self.skip, self.aside = [], [], 0, 0

    def handle_starttag(self, tag, attrs):
        if tag == "section":
            if self.stack:
                self.stack[-1]["leaf"] = False
            self.stack.append({"attrs": dict(attrs), "text": [], "notes": [], "leaf": True})
        elif tag in self.SKIP:
            self.skip += 1
        elif tag == "aside":
            self.aside += 1

    def handle_endtag(self, tag):
        if tag == "section":
            s = self.stack.pop()
            if s["leaf"]:
                self.leaves.append(s)
        elif tag in self.SKIP:
            self.skip -= 1
        elif tag == "aside":
            self.aside -= 1

    def handle_data(self, data):
        if not self.stack:
            return
        if self.aside:
            self.stack[-1]["notes"].append(data)
        elif not self.skip:
            self.stack[-1]["text"].append(data)


def read_deck(path: Path) -> list[dict]:
    reader = DeckReader()
    reader.feed(path.read_text(encoding="utf-8"))
    slides = []
    for leaf in reader.leaves:
        text = "".join(leaf["text"])
        slides.append({"attrs": leaf["attrs"], "formulas": len(MATH.findall(text)),
                       "notes": " ".join("".join(leaf["notes"]).split())})
    return slides


# -- fixtures ---------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def vendor():
    """slides/vendor/node_modules (reveal.js, MathJax), installed by make if missing."""
    if not (VENDOR / ".installed").exists():
        if shutil.which("npm") is None or shutil.which("make") is None:
            reason = "npm is missing: the decks need reveal.js and MathJax from npm (make slides)"
            if REQUIRE_BROWSER:
                pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
            pytest.skip(reason)
        subprocess.run(["make", "-s", "slides-vendor"], cwd=ROOT, check=True)
    return VENDOR


@pytest.fixture(scope="session")
def decks(chromium, vendor, tmp_path_factory) -> dict[str, Path]:
    """Every deck, built once from the notebooks into a temporary slides folder."""
    from helpers import slides

    out = tmp_path_factory.mktemp("slides")
    (out / "vendor").mkdir()
    (out / "vendor" / "node_modules").symlink_to(vendor, target_is_directory=True)
    built = slides.build(ROOT / "notebooks", out)
    return {p.name[:2]: p for p in built}


def _wait_ready(page):
    page.wait_for_function(READY, timeout=90_000)


# -- every deck, walked slide by slide --------------------------------------------------------
WALK = """(order) => {
  const cfg = Reveal.getConfig();
  const strip = (section) => {
    const c = section.cloneNode(true);
    c.querySelectorAll('mjx-container, pre, code, aside, script, style').forEach(e => e.remove());
    return c.textContent;
  };
  const out = [];
  for (const [h, v] of order) {
    Reveal.slide(h, v, 1000);          // every fragment shown (hidden ones take space anyway)
    const s = Reveal.getCurrentSlide();
    const text = strip(s);
    out.push({h: h, v: v, index: [...Reveal.getSlides()].indexOf(s),
              height: s.scrollHeight, width: s.scrollWidth,
              formulas: [...s.querySelectorAll('mjx-container')].filter(m => !m.closest('aside')).length,
              rawTex: (text.match(/\\\\[A-Za-z]{2,}|\\$[^$\\s][^$]*\\$/) || [null])[0],
              title: (s.querySelector('h1, h2, h3') || {textContent: ''}).textContent.replace('¶', '').slice(0, 50)});
  }
  return {slides: out, width: cfg.width, height: cfg.height, scale: Reveal.getScale(),
          total: Reveal.getTotalSlides(),
          splits: document.querySelectorAll('.slides section[data-split]').length,
          broken: [...document.images].filter(i => !i.complete || i.naturalWidth === 0).length,
          box: document.querySelector('.reveal .slides').getBoundingClientRect().toJSON()};
}"""


def _order(page, start_h):
    """(h, v) of every slide: from ``start_h`` to the end, then from the start back up to it."""
    slides = page.evaluate("() => Reveal.getSlides().map(s => { const i = Reveal.getIndices(s);"
                           " return [i.h, i.v || 0]; })")
    return [hv for hv in slides if hv[0] >= start_h] + [hv for hv in slides if hv[0] < start_h]


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=[p.name[:2] for p in NOTEBOOKS])
def test_deck_opened_mid_way_fits_and_renders_each_formula_once(nb_path, decks, offline_page,
                                                                  artifacts_dir):
    from helpers import slides as builder

    deck = decks[nb_path.name[:2]]
    expected = read_deck(deck)
    tops = sum(1 for _ in re.finditer(r"<section(?: [^>]*)?>\s*<section", deck.read_text()))
    start = tops // 2
    page = offline_page
    page.goto(f"{deck.as_uri()}#/{start}")
    _wait_ready(page)
    assert page.evaluate("() => Reveal.getIndices().h") == start, "deep link not honoured"
    r = page.evaluate(WALK, _order(page, start))

    # count: the rule, reveal's count and the HTML agree
    nb = nbformat.read(nb_path, as_version=4)
    assert r["total"] == len(expected) == builder.expected_slides(nb) + r["splits"]
    assert r["splits"] == sum("data-split" in s["attrs"] for s in expected)
    assert "data-title-slide" in expected[0]["attrs"]
    # the slide box fits the 1280x720 window
    box = r["box"]
    assert box["left"] >= 0 and box["top"] >= 0
    assert box["left"] + r["width"] * r["scale"] <= 1280.5
    assert box["top"] + r["height"] * r["scale"] <= 720.5
    overflow = [f"slide {s['index'] + 1} ({s['h']}/{s['v']}) '{s['title']}': "
                f"{s['width']}x{s['height']} px" for s in r["slides"]
                if s["height"] > r["height"] + 1 or s["width"] > r["width"] + 1]
    assert not overflow, f"{deck.name}: {len(overflow)} slide(s) overflow 1280x720: {overflow}"
    twice = [(s["index"] + 1, s["formulas"], expected[s["index"]]["formulas"])
             for s in r["slides"] if s["formulas"] != expected[s["index"]]["formulas"]]
    assert not twice, f"(slide, formulas rendered, formulas in the source): {twice}"
    raw = [(s["index"] + 1, s["rawTex"]) for s in r["slides"] if s["rawTex"]]
    assert not raw, f"raw TeX left visible: {raw}"
    assert r["broken"] == 0, "a picture did not load"
    assert page.requests.blocked == [], page.requests.blocked
    page.evaluate(f"() => Reveal.slide({start}, 0)")
    page.screenshot(path=str(artifacts_dir / f"slides_{nb_path.stem}_mid.png"))


def test_a_reload_and_going_back_keep_each_formula_once(decks, offline_page):
    deck = decks["01"]
    expected = read_deck(deck)
    page = offline_page
    # the first slide after the title that has formulas
    target = next(i for i, s in enumerate(expected) if i > 2 and s["formulas"] >= 2)
    page.goto(deck.as_uri())
    _wait_ready(page)
    page.evaluate(f"() => Reveal.slide(...Object.values(Reveal.getIndices(Reveal.getSlides()[{target}])))")
    # reveal.js writes the slide into the URL's hash after the transition, not at once: reload
    # only when the address bar names the slide, as it does when an instructor presses F5
    page.wait_for_function("() => /^#\\/\\d/.test(location.hash) && location.hash !== '#/0'")
    page.reload()
    _wait_ready(page)
    count = ("() => [...Reveal.getCurrentSlide().querySelectorAll('mjx-container')]"
             ".filter(m => !m.closest('aside')).length")
    here = page.evaluate("() => [...Reveal.getSlides()].indexOf(Reveal.getCurrentSlide())")
    assert here == target, "the reload did not come back to the same slide"
    assert page.evaluate(count) == expected[target]["formulas"]
    for _ in range(3):  # going back, slide by slide
        page.evaluate("() => Reveal.prev()")
        i = page.evaluate("() => [...Reveal.getSlides()].indexOf(Reveal.getCurrentSlide())")
        assert page.evaluate(count) == expected[i]["formulas"]
    assert page.requests.blocked == []


# -- speaker view over http -------------------------------------------------------------------
@pytest.fixture
def served(decks):
    """The decks' folder on http://127.0.0.1:<free port>/ (as `make present` serves it)."""
    from helpers.slides import _quiet_handler

    folder = next(iter(decks.values())).parent
    handler = functools.partial(_quiet_handler(), directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_speaker_view_shows_current_and_next_slide_and_the_notes(decks, served, chromium,
                                                                 offline_page, artifacts_dir):
    deck = decks["01"]
    expected = read_deck(deck)
    nb = nbformat.read(NOTEBOOKS[0], as_version=4)
    notes_cells = [" ".join(c.source.split()) for c in nb.cells
                   if c.metadata.get("slideshow", {}).get("slide_type") == "notes"]
    # a slide whose notes come from a notes cell of the notebook
    target, note = next((i, n) for i, s in enumerate(expected) for n in notes_cells
                        if s["notes"] and n[:60] in s["notes"])
    blocked = []

    def route(r):  # the speaker window and its frames: local requests only, too
        if r.request.url.startswith(("http://127.0.0.1", "about:", "data:", "blob:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    chromium.route("**/*", route)
    try:
        page = offline_page
        page.goto(f"{served}/{deck.name}")
        _wait_ready(page)
        page.evaluate(f"() => Reveal.slide(...Object.values(Reveal.getIndices(Reveal.getSlides()[{target}])))")
        with chromium.expect_page(timeout=30_000) as popup_info:
            page.keyboard.press("s")
        speaker = popup_info.value
        notes = speaker.locator(".speaker-controls-notes .value")
        notes.wait_for(timeout=60_000)
        speaker.wait_for_function(
            "(t) => document.querySelector('.speaker-controls-notes .value')"
            ".textContent.replace(/\\s+/g, ' ').includes(t)", arg=note[:60], timeout=60_000)
        # the preview frames (re-created while the speaker view connects: look them up anew)
        index = ("() => window.Reveal && Reveal.isReady() ? [[...Reveal.getSlides()]"
                 ".indexOf(Reveal.getCurrentSlide()), Reveal.getIndices().f ?? -1] : null")

        def shows(name, ok, timeout=60.0):
            seen, end = None, time.monotonic() + timeout
            while time.monotonic() < end:
                el = speaker.query_selector(f"#{name} iframe")
                frame = el.content_frame() if el else None
                try:
                    seen = frame.evaluate(index) if frame else None
                except Exception:  # a frame being replaced
                    seen = None
                if seen and ok(*seen):
                    return seen
                time.sleep(0.5)
            raise AssertionError(f"the speaker view's {name} shows {seen}")

        shows("current-slide", lambda i, f: i == target)
        # "upcoming" is the next step: the next slide, or this one with its next fragment shown
        shows("upcoming-slide", lambda i, f: i == target + 1 or (i == target and f >= 0))
        speaker.screenshot(path=str(artifacts_dir / "slides_speaker_view.png"))
        speaker.close()
    finally:
        chromium.unroute("**/*", route)
    assert blocked == [] and page.requests.blocked == []


# -- print to PDF -----------------------------------------------------------------------------
def _pdf_pages(data: bytes) -> int:
    try:
        import pypdf
    except ImportError:
        return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))
    import io

    return len(pypdf.PdfReader(io.BytesIO(data)).pages)


def test_a_deck_prints_to_pdf_one_page_per_slide(decks, offline_page, artifacts_dir):
    deck = decks["06"]
    n = len(read_deck(deck))
    page = offline_page
    page.goto(f"{deck.as_uri()}?print-pdf")
    _wait_ready(page)
    page.wait_for_function("() => document.querySelectorAll('.pdf-page').length > 0",
                           timeout=60_000)
    assert page.evaluate("() => Reveal.getTotalSlides()") == n
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (artifacts_dir / f"slides_{deck.stem}.pdf").write_bytes(pdf)
    assert _pdf_pages(pdf) == n
    assert page.requests.blocked == []

