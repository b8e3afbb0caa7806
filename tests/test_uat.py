"""helpers.uat: the hinge construction against numpy.interp and interpolation theory, evaluation
against torch, extrapolation, training, knot placements, bad inputs, exercises and the widget."""

import importlib
import math

import matplotlib
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from helpers import checks, plotting, uat
from helpers.uat import train as uat_train

SMOOTH = {  # target -> max |f''| on [-1, 1], from calculus
    "sin": np.pi**2,
    "square": 2.0,
    "bump": 2 / 0.2**2,  # f'' = (4x²/σ⁴ − 2/σ²) e^{−x²/σ²} is largest in size at x = 0
}


@st.composite
def knot_sets(draw, lo=-1.0, hi=1.0, max_size=24):
    """Sorted knots in [lo, hi] with gaps of at least 1e-3 (always including lo and hi)."""
    inner = draw(st.lists(st.floats(lo, hi, allow_nan=False), min_size=0, max_size=max_size - 2))
    k = np.unique(np.concatenate([[lo, hi], inner]))
    keep = np.concatenate([[True], np.diff(k) > 1e-3])
    k = k[keep]
    if k[-1] != hi:
        k[-1] = hi
    return k


# --------------------------------------------------------------------------- the construction
@settings(max_examples=60, deadline=None)
@given(knots=knot_sets(), name=st.sampled_from(sorted(uat.TARGETS)))
def test_hinge_interpolant_equals_numpy_interp_at_and_between_knots(knots, name):
    f = uat.TARGETS[name]
    params = uat.hinge_interpolant(f, knots)
    mids = (knots[1:] + knots[:-1]) / 2
    x = np.sort(np.concatenate([knots, mids, np.linspace(-1, 1, 257)]))
    expected = np.interp(x, knots, f(knots))  # independent: numpy's linear interpolation
    np.testing.assert_allclose(uat.evaluate(params, x), expected, atol=1e-9 * (1 + np.abs(params.c).sum()))
    assert len(params.W) == len(knots) - 1
    np.testing.assert_array_equal(params.W, 1.0)


def test_hand_example_square_at_three_knots():
    # x² through (-1, 1), (0, 0), (1, 1): slopes -1 then +1, so c = [-1, 2], b2 = 1.
    W, b, c, b2 = uat.hinge_interpolant(uat.square_target, [-1.0, 0.0, 1.0])
    np.testing.assert_allclose(b, [-1.0, 0.0])
    np.testing.assert_allclose(c, [-1.0, 2.0])
    assert b2 == 1.0
    # f̂(0.5) = 1 − relu(1.5) + 2 relu(0.5) = 0.5, the chord, while f(0.5) = 0.25
    assert uat.evaluate((W, b, c, b2), [0.5])[0] == pytest.approx(0.5)


def test_hinge_features_are_relu_of_differences():
    H = uat.hinge_features([-1.0, 0.0, 2.0], [0.0, 1.0])
    np.testing.assert_array_equal(H, [[0.0, 0.0], [0.0, 0.0], [2.0, 1.0]])
    rng = np.random.default_rng(0)
    x, k = rng.normal(size=7), rng.normal(size=3)
    loop = np.array([[max(0.0, xi - kj) for kj in k] for xi in x])
    np.testing.assert_allclose(uat.hinge_features(x, k), loop)


def test_output_weights_sum_to_the_last_slope():
    knots, values = np.array([0.0, 1.0, 3.0, 4.0]), np.array([1.0, 3.0, 2.0, 2.0])
    c, b2 = uat.output_weights(knots, values)
    np.testing.assert_allclose(c, [2.0, -2.5, 0.5])  # slopes 2, -0.5, 0
    assert b2 == 1.0 and np.cumsum(c)[-1] == pytest.approx(0.0)


def test_evaluate_matches_torch_sequential():
    rng = np.random.default_rng(1)
    m = 7
    params = uat.Params(rng.normal(size=m), rng.normal(size=m), rng.normal(size=m), float(rng.normal()))
    net = torch.nn.Sequential(torch.nn.Linear(1, m), torch.nn.ReLU(), torch.nn.Linear(m, 1)).double()
    with torch.no_grad():
        net[0].weight.copy_(torch.tensor(params.W)[:, None])
        net[0].bias.copy_(-torch.tensor(params.b))  # the unit computes relu(W x − b)
        net[2].weight.copy_(torch.tensor(params.c)[None, :])
        net[2].bias.fill_(params.b2)
        x = rng.uniform(-3, 3, 50)
        expected = net(torch.tensor(x)[:, None])[:, 0].numpy()
    np.testing.assert_allclose(uat.evaluate(params, x), expected, rtol=1e-12, atol=1e-12)
    assert uat.evaluate(params, x).dtype == np.float64


def test_unit_knots_are_where_the_preactivation_vanishes():
    params = uat.Params(np.array([2.0, -0.5, 0.0]), np.array([1.0, 1.0, 3.0]), np.ones(3), 0.0)
    k = uat.unit_knots(params)
    np.testing.assert_allclose(k[:2], [0.5, -2.0])
    np.testing.assert_allclose(params.W[:2] * k[:2] - params.b[:2], 0.0)
    assert np.isnan(k[2])  # W = 0: a constant unit has no knot


