"""Data sets: the four TensorFlow-Playground sets and a separable one, generated on the fly,
plus a loader for the small files shipped in ``data/`` (each checked against its sha256).

Nothing here downloads anything.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from helpers import validate

DATASETS = ("gaussian", "xor", "circles", "spiral", "linear")
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
MANIFEST = "MANIFEST"


def make_dataset(name: str, n: int = 200, noise: float = 0.1, seed: int = 0):
    """A 2-D binary data set: ``X (n, 2)`` float64 and labels ``y (n,)`` in {-1, +1}.

    ``name`` is one of "gaussian" (two blobs), "xor" (four quadrants), "circles" (a disc inside
    a ring), "spiral" (two interleaved spirals) or "linear" (separable by a line with a margin
    of at least 0.5, whatever the noise). ``noise`` scales the jitter; the same ``seed`` gives
    the same data.
    """
    validate.choice(name, "name", DATASETS)
    n = validate.integer(n, "n", min=1, max=1_000_000)
    noise = validate.real(noise, "noise", min=0)
    seed = validate.integer(seed, "seed", min=0)
    rng = np.random.default_rng(seed)
    y = np.where(np.arange(n) % 2 == 0, 1, -1)  # balanced, then shuffled below
    y = rng.permutation(y)
    if name == "gaussian":
        X = 1.5 * y[:, None] * np.ones(2) + (0.5 + 2 * noise) * rng.normal(size=(n, 2))
    elif name == "xor":
        X = rng.uniform(-3, 3, size=(n, 2))
        X += np.sign(X) * 0.3  # keep points off the axes
        y = np.where(X[:, 0] * X[:, 1] > 0, 1, -1)
        X += noise * rng.normal(size=(n, 2))
    elif name == "circles":
        r = np.where(y > 0, rng.uniform(0, 2, n), rng.uniform(3, 5, n))
        t = rng.uniform(0, 2 * np.pi, n)
        X = np.column_stack([r * np.cos(t), r * np.sin(t)]) + noise * rng.normal(size=(n, 2))
    elif name == "spiral":
        r = rng.uniform(0.3, 5, n)
        t = 1.75 * r + np.where(y > 0, 0, np.pi)
        X = np.column_stack([r * np.sin(t), r * np.cos(t)]) + noise * rng.normal(size=(n, 2))
    else:  # linear: offset from the line x1 + x2 = 0 by at least the margin, noise along it
        along = rng.uniform(-3, 3, n)
        away = y * (0.5 + np.abs(rng.normal(scale=1 + noise, size=n)))
        X = np.column_stack([along + away, -along + away]) / np.sqrt(2)
    return X.astype(np.float64), y.astype(np.int64)


RESTORE = ("Restore it with `git checkout -- data/{name}` in the course's git clone (or take "
           "data/{name} from a fresh download of the course); do not edit files in data/.")


def sha256(path: str | Path) -> str:
    """The hex sha256 of a file."""
    path = validate.path(path, "path")
    if not path.is_file():
        raise FileNotFoundError(f"path {str(path)!r} is not a file")
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def read_manifest(data_dir: str | Path = DATA_DIR) -> dict[str, dict[str, str]]:
    """Parse ``data/MANIFEST``: lines ``sha256  file  licence  description`` (tab-separated).

    Lines starting with ``#`` are comments. Returns ``{file: {"sha256", "licence", "description"}}``.
    """
    path = validate.path(data_dir, "data_dir") / MANIFEST
    if not path.exists():
        raise FileNotFoundError(f"data_dir {str(data_dir)!r} has no manifest: {path} is missing. "
                                + RESTORE.format(name=MANIFEST))
    entries = {}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 3 or len(parts[0]) != 64:
            raise ValueError(f"{path}:{lineno}: expected 'sha256<TAB>file<TAB>licence"
                             f"<TAB>description', got {line!r}")
        entries[parts[1]] = {"sha256": parts[0], "licence": parts[2],
                             "description": parts[3] if len(parts) > 3 else ""}
    return entries


def data_path(name: str, data_dir: str | Path = DATA_DIR) -> Path:
    """The path of a shipped data file after checking it against the manifest's sha256."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a file name (str), got {type(name).__name__} {name!r:.60}")
    entries = read_manifest(data_dir)
    if name not in entries:
        raise ValueError(f"name must be a file listed in {Path(data_dir) / MANIFEST} "
                         f"({', '.join(sorted(entries)) or 'none listed'}); got {name!r}")
    path = Path(data_dir) / name
    restore = RESTORE.format(name=name)
    if not path.exists():
        raise FileNotFoundError(f"data file {path} is missing. {restore}")
    digest = sha256(path)
    if digest != entries[name]["sha256"]:
        raise ValueError(f"data file {path} is corrupt: sha256 {digest} does not match the "
                         f"manifest's {entries[name]['sha256']}. {restore}")
    return path


def load(name: str, data_dir: str | Path = DATA_DIR) -> np.ndarray:
    """Load a checked ``.npy``, ``.csv`` or ``.csv.gz`` file from ``data/`` as a numpy array."""
    path = data_path(name, data_dir)
    if path.suffix == ".npy":
        return np.load(path, allow_pickle=False)
    if name.endswith((".csv", ".csv.gz")):  # numpy reads .gz files itself
        return np.loadtxt(path, delimiter=",", comments="#")
    raise ValueError(f"name must end in .npy, .csv or .csv.gz, got {name!r}")


def load_digits(data_dir: str | Path = DATA_DIR) -> tuple[np.ndarray, np.ndarray]:
    """The 1,797 handwritten digits (UCI, CC BY 4.0) shipped in ``data/digits.csv.gz``.

    Returns ``X`` float64 of shape (1797, 8, 8) with pixel values 0–16 and ``y`` int64 of shape
    (1797,) with the digit 0–9. The file is checked against its sha256 first.
    """
    table = load("digits.csv.gz", data_dir)  # (1797, 65): 64 pixels, then the label
    X = table[:, :64].reshape(-1, 8, 8).astype(np.float64)
    y = table[:, 64].astype(np.int64)
    return X, y


def split_indices(n: int, test_fraction: float = 0.25, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A seeded random split of ``range(n)`` into (train, test) index arrays, test ≈ fraction·n."""
    n = validate.integer(n, "n", min=2)
    test_fraction = validate.real(test_fraction, "test_fraction", min=0, max=1,
                                  min_open=True, max_open=True)
    perm = np.random.default_rng(seed).permutation(n)
    n_test = min(n - 1, max(1, round(test_fraction * n)))
    return np.sort(perm[n_test:]), np.sort(perm[:n_test])
