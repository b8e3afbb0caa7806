"""Write an nbgrader course folder from the lecture notebooks (what ``make grading`` runs).

Each lecture becomes one nbgrader assignment, ``source/<lecture>/<lecture>.ipynb``, marked up
the way nbgrader's "Create Assignment" toolbar would:

- a cell with a ``# BEGIN SOLUTION`` / ``# END SOLUTION`` block is a **solution cell**
  (``solution: true``): ``nbgrader generate_assignment`` replaces the block by
  ``# YOUR CODE HERE`` / ``raise NotImplementedError()`` and keeps the ``def`` line;
- a cell that calls an exercise's ``.check(fn)`` is an **autograded test cell**
  (``grade: true``, ``points``, locked). What the student sees is the same one-line verdict as
  in the course (✅ / ❌ with a hint / ⏳), which never raises, so "Run All" reaches the end. The
  cell also carries a hidden-tests block (``### BEGIN HIDDEN TESTS``) that nbgrader keeps in its
  gradebook and puts back only when it autogrades: it runs the same hidden cases again
  (``Exercise.run``) and raises ``AssertionError`` with the verdict when they do not all pass, so
  nbgrader takes the cell's points away. The hidden cases themselves stay in the ``helpers``
  package; no notebook holds them;
- speaker-notes cells are dropped and cells tagged ``solution-reveal`` become the same one-line
  note as in student copies (``helpers.student``; one note for consecutive ones); the outputs of solution and check cells are
  cleared (no stored verdict);
- every other cell, markdown or code, is **read-only** (``locked``, with a ``grade_id``): the
  student cannot edit or delete it, and autograding restores its source if it was changed
  anyway, so a submission cannot tamper with the set-up or the checks;
- a short locked markdown cell after the title tells the student how the notebook is graded.

**Points.** Every exercise (every ``.check(...)`` call) is worth ``points`` (1 by default);
an exercise's points are all or nothing: all its hidden cases pass, or it scores 0. A lecture is
worth (number of exercises) × points. ``points`` may also name single exercises by the name
after the lecture module in the check call, e.g. ``{"XOR_WEIGHTS": 2}`` (CLI
``--points XOR_WEIGHTS=2``); a name that no notebook checks is an error.

The course folder also gets an ``nbgrader_config.py`` (written only when missing, so an
instructor's edits survive): course id, released notebooks keep their stored figures (nbgrader
would clear every output), a generous cell timeout, and warnings on stderr do not cost points.
``source/`` is regenerated on every run; nothing else in the folder (gradebook, release,
submitted, autograded, feedback) is touched.

Usage: ``python -m helpers.grading [NOTEBOOKS] [COURSE] [--points N | --points NAME=N ...]
[--lecture 01_perceptron ...]`` (``make grading`` writes ``build/grading``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Mapping

from helpers import validate
from helpers.student import BEGIN, END, REVEAL_TEXT, _source, is_notes, is_reveal

BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
DEFAULT_POINTS = 1
COURSE_ID = "dl-hands-on"
SCHEMA_VERSION = 3

# `perceptron.PREDICT.check(predict)`, alone on its line (a trailing comment is allowed).
_CHECK_LINE = re.compile(r"^(?P<indent>[ \t]*)(?P<exercise>[A-Za-z_][\w.]*)\.check\("
                         r"(?P<args>[^()]*(?:\([^()]*\)[^()]*)*)\)[ \t]*(?:#.*)?$")
_CHECK_ANYWHERE = re.compile(r"\.check\(")
_DEF = re.compile(r"^\s*def\s+(\w+)\s*\(", re.M)

HEADER = """\
**Graded homework.** This notebook has {n} exercise{s} worth {total:g} point{ps} in all \
({rule}). Write your code in place of `raise NotImplementedError()` in the cells marked \
`# YOUR CODE HERE` and keep the function names and arguments. The cell after each exercise \
prints a verdict at once: ✅ all hidden cases pass, ❌ what went wrong (with a hint), ⏳ not \
written yet. When you submit, the grader restarts the notebook, runs every cell from the top \
and runs the same hidden cases again: an exercise scores its points when all of them pass, \
otherwise 0. The other cells are read-only; add new cells if you want to experiment. Before \
you submit: *Kernel → Restart Kernel and Run All Cells*, and check every verdict."""

CONFIG = '''\
"""nbgrader configuration of the course folder written by `make grading` (helpers/grading.py).