# --------------------------------------------------------------------------- errors vs theory
@pytest.mark.parametrize("m", [1, 2, 5, 16, 33])
def test_square_error_is_exactly_h_squared_over_4(m):
    # on an interval of width h the chord of x² exceeds x² by at most h²/4 (at the midpoint)
    params = uat.hinge_interpolant(uat.square_target, np.linspace(-1, 1, m + 1))
    h = 2 / m
    assert uat.max_error(uat.square_target, params) == pytest.approx(h**2 / 4, rel=1e-9)


@settings(max_examples=40, deadline=None)
@given(knots=knot_sets(), name=st.sampled_from(sorted(SMOOTH)))
def test_error_obeys_the_interpolation_bound(knots, name):
    # |f − interpolant| <= h_max² · max|f''| / 8 on any knots (Taylor with remainder)
    f = uat.TARGETS[name]
    bound = np.max(np.diff(knots)) ** 2 * SMOOTH[name] / 8
    assert uat.max_error(f, uat.hinge_interpolant(f, knots)) <= bound * (1 + 1e-9) + 1e-12


@pytest.mark.parametrize("name,placement", [("sin", "uniform"), ("square", "uniform"),
                                            ("bump", "adaptive"), ("sin", "adaptive")])
def test_loglog_slope_is_minus_two_for_smooth_targets(name, placement):
    f = uat.TARGETS[name]
    units = np.array([5, 9, 17, 33, 65, 129])
    errors = [uat.max_error(f, uat.hinge_interpolant(f, uat.place_knots(placement, f, -1, 1, m + 1)))
              for m in units]
    assert -2.2 <= uat.loglog_slope(units, errors) <= -1.8


@pytest.mark.parametrize("m", [1, 3, 5, 17, 65])
def test_abs_error_is_h_over_2_when_zero_is_mid_interval(m):
    # odd m: 0 is the midpoint of the middle interval [−h/2, h/2]; the chord there is h/2
    params = uat.hinge_interpolant(uat.abs_target, np.linspace(-1, 1, m + 1))
    assert uat.max_error(uat.abs_target, params) == pytest.approx(1 / m, rel=1e-9)


@settings(max_examples=40, deadline=None)
@given(knots=knot_sets())
def test_abs_error_is_2ab_over_a_plus_b_and_zero_with_a_knot_at_0(knots):
    # knots x_i = −a < 0 < b = x_{i+1}: the chord at 0 is 2ab/(a + b), the whole error of |x|
    err = uat.max_error(uat.abs_target, uat.hinge_interpolant(uat.abs_target, knots))
    i = np.searchsorted(knots, 0.0)
    if knots[i] == 0.0:
        assert err < 1e-12
    else:
        a, b = -knots[i - 1], knots[i]
        assert err == pytest.approx(2 * a * b / (a + b), rel=1e-9, abs=1e-12)


def test_abs_slope_is_minus_one():
    units = np.array([3, 5, 9, 17, 33, 65])
    errors = [uat.max_error(uat.abs_target, uat.hinge_interpolant(uat.abs_target, np.linspace(-1, 1, m + 1)))
              for m in units]
    assert uat.loglog_slope(units, errors) == pytest.approx(-1.0, abs=1e-6)


@pytest.mark.parametrize("placement", sorted(uat.PLACEMENTS))
@pytest.mark.parametrize("m", [1, 8, 64])
def test_step_error_never_falls_below_one_half(placement, m):
    # a continuous function cannot come closer than 1/2 to a jump of height 1
    f = uat.step_target
    params = uat.hinge_interpolant(f, uat.place_knots(placement, f, -1, 1, m + 1))
    assert uat.max_error(f, params) >= 0.5 - 1e-9


def test_loglog_slope_recovers_a_power_law():
    units = np.array([2.0, 4.0, 8.0, 16.0])
    assert uat.loglog_slope(units, 3 * units**-1.5) == pytest.approx(-1.5)


# --------------------------------------------------------------------------- extrapolation
def _second_differences(y):
    return y[2:] - 2 * y[1:-1] + y[:-2]


@settings(max_examples=30, deadline=None)
@given(knots=knot_sets(), name=st.sampled_from(sorted(uat.TARGETS)))
def test_interpolant_is_affine_outside_the_knots(knots, name):
    f = uat.TARGETS[name]
    params = uat.hinge_interpolant(f, knots)
    left, right = np.linspace(-5, knots[0], 50), np.linspace(knots[-1], 5, 50)
    scale = 1 + np.abs(params.c).sum()
    for side in (left, right):
        assert np.all(np.abs(_second_differences(uat.evaluate(params, side))) < 1e-9 * scale * 5)
    np.testing.assert_allclose(uat.evaluate(params, left), f(knots[:1])[0], atol=1e-9 * scale)
    last_slope = (f(knots[-1:]) - f(knots[-2:-1]))[0] / (knots[-1] - knots[-2])
    np.testing.assert_allclose(np.diff(uat.evaluate(params, right)) / np.diff(right), last_slope,
                               rtol=1e-6, atol=1e-6 * scale)


