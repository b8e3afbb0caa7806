"""Build reveal.js slide decks of the notebooks that work offline (no CDN, no server).

``make slides`` first installs reveal.js and MathJax 3 from the npm registry into
``slides/vendor/`` (once, pinned versions), then runs ``python -m helpers.slides notebooks slides``,
which writes ``slides/NN_topic.slides.html`` pointing at those local copies: the ``slides/`` folder
can be copied to a USB stick and opened from ``file://``. ``make present NB=01`` serves it on
127.0.0.1 for the speaker view (``s``), which browsers do not allow on ``file://``.

What the builder does on top of ``nbconvert``'s reveal.js export (the notebooks are not changed):

* **a title slide** -- the lecture's title and pitch, a credits line naming the lectures that the
  notebook's references credit, and the course name;
* **static outputs** -- a widget view cannot run in a static deck. A widget that stored a picture
  (:func:`helpers.widgets.with_snapshot`, or an ipympl canvas) shows that picture with a line
  saying to play with it in JupyterLab; a progress bar (stored as text by
  :mod:`helpers.nbtidy`) shows its text; a widget with neither becomes that line alone;
* **a slide never overflows its 1280x720 box** -- a layout model (:func:`block_height`,
  :func:`cell_height`, calibrated in Chromium) gives each picture a size that fits what is left of
  its slide and, where a slide's cells would not fit, starts a new sub-slide: between cells, or
  inside a long markdown cell at a paragraph, heading, list item, formula or code block.
  Such sub-slides carry ``data-split`` (the slide count is ``1 + slide/subslide cells + splits``).
  Long code and printouts scroll inside their box (CSS ``max-height``).

Formulas are typeset once, at load, by MathJax 3 (SVG output, no web fonts), so deep links
(``#/7``), reloads and going back show each formula exactly once.
"""

from __future__ import annotations

import base64
import json
import math
import re
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from helpers import validate

COURSE = "Deep Learning, hands on"
VENDOR = "vendor/node_modules"
WIDTH, HEIGHT = 1280, 720  # the slide, in CSS pixels (reveal.js scales it to the screen)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
TEMPLATES = Path(__file__).resolve().parent / "templates"
WIDGET_NOTE = ("<p class=\"widget-note\"><em>▶ Interactive widget: open this notebook in "
               "JupyterLab (<code>make lab</code>) and run the cell to play with it.</em></p>")
PICTURE_NOTE = ("<p class=\"widget-note\"><em>▶ The widget as the notebook left it: play with it "
                "in JupyterLab (<code>make lab</code>).</em></p>")
# The course's source lectures, as the notebooks' references name them (by surname).
LECTURES = {
    "Lepetit": "V. Lepetit, <em>Deep Learning: Introduction</em>",
    "Wolf": "C. Wolf, <em>Deep Learning: models and algorithms</em>",
    "Pascanu": "R. Pascanu, <em>Deep Learning Taxonomy</em>",
    "Heinrich": "L. Heinrich, <em>Intro to ML II</em>",
    "LeCun": "Y. LeCun, <em>The Deep Learning – Applied Math Connection</em>",
}
FIGURE_TAG = "deck-figure"  # cells with a picture: their code box is shorter (deck.css)
TQDM_TEXT = re.compile(r"^[^\n|]*\d+%\|[^|\n]*\|")


