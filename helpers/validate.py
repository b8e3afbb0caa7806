"""One way to check the arguments of every public helper.

The rule, the same in every lecture:

- a value of the wrong *type* (a string where a number is expected, a float where an integer is,
  ``True`` where a number is) raises ``TypeError``;
- a value of the right type but the wrong *value*, *shape* or *range* raises ``ValueError``;
- numpy scalars (``np.float32(0.1)``, ``np.int64(3)``) are accepted wherever Python numbers are;
- every message names the argument, says what was expected and what was given::

      ValueError: lr must be > 0, got -0.1
      ValueError: X must have shape (n, 2), got (3,)
      TypeError: n must be an integer, got float 2.5

Each function returns the checked value in a plain form (``int``, ``float``, a numpy array), so a
helper writes ``n = validate.integer(n, "n", min=1)`` and goes on.
"""

from __future__ import annotations

import numbers
from typing import Any, Iterable, Sequence

import numpy as np


def _given(value: Any) -> str:
    """How a wrong value is shown in a message: its type and a short repr."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


def _bounds(value, name: str, lo, hi, lo_open: bool, hi_open: bool):
    if lo is not None and (value <= lo if lo_open else value < lo):
        raise ValueError(f"{name} must be {'>' if lo_open else '>='} {lo}, got {value!r}")
    if hi is not None and (value >= hi if hi_open else value > hi):
        raise ValueError(f"{name} must be {'<' if hi_open else '<='} {hi}, got {value!r}")


def integer(value: Any, name: str, *, min: int | None = None, max: int | None = None) -> int:
    """``value`` as a Python ``int``; Python and numpy integers only (no bool, no float)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {_given(value)}")
    value = int(value)
    _bounds(value, name, min, max, False, False)
    return value


def real(value: Any, name: str, *, min: float | None = None, max: float | None = None,
         min_open: bool = False, max_open: bool = False, finite: bool = True,
         nan: bool = False) -> float:
    """``value`` as a Python ``float``; any real number (Python or numpy), not bool or str.

    ``min_open=True`` makes the lower bound strict (``lr > 0``); NaN is refused unless
    ``nan=True`` (a widget's pure update that shows NaN as a banner), ``±inf`` unless
    ``finite=False``.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {_given(value)}")
    value = float(value)
    if np.isnan(value) and nan:
        return value
    if np.isnan(value) or (finite and np.isinf(value)):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    _bounds(value, name, min, max, min_open, max_open)
    return value


def choice(value: Any, name: str, options: Iterable[Any]) -> Any:
    """``value`` if it is one of ``options`` (compared with ``==``), else ``ValueError``."""
    options = tuple(options)
    if isinstance(value, (list, dict, set, np.ndarray)) or value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}; "
                         f"got {_given(value)}")
    return value


def boolean(value: Any, name: str) -> bool:
    """``value`` if it is a bool (Python or numpy)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {_given(value)}")
    return bool(value)


def function(value: Any, name: str) -> Any:
    """``value`` if it can be called."""
    if not callable(value):
        raise TypeError(f"{name} must be a function, got {_given(value)}")
    return value


def _shape_text(shape: Sequence) -> str:
    names = iter("nmkpqr")
    parts = [str(s) if s is not None else next(names, "?") for s in shape]
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


def array(value: Any, name: str, *, ndim: int | Sequence[int] | None = None,
          shape: Sequence[int | None] | None = None, dtype: Any = np.float64,
          finite: bool = True, min_size: int = 0) -> np.ndarray:
    """``value`` as a numpy array of ``dtype`` (a new array: the caller's input is never changed).

    ``shape`` may use ``None`` for "any length" (``(None, 2)`` = n rows of 2); ``ndim`` is an
    int or a tuple of allowed ranks. Booleans, strings, objects and complex numbers are refused
    with ``TypeError``; ragged nested lists, NaN/inf (when ``finite``), wrong rank or shape and
    arrays with fewer than ``min_size`` elements with ``ValueError``.
    """
    if hasattr(value, "detach") and hasattr(value, "numpy"):  # a torch tensor
        value = value.detach().cpu().numpy()
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be an array of numbers, got {_given(value)}")
    try:
        arr = np.array(value)
    except ValueError:
        raise ValueError(f"{name} must be a rectangular array of numbers (all rows the same "
                         f"length), got a ragged {type(value).__name__}") from None
    if arr.dtype == object:
        raise ValueError(f"{name} must be a rectangular array of numbers, got an array of "
                         f"Python objects (ragged rows or mixed types)")
    if arr.dtype.kind == "b" or arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(map(str, allowed))
            raise ValueError(f"{name} must be {want}-dimensional, got shape {arr.shape}")
    if shape is not None:
        ok = arr.ndim == len(shape) and all(s is None or s == a for s, a in zip(shape, arr.shape))
        if not ok:
            raise ValueError(f"{name} must have shape {_shape_text(shape)}, got {arr.shape}")
    if arr.size < min_size:
        raise ValueError(f"{name} must have at least {min_size} element(s), got shape {arr.shape}")
    if dtype is not None:
        arr = arr.astype(dtype)
    if finite and arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite numbers (no NaN or inf)")
    return arr