def test_trained_net_is_affine_beyond_its_outermost_knot():
    params, _ = uat.train_shallow(uat.sin_target, 16, steps=200)
    k = uat.unit_knots(params)
    k = k[np.isfinite(k)]
    for side in (np.linspace(k.max(), k.max() + 10, 80), np.linspace(k.min() - 10, k.min(), 80)):
        y = uat.evaluate(params, side)
        assert np.max(np.abs(_second_differences(y))) < 1e-9 * (1 + np.max(np.abs(y)))


# --------------------------------------------------------------------------- training
def test_train_shallow_reduces_the_loss_and_is_deterministic():
    state = torch.random.get_rng_state()
    threads = torch.get_num_threads()
    p1, losses = uat.train_shallow(uat.bump_target, 8, steps=300, seed=3)
    p2, losses2 = uat.train_shallow(uat.bump_target, 8, steps=300, seed=3)
    p3, _ = uat.train_shallow(uat.bump_target, 8, steps=300, seed=4)
    assert losses.shape == (300,) and losses[-1] < losses[0] / 5
    for a, b in zip(p1, p2):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(losses, losses2)
    assert not np.array_equal(p1.b, p3.b)
    assert torch.equal(torch.random.get_rng_state(), state)  # the global RNG is untouched
    assert torch.get_num_threads() == threads
    assert all(a.shape == (8,) and a.dtype == np.float64 for a in p1[:3]) and isinstance(p1.b2, float)


def test_train_shallow_params_reproduce_its_loss():
    # the returned float64 params, evaluated in numpy, give (about) the last recorded loss
    params, losses = uat.train_shallow(uat.square_target, 4, steps=200, n_points=64)
    x = np.linspace(-1, 1, 64)
    mse = np.mean((uat.evaluate(params, x) - x**2) ** 2)
    assert mse <= losses[-1] * 1.5 + 1e-7


def test_training_error_shrinks_with_width():
    errs = [uat.max_error(uat.sin_target, uat.train_shallow(uat.sin_target, w, steps=600)[0])
            for w in (2, 32)]
    assert errs[1] < errs[0] / 5


# --------------------------------------------------------------------------- knot placements
@pytest.mark.parametrize("placement", sorted(uat.PLACEMENTS))
@pytest.mark.parametrize("name", sorted(uat.TARGETS))
@pytest.mark.parametrize("n", [2, 3, 65])
def test_placements_give_sorted_distinct_knots_spanning_the_interval(placement, name, n):
    k = uat.place_knots(placement, uat.TARGETS[name], -1, 1, n, seed=5)
    assert k.shape == (n,) and k[0] == -1 and k[-1] == 1 and np.all(np.diff(k) > 0)


def test_random_knots_depend_only_on_the_seed():
    a = uat.random_knots(None, -1, 1, 10, seed=2)
    np.testing.assert_array_equal(a, uat.random_knots(None, -1, 1, 10, seed=2))
    assert not np.array_equal(a, uat.random_knots(None, -1, 1, 10, seed=3))


def test_adaptive_knots_follow_the_curvature():
    # constant f'' (x²) or none (a line): equidistributing gives the uniform knots
    np.testing.assert_allclose(uat.adaptive_knots(uat.square_target, -1, 1, 9), np.linspace(-1, 1, 9), atol=1e-3)
    np.testing.assert_allclose(uat.adaptive_knots(lambda x: 3 * x, -1, 1, 9), np.linspace(-1, 1, 9), atol=1e-12)
    # the bump's curvature lives in |x| < 0.5: more knots there, and a smaller error
    k = uat.adaptive_knots(uat.bump_target, -1, 1, 17)
    assert np.sum(np.abs(k) < 0.5) > np.sum(np.abs(np.linspace(-1, 1, 17)) < 0.5)
    err = {p: uat.max_error(uat.bump_target, uat.hinge_interpolant(uat.bump_target, uat.place_knots(p, uat.bump_target, -1, 1, 17)))
           for p in ("uniform", "adaptive")}
    assert err["adaptive"] < err["uniform"] / 2


# --------------------------------------------------------------------------- bad inputs
@pytest.mark.parametrize("knots,match", [
    ([0.0], "knots must have at least 2"), ([], "knots must have at least 2"),
    ([0.0, 1.0, 0.5], "strictly increasing"), ([0.0, 1.0, 1.0], "strictly increasing"),
    ([0.0, np.nan], "finite"), ([0.0, np.inf], "finite"), ([[0.0, 1.0]], "knots must be 1-dimensional"),
])
def test_hinge_interpolant_rejects_bad_knots(knots, match):
    with pytest.raises(ValueError, match=match):
        uat.hinge_interpolant(np.sin, knots)


def test_bad_functions_and_values():
    with pytest.raises(TypeError, match="f must be a function, got str"):
        uat.hinge_interpolant("sin", [0.0, 1.0])
    with pytest.raises(ValueError, match=r"f\(x\) must be finite"):
        uat.hinge_interpolant(np.log, [0.0, 1.0])
    with pytest.raises(ValueError, match=r"f\(x\) must have the shape"):
        uat.hinge_interpolant(lambda x: 1.0, [0.0, 1.0])
    with pytest.raises(TypeError, match="f must be a function"):
        uat.max_error(None, uat.abs_net(0.0))
    with pytest.raises(TypeError, match="f must be a function"):
        uat.train_shallow(3, 4)
    with pytest.raises((TypeError, ValueError), match="knots must"):
        uat.hinge_features([0.0], ["a", object()])
    with pytest.raises(TypeError, match=r"f\(x\) must return numbers"):
        uat.hinge_interpolant(lambda x: ["a"] * len(x), [0.0, 1.0])