Written once: edit it freely, `make grading` does not overwrite it. Run nbgrader from this
folder, e.g. `nbgrader generate_assignment 01_perceptron`.
"""
import os

from nbgrader.preprocessors import (CheckCellMetadata, ClearHiddenTests, ClearMarkScheme,
                                    ClearSolutions, ComputeChecksums, IncludeHeaderFooter,
                                    InstantiateTests, LockCells, SaveCells)

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.course_id = "{course_id}"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))

# Released notebooks keep their stored figures and printed results, as the course's student
# copies do: the default list minus ClearOutput. Solution and check cells carry no output
# (helpers/grading.py clears them). Autograding still clears every output of a submission
# before it runs it, so a stored output can never earn points.
c.GenerateAssignment.preprocessors = [
    IncludeHeaderFooter, InstantiateTests, LockCells, ClearSolutions, CheckCellMetadata,
    ComputeChecksums, SaveCells, ClearHiddenTests, ClearMarkScheme, ComputeChecksums,
    CheckCellMetadata,
]

# Every lecture runs in well under a minute on a laptop; a cell that trains gets 5 minutes.
c.Execute.timeout = 300

# nbgrader gives 0 points to a test cell with any output on stderr. A student's correct code
# may emit a harmless numpy/torch warning there; only an error (a failed hidden case raises
# AssertionError) should cost the points.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"Warning"

# Where release_assignment / fetch_assignment / submit / collect exchange files (one shared
# folder on a multi-user machine or JupyterHub; it must exist and be writable by everyone).
# c.Exchange.root = "/srv/nbgrader/exchange"
'''


def _parse_checks(source: str) -> list[tuple[str, str, str]]:
    """``(indent, exercise expression, arguments)`` of every ``.check(...)`` line of a cell."""
    found = []
    for line in source.splitlines():
        if not _CHECK_ANYWHERE.search(line):
            continue
        m = _CHECK_LINE.match(line)
        if m is None:
            raise ValueError(f"cannot grade the check line {line.strip()!r}: write it alone on "
                             f"its line as `module.EXERCISE.check(function)`")
        found.append((m["indent"], m["exercise"], m["args"]))
    return found


def exercise_key(expression: str) -> str:
    """The name that ``points`` uses for an exercise: ``perceptron.PREDICT`` -> ``PREDICT``."""
    return validate.text(expression, "expression").rsplit(".", 1)[-1]


def graded_check_source(source: str) -> str:
    """A check cell's source with a hidden block that raises when an exercise's cases fail."""
    source = validate.text(source, "source")
    hidden = []
    for indent, expression, args in _parse_checks(source):
        hidden += [f"{indent}_verdict = {expression}.run({args})",
                   f"{indent}assert _verdict.passed, _verdict.message"]
    return "\n".join([source.rstrip("\n"), BEGIN_HIDDEN, *hidden, END_HIDDEN])


def _check_points(points) -> None:
    """``points``: one number >= 0, or a mapping of exercise names to numbers >= 0."""
    if isinstance(points, Mapping):
        for key, value in points.items():
            validate.text(key, "points (an exercise name)")
            validate.real(value, f"points[{key!r}]", min=0)
    else:
        validate.real(points, "points", min=0)


def _points_for(key: str, points: int | float | Mapping[str, float]) -> float:
    if isinstance(points, Mapping):
        return float(points.get(key, points.get("*", DEFAULT_POINTS)))
    return float(points)


def _nbgrader(grade_id: str, *, grade: bool = False, solution: bool = False,
              locked: bool = False, points: float | None = None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked,
            "schema_version": SCHEMA_VERSION, "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return meta


def _unique(grade_id: str, used: set[str]) -> str:
    candidate, k = grade_id, 2
    while candidate in used:
        candidate, k = f"{grade_id}-{k}", k + 1
    used.add(candidate)
    return candidate


def grading_notebook(nb: dict, points: int | float | Mapping[str, float] = DEFAULT_POINTS
                     ) -> tuple[dict, dict[str, float]]:
    """The nbgrader source version of a notebook (parsed JSON; the input is not modified).

    Returns ``(notebook, {exercise key: points})``.
    """
    _check_points(points)
    nb = json.loads(json.dumps(validate.notebook(nb, "nb")))
    cells, used, exercises = [], set(), {}
    for index, cell in enumerate(nb["cells"]):
        if is_notes(cell):
            continue
        cell_id = str(cell.get("id") or f"cell{index}")
        if is_reveal(cell):
            if cells and _source(cells[-1]) == REVEAL_TEXT:
                continue  # one note for a run of answer-revealing cells
            slide = cell.get("metadata", {}).get("slideshow", {"slide_type": "fragment"})
            cell = {"cell_type": "markdown", "id": cell_id, "metadata": {"slideshow": slide},
                    "source": REVEAL_TEXT}
        cell.setdefault("metadata", {})
        src = _source(cell)
        is_solution = cell["cell_type"] == "code" and BEGIN in src
        checks = _parse_checks(src) if cell["cell_type"] == "code" else []
        if is_solution and checks:
            raise ValueError(f"cell {cell_id} holds both a solution and a check; nbgrader needs "
                             f"them in two cells")
        if ("BEGIN SOLUTION" in src and not is_solution) or "BEGIN HIDDEN TESTS" in src:
            raise ValueError(f"{cell['cell_type']} cell {cell_id} mentions one of nbgrader's "
                             f"markers (BEGIN SOLUTION, BEGIN HIDDEN TESTS) outside a solution "
                             f"cell; nbgrader would refuse it")
        if is_solution:
            if src.count(BEGIN) != src.count(END):
                raise ValueError(f"cell {cell_id}: unbalanced {BEGIN!r} / {END!r} markers")
            names = _DEF.findall(src)
            grade_id = _unique(f"{names[0] if names else cell_id}-solution", used)
            cell["metadata"]["nbgrader"] = _nbgrader(grade_id, solution=True)
        elif checks:
            keys = [exercise_key(expression) for _, expression, _ in checks]
            cell_points = sum(_points_for(k, points) for k in keys)
            for k in keys:
                exercises[k] = _points_for(k, points)
            grade_id = _unique("-".join(keys).lower().replace("_", "-") + "-check", used)
            cell["source"] = graded_check_source(src)
            cell["metadata"]["nbgrader"] = _nbgrader(grade_id, grade=True, locked=True,
                                                     points=cell_points)
        else:
            cell["metadata"]["nbgrader"] = _nbgrader(_unique(f"cell-{cell_id}", used),
                                                     locked=True)
        if cell["cell_type"] == "code" and (is_solution or checks):
            cell["outputs"], cell["execution_count"] = [], None
        cells.append(cell)
    if exercises:
        n, total = len(exercises), sum(exercises.values())
        uniform = len(set(exercises.values())) == 1
        rule = (f"{next(iter(exercises.values())):g} point{'' if total == n else 's'} each"
                if uniform else ", ".join(f"{k}: {v:g}" for k, v in exercises.items()))
        header = {"cell_type": "markdown", "id": "grading-header",
                  "metadata": {"slideshow": {"slide_type": "skip"},
                               "nbgrader": _nbgrader(_unique("grading-header", used), locked=True)},
                  "source": HEADER.format(n=n, s="" if n == 1 else "s", total=total,
                                          ps="" if total == 1 else "s", rule=rule)}
        cells.insert(1 if cells else 0, header)
    nb["cells"] = cells
    return nb, exercises


def write_course(src_dir: str | Path, course_dir: str | Path,
                 points: int | float | Mapping[str, float] = DEFAULT_POINTS,
                 lectures: list[str] | None = None) -> list[Path]:
    """Write ``course_dir/source/<lecture>/<lecture>.ipynb`` for each notebook in ``src_dir``.

    ``lectures`` limits it to some notebook stems (e.g. ``["01_perceptron"]``). Also writes
    ``nbgrader_config.py`` when it is missing. Returns the source notebooks written.
    """
    src_dir, course_dir = validate.path(src_dir, "src_dir"), validate.path(course_dir, "course_dir")
    if not src_dir.is_dir():
        raise ValueError(f"src_dir must be a folder of notebooks, got {src_dir}")
    if course_dir.exists() and not course_dir.is_dir():
        raise ValueError(f"course_dir must be a folder, got the file {course_dir}")
    _check_points(points)
    if lectures is not None and not (isinstance(lectures, (list, tuple))
                                     and all(isinstance(s, str) for s in lectures)):
        raise TypeError(f"lectures must be a list of notebook names (e.g. ['01_perceptron']), "
                        f"got {type(lectures).__name__}")
    paths = sorted(src_dir.glob("*.ipynb"))
    if lectures is not None:
        missing = sorted(set(lectures) - {p.stem for p in paths})
        if missing:
            raise ValueError(f"lectures must be notebook names in {src_dir}, got {missing}")
        paths = [p for p in paths if p.stem in lectures]
    course_dir.mkdir(parents=True, exist_ok=True)
    config = course_dir / "nbgrader_config.py"
    if not config.exists():
        config.write_text(CONFIG.format(course_id=COURSE_ID), encoding="utf-8")
    written, seen = [], set()
    for path in paths:
        nb, exercises = grading_notebook(json.loads(path.read_text(encoding="utf-8")), points)
        seen |= set(exercises)
        out = course_dir / "source" / path.stem / path.name
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(out)
    if isinstance(points, Mapping):
        unknown = sorted(set(points) - seen - {"*"})
        if unknown:
            raise ValueError(f"points names exercises that no notebook checks: {unknown} "
                             f"(exercises: {sorted(seen)})")
    return written


def _parse_points(values: list[str]) -> int | float | dict[str, float]:
    if not values:
        return DEFAULT_POINTS
    named: dict[str, float] = {}
    for value in values:
        name, _, number = value.rpartition("=")
        try:
            named[name or "*"] = float(number)
        except ValueError:
            raise SystemExit(f"--points takes N or NAME=N, got {value!r}") from None
    return named.get("*", DEFAULT_POINTS) if set(named) == {"*"} else named


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.grading", description=__doc__.split(
        "\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="?", default="notebooks")
    parser.add_argument("course", nargs="?", default="build/grading")
    parser.add_argument("--points", action="append", default=[], metavar="N|NAME=N",
                        help="points of every exercise (N) or of one exercise (NAME=N, e.g. "
                             "XOR_WEIGHTS=2); repeatable; default 1")
    parser.add_argument("--lecture", action="append", default=None, metavar="STEM",
                        help="only this notebook (e.g. 01_perceptron); repeatable")
    args = parser.parse_args(argv)
    written = write_course(args.notebooks, args.course, _parse_points(args.points), args.lecture)
    for path in written:
        print(f"wrote {path}")
    first = written[0].parent.name if written else "<lecture>"
    print(f"next: source .venv/bin/activate && cd {args.course} && "
          f"nbgrader generate_assignment {first}   (see README, section Grading)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