def labels(value: Any, name: str, classes: Sequence[int], *, n: int | None = None) -> np.ndarray:
    """An int64 label vector whose entries are all in ``classes`` (bool arrays refused)."""
    arr = array(value, name, ndim=1, dtype=None)
    if arr.dtype.kind == "f" and not np.all(arr == np.round(arr)):
        raise ValueError(f"{name} must hold integer labels {tuple(classes)}, got non-integers")
    arr = arr.astype(np.int64)
    bad = ~np.isin(arr, classes)
    if bad.any():
        raise ValueError(f"{name} must hold only the labels {tuple(classes)}, "
                         f"got {arr[bad][0]!r} (at index {int(np.flatnonzero(bad)[0])})")
    if n is not None and len(arr) != n:
        raise ValueError(f"{name} must have {n} entries (one per row of X), got {len(arr)}")
    return arr


def same_length(name_a: str, a: Any, name_b: str, b: Any) -> None:
    """``ValueError`` unless ``len(a) == len(b)``."""
    if len(a) != len(b):
        raise ValueError(f"{name_a} and {name_b} must have the same length, "
                         f"got {len(a)} and {len(b)}")


def tensor(value: Any, name: str, *, ndim: int | Sequence[int] | None = None,
           shape: Sequence[int | None] | None = None, finite: bool = True):
    """``value`` if it is a floating-point torch tensor of the given rank/shape (not copied).

    Wrong type or dtype → ``TypeError``; wrong rank, shape or NaN/inf → ``ValueError``.
    (torch is imported here, not at module import, so numpy-only lectures stay light.)
    """
    import torch

    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {_given(value)}")
    if not value.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor, got dtype {value.dtype}")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if value.dim() not in allowed:
            want = " or ".join(map(str, allowed))
            raise ValueError(f"{name} must be {want}-dimensional, got shape {tuple(value.shape)}")
    if shape is not None:
        ok = value.dim() == len(shape) and all(s is None or s == a
                                               for s, a in zip(shape, value.shape))
        if not ok:
            raise ValueError(f"{name} must have shape {_shape_text(shape)}, "
                             f"got {tuple(value.shape)}")
    if finite and not bool(torch.isfinite(value).all()):
        raise ValueError(f"{name} must contain only finite numbers (no NaN or inf)")
    return value


def axes(value: Any, name: str = "ax"):
    """``value`` if it is a matplotlib ``Axes`` (drawing helpers draw into one)."""
    from matplotlib.axes import Axes

    if not isinstance(value, Axes):
        raise TypeError(f"{name} must be a matplotlib Axes (e.g. from plt.subplots()), "
                        f"got {_given(value)}")
    return value


def figure(value: Any, name: str = "fig"):
    """``value`` if it is a matplotlib ``Figure``."""
    from matplotlib.figure import Figure

    if not isinstance(value, Figure):
        raise TypeError(f"{name} must be a matplotlib Figure, got {_given(value)}")
    return value


def text(value: Any, name: str, *, empty: bool = False) -> str:
    """``value`` if it is a ``str`` (non-empty unless ``empty=True``)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {_given(value)}")
    if not empty and not value:
        raise ValueError(f"{name} must be a non-empty string, got ''")
    return value


def path(value: Any, name: str, *, exists: bool = False, suffix: str | None = None):
    """``value`` as a ``pathlib.Path``; a ``str`` or ``os.PathLike`` only (an ``int`` would be
    taken by ``open`` as a file descriptor). ``exists=True``: ``FileNotFoundError`` naming the
    file if it is not there; ``suffix``: ``ValueError`` unless the name ends with it."""
    import os
    from pathlib import Path

    if isinstance(value, bytes) or not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a path (str or pathlib.Path), got {_given(value)}")
    if isinstance(value, str) and not value:
        raise ValueError(f"{name} must be a path, got an empty string")
    p = Path(value)
    if suffix is not None and p.suffix != suffix:
        raise ValueError(f"{name} must name a {suffix} file, got {str(p)!r}")
    if exists and not p.exists():
        raise FileNotFoundError(f"{name}: no such file or folder: {str(p)!r}")
    return p


def notebook(value: Any, name: str = "nb"):
    """``value`` if it is a notebook as ``nbformat.read`` gives it (a dict with a list of
    ``cells``, each a dict with a ``cell_type`` and a ``source``)."""
    if not isinstance(value, dict):
        raise TypeError(f"{name} must be a notebook (from nbformat.read), got {_given(value)}")
    cells = value.get("cells")
    if not isinstance(cells, list):
        raise ValueError(f"{name} must be a notebook with a list of 'cells', got keys "
                         f"{sorted(map(str, value))[:6]}")
    for i, cell in enumerate(cells):
        if not (isinstance(cell, dict) and isinstance(cell.get("cell_type"), str)
                and isinstance(cell.get("source", ""), (str, list))):
            raise ValueError(f"{name}: cell {i} is not a notebook cell (a dict with "
                             f"'cell_type' and 'source'), got {_given(cell)}")
    return value