@pytest.mark.parametrize("name", sorted(uat.TARGETS))
def test_targets_name_x_when_it_is_not_numbers(name):
    f = uat.TARGETS[name]
    for bad in (None, print, [None, "x"], np.array(["a"], dtype=object)):
        with pytest.raises((TypeError, ValueError), match=r"^x must"):
            f(bad)
    np.testing.assert_allclose(f([0.5, -0.25]), f(np.array([0.5, -0.25])))  # lists still work


def test_abs_net_target_values_and_update_playground_name_the_bad_argument():
    with pytest.raises(TypeError, match="a must be a real number"):
        uat.abs_net(None)
    with pytest.raises(TypeError, match="name must be a string"):
        uat.target_values(np.sin, np.zeros(3), name=0)
    with pytest.raises(ValueError, match="x must be 1-dimensional"):
        uat.target_values(np.sin, np.zeros((2, 2)))
    state = uat.playground_state("sin", 4)
    art = uat.draw_playground(Figure(), state)
    with pytest.raises(TypeError, match="art must be a dict"):
        uat.update_playground(None, state)
    with pytest.raises(ValueError, match="state must be a dict .* lacks the keys"):
        uat.update_playground(art, {})
    with pytest.raises(TypeError, match="state must be a dict"):
        uat.draw_playground(Figure(), [1, 2])


def test_scalar_only_targets_are_called_point_by_point():
    # math.sin accepts one number only: it is vectorised, and agrees with np.sin
    knots = np.linspace(-1, 1, 9)
    a = uat.hinge_interpolant(math.sin, knots)
    np.testing.assert_allclose(a.c, uat.hinge_interpolant(np.sin, knots).c, rtol=1e-12)
    assert uat.max_error(math.sin, a) == pytest.approx(uat.max_error(np.sin, a), rel=1e-12)
    assert uat.place_knots("adaptive", math.sin, -1, 1, 5).shape == (5,)
    with pytest.raises(TypeError, match="must map an array"):
        uat.hinge_interpolant(lambda x: {}[x], [0.0, 1.0])  # fails on arrays and on numbers


@pytest.mark.parametrize("params,match", [
    ((np.ones(2), np.ones(3), np.ones(2), 0.0), "same shape"),
    ((np.ones(2), np.ones(2), np.ones(2)), "params must be a tuple"),
    (5, "params must be a tuple"),
    ((np.ones(2), np.ones(2), np.ones(2), [1.0, 2.0]), "params.b2"),
    ((np.ones(2), np.ones(2), np.array([1.0, np.nan]), 0.0), "params.c must contain only finite"),
])
def test_evaluate_rejects_bad_params(params, match):
    with pytest.raises((ValueError, TypeError), match=match):
        uat.evaluate(params, np.zeros(3))


