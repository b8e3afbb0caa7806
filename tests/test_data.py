"""helpers.data: generated data sets and the sha256-checked loader."""

import re
import shutil

import numpy as np
import pytest

from helpers import data


@pytest.mark.parametrize("name", data.DATASETS)
def test_shapes_labels_and_determinism(name):
    X, y = data.make_dataset(name, n=101, noise=0.2, seed=3)
    assert X.shape == (101, 2) and X.dtype == np.float64
    assert y.shape == (101,) and set(np.unique(y)) <= {-1, 1}
    assert len(np.unique(y)) == 2
    X2, y2 = data.make_dataset(name, n=101, noise=0.2, seed=3)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    X3, _ = data.make_dataset(name, n=101, noise=0.2, seed=4)
    assert not np.array_equal(X, X3)


@pytest.mark.parametrize("noise", [0.0, 0.5, 3.0])
def test_linear_is_separable_with_margin(noise):
    X, y = data.make_dataset("linear", n=500, noise=noise, seed=1)
    w = np.array([1.0, 1.0]) / np.sqrt(2)
    assert np.min(y * (X @ w)) >= 0.5  # geometric margin of the documented separator


def test_xor_labels_follow_quadrants_without_noise():
    X, y = data.make_dataset("xor", n=300, noise=0.0, seed=0)
    np.testing.assert_array_equal(y, np.where(X[:, 0] * X[:, 1] > 0, 1, -1))


def test_circles_inner_disc_is_positive_without_noise():
    X, y = data.make_dataset("circles", n=300, noise=0.0, seed=0)
    r = np.linalg.norm(X, axis=1)
    assert np.all(r[y == 1] <= 2) and np.all(r[y == -1] >= 3)


@pytest.mark.parametrize("kwargs, word, err", [
    (dict(name="moons"), "name", ValueError), (dict(name="xor", n=0), "n", ValueError),
    (dict(name="xor", n=2.5), "n", TypeError), (dict(name="xor", noise=-0.1), "noise", ValueError),
    (dict(name="xor", noise=float("nan")), "noise", ValueError),
    (dict(name="xor", noise="0.1"), "noise", TypeError), (dict(name="xor", seed=-1), "seed", ValueError),
    (dict(name="xor", n=np.int64(10), noise=np.float32(0.1)), None, None),  # numpy scalars are fine
])
def test_bad_arguments_name_the_argument(kwargs, word, err):
    if err is None:
        X, y = data.make_dataset(**kwargs)
        assert X.shape == (10, 2)
        return
    with pytest.raises(err, match=f"^{word} must"):
        data.make_dataset(**kwargs)


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError) as err:
        data.make_dataset("moons")
    for name in data.DATASETS:
        assert name in str(err.value)


@pytest.fixture
def data_dir(tmp_path):
    arr = np.arange(12, dtype=np.uint8).reshape(3, 4)
    np.save(tmp_path / "tiny.npy", arr)
    import hashlib
    digest = hashlib.sha256((tmp_path / "tiny.npy").read_bytes()).hexdigest()
    (tmp_path / "MANIFEST").write_text(f"# comment\n{digest}\ttiny.npy\tCC0\ta test array\n")
    return tmp_path, arr


def test_loader_reads_a_listed_file(data_dir):
    folder, arr = data_dir
    np.testing.assert_array_equal(data.load("tiny.npy", data_dir=folder), arr)


def test_loader_detects_corruption_and_says_how_to_restore(data_dir):
    folder, _ = data_dir
    raw = bytearray((folder / "tiny.npy").read_bytes())
    raw[-1] ^= 0xFF
    (folder / "tiny.npy").write_bytes(bytes(raw))
    with pytest.raises(ValueError, match=r"tiny\.npy is corrupt.*git checkout"):
        data.load("tiny.npy", data_dir=folder)


def test_loader_reports_missing_and_unlisted_files(data_dir):
    folder, _ = data_dir
    with pytest.raises(ValueError, match="name must be a file listed"):
        data.load("other.npy", data_dir=folder)
    (folder / "tiny.npy").unlink()
    with pytest.raises(FileNotFoundError, match="missing"):
        data.load("tiny.npy", data_dir=folder)


