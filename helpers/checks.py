"""Exercise checking: run a student's function on hidden cases and report one clear line.

A lecture module defines its exercises as :class:`Exercise` objects, e.g.::

    PREDICT = Exercise(
        name="predict",
        reference=predict,
        cases=lambda rng: [(rng.normal(size=(5, 2)), rng.normal(size=2), 0.3) for _ in range(10)],
        hint="Ties (w.x + b == 0) go to +1.",
    )

and the notebook calls ``perceptron.PREDICT.check(my_predict)``, which prints
``✅ predict: all 10 hidden cases pass.`` or what went wrong. Tests call ``.run()``,
which returns a :class:`CheckResult` instead of printing.
"""

from __future__ import annotations

import copy
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

PASS, FAIL, ERROR, NOT_IMPLEMENTED = "pass", "fail", "error", "not implemented"


@dataclass(frozen=True)
class CheckResult:
    """What a check found. ``bool(result)`` is True only when every hidden case passed."""

    name: str
    status: str  # one of PASS, FAIL, ERROR, NOT_IMPLEMENTED
    message: str
    case: int | None = None  # index of the first failing case

    def __bool__(self) -> bool:
        return self.status == PASS

    @property
    def passed(self) -> bool:
        return self.status == PASS

    def __str__(self) -> str:
        return self.message


def allclose(got: Any, expected: Any, rtol: float = 1e-6, atol: float = 1e-8) -> bool:
    """Default comparison: same shape and numerically close (works for scalars, arrays, tuples)."""
    if isinstance(expected, (tuple, list)) and not _is_numeric_sequence(expected):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            return False
        return all(allclose(g, e, rtol, atol) for g, e in zip(got, expected))
    try:
        g = np.asarray(got, dtype=float)
        e = np.asarray(expected, dtype=float)
    except (TypeError, ValueError):
        return got == expected
    return g.shape == e.shape and bool(np.allclose(g, e, rtol=rtol, atol=atol, equal_nan=True))


def _is_numeric_sequence(x) -> bool:
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        return False
    return arr.dtype != object


def _short(x: Any, limit: int = 160) -> str:
    if isinstance(x, np.ndarray):
        with np.printoptions(precision=4, suppress=True, threshold=20, edgeitems=3):
            text = np.array2string(x, separator=", ")
    else:
        text = repr(x)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Exercise:
    """An exercise: a reference solution, hidden cases and a hint.

    ``cases(rng)`` returns a list of argument tuples; each is passed (deep-copied) to both the
    student's function and ``reference``; ``compare(got, expected)`` decides equality.
    ``arg_names`` (optional) labels the arguments in the failure message.
    """

    name: str
    reference: Callable[..., Any]
    cases: Callable[[np.random.Generator], Sequence[tuple]]
    hint: str = ""
    compare: Callable[[Any, Any], bool] = allclose
    arg_names: tuple[str, ...] = field(default_factory=tuple)
    seed: int = 1234

    def run(self, fn: Callable[..., Any]) -> CheckResult:
        """Run ``fn`` on every hidden case; never raises, whatever ``fn`` does."""
        if not callable(fn):
            return CheckResult(self.name, ERROR,
                               f"❌ {self.name}: expected a function, got {type(fn).__name__}.")
        cases = list(self.cases(np.random.default_rng(self.seed)))
        for i, args in enumerate(cases, start=1):
            expected = self.reference(*copy.deepcopy(args))
            try:
                got = fn(*copy.deepcopy(args))
            except NotImplementedError:
                return CheckResult(self.name, NOT_IMPLEMENTED,
                                   f"⏳ {self.name}: not implemented yet — replace "
                                   f"`raise NotImplementedError` with your code and run the cell again.")
            except Exception as exc:  # report, never crash the notebook
                where = traceback.extract_tb(exc.__traceback__)[-1]
                return CheckResult(self.name, ERROR,
                                   f"❌ {self.name}: case {i} of {len(cases)} raised "
                                   f"{type(exc).__name__}: {exc} (line {where.lineno})"
                                   f"{self._describe(args)}." + self._hint(), case=i)
            try:
                ok = self.compare(got, expected)
            except Exception:
                ok = False
            if not ok:
                return CheckResult(self.name, FAIL,
                                   f"❌ {self.name}: case {i} of {len(cases)} failed"
                                   f"{self._describe(args)}: expected {_short(expected)}, "
                                   f"got {_short(got)}." + self._hint(), case=i)
        return CheckResult(self.name, PASS,
                           f"✅ {self.name}: all {len(cases)} hidden cases pass.")

    def check(self, fn: Callable[..., Any]) -> None:
        """Run the hidden cases and print the one-line verdict (for notebooks)."""
        print(self.run(fn).message)

    def _describe(self, args: tuple) -> str:
        """`` on input x=..., y=...`` (empty for a function without arguments)."""
        if not args:
            return ""
        names = self.arg_names or tuple(f"arg{k}" for k in range(len(args)))
        return " on input " + ", ".join(f"{n}={_short(a, 80)}" for n, a in zip(names, args))

    def _hint(self) -> str:
        return f" Hint: {self.hint}" if self.hint else ""
