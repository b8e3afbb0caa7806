"""helpers.student refuses bad arguments with a TypeError/ValueError naming the argument, before
it writes anything (the notebooks themselves: tests/test_notebooks.py)."""

import pytest

from helpers.student import (is_notes, is_reveal, strip_solutions, student_notebook,
                             write_student_copies)


@pytest.mark.parametrize("fn", [is_notes, is_reveal])
def test_a_cell_must_be_a_dict(fn):
    with pytest.raises(TypeError, match=r"\bcell\b"):
        fn(None)
    with pytest.raises(ValueError, match=r"\bcell\b.*metadata"):
        fn({"cell_type": "code", "metadata": {"tags": "solution-reveal"}})
    assert fn({"cell_type": "code", "source": ""}) is False


def test_strip_solutions_and_student_notebook_refuse_what_is_not_text_or_a_notebook():
    with pytest.raises(TypeError, match=r"\bsource\b"):
        strip_solutions(["# BEGIN SOLUTION", "# END SOLUTION"])
    with pytest.raises(TypeError, match=r"\bnb\b"):
        student_notebook([])
    with pytest.raises(ValueError, match=r"\bnb\b"):
        student_notebook({"cells": [None]})
    assert student_notebook({"cells": [{"cell_type": "code"}]})["cells"] == [{"cell_type": "code"}]


def test_write_student_copies_checks_its_arguments_before_writing(tmp_path):
    (tmp_path / "src").mkdir()
    with pytest.raises(TypeError, match=r"\bsrc_dir\b"):
        write_student_copies(1, tmp_path / "dst")  # an int is not a file descriptor here
    with pytest.raises(TypeError, match=r"\bforce\b"):
        write_student_copies(tmp_path / "src", tmp_path / "dst", force="yes")
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(ValueError, match=r"\bdst_dir\b"):
        write_student_copies(tmp_path / "src", tmp_path / "file")
    assert not (tmp_path / "dst").exists()
