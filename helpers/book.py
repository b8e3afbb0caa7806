"""The course as a static web book: stage the executed notebooks, then build HTML with Sphinx.

``make book`` runs ``python -m helpers.book`` and writes the site to ``build/book/html/``
(open ``index.html`` from disk; nothing in it loads from the network). The build

- never executes a notebook: the stored outputs (figures, printed results) are shown as they are;
- stages copies of ``notebooks/NN_*.ipynb`` in which speaker-notes cells (slide type ``notes``)
  and the Colab set-up cell are removed, a line of links to open the lecture in Colab, Binder or
  JupyterLab is added under the title, and each widget output becomes its stored picture
  (``image/png``, when the notebook carries one) plus a line saying where to play with it;
- writes the home page with the syllabus (number, title and the pitch of each title cell) and a
  "Run it yourself" page from ``book/run.md``;
- copies MathJax 3 (installed from npm by ``make book-vendor``) into the site, so formulas render
  offline.

Student copies are not published (the book shows the lectures as the instructor wrote them).
The repository URL of every link comes from ``pyproject.toml`` (``[project.urls] Repository``).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from helpers import colab, validate
from helpers.colab import _check_cell

ROOT = Path(__file__).resolve().parent.parent
BOOK_DIR = ROOT / "book"
MATHJAX_DIR = ROOT / "build" / "book-vendor" / "node_modules" / "mathjax"
#: the part of the npm package the site needs: one self-contained TeX→SVG bundle and the
#: components it may load on demand (menu, accessibility)
MATHJAX_PARTS = ("es5/tex-svg-full.js", "es5/ui", "es5/a11y", "es5/input/tex/extensions")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
BRANCH = "main"  # the branch that Colab opens notebooks from
LECTURE = re.compile(r"^\d\d_\w+\.ipynb$")
PLAY_CLASS = "widget-play"
NBVAL = re.compile(r"^\s*# NBVAL_\w+\s*$")
GITHUB = re.compile(r"^https://github\.com/[^/\s]+/[^/\s]+$")


def _check_repo(repo) -> str:
    """``repo`` if it is a GitHub repository URL ``https://github.com/<owner>/<name>``."""
    if not GITHUB.match(validate.text(repo, "repo")):
        raise ValueError(f"repo must be https://github.com/<owner>/<name>, got {repo[:80]!r}")
    return repo


def _check_mathjax(mathjax) -> Path | None:
    """``mathjax`` (the npm package folder) as a Path, or None; FileNotFoundError if missing."""
    if mathjax is None:
        return None
    path = validate.path(mathjax, "mathjax")
    if not (path / MATHJAX_PARTS[0]).exists():
        raise FileNotFoundError(f"mathjax: MathJax 3 not found at {mathjax}: run `make "
                                f"book-vendor` (installs it from the npm registry into "
                                f"build/book-vendor)")
    return path


def slide_type(cell: dict) -> str:
    return _check_cell(cell).get("metadata", {}).get("slideshow", {}).get("slide_type", "")


def _text(source) -> str:
    return "".join(source) if isinstance(source, list) else str(source)


def lecture_title(nb: dict) -> tuple[str, str, str]:
    """``(number, title, pitch)`` from a notebook's title cell ``# NN · Title`` and its first
    paragraph (emphasis removed, cut after the first sentence(s) that make ≥ 50 characters)."""
    cells = [c for c in validate.notebook(nb, "nb")["cells"] if c["cell_type"] == "markdown"]
    if not cells:
        raise ValueError("nb must start with a markdown title cell '# NN · Title', found none")
    lines = _text(cells[0].get("source", "")).strip().split("\n\n")
    m = re.match(r"#\s+(\d+)\s*·\s*(.+)", lines[0].strip())
    if not m:
        raise ValueError(f"nb's title cell must start with '# NN · Title', got {lines[0][:60]!r}")
    para = " ".join(lines[1].split()) if len(lines) > 1 else ""
    para = re.sub(r"\*\*|(?<![\w\\])\*|\*(?!\w)", "", para)
    pitch = ""
    for sentence in re.split(r"(?<=[.?!])\s+(?=[A-Z`(])", para):
        pitch = f"{pitch} {sentence}".strip()
        if len(pitch) >= 50:
            break
    return m.group(1), m.group(2).strip(), pitch


def links(name: str, repo: str) -> dict[str, str]:
    """Where to open ``notebooks/<name>.ipynb``: Colab, Binder (JupyterLab) and the GitHub page."""
    name, repo = validate.text(name, "name"), _check_repo(repo)
    owner_name = repo.removeprefix("https://github.com/")
    path = f"notebooks/{name}.ipynb"
    return {
        "colab": f"https://colab.research.google.com/github/{owner_name}/blob/{BRANCH}/{path}",
        "binder": f"https://mybinder.org/v2/gh/{owner_name}/HEAD?labpath={quote(path, safe='')}",
        "github": f"{repo}/blob/{BRANCH}/{path}",
    }