def test_evaluate_output_weights_and_ranges_reject_bad_input():
    p = uat.abs_net(0.0)
    with pytest.raises(ValueError, match=r"x must be 1-dimensional"):
        uat.evaluate(p, np.zeros((2, 2)))
    with pytest.raises(ValueError, match="x must contain only finite"):
        uat.evaluate(p, [np.inf])
    with pytest.raises(ValueError, match="values must have the shape of knots"):
        uat.output_weights([0.0, 1.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="lo and hi"):
        uat.max_error(np.sin, p, 1.0, -1.0)
    with pytest.raises(ValueError, match="n must be >= 2, got 1"):
        uat.max_error(np.sin, p, n=1)
    with pytest.raises(TypeError, match="n must be an integer, got float"):
        uat.max_error(np.sin, p, n=100.0)
    with pytest.raises(TypeError, match="lo must be a real number, got str"):
        uat.max_error(np.sin, p, "a", 1.0)
    with pytest.raises(ValueError, match="errors must be > 0|units and errors"):
        uat.loglog_slope([1, 2], [0.0, 1.0])
    with pytest.raises(ValueError, match="placement must be one of"):
        uat.place_knots("chebyshev", np.sin, -1, 1, 5)
    with pytest.raises(ValueError, match="n must be >= 2"):
        uat.place_knots("uniform", np.sin, -1, 1, 1)
    with pytest.raises(ValueError, match="uniform_share must be > 0"):
        uat.adaptive_knots(np.sin, -1, 1, 5, uniform_share=0.0)
    with pytest.raises(TypeError, match="uniform_share must be a real number, got str"):
        uat.adaptive_knots(np.sin, -1, 1, 5, uniform_share="a")
    with pytest.raises(TypeError, match="f must be a function"):
        uat.place_knots("uniform", "sin", -1, 1, 5)
    with pytest.raises(TypeError, match="fig must be a matplotlib Figure"):
        uat.draw_playground("fig", uat.playground_state("sin", 4))


@pytest.mark.parametrize("kwargs,match", [
    (dict(width=0), "width must be >= 1"), (dict(width=4, steps=0), "steps"),
    (dict(width=4, lr=-1.0), "lr must be > 0"), (dict(width=4, lr=np.nan), "lr must be a finite"),
    (dict(width=4, lo=1.0, hi=0.0), "lo and hi"), (dict(width=4, seed=-1), "seed must be >= 0"),
])
def test_train_shallow_rejects_bad_settings(kwargs, match):
    with pytest.raises(ValueError, match=match):
        uat.train_shallow(np.sin, **kwargs)


@pytest.mark.parametrize("kwargs,match", [
    (dict(width=2.5), "width must be an integer, got float"), (dict(width=True), "width must be an integer"),
    (dict(width=4, lr="0.1"), "lr must be a real number, got str"),
])
def test_train_shallow_rejects_wrong_types(kwargs, match):
    with pytest.raises(TypeError, match=match):
        uat.train_shallow(np.sin, **kwargs)


def test_numpy_scalars_are_accepted_like_python_numbers():
    a, la = uat.train_shallow(np.sin, np.int64(4), steps=np.int64(20), lr=np.float32(0.01), seed=np.int64(1))
    b, lb = uat.train_shallow(np.sin, 4, steps=20, lr=0.01, seed=1)
    np.testing.assert_allclose(la, lb, rtol=1e-6)  # np.float32(0.01) is 0.01 to float32 precision
    assert uat.max_error(np.sin, a, np.float32(-1), np.float64(1), n=np.int32(101)) > 0
    k = uat.adaptive_knots(np.sin, -1, 1, np.int64(5), uniform_share=np.float32(0.5))
    assert k.shape == (5,)


def test_playground_state_rejects_unknown_target_and_bad_units():
    with pytest.raises(ValueError, match="target must be one of"):
        uat.playground_state("cos")
    with pytest.raises(ValueError, match="units must be <= 64"):
        uat.playground_state("sin", units=65)
    with pytest.raises(ValueError, match="placement must be one of"):
        uat.playground_state("sin", placement="chebyshev")
    with pytest.raises(ValueError, match="shown must be >= 0"):
        uat.playground_state("sin", shown=-1)
    with pytest.raises(TypeError, match="units must be an integer"):
        uat.playground_state("sin", units=8.0)


# --------------------------------------------------------------------------- exercises
def _stub(*args):
    raise NotImplementedError


def test_hinge_features_check_is_real():
    ex = uat.HINGE_FEATURES
    assert ex.run(uat.hinge_features).status == checks.PASS
    assert ex.run(_stub).status == checks.NOT_IMPLEMENTED
    assert ex.run(lambda x, k: np.maximum(0, np.asarray(k)[None, :] - np.asarray(x)[:, None])).status == checks.FAIL
    assert ex.run(lambda x, k: np.maximum(0, np.asarray(x)[None, :] - np.asarray(k)[:, None])).status == checks.FAIL
    assert ex.run(lambda x, k: np.asarray(x)[:, None] - np.asarray(k)[None, :]).status == checks.FAIL  # no relu


def test_output_weights_check_is_real():
    ex = uat.OUTPUT_WEIGHTS
    assert ex.run(uat.output_weights).status == checks.PASS
    assert ex.run(_stub).status == checks.NOT_IMPLEMENTED

    def slopes_not_changes(k, v):
        return np.diff(v) / np.diff(k), float(v[0])

    def forgot_b2(k, v):
        return uat.output_weights(k, v)[0], 0.0

    def dropped_first_slope(k, v):
        s = np.diff(v) / np.diff(k)
        return np.concatenate([[0.0], np.diff(s)]), float(v[0])

    for wrong in (slopes_not_changes, forgot_b2, dropped_first_slope):
        assert ex.run(wrong).status == checks.FAIL, wrong.__name__


def test_abs_net_check_tests_the_function_not_the_parameters():
    ex = uat.ABS_NET
    assert ex.run(uat.abs_net).status == checks.PASS
    assert ex.run(_stub).status == checks.NOT_IMPLEMENTED
    # other correct constructions pass: rescaled units, an extra dead unit, lists
    assert ex.run(lambda a: ([2.0, -2.0], [2 * a, -2 * a], [0.5, 0.5], 0.0)).status == checks.PASS
    assert ex.run(lambda a: uat.Params(np.array([1.0, -1.0, 0.0]), np.array([a, -a, 1.0]),
                                       np.array([1.0, 1.0, 7.0]), 0.0)).status == checks.PASS
    # plausible wrong answers: the bias sign of the left unit, only one hinge, |x| + a
    assert ex.run(lambda a: ([1.0, -1.0], [a, a], [1.0, 1.0], 0.0)).status == checks.FAIL
    assert ex.run(lambda a: ([1.0], [a], [1.0], 0.0)).status == checks.FAIL
    assert ex.run(lambda a: ([1.0, -1.0], [0.0, 0.0], [1.0, 1.0], a)).status == checks.FAIL
    assert ex.run(lambda a: "not params").status == checks.FAIL
    # right near a but not "for every x": the interpolant on wide knots, flat left of -10
    far = ex.run(lambda a: uat.hinge_interpolant(lambda x: np.abs(x - a), np.linspace(-10, 10, 41)))
    assert far.status == checks.FAIL
    # the same with knots out to ±1000 still fails: the check looks at |x| up to 1e6
    assert ex.run(lambda a: uat.hinge_interpolant(lambda x: np.abs(x - a), np.array([-1e3, a, 1e3]))).status == checks.FAIL
    # the failure never shows the reference answer, and the hint gives no formula
    wrong = ex.run(lambda a: ([1.0, -1.0], [a, a], [1.0, 1.0], 0.0))
    assert wrong.status == checks.FAIL and "expected" not in wrong.message
    assert "-0.5" not in wrong.message and "relu(a − x)" not in ex.hint and "relu(x − a)" not in ex.hint
    cheat = ex.run(lambda a: uat.abs_net(a))
    assert cheat.status == checks.FAIL and "write it yourself" in cheat.message


def test_helpers_are_off_limits_in_their_own_exercises():
    from helpers.uat import core
    for ex, cheat in [(uat.HINGE_FEATURES, lambda x, k: uat.hinge_features(x, k)),
                      (uat.HINGE_FEATURES, lambda x, k: core.hinge_features(x, k)),
                      (uat.OUTPUT_WEIGHTS, lambda k, v: uat.output_weights(k, v)),
                      (uat.OUTPUT_WEIGHTS, lambda k, v: uat.hinge_interpolant(lambda t: np.interp(t, k, v), k)[2:])]:
        result = ex.run(cheat)
        assert result.status == checks.FAIL and "write it yourself" in result.message
    assert uat.hinge_features is core.hinge_features  # restored after the check


def test_output_weights_check_rejects_an_int_buffer_and_a_missing_b2():
    def int_buffer(k, v):
        s = np.diff(v) / np.diff(k)
        c = np.zeros(len(s), dtype=int)
        c[0], c[1:] = s[0], np.diff(s)
        return c, float(v[0])

    assert uat.OUTPUT_WEIGHTS.run(int_buffer).status == checks.FAIL


# --------------------------------------------------------------------------- widget
@pytest.mark.parametrize("placement", sorted(uat.PLACEMENTS))
@pytest.mark.parametrize("target", sorted(uat.TARGETS))
@pytest.mark.parametrize("units", [1, uat.MAX_UNITS])
def test_playground_state_at_the_extremes(target, placement, units):
    for shown in (0, 1, units):
        s = uat.playground_state(target, units, placement, shown=shown, seed=7)
        assert not s["diverged"] and s["hinges"].shape == (units, len(s["x"]))
        inside = (s["x"] >= -1) & (s["x"] <= 1)
        f = uat.TARGETS[target]
        np.testing.assert_allclose(s["fhat"][inside], np.interp(s["x"][inside], s["knots"], f(s["knots"])),
                                   atol=1e-8 * (1 + np.abs(s["hinges"]).max()))
        assert 0 <= s["error"] < 2 and f"{units} units" in s["title"]
    np.testing.assert_allclose(uat.playground_state(target, units, placement, shown=0)["partial"],
                               f(s["knots"][:1])[0])


def test_playground_widget_updates_at_every_extreme():
    w = uat.playground()
    c = w.controls
    try:
        for target in uat.TARGETS:
            for placement in uat.PLACEMENTS:
                for units in (1, uat.MAX_UNITS):
                    c["target"].value, c["placement"].value, c["units"].value = target, placement, units
                    assert c["shown"].max == units and c["shown"].value == units
                    w.update()
                    assert uat.TARGET_LABELS[target] in w.artists["top"].get_title()
                    c["shown"].value = 0
                    w.update()
                    assert not w.artists["last"].get_visible()
        c["reseed"].click()
        w.canvas.draw()
        assert not w.artists["banner"].get_visible()
    finally:
        w.artists["fig"].clear()


def test_draw_playground_on_a_plain_figure():
    fig = Figure()
    art = uat.draw_playground(fig, uat.playground_state("bump", 5, "adaptive", shown=2))
    segments = art["hinges"].get_segments()  # one polyline per hinge shown
    assert len(segments) == 2
    # independent: hinge 1 is (s_1 − s_0)·relu(x − x_1), slopes of the chords through the knots
    k = uat.adaptive_knots(uat.bump_target, -1, 1, 6)
    s = np.diff(uat.bump_target(k)) / np.diff(k)
    x = segments[1][:, 0]
    np.testing.assert_allclose(segments[1][:, 1], (s[1] - s[0]) * np.maximum(0.0, x - k[1]), atol=1e-12)
    FigureCanvasAgg(fig).draw()
    assert matplotlib.colors.to_hex(art["fhat"].get_color()) == plotting.PALETTE["blue"].lower()


def test_playground_computes_one_net_per_move_and_none_for_k(monkeypatch):
    w = uat.playground()
    calls = []
    module = importlib.import_module("helpers.uat.interactive")  # the widget's module
    real = module._net_state
    monkeypatch.setattr(module, "_net_state", lambda *a: calls.append(a) or real(*a))
    w.controls["units"].value = 20  # one new net, drawn once, with k reset to show all 20 hinges
    assert len(calls) == 1 and w.state()["shown"] == 20
    w.controls["shown"].value = 3  # k alone re-sums the hinges of the same net
    assert len(calls) == 1 and w.state()["shown"] == 3
    # independent: b2 + the first 3 hinges = the broken line through the first 4 knots of sin,
    # constant f(x_0) on the left and continuing with the third chord's slope on the right
    x, k = w.state()["x"], np.linspace(-1, 1, 21)
    v = np.sin(np.pi * k[:4])
    expected = np.where(x <= k[3], np.interp(x, k[:4], v), v[3] + (v[3] - v[2]) / (k[3] - k[2]) * (x - k[3]))
    np.testing.assert_allclose(w.state()["partial"], expected, atol=1e-12)
    w.artists["fig"].clear()


def test_update_playground_shows_a_banner_instead_of_raising_on_nan():
    fig = Figure()
    state = uat.playground_state("sin", 4)
    art = uat.draw_playground(fig, state)
    bad = dict(state, fhat=np.full_like(state["fhat"], np.nan), hinges=np.full_like(state["hinges"], np.inf),
               partial=np.full_like(state["partial"], np.nan), diverged=True)
    uat.update_playground(art, bad)
    FigureCanvasAgg(fig).draw()
    assert art["banner"].get_visible()
    uat.update_playground(art, state)
    assert not art["banner"].get_visible()


# --------------------------------------------------------------------------- claims of the notebook
def _err(f, m):
    return uat.max_error(f, uat.hinge_interpolant(f, np.linspace(-1, 1, m + 1)))


def test_from_one_to_64_units_the_error_falls_by_64_squared_only_for_x_squared():
    # x²: error h²/4 exactly, 1 → 1/4096; sin: 1 (the chord at m = 1 is 0) → π²h²/8 (h = 1/32)
    assert _err(uat.square_target, 1) == pytest.approx(1.0)
    assert _err(uat.square_target, 1) / _err(uat.square_target, 64) == pytest.approx(4096, rel=1e-3)
    e64 = _err(uat.sin_target, 64)
    assert e64 == pytest.approx(np.pi**2 / 32**2 / 8, rel=2e-3)  # the h²·max|f''|/8 bound, attained at x = ±1/2
    assert _err(uat.sin_target, 1) / e64 == pytest.approx(830, rel=0.01)
    assert _err(uat.abs_target, 64) < 1e-12  # m even: a knot at the kink
    # the step: 1/2 at m = 1 (the chord misses the jump by 1/2), about 1 at m = 64 (knot at 0)
    assert _err(uat.step_target, 1) == pytest.approx(0.5)
    assert _err(uat.step_target, 64) == pytest.approx(1.0, abs=1e-6)
    assert _err(uat.step_target, 63) == pytest.approx(0.5, abs=1e-6)  # odd m: no knot at 0
    ramp_left = np.linspace(-1 / 32, 0, 5)[:-1]  # the last interval before the knot at 0
    net = uat.hinge_interpolant(uat.step_target, np.linspace(-1, 1, 65))
    np.testing.assert_allclose(uat.evaluate(net, ramp_left), 32 * (ramp_left + 1 / 32), atol=1e-9)


OMEGA = {  # continuous targets with their modulus of continuity on [-1, 1], from calculus
    "abs": (np.abs, lambda h: h),
    "root": (lambda x: np.sqrt(np.abs(x)), np.sqrt),
    "sin": (lambda x: np.sin(np.pi * x), lambda h: 2 * np.sin(np.pi * min(h, 1.0) / 2)),
}


@pytest.mark.parametrize("name", sorted(OMEGA))
@pytest.mark.parametrize("h", [0.5, 0.1, 0.01])
def test_modulus_of_continuity_against_calculus(name, h):
    f, omega = OMEGA[name]
    est = uat.modulus_of_continuity(f, h)
    assert est <= omega(h) * (1 + 1e-9)  # a sampled sup can only be smaller
    assert est >= omega(h) * 0.95  # 2001 samples: close
    assert uat.modulus_of_continuity(uat.step_target, h) == pytest.approx(1.0)  # a jump of 1


@settings(max_examples=40, deadline=None)
@given(knots=knot_sets(), name=st.sampled_from(sorted(OMEGA)))
def test_error_of_any_continuous_target_is_at_most_omega_of_the_largest_gap(knots, name):
    f, omega = OMEGA[name]
    h = float(np.max(np.diff(knots)))
    assert uat.max_error(f, uat.hinge_interpolant(f, knots)) <= omega(h) * (1 + 1e-9) + 1e-12


def test_notebook_numbers_for_root_and_step():
    root = OMEGA["root"][0]
    for m in (8, 64, 512):
        # even m: 0 is a knot; on [0, h] the chord of √x errs most at x = h/4, by √h/4
        assert _err(root, m) == pytest.approx(np.sqrt(2 / m) / 4, rel=1e-3)
        assert _err(uat.step_target, m) == pytest.approx(1.0, abs=1e-6)


def test_train_seeds_runs_each_seed_as_train_shallow_does():
    runs = uat.train_seeds(uat.bump_target, 8, [0, 3], steps=200)
    for seed, (params, losses) in zip([0, 3], runs):
        p, l = uat.train_shallow(uat.bump_target, 8, steps=200, seed=seed)
        np.testing.assert_allclose(losses, l, rtol=1e-4, atol=1e-7)
        for a, b in zip(params[:3], p[:3]):
            np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-5)
    grid = uat.train_grid({"bump": uat.bump_target}, [8], [0, 3], steps=200)
    np.testing.assert_array_equal(grid["bump", 8][1].c, runs[1][0].c)


