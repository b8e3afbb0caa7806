"""Bad input, fuzzed: every public function of ``helpers`` meets hostile arguments.

The functions are found by introspection — the ``__all__`` of every lecture package, the public
names of the shared modules (and of sub-modules those export) — so a new function is covered
without editing this file. For each one, hypothesis draws arguments for every parameter from a
pool of hostile values: arrays of random shapes (empty ones too) and dtypes (int, float32,
float64, bool, object, complex) holding NaN/inf, torch tensors, ``None``, strings, bools, huge
and negative integers, ragged lists, plain objects, a matplotlib Axes, a function. Each call
must either return, or raise ``ValueError``/``TypeError`` whose message names one of the
function's arguments. Never another exception type, never a hang: every call runs under an
alarm of a few seconds (a size-like argument such as ``10**9`` must be refused, not obeyed)
and under a cap on address space (a huge allocation becomes a MemoryError, reported).
``helpers.validate`` itself is left out (its ``name`` argument is our own string literal;
tests/test_validate.py covers it), and so are command-line ``main`` functions.

A ``FileNotFoundError`` is accepted from a function given the name of a file that does not
exist, when its message names that file (that is the one exception Python code expects for it).
Calls run in a temporary working directory, so a function that writes files writes there.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import os
import pkgutil
import re
import resource
import signal
import types
import warnings
import zlib

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

import helpers

TIMEOUT_S = 10  # per call; a legitimate call with small arguments takes well under a second
EXAMPLES = 6  # per function (seeded by its name: the same calls on every run)
ADDRESS_SPACE_HEADROOM = 3 * 2**30  # a call may map at most this much more memory

# Entry points that are not library functions (command lines that read sys.argv and exit).
NOT_LIBRARY = {"main"}
# helpers.validate is the checking itself: its ``name`` argument is the caller's string literal
# (tests/test_validate.py covers it); fuzzing it would only test bad literals in our own code.
NOT_FUZZED_MODULES = {"validate"}


# --------------------------------------------------------------------------- discovery
def _module_functions(module: types.ModuleType, names=None) -> dict[str, object]:
    """Public functions and classes of ``module``: those named in ``names`` (its ``__all__``,
    where a sub-module named there contributes its own public functions), else the public
    names that ``module`` itself defines."""
    found = {}
    explicit = names is not None
    if names is None:
        names = [n for n in vars(module) if not n.startswith("_")]
    for name in names:
        try:
            obj = getattr(module, name)
        except AttributeError:
            continue
        if isinstance(obj, types.ModuleType):
            if explicit and obj.__name__.startswith("helpers."):
                for sub, fn in _module_functions(obj).items():
                    found[f"{name}.{sub}"] = fn
            continue
        if not (inspect.isfunction(obj) or inspect.isclass(obj)):
            continue
        if name in NOT_LIBRARY or (inspect.isclass(obj) and (
                issubclass(obj, BaseException) or getattr(obj, "_is_protocol", False)
                or inspect.isabstract(obj))):
            continue  # exceptions, typing.Protocol and abstract classes are not called
        if explicit:
            if not getattr(obj, "__module__", "").startswith("helpers"):
                continue  # re-exported from numpy, torch, typing ...
        elif obj.__module__ != module.__name__:
            continue  # what a module imported is not its own public API
        found[name] = obj
    return found


def public_functions() -> list[tuple[str, object]]:
    """(qualified name, callable) for every public function/class of helpers, each once."""
    seen, out = set(), []
    for info in sorted(pkgutil.iter_modules(helpers.__path__), key=lambda m: m.name):
        if info.name.startswith("_") or info.name in NOT_FUZZED_MODULES:
            continue
        module = importlib.import_module(f"helpers.{info.name}")
        names = getattr(module, "__all__", None)
        for name, obj in sorted(_module_functions(module, names).items()):
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            out.append((f"{info.name}.{name}", obj))
    return out


FUNCTIONS = public_functions()


# --------------------------------------------------------------------------- hostile values
_AXES = []


def _axes():
    """One matplotlib Axes, cleared before each use (a new Figure per call costs ~30 ms)."""
    from matplotlib.figure import Figure

    if not _AXES:
        _AXES.append(Figure(figsize=(3, 2)).add_subplot())
    _AXES[0].clear()
    return _AXES[0]


DTYPES = [np.int64, np.float32, np.float64, np.bool_, object, np.complex128]
SPECIAL_FLOATS = [np.nan, np.inf, -np.inf, 0.0, -1.0, 1e308, 0.5]


@st.composite
def arrays(draw):
    shape = tuple(draw(st.lists(st.sampled_from([0, 1, 2, 3, 5]), min_size=0, max_size=3)))
    dtype = draw(st.sampled_from(DTYPES))
    size = int(np.prod(shape)) if shape else 1
    if dtype is object:
        values = draw(st.lists(st.sampled_from([None, "a", 1, 2.5, (1, 2)]), min_size=size,
                               max_size=size))
        arr = np.empty(size, dtype=object)
        arr[:] = values
        return arr.reshape(shape)
    values = draw(st.lists(st.sampled_from(SPECIAL_FLOATS + [1.0, 2.0, -3.0]), min_size=size,
                           max_size=size))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if dtype in (np.int64, np.bool_):
            values = [0 if not np.isfinite(v) or abs(v) > 1e6 else v for v in values]
        return np.array(values, dtype=np.float64).astype(dtype).reshape(shape)


@st.composite
def tensors(draw):
    import torch

    arr = draw(arrays())
    if arr.dtype == object:
        arr = np.zeros(arr.shape)
    with warnings.catch_warnings():  # 1e308 becomes inf in float32: that is the point
        warnings.simplefilter("ignore", RuntimeWarning)
        return torch.as_tensor(arr.astype(np.float32) if arr.dtype.kind == "f" else arr)


SCALARS = [None, "", "abc", "nan", True, False, 0, 1, 2, 3, -1, -7, 10**9, -(10**9), 2**63,
           0.0, 0.1, 1.0, -0.5, np.nan, np.inf, -np.inf, 1e300, 1 + 2j, np.float32(0.5),
           np.int64(4), b"bytes"]
CONTAINERS = [[], (), {}, [1, 2], [[1, 2], [3]], [[0.0, 1.0], [1.0, 0.0]], (1.0, 2.0, 3.0, 4.0),
              {"a": 1}, {1, 2}, [None, "x"], object(), print, lambda *a, **k: None]


def hostile():
    return st.one_of(st.sampled_from(SCALARS), st.sampled_from(CONTAINERS), arrays(),
                     tensors(), st.just("AXES"))


# --------------------------------------------------------------------------- running a call
class Hang(Exception):
    pass


def _on_alarm(signum, frame):
    raise Hang(f"no answer within {TIMEOUT_S} s")


WATCHED_FDS = range(0, 8)  # small ints are among the hostile values: open(1) is stdout


def _open_fds() -> dict[int, int]:
    """{fd: a duplicate of it} for the watched descriptors that are open now."""
    import fcntl

    saved = {}
    for fd in WATCHED_FDS:
        try:  # the copy far above the watched range, where no hostile int points
            saved[fd] = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 200)
        except OSError:
            pass
    return saved


def _restore_fds(saved: dict[int, int]) -> list[int]:
    """Reopen any watched descriptor a call closed (e.g. ``open(path)`` given ``path=1``)."""
    closed = []
    for fd, copy in saved.items():
        try:
            os.fstat(fd)
        except OSError:
            closed.append(fd)
        if fd in closed or not os.path.sameopenfile(fd, copy):
            os.dup2(copy, fd)
            closed.append(fd) if fd not in closed else None
    return closed


@contextlib.contextmanager
def limits():
    """Alarm per call (set by the caller) and a cap on address space for the whole test."""
    old_handler = signal.signal(signal.SIGALRM, _on_alarm)
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/status") as fh:
        vm = int(re.search(r"VmSize:\s+(\d+) kB", fh.read()).group(1)) * 1024
    cap = vm + ADDRESS_SPACE_HEADROOM
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        signal.signal(signal.SIGALRM, old_handler)


def parameters(fn) -> list[inspect.Parameter]:
    target = fn.__init__ if inspect.isclass(fn) else fn
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        sig = inspect.signature(target)
    return [p for p in sig.parameters.values()
            if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) and p.name != "self"]


def verdict(fn, params, kwargs, exc: BaseException | None) -> str | None:
    """None if the outcome is acceptable, else a one-line description of what went wrong."""
    if exc is None:
        return None
    text = str(exc)
    if isinstance(exc, Hang):
        return f"hang (> {TIMEOUT_S} s)"
    if isinstance(exc, (ValueError, TypeError)):
        names = [p.name for p in params]
        if any(re.search(rf"(?<![A-Za-z0-9_]){re.escape(n)}(?![A-Za-z0-9_])", text) for n in names):
            return None
        given = [v for v in kwargs.values() if isinstance(v, str) and len(v) > 1]
        if "name" in names and any(v in text for v in given):  # helpers.validate: the name given
            return None
        return f"{type(exc).__name__} not naming an argument: {text[:150]!r}"
    if isinstance(exc, FileNotFoundError):
        paths = [str(v) for v in kwargs.values() if isinstance(v, (str, os.PathLike))]
        if any(p and p in text for p in paths):
            return None
    return f"{type(exc).__module__}.{type(exc).__name__}: {text[:150]!r}"


def _describe(value) -> str:
    if isinstance(value, np.ndarray):
        return f"ndarray{value.shape}:{value.dtype}"
    if type(value).__name__ == "Tensor":
        return f"tensor{tuple(value.shape)}:{value.dtype}"
    text = repr(value)
    return text if len(text) < 40 else text[:37] + "..."


def judged_call(fn, params, args: list, kwargs: dict) -> str | None:
    """Call ``fn(*args, **kwargs)`` under the alarm (inside :func:`limits`), warnings silenced,
    watched file descriptors restored; None if the outcome is acceptable, else what went wrong."""
    exc = None
    fds = _open_fds()
    # fires after TIMEOUT_S, then every second (in case a library swallows the first)
    signal.setitimer(signal.ITIMER_REAL, TIMEOUT_S, 1.0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn(*args, **kwargs)
    except KeyboardInterrupt:
        raise
    except BaseException as err:  # noqa: BLE001 — judging every outcome is the point
        exc = err
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        closed = _restore_fds(fds)
        for copy in fds.values():
            os.close(copy)
    positional = [p.name for p in params if p.kind == p.POSITIONAL_ONLY]
    problem = verdict(fn, params, dict(zip(positional, args), **kwargs), exc)
    if closed:
        problem = (f"closed or replaced file descriptor(s) {closed} (an int taken as a "
                   f"file); " + (problem or "then returned"))
    return problem


def fuzz(fn, examples: int = EXAMPLES) -> tuple[int, list[str]]:
    """Call ``fn`` ``examples`` times with hostile arguments; (calls made, problems found).

    The seed comes from the function's name, so every run makes the same calls."""
    params = parameters(fn)
    problems, calls = [], [0]
    name = f"{fn.__module__}.{fn.__qualname__}"

    @seed(zlib.crc32(name.encode()))
    @settings(max_examples=examples, deadline=None, database=None,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(st.fixed_dictionaries({p.name: hostile() for p in params}))
    def run(kwargs):
        kwargs = {k: (_axes() if isinstance(v, str) and v == "AXES" else v)
                  for k, v in kwargs.items()}
        positional = [p.name for p in params if p.kind == p.POSITIONAL_ONLY]
        args = [kwargs.pop(n) for n in positional]
        calls[0] += 1
        problem = judged_call(fn, params, args, kwargs)
        if problem:
            call = ", ".join(f"{k}={_describe(v)}" for k, v in
                             dict(zip(positional, args), **kwargs).items())
            problems.append(f"{problem}  <- ({call})")

    run()
    return calls[0], problems


def test_discovery_finds_the_lectures_and_shared_modules():
    names = {name for name, _ in FUNCTIONS}
    for expected in ["perceptron.predict", "uat.playground", "regions.sawtooth_net",
                     "conv.conv2d", "conv.cnn.train", "autodiff.Tensor", "rnn.run_rnn",
                     "attention.scaled_dot_product_attention", "ebm.ista", "data.make_dataset",
                     "widgets.slider", "plotting.scatter_classes", "playground.Playground"]:
        assert expected in names, f"{expected} not discovered"
    assert not any(name.startswith("validate.") for name in names)
    assert len(FUNCTIONS) >= 300


@pytest.fixture
def in_tmp_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    yield tmp_path


@pytest.mark.parametrize("name, fn", FUNCTIONS, ids=[name for name, _ in FUNCTIONS])
def test_hostile_arguments_give_value_or_type_errors_naming_the_argument(name, fn, in_tmp_dir):
    import matplotlib.pyplot as plt

    figures = len(plt.get_fignums())
    with limits():
        calls, problems = fuzz(fn)
    plt.close("all") if len(plt.get_fignums()) > figures else None
    assert calls == EXAMPLES or not parameters(fn)
    assert not problems, f"{name}: {len(problems)} of {calls} hostile calls:\n" + "\n".join(
        sorted(set(problems)))


# --------------------------------------------------------------------------- size-like arguments
def _int_defaults():
    """(name, fn, parameter) for every integer parameter with a default, in functions that can
    be called with their defaults alone (nets, data sets, trainers, widget states)."""
    for name, fn in FUNCTIONS:
        params = parameters(fn)
        if any(p.default is inspect.Parameter.empty for p in params):
            continue
        for p in params:
            if isinstance(p.default, int) and not isinstance(p.default, bool):
                yield pytest.param(name, fn, p.name, id=f"{name}({p.name})")


@pytest.mark.parametrize("name, fn, param", list(_int_defaults()))
def test_a_huge_size_is_refused_not_obeyed(name, fn, param, in_tmp_dir):
    """The random calls above draw 10**9 for a given argument only now and then; here every
    integer argument that has a default gets 10**9 and 2**63 (the others at their defaults):
    a bound must refuse it by name, quickly, instead of allocating or looping for ever."""
    import matplotlib.pyplot as plt

    params = parameters(fn)
    for huge in (10**9, 2**63):
        with limits():
            problem = judged_call(fn, params, [], {param: huge})
        plt.close("all")
        assert problem is None, f"{name}({param}={huge}): {problem}"
