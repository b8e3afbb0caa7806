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


@pytest.mark.parametrize("module, lazy", [("uat", "train_grid")])
def test_lecture_package_does_not_import_torch_until_training(module, lazy):
    out = _run(
        "import sys\n"
        f"from helpers import plotting, {module}\n"
        "plotting.setup()\n"
        "print('torch' in sys.modules, 'ipywidgets' in sys.modules)\n"
        f"getattr({module}, {lazy!r})\n"
        "print('torch' in sys.modules)\n")
    assert out.split() == ["False", "False", "True"]


def test_lazy_names_are_the_real_ones():
    from helpers import uat
    from helpers.uat import interactive, train

    assert uat.train_grid is train.train_grid and uat.playground is interactive.playground
    assert set(uat.__all__) <= set(dir(uat))
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        uat.nope  # noqa: B018
