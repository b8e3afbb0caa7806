"""Write student copies of the notebooks: every solution block becomes ``raise NotImplementedError``.

In a reference notebook a solution sits inside a function body between two marker lines::

    def predict(X, w, b):
        # BEGIN SOLUTION
        return np.where(X @ w + b >= 0, 1, -1)
        # END SOLUTION

The student copy keeps the ``def`` line and the indentation, so the cell still defines the
function and "Run All" reaches the end. A student copy gives nothing away:

- outputs of cells that hold a solution or call an exercise's ``.check(`` are cleared (no
  stored verdict under an unsolved exercise);
- speaker-notes cells (``slideshow.slide_type == "notes"``) are instructors' material: dropped;
- a cell tagged ``solution-reveal`` (one that prints or shows an exercise's answer) becomes a
  short markdown cell saying that the solution is discussed in class.

Usage: ``python -m helpers.student notebooks student [--force]`` (what ``make student`` runs).
Existing copies (a student's work) are kept unless ``--force`` is given.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from helpers import validate
from helpers.colab import _check_cell

BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
STUB = "raise NotImplementedError"
REVEAL_TAG = "solution-reveal"
REVEAL_TEXT = ("*(The worked solution of this exercise is discussed in class; it is in the "
               "instructor's copy of the notebook.)*")
_CHECK = re.compile(r"\.check\(")
_BLOCK = re.compile(r"^([ \t]*)" + re.escape(BEGIN) + r"[^\n]*\n.*?^[ \t]*" + re.escape(END)
                    + r"[^\n]*(\n|$)", re.S | re.M)


def strip_solutions(source: str) -> str:
    """Replace each BEGIN/END SOLUTION block (markers included) by an indented stub."""
    source = validate.text(source, "source", empty=True)
    if source.count(BEGIN) != source.count(END):
        raise ValueError(f"source has {source.count(BEGIN)} '{BEGIN}' but "
                         f"{source.count(END)} '{END}' markers")
    return _BLOCK.sub(lambda m: f"{m.group(1)}{STUB}  # your code here{m.group(2)}", source)


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def is_notes(cell: dict) -> bool:
    """True for a speaker-notes cell."""
    meta = _check_cell(cell).get("metadata", {})
    return meta.get("slideshow", {}).get("slide_type") == "notes"


def is_reveal(cell: dict) -> bool:
    """True for a cell tagged ``solution-reveal``."""
    return REVEAL_TAG in _check_cell(cell).get("metadata", {}).get("tags", [])


def student_notebook(nb: dict) -> dict:
    """A student copy of a notebook given as parsed JSON (the input is not modified)."""
    nb = json.loads(json.dumps(validate.notebook(nb, "nb")))
    cells = []
    for cell in nb["cells"]:
        if is_notes(cell):
            continue
        if is_reveal(cell):
            slide = cell.get("metadata", {}).get("slideshow", {"slide_type": "fragment"})
            cells.append({"cell_type": "markdown", "id": cell.get("id", "reveal"),
                          "metadata": {"slideshow": slide}, "source": REVEAL_TEXT})
            continue
        if cell["cell_type"] == "code":
            src = _source(cell)
            if BEGIN in src or _CHECK.search(src):
                cell["source"] = strip_solutions(src)
                cell["outputs"] = []
                cell["execution_count"] = None
        cells.append(cell)
    nb["cells"] = cells
    return nb


def write_student_copies(src_dir: str | Path, dst_dir: str | Path,
                         force: bool = False) -> list[Path]:
    """Write a student copy of every ``*.ipynb`` in ``src_dir`` into ``dst_dir``.

    A copy that already exists holds a student's work: it is kept unless ``force`` is True
    (delete one copy and run again to get that notebook back clean). Returns the paths written.
    """
    src_dir, dst_dir = validate.path(src_dir, "src_dir"), validate.path(dst_dir, "dst_dir")
    force = validate.boolean(force, "force")
    if not src_dir.is_dir():
        raise ValueError(f"src_dir must be a folder of notebooks, got {src_dir}")
    if dst_dir.exists() and not dst_dir.is_dir():
        raise ValueError(f"dst_dir must be a folder, got the file {dst_dir}")
    dst_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(src_dir.glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        out = dst_dir / path.name
        if out.exists() and not force:
            continue
        out.write_text(json.dumps(student_notebook(nb), indent=1, ensure_ascii=False) + "\n",
                       encoding="utf-8")
        written.append(out)
    return written


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--force"]
    src, dst = (args[:2] + ["notebooks", "student"][len(args[:2]):])
    written = write_student_copies(src, dst, force="--force" in sys.argv)
    for p in written:
        print(f"wrote {p}")
    kept = len(list(Path(src).glob("*.ipynb"))) - len(written)
    if kept:
        print(f"kept {kept} existing copies in {dst}/ (your work); delete one to get it back "
              f"clean, or use --force (make student FORCE=1) to overwrite them all")