def test_training_is_worse_than_the_construction_from_64_units_for_every_seed():
    # the notebook's claim, over 5 seeds and in both metrics (max error and MSE)
    xs = np.linspace(-1, 1, 2001)
    metrics = [lambda f, p: uat.max_error(f, p),
               lambda f, p: np.mean((uat.evaluate(p, xs) - f(xs)) ** 2)]
    grid = uat.train_grid({"sin": uat.sin_target, "bump": uat.bump_target}, [8, 16, 64, 256], range(5))
    for name in ("sin", "bump"):
        f = uat.TARGETS[name]
        for metric in metrics:
            gaps = []
            for w in (64, 256):
                built = metric(f, uat.hinge_interpolant(f, np.linspace(-1, 1, w + 1)))
                trained = np.array([metric(f, p) for p in grid[name, w]])
                assert np.all(trained > built), (name, w)
                gaps.append(np.median(trained) / built)
            assert gaps[1] > 2 * gaps[0]  # the gap grows with the width
    for metric in metrics:  # small widths: training beats uniform knots on the bump
        for w in (8, 16):
            built = metric(uat.bump_target, uat.hinge_interpolant(uat.bump_target, np.linspace(-1, 1, w + 1)))
            assert all(metric(uat.bump_target, p) < built for p in grid["bump", w])


