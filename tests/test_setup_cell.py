"""The Colab set-up cell (helpers/colab.py): what it runs where the course is missing, that it
does nothing where it is installed, and the inserter that puts it first in every notebook.

The expected commands are written out here from the issue (clone the repository named in
pyproject.toml, `pip install --no-deps` the package so torch is never reinstalled, then the
pinned widget libraries Colab lacks), not taken from helpers/colab.py.
"""

import copy
import importlib.util
import json
import os
import subprocess
import sys
import tomllib
import types
from pathlib import Path
from unittest import mock

import pytest

from helpers import colab

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

with open(ROOT / "pyproject.toml", "rb") as fh:
    PROJECT = tomllib.load(fh)["project"]
REPO = PROJECT["urls"]["Repository"]
PINNED = {d.split("==")[0]: d for d in PROJECT["dependencies"]}
CLONE = os.path.expanduser("~/" + REPO.rstrip("/").split("/")[-1])


def run_cell(helpers_installed: bool, clone_exists: bool = False, colab_modules: dict | None = None):
    """Execute the cell's text with subprocess mocked; returns (commands run, sys.path after)."""
    real_find_spec = importlib.util.find_spec

    def find_spec(name, *args, **kwargs):
        if name == "helpers" and not helpers_installed:
            return None
        return real_find_spec(name, *args, **kwargs)

    calls = mock.Mock()
    path = list(sys.path)
    with mock.patch("importlib.util.find_spec", find_spec), \
            mock.patch("subprocess.check_call", calls), \
            mock.patch("os.path.isdir", lambda p: clone_exists if p == CLONE else os.path.isdir(p)), \
            mock.patch.object(sys, "path", path), \
            mock.patch.dict(sys.modules, colab_modules or {}):
        exec(compile(colab.setup_source(), "<set-up cell>", "exec"), {"__name__": "__main__"})
    return [c.args[0] for c in calls.call_args_list], path


def test_missing_helpers_clones_and_installs_without_touching_torch():
    commands, path = run_cell(helpers_installed=False)
    pip = [sys.executable, "-m", "pip", "install", "-q"]
    assert commands == [
        ["git", "clone", "--depth", "1", REPO, CLONE],
        pip + ["--no-deps", "-e", CLONE],
        pip + [PINNED["ipympl"], PINNED["anywidget"]],
    ]
    assert not any("torch" in arg for cmd in commands for arg in cmd)
    assert path[0] == CLONE  # importable at once, in the running kernel


def test_missing_helpers_with_an_earlier_clone_does_not_clone_again():
    commands, _ = run_cell(helpers_installed=False, clone_exists=True)
    assert [c[:2] for c in commands] == [[sys.executable, "-m"]] * 2
    assert ["--no-deps", "-e", CLONE] == commands[0][-3:]


def test_installed_course_runs_nothing():
    commands, path = run_cell(helpers_installed=True)
    assert commands == []
    assert path == sys.path


def test_on_colab_the_custom_widget_manager_is_turned_on():
    output = types.SimpleNamespace(enable_custom_widget_manager=mock.Mock())
    google = types.ModuleType("google")
    google_colab = types.ModuleType("google.colab")
    google_colab.output = output
    commands, _ = run_cell(helpers_installed=True, colab_modules={
        "google": google, "google.colab": google_colab, "google.colab.output": output})
    assert commands == []
    output.enable_custom_widget_manager.assert_called_once_with()


def test_the_cell_is_a_real_no_op_in_this_environment():
    """No mocks: run the text in a fresh interpreter of the course's environment."""
    done = subprocess.run([sys.executable, "-c", colab.setup_source()], cwd=ROOT / "notebooks",
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""


def notebook(*cells, minor=5):
    return {"cells": [dict(c, id=f"c{i}") for i, c in enumerate(cells)], "metadata": {},
            "nbformat": 4, "nbformat_minor": minor}


TITLE = {"cell_type": "markdown", "metadata": {}, "source": "# 01 · Title"}
IMPORTS = {"cell_type": "code", "metadata": {}, "source": "import numpy", "outputs": [],
           "execution_count": None}


def test_inserter_puts_the_cell_first_among_code_cells_and_is_idempotent():
    nb = notebook(TITLE, IMPORTS)
    assert colab.insert_setup_cell(nb) is True
    kinds = [c["cell_type"] for c in nb["cells"]]
    assert kinds == ["markdown", "code", "code"]
    cell = nb["cells"][1]
    assert "".join(cell["source"]) == colab.setup_source()
    assert cell["metadata"]["slideshow"]["slide_type"] == "skip"
    assert cell["outputs"] == [] and cell["id"] == "colab-setup"
    assert nb["cells"][2]["source"] == "import numpy"
    again = copy.deepcopy(nb)
    assert colab.insert_setup_cell(again) is False
    assert again == nb


def test_inserter_replaces_an_outdated_copy_wherever_it_is():
    old = dict(IMPORTS, source=colab.MARKER + " (old text)\nprint('old')")
    nb = notebook(TITLE, IMPORTS, old)
    assert colab.insert_setup_cell(nb) is True
    setup = [c for c in nb["cells"] if colab.is_setup_cell(c)]
    assert len(setup) == 1 and "".join(setup[0]["source"]) == colab.setup_source()
    assert nb["cells"][1] is setup[0]


def test_inserter_on_a_copy_of_a_real_notebook_adds_one_cell_only(tmp_path):
    path = tmp_path / NOTEBOOKS[0].name
    path.write_text(NOTEBOOKS[0].read_text(encoding="utf-8"), encoding="utf-8")
    colab.insert_into_file(path)
    before = json.loads(NOTEBOOKS[0].read_text(encoding="utf-8"))
    after = json.loads(path.read_text(encoding="utf-8"))
    assert [c for c in after["cells"] if not colab.is_setup_cell(c)] == \
        [c for c in before["cells"] if not colab.is_setup_cell(c)]
    assert colab.insert_into_file(path) is False
    assert colab.main(["--check", str(path)]) == 0


def test_inserter_rejects_what_is_not_a_notebook():
    with pytest.raises(TypeError, match="nb"):
        colab.insert_setup_cell([])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_notebook_starts_with_the_setup_cell(path):
    """Fails until `python -m helpers.colab notebooks/*.ipynb` has been run (and committed)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    first = next(c for c in nb["cells"] if c["cell_type"] == "code")
    up_to_date = "".join(first["source"]) == colab.setup_source()
    assert up_to_date, (
        f"{path.name}: the first code cell is not the Colab set-up cell; "
        f"run `python -m helpers.colab notebooks/*.ipynb`")
    assert first["metadata"]["slideshow"]["slide_type"] == "skip"


def test_bad_arguments_are_refused_naming_them(tmp_path):
    with pytest.raises(TypeError, match=r"\bcell\b"):
        colab.is_setup_cell("# Set-up for Google Colab")
    with pytest.raises(TypeError, match=r"\bpath\b"):
        colab.insert_into_file(1)  # not taken as a file descriptor
    with pytest.raises(FileNotFoundError, match="nowhere.ipynb"):
        colab.insert_into_file(tmp_path / "nowhere.ipynb")
    path = tmp_path / NOTEBOOKS[0].name
    path.write_text(NOTEBOOKS[0].read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(TypeError, match=r"\bcheck\b"):
        colab.insert_into_file(path, check="yes")
