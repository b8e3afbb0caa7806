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

import contextlib
import copy
import importlib
import inspect
import linecache
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from helpers import validate

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
    rtol = validate.real(rtol, "rtol", min=0)
    atol = validate.real(atol, "atol", min=0)
    return _close(got, expected, rtol, atol)


def _close(got: Any, expected: Any, rtol: float, atol: float) -> bool:
    e = _numbers(expected)
    if e is None and isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            return False
        return all(_close(g, x, rtol, atol) for g, x in zip(got, expected))
    g = _numbers(got)
    if e is None or g is None:
        try:
            return bool(got == expected)
        except (TypeError, ValueError):  # e.g. arrays of objects: no single answer
            return False
    return g.shape == e.shape and bool(np.allclose(g, e, rtol=rtol, atol=atol, equal_nan=True))


def _numbers(x: Any) -> np.ndarray | None:
    """``x`` as a float (or complex) numpy array, or None when it does not hold numbers."""
    if hasattr(x, "detach"):  # a torch tensor, maybe one that requires grad
        x = x.detach().cpu()
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError, RuntimeError):
        return None
    if arr.dtype.kind not in "biufc":
        return None
    return arr.astype(complex if arr.dtype.kind == "c" else float)


def _short(x: Any, limit: int = 160) -> str:
    if isinstance(x, np.ndarray):
        with np.printoptions(precision=4, suppress=True, threshold=20, edgeitems=3):
            text = np.array2string(x, separator=", ")
    else:
        text = repr(x)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


_HELPERS_DIR = str(Path(__file__).resolve().parent)
_LIBRARY_DIRS = tuple({str(Path(p).resolve()) for p in
                       (sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["purelib"],
                        sysconfig.get_paths()["platlib"])})


class Forbidden(Exception):
    """Raised when a student's function calls the helper that the exercise asks them to write."""


def _is_students(filename: str) -> bool:
    """A traceback frame belongs to the student unless it is in helpers/, a library or stdlib."""
    try:
        path = str(Path(filename).resolve())
    except (OSError, ValueError):
        return True
    return not path.startswith((_HELPERS_DIR,) + _LIBRARY_DIRS) and not filename.startswith("<frozen")


def _student_line(exc: BaseException) -> str:
    """`` at line 3 of your `update`: `w += lr * y * x` `` for the deepest student frame."""
    tb, found = exc.__traceback__, None
    while tb is not None:
        if _is_students(tb.tb_frame.f_code.co_filename):
            found = tb
        tb = tb.tb_next
    if found is None:
        return ""
    code = found.tb_frame.f_code
    line = linecache.getline(code.co_filename, found.tb_lineno).strip()
    where = f" at line {found.tb_lineno - code.co_firstlineno + 1} of your `{code.co_name}`"
    return where + (f": `{line}`" if line else "")


