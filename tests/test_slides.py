"""helpers.slides: decks reference only local assets and keep a static picture of each widget."""

import re

import nbformat

from helpers import slides


def _nb_with_widget_output():
    nb = nbformat.v4.new_notebook()
    md = nbformat.v4.new_markdown_cell("# Title\n\n$\\sigma(x) = 1 / (1 + e^{-x})$")
    md.metadata["slideshow"] = {"slide_type": "slide"}
    code = nbformat.v4.new_code_cell("canvas")
    code.metadata["slideshow"] = {"slide_type": "slide"}
    code.outputs = [nbformat.v4.new_output("display_data", data={
        "image/png": "iVBORw0KGgo=", "text/plain": "Canvas()",
        slides.WIDGET_VIEW: {"model_id": "abc", "version_major": 2, "version_minor": 0}})]
    notes = nbformat.v4.new_markdown_cell("say this")
    notes.metadata["slideshow"] = {"slide_type": "notes"}
    nb.cells = [md, code, notes]
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    return nb


def test_static_outputs_keep_the_png_and_drop_the_live_view():
    nb = _nb_with_widget_output()
    out = slides.static_outputs(nb)
    data = out.cells[1].outputs[0]["data"]
    assert "image/png" in data and slides.WIDGET_VIEW not in data
    assert "widgets" not in out.metadata
    assert slides.WIDGET_VIEW in nb.cells[1].outputs[0]["data"]  # input left untouched


def test_widget_without_picture_becomes_a_note():
    nb = _nb_with_widget_output()
    nb.cells[1].outputs.append(nbformat.v4.new_output("display_data", data={
        "text/plain": "VBox(children=(...))",
        slides.WIDGET_VIEW: {"model_id": "def", "version_major": 2, "version_minor": 0}}))
    data = slides.static_outputs(nb).cells[1].outputs[1]["data"]
    assert data == {"text/html": slides.WIDGET_NOTE}


def test_deck_loads_nothing_from_the_network(tmp_path):
    (tmp_path / "nb").mkdir()
    nbformat.write(_nb_with_widget_output(), tmp_path / "nb" / "01_demo.ipynb")
    [deck] = slides.build(tmp_path / "nb", tmp_path / "slides")
    html = deck.read_text()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html) + re.findall(r'"([^"\s]+\.js)"', html)
    remote = [u for u in urls if u.startswith(("http:", "https:", "//"))]
    assert not remote, remote
    assert f"{slides.VENDOR}/reveal.js/dist/reveal.js" in html
    assert "mermaid" not in html.lower().replace("text/vnd.mermaid", "")
    assert "data:image/png;base64,iVBORw0KGgo=" in html
    assert "say this" in html  # speaker notes kept