def readme_badges(name: str = "01_perceptron", repo: str | None = None) -> str:
    """The README's Binder and Colab badges (opening lecture ``name``); a test keeps them in step
    with pyproject's repository URL."""
    ln = links(name, colab.repository_url() if repo is None else repo)
    return (f"[![Binder](https://mybinder.org/badge_logo.svg)]({ln['binder']}) "
            f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({ln['colab']})")


def launch_html(name: str, repo: str) -> str:
    """The line of links under a lecture's title."""
    ln = links(name, repo)
    return (f'<div class="launch-links">Open this lecture and run it: '
            f'<a class="launch colab" href="{ln["colab"]}">Colab</a> '
            f'<a class="launch binder" href="{ln["binder"]}">Binder</a> '
            f'<a class="launch lab" href="run.html#on-your-computer">JupyterLab on your computer</a> '
            f'<a class="launch github" href="{ln["github"]}">notebook on GitHub</a></div>')


def play_html(name: str, repo: str, picture: bool) -> str:
    """The line under a widget saying where to play with it."""
    picture = validate.boolean(picture, "picture")
    ln = links(name, repo)
    what = "A still of the interactive widget." if picture else "An interactive widget goes here."
    return (f'<p class="{PLAY_CLASS}">▶ {what} To play with it, run this lecture in '
            f'<a href="{ln["colab"]}">Colab</a>, on <a href="{ln["binder"]}">Binder</a> or in '
            f'<a href="run.html#on-your-computer">JupyterLab on your computer</a>.</p>')


def _widget_outputs(out: dict, name: str, repo: str) -> list[dict]:
    """A widget output → its stored picture (if any) and the play line."""
    data = out.get("data", {})
    new = []
    if "image/png" in data:
        meta = {k: v for k, v in out.get("metadata", {}).items() if k == "image/png"}
        new.append({"output_type": "display_data", "metadata": meta,
                    "data": {"image/png": data["image/png"], "text/plain": "<widget picture>"}})
    new.append({"output_type": "display_data", "metadata": {},
                "data": {"text/html": play_html(name, repo, "image/png" in data),
                         "text/plain": "(interactive widget)"}})
    return new


def stage_notebook(nb: dict, name: str, repo: str) -> dict:
    """A copy of ``nb`` as the book shows it (see the module docstring); ``nb`` is unchanged."""
    name, repo = validate.text(name, "name"), _check_repo(repo)
    nb = copy.deepcopy(validate.notebook(nb, "nb"))
    nb.setdefault("metadata", {}).pop("widgets", None)
    cells = []
    for cell in nb.get("cells", []):
        if slide_type(cell) == "notes" or colab.is_setup_cell(cell):
            continue
        if cell.get("cell_type") == "code":
            # test-runner directives (# NBVAL_CHECK_OUTPUT …) say nothing to a reader
            cell["source"] = "".join(line for line in _text(cell["source"]).splitlines(True)
                                     if not NBVAL.match(line)).strip("\n")
            outs = []
            for out in cell.get("outputs", []):
                if WIDGET_VIEW in out.get("data", {}):
                    outs.extend(_widget_outputs(out, name, repo))
                else:
                    outs.append(out)
            cell["outputs"] = outs
        cells.append(cell)
    at = 1 if cells and cells[0].get("cell_type") == "markdown" else 0
    cells.insert(at, {"cell_type": "markdown", "metadata": {}, "id": "launch-links",
                      "source": launch_html(name, repo)})
    nb["cells"] = cells
    return nb


def index_page(lectures: list[tuple[str, str, str, str]]) -> str:
    """The home page: the syllabus (``(name, number, title, pitch)`` per lecture) and the toctree."""
    if not (isinstance(lectures, (list, tuple)) and all(
            isinstance(row, (list, tuple)) and len(row) == 4
            and all(isinstance(s, str) for s in row) for row in lectures)):
        raise TypeError(f"lectures must be a list of (name, number, title, pitch) strings, "
                        f"got {type(lectures).__name__}")
    rows = "\n".join(f"| {num} | [{title}]({name}.ipynb) | {pitch} |"
                     for name, num, title, pitch in lectures)
    toc = "\n".join(name for name, *_ in lectures)
    intro = (BOOK_DIR / "intro.md").read_text(encoding="utf-8")
    return (f"{intro.rstrip()}\n\n## Syllabus\n\n| # | lecture | in one line |\n|---|---|---|\n"
            f"{rows}\n\n```{{toctree}}\n:hidden:\n:maxdepth: 1\n\n{toc}\nrun\n```\n")


def stage(notebooks: Path, src: Path, repo: str, mathjax: Path | None) -> list[str]:
    """Write the Sphinx source folder ``src``; returns the lecture names staged."""
    notebooks, src = validate.path(notebooks, "notebooks", exists=True), validate.path(src, "src")
    repo, mathjax = _check_repo(repo), _check_mathjax(mathjax)
    paths = [p for p in sorted(notebooks.glob("*.ipynb")) if LECTURE.match(p.name)]
    if not paths:
        raise ValueError(f"notebooks must hold lecture notebooks NN_name.ipynb; none in {notebooks}")
    if src.exists() and not src.is_dir():
        raise ValueError(f"src must be a folder, got the file {src}")
    if src.exists():
        shutil.rmtree(src)
    shutil.copytree(BOOK_DIR, src, ignore=shutil.ignore_patterns("_build", "__pycache__"))
    lectures = []
    for path in paths:
        nb = json.loads(path.read_text(encoding="utf-8"))
        lectures.append((path.stem, *lecture_title(nb)))
        staged = stage_notebook(nb, path.stem, repo)
        (src / path.name).write_text(json.dumps(staged, ensure_ascii=False), encoding="utf-8")
    (src / "index.md").write_text(index_page(lectures), encoding="utf-8")
    run = (BOOK_DIR / "run.md").read_text(encoding="utf-8")
    first = lectures[0][0]
    (src / "run.md").write_text(run.replace("{repository_name}", repo.rsplit("/", 1)[1])
                                .replace("{repository}", repo)
                                .replace("{binder}", links(first, repo)["binder"].split("?")[0])
                                .replace("{first}", first), encoding="utf-8")
    if mathjax is not None:
        for part in MATHJAX_PARTS:
            source, target = mathjax / part, src / "_static" / "mathjax" / Path(part).relative_to("es5")
            target.parent.mkdir(parents=True, exist_ok=True)
            (shutil.copytree if source.is_dir() else shutil.copy2)(source, target)
    return [name for name, *_ in lectures]


def vendor_mathjax(timeout: float = 600) -> bool:
    """Make sure MathJax is in ``MATHJAX_DIR``, running ``make book-vendor`` (npm) if needed.

    Returns False when it is missing and npm or make is not there. Safe to call from several
    processes at once (pytest-xdist workers): the install runs under a file lock.
    """
    if (MATHJAX_DIR / MATHJAX_PARTS[0]).exists():
        return True
    if not (shutil.which("npm") and shutil.which("make")):
        return False
    import fcntl

    lock = ROOT / "build" / "book-vendor.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        if not (MATHJAX_DIR / MATHJAX_PARTS[0]).exists():
            subprocess.run(["make", "-s", "book-vendor"], cwd=ROOT, check=True, timeout=timeout)
    return (MATHJAX_DIR / MATHJAX_PARTS[0]).exists()


def build(notebooks: str | Path = ROOT / "notebooks", out: str | Path = ROOT / "build" / "book",
          mathjax: str | Path | None = MATHJAX_DIR, jobs: int = 1, quiet: bool = True) -> Path:
    """Stage and build the book under ``out``; returns the HTML folder (``out/html``).

    Raises FileNotFoundError when ``mathjax`` (the npm package folder) is missing: run
    ``make book-vendor`` (or pass ``mathjax=None`` for a site whose formulas stay raw TeX).
    """
    notebooks = validate.path(notebooks, "notebooks", exists=True)
    out, mathjax = validate.path(out, "out"), _check_mathjax(mathjax)
    if out.exists() and not out.is_dir():
        raise ValueError(f"out must be a folder, got the file {out}")
    jobs, quiet = validate.integer(jobs, "jobs", min=1, max=64), validate.boolean(quiet, "quiet")
    repo = colab.repository_url()
    src, html = out / "src", out / "html"
    stage(notebooks, src, repo, mathjax)
    if html.exists():
        shutil.rmtree(html)
    env = dict(os.environ, BOOK_REPOSITORY_URL=repo)
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-E", "-j", str(jobs),
           "-d", str(out / "doctrees"), str(src), str(html)]
    if quiet:
        cmd.insert(3, "-q")
    subprocess.run(cmd, check=True, env=env)
    # myst-nb keeps a copy of every notebook for its own use next to the site: not published
    shutil.rmtree(out / "jupyter_execute", ignore_errors=True)
    shutil.rmtree(html / ".doctrees", ignore_errors=True)
    return html


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--notebooks", default=str(ROOT / "notebooks"))
    parser.add_argument("--out", default=str(ROOT / "build" / "book"))
    parser.add_argument("--mathjax", default=str(MATHJAX_DIR))
    parser.add_argument("-j", "--jobs", type=int, default=1)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    html = build(args.notebooks, args.out, args.mathjax, jobs=args.jobs)
    print(f"book built in {time.perf_counter() - start:.1f} s: open {html / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
