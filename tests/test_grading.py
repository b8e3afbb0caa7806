"""make grading: an nbgrader course folder whose check cells are autograded (issue 14, section 4).

Cheap tests check the generator on every lecture (in-process nbgrader preprocessors, no kernel).
One module fixture then runs the real thing on lecture 01 through nbgrader's Python API with the
course folder's own nbgrader_config.py and a fresh sqlite gradebook: generate_assignment, then a
single autograde call over three submissions (each one execution of the lecture, ~15 s of CPU):
a correct one, one with a wrong exercise, and the released notebook as it is.
"""

from __future__ import annotations

import copy
import io
import json
import os
import re
import shutil
import sys
from contextlib import redirect_stdout
from pathlib import Path

import nbformat
import numpy as np
import pytest

from helpers import grading, perceptron
from helpers.student import BEGIN, END, REVEAL_TAG, REVEAL_TEXT

# nbgrader's own gradebook code trips SQLAlchemy's autoflush warnings when it reads scores
pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
LECTURE = "01_perceptron"


def _src(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _load(path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _meta(cell) -> dict:
    return cell["metadata"].get("nbgrader", {})


def _solution_lines(nb) -> list[str]:
    """The code lines inside BEGIN/END SOLUTION blocks of a reference notebook (≥ 12 chars)."""
    lines = []
    for c in nb["cells"]:
        if c["cell_type"] == "code":
            for block in re.findall(re.escape(BEGIN) + r"[^\n]*\n(.*?)^[ \t]*" + re.escape(END),
                                    _src(c), re.S | re.M):
                lines += [ln.strip() for ln in block.splitlines()
                          if len(ln.strip()) >= 12 and not ln.strip().startswith("#")]
    return lines


def _released(source_nb: dict) -> dict:
    """What `nbgrader generate_assignment` makes of a source notebook (its notebook preprocessors)."""
    from nbgrader.preprocessors import (CheckCellMetadata, ClearHiddenTests, ClearSolutions,
                                        ComputeChecksums, LockCells)

    nb, resources = nbformat.reads(json.dumps(source_nb), as_version=4), {}
    for pre in (LockCells, ClearSolutions, CheckCellMetadata, ComputeChecksums, ClearHiddenTests,
                ComputeChecksums, CheckCellMetadata):
        nb, resources = pre().preprocess(nb, resources)
    return json.loads(nbformat.writes(nb))


# ---------------------------------------------------------------- the generator, every lecture


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_lecture_becomes_a_valid_assignment(path):
    ref = _load(path)
    code = [_src(c) for c in ref["cells"] if c["cell_type"] == "code"]
    n_solutions = sum(BEGIN in s for s in code)
    n_checks = sum(s.count(".check(") for s in code)
    assert n_solutions == n_checks >= 2  # the course's rule: 2-4 exercises, one check each

    src, exercises = grading.grading_notebook(ref)
    solutions = [c for c in src["cells"] if _meta(c).get("solution")]
    tests = [c for c in src["cells"] if _meta(c).get("grade")]
    assert len(solutions) == len(tests) == len(exercises) == n_checks
    assert all(_meta(c)["points"] == 1 and _meta(c)["locked"] for c in tests)
    assert all(grading.BEGIN_HIDDEN in _src(c) and "assert" in _src(c) for c in tests)
    others = [c for c in src["cells"] if c not in solutions and c not in tests]
    assert others and all(_meta(c)["locked"] and not _meta(c)["grade"] for c in others)
    assert not any(c["metadata"].get("slideshow", {}).get("slide_type") == "notes"
                   for c in src["cells"])
    assert not any(REVEAL_TAG in c["metadata"].get("tags", []) for c in src["cells"])
    assert f"{n_checks} exercises worth {n_checks} points" in _src(src["cells"][1])

    released = _released(src)
    text = "\n".join(_src(c) for c in released["cells"])
    stored = json.dumps([c.get("outputs", []) for c in released["cells"]], ensure_ascii=False)
    assert "✅" not in stored and "❌" not in stored, "a stored verdict in the released notebook"
    assert BEGIN not in text and grading.BEGIN_HIDDEN not in text and ".run(" not in text
    code_text = "\n".join(_src(c) for c in released["cells"] if c["cell_type"] == "code")
    assert code_text.count("raise NotImplementedError()") == n_solutions
    outside = "\n".join(_src(c) for c in ref["cells"] if BEGIN not in _src(c))
    leaked = [ln for ln in _solution_lines(ref) if ln in text and ln not in outside]
    assert not leaked, f"solution lines in the released notebook: {leaked}"


def test_hidden_block_raises_only_when_the_exercise_is_wrong():
    src = "# NBVAL_CHECK_OUTPUT\nperceptron.PREDICT.check(predict)"
    full = grading.graded_check_source(src)
    visible = _released({"cells": [nbformat.v4.new_code_cell(
        full, metadata={"nbgrader": grading._nbgrader("t", grade=True, locked=True, points=1)})],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5})["cells"][0]
    assert _src(visible).strip() == src  # students see the course's check line only

    def run(fn):
        out = io.StringIO()
        with redirect_stdout(out):
            exec(full, {"perceptron": perceptron, "predict": fn})
        return out.getvalue()

    def stub(X, w, b):
        raise NotImplementedError

    assert run(lambda X, w, b: np.where(X @ w + b >= 0, 1, -1)).startswith("✅")
    for wrong, shown in [(lambda X, w, b: np.where(X @ w + b > 0, 1, -1), "❌ predict"),
                         (lambda X, w, b: np.sign(X @ w + b), "❌ predict"),
                         (stub, "not implemented")]:
        with pytest.raises(AssertionError, match=shown):
            run(wrong)


def test_points_rule():
    ref = _load(ROOT / "notebooks" / f"{LECTURE}.ipynb")
    _, each = grading.grading_notebook(ref, points=2)
    assert each == {"PREDICT": 2, "UPDATE": 2, "MARGIN": 2, "XOR_WEIGHTS": 2}
    src, named = grading.grading_notebook(ref, points={"XOR_WEIGHTS": 3})
    assert named == {"PREDICT": 1, "UPDATE": 1, "MARGIN": 1, "XOR_WEIGHTS": 3}
    assert sum(_meta(c).get("points", 0) for c in src["cells"]) == 6
    assert "4 exercises worth 6 points" in _src(src["cells"][1])
    assert grading._parse_points(["2", "XOR_WEIGHTS=3"]) == {"*": 2, "XOR_WEIGHTS": 3}
    assert grading._parse_points([]) == 1 and grading._parse_points(["0.5"]) == 0.5


def test_bad_arguments_are_refused(tmp_path):
    with pytest.raises(ValueError, match="no notebook checks"):
        grading.write_course(ROOT / "notebooks", tmp_path, {"PREDICTT": 2}, [LECTURE])
    with pytest.raises(ValueError, match="points"):
        grading.write_course(ROOT / "notebooks", tmp_path, -1, [LECTURE])
    with pytest.raises(ValueError, match="lectures"):
        grading.write_course(ROOT / "notebooks", tmp_path, 1, ["01_perceptorn"])
    with pytest.raises(ValueError, match="src_dir"):
        grading.write_course(tmp_path / "nowhere", tmp_path)
    both = nbformat.v4.new_code_cell("def f():\n    # BEGIN SOLUTION\n    return 1\n"
                                     "    # END SOLUTION\nEX.check(f)")
    with pytest.raises(ValueError, match="two cells"):
        grading.grading_notebook({"cells": [both]})
    for text in ("Mark your answer with BEGIN SOLUTION", "### BEGIN HIDDEN TESTS"):
        with pytest.raises(ValueError, match="markers"):
            grading.grading_notebook({"cells": [nbformat.v4.new_markdown_cell(text)]})
    with pytest.raises(ValueError, match="alone on its line"):
        grading.graded_check_source("print(EX.check(f))")


def test_rerun_keeps_the_instructors_files(tmp_path):
    grading.write_course(ROOT / "notebooks", tmp_path, lectures=[LECTURE])
    config = tmp_path / "nbgrader_config.py"
    assert "IgnorePattern" in config.read_text()
    config.write_text("c = get_config()  # edited by the instructor\n")
    (tmp_path / "gradebook.db").write_bytes(b"grades")
    source = tmp_path / "source" / LECTURE / f"{LECTURE}.ipynb"
    first = source.read_bytes()
    source.write_text("{}")
    out = io.StringIO()
    with redirect_stdout(out):
        assert grading.main([str(ROOT / "notebooks"), str(tmp_path), "--lecture", LECTURE]) == 0
    assert source.read_bytes() == first  # regenerated, byte for byte
    assert config.read_text().endswith("edited by the instructor\n")
    assert (tmp_path / "gradebook.db").read_bytes() == b"grades"
    assert "generate_assignment 01_perceptron" in out.getvalue()


# ---------------------------------------------------------------- nbgrader on lecture 01

STUDENTS = ("alice", "bob", "carol")  # correct / one wrong exercise / released as it is


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Generate lecture 01, autograde three submissions in one call; yield the course folder."""
    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    course = tmp_path_factory.mktemp("course")
    grading.write_course(ROOT / "notebooks", course, lectures=[LECTURE])
    # nbgrader runs `alembic` (installed next to python) when it creates a gradebook
    old_path = os.environ["PATH"]
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), old_path])
    try:
        config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
        config.CourseDirectory.db_url = f"sqlite:///{course / 'gradebook.db'}"
        config.Execute.timeout = 600  # a loaded CI machine; the default in the course is 300
        api = NbGraderAPI(config=config)
        assert api.coursedir.root == str(course)  # the config file sets the course folder
        result = api.generate_assignment(LECTURE)
        assert result["success"], result.get("log")
        released = _load(course / "release" / LECTURE / f"{LECTURE}.ipynb")

        solutions = {_meta(c)["grade_id"]: _src(c) for c in
                     _load(course / "source" / LECTURE / f"{LECTURE}.ipynb")["cells"]
                     if _meta(c).get("solution")}

        def submit(student, edit):
            nb = copy.deepcopy(released)
            for cell in nb["cells"]:
                meta = _meta(cell)
                if meta.get("solution") or meta.get("grade"):
                    cell["source"] = edit(meta["grade_id"], _src(cell))
            out = course / "submitted" / student / LECTURE / f"{LECTURE}.ipynb"
            out.parent.mkdir(parents=True)
            out.write_text(json.dumps(nb), encoding="utf-8")

        def correct(grade_id, source):
            if grade_id == "margin-solution":  # a harmless warning on stderr costs nothing
                return solutions[grade_id].replace(
                    "    return np.min", "    __import__('warnings').warn('harmless', "
                    "RuntimeWarning)\n    return np.min")
            return solutions.get(grade_id, source)

        def one_wrong(grade_id, source):
            if grade_id == "predict-solution":  # ties go to -1: a plausible wrong answer
                return solutions[grade_id].replace(">= 0", "> 0")
            if grade_id == "predict-check":  # tampering with a read-only cell changes nothing
                return 'print("✅ predict: all hidden cases pass.")'
            return correct(grade_id, source)

        submit("alice", correct)
        submit("bob", one_wrong)
        submit("carol", lambda grade_id, source: source)
        result = api.autograde(LECTURE, "*")
        assert result["success"], result.get("log")
        with Gradebook(config.CourseDirectory.db_url) as gb:
            scores = {}
            for student in STUDENTS:
                sub = gb.find_submission_notebook(LECTURE, LECTURE, student)
                scores[student] = ({g.name: g.score for g in sub.grades}, sub.max_score)
        yield {"course": course, "released": released, "scores": scores}
    finally:
        os.environ["PATH"] = old_path


def test_released_notebook_gives_nothing_away(graded):
    ref = _load(ROOT / "notebooks" / f"{LECTURE}.ipynb")
    released = graded["released"]
    text = "\n".join(_src(c) for c in released["cells"])
    outside = "\n".join(_src(c) for c in ref["cells"] if BEGIN not in _src(c))
    assert not [ln for ln in _solution_lines(ref) if ln in text and ln not in outside]
    assert BEGIN not in text and "HIDDEN TESTS" not in text and "_verdict" not in text
    # no speaker notes, no answer-revealing cell (the XOR network's weights, its printed table)
    for cell in ref["cells"]:
        kind = cell["metadata"].get("slideshow", {}).get("slide_type")
        if kind == "notes" or REVEAL_TAG in cell["metadata"].get("tags", []):
            assert _src(cell).strip() not in text
    assert "perceptron.xor_network()" not in text
    assert text.count(REVEAL_TEXT) == 2  # two runs of revealing cells, one note each
    stored = json.dumps([c.get("outputs", []) for c in released["cells"]], ensure_ascii=False)
    assert "✅" not in stored and "→  h = [" not in stored
    # figures of the story are kept; every non-solution cell is read-only
    assert sum("image/png" in json.dumps(c.get("outputs", [])) for c in released["cells"]) >= 5
    for cell in released["cells"]:
        meta = _meta(cell)
        if meta.get("solution"):
            assert "raise NotImplementedError()" in _src(cell) and cell["metadata"].get(
                "editable", True)
        else:
            assert meta["locked"] and cell["metadata"]["editable"] is False
            assert cell["metadata"]["deletable"] is False


def test_correct_submission_gets_full_points(graded):
    grades, max_score = graded["scores"]["alice"]
    assert max_score == 4  # four exercises, one point each
    assert grades == {"predict-check": 1, "update-check": 1, "margin-check": 1,
                      "xor-weights-check": 1}


def test_one_wrong_exercise_loses_only_its_points(graded):
    grades, _ = graded["scores"]["bob"]
    assert grades == {"predict-check": 0, "update-check": 1, "margin-check": 1,
                      "xor-weights-check": 1}
    nb = _load(graded["course"] / "autograded" / "bob" / LECTURE / f"{LECTURE}.ipynb")
    (check,) = [c for c in nb["cells"] if _meta(c).get("grade_id") == "predict-check"]
    errors = [o for o in check["outputs"] if o["output_type"] == "error"]
    assert errors and errors[0]["ename"] == "AssertionError" and "❌ predict" in errors[0]["evalue"]


def test_unsolved_notebook_scores_zero_and_runs_to_the_end(graded):
    grades, _ = graded["scores"]["carol"]
    assert grades == {"predict-check": 0, "update-check": 0, "margin-check": 0,
                      "xor-weights-check": 0}
    nb = _load(graded["course"] / "autograded" / "carol" / LECTURE / f"{LECTURE}.ipynb")
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c["execution_count"] is not None for c in code), "autograding stopped early"
    failed = {_meta(c).get("grade_id") for c in code
              if any(o["output_type"] == "error" for o in c["outputs"])}
    assert failed == set(grades)  # only the four test cells raise, nothing else breaks
    for c in code:
        if _meta(c).get("grade"):
            assert "⏳" in json.dumps(c["outputs"], ensure_ascii=False)


def test_bad_argument_types_are_refused_naming_them(tmp_path):
    with pytest.raises(TypeError, match=r"\bnb\b"):
        grading.grading_notebook(None)
    with pytest.raises(TypeError, match=r"\bpoints\b"):
        grading.grading_notebook({"cells": []}, points="2")
    with pytest.raises(ValueError, match=r"\bpoints\b"):
        grading.grading_notebook({"cells": []}, points={"PREDICT": float("nan")})
    with pytest.raises(TypeError, match=r"\bexpression\b"):
        grading.exercise_key(None)
    with pytest.raises(TypeError, match=r"\bsource\b"):
        grading.graded_check_source(b"EX.check(f)")
    with pytest.raises(TypeError, match=r"\bsrc_dir\b"):
        grading.write_course(1, tmp_path)  # not taken as a file descriptor
    with pytest.raises(TypeError, match=r"\blectures\b"):
        grading.write_course(ROOT / "notebooks", tmp_path / "course", lectures=LECTURE)
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(ValueError, match=r"\bcourse_dir\b"):
        grading.write_course(ROOT / "notebooks", tmp_path / "file", lectures=[LECTURE])
    assert not (tmp_path / "course").exists()
