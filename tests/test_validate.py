"""helpers.validate: the one rule for bad input (wrong type -> TypeError, wrong value -> ValueError)."""

import numpy as np
import pytest
import torch

from helpers import validate


def test_integer_accepts_python_and_numpy_ints():
    assert validate.integer(3, "n") == 3 and type(validate.integer(np.int64(3), "n")) is int


@pytest.mark.parametrize("bad", [2.5, 2.0, "3", None, True, np.bool_(True)])
def test_integer_rejects_non_integers_with_type_error(bad):
    with pytest.raises(TypeError, match="^n must be an integer"):
        validate.integer(bad, "n")


def test_integer_bounds():
    with pytest.raises(ValueError, match="n must be >= 1, got 0"):
        validate.integer(0, "n", min=1)
    with pytest.raises(ValueError, match="n must be <= 5, got 6"):
        validate.integer(6, "n", max=5)


def test_real_accepts_numpy_scalars_and_ints():
    assert validate.real(np.float32(0.5), "lr") == 0.5 and validate.real(2, "lr") == 2.0


@pytest.mark.parametrize("bad", ["0.1", None, True, 1j, [0.1]])
def test_real_rejects_non_numbers(bad):
    with pytest.raises(TypeError, match="^lr must be a real number"):
        validate.real(bad, "lr")


def test_real_bounds_nan_and_inf():
    with pytest.raises(ValueError, match="lr must be > 0, got 0.0"):
        validate.real(0, "lr", min=0, min_open=True)
    assert validate.real(0, "lr", min=0) == 0.0
    with pytest.raises(ValueError, match="finite"):
        validate.real(float("nan"), "lr", finite=False)
    with pytest.raises(ValueError, match="finite"):
        validate.real(np.inf, "lr")
    assert validate.real(np.inf, "lr", finite=False) == np.inf


def test_choice():
    assert validate.choice("tanh", "act", ("relu", "tanh")) == "tanh"
    with pytest.raises(ValueError, match="act must be one of 'relu', 'tanh'; got str 'sig'"):
        validate.choice("sig", "act", ("relu", "tanh"))
    with pytest.raises(ValueError, match="act"):
        validate.choice([1], "act", (1, 2))


def test_array_shape_and_copy():
    x = [[1, 2], [3, 4]]
    arr = validate.array(x, "X", shape=(None, 2))
    assert arr.dtype == np.float64 and arr.shape == (2, 2)
    src = np.ones((2, 2))
    out = validate.array(src, "X")
    out[0, 0] = 5
    assert src[0, 0] == 1, "validate.array must not return a view of the caller's array"
    with pytest.raises(ValueError, match=r"X must have shape \(n, 2\), got \(3,\)"):
        validate.array([1, 2, 3], "X", shape=(None, 2))
    with pytest.raises(ValueError, match="X must be 2-dimensional, got shape"):
        validate.array([1, 2, 3], "X", ndim=2)


@pytest.mark.parametrize("bad, err", [
    ([[1, 2], [3]], ValueError),  # ragged
    ([1.0, np.nan], ValueError),
    ([True, False], TypeError),
    (["a", "b"], TypeError),
    ([1j, 2j], TypeError),
    ("abc", TypeError),
    (None, TypeError),
])
def test_array_rejects(bad, err):
    with pytest.raises(err, match="^x must"):
        validate.array(bad, "x")


def test_array_accepts_torch_tensors():
    assert validate.array(torch.ones(2, 3), "x", shape=(2, 3)).shape == (2, 3)


def test_labels():
    assert validate.labels([1, -1, 1.0], "y", (-1, 1)).dtype == np.int64
    with pytest.raises(ValueError, match="y must hold only the labels"):
        validate.labels([1, 0], "y", (-1, 1))
    with pytest.raises(TypeError):
        validate.labels([True, False], "y", (-1, 1))
    with pytest.raises(ValueError, match="y must have 3 entries"):
        validate.labels([1, -1], "y", (-1, 1), n=3)


def test_tensor():
    t = torch.zeros(2, 3)
    assert validate.tensor(t, "q", ndim=2) is t
    with pytest.raises(TypeError, match="q must be a torch.Tensor"):
        validate.tensor(np.zeros(3), "q")
    with pytest.raises(TypeError, match="floating-point"):
        validate.tensor(torch.zeros(3, dtype=torch.long), "q")
    with pytest.raises(ValueError, match=r"q must have shape \(n, 4\), got \(2, 3\)"):
        validate.tensor(t, "q", shape=(None, 4))
    with pytest.raises(ValueError, match="finite"):
        validate.tensor(torch.tensor([float("inf")]), "q")


def test_axes_and_figure():
    import matplotlib
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot()
    assert validate.axes(ax) is ax and validate.figure(fig) is fig
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        validate.axes("not an axes")
    with pytest.raises(TypeError, match="fig must be a matplotlib Figure"):
        validate.figure(ax)
    assert matplotlib  # imported lazily by validate, available here


def test_text():
    assert validate.text("abc", "title") == "abc"
    assert validate.text("", "title", empty=True) == ""
    for bad in [None, 3, b"abc", ["a"]]:
        with pytest.raises(TypeError, match="title must be a string"):
            validate.text(bad, "title")
    with pytest.raises(ValueError, match="title must be a non-empty string"):
        validate.text("", "title")


def test_path(tmp_path):
    from pathlib import Path

    assert validate.path(str(tmp_path), "folder") == tmp_path
    assert validate.path(tmp_path, "folder", exists=True) == tmp_path
    for bad in [None, 1, b"x", 2.5, ["a"]]:  # an int would be a file descriptor to open()
        with pytest.raises(TypeError, match="folder must be a path"):
            validate.path(bad, "folder")
    with pytest.raises(ValueError, match="folder must be a path"):
        validate.path("", "folder")
    with pytest.raises(FileNotFoundError, match="nb_path.*missing.ipynb"):
        validate.path(tmp_path / "missing.ipynb", "nb_path", exists=True)
    with pytest.raises(ValueError, match=r"nb_path must name a \.ipynb file"):
        validate.path(Path("x.txt"), "nb_path", suffix=".ipynb")


def test_notebook():
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# hi")])
    assert validate.notebook(nb, "nb") is nb
    with pytest.raises(TypeError, match="nb must be a notebook"):
        validate.notebook([nb], "nb")
    with pytest.raises(ValueError, match="list of 'cells'"):
        validate.notebook({"a": 1}, "nb")
    with pytest.raises(ValueError, match="nb: cell 0 is not a notebook cell"):
        validate.notebook({"cells": [3]}, "nb")


def test_real_lets_nan_through_only_when_asked():
    assert np.isnan(validate.real(float("nan"), "b", finite=False, nan=True))
    assert validate.real(float("-inf"), "b", finite=False, nan=True) == float("-inf")
    with pytest.raises(ValueError, match="b must be a finite number"):
        validate.real(float("nan"), "b", finite=False)
    with pytest.raises(TypeError, match="b must be a real number"):
        validate.real("nan", "b", finite=False, nan=True)