# -- layout model: CSS pixels of a 1280x720 slide; keep in step with templates/.../deck.css -----
@dataclass(frozen=True)
class Layout:
    content_width: int = WIDTH - 80        # section padding 40 px left and right
    budget: int = HEIGHT - 28 - 26         # padding 16 + 12, and 26 px to spare (fonts vary)
    text_px: float = 24 * 1.35             # one line of markdown text
    char_px: float = 24 * 0.47             # average character width (Source Sans Pro)
    heading_px: tuple = (44, 36, 30, 26, 24, 24)
    code_line_px: float = 17 * 1.3
    code_char_px: float = 17 * 0.62
    pre_pad: int = 12                      # top + bottom padding of a code box
    pre_max: int = 177                     # max-height of a code or printout box (8 lines; it scrolls)
    figure_code_max: int = 111             # ...of the code above a picture (5 lines)
    md_pre_max: int = 330
    block_gap: int = 10                    # margin under a paragraph, list, table, code block
    cell_gap: int = 4                      # margin under a cell
    item_gap: int = 4
    list_indent: int = 32
    table_row_px: float = 20 * 1.3 + 6
    math_row_px: int = 40                  # one row of display math
    tall_math_row_px: int = 62             # a row with a fraction or a binomial
    limits_math_row_px: int = 86           # a row with a sum, product or integral with limits
    math_line_extra: float = 4             # a line of text with inline math is a little taller
    heading_char: float = 0.47             # average character width of headings, in em
    min_picture: int = 220                 # a picture shrinks to fit, but not below this height...
    min_picture_share: float = 0.55        # ...nor below this share of its own height
    note_px: int = 34                      # the line under a widget's picture


LAYOUT = Layout()
BLOCK_KINDS = ("h1", "h2", "h3", "h4", "h5", "h6", "para", "item", "code", "math", "table")


def _check_layout(layout) -> Layout:
    if not isinstance(layout, Layout):
        raise TypeError(f"layout must be a slides.Layout, got {type(layout).__name__}")
    return layout


def _notebook(nb, name: str = "nb") -> nbformat.NotebookNode:
    """``nb`` checked (:func:`helpers.validate.notebook`); a plain dict, a cell without
    metadata or a source given as a list of lines comes back as a NotebookNode that has them."""
    validate.notebook(nb, name)
    ready = [isinstance(c, nbformat.NotebookNode) and "metadata" in c
             and isinstance(c.get("source"), str) for c in nb["cells"]]
    if isinstance(nb, nbformat.NotebookNode) and "metadata" in nb and all(ready):
        return nb
    nb = nbformat.from_dict(nb)  # new dicts and lists: the caller's notebook is not changed
    nb.setdefault("metadata", nbformat.NotebookNode())
    for cell in nb.cells:
        cell.setdefault("metadata", nbformat.NotebookNode())
        cell.source = "".join(cell.get("source", ""))
    return nb


_TEX_WORDS = re.compile(r"\\(?:mathbf|mathrm|mathcal|mathbb|boldsymbol|text|textbf|operatorname|"
                        r"left|right|big|Big|bigg|Bigg|displaystyle|tfrac|dfrac|frac|sqrt|hat|"
                        r"tilde|bar|vec|overline|underline|quad|qquad|,|;|!|:)")
_TALL = re.compile(r"\\(?:frac|dfrac|sum|prod|int|underbrace|overbrace|binom)"
                   r"|\\begin\{(?:pmatrix|bmatrix|matrix|cases|array|aligned)")
_ENV = re.compile(r"\\begin\{(\w+\*?)\}(.*?)\\end\{\1\}", re.S)
_INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\$)(.+?)(?<!\\)\$", re.S)


def _tex_chars(tex: str) -> float:
    """About how many text characters wide a TeX formula renders (math glyphs are wider)."""
    body = _TEX_WORDS.sub("", tex)
    body = re.sub(r"\\[A-Za-z]+", "x", body)     # one glyph per remaining command
    return 1.25 * len(re.sub(r"[{}^_\s&]", "", body)) + 1


def _visible_chars(text: str) -> float:
    """About how many characters wide ``text`` (markdown with inline TeX) renders."""
    math_chars = sum(_tex_chars(m.group(1)) for m in _INLINE_MATH.finditer(text))
    text = _INLINE_MATH.sub("", text)
    text = re.sub(r"<[^>]+>", "", text)               # html tags
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links: their text
    text = re.sub(r"[*_`>]", "", text)
    return len(text) + math_chars


