"""Fixed cost of a notebook: a lecture whose first cells do not need torch does not import it at
start (issue 15), yet torch is seeded by ``plotting.setup()`` as soon as it is imported.

Each check runs in a fresh interpreter (the test process has torch imported already)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_setup_seeds_torch_when_torch_is_imported_later():
    # reference: the same draws after an explicit torch.manual_seed(11)
    out = _run(
        "import sys\n"
        "from helpers import plotting\n"
        "plotting.setup(11)\n"
        "print('torch' in sys.modules)\n"
        "import torch\n"
        "a = torch.rand(4)\n"
        "torch.manual_seed(11)\n"
        "print(torch.equal(a, torch.rand(4)))\n"
        "plotting.setup(12)  # torch imported now: seeded at once\n"
        "b = torch.rand(4); torch.manual_seed(12)\n"
        "print(torch.equal(b, torch.rand(4)))\n"
        "print(sum(type(f).__name__ == '_SeedTorchOnImport' for f in sys.meta_path))\n")
    assert out.split() == ["False", "True", "True", "0"]


def test_setup_twice_before_torch_keeps_the_last_seed_only():
    out = _run(
        "import sys\n"
        "from helpers import plotting\n"
        "plotting.setup(1); plotting.setup(2)\n"
        "print(sum(type(f).__name__ == '_SeedTorchOnImport' for f in sys.meta_path))\n"
        "import torch.nn.functional  # a submodule first: the package is what gets seeded\n"
        "a = torch.rand(3); torch.manual_seed(2)\n"
        "print(torch.equal(a, torch.rand(3)))\n")
    assert out.split() == ["1", "True"]


@pytest.mark.parametrize("module, early, lazy", [
    ("uat", "hinge_interpolant, uat.modulus_of_continuity", "train_grid"),
    ("ebm", "free_energy_beta, ebm.playground, ebm.ml_loss, ebm.draw_landscape", "train_contrastive"),
])
def test_lecture_opening_does_not_import_torch(module, early, lazy):
    # `early`: what the lecture's first sections use; `lazy`: the first thing that needs torch
    out = _run(
        "import sys\n"
        f"from helpers import plotting, {module}\n"
        "plotting.setup()\n"
        f"{module}.{early}\n"
        "print('torch' in sys.modules)\n"
        f"getattr({module}, {lazy!r})\n"
        "print('torch' in sys.modules)\n")
    assert out.split() == ["False", "True"]


def test_uat_opening_does_not_import_ipywidgets():
    out = _run("import sys\nfrom helpers import uat\nprint('ipywidgets' in sys.modules)\n"
               "uat.playground\nprint('ipywidgets' in sys.modules)\n")
    assert out.split() == ["False", "True"]


def test_lazy_names_are_the_real_ones():
    from helpers import ebm, uat
    from helpers.ebm import contrastive, exercises, regularised, sparse
    from helpers.uat import interactive, train

    assert uat.train_grid is train.train_grid and uat.playground is interactive.playground
    assert ebm.train_contrastive is contrastive.train_contrastive and ebm.LISTA is sparse.LISTA
    assert ebm.F_INF is exercises.F_INF and ebm.fit_pca is regularised.fit_pca
    for package in (uat, ebm):
        assert set(package.__all__) <= set(dir(package))
        assert all(getattr(package, name) is not None for name in package.__all__)
        with pytest.raises(AttributeError, match="no attribute 'nope'"):
            package.nope  # noqa: B018


# Lectures whose opening sections do not need torch: their first code cell must not import it.
NO_TORCH_AT_START = ["01_perceptron", "02_universal_approximation_1d", "04_convolution",
                     "05_backprop", "08_energy_based_models"]


@pytest.mark.parametrize("name", NO_TORCH_AT_START)
def test_first_cell_of_notebook_does_not_import_torch(name):
    import nbformat

    nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    # the imports cell: the first code cell that calls plotting.setup() (a Colab set-up cell may precede it)
    first = next(c for c in nb.cells if c.cell_type == "code" and "plotting.setup(" in c.source).source
    code = "\n".join(line for line in first.splitlines() if not line.startswith("%"))
    out = _run("import matplotlib\nmatplotlib.use('agg')\n" + code +
               "\nimport sys\nprint('torch' in sys.modules)\n")
    assert out.splitlines()[-1] == "False"
