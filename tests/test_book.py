"""The web book (make book / helpers/book.py): built once for this module into a temp folder
from the stored outputs of the notebooks, plus a probe notebook written here with the cases
the real notebooks may not have yet (a widget output that carries a picture, notes, the Colab
set-up cell). Checks the site as files: a page per notebook, every referenced file and anchor
exists, nothing loads from outside the site, no speaker notes, widget pictures and play lines,
launch links, previous/next, search. The same site in Chromium: tests/browser/test_book_browser.py.
"""

import base64
import json
import os
import re
import tomllib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from helpers import book, colab

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
with open(ROOT / "pyproject.toml", "rb") as fh:
    REPO = tomllib.load(fh)["project"]["urls"]["Repository"].rstrip("/")
OWNER_NAME = REPO.removeprefix("https://github.com/")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
CI = any(os.environ.get(k, "") not in ("", "0") for k in ("CI", "REQUIRE_BROWSER"))

# an 8x8 PNG (solid orange), written by hand: the probe widget's stored picture
PROBE_PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000008000000080802000000"
    "4b6d29dc0000001349444154789c63f8ff8f6100222a4c0f4b00007d2b7f81"
    "b1e7d4b70000000049454e44ae426082")).decode()
NOTE_TEXT = "Probe speaker note that must never reach a reader"


def mathjax_or_skip() -> Path:
    """The vendored MathJax (installed with `make book-vendor` when npm is there)."""
    if not book.vendor_mathjax():
        reason = "the web book needs MathJax from npm (`make book-vendor`), and npm is missing"
        if CI:
            pytest.fail(reason)
        pytest.skip(reason)
    return book.MATHJAX_DIR