def _inline_extra(text: str) -> float:
    """Extra height (px) of a paragraph's lines raised by tall inline formulas."""
    extra = 0.0
    for m in _INLINE_MATH.finditer(text):
        tex = m.group(1)
        rows = [env.count("\\\\") + 1 for _, env in _ENV.findall(tex)]
        if rows:
            extra += max(rows) * 26
        elif re.search(r"\\(?:dfrac|displaystyle|sum_|prod_|int_|binom)", tex):
            extra += 30
        elif re.search(r"\\(?:frac|tfrac|big|Big|hat|tilde|bar)|\^\{|_\{|\^\\|'", tex):
            extra += 8
    return extra


def _display_math_height(body: str, layout: "Layout") -> float:
    """Height (px) of a display formula: its rows, a matrix or cases as tall as its rows."""
    envs = _ENV.findall(body)
    top = _ENV.sub("E", body)
    rows = top.count("\\\\") + 1
    env_px = max([(env.count("\\\\") + 1) * 34 + 10 for _, env in envs] or [0])
    if re.search(r"\\(?:sum|prod|int|bigcup|bigcap)\s*_", top):
        row = layout.limits_math_row_px
    elif _TALL.search(top):
        row = layout.tall_math_row_px
    else:
        row = layout.math_row_px
    return rows * max(row, env_px)


def _lines(chars: float, width: float, char_px: float) -> int:
    return max(1, math.ceil(chars * char_px / width))


def md_blocks(source: str) -> list[tuple[int, int, str]]:
    """Split markdown into blocks ``(first_line, end_line, kind)`` at which a slide may break:
    headings, paragraphs, list items, display formulas (``$$``), fenced code, tables."""
    lines = validate.text(source, "source", empty=True).split("\n")
    blocks: list[tuple[int, int, str]] = []
    start, kind = None, None

    def close(i):
        nonlocal start, kind
        if start is not None:
            blocks.append((start, i, kind))
        start, kind = None, None

    i, n = 0, len(lines)
    while i < n:
        s = lines[i].strip()
        if s.startswith("```") or s.startswith("~~~"):
            close(i)
            j = i + 1
            while j < n and not lines[j].strip().startswith(s[:3]):
                j += 1
            blocks.append((i, min(j + 1, n), "code"))
            i = j + 1
            continue
        if s.startswith("$$"):
            close(i)
            j = i
            if not (len(s) > 2 and s.endswith("$$") and s != "$$"):  # not closed on this line
                j = i + 1
                while j < n and "$$" not in lines[j]:
                    j += 1
            blocks.append((i, min(j + 1, n), "math"))
            i = j + 1
            continue
        if not s:
            close(i)
        elif re.match(r"#{1,6}\s", s):
            close(i)
            blocks.append((i, i + 1, f"h{len(s) - len(s.lstrip('#'))}"))
        elif re.match(r"\s{0,3}(?:[-*+]|\d+[.)])\s", lines[i]):
            close(i)
            start, kind = i, "item"
        elif s.startswith("|"):
            if kind != "table":
                close(i)
                start, kind = i, "table"
        elif start is None:
            start, kind = i, "para"
        elif kind == "table":
            close(i)
            start, kind = i, "para"
        i += 1
    close(n)
    return blocks


def block_height(text: str, kind: str, layout: Layout = LAYOUT) -> float:
    """Estimated height (CSS px, margins included) of one markdown block on a slide."""
    validate.text(text, "text", empty=True)
    validate.choice(kind, "kind", BLOCK_KINDS)
    L = _check_layout(layout)
    if kind.startswith("h"):
        size = L.heading_px[int(kind[1]) - 1]
        chars = _visible_chars(text.lstrip("#").strip())
        return _lines(chars, L.content_width, size * L.heading_char) * size * 1.15 + 14
    if kind == "code":
        rows = max(1, len(text.split("\n")) - 2)
        return min(rows * L.code_line_px, L.md_pre_max) + L.pre_pad + L.block_gap
    if kind == "math":
        return _display_math_height(text.strip().strip("$"), L) + 12 + L.block_gap / 2
    if kind == "table":
        rows = [r for r in text.split("\n") if r.strip() and not re.match(r"^\s*\|[\s:|-]+\|\s*$", r)]
        tall = 1.2 if "$" in text else 1.0
        return len(rows) * L.table_row_px * tall + L.block_gap
    small = "<small>" in text
    px, char = (18 * 1.35, 18 * 0.47) if small else (L.text_px, L.char_px)
    width = L.content_width - (L.list_indent if kind == "item" else 0)
    if text.lstrip().startswith(">"):  # a block quote: narrower, padded
        width -= 40
        px += 0
    lines = _lines(_visible_chars(" ".join(text.split("\n"))), width, char)
    h = lines * (px + (L.math_line_extra if "$" in text else 0)) + _inline_extra(text)
    if text.lstrip().startswith(">"):
        h += 8
    return h + (L.item_gap if kind == "item" else L.block_gap)


