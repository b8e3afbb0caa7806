"""helpers.slides: decks reference only local assets, show widgets as pictures (or text), start
with a title slide and split what would not fit a 1280x720 slide. (The decks themselves are
measured in Chromium by tests/browser/test_slides_browser.py.)"""

import base64
import io
import re
from html.parser import HTMLParser

import nbformat
import pytest

from helpers import nbtidy, slides, widgets

# a real 1x1 PNG (the builder reads the size from the header)
PNG_1x1 = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5E"
           "rkJggg==")


def _png(width, height):
    """A PNG header of the given size (enough for the builder, which reads only the header)."""
    import struct
    import zlib
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    head = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk + struct.pack(
        ">I", zlib.crc32(chunk))
    return base64.b64encode(head).decode()


def _cell(kind, source, slide_type="-", outputs=()):
    cell = (nbformat.v4.new_markdown_cell(source) if kind == "md"
            else nbformat.v4.new_code_cell(source))
    cell.metadata["slideshow"] = {"slide_type": slide_type}
    if kind == "code":
        cell.outputs = list(outputs)
    return cell


def _nb_with_widget_output():
    nb = nbformat.v4.new_notebook()
    md = _cell("md", "# 01 · Demo lecture\n\n*A pitch in one line.*\n\n$\\sigma(x) = 1 / (1 + e^{-x})$",
               "slide")
    code = _cell("code", "canvas", "slide", [nbformat.v4.new_output("display_data", data={
        "image/png": PNG_1x1, "text/plain": "Canvas()",
        slides.WIDGET_VIEW: {"model_id": "abc", "version_major": 2, "version_minor": 0}})])
    notes = _cell("md", "say this", "notes")
    refs = _cell("md", "## References\n\nAfter L. Heinrich's *Intro to ML II* and V. Lepetit's "
                 "*Deep Learning: Introduction*.", "slide")
    nb.cells = [md, code, notes, refs]
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    return nb


class Sections(HTMLParser):
    """Leaf <section>s of a deck and their attributes (an independent reading of the HTML)."""

    def __init__(self):
        super().__init__()
        self.stack, self.leaves = [], []

    def handle_starttag(self, tag, attrs):
        if tag == "section":
            self.stack.append({"attrs": dict(attrs), "children": 0})
            if len(self.stack) > 1:
                self.stack[-2]["children"] += 1

    def handle_endtag(self, tag):
        if tag == "section":
            s = self.stack.pop()
            if s["children"] == 0:
                self.leaves.append(s["attrs"])


def _leaves(html):
    p = Sections()
    p.feed(html)
    return p.leaves


# -- static outputs ------------------------------------------------------------------------
def test_static_outputs_keep_the_picture_with_a_play_line_and_drop_the_live_view():
    nb = _nb_with_widget_output()
    out = slides.static_outputs(nb)
    outs = out.cells[1].outputs
    assert [sorted(o["data"]) for o in outs] == [["image/png"], ["text/html"]]
    assert outs[0]["data"]["image/png"] == PNG_1x1
    assert outs[1]["data"]["text/html"] == slides.PICTURE_NOTE and "JupyterLab" in slides.PICTURE_NOTE
    assert "widgets" not in out.metadata
    assert slides.WIDGET_VIEW in nb.cells[1].outputs[0]["data"]  # input left untouched


def test_widget_without_picture_becomes_a_note_and_a_progress_bar_stays_text():
    nb = _nb_with_widget_output()
    view = {"model_id": "def", "version_major": 2, "version_minor": 0}
    nb.cells[1].outputs = [
        nbformat.v4.new_output("display_data", data={"text/plain": nbtidy.RUN_LINE,
                                                     slides.WIDGET_VIEW: view}),
        nbformat.v4.new_output("display_data", data={
            "text/plain": "training:  50%|█████     | 8/16 [00:01<00:01]", slides.WIDGET_VIEW: view}),
        nbformat.v4.new_output("display_data", data={"text/html": "<b>plain html</b>"}),
        nbformat.v4.new_output("display_data", data={"text/plain": "training: 16/16 [████]"})]
    outs = slides.static_outputs(nb).cells[1].outputs
    assert outs[0]["data"] == {"text/html": slides.WIDGET_NOTE}
    assert outs[1]["data"] == {"text/plain": "training:  50%|█████     | 8/16 [00:01<00:01]"}
    assert outs[2]["data"] == {"text/html": "<b>plain html</b>"}  # stored html as it was
    assert outs[3]["data"] == {"text/plain": "training: 16/16 [████]"}