def test_highlighted_hinge_has_a_non_zero_weight():
    s = uat.playground_state("sin", units=8, placement="uniform", shown=5)
    assert s["weights"][4] == 0.0 and s["highlight"] == 3  # the hinge at 0 has weight 0 for sin
    assert np.abs(s["hinges"][s["highlight"]]).max() > 0.1
    assert uat.playground_state("sin", units=8, shown=0)["highlight"] is None
    fig = Figure()
    art = uat.draw_playground(fig, s)
    np.testing.assert_allclose(art["last"].get_ydata(), s["hinges"][3])
    for target in uat.TARGETS:
        for shown in range(1, 9):
            st_ = uat.playground_state(target, 8, "uniform", shown=shown)
            if st_["highlight"] is not None:
                assert np.any(st_["hinges"][st_["highlight"]] != 0)
                assert not np.any(st_["weights"][st_["highlight"] + 1:shown])


def _dense_mse(x, y, W, b, c, b2, widths):
    """The per-run MSEs of the nets, computed densely (every unit at every x), for autograd."""
    hidden = torch.relu(x[:, None] * W[..., None, :] - b[..., None, :])  # (..., n, M)
    ends = np.cumsum(widths)
    preds = [(hidden[..., e - w:e] @ c[..., e - w:e, None])[..., 0] + b2[..., g, None]
             for g, (w, e) in enumerate(zip(widths, ends))]
    return torch.stack([torch.mean((p - y) ** 2, -1) for p in preds], -1)  # (..., G)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_prefix_sum_gradients_equal_autograd_on_the_dense_net(seed):
    from helpers.uat.train import _loss_and_grads

    g = torch.Generator().manual_seed(seed)
    widths, n = [1, 3, 8], 64
    x = torch.linspace(-1, 1, n, dtype=torch.float64)
    y = torch.sin(3 * x + seed)
    M = sum(widths)
    W, b, c = (torch.randn(2, M, generator=g, dtype=torch.float64) for _ in range(3))
    W[0, 0] = 0.0; b[0, 0] = -0.5  # W = 0: a constant unit, on
    W[1, 1] = 0.0; b[1, 1] = 0.5  # W = 0: off
    b[0, 2] = W[0, 2] * x[10]  # a knot exactly on a grid point
    b[1, 5] = 5.0 * W[1, 5].abs()  # a knot outside the interval
    b2 = torch.randn(2, len(widths), generator=g, dtype=torch.float64)
    group = torch.repeat_interleave(torch.arange(len(widths)), torch.tensor(widths))
    losses, grads = _loss_and_grads(x, y, W, b, c, b2, group)
    leaves = [t.clone().requires_grad_() for t in (W, b, c, b2)]
    dense = _dense_mse(x, y, *leaves, widths)
    dense.sum().backward()
    np.testing.assert_allclose(losses, dense.detach().numpy(), rtol=1e-12, atol=1e-14)
    for got, leaf in zip(grads, leaves):
        np.testing.assert_allclose(got.numpy(), leaf.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_train_grid_follows_dense_autograd_adam_for_every_run():
    # an independent trainer: the dense net, autograd, torch.optim.Adam, one run at a time
    widths, seeds, steps = [2, 8], [0, 1], 60
    grid = uat.train_grid({"bump": uat.bump_target}, widths, seeds, steps=steps, n_points=64,
                          progress=False)
    xs = np.linspace(-1, 1, 64)
    x, y = torch.tensor(xs), torch.tensor(uat.bump_target(xs))
    for w in widths:
        for i, s in enumerate(seeds):
            W, b, c, b2 = (t.double() for t in uat_train._init(w, -1.0, 1.0, s))
            leaves = [t.clone()[None].requires_grad_() for t in (W, b, c)] + [b2.reshape(1, 1).clone().requires_grad_()]
            opt = torch.optim.Adam(leaves, lr=0.01)
            for _ in range(steps):
                opt.zero_grad()
                _dense_mse(x, y, *leaves, [w]).sum().backward()
                opt.step()
            got = grid["bump", w][i]
            for a, ref in zip(got[:3], leaves[:3]):
                np.testing.assert_allclose(a, ref.detach().numpy()[0], rtol=1e-6, atol=1e-9)
