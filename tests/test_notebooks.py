"""Structure of every lecture notebook, and the student copies run from top to bottom.

(nbval, run by `make test` on notebooks/, executes the reference notebooks themselves.)
"""

import json
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from helpers import colab
from helpers.student import (BEGIN, END, REVEAL_TAG, STUB, is_notes, is_reveal, student_notebook,
                             strip_solutions, write_student_copies)

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}


def _src(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_strip_solutions_keeps_the_function_and_indentation():
    src = "def f(x):\n    '''doc'''\n    # BEGIN SOLUTION\n    y = x + 1\n    return y\n    # END SOLUTION\n\nprint(1)\n"
    out = strip_solutions(src)
    assert out == "def f(x):\n    '''doc'''\n    raise NotImplementedError  # your code here\n\nprint(1)\n"
    ns = {}
    exec(out, ns)
    with pytest.raises(NotImplementedError):
        ns["f"](1)


def test_strip_solutions_rejects_unbalanced_markers():
    with pytest.raises(ValueError, match="markers"):
        strip_solutions("# BEGIN SOLUTION\nx = 1\n")


def test_write_student_copies(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("def f():\n    # BEGIN SOLUTION\n    return 1\n    # END SOLUTION\n")]
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", text="1\n")]
    (tmp_path / "src").mkdir()
    nbformat.write(nb, tmp_path / "src" / "01_x.ipynb")
    [out] = write_student_copies(tmp_path / "src", tmp_path / "dst")
    cell = _load(out)["cells"][0]
    assert STUB in _src(cell) and BEGIN not in _src(cell) and cell["outputs"] == []
    out.write_text("my work")  # a student's copy is never overwritten by accident
    assert write_student_copies(tmp_path / "src", tmp_path / "dst") == []
    assert out.read_text() == "my work"
    assert write_student_copies(tmp_path / "src", tmp_path / "dst", force=True) == [out]
    assert STUB in out.read_text()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_structure(path):
    nb = _load(path)
    cells = nb["cells"]
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    title = _src(cells[0])
    assert cells[0]["cell_type"] == "markdown" and title.lstrip().startswith("#")
    assert "Prerequisites" in title and re.search(r"\bTime\b", title), "title: prerequisites, time"
    assert 3 <= len(re.findall(r"^- ", title, re.M)) <= 6, "title: 3-5 learning objectives"
    assert "References" in "".join(_src(c) for c in cells[-3:]), "end with references/credits"
    missing = [i for i, c in enumerate(cells) if c["metadata"].get("slideshow", {}).get("slide_type") not in SLIDE_TYPES]
    assert not missing, f"cells without slideshow.slide_type: {missing}"
    n_slides = sum(c["metadata"]["slideshow"]["slide_type"] in ("slide", "subslide") for c in cells)
    assert 15 <= n_slides <= 60, f"{n_slides} slides"
    code = [c for c in cells if c["cell_type"] == "code"]
    setup = [c for c in code if colab.is_setup_cell(c)]
    assert not setup or code[0] is setup[0], "the Colab set-up cell comes first"
    first = [c for c in code if not colab.is_setup_cell(c)][0]
    assert "plotting.setup(" in _src(first), "first code cell after the set-up cell calls plotting.setup()"
    assert all(c["execution_count"] is not None for c in code if _src(c).strip()), "not executed"
    assert not [c for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
    n_ex = sum(_src(c).count(BEGIN) for c in code)
    assert 2 <= n_ex <= 4 and n_ex == sum(_src(c).count(END) for c in code)
    assert any(re.search(r"\.check\(", _src(c)) for c in code)
    assert "NBVAL_CHECK_OUTPUT" in "".join(_src(c) for c in code)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_student_copy_runs_to_the_end(path, tmp_path):
    nb = nbformat.reads(json.dumps(student_notebook(_load(path))), as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, errors[0]["ename"] + ": " + errors[0]["evalue"] if errors else ""
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "not implemented yet" in text
    assert "✅" not in text, "a check passed on a stub: the check cannot be real"


def _solution_blocks(nb) -> list[str]:
    blocks = []
    for c in nb["cells"]:
        if c["cell_type"] == "code":
            blocks += re.findall(re.escape(BEGIN) + r"[^\n]*\n(.*?)^[ \t]*" + re.escape(END),
                                 _src(c), re.S | re.M)
    return blocks


def _all_text(nb) -> str:
    """Every source and every stored text/markdown/html output of a notebook."""
    parts = []
    for c in nb["cells"]:
        parts.append(_src(c))
        for o in c.get("outputs", []):
            parts.append("".join(o.get("text", "")))
            for mime in ("text/plain", "text/markdown", "text/html"):
                parts.append("".join(o.get("data", {}).get(mime, "")))
    return "\n".join(parts)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_student_copy_gives_nothing_away(path):
    ref = _load(path)
    copy = student_notebook(ref)
    assert not [c for c in copy["cells"] if is_notes(c)], "speaker notes left in the student copy"
    assert not [c for c in copy["cells"] if is_reveal(c)], f"a {REVEAL_TAG} cell left in the copy"
    stored = "".join(str(o) for c in copy["cells"] for o in c.get("outputs", []))
    assert "✅" not in stored, "a stored verdict in the student copy"
    text = _all_text(copy)
    outside = _all_text({"cells": [c for c in ref["cells"] if BEGIN not in _src(c)
                                   and not is_notes(c) and not is_reveal(c)]})
    for block in _solution_blocks(ref):
        lines = [ln.strip() for ln in block.splitlines()
                 if len(ln.strip()) >= 12 and not ln.strip().startswith("#")]
        assert "\n".join(ln.strip() for ln in block.splitlines()) not in text
        leaked = [ln for ln in lines if ln in text and ln not in outside]
        assert not leaked, f"solution lines found in the student copy: {leaked}"


def test_student_notebook_drops_notes_and_replaces_reveals():
    nb = nbformat.v4.new_notebook()
    check = nbformat.v4.new_code_cell("EX.check(f)")
    check.outputs = [nbformat.v4.new_output("stream", text="✅ f: all 3 hidden cases pass.\n")]
    notes = nbformat.v4.new_markdown_cell("the answer is 42")
    notes.metadata["slideshow"] = {"slide_type": "notes"}
    reveal = nbformat.v4.new_code_cell("print(42)")
    reveal.metadata.update(tags=[REVEAL_TAG], slideshow={"slide_type": "fragment"})
    nb.cells = [check, notes, reveal]
    out = student_notebook(json.loads(nbformat.writes(nb)))
    assert [c["cell_type"] for c in out["cells"]] == ["code", "markdown"]
    assert out["cells"][0]["outputs"] == [] and "42" not in _src(out["cells"][1])
    assert out["cells"][1]["metadata"]["slideshow"] == {"slide_type": "fragment"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_reads_well_before_it_runs(path):
    """No widget repr for a reader without a kernel; opening the notebook does not dirty it."""
    from helpers import nbtidy

    nb = _load(path)
    assert nb["metadata"]["kernelspec"] == nbtidy.KERNELSPEC, "run `make execute` (nbtidy)"
    assert "widgets" not in nb["metadata"]
    for c in nb["cells"]:
        for o in c.get("outputs", []):
            data = o.get("data", {})
            if nbtidy.WIDGET_VIEW in data:
                assert "".join(data.get("text/plain", "")) == nbtidy.RUN_LINE
    assert not [c for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])
                if "".join(o.get("data", {}).get("text/plain", "")).startswith(("VBox(", "HBox("))]
