import os

os.environ.setdefault("MPLBACKEND", "Agg")


import pytest


@pytest.fixture(autouse=True, scope="module")
def torch_default_dtype_is_float32():
    """A test module that changes torch's default dtype must restore it (others assume float32)."""
    import torch

    assert torch.get_default_dtype() == torch.float32, (
        "torch's default dtype was left at float64 by an earlier test module")
    yield
