"""The set-up cell that lets every notebook run on Google Colab (or any Python without the course).

Colab ships torch, numpy, matplotlib, ipywidgets and tqdm, but not this course's ``helpers``
package nor the two widget libraries the playgrounds use (ipympl, anywidget). The first code
cell of each notebook therefore

- does nothing where ``helpers`` can be imported (``make lab``, Binder, JupyterHub);
- otherwise clones the repository (shallow) and installs it with ``pip --no-deps --editable``
  — no-deps so that Colab's torch is never replaced by a multi-GB download, editable so that
  ``helpers.data`` finds the checked files in the clone's ``data/`` folder (a plain
  ``pip install git+…`` would not ship them) — then the pinned ipympl and anywidget;
- on Colab, turns on Colab's widget manager (needed by ipympl and anywidget widgets).

The cell's text is written here once (:func:`setup_source`), with the repository URL and the
two pins read from ``pyproject.toml`` — the one place that names them. Insert or update it in
every notebook (idempotent)::

    python -m helpers.colab notebooks/*.ipynb            # writes the notebooks that change
    python -m helpers.colab --check notebooks/*.ipynb    # exit 1 if any is not up to date
"""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path

from helpers import validate

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
#: first line of the cell: how the book, the tests and the inserter recognise it
MARKER = "# Set-up for Google Colab"
#: what a Colab runtime lacks among the course's dependencies (it has torch, numpy, matplotlib,
#: ipywidgets, tqdm, threadpoolctl); installed at the versions pinned in pyproject.toml
COLAB_MISSING = ("ipympl", "anywidget")
SLIDE_TYPE = "skip"
CELL_ID = "colab-setup"

_TEMPLATE = '''\
{marker} (or any Python without this course): fetch the course's `helpers`
# package from its repository and install it, without reinstalling torch. Where the course is
# installed already (make lab, Binder, JupyterHub) this cell does nothing.
import importlib.util, os, subprocess, sys

if importlib.util.find_spec("helpers") is None:
    repo = "{url}"
    src = os.path.expanduser("~/{folder}")
    if not os.path.isdir(src):
        subprocess.check_call(["git", "clone", "--depth", "1", repo, src])
    pip = [sys.executable, "-m", "pip", "install", "-q"]
    subprocess.check_call(pip + ["--no-deps", "-e", src])  # helpers only: torch stays as it is
    subprocess.check_call(pip + [{pins}])
    sys.path.insert(0, src)
if "google.colab" in sys.modules:  # Colab shows ipympl/anywidget widgets with its own manager
    from google.colab import output
    output.enable_custom_widget_manager()'''


def _project(pyproject: str | Path = PYPROJECT) -> dict:
    # an int would be taken by open() as a file descriptor (and closed afterwards)
    if not isinstance(pyproject, (str, Path)):
        raise TypeError(f"pyproject must be a path (str or pathlib.Path), "
                        f"got {type(pyproject).__name__}")
    with open(pyproject, "rb") as fh:
        return tomllib.load(fh)["project"]


def repository_url(pyproject: str | Path = PYPROJECT) -> str:
    """The public repository's URL, from ``[project.urls] Repository`` in pyproject.toml."""
    url = _project(pyproject).get("urls", {}).get("Repository", "")
    if not url.startswith("https://github.com/") or len(url.rstrip("/").split("/")) != 5:
        raise ValueError(f"[project.urls] Repository in {pyproject} must be "
                         f"https://github.com/<owner>/<name>, got {url!r}")
    return url.rstrip("/")


def pins(names=COLAB_MISSING, pyproject: str | Path = PYPROJECT) -> list[str]:
    """The ``name==version`` pins of ``names`` among pyproject's dependencies, in that order."""
    deps = {d.split("==")[0].strip().lower(): d.strip() for d in _project(pyproject)["dependencies"]}
    missing = [n for n in names if n.lower() not in deps]
    if missing:
        raise ValueError(f"names must be dependencies pinned in {pyproject}; not found: {missing}")
    return [deps[n.lower()] for n in names]


