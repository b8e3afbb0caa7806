"""helpers.perceptron: formulas against theory (Rosenblatt's rule, Novikoff 1962, XOR), against
numpy/scipy/torch, bad inputs, widget update functions at slider extremes, exercises proven real."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.special
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize

from helpers import checks, data, perceptron as P

XOR_X, XOR_Y = P.xor_points()


def stub(*args):
    raise NotImplementedError


# ----------------------------------------------------------------------------- predict
def test_predict_by_hand_and_tie_goes_to_plus_one():
    X = np.array([[1.0, 0.5], [0.0, 1.0], [0.0, 0.0]])  # scores 0.5, 0 (a tie), -1
    out = P.predict(X, np.array([1.0, 1.0]), -1.0)
    np.testing.assert_array_equal(out, [1, 1, -1])
    assert out.dtype.kind == "i" and out.shape == (3,)


def test_predict_with_zero_weights_is_sign_of_b():
    X = np.random.default_rng(0).normal(size=(5, 2))
    np.testing.assert_array_equal(P.predict(X, np.zeros(2), 0.0), np.ones(5))
    np.testing.assert_array_equal(P.predict(X, np.zeros(2), -1e-9), -np.ones(5))


@given(st.integers(0, 10_000), st.integers(1, 5))
@settings(max_examples=30, deadline=None)
def test_predict_matches_numpy_sign_away_from_ties(seed, d):
    rng = np.random.default_rng(seed)
    X, w, b = rng.normal(size=(20, d)), rng.normal(size=d), float(rng.normal())
    expected = np.sign(np.einsum("nd,d->n", X, w) + b)  # independent formula; no exact ties
    np.testing.assert_array_equal(P.predict(X, w, b), expected)


# ----------------------------------------------------------------------------- bad inputs
@pytest.mark.parametrize("call, match", [
    (lambda: P.predict(np.ones(3), np.ones(3), 0.0), r"X must be 2-dimensional, got shape \(3,\)"),
    (lambda: P.predict(np.ones((2, 2, 2)), np.ones(2), 0.0), r"X must be 2-dimensional, got shape \(2, 2, 2\)"),
    (lambda: P.predict(np.ones((4, 2)), np.ones(3), 0.0),
     r"w must have shape \(2,\) to match X of shape \(4, 2\), got shape \(3,\)"),
    (lambda: P.predict(np.ones((0, 2)), np.ones(2), 0.0), r"X must have at least 1 element"),
    (lambda: P.predict(np.full((2, 2), np.nan), np.ones(2), 0.0), r"X must contain only finite"),
    (lambda: P.train(np.ones((4, 2)), [1, 0, 1, 0]), r"y must hold only the labels \(-1, 1\)"),
    (lambda: P.train(np.ones((4, 2)), [1, -1, 1]), r"y must have 4 entries .*got 3"),
    (lambda: P.train(np.ones((4, 2)), [1, -1, 1, 0.5]), r"y must hold integer labels"),
    (lambda: P.train(np.ones((2, 2)), [1, -1], lr=0.0), r"lr must be > 0, got 0.0"),
    (lambda: P.train(np.ones((2, 2)), [1, -1], lr=np.inf), r"lr must be a finite number"),
    (lambda: P.train(np.ones((2, 2)), [1, -1], max_epochs=0), r"max_epochs must be >= 1, got 0"),
    (lambda: P.update(np.ones(2), 1, np.ones(3), 0.0),
     r"w must have shape \(2,\) to match x of shape \(2,\), got shape \(3,\)"),
    (lambda: P.update(np.ones(2), 2, np.ones(2), 0.0), r"y must be one of -1, 1; got int 2"),
    (lambda: P.margin(np.ones((3, 2)), [1, 1, -1], np.zeros(2), 1.0), r"w must be non-zero"),
    (lambda: P.novikoff_bound(XOR_X, XOR_Y, np.ones(2), 0.0), r"must separate the data"),
    (lambda: P.novikoff_bound(XOR_X, XOR_Y, np.zeros(2), 0.0), r"must not be all zero"),
    (lambda: P.novikoff_bound(XOR_X, XOR_Y, np.ones(3), 0.0), r"w_star must have shape \(2,\)"),
    (lambda: P.two_layer(XOR_X, np.ones((3, 3)), np.ones(3), np.ones(3), 0.0),
     r"W must have shape \(m, 2\) .*got shape \(3, 3\)"),
    (lambda: P.two_layer(XOR_X, np.ones((3, 2)), np.ones(2), np.ones(3), 0.0),
     r"b must have shape \(3,\) to match W of shape \(3, 2\), got shape \(2,\)"),
    (lambda: P.two_layer(XOR_X, np.ones((3, 2)), np.ones(3), np.ones(2), 0.0),
     r"w2 must have shape \(3,\)"),
    (lambda: P.bce([0.5, 1.5], [1, -1]), r"p must contain probabilities in \[0, 1\]"),
    (lambda: P.soft_loss_and_grad(np.ones((3, 2)), [1, -1, 1], np.ones(4), 0.0),
     r"w must have shape \(2,\)"),
    (lambda: P.train_soft(np.ones((2, 2)), [1, -1], num_epochs=-1), r"num_epochs must be >= 1"),
    (lambda: P.line_in_box(np.ones(3), 0.0, (-1, 1, -1, 1)), r"w must have shape \(2,\)"),
    (lambda: P.line_in_box(np.ones(2), 0.0, (1, -1, -1, 1)), r"box must satisfy xmin < xmax"),
    (lambda: P.playground(np.ones((4, 3)), [1, -1, 1, -1]), r"X must have shape \(n, 2\)"),
    (lambda: P.stepper(np.ones((4, 2)), [1, -1, 1]), r"y must have 4 entries"),
    (lambda: P.separable_data(shift=(1.0, 2.0, 3.0)), r"shift must have shape \(2,\), got \(3,\)"),
])
def test_bad_inputs_raise_value_error_naming_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("call, match", [
    (lambda: P.predict(np.ones((2, 2)), np.ones(2), "0"), r"b must be a real number, got str"),
    (lambda: P.predict([["a", "b"]], np.ones(2), 0.0), r"X must hold real numbers, got dtype <U1"),
    (lambda: P.train(np.ones((2, 2)), [1, -1], lr="fast"), r"lr must be a real number, got str"),
    (lambda: P.train(np.ones((2, 2)), [True, False]), r"y must hold real numbers, got dtype bool"),
    (lambda: P.update(np.ones(2), True, np.ones(2), 0.0), r"y must be an integer, got bool True"),
    (lambda: P.update(np.ones(2), 1.0, np.ones(2), 0.0), r"y must be an integer, got float 1.0"),
    (lambda: P.train(np.ones((2, 2)), [1, -1], max_epochs=2.0), r"max_epochs must be an integer"),
    (lambda: P.train(np.ones((2, 2)), [1, -1], seed="0"), r"seed must be an integer, got str"),
    (lambda: P.train_soft(np.ones((2, 2)), [1, -1], num_epochs=1.5), r"num_epochs must be an integer"),
    (lambda: P.draw_perceptron("ax", XOR_X, XOR_Y, np.ones(2), 0.0), r"ax must be a matplotlib Axes"),
    (lambda: P.draw_perceptron(None, XOR_X, XOR_Y, np.ones(2), 0.0), r"ax must be a matplotlib Axes"),
])
def test_wrong_types_raise_type_error(call, match):
    with pytest.raises(TypeError, match=match):
        call()


def test_numpy_scalars_are_accepted_like_python_numbers():
    X, y, _, _ = P.separable_data(n=20, seed=1)
    a = P.train(X, y, lr=np.float32(0.5), max_epochs=np.int64(50), seed=np.int32(2))
    b = P.train(X, y, lr=0.5, max_epochs=50, seed=2)
    np.testing.assert_allclose(a.w, b.w)
    assert a.mistakes_per_epoch == b.mistakes_per_epoch
    # at w = 0, b = 0 every point scores 0 and is predicted +1: label -1 is a mistake (b -> -1)
    assert P.update(X[0], np.int64(-1), np.zeros(2), np.float64(0.0), np.float32(1.0))[1] == -1.0
    assert P.update(X[0], np.int64(1), np.zeros(2), np.float64(0.0), np.float32(1.0))[1] == 0.0
    soft = P.train_soft(X, y, lr=np.float64(0.5), num_epochs=np.int64(3))
    assert len(soft.losses) == 4


# ----------------------------------------------------------------------------- the learning rule
def test_update_moves_on_a_mistake_only_and_never_mutates_inputs():
    x, w = np.array([1.0, 2.0]), np.array([0.5, -1.0])  # w·x = -1.5: predicted -1
    w_in = w.copy()
    w_new, b_new = P.update(x, 1, w, 0.25, lr=0.5)
    np.testing.assert_allclose(w_new, w + 0.5 * x)
    assert b_new == pytest.approx(0.75)
    w_same, b_same = P.update(x, -1, w, 0.25, lr=0.5)  # correct: unchanged
    np.testing.assert_array_equal(w_same, w)
    assert b_same == 0.25
    np.testing.assert_array_equal(w, w_in)


@given(st.integers(0, 10_000))
@settings(max_examples=40, deadline=None)
def test_update_raises_the_score_of_the_point_by_lr_times_norm_squared(seed):
    # theory: y (w'·x + b') = y (w·x + b) + lr (‖x‖² + 1) after an update on (x, y)
    rng = np.random.default_rng(seed)
    x, w, b, lr = rng.normal(size=3), rng.normal(size=3), float(rng.normal()), rng.uniform(0.1, 2)
    y = -int(P.predict(x[None], w, b)[0])  # force a mistake
    w2, b2 = P.update(x, y, w, b, lr)
    assert y * (w2 @ x + b2) == pytest.approx(y * (w @ x + b) + lr * (x @ x + 1))


def test_tie_with_label_minus_one_is_a_mistake_and_with_plus_one_is_not():
    x, w = np.array([1.0, 2.0]), np.array([2.0, -1.0])  # w·x = 0
    assert P.update(x, -1, w, 0.0)[1] == -1.0
    assert P.update(x, 1, w, 0.0)[1] == 0.0


# ----------------------------------------------------------------------------- train and Novikoff
def test_novikoff_bound_by_hand():
    # two points (±1, 0); w* = (1, 0), b* = 0: R = √2, γ = 1, bound = 2
    X, y = np.array([[1.0, 0.0], [-1.0, 0.0]]), np.array([1, -1])
    assert P.novikoff_bound(X, y, np.array([1.0, 0.0]), 0.0) == pytest.approx(2.0)
    r = P.train(X, y)
    assert r.converged and r.num_updates == 1  # only (-1, 0) is wrong at w = 0 (tie → +1)


@given(st.integers(0, 500), st.integers(0, 500), st.integers(5, 80),
       st.floats(-3, 3), st.floats(-3, 3), st.floats(0.01, 10))
@settings(max_examples=40, deadline=None)
def test_train_converges_within_novikoff_bound(data_seed, seed, n, sx, sy, lr):
    X, y, w_star, b_star = P.separable_data(n=n, seed=data_seed, shift=(sx, sy))
    bound = P.novikoff_bound(X, y, w_star, b_star)
    r = P.train(X, y, lr=lr, max_epochs=10_000, seed=seed)
    assert r.converged and r.mistakes_per_epoch[-1] == 0
    assert r.num_updates <= bound  # Novikoff (1962): at most (R/γ)² updates
    assert sum(r.mistakes_per_epoch) == r.num_updates
    np.testing.assert_array_equal(P.predict(X, r.w, r.b), y)


def test_train_replays_update_in_its_visiting_order():
    X, y, _, _ = P.separable_data(n=30, seed=0)
    r = P.train(X, y, lr=0.7, seed=3)
    assert sorted(r.order) == list(range(30))
    w, b, seen = np.zeros(2), 0.0, []
    for _ in r.mistakes_per_epoch:
        for i in r.order:
            w2, b2 = P.update(X[i], y[i], w, b, lr=0.7)
            if b2 != b or not np.array_equal(w2, w):
                seen.append((w2, b2, i))
            w, b = w2, b2
    assert len(seen) == r.num_updates and [s[2] for s in seen] == r.updated_points
    for (wu, bu), (ws, bs, _) in zip(r.updates, seen):
        np.testing.assert_allclose(wu, ws)
        assert bu == pytest.approx(bs)
    np.testing.assert_allclose(r.w, w)


def test_learning_rate_only_scales_the_weights_when_starting_from_zero():
    # w_t = lr Σ y_i x_i over the updates so far: the signs, hence the mistakes, do not depend on lr
    X, y, _, _ = P.separable_data(n=40, seed=2)
    r1, r2 = P.train(X, y, lr=1.0), P.train(X, y, lr=0.01)
    assert r1.mistakes_per_epoch == r2.mistakes_per_epoch
    np.testing.assert_allclose(r2.w, 0.01 * r1.w)
    assert r2.b == pytest.approx(0.01 * r1.b)


def test_same_seed_same_run_and_seed_changes_the_order():
    X, y, _, _ = P.separable_data(n=30, seed=1)
    a, b = P.train(X, y, seed=5), P.train(X, y, seed=5)
    assert a.updated_points == b.updated_points and np.array_equal(a.w, b.w)
    assert not np.array_equal(P.train(X, y, seed=6).order, a.order)


def test_novikoff_constants_by_hand_and_centring_shrinks_the_bound():
    X, y, w_star, b_star = P.separable_data()
    R, gamma = P.novikoff_constants(X, y, w_star, b_star)
    rows = [np.sqrt(x1 * x1 + x2 * x2 + 1.0) for x1, x2 in X]  # ‖(x, 1)‖, point by point
    wt = np.array([w_star[0], w_star[1], b_star])
    margins = [yi * (wt[0] * x1 + wt[1] * x2 + wt[2]) / np.sqrt(wt @ wt) for (x1, x2), yi in zip(X, y)]
    assert R == pytest.approx(max(rows)) and gamma == pytest.approx(min(margins))
    assert P.novikoff_bound(X, y, w_star, b_star) == pytest.approx((max(rows) / min(margins)) ** 2)
    # the folded margin is the plane margin times ‖w*‖ / ‖(w*, b*)‖ (< 1 when b* ≠ 0)
    assert gamma == pytest.approx(P.margin(X, y, w_star, b_star) / np.sqrt(1 + b_star**2))
    # the same points centred, with the same line: a far smaller bound, and fewer updates
    mean = X.mean(axis=0)
    Xc, bc = X - mean, b_star + w_star @ mean
    np.testing.assert_array_equal(P.predict(Xc, w_star, bc), P.predict(X, w_star, b_star))
    bound, bound_c = P.novikoff_bound(X, y, w_star, b_star), P.novikoff_bound(Xc, y, w_star, bc)
    assert bound_c < bound / 5
    upd = [P.train(X, y, seed=s).num_updates for s in range(100)]
    upd_c = [P.train(Xc, y, seed=s).num_updates for s in range(100)]
    assert max(upd) <= bound and max(upd_c) <= bound_c and max(upd_c) < max(upd)


def test_the_two_curves_of_the_proof_cross_at_the_bound():
    # kγ̃ <= alignment <= length <= √k R along any run; kγ̃ = √k R exactly at k = (R/γ̃)²
    X, y, w_star, b_star = P.separable_data()
    R, gamma = P.novikoff_constants(X, y, w_star, b_star)
    wt = np.append(w_star, b_star) / np.linalg.norm(np.append(w_star, b_star))
    for seed in range(5):
        r = P.train(X, y, seed=seed)
        Wk = np.array([np.append(w, b) for w, b in r.updates])
        k = np.arange(1, len(Wk) + 1)
        assert np.all(k * gamma <= Wk @ wt + 1e-12)
        assert np.all(Wk @ wt <= np.linalg.norm(Wk, axis=1) + 1e-12)
        assert np.all(np.linalg.norm(Wk, axis=1) <= np.sqrt(k) * R + 1e-12)
    k_cross = (R / gamma) ** 2
    assert k_cross * gamma == pytest.approx(np.sqrt(k_cross) * R)


# ----------------------------------------------------------------------------- SGD on the criterion
@given(st.integers(0, 10_000), st.integers(1, 5))
@settings(max_examples=40, deadline=None)
def test_rosenblatt_rule_is_sgd_on_the_perceptron_criterion(seed, d):
    rng = np.random.default_rng(seed)
    x, w, b, lr = rng.normal(size=d), rng.normal(size=d), float(rng.normal()), rng.uniform(0.1, 2)
    for y in (-1, 1):
        loss, gw, gb = P.perceptron_loss(x, y, w, b)
        wt = torch.tensor(w, requires_grad=True)
        bt = torch.tensor(b, dtype=torch.float64, requires_grad=True)
        lt = torch.relu(-y * (torch.tensor(x) @ wt + bt))  # max(0, -y (w·x + b)), by torch
        lt.backward()
        assert loss == pytest.approx(lt.item())
        np.testing.assert_allclose(gw, wt.grad.numpy(), atol=1e-12)  # no tie: one gradient
        assert gb == pytest.approx(bt.grad.item(), abs=1e-12)
        w2, b2 = P.update(x, y, w, b, lr)
        np.testing.assert_allclose(w2, w - lr * wt.grad.numpy())
        assert b2 == pytest.approx(b - lr * bt.grad.item())


def test_perceptron_criterion_at_a_tie_follows_the_tie_rule():
    x, w = np.array([1.0, 2.0]), np.array([2.0, -1.0])  # score 0: the kink of max(0, -y s)
    assert P.perceptron_loss(x, -1, w, 0.0) == (0.0, pytest.approx(x), 1.0)  # -y (x, 1), y = -1
    loss, gw, gb = P.perceptron_loss(x, 1, w, 0.0)
    assert loss == 0.0 and not gw.any() and gb == 0.0


def test_gradient_descent_on_bce_tends_to_the_max_margin_direction():
    # Soudry et al. (2018): on separable data the direction of (w, b) under GD on the logistic
    # loss converges (slowly, ~1/log t) to the hard-margin SVM direction of the folded points.
    X, y, _, _ = P.separable_data(n=30, seed=0)
    Xt = P.fold_bias(X)
    cons = {"type": "ineq", "fun": lambda v: y * (Xt @ v) - 1, "jac": lambda v: y[:, None] * Xt}
    svm = minimize(lambda v: v @ v, np.array([1.0, 1.0, -3.0]), jac=lambda v: 2 * v,
                   constraints=[cons], method="SLSQP", options={"ftol": 1e-12, "maxiter": 500})
    assert svm.success
    v_mm = svm.x / np.linalg.norm(svm.x)

    def angle(v):
        return np.degrees(np.arccos(min(1.0, v @ v_mm / np.linalg.norm(v))))

    v, z, angles = np.zeros(3), (1 + y) / 2, {}  # plain numpy GD, the same as train_soft's
    for t in range(1, 20_001):
        p = 1 / (1 + np.exp(-(Xt @ v)))
        v = v - 1.0 * Xt.T @ (p - z) / len(X)
        if t in (10, 100, 1000, 2000, 20_000):
            angles[t] = angle(v)
    soft = P.train_soft(X, y, lr=1.0, num_epochs=2000)
    assert angle(np.append(soft.w, soft.b)) == pytest.approx(angles[2000], abs=1e-6)
    a = [angles[t] for t in (10, 100, 1000, 20_000)]
    assert all(later < earlier for earlier, later in zip(a, a[1:]))  # monotone approach
    assert a[-1] < 0.5  # degrees
    r = P.train(X, y)  # the perceptron stops at the first separating line, far from max-margin
    assert angle(np.append(r.w, r.b)) > 5 * a[-1]


# ----------------------------------------------------------------------------- XOR
def test_xor_is_not_linearly_separable_so_the_perceptron_never_converges():
    r = P.train(XOR_X, XOR_Y, max_epochs=200)
    assert not r.converged and len(r.mistakes_per_epoch) == 200
    assert min(r.mistakes_per_epoch) >= 1  # no epoch is clean
    # cycling (Minsky & Papert): integer data and bounded weights, so the states repeat
    ends = {tuple(np.append(w, b)) for w, b in r.updates}
    assert len(ends) < 20


@given(st.floats(-10, 10), st.floats(-10, 10), st.floats(-10, 10))
@settings(max_examples=60, deadline=None)
def test_no_line_separates_xor(w1, w2, b):
    # Minsky & Papert: b < 0, w2 + b >= 0, w1 + b >= 0 and w1 + w2 + b < 0 cannot all hold.
    # The classes are computed independently (by hand, one point at a time) and predict must
    # agree with them: a constant or wrong predict fails here.
    by_hand = [1 if w1 * x1 + w2 * x2 + b >= 0 else -1 for x1, x2 in XOR_X]
    np.testing.assert_array_equal(P.predict(XOR_X, np.array([w1, w2]), b), by_hand)
    assert by_hand != list(XOR_Y)


def test_each_xor_labelling_but_xor_and_its_negation_is_reached_by_some_line():
    # of the 16 labellings of the four corners, exactly 14 are linearly separable
    rng = np.random.default_rng(0)
    seen = {tuple(P.predict(XOR_X, rng.normal(size=2) * 3, float(rng.normal() * 3)))
            for _ in range(20_000)}
    assert len(seen) == 14 and tuple(XOR_Y) not in seen and tuple(-XOR_Y) not in seen


def test_xor_network_solves_xor_and_its_hidden_points_are_separable():
    W, b, w2, b2 = P.xor_network()
    assert W.shape == (2, 2) and b.shape == (2,) and w2.shape == (2,) and isinstance(b2, float)
    H, o = P.two_layer(XOR_X, W, b, w2, b2)
    np.testing.assert_array_equal(np.where(o >= 0, 1, -1), XOR_Y)
    np.testing.assert_allclose(H, [[0, 0], [1, 0], [1, 0], [2, 1]])  # by hand
    assert P.margin(H, XOR_Y, w2, b2) > 0  # a line separates the hidden points
    assert P.train(H, XOR_Y).converged  # so the perceptron learns them


def test_two_layer_matches_torch():
    rng = np.random.default_rng(0)
    X, W, b, w2, b2 = (rng.normal(size=(7, 3)), rng.normal(size=(5, 3)), rng.normal(size=5),
                       rng.normal(size=5), 0.3)
    lin1, lin2 = torch.nn.Linear(3, 5).double(), torch.nn.Linear(5, 1).double()
    with torch.no_grad():
        lin1.weight.copy_(torch.tensor(W)), lin1.bias.copy_(torch.tensor(b))
        lin2.weight.copy_(torch.tensor(w2[None])), lin2.bias.fill_(b2)
        h = torch.relu(lin1(torch.tensor(X)))
        o = lin2(h).squeeze(1)
    H, out = P.two_layer(X, W, b, w2, b2)
    np.testing.assert_allclose(H, h.numpy())
    np.testing.assert_allclose(out, o.numpy())


def test_separable_data_is_separated_by_its_known_line_with_margin_one_half():
    for seed in range(5):
        X, y, w_star, b_star = P.separable_data(n=50, seed=seed, shift=(-1.0, 3.0))
        assert X.shape == (50, 2) and set(np.unique(y)) == {-1, 1}
        assert np.linalg.norm(w_star) == pytest.approx(1.0)
        assert P.margin(X, y, w_star, b_star) >= 0.5  # make_dataset("linear") promises 0.5


def test_fold_bias_turns_the_bias_into_a_weight():
    rng = np.random.default_rng(4)
    X, w, b = rng.normal(size=(6, 3)), rng.normal(size=3), 0.7
    Xt = P.fold_bias(X)
    assert Xt.shape == (6, 4) and np.all(Xt[:, -1] == 1)
    np.testing.assert_allclose(Xt @ np.append(w, b), X @ w + b)


# ----------------------------------------------------------------------------- geometry
def test_margin_against_independent_point_to_line_distance():
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(10, 2)), rng.choice([-1, 1], size=10)
    w, b = np.array([3.0, -4.0]), 2.0  # ‖w‖ = 5
    foot = -b * w / 25  # a point of the line; the direction along the line is (4, 3)/5
    d = np.array([4.0, 3.0]) / 5
    rel = X - foot
    dist = np.linalg.norm(rel - np.outer(rel @ d, d), axis=1)  # Pythagoras, no w·x + b used
    side = np.sign(rel @ w)
    assert P.margin(X, y, w, b) == pytest.approx(np.min(y * side * dist))
    assert P.margin(X, y, 7 * w, 7 * b) == pytest.approx(P.margin(X, y, w, b))  # scale-free


def test_distance_to_origin_and_line_in_box():
    w, b = np.array([1.0, 1.0]), -2.0  # the line x1 + x2 = 2: distance √2 along w
    assert P.distance_to_origin(w, b) == pytest.approx(np.sqrt(2))
    seg = P.line_in_box(w, b, (-3, 3, -3, 3))
    np.testing.assert_allclose(seg @ w + b, 0, atol=1e-12)
    np.testing.assert_allclose(sorted(map(tuple, seg)), [(-1, 3), (3, -1)])
    assert P.line_in_box(w, 100.0, (-3, 3, -3, 3)) is None  # misses the box
    assert P.line_in_box(np.zeros(2), 1.0, (-3, 3, -3, 3)) is None  # no line at all
    np.testing.assert_allclose(P.line_in_box([0.0, 2.0], -2.0, (-3, 3, -3, 3)), [[-3, 1], [3, 1]])
    with pytest.raises(ValueError, match="w must be non-zero"):
        P.distance_to_origin(np.zeros(2), 1.0)


@given(st.floats(0, 360), st.floats(0.05, 5), st.floats(-6, 6))
@settings(max_examples=60, deadline=None)
def test_line_in_box_points_lie_on_the_line_and_in_the_box(angle, norm, b):
    t = np.radians(angle)
    w = norm * np.array([np.cos(t), np.sin(t)])
    seg = P.line_in_box(w, b, (-4, 4, -3, 3))
    if abs(b) / norm < 3 - 1e-6:  # the line passes through the disc of radius 3 inside the box
        assert seg is not None
    if seg is not None:
        np.testing.assert_allclose(seg @ w + b, 0, atol=1e-9 * (1 + abs(b)))
        assert np.all(np.abs(seg[:, 0]) <= 4 + 1e-9) and np.all(np.abs(seg[:, 1]) <= 3 + 1e-9)


# ----------------------------------------------------------------------------- soft perceptron
def test_sigmoid_matches_scipy_without_overflow():
    z = np.array([-1000.0, -30.0, -1.0, 0.0, 2.5, 40.0, 1000.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        np.testing.assert_allclose(P.sigmoid(z), scipy.special.expit(z), rtol=1e-12, atol=0)


def test_bce_matches_torch_and_log_two_at_one_half():
    rng = np.random.default_rng(2)
    p, y = rng.uniform(0.01, 0.99, size=9), rng.choice([-1, 1], size=9)
    ref = torch.nn.functional.binary_cross_entropy(torch.tensor(p), torch.tensor((1 + y) / 2.0))
    assert P.bce(p, y) == pytest.approx(float(ref))
    assert P.bce(np.full(4, 0.5), [1, -1, 1, 1]) == pytest.approx(np.log(2))
    assert P.bce([1.0, 0.0], [1, -1]) == 0.0  # certain and right: no 0·log 0 = NaN


@given(st.integers(0, 10_000), st.floats(0.1, 10))
@settings(max_examples=30, deadline=None)
def test_soft_loss_and_gradient_match_torch_autograd(seed, scale):
    rng = np.random.default_rng(seed)
    X, y = scale * rng.normal(size=(12, 3)), rng.choice([-1, 1], size=12)
    w, b = rng.normal(size=3), float(rng.normal())
    loss, gw, gb = P.soft_loss_and_grad(X, y, w, b)
    wt = torch.tensor(w, requires_grad=True)
    bt = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    s = torch.tensor(X) @ wt + bt
    lt = torch.nn.functional.binary_cross_entropy_with_logits(s, torch.tensor((1 + y) / 2.0))
    lt.backward()
    assert loss == pytest.approx(lt.item(), rel=1e-10)
    np.testing.assert_allclose(gw, wt.grad.numpy(), rtol=1e-9, atol=1e-12)
    assert gb == pytest.approx(bt.grad.item(), rel=1e-9, abs=1e-12)


def test_predict_proba_is_the_sigmoid_of_the_score_and_agrees_with_predict():
    rng = np.random.default_rng(5)
    X, w, b = rng.normal(size=(20, 2)), rng.normal(size=2), -0.3
    p = P.predict_proba(X, w, b)
    np.testing.assert_allclose(p, scipy.special.expit(X @ w + b), rtol=1e-12)
    np.testing.assert_array_equal(np.where(p >= 0.5, 1, -1), P.predict(X, w, b))


def test_soft_loss_is_bce_of_the_sigmoid_and_log_two_at_zero():
    rng = np.random.default_rng(3)
    X, y, w = rng.normal(size=(8, 2)), rng.choice([-1, 1], size=8), rng.normal(size=2)
    assert P.soft_loss_and_grad(X, y, w, 0.4)[0] == pytest.approx(
        P.bce(P.predict_proba(X, w, 0.4), y))
    assert P.soft_loss_and_grad(X, y, np.zeros(2), 0.0)[0] == pytest.approx(np.log(2))


def test_train_soft_reduces_bce_monotonically_with_a_safe_step():
    # the BCE is convex and L-smooth with L <= λ_max(X̃ᵀX̃/n)/4: any lr <= 1/L only decreases it
    X, y = data.make_dataset("gaussian", n=60, noise=0.3, seed=2)
    Xt = P.fold_bias(X)
    L = np.linalg.eigvalsh(Xt.T @ Xt / len(X)).max() / 4
    r = P.train_soft(X, y, lr=1 / L, num_epochs=100)
    assert len(r.losses) == 101 and r.losses[0] == pytest.approx(np.log(2))
    assert np.all(np.diff(r.losses) <= 1e-12) and r.losses[-1] < 0.5 * r.losses[0]
    assert P.soft_loss_and_grad(X, y, r.w, r.b)[0] == pytest.approx(r.losses[-1])
    assert np.mean(P.predict(X, r.w, r.b) == y) >= 0.9


# ----------------------------------------------------------------------------- widgets
BOX = (-6.0, 6.0, -6.0, 6.0)
DX, DY, _, _ = P.separable_data()


@pytest.mark.parametrize("b", [0.0, 0.5, -0.5, 6.0, -6.0])
def test_geometry_view_with_zero_norm_has_no_line_and_says_so(b):
    v = P.geometry_view(123.0, 0.0, b, DX, DY, BOX)
    assert v.line is None and v.foot is None and "no line" in v.message
    sign = 1 if b >= 0 else -1
    assert np.all(v.labels == sign)
    np.testing.assert_array_equal(v.wrong, DY != sign)


@pytest.mark.parametrize("b", [1e6, -1e6, 1e300])
def test_geometry_view_huge_b_puts_the_line_off_screen(b):
    v = P.geometry_view(45.0, 1.0, b, DX, DY, BOX)
    assert v.line is None and "off-screen" in v.message
    assert np.all(v.labels == np.sign(b)) and v.wrong.sum() == np.sum(DY != np.sign(b))


@pytest.mark.parametrize("angle, norm, b", [(0, 3, 6), (360, 3, -6), (90, 1e-300, 1.0),
                                            (45, 1e300, 0.0), (np.nan, 1, 0), (0, np.inf, 0),
                                            (0, 1, np.nan), (-720, 1, 0)])
def test_geometry_view_never_raises_at_extremes(angle, norm, b):
    v = P.geometry_view(angle, norm, b, DX, DY, BOX)
    if not np.isfinite([angle, norm, b]).all() or norm > 1e200:
        assert v.line is None and "nothing to draw" in v.message
    assert v.labels.shape == (80, 80) and v.wrong.shape == (len(DX),) and isinstance(v.title, str)
    if v.line is not None:
        np.testing.assert_allclose(v.line @ (v.w / np.linalg.norm(v.w)) + v.b / np.linalg.norm(v.w),
                                   0, atol=1e-9)


def test_geometry_view_shows_w_normal_to_the_line_and_the_right_distance():
    v = P.geometry_view(30.0, 2.0, -3.0, DX, DY, BOX)
    direction = v.line[1] - v.line[0]
    assert abs(direction @ v.w) < 1e-9 * np.linalg.norm(direction)  # w ⟂ line
    assert np.linalg.norm(v.foot) == pytest.approx(1.5)  # |b| / ‖w‖
    assert v.message == "" and "= 1.5" in v.title
    np.testing.assert_array_equal(v.wrong, P.predict(DX, v.w, v.b) != DY)


def test_playground_widget_updates_its_artists_at_slider_extremes():
    ui = P.playground()
    art = ui.artists
    ui.controls["norm"].value = 0.0
    assert len(art["line"].get_xdata()) == 0 and art["banner"].get_visible()
    ui.controls["norm"].value = 3.0
    ui.controls["b"].value = -6.0
    assert len(art["line"].get_xdata()) == 2 and not art["banner"].get_visible()
    ui.controls["angle"].value = 360.0
    ui.controls["b"].value = 6.0
    ui.canvas.draw()
    u, v = art["arrow"].U[0], art["arrow"].V[0]
    assert (u, v) == pytest.approx((3.0, 0.0), abs=1e-9)
    assert "misclassified" in art["ax"].get_title()


def test_widgets_leave_pyplot_backend_alone():
    # importing ipympl for the first time switches matplotlib's backend; the builders undo it
    code = ("import matplotlib; matplotlib.use('agg'); import matplotlib.pyplot as plt; "
            "from helpers import perceptron; perceptron.playground(); perceptron.stepper(); "
            "print(matplotlib.get_backend(), type(plt.figure().canvas).__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parent.parent, check=True).stdout
    assert out.split() == ["agg", "FigureCanvasAgg"]


def test_stepper_view_walks_through_the_updates():
    r = P.train(DX, DY)
    v0 = P.stepper_view(r, DX, DY, 0, BOX)
    assert v0.point is None and v0.geometry.line is None and "Start" in v0.text
    assert P.stepper_view(r, DX, DY, -5, BOX).k == 0
    last = P.stepper_view(r, DX, DY, 10**9, BOX)
    assert last.k == r.num_updates and "Converged" in last.text and last.geometry.wrong.sum() == 0
    for k in range(1, r.num_updates + 1):
        v = P.stepper_view(r, DX, DY, k, BOX)
        w_prev, b_prev = r.updates[k - 2] if k > 1 else (np.zeros(2), 0.0)
        assert P.predict(DX[[v.point]], w_prev, b_prev)[0] != DY[v.point]  # updated on a mistake
        if k > 1:
            np.testing.assert_allclose(v.previous,
                                       P.stepper_view(r, DX, DY, k - 1, BOX).geometry.line)


def test_stepper_widget_on_xor_reports_no_convergence():
    ui = P.stepper(XOR_X, XOR_Y, max_epochs=5)
    assert not ui.result.converged and ui.controls["k"].max == ui.result.num_updates == 4 * 5 - 1
    ui.controls["k"].value = ui.controls["k"].max
    ui.canvas.draw()
    assert "without converging" in P.stepper_view(ui.result, XOR_X, XOR_Y, 99, BOX).text


# ----------------------------------------------------------------------------- exercises
def test_predict_exercise_is_real():
    assert P.PREDICT.run(P.predict).status == checks.PASS
    assert P.PREDICT.run(stub).status == checks.NOT_IMPLEMENTED
    wrong = [lambda X, w, b: np.where(X @ w + b > 0, 1, -1),  # strict: ties go to -1
             lambda X, w, b: np.where(X @ w + b >= 0, -1, 1),  # sign flipped
             lambda X, w, b: np.sign(X @ w + b),  # a tie gives 0
             lambda X, w, b: np.where(X @ w >= 0, 1, -1),  # bias forgotten
             lambda X, w, b: np.where(X @ w + b >= 0, 1.0, -1.0),  # floats, not ints
             lambda X, w, b: X @ w + b >= 0,  # booleans
             lambda X, w, b: np.where(X[:, 0] * w[0] + X[:, 1] * w[1] + b >= 0, 1, -1),  # d = 2 only
             lambda X, w, b: P.predict(X, w, b)]  # the helper itself is off limits
    for fn in wrong:
        assert P.PREDICT.run(fn).status in (checks.FAIL, checks.ERROR)
    from helpers.perceptron import core
    for cheat in (lambda X, w, b: core.predict(X, w, b), lambda X, w, b: P.predict(X, w, b)):
        result = P.PREDICT.run(cheat)
        assert result.status == checks.FAIL and "write it yourself" in result.message
    assert P.predict is core.predict  # the helper is restored after the check


def _update_variant(condition, with_y=True, with_b=True):
    def fn(x, y, w, b, lr):
        if condition(y, x @ w + b):
            return w + lr * (y if with_y else 1) * x, b + (lr * y if with_b else 0.0)
        return w, b
    return fn


def test_update_exercise_is_real():
    assert P.UPDATE.run(P.update).status == checks.PASS
    assert P.UPDATE.run(stub).status == checks.NOT_IMPLEMENTED
    right = lambda y, s: (1 if s >= 0 else -1) != y  # noqa: E731
    assert P.UPDATE.run(_update_variant(right)).status == checks.PASS
    wrong = [_update_variant(lambda y, s: True),  # updates on every point
             _update_variant(right, with_y=False),  # w + lr x: label forgotten
             _update_variant(right, with_b=False),  # bias never moves
             _update_variant(lambda y, s: y * s < 0),  # a tie with y = -1 is a mistake
             _update_variant(lambda y, s: y * s <= 0)]  # a tie with y = +1 is correct
    for fn in wrong:
        assert P.UPDATE.run(fn).status == checks.FAIL

    def in_place(x, y, w, b, lr):  # right rule, but it changes the caller's w
        if (1 if x @ w + b >= 0 else -1) != y:
            w += lr * y * x
            b += lr * y
        return w, b

    result = P.UPDATE.run(in_place)
    assert result.status == checks.FAIL and "changed its input `w` in place" in result.message
    cheat = P.UPDATE.run(lambda x, y, w, b, lr: P.update(x, y, w, b, lr))
    assert cheat.status == checks.FAIL and "write it yourself" in cheat.message


def test_margin_exercise_is_real():
    assert P.MARGIN.run(P.margin).status == checks.PASS
    assert P.MARGIN.run(stub).status == checks.NOT_IMPLEMENTED
    wrong = [lambda X, y, w, b: np.min(y * (X @ w + b)),  # not normalised
             lambda X, y, w, b: np.min(y * (X @ w + b)) / np.linalg.norm(np.append(w, b)),
             lambda X, y, w, b: np.min(np.abs(X @ w + b)) / np.linalg.norm(w),  # label ignored
             lambda X, y, w, b: np.max(y * (X @ w + b)) / np.linalg.norm(w),  # max, not min
             lambda X, y, w, b: np.mean(y * (X @ w + b)) / np.linalg.norm(w),
             lambda X, y, w, b: np.min(y * (X @ w + b)) / np.hypot(*w[:2]),  # d = 2 only
             lambda X, y, w, b: np.min(y * (X @ w + b)) / np.sqrt(w[0] ** 2 + w[1] ** 2)]
    for fn in wrong:
        assert P.MARGIN.run(fn).status in (checks.FAIL, checks.ERROR)
    assert {X.shape[1] for X, *_ in P.MARGIN.cases(np.random.default_rng(0))} >= {1, 3, 4, 5}
    cheat = P.MARGIN.run(lambda X, y, w, b: P.margin(X, y, w, b))
    assert cheat.status == checks.FAIL and "write it yourself" in cheat.message


def test_xor_weights_exercise_is_real():
    result = P.XOR_WEIGHTS.run(P.xor_network)
    assert result.status == checks.PASS and result.message.startswith("✅")
    other = (np.array([[1.0, -1.0], [-1.0, 1.0]]), np.zeros(2), np.ones(2), -0.5)  # |x1 - x2|
    assert P.XOR_WEIGHTS.run(lambda: other).status == checks.PASS  # any correct weights pass
    assert P.XOR_WEIGHTS.run(stub).status == checks.NOT_IMPLEMENTED
    linear = (np.eye(2), np.zeros(2), np.ones(2), -0.5)  # OR, not XOR: (1, 1) → +1
    fail = P.XOR_WEIGHTS.run(lambda: linear)
    assert fail.status == checks.FAIL and "expected [-1, 1, 1, -1]" in fail.message
    flipped = tuple(-a if i >= 2 else a for i, a in enumerate(P.xor_network()))
    assert P.XOR_WEIGHTS.run(lambda: flipped).status == checks.FAIL  # sign of the output flipped
    assert P.XOR_WEIGHTS.run(lambda: (np.ones((2, 3)), np.ones(2), np.ones(2), 0.0)).status \
        == checks.ERROR  # W of the wrong shape is reported, not raised
    assert P.XOR_WEIGHTS.run(lambda: (np.eye(2), np.zeros(2))).status == checks.ERROR


def test_views_and_activations_check_their_arguments():
    view = P.geometry_view(30.0, 1.0, 0.5, DX, DY, BOX)
    for error, match, call in [
        (TypeError, "angle must be a real number", lambda: P.geometry_view(None, 1.0, 0.5, DX, DY, BOX)),
        (TypeError, "norm must be a real number", lambda: P.geometry_view(30, "1", 0.5, DX, DY, BOX)),
        (ValueError, r"w must have shape \(2,\)", lambda: P.perceptron_view([1.0], 0, DX, DY, BOX)),
        (TypeError, "b must be a real number", lambda: P.perceptron_view([1, 0], 1 + 2j, DX, DY, BOX)),
        (ValueError, "box must be", lambda: P.perceptron_view([1, 0], 0.0, DX, DY, np.array(1.0))),
        (ValueError, "resolution must be <= 1000", lambda: P.perceptron_view([1, 0], 0.0, DX, DY, BOX, 10**9)),
        (TypeError, "view must be a GeometryView", lambda: P.show_view({}, None)),
        (TypeError, "art must be the dict", lambda: P.show_view(None, view)),
        (ValueError, "art must be the artists", lambda: P.show_view({"X": DX}, view)),
        (TypeError, "angle must be a real number", lambda: P.playground(angle=None)),
        (ValueError, "norm must be >= 0", lambda: P.playground(norm=-1.0)),
        (TypeError, "z must be an array of numbers", lambda: P.relu(None)),
        (TypeError, "z must hold real numbers", lambda: P.sigmoid(1 + 2j)),
    ]:
        with pytest.raises(error, match=match):
            call()
    assert P.relu(-2) == 0.0 and np.isnan(P.relu(np.nan)) and P.sigmoid(np.inf) == 1.0
    assert P.playground(DX, DY, box=np.array(BOX)).controls["b"].value == 0.5  # an array box