def _png_size(b64: str) -> tuple[int, int]:
    head = base64.b64decode(b64[:64])
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return (640, 480)
    return struct.unpack(">II", head[16:24])


def _text_box(text: str, layout: Layout = LAYOUT, max_px: float | None = None) -> float:
    rows = text.rstrip("\n").count("\n") + 1
    cap = layout.pre_max if max_px is None else max_px
    return min(rows * layout.code_line_px, cap) + layout.pre_pad + 2 * 2


def _has_picture(cell) -> bool:
    return any("image/png" in out.get("data", {}) for out in cell.get("outputs", []))


@dataclass
class CellSize:
    fixed: float                 # everything but the pictures
    pictures: list               # [(output index, natural width, natural height)]


def cell_size(cell, layout: Layout = LAYOUT) -> CellSize:
    """Heights of a cell on a slide: its fixed part and its pictures (which may shrink)."""
    cell = _notebook({"cells": [cell]}, "cell").cells[0]
    L = _check_layout(layout)
    if cell.cell_type == "markdown":
        lines = cell.source.split("\n")
        fixed = sum(block_height("\n".join(lines[a:b]), k, L) for a, b, k in md_blocks(cell.source))
        return CellSize(fixed + L.cell_gap, [])
    if cell.cell_type != "code":
        return CellSize(0, [])
    picture = _has_picture(cell)
    fixed = _text_box(cell.source, L, L.figure_code_max if picture else None) + L.cell_gap
    if any(len(line) * L.code_char_px > L.content_width for line in cell.source.split("\n")):
        fixed += 10  # a horizontal scroll bar
    pictures = []
    for k, out in enumerate(cell.get("outputs", [])):
        if out.get("output_type") == "stream":
            fixed += _text_box(_text(out.get("text"))) + 4
            continue
        data = out.get("data", {})
        if "image/png" in data:
            w, h = _png_size(data["image/png"])
            meta = out.get("metadata", {}).get("image/png", {})
            if "width" in meta and "height" in meta:
                w, h = meta["width"], meta["height"]
            pictures.append((k, w, h))
            fixed += 4
        elif "text/html" in data:
            html = data["text/html"]
            html = "".join(html) if isinstance(html, list) else html
            if "widget-note" in html:
                fixed += L.note_px
            else:
                fixed += _lines(len(re.sub(r"<[^>]+>", "", html)), L.content_width,
                                L.char_px) * L.text_px + 8
        elif "text/plain" in data:
            text = data["text/plain"]
            fixed += _text_box("".join(text) if isinstance(text, list) else text) + 4
    return CellSize(fixed, pictures)


def _fit(pictures, room: float, layout: Layout = LAYOUT) -> list[tuple[int, int, int]]:
    """Sizes ``(output index, width, height)`` that fit ``pictures`` (stacked) into ``room``."""
    natural = [(k, w * min(1.0, layout.content_width / w), h * min(1.0, layout.content_width / w))
               for k, w, h in pictures]
    total = sum(h for _, _, h in natural)
    s = min(1.0, max(room, 1) / total) if total else 1.0
    return [(k, max(1, int(w * s)), max(1, int(h * s))) for k, w, h in natural]


def _min_pictures(pictures, layout: Layout = LAYOUT) -> float:
    return sum(min(h * min(1.0, layout.content_width / w),
                   max(layout.min_picture, layout.min_picture_share * h))
               for _, w, h in pictures)


