"""Build reveal.js slide decks of the notebooks that work offline (no CDN).

``make slides`` first installs reveal.js, require.js, jQuery and MathJax 2 from the npm registry
into ``slides/vendor/`` (once), then runs ``python -m helpers.slides notebooks slides``, which
writes ``slides/NN_topic.slides.html`` pointing at those local copies. Open a deck in a browser
(no server needed); press ``s`` for the speaker notes.

Widgets cannot run in a static deck: a widget output that stored a picture (an ipympl canvas
displayed on its own) shows that picture; any other widget output (a panel of sliders and
canvases) becomes a short note saying to open the notebook in JupyterLab. Each lecture shows a
static figure just before its widgets, so the deck still tells the story.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat

VENDOR = "vendor/node_modules"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
TEMPLATES = Path(__file__).resolve().parent / "templates"
WIDGET_NOTE = ("<p><em>▶ Interactive widget: open this notebook in JupyterLab "
               "(<code>make lab</code>) to play with it.</em></p>")


def static_outputs(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Replace live-widget views by their stored picture, or by a note where there is none."""
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))  # a deep copy
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if WIDGET_VIEW not in data:
                continue
            del data[WIDGET_VIEW]
            if "image/png" not in data:
                data.clear()
                data["text/html"] = WIDGET_NOTE
    return nb


def exporter():
    """A SlidesExporter whose every asset URL is relative to the deck's folder."""
    from nbconvert import SlidesExporter

    return SlidesExporter(
        extra_template_basedirs=[str(TEMPLATES)],
        template_name="offline_reveal",
        reveal_url_prefix=f"{VENDOR}/reveal.js",
        reveal_theme="white",  # the other themes import web fonts
        require_js_url=f"{VENDOR}/requirejs/require.js",
        jquery_url=f"{VENDOR}/jquery/dist/jquery.min.js",
        mathjax_url=f"{VENDOR}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
    )


def build(src_dir: str | Path, dst_dir: str | Path) -> list[Path]:
    """Write one offline deck per notebook of ``src_dir`` into ``dst_dir``."""
    src_dir, dst_dir = Path(src_dir), Path(dst_dir)
    if not src_dir.is_dir():
        raise ValueError(f"src_dir must be a folder of notebooks, got {src_dir}")
    dst_dir.mkdir(parents=True, exist_ok=True)
    exp = exporter()
    written = []
    for path in sorted(src_dir.glob("[0-9][0-9]_*.ipynb")):
        body, _ = exp.from_notebook_node(static_outputs(nbformat.read(path, as_version=4)))
        out = dst_dir / f"{path.stem}.slides.html"
        out.write_text(body, encoding="utf-8")
        written.append(out)
    return written


if __name__ == "__main__":
    src, dst = (sys.argv[1:3] + ["notebooks", "slides"][len(sys.argv[1:3]):])
    for p in build(src, dst):
        print(f"wrote {p}")
