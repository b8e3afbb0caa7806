"""helpers.rnn.memory: the claims the notebook makes about the remember-the-first-token task,
checked over seeds 0-3 (training is seeded and single-threaded, hence deterministic)."""

import numpy as np
import pytest
import torch

from helpers import rnn

SEEDS = (0, 1, 2, 3)


@pytest.fixture(scope="module")
def trained():
    """Accuracy (and the model) of every run the claims need: about 20 small trainings."""
    runs = {}
    for seed in SEEDS:
        for kind, T in [("rnn", 5), ("rnn", 10), ("rnn", 40), ("lstm", 40), ("gru", 40)]:
            model, losses = rnn.train_memory(kind, T, seed)
            runs[kind, T, seed] = (rnn.accuracy(model, T), model, losses)
    return runs


def test_vanilla_rnn_solves_short_sequences_in_every_seed(trained):
    for seed in SEEDS:
        for T in (5, 10):
            assert trained["rnn", T, seed][0] >= 0.95, (T, seed)


def test_vanilla_rnn_fails_at_T40_in_at_least_three_of_four_seeds(trained):
    acc = np.array([trained["rnn", 40, seed][0] for seed in SEEDS])
    assert np.sum(acc >= 0.9) <= 1 and acc.mean() <= 0.7, acc


def test_lstm_and_gru_solve_T40_in_every_seed(trained):
    for kind in ("lstm", "gru"):
        for seed in SEEDS:
            assert trained[kind, 40, seed][0] >= 0.95, (kind, seed)


def test_trained_lstm_keeps_forget_gates_near_one(trained):
    """The notebook: several units end with a mean forget gate >= 0.99 (from 0.95 at the start)."""
    for seed in SEEDS:
        model = trained["lstm", 40, seed][1]
        stats = rnn.gate_summary(model, 40)
        assert stats["n_keep"] >= 2, (seed, np.round(np.sort(stats["forget"]), 3))
        init = rnn.gate_summary(rnn.initial_model("lstm", seed), 40)
        assert init["n_keep"] == 0 and np.all(np.abs(init["forget"] - 1 / (1 + np.exp(-3))) < 0.05)


def test_gradient_reaching_step_one_at_initialisation():
    """Vanilla RNN: ~10 orders of magnitude lost from T = 5 to T = 40; gated: less than 10x."""
    for seed in SEEDS:
        for kind in rnn.KINDS:
            model = rnn.initial_model(kind, seed)
            ratio = rnn.first_step_gradient(model, 40) / rnn.first_step_gradient(model, 5)
            if kind == "rnn":
                assert 1e-13 < ratio < 1e-7, (seed, ratio)
            else:
                assert 0.1 < ratio < 1, (kind, seed, ratio)


def test_first_step_gradient_is_the_input_gradient():
    model = rnn.initial_model("gru", 0)
    X, y = rnn.memory_task(6, 4, 999_998)
    X.requires_grad_(True)
    loss = torch.nn.functional.cross_entropy(model(X), y, reduction="sum")
    loss.backward()
    expected = X.grad[:, 0].norm(dim=1).mean().item()
    assert rnn.first_step_gradient(model, 6, n=4) == pytest.approx(expected, rel=1e-6)


def test_memory_task_layout():
    X, y = rnn.memory_task(7, 50, 3)
    assert X.shape == (50, 7, 8) and y.shape == (50,) and X.dtype == torch.float32
    assert torch.all(X.sum(-1) == 1)                                   # one-hot
    assert torch.equal(X[:, 0].argmax(-1), y) and torch.all(y < 4)     # first token = label
    assert torch.all(X[:, 1:].argmax(-1) >= 4)                         # then distractors only
    X2, y2 = rnn.memory_task(7, 50, 3)
    assert torch.equal(X, X2) and torch.equal(y, y2)                   # seeded


def test_training_is_deterministic_and_starts_from_initial_model():
    m1, l1 = rnn.train_memory("rnn", 5, 1, rnn.MemoryConfig(steps=3))
    m2, l2 = rnn.train_memory("rnn", 5, 1, rnn.MemoryConfig(steps=3))
    np.testing.assert_array_equal(l1, l2)
    init = rnn.initial_model("rnn", 1)
    X, y = rnn.memory_task(5, 256, 100_000)
    first = torch.nn.functional.cross_entropy(init(X), y).item()
    assert l1[0] == pytest.approx(first, rel=1e-6)


def test_sweep_returns_one_model_per_run():
    out = rnn.sweep([3, 4], kinds=("rnn",), config=rnn.MemoryConfig(steps=2))
    assert out["accuracy"]["rnn"].shape == (2,) and len(out["models"]["rnn"]) == 2


@pytest.mark.parametrize("call, error", [
    (lambda: rnn.memory_task(0, 4, 0), ValueError),
    (lambda: rnn.memory_task(4, 0, 0), ValueError),
    (lambda: rnn.memory_task(4, 4, -1), ValueError),
    (lambda: rnn.train_memory("transformer", 4), ValueError),
    (lambda: rnn.sweep([0]), ValueError),
    (lambda: rnn.gate_summary(rnn.initial_model("gru"), 5), ValueError),
    (lambda: rnn.memory_task(4.0, 4, 0), TypeError),
])
def test_bad_input(call, error):
    with pytest.raises(error):
        call()


@pytest.mark.parametrize("call, error, name", [
    (lambda: rnn.sweep(None), TypeError, "Ts"),
    (lambda: rnn.sweep([5, 10**9]), ValueError, r"Ts\[1\]"),
    (lambda: rnn.sweep([5], kinds="lstm"), TypeError, "kinds"),
    (lambda: rnn.sweep([5], kinds=("lstm", "transformer")), ValueError, "kinds"),
    (lambda: rnn.sweep([5], seed=-1), ValueError, "seed"),
    (lambda: rnn.sweep([5], config={"steps": 2}), TypeError, "config"),
    (lambda: rnn.sweep([5], progress="bar"), TypeError, "progress"),
    (lambda: rnn.train_memory("rnn", 5, config=None), TypeError, "config"),
    (lambda: rnn.MemoryConfig(steps=10**9), ValueError, "steps"),
    (lambda: rnn.MemoryConfig(lr=0), ValueError, "lr"),
])
def test_bad_arguments_are_refused_before_training_and_named(call, error, name):
    with pytest.raises(error, match=rf"^{name}(?!\w)"):
        call()


@pytest.mark.parametrize("kwargs, name", [(dict(T=10**9, n=1, seed=0), "T"),
                                          (dict(T=5, n=10**9, seed=0), "n"),
                                          (dict(T=5, n=4, seed=2**63), "seed"),
                                          (dict(T=10_000, n=100_000, seed=0), "n \\* T")])
def test_memory_task_refuses_sizes_that_would_not_fit(kwargs, name):
    with pytest.raises(ValueError, match=name):
        rnn.memory_task(**kwargs)