def _slide_type(cell) -> str:
    return cell.metadata.get("slideshow", {}).get("slide_type", "-") or "-"


def _split_cell(cell, source: str, part: int):
    """Part ``part`` of a markdown cell, starting a sub-slide made by the builder."""
    new = nbformat.from_dict(json.loads(json.dumps(cell)))
    new.source = source
    new.metadata["slideshow"] = {"slide_type": "subslide", "data": {"split": "1"}}
    if "id" in new:
        new["id"] = f"{cell.get('id', 'cell')}-{part}"
    return new


def _start_split(cell):
    cell.metadata["slideshow"] = {"slide_type": "subslide", "data": {"split": "1"}}


def paginate(nb: nbformat.NotebookNode, layout: Layout = LAYOUT) -> nbformat.NotebookNode:
    """Size the pictures and split sub-slides so that no slide is taller than ``layout.budget``.

    Changes ``nb`` in place (give it a copy) and returns it.
    """
    nb, L = _notebook(nb), _check_layout(layout)
    cells = []
    used = 0.0
    for cell in nb.cells:
        kind = _slide_type(cell)
        if kind in ("skip", "notes"):
            cells.append(cell)
            continue
        if kind in ("slide", "subslide"):
            used = 0.0
        if cell.cell_type == "markdown":
            lines = cell.source.split("\n")
            blocks = md_blocks(cell.source)
            cut_at = []
            for a, b, k in blocks:
                h = block_height("\n".join(lines[a:b]), k, L)
                if used > 0 and used + h > L.budget:  # start a sub-slide at this block
                    cut_at.append(a)
                    used = 0.0
                used += h
            used += L.cell_gap
            if not cut_at:
                cells.append(cell)
                continue
            edges = [0, *cut_at, len(lines)]
            pieces = ["\n".join(lines[a:b]).strip("\n") for a, b in zip(edges, edges[1:])]
            if pieces[0].strip():
                head = _split_cell(cell, pieces[0], 0)
                head.metadata["slideshow"] = dict(cell.metadata.get("slideshow", {}))
                cells.append(head)
            cells.extend(_split_cell(cell, p, i) for i, p in enumerate(pieces[1:], 1) if p.strip())
            continue
        if _has_picture(cell):  # its code box is shorter (deck.css)
            tags = cell.metadata.setdefault("tags", [])
            if FIGURE_TAG not in tags:
                tags.append(FIGURE_TAG)
        size = cell_size(cell, L)
        need = size.fixed + _min_pictures(size.pictures, L)
        if used > 0 and used + need > L.budget:
            _start_split(cell)
            used = 0.0
        fitted = _fit(size.pictures, L.budget - used - size.fixed, L)
        for k, w, h in fitted:
            cell.outputs[k].setdefault("metadata", {})["image/png"] = {"width": w, "height": h}
        used += size.fixed + sum(h for _, _, h in fitted)
        cells.append(cell)
    nb.cells = cells
    return nb


# -- outputs and the title slide ------------------------------------------------------------
def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else (value or "")


