"""Tidy executed notebooks so that a reader without a kernel sees something sensible.

A stored widget output holds a view id (useless without the kernel that made it) and, as its
text fallback, the widget's repr (``VBox(children=(HTML(value='<b>Move w…``), which JupyterLab
and other viewers show before the cell runs. This replaces that fallback by one clear line
and drops the notebook's saved widget state (ipympl canvases cannot be restored from it, and
it is most of a notebook's size). Each widget is preceded by a static figure, so the story still
reads without a kernel. It also stores the kernelspec exactly as JupyterLab writes it, so that
opening a notebook does not mark it modified.

Usage: ``python -m helpers.nbtidy notebooks/*.ipynb`` (``make execute`` runs it).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# what JupyterLab writes into a notebook when it starts the kernel: storing the same keeps
# a freshly opened notebook clean (a different display name marks it modified at once)
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
RUN_LINE = "▶ Run this cell to play with the widget (it needs a running Python kernel)."


def tidy(nb: dict) -> dict:
    """The notebook (parsed JSON) with widget fallbacks replaced; changes ``nb`` in place."""
    nb.setdefault("metadata", {}).pop("widgets", None)
    nb["metadata"]["kernelspec"] = dict(KERNELSPEC)
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if WIDGET_VIEW in data:
                data["text/plain"] = RUN_LINE
    return nb


def tidy_file(path: str | Path) -> bool:
    """Tidy a notebook file in place; True if it changed."""
    path = Path(path)
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