# -- the deck --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_deck(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("deck")
    (tmp / "nb").mkdir()
    nbformat.write(_nb_with_widget_output(), tmp / "nb" / "01_demo.ipynb")
    [deck] = slides.build(tmp / "nb", tmp / "slides")
    return deck.read_text()


def test_deck_loads_nothing_from_the_network(demo_deck):
    html = demo_deck
    urls = re.findall(r'(?:src|href)="([^"]+)"', html) + re.findall(r'"([^"\s]+\.js)"', html)
    remote = [u for u in urls if u.startswith(("http:", "https:", "//"))]
    assert not remote, remote
    assert f"{slides.VENDOR}/reveal.js/dist/reveal.js" in html
    assert f"{slides.VENDOR}/reveal.js/plugin/notes/notes.js" in html
    assert f"{slides.VENDOR}/mathjax/es5/tex-svg-full.js" in html
    assert "mermaid" not in html.lower() and "require.js" not in html
    assert "data:image/png;base64," + PNG_1x1 in html
    assert "say this" in html  # speaker notes kept
    assert "width: 1280" in html and "height: 720" in html


def test_title_slide_names_the_lecture_its_credits_and_the_course(demo_deck):
    leaves = _leaves(demo_deck)
    assert "data-title-slide" in leaves[0]
    title = demo_deck[:demo_deck.index("</section>")]
    assert "Demo lecture" in title and "A pitch in one line." in title
    assert slides.COURSE in title and "lecture 01" in title
    # the lecturers that the references name, in the order they are named there
    assert title.index("L. Heinrich") < title.index("V. Lepetit")


def test_slide_count_follows_the_rule(demo_deck):
    nb = _nb_with_widget_output()
    leaves = _leaves(demo_deck)
    # the rule: title slide + one per slide/subslide cell (here 3) + the builder's splits (none)
    assert slides.expected_slides(nb) == 1 + 3
    assert len(leaves) == slides.expected_slides(nb) + sum("data-split" in a for a in leaves)
    assert not any("data-split" in a for a in leaves)


@pytest.mark.parametrize("name,lecturers", [
    ("01_perceptron", ["Lepetit", "Wolf", "Heinrich"]),
    ("06_rnn_gradients", ["Pascanu", "Wolf", "Heinrich"]),
    ("08_energy_based_models", ["LeCun"]),
])
def test_credits_line_of_the_real_notebooks(name, lecturers):
    nb = nbformat.read(f"notebooks/{name}.ipynb", as_version=4)
    line = slides.credits_line(nb)
    for who in lecturers:
        assert who in line
    assert {w for w in slides.LECTURES if w in line} == set(lecturers)  # and no other


# -- layout: splits and picture sizes ---------------------------------------------------------
def _paragraph(i):
    return f"Paragraph {i}: " + "word " * 60  # two to three lines of text