def _signature_problem(fn: Callable[..., Any], n_args: int, names: Sequence[str]) -> str | None:
    """A sentence when ``fn`` cannot be called with ``n_args`` positional arguments."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):  # builtins without a signature: just try the call
        return None
    try:
        sig.bind(*range(n_args))
    except TypeError:
        wanted = ", ".join(names) if names else f"{n_args} argument(s)"
        params = ", ".join(sig.parameters)
        return (f"your function takes ({params}) but the check calls it with {n_args} "
                f"argument(s): ({wanted}). Keep the signature given in the exercise.")
    return None


def _changed(before: Any, after: Any) -> bool:
    """True when ``after`` differs from ``before`` (arrays element-wise, containers recursively)."""
    if isinstance(before, np.ndarray) or hasattr(before, "detach"):
        a, b = np.asarray(before), np.asarray(after)
        return a.shape != b.shape or not np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
    if isinstance(before, (list, tuple)):
        return len(before) != len(after) or any(_changed(x, y) for x, y in zip(before, after))
    if isinstance(before, dict):
        return before.keys() != after.keys() or any(_changed(before[k], after[k]) for k in before)
    try:
        return bool(before != after)
    except Exception:
        return False


@contextlib.contextmanager
def _forbidding(names: Sequence[str], exercise: str):
    """Swap each ``"module.path:attr"`` for a function that raises :class:`Forbidden`."""
    saved = []
    try:
        for spec in names:
            module_name, attr = spec.split(":")
            module = importlib.import_module(module_name)
            saved.append((module, attr, getattr(module, attr)))

            def banned(*args, _attr=attr, **kwargs):
                raise Forbidden(f"`{_attr}` is the function this exercise asks you to write — "
                                f"write it yourself instead of calling it")
            setattr(module, attr, banned)
        yield
    finally:
        for module, attr, original in reversed(saved):
            setattr(module, attr, original)


@dataclass(frozen=True)
class Exercise:
    """An exercise: a reference solution, hidden cases and a hint.

    ``cases(rng)`` returns a list of argument tuples; each is passed (deep-copied) to both the
    student's function and ``reference``; ``compare(got, expected)`` decides equality.
    ``arg_names`` (optional) labels the arguments in the failure message.
    ``show_expected=False`` keeps the reference's answer out of failure messages (for exercises
    whose answer *is* the output). ``forbidden`` lists ``"module.path:attr"`` helpers that the
    student's function may not call (they raise "write it yourself" while it runs).
    A student's function that changes its inputs in place fails.
    """

    name: str
    reference: Callable[..., Any]
    cases: Callable[[np.random.Generator], Sequence[tuple]]
    hint: str = ""
    compare: Callable[[Any, Any], bool] = allclose
    arg_names: tuple[str, ...] = field(default_factory=tuple)
    seed: int = 1234
    show_expected: bool = True
    forbidden: tuple[str, ...] = field(default_factory=tuple)

    def run(self, fn: Callable[..., Any]) -> CheckResult:
        """Run ``fn`` on every hidden case; never raises, whatever ``fn`` does."""
        if not callable(fn):
            return CheckResult(self.name, ERROR,
                               f"❌ {self.name}: expected a function, got {type(fn).__name__}.")
        cases = list(self.cases(np.random.default_rng(self.seed)))
        for i, args in enumerate(cases, start=1):
            expected = self.reference(*copy.deepcopy(args))
            problem = _signature_problem(fn, len(args), self.arg_names)
            if problem:
                return CheckResult(self.name, ERROR, f"❌ {self.name}: {problem}", case=i)
            given = copy.deepcopy(args)  # the student's copy; ``args`` stays pristine
            try:
                with _forbidding(self.forbidden, self.name):
                    got = fn(*given)
            except NotImplementedError:
                return CheckResult(self.name, NOT_IMPLEMENTED,
                                   f"⏳ {self.name}: not implemented yet — replace "
                                   f"`raise NotImplementedError` with your code and run the cell again.")
            except Forbidden as exc:
                return CheckResult(self.name, FAIL, f"❌ {self.name}: {exc}.", case=i)
            except Exception as exc:  # report, never crash the notebook
                return CheckResult(self.name, ERROR,
                                   f"❌ {self.name}: case {i} of {len(cases)} raised "
                                   f"{type(exc).__name__}: {exc}{_student_line(exc)}"
                                   f"{self._describe(args)}." + self._hint(), case=i)
            names = self.arg_names or tuple(f"arg{k}" for k in range(len(args)))
            mutated = [n for n, a, g in zip(names, args, given) if _changed(a, g)]
            if mutated:
                return CheckResult(self.name, FAIL,
                                   f"❌ {self.name}: your function changed its input "
                                   f"`{mutated[0]}` in place (case {i}); compute a new value "
                                   f"and return it instead." + self._hint(), case=i)
            try:
                ok = self.compare(got, expected)
            except Exception:
                ok = False
            if not ok:
                shown = (f": expected {_short(expected)}, got {_short(got)}." if self.show_expected
                         else f": your function returned {_short(got)}, which is not right.")
                return CheckResult(self.name, FAIL,
                                   f"❌ {self.name}: case {i} of {len(cases)} failed"
                                   f"{self._describe(args)}{shown}" + self._hint(), case=i)
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