def setup_source(pyproject: str | Path = PYPROJECT) -> str:
    """The canonical text of the set-up cell (repository URL and pins from pyproject.toml)."""
    url = repository_url(pyproject)
    return _TEMPLATE.format(marker=MARKER, url=url, folder=url.rsplit("/", 1)[1],
                            pins=", ".join(f'"{p}"' for p in pins(pyproject=pyproject)))


def setup_cell(pyproject: str | Path = PYPROJECT) -> dict:
    """The set-up cell as an nbformat-4 code cell (slide type ``skip``, no outputs)."""
    return {"cell_type": "code", "execution_count": None,
            "metadata": {"slideshow": {"slide_type": SLIDE_TYPE}},
            "outputs": [], "source": setup_source(pyproject).splitlines(keepends=True)}


def _text(source) -> str:
    return "".join(source) if isinstance(source, list) else str(source)


def _check_cell(cell, name: str = "cell") -> dict:
    """``cell`` if it is a notebook cell (a dict, as in ``nb["cells"]``) whose metadata the
    course reads (``slideshow``, ``tags``) has the right types."""
    if not isinstance(cell, dict):
        raise TypeError(f"{name} must be a notebook cell (a dict with 'cell_type' and 'source'), "
                        f"got {type(cell).__name__}")
    meta = cell.get("metadata", {})
    if not (isinstance(meta, dict) and isinstance(meta.get("slideshow", {}), dict)
            and isinstance(meta.get("tags", []), list)):
        raise ValueError(f"{name}'s metadata must be a dict (with a 'slideshow' dict and a "
                         f"'tags' list), got {str(meta)[:60]!r}")
    return cell


def is_setup_cell(cell: dict) -> bool:
    """Whether ``cell`` is a (possibly outdated) copy of the set-up cell."""
    _check_cell(cell)
    return cell.get("cell_type") == "code" and _text(cell.get("source", "")).startswith(MARKER)


def insert_setup_cell(nb: dict, pyproject: str | Path = PYPROJECT) -> bool:
    """Make the canonical set-up cell the first code cell of ``nb`` (in place); True if changed.

    Old copies anywhere in the notebook are removed; the cell goes just before the first other
    code cell (after the title cell), or at the end of a notebook without code. Running it twice
    changes nothing the second time.
    """
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise TypeError(f"nb must be a parsed notebook (dict with a 'cells' list), got {type(nb).__name__}")
    cells = nb["cells"]
    want = setup_cell(pyproject)
    code = [i for i, c in enumerate(cells) if c.get("cell_type") == "code"]
    if code and is_setup_cell(cells[code[0]]) and not any(is_setup_cell(cells[i]) for i in code[1:]):
        first = cells[code[0]]
        if (_text(first["source"]) == setup_source(pyproject)
                and first.get("metadata", {}).get("slideshow", {}).get("slide_type") == SLIDE_TYPE):
            return False
    kept = [c for c in cells if not is_setup_cell(c)]
    if (nb.get("nbformat"), nb.get("nbformat_minor", 0)) >= (4, 5):  # cells carry ids since 4.5
        want = {"id": CELL_ID, **want}
    at = next((i for i, c in enumerate(kept) if c.get("cell_type") == "code"), len(kept))
    nb["cells"] = kept[:at] + [want] + kept[at:]
    return True


def insert_into_file(path: str | Path, check: bool = False) -> bool:
    """Insert/update the set-up cell of one notebook file; True if it changed (or would)."""
    path = validate.path(path, "path", exists=True, suffix=".ipynb")
    check = validate.boolean(check, "check")
    text = path.read_text(encoding="utf-8")
    nb = json.loads(text)
    changed = insert_setup_cell(nb)
    if changed and not check:
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return changed


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    paths = [a for a in args if a != "--check"]
    if not paths:
        print("usage: python -m helpers.colab [--check] NOTEBOOK.ipynb ...", file=sys.stderr)
        return 2
    stale = [p for p in paths if insert_into_file(p, check=check)]
    for p in stale:
        print(f"{'needs the set-up cell' if check else 'set-up cell written'}: {p}")
    return 1 if (check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