def static_outputs(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` whose widget views are replaced by what a static deck can show: the
    stored picture with a "play in JupyterLab" line under it, a progress bar's text, or the
    line alone. Other outputs (text, pictures, plain HTML) stay as they were stored."""
    nb = _notebook(nb)
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))  # a deep copy
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        outputs = []
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if WIDGET_VIEW not in data:
                outputs.append(out)
                continue
            text = _text(data.get("text/plain"))
            note = nbformat.v4.new_output("display_data", data={"text/html": WIDGET_NOTE})
            if "image/png" in data:
                outputs.append(nbformat.v4.new_output("display_data", data={
                    "image/png": data["image/png"]}, metadata=out.get("metadata", {})))
                note.data["text/html"] = PICTURE_NOTE
                outputs.append(note)
            elif TQDM_TEXT.match(text):          # a progress bar that nbtidy did not convert
                outputs.append(nbformat.v4.new_output("display_data",
                                                      data={"text/plain": text}))
            elif "tqdm" in cell.source:          # a progress bar whose text is lost: drop it
                continue
            else:
                outputs.append(note)
        if "outputs" in cell:
            cell.outputs = outputs
    return nb


def credits_line(nb: nbformat.NotebookNode) -> str:
    """HTML: "After <the course lectures that the notebook's references credit>"."""
    nb = _notebook(nb)
    refs = [c.source for c in nb.cells if c.cell_type == "markdown"
            and re.match(r"#+\s*References", c.source.lstrip())]
    text = refs[-1] if refs else nb.cells[0].source if nb.cells else ""
    found = sorted((text.find(name), name) for name in LECTURES if name in text)
    if not found:
        return "Written anew for this course; sources in the notebook's references."
    return "After " + "; ".join(LECTURES[name] for _, name in found) + "."


def title_cell(nb: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """The deck's title slide: lecture title and pitch, credits, course name."""
    nb, name = _notebook(nb), validate.text(name, "name")
    first = nb.cells[0].source if nb.cells else ""
    heading = re.search(r"^#\s+(.+)$", first, re.M)
    title = heading.group(1).strip() if heading else name
    number = re.match(r"(\d+)", name)
    title_only = re.sub(r"^\d+\s*[·.:-]\s*", "", title)
    pitch = re.search(r"^\*([^*\n][^*]*?)\*\s*$", first, re.M | re.S)
    parts = [f"# {title_only}", ""]
    if pitch:
        parts += [f'<p class="deck-pitch">{" ".join(pitch.group(1).split())}</p>', ""]
    parts += [f'<p class="deck-credits">{credits_line(nb)}</p>', "",
              f'<p class="deck-course">{COURSE}'
              + (f" · lecture {number.group(1)}" if number else "") + "</p>"]
    cell = nbformat.v4.new_markdown_cell("\n".join(parts))
    cell.metadata["slideshow"] = {"slide_type": "slide", "data": {"title_slide": "1"}}
    return cell


def deck_notebook(nb: nbformat.NotebookNode, name: str,
                  layout: Layout = LAYOUT) -> nbformat.NotebookNode:
    """The notebook as the deck shows it: static outputs, a title slide, paginated."""
    validate.text(name, "name")
    _check_layout(layout)
    nb = static_outputs(nb)
    visible = [c for c in nb.cells if _slide_type(c) not in ("skip", "notes")]
    if visible and _slide_type(visible[0]) not in ("slide", "subslide"):
        visible[0].metadata.setdefault("slideshow", {})["slide_type"] = "slide"
    title = title_cell(nb, name)
    nb.metadata["title"] = re.sub(r"^#\s+", "", title.source.split("\n")[0])
    nb.cells = [title, *nb.cells]
    return paginate(nb, layout)


def expected_slides(nb: nbformat.NotebookNode) -> int:
    """The slide count rule, from the notebook alone: the title slide, then one per cell that is
    a ``slide`` or ``subslide`` (plus one if the first visible cell is neither); the builder's
    splits (``data-split``) come on top."""
    nb = _notebook(nb)
    visible = [c for c in nb.cells if _slide_type(c) not in ("skip", "notes")]
    starts = sum(_slide_type(c) in ("slide", "subslide") for c in visible)
    if visible and _slide_type(visible[0]) not in ("slide", "subslide"):
        starts += 1
    return 1 + starts


def exporter():
    """A SlidesExporter with the course's offline template (assets relative to the deck)."""
    from nbconvert import SlidesExporter

    return SlidesExporter(
        extra_template_basedirs=[str(TEMPLATES)],
        template_name="offline_reveal",
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


def build(src_dir: str | Path, dst_dir: str | Path, only: str | None = None) -> list[Path]:
    """Write one offline deck per notebook ``NN_*.ipynb`` of ``src_dir`` into ``dst_dir``
    (only those whose name starts with ``only``, if given)."""
    src_dir, dst_dir = validate.path(src_dir, "src_dir"), validate.path(dst_dir, "dst_dir")
    if only is not None:
        validate.text(only, "only", empty=True)
    if not src_dir.is_dir():
        raise ValueError(f"src_dir must be a folder of notebooks, got {str(src_dir)!r}")
    dst_dir.mkdir(parents=True, exist_ok=True)
    exp = exporter()
    written = []
    for path in sorted(src_dir.glob("[0-9][0-9]_*.ipynb")):
        if only and not path.name.startswith(only):
            continue
        nb = deck_notebook(nbformat.read(path, as_version=4), path.stem)
        resources = {"metadata": {"name": path.stem},
                     "deck": {"vendor": VENDOR, "width": WIDTH, "height": HEIGHT}}
        body, _ = exp.from_notebook_node(nb, resources=resources)
        out = dst_dir / f"{path.stem}.slides.html"
        out.write_text(body, encoding="utf-8")
        written.append(out)
    return written


def present(deck: str | None = None, folder: str | Path = "slides", port: int = 0,
            open_browser: bool = True) -> None:
    """Serve ``folder`` on http://127.0.0.1 (a free port unless ``port``) and open deck ``deck``
    (``"01"`` or a file name) in a browser if there is one; stop with Ctrl-C. Over http the
    speaker view (``s``) works; on ``file://`` browsers keep its preview frames blank."""
    import functools
    import http.server
    import threading
    import webbrowser

    if deck is not None:
        validate.text(deck, "deck")
    folder = validate.path(folder, "folder")
    port = validate.integer(port, "port", min=0, max=65535)
    open_browser = validate.boolean(open_browser, "open_browser")
    decks = sorted(folder.glob("[0-9][0-9]_*.slides.html"))
    if not decks:
        raise ValueError(f"folder {str(folder)!r} has no decks: run `make slides` first")
    chosen = [d for d in decks if deck is None or d.name.startswith(deck)]
    if not chosen:
        raise ValueError(f"deck must name one of {[d.name[:2] for d in decks]}, got {deck!r}")
    handler = functools.partial(_quiet_handler(), directory=str(folder))
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as err:  # taken, or below 1024 without root
        raise ValueError(f"port {port} cannot be used here ({err.strerror}); "
                         "port=0 picks a free one") from None
    url = f"http://127.0.0.1:{server.server_port}/{chosen[0].name}"
    print(f"Serving {folder}/ at http://127.0.0.1:{server.server_port}/ -- deck: {url}")
    print("Press s in the deck for the speaker view (current and next slide, notes); "
          "Ctrl-C here to stop.", flush=True)
    if open_browser:
        try:
            webbrowser.get()
            threading.Timer(0.5, webbrowser.open, (url,)).start()
        except webbrowser.Error:
            print("(no browser found here: open the address above in one)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def _quiet_handler():
    import http.server

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format, *args):  # noqa: A002  (no log line per request)
            pass

    return Handler


def main(argv: list[str]) -> None:
    """``python -m helpers.slides [SRC [DST]] [--only NN]`` builds decks (default
    ``notebooks slides``); ``python -m helpers.slides present [NN] [--dir slides] [--port P]
    [--no-browser]`` serves them."""
    import argparse

    if argv[:1] == ["present"]:
        ap = argparse.ArgumentParser(prog="python -m helpers.slides present")
        ap.add_argument("deck", nargs="?", default=None)
        ap.add_argument("--dir", default="slides")
        ap.add_argument("--port", type=int, default=0)
        ap.add_argument("--no-browser", action="store_true")
        a = ap.parse_args(argv[1:])
        present(a.deck or None, a.dir, a.port, not a.no_browser)
        return
    ap = argparse.ArgumentParser(prog="python -m helpers.slides")
    ap.add_argument("src", nargs="?", default="notebooks")
    ap.add_argument("dst", nargs="?", default="slides")
    ap.add_argument("--only", default=None, help="build only the decks whose name starts so")
    a = ap.parse_args(argv)
    for p in build(a.src, a.dst, a.only):
        print(f"wrote {p}")


if __name__ == "__main__":
    main(sys.argv[1:])
