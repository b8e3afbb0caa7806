"""Tidy executed notebooks so that a reader without a kernel sees something sensible.

A stored widget output holds a view id (useless without the kernel that made it) and, as its
text fallback, the widget's repr (``VBox(children=(HTML(value='<b>Move w…``), which JupyterLab
and other viewers show before the cell runs. This

* turns widgets that are not interactive into what they showed when the notebook finished,
  read from the widget state that ``nbconvert --execute`` saves: a progress bar (tqdm's
  ``HBox(HTML, FloatProgress, HTML)`` or a lone progress widget) becomes its text
  (``training: 100%|██████████| 16/16``, without the timings, so re-running changes nothing),
  a lone ``HTML``/``Label`` widget becomes its HTML. Without saved state, a tqdm bar keeps the
  text tqdm stored;
* gives every other (interactive) widget one clear text line, :data:`RUN_LINE`, and keeps its
  picture (``image/png``, stored by :func:`helpers.widgets.with_snapshot`) for slides and the
  web book;
* drops the notebook's saved widget state (ipympl canvases cannot be restored from it, and it is
  most of a notebook's size);
* stores the kernelspec exactly as JupyterLab writes it, so that opening a notebook does not
  mark it modified.

Usage: ``python -m helpers.nbtidy notebooks/*.ipynb`` (``make execute`` runs it).
"""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path

from helpers import validate

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
# what JupyterLab writes into a notebook when it starts the kernel: storing the same keeps
# a freshly opened notebook clean (a different display name marks it modified at once)
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
RUN_LINE = "▶ Run this cell to play with the widget (it needs a running Python kernel)."
# tqdm's own text of a bar: "desc:  40%|████      | 4/10 [00:01<00:02, 2.9it/s]"
TQDM_TEXT = re.compile(r"^[^\n|]*\d+%\|[^|\n]*\|\s*\d+(?:\.\d+)?[kMG]?/\d+")
PROGRESS = ("FloatProgressModel", "IntProgressModel")
BAR_WIDTH = 10  # characters of tqdm's default bar in a notebook's text


def _plain(text: str) -> str:
    """HTML widget text as plain text (tqdm pads with figure spaces and escapes <, >)."""
    return re.sub(r"<[^>]+>", "", html.unescape(text)).replace("\u2007", " ").strip()


def _model(state: dict, ref) -> dict | None:
    if isinstance(ref, str) and ref.startswith("IPY_MODEL_"):
        ref = ref[len("IPY_MODEL_"):]
    entry = state.get(ref) if isinstance(ref, str) else None
    return entry if isinstance(entry, dict) else None


def _bar(value: float, total: float) -> str:
    frac = min(max(value / total, 0.0), 1.0) if total else 0.0
    full = int(round(frac * BAR_WIDTH))
    return f"{round(100 * frac):3d}%|{'█' * full}{' ' * (BAR_WIDTH - full)}|"


def static_output(model_id: str, state: dict) -> dict | None:
    """The output ``data`` a non-interactive widget stands for, from the saved widget ``state``
    (``{model_id: {"model_name", "state"}}``); None for an interactive widget or an unknown id."""
    model_id = validate.text(model_id, "model_id", empty=True)
    if not isinstance(state, dict):
        raise TypeError(f"state must be the saved widget state (a dict), got {type(state).__name__}")
    top = _model(state, model_id)
    if top is None:
        return None
    name, st = top.get("model_name"), top.get("state", {})
    if name == "HBoxModel":
        kids = [_model(state, ref) for ref in st.get("children", [])]
        names = [k.get("model_name") if k else None for k in kids]
        if len(kids) == 3 and names[0] == names[2] == "HTMLModel" and names[1] in PROGRESS:
            left, bar, right = (k["state"] for k in kids)
            desc = _plain(left.get("value", ""))
            desc = re.sub(r"\s*\d+%$", "", desc)  # tqdm puts the percentage in the left text
            count = re.match(r"\S+", _plain(right.get("value", "")))
            text = (f"{desc} " if desc else "") + _bar(bar.get("value", 0), bar.get("max", 0))
            return {"text/plain": text + (f" {count.group()}" if count else "")}
        return None
    if name in PROGRESS:
        desc = st.get("description", "")
        return {"text/plain": (f"{desc} " if desc else "") + _bar(st.get("value", 0),
                                                                 st.get("max", 0))}
    if name in ("HTMLModel", "LabelModel"):
        value = st.get("value", "")
        data = {"text/plain": _plain(value)}
        if name == "HTMLModel":
            data["text/html"] = value
        return data
    return None


def tidy(nb: dict) -> dict:
    """The notebook (parsed JSON) with widget outputs tidied; changes ``nb`` in place."""
    validate.notebook(nb, "nb")
    saved = nb.setdefault("metadata", {}).pop("widgets", None) or {}
    state = saved.get(WIDGET_STATE, {}).get("state", {})
    nb["metadata"]["kernelspec"] = dict(KERNELSPEC)
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if WIDGET_VIEW not in data:
                continue
            text = data.get("text/plain", "")
            text = "".join(text) if isinstance(text, list) else text
            static = static_output(data[WIDGET_VIEW].get("model_id", ""), state)
            if static is None and TQDM_TEXT.match(text):
                static = {"text/plain": text}
            if static is not None:
                out["data"] = static
                out["metadata"] = {}
            else:
                data["text/plain"] = RUN_LINE
    return nb


def tidy_file(path: str | Path) -> bool:
    """Tidy a notebook file in place; True if it changed."""
    path = validate.path(path, "path", exists=True, suffix=".ipynb")
    text = path.read_text(encoding="utf-8")
    nb = json.loads(text)
    new = json.dumps(tidy(nb), indent=1, ensure_ascii=False) + "\n"
    if new != text:
        path.write_text(new, encoding="utf-8")
        return True
    return False


if __name__ == "__main__":
    for name in sys.argv[1:]:
        if tidy_file(name):
            print(f"tidied {name}")