def probe_notebook() -> dict:
    def md(text, slide="slide"):
        return {"cell_type": "markdown", "metadata": {"slideshow": {"slide_type": slide}},
                "source": text}

    def code(text, outputs):
        return {"cell_type": "code", "metadata": {}, "source": text, "execution_count": 1,
                "outputs": outputs}

    widget = {WIDGET_VIEW: {"model_id": "0", "version_major": 2, "version_minor": 0},
              "text/plain": "▶ Run this cell to play with the widget."}
    cells = [
        md("# 99 · Widget probe\n\n*A probe lecture for the tests of the book. It has a "
           "second sentence.*\n\nMore text."),
        code(colab.setup_source(), []),
        md(NOTE_TEXT, slide="notes"),
        md("Euler: $$e^{i\\pi} + 1 = 0$$"),
        code("# NBVAL_IGNORE_OUTPUT\nwidget_with_picture()",
             [{"output_type": "execute_result", "execution_count": 1, "metadata": {},
               "data": dict(widget, **{"image/png": PROBE_PNG})}]),
        code("widget_without_picture()",
             [{"output_type": "execute_result", "execution_count": 2, "metadata": {},
               "data": dict(widget)}]),
    ]
    return {"cells": [dict(c, id=f"p{i}") for i, c in enumerate(cells)],
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                        "language": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(html folder, {page stem: notebook}) of a book built from the notebooks and the probe."""
    mathjax = mathjax_or_skip()
    src = tmp_path_factory.mktemp("notebooks")
    nbs = {}
    for path in NOTEBOOKS:
        (src / path.name).symlink_to(path)
        nbs[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    nbs["99_widget_probe"] = probe_notebook()
    (src / "99_widget_probe.ipynb").write_text(json.dumps(nbs["99_widget_probe"]), encoding="utf-8")
    html = book.build(src, tmp_path_factory.mktemp("book"), mathjax)
    return html, nbs


class Page(HTMLParser):
    """The parts of an HTML page the tests look at."""

    def __init__(self, path: Path):
        super().__init__()
        self.path = path
        self.refs: list[tuple[str, str, dict]] = []   # (tag, url, attributes)
        self.ids: set[str] = set()
        self.text: list[str] = []
        self.imgs_before_play: list[str | None] = []  # per play line: the img just before it
        self._last_img = None
        self._skip = 0
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name"):
            if a.get(key):
                self.ids.add(a[key])
        for key in ("src", "href"):
            if a.get(key) is not None:
                self.refs.append((tag, a[key], a))
        if tag == "div" and "cell" in (a.get("class") or "").split():
            self._last_img = None  # a new notebook cell
        if tag == "img":
            self._last_img = a.get("src")
        if tag == "p" and book.PLAY_CLASS in (a.get("class") or "").split():
            self.imgs_before_play.append(self._last_img)
            self._last_img = None
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)

    @property
    def plain(self) -> str:
        return " ".join(" ".join(self.text).split())


@pytest.fixture(scope="module")
def pages(site):
    html, _ = site
    return {p.relative_to(html).as_posix(): Page(p) for p in html.rglob("*.html")
            if "_static" not in p.parts}


def test_a_page_per_notebook_and_the_syllabus_on_the_home_page(site, pages):
    html, nbs = site
    assert len(NOTEBOOKS) == 8
    home = pages["index.html"]
    for stem, nb in nbs.items():
        assert f"{stem}.html" in pages, f"no page for {stem}"
        title_cell = "".join(nb["cells"][0]["source"])
        heading = title_cell.split("\n")[0].lstrip("# ").strip()        # "01 · The perceptron"
        number, title = heading.split(" · ", 1)
        assert title in pages[f"{stem}.html"].plain
        hrefs = [url for tag, url, _ in home.refs if tag == "a"]
        assert f"{stem}.html" in hrefs, f"the home page does not link to {stem}"
        # the pitch: the first words of the title cell's first paragraph, markup removed
        pitch = re.sub(r"[*`]", "", title_cell.split("\n\n")[1])
        assert " ".join(pitch.split()[:6]) in home.plain, f"{stem}'s pitch is not on the home page"
        assert re.search(rf"\b{number}\b", home.plain)


def test_every_referenced_file_and_anchor_exists(site, pages):
    html, _ = site
    missing = []
    for name, page in pages.items():
        for tag, url, _ in page.refs:
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or url.startswith("mailto:"):
                continue
            target = (page.path.parent / unquote(parts.path)).resolve() if parts.path else page.path
            if not target.exists():
                missing.append(f"{name}: <{tag}> {url}")
            elif parts.fragment and target.suffix == ".html":
                ids = pages[target.relative_to(html.resolve()).as_posix()].ids \
                    if target.is_relative_to(html.resolve()) else set()
                if unquote(parts.fragment) not in ids:
                    missing.append(f"{name}: <{tag}> {url} (no such anchor)")
    assert not missing, "\n".join(missing[:20])
    images = [url for page in pages.values() for tag, url, _ in page.refs if tag == "img"]
    assert sum("_images/" in u for u in images) >= 8 * 5  # the lectures' figures are there


def test_nothing_is_loaded_from_outside_the_site(site, pages):
    html, _ = site
    loaded_tags = {"script", "link", "img", "iframe", "source", "audio", "video", "embed"}
    outside = [f"{name}: <{tag}> {url}" for name, page in pages.items()
               for tag, url, attrs in page.refs
               if tag in loaded_tags and (urlsplit(url).scheme not in ("", "data")
                                          or url.startswith("//"))]
    assert not outside, "\n".join(outside[:20])
    css_urls = [(css.name, m) for css in html.rglob("*.css")
                for m in re.findall(r"url\(\s*['\"]?((?:https?:)?//[^)'\"]+)",
                                    css.read_text(encoding="utf-8", errors="replace"))]
    assert not css_urls, css_urls[:10]


def test_mathjax_comes_from_the_site(site, pages):
    html, _ = site
    for stem in ("01_perceptron", "99_widget_probe"):
        scripts = [url for tag, url, _ in pages[f"{stem}.html"].refs if tag == "script"]
        mathjax = [u.split("?")[0] for u in scripts if "mathjax" in u.lower()]
        assert mathjax == ["_static/mathjax/tex-svg-full.js"], scripts
    assert (html / "_static" / "mathjax" / "tex-svg-full.js").stat().st_size > 1_000_000


def test_no_speaker_notes_and_no_setup_or_test_directives(site, pages):
    _, nbs = site
    checked = 0
    for stem, nb in nbs.items():
        text = pages[f"{stem}.html"].plain
        for cell in nb["cells"]:
            if cell.get("metadata", {}).get("slideshow", {}).get("slide_type") != "notes":
                continue
            # the longest run of plain words in the note (rendering leaves those as they are)
            runs = re.findall(r"[A-Za-z][A-Za-z ,]{24,}[A-Za-z]", "".join(cell["source"]))
            if runs:
                snippet = " ".join(max(runs, key=len).split())
                assert snippet not in text, f"{stem}: a speaker note is shown: {snippet!r}"
                checked += 1
        assert colab.MARKER.lstrip("# ") not in text
        assert "NBVAL_" not in text
    assert checked >= 8 * 3


def test_widgets_show_their_picture_or_a_line_where_to_play(site, pages):
    html, nbs = site
    for stem, nb in nbs.items():
        widgets = [o for c in nb["cells"] for o in c.get("outputs", [])
                   if WIDGET_VIEW in o.get("data", {})]
        page = pages[f"{stem}.html"]
        assert len(page.imgs_before_play) == len(widgets), stem
        for out, img in zip(widgets, page.imgs_before_play):
            if "image/png" in out["data"]:
                assert img is not None, f"{stem}: a widget's picture is missing"
                stored = base64.b64decode("".join(out["data"]["image/png"]))
                assert (page.path.parent / img).read_bytes() == stored
            else:
                assert img is None
    probe = pages["99_widget_probe.html"]
    assert probe.imgs_before_play[0] is not None and probe.imgs_before_play[1] is None
    assert "Run this cell to play" not in probe.plain  # the notebook's own fallback line is replaced
    assert "application/vnd.jupyter.widget" not in (html / "99_widget_probe.html").read_text()


def test_each_lecture_links_to_colab_binder_and_local_jupyterlab(site, pages):
    _, nbs = site
    for stem in nbs:
        hrefs = {url for tag, url, _ in pages[f"{stem}.html"].refs if tag == "a"}
        path = f"notebooks/{stem}.ipynb"
        assert f"https://colab.research.google.com/github/{OWNER_NAME}/blob/main/{path}" in hrefs
        assert f"https://mybinder.org/v2/gh/{OWNER_NAME}/HEAD?labpath={path.replace('/', '%2F')}" in hrefs
        assert "run.html#on-your-computer" in hrefs
    run = pages["run.html"]
    assert "on-your-computer" in run.ids and "make lab" in run.plain and REPO in run.plain


def test_previous_next_and_search(site, pages):
    html, nbs = site
    order = ["index"] + sorted(nbs) + ["run"]
    for before, stem, after in zip(order, order[1:], order[2:]):
        links = {a.get("rel"): url for tag, url, a in pages[f"{stem}.html"].refs if tag == "link"}
        assert links.get("prev") == f"{before}.html" and links.get("next") == f"{after}.html", stem
    assert "search.html" in pages
    index = (html / "searchindex.js").read_text(encoding="utf-8")
    assert '"perceptron"' in index and '"backpropag' in index
    assert "<form" in (html / "index.html").read_text() and 'action="search.html"' in (
        html / "index.html").read_text()


def test_no_notebook_is_executed_and_no_execution_folder_is_published(site):
    html, _ = site
    assert not (html.parent / "jupyter_execute").exists()
    assert not list(html.rglob("*.ipynb"))  # neither the staged notebooks nor student copies


# --- staging, without a build --------------------------------------------------------------

def test_lecture_title_reads_number_title_and_pitch():
    nb = {"cells": [{"cell_type": "markdown", "source":
                     "# 04 · Convolution\n\n**Why convolutions?** Because they are the *only* "
                     "linear layers that treat every position alike. More follows.\n\nrest"}]}
    assert book.lecture_title(nb) == (
        "04", "Convolution",
        "Why convolutions? Because they are the only linear layers that treat every position alike.")
    with pytest.raises(ValueError, match="title"):
        book.lecture_title({"cells": [{"cell_type": "markdown", "source": "No title"}]})


def test_staging_leaves_the_notebook_unchanged():
    nb = probe_notebook()
    before = json.dumps(nb, sort_keys=True)
    staged = book.stage_notebook(nb, "99_widget_probe", REPO)
    assert json.dumps(nb, sort_keys=True) == before
    assert len(staged["cells"]) == len(nb["cells"]) - 2 + 1  # - notes - set-up + launch links


def test_readme_badges_point_at_the_repository_of_pyproject():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Web book, Colab and Binder", 1)[1].split("\n## ", 1)[0]
    assert f"(https://mybinder.org/v2/gh/{OWNER_NAME}/HEAD?labpath=notebooks%2F01_perceptron.ipynb)" in section
    assert (f"(https://colab.research.google.com/github/{OWNER_NAME}/blob/main/notebooks/"
            f"01_perceptron.ipynb)") in section
    assert book.readme_badges() in section


def test_bad_arguments_are_refused_naming_them_before_anything_is_written(tmp_path):
    with pytest.raises(TypeError, match=r"\bcell\b"):
        book.slide_type(None)
    with pytest.raises(TypeError, match=r"\bnb\b"):
        book.lecture_title([])
    with pytest.raises(TypeError, match=r"\bname\b"):
        book.links(None, REPO)
    with pytest.raises(ValueError, match=r"\brepo\b"):
        book.launch_html("01_perceptron", "nowhere")
    with pytest.raises(TypeError, match=r"\bpicture\b"):
        book.play_html("01_perceptron", REPO, None)
    with pytest.raises(TypeError, match=r"\blectures\b"):
        book.index_page([("01_perceptron", "01", "Perceptron")])
    with pytest.raises(ValueError, match=r"\bjobs\b"):
        book.build(ROOT / "notebooks", tmp_path / "out", None, jobs=10**9)
    with pytest.raises(FileNotFoundError, match="nowhere"):
        book.build(ROOT / "notebooks", tmp_path / "out", tmp_path / "nowhere")
    with pytest.raises(TypeError, match=r"\bsrc\b"):
        book.stage(ROOT / "notebooks", 1, REPO, None)  # not taken as a file descriptor
    with pytest.raises(ValueError, match=r"\bnotebooks\b"):
        book.stage(tmp_path, tmp_path / "src", REPO, None)
    assert sorted(tmp_path.iterdir()) == []