def test_a_long_markdown_cell_is_split_at_paragraphs_into_pieces_that_fit():
    L = slides.LAYOUT
    paras = [_paragraph(i) for i in range(30)]
    nb = nbformat.v4.new_notebook()
    nb.cells = [_cell("md", "\n\n".join(paras), "slide")]
    h = slides.block_height(paras[0], "para")
    per_slide = int(L.budget // h)  # paragraphs that fit one slide, by the layout model
    out = slides.paginate(nb)
    assert len(out.cells) == -(-30 // per_slide)
    # nothing lost, nothing repeated, order kept
    assert "\n\n".join(c.source for c in out.cells) == "\n\n".join(paras)
    assert out.cells[0].metadata["slideshow"] == {"slide_type": "slide"}
    for c in out.cells[1:]:
        assert c.metadata["slideshow"] == {"slide_type": "subslide", "data": {"split": "1"}}
    for c in out.cells:
        blocks = slides.md_blocks(c.source)
        lines = c.source.split("\n")
        assert sum(slides.block_height("\n".join(lines[a:b]), k) for a, b, k in blocks) <= L.budget


def test_splits_never_cut_a_formula_or_a_code_block():
    body = "\n".join(f"x_{i} &= {i} \\\\" for i in range(3))
    source = "\n\n".join([_paragraph(0), "$$\n\\begin{aligned}\n" + body + "\n\\end{aligned}\n$$",
                          "```\n" + "\n".join(f"line {i}" for i in range(10)) + "\n```"] * 8)
    nb = nbformat.v4.new_notebook()
    nb.cells = [_cell("md", source, "slide")]
    out = slides.paginate(nb)
    assert len(out.cells) > 1
    for c in out.cells:
        assert c.source.count("$$") % 2 == 0 and c.source.count("```") % 2 == 0


def _subslide_heights(nb):
    """The layout model's height of every sub-slide of a paginated notebook."""
    heights = []
    for c in nb.cells:
        kind = c.metadata.get("slideshow", {}).get("slide_type", "-")
        if kind in ("skip", "notes"):
            continue
        if kind in ("slide", "subslide") or not heights:
            heights.append(0.0)
        size = slides.cell_size(c)
        pictures = sum(o["metadata"]["image/png"]["height"] for o in c.get("outputs", [])
                       if "image/png" in o.get("data", {}))
        heights[-1] += size.fixed + pictures
    return heights


def test_a_tall_picture_is_scaled_to_what_is_left_of_its_slide():
    L = slides.LAYOUT
    tall = nbformat.v4.new_output("display_data", data={"image/png": _png(800, 2000)})
    wide = nbformat.v4.new_output("display_data", data={"image/png": _png(3000, 300)})
    nb = nbformat.v4.new_notebook()
    nb.cells = [_cell("md", "### A figure", "slide"), _cell("code", "plot()", "-", [tall]),
                _cell("code", "plot_wide()", "subslide", [wide])]
    nb = slides.paginate(nb)
    assert max(_subslide_heights(nb)) <= L.budget + 1
    meta = nb.cells[1].outputs[0]["metadata"]["image/png"]
    assert meta["height"] < 2000 and abs(meta["width"] / meta["height"] - 800 / 2000) < 0.01
    meta = nb.cells[2].outputs[0]["metadata"]["image/png"]
    assert meta["width"] <= L.content_width
    assert abs(meta["width"] / meta["height"] - 10) < 0.1
    assert "deck-figure" in nb.cells[1].metadata["tags"]  # its code box is the short one


def test_every_subslide_of_the_real_notebooks_fits_the_layout_model():
    for path in sorted(__import__("pathlib").Path("notebooks").glob("0[1-8]_*.ipynb")):
        nb = slides.deck_notebook(nbformat.read(path, as_version=4), path.stem)
        heights = _subslide_heights(nb)
        # a single block taller than a slide cannot be split; none of the lectures has one
        assert max(heights) <= slides.LAYOUT.budget + 1, (path.name, max(heights))


def test_a_figure_that_does_not_fit_below_text_starts_a_new_subslide():
    out = nbformat.v4.new_output("display_data", data={"image/png": _png(900, 600)})
    nb = nbformat.v4.new_notebook()
    nb.cells = [_cell("md", "\n\n".join(_paragraph(i) for i in range(5)), "slide"),
                _cell("code", "plot()", "fragment", [out])]
    nb = slides.paginate(nb)
    assert nb.cells[1].metadata["slideshow"] == {"slide_type": "subslide", "data": {"split": "1"}}
    assert nb.cells[1].outputs[0]["metadata"]["image/png"]["height"] == 600  # full size there


# -- the picture a widget stores --------------------------------------------------------------
def test_a_panel_stores_a_picture_of_its_figure_and_the_run_line():
    import ipywidgets as W
    from matplotlib.image import imread

    fig, canvas = widgets.figure(figsize=(4, 3), dpi=50)
    fig.add_subplot().plot([0, 1], [0, 1])
    panel = widgets.panel([W.FloatSlider()], canvas, title="demo")
    data = panel._repr_mimebundle_()
    assert slides.WIDGET_VIEW in data  # the live view is still there
    assert data["text/plain"] == nbtidy.RUN_LINE
    img = imread(io.BytesIO(base64.b64decode(data["image/png"])))
    assert img.shape[:2] == (150, 200)  # 3 x 4 inches at 50 dpi
    bare = widgets.panel([W.FloatSlider()], W.Label("no figure"))
    assert "image/png" not in bare._repr_mimebundle_()


def test_the_playground_stores_a_picture():
    from helpers import playground

    data = playground.playground(dataset="xor", hidden_layers=1, neurons=2)._repr_mimebundle_()
    assert data["text/plain"] == nbtidy.RUN_LINE and base64.b64decode(data["image/png"])[:4] == b"\x89PNG"


def test_with_snapshot_checks_its_arguments():
    import ipywidgets as W

    with pytest.raises(TypeError, match="widget"):
        widgets.with_snapshot("not a widget", lambda: None)
    with pytest.raises(TypeError, match="figure"):
        widgets.with_snapshot(W.Label(), 3)
    with pytest.raises(TypeError, match="fig"):
        widgets.snapshot_png("not a figure")
    with pytest.raises(ValueError, match="src_dir"):
        slides.build("no/such/folder", "out")


@pytest.mark.parametrize("call, err, name", [
    (lambda: slides.md_blocks(None), TypeError, "source"),
    (lambda: slides.block_height("text", "h7"), ValueError, "kind"),
    (lambda: slides.block_height("text", "para", layout={}), TypeError, "layout"),
    (lambda: slides.cell_size({"a": 1}), ValueError, "cell"),
    (lambda: slides.paginate([]), TypeError, "nb"),
    (lambda: slides.static_outputs({"cells": 3}), ValueError, "nb"),
    (lambda: slides.title_cell({"cells": []}, 1), TypeError, "name"),
    (lambda: slides.build(1, "out"), TypeError, "src_dir"),
    (lambda: slides.present(folder=None), TypeError, "folder"),
    (lambda: slides.present(port=10**9), ValueError, "port"),
    (lambda: slides.present(open_browser="yes"), TypeError, "open_browser"),
])
def test_bad_arguments_are_refused_naming_them(call, err, name, monkeypatch):
    import http.server

    monkeypatch.setattr(http.server, "ThreadingHTTPServer", lambda *a: pytest.fail("served"))
    with pytest.raises(err, match=rf"^{name}\b"):
        call()


def test_a_plain_dict_notebook_works_and_is_left_unchanged():
    nb = {"cells": [{"cell_type": "markdown", "source": ["# 01 · Title\n", "*A pitch.*"]},
                    {"cell_type": "code", "source": "x = 1", "outputs": []}]}
    before = repr(nb)
    assert slides.expected_slides(nb) == 2
    deck = slides.deck_notebook(nb, "01_demo")
    assert deck.cells[0].source.startswith("# Title") and "A pitch." in deck.cells[0].source
    assert repr(nb) == before


def test_present_checks_everything_before_serving(tmp_path, monkeypatch):
    import http.server

    monkeypatch.setattr(http.server, "ThreadingHTTPServer", lambda *a: pytest.fail("served"))
    (tmp_path / "01_demo.slides.html").write_text("<html></html>")
    for kwargs, name in [({"deck": 1}, "deck"), ({"port": -1}, "port"),
                         ({"open_browser": None}, "open_browser"), ({"deck": "09"}, "deck")]:
        with pytest.raises((TypeError, ValueError), match=rf"^{name}\b"):
            slides.present(folder=tmp_path, **kwargs)
    with pytest.raises(ValueError, match="^folder"):
        slides.present(folder=tmp_path / "empty")