def test_shipped_data_matches_manifest_and_is_small():
    entries = data.read_manifest()
    readme = (data.DATA_DIR / "README.md").read_text(encoding="utf-8")
    files = {p.relative_to(data.DATA_DIR).as_posix() for p in data.DATA_DIR.rglob("*")
             if p.is_file()} - {"MANIFEST", "README.md"}
    assert files == set(entries), "every file in data/ must be listed in data/MANIFEST"
    total = 0
    for name, entry in entries.items():
        assert data.sha256(data.DATA_DIR / name) == entry["sha256"], name
        assert re.fullmatch(r"[A-Za-z0-9.+-]+", entry["licence"]), (
            f"{name} needs an SPDX licence identifier in data/MANIFEST, got {entry['licence']!r}")
        assert entry["description"], f"{name} needs a description in data/MANIFEST"
        assert name in readme, f"data/README.md must describe {name}"
        total += (data.DATA_DIR / name).stat().st_size
    assert total < 5 * 2**20


def test_load_digits_shapes_values_and_classes():
    X, y = data.load_digits()
    assert X.shape == (1797, 8, 8) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0 and X.max() == 16 and np.all(X == np.round(X))
    counts = np.bincount(y, minlength=10)
    assert len(counts) == 10 and counts.min() >= 170, "every digit 0-9 appears ~180 times"
    # the first image of the UCI file is a 0: a ring of ink, empty centre column
    assert y[0] == 0 and X[0, 3:5, 3:5].mean() < X[0, 1:7, 1].mean() + X[0, 1:7, 6].mean()


def test_split_indices_partition():
    train, test = data.split_indices(100, 0.2, seed=3)
    assert len(test) == 20 and len(train) == 80
    assert sorted(np.concatenate([train, test]).tolist()) == list(range(100))
    again = data.split_indices(100, 0.2, seed=3)
    assert np.array_equal(again[0], train)
    with pytest.raises(ValueError, match="test_fraction"):
        data.split_indices(100, 1.5)


@pytest.fixture
def data_copy(tmp_path):
    """A copy of the shipped data/ folder, to damage."""
    folder = tmp_path / "data"
    shutil.copytree(data.DATA_DIR, folder)
    return folder


@pytest.mark.parametrize("name", sorted(data.read_manifest()))
def test_a_corrupted_shipped_file_is_named_with_how_to_restore_it(data_copy, name):
    raw = bytearray((data_copy / name).read_bytes())
    raw[len(raw) // 2] ^= 0x01  # one flipped bit
    (data_copy / name).write_bytes(bytes(raw))
    with pytest.raises(ValueError) as err:
        data.data_path(name, data_dir=data_copy)
    text = str(err.value)
    assert f"{name} is corrupt" in text and str(data_copy / name) in text
    assert f"git checkout -- data/{name}" in text
    assert data.sha256(data.DATA_DIR / name) in text, "the expected checksum is shown"
    if name == "digits.csv.gz":  # the lecture-facing loader says the same
        with pytest.raises(ValueError, match=r"digits\.csv\.gz is corrupt.*git checkout"):
            data.load_digits(data_dir=data_copy)


@pytest.mark.parametrize("name", sorted(data.read_manifest()))
def test_a_missing_shipped_file_is_named_with_how_to_restore_it(data_copy, name):
    (data_copy / name).unlink()
    with pytest.raises(FileNotFoundError) as err:
        data.load(name, data_dir=data_copy)
    text = str(err.value)
    assert str(data_copy / name) in text and "missing" in text
    assert f"git checkout -- data/{name}" in text


def test_a_missing_manifest_is_named_with_how_to_restore_it(data_copy):
    (data_copy / "MANIFEST").unlink()
    with pytest.raises(FileNotFoundError) as err:
        data.load_digits(data_dir=data_copy)
    assert str(data_copy / "MANIFEST") in str(err.value)
    assert "git checkout -- data/MANIFEST" in str(err.value)


def test_a_malformed_manifest_line_is_named(data_copy):
    manifest = data_copy / "MANIFEST"
    manifest.write_text(manifest.read_text() + "not-a-checksum\tfile.npy\n")
    with pytest.raises(ValueError, match=r"MANIFEST:4: expected 'sha256"):
        data.read_manifest(data_copy)


@pytest.mark.parametrize("call, word, err", [
    (lambda: data.sha256(None), "path", TypeError), (lambda: data.sha256(3), "path", TypeError),
    (lambda: data.sha256(""), "path", ValueError),
    (lambda: data.read_manifest(data_dir=1.5), "data_dir", TypeError),
    (lambda: data.load_digits(data_dir=["data"]), "data_dir", TypeError),
    (lambda: data.load(7), "name", TypeError),
])
def test_loader_arguments_are_checked(call, word, err):
    with pytest.raises(err, match=f"^{word} must"):
        call()
