"""helpers.rnn: the wolf/farmer RNN on every story, Jacobian norms vs explicit products and
theory, the cliff (BPTT vs torch.autograd, surface, clipping), LSTM/GRU cells vs torch, input
validation, exercises proven real, and the playgrounds at slider extremes.
(The memory-task claims, which need training, are in tests/test_rnn_memory.py.)"""

import itertools

import numpy as np
import pytest
import torch

from helpers import checks, rnn


# ---------------------------------------------------------------- the wolf and the farmer
def _stories(max_len):
    """Every story of length 1..max_len: each step is (wolf seen, farmer seen) in {0, 1}²."""
    for T in range(1, max_len + 1):
        for steps in itertools.product([(0, 0), (1, 0), (0, 1), (1, 1)], repeat=T):
            yield np.array(steps, dtype=float)


def _danger_by_hand(xs):
    """Independent rule: danger at t iff the wolf's first sighting t_w <= t and the farmer's
    first sighting t_f (infinity if never, or after t) is later than t_w."""
    out = []
    for t in range(len(xs)):
        seen_w = [s for s in range(t + 1) if xs[s, 0]]
        seen_f = [s for s in range(t + 1) if xs[s, 1]]
        out.append(float(bool(seen_w) and (not seen_f or seen_f[0] > seen_w[0])))
    return np.array(out)


def test_wolf_farmer_rnn_signals_danger_exactly_on_the_intended_stories():
    params = rnn.wolf_farmer_rnn()
    n = 0
    for xs in _stories(6):                      # 5,460 stories, every step of each checked
        _, ys = rnn.run_rnn(params, xs)
        expected = _danger_by_hand(xs)
        assert np.array_equal(ys[:, 0], expected), xs
        assert np.array_equal(rnn.danger_rule(xs), expected)
        n += 1
    assert n == sum(4**T for T in range(1, 7))


def test_wolf_farmer_state_reads_as_documented():
    params = rnn.wolf_farmer_rnn()
    xs = np.array([[0, 0], [1, 0], [0, 0], [0, 1], [0, 0]], dtype=float)  # wolf at 1, farmer at 3
    hs, ys = rnn.run_rnn(params, xs)
    np.testing.assert_array_equal(hs[:, 0], [0, 1, 1, 1, 1])      # wolf arrived
    np.testing.assert_array_equal(hs[:, 1], [0, 0, 0, 1, 1])      # farmer arrived
    np.testing.assert_array_equal(hs[:, 2], [0, 0, 1, 2, 3])      # steps since wolf
    np.testing.assert_array_equal(hs[:, 3], [0, 0, 0, 0, 1])      # steps since farmer
    np.testing.assert_array_equal(ys[:, 0], [0, 1, 1, 1, 1])      # wolf first: danger stays
    _, ys = rnn.run_rnn(params, xs[:, ::-1])                      # farmer first: never danger
    np.testing.assert_array_equal(ys[:, 0], 0)


def test_run_rnn_matches_torch_rnn():
    rng = np.random.default_rng(0)
    cell = torch.nn.RNN(3, 5, dtype=torch.float64)
    U, W = cell.weight_hh_l0.detach().numpy(), cell.weight_ih_l0.detach().numpy()
    b = (cell.bias_ih_l0 + cell.bias_hh_l0).detach().numpy()
    xs = rng.normal(size=(7, 3))
    hs, ys = rnn.run_rnn({"U": U, "W": W, "b": b, "V": np.eye(5), "psi": "tanh"}, xs)
    ref, _ = cell(torch.tensor(xs)[:, None])
    np.testing.assert_allclose(hs, ref[:, 0].detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(ys, hs)


# ---------------------------------------------------------------- Jacobian products
def _unrolled_jacobian(U, h0, xs, k, nonlinearity):
    """∂h(T)/∂h(T-k) by torch.autograd on the unrolled map h(T-k) -> h(T)."""
    U, xs = torch.tensor(U), torch.tensor(xs)
    psi = torch.tanh if nonlinearity == "tanh" else (lambda a: a)
    h = torch.tensor(h0)
    T = len(xs)
    for t in range(T - k):
        h = psi(U @ h + xs[t])

    def tail(h):
        for t in range(T - k, T):
            h = psi(U @ h + xs[t])
        return h
    return torch.autograd.functional.jacobian(tail, h).numpy()


@pytest.mark.parametrize("nonlinearity", rnn.NONLINEARITIES)
@pytest.mark.parametrize("radius, scale", [(0.8, 0.5), (1.0, 1.0), (1.2, 2.0)])
def test_jacobian_norms_match_explicit_products_and_autograd(nonlinearity, radius, scale):
    rng = np.random.default_rng(int(radius * 10))
    n, T = 6, 12
    U = rnn.recurrent_matrix(n, radius, seed=1, kind="gaussian")
    h0, xs = rng.normal(size=n), rng.normal(size=(T, n)) * scale
    norms = rnn.jacobian_norms(U, h0, xs, nonlinearity)
    J = rnn.step_jacobians(U, h0, xs, nonlinearity)
    assert norms.shape == (T + 1,) and norms[0] == 1.0
    for k in range(1, T + 1):
        product = np.linalg.multi_dot([np.eye(n)] + [J[T - 1 - j] for j in range(k)])
        auto = _unrolled_jacobian(U, h0, xs, k, nonlinearity)
        np.testing.assert_allclose(product, auto, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(norms[k], np.linalg.svd(auto, compute_uv=False)[0], rtol=1e-10)


@pytest.mark.parametrize("radius", [0.8, 1.0, 1.2])
def test_linear_rnn_with_orthogonal_U_has_norm_radius_to_the_k(radius):
    """Decay (0.8), transport (1.0), explosion (1.2): exactly ρ^k when U = ρ·Q."""
    view = rnn.jacobian_view(radius, 1.0, "linear")
    np.testing.assert_allclose(view["norms"], radius ** view["k"], rtol=1e-9)


def test_tanh_regimes_as_the_notebook_states():
    """Small inputs: tanh ≈ linear, the three radii decay / stay / grow over 60 steps.
    Saturating inputs (scale 3): ψ' << 1 and even ρ = 1.2 vanishes."""
    small = {r: rnn.jacobian_view(r, 0.01, "tanh")["norms"][-1] for r in (0.8, 1.0, 1.2)}
    assert small[0.8] < 1e-4 and 0.1 < small[1.0] <= 1.0 and small[1.2] > 10
    for r in (0.8, 1.0, 1.2):
        assert rnn.jacobian_view(r, 3.0, "tanh")["norms"][-1] < 1e-6


def test_recurrent_matrix_has_the_requested_spectral_radius():
    for kind in ("orthogonal", "gaussian"):
        U = rnn.recurrent_matrix(20, 1.3, seed=2, kind=kind)
        assert np.isclose(np.max(np.abs(np.linalg.eigvals(U))), 1.3)
    Q = rnn.recurrent_matrix(8, 1.0)
    np.testing.assert_allclose(Q @ Q.T, np.eye(8), atol=1e-12)


def test_gradient_through_time_is_backprop_of_a_linear_rnn():
    rng = np.random.default_rng(3)
    n, K = 4, 6
    U, W = rng.normal(size=(n, n)), rng.normal(size=(n, 2))
    xs = torch.tensor(rng.normal(size=(K, 2)))
    hs = [torch.tensor(rng.normal(size=n), requires_grad=True)]
    for t in range(K):
        h = torch.tensor(U) @ hs[-1] + torch.tensor(W) @ xs[t]
        h.retain_grad()
        hs.append(h)
    g = rng.normal(size=n)
    (hs[-1] @ torch.tensor(g)).backward()                       # C = g · h(T)
    ours = rnn.gradient_through_time(U, g, K)
    for k in range(K + 1):
        np.testing.assert_allclose(ours[k], hs[K - k].grad.numpy(), atol=1e-12)


# ---------------------------------------------------------------- clipping
def test_clip_by_norm_preserves_direction_and_caps_the_norm():
    rng = np.random.default_rng(4)
    for shape in [(3,), (2, 5), (4, 1, 2)]:
        for scale in (1e-3, 1.0, 1e3, 1e12):
            g = rng.normal(size=shape) * scale
            for threshold in (0.5, 1.0, 10.0):
                out = rnn.clip_by_norm(g, threshold)
                norm = np.linalg.norm(g)
                assert out.shape == g.shape
                assert np.isclose(np.linalg.norm(out), min(norm, threshold), rtol=1e-12)
                cos = np.sum(out * g) / (np.linalg.norm(out) * norm)
                assert np.isclose(cos, 1.0)
                if norm < threshold:
                    np.testing.assert_array_equal(out, g)
    np.testing.assert_array_equal(rnn.clip_by_norm(np.zeros(3), 1.0), np.zeros(3))
    g = np.array([3.0, 4.0])
    rnn.clip_by_norm(g, 1.0)
    np.testing.assert_array_equal(g, [3.0, 4.0])                  # input untouched


def test_clip_by_norm_equals_torch_clip_grad_norm():
    rng = np.random.default_rng(5)
    for _ in range(5):
        g = rng.normal(size=(4, 3)) * 10
        p = torch.nn.Parameter(torch.zeros(4, 3, dtype=torch.float64))
        p.grad = torch.tensor(g)
        torch.nn.utils.clip_grad_norm_([p], 2.0)
        np.testing.assert_allclose(rnn.clip_by_norm(g, 2.0), p.grad.numpy(), rtol=1e-5)


# ---------------------------------------------------------------- the cliff
def _torch_cliff(w, b, T=50, h0=0.5, target=0.7):
    w = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    h = torch.tensor(h0, dtype=torch.float64)
    for _ in range(T):
        h = w * torch.sigmoid(h) + b
    loss = (h - target) ** 2
    loss.backward()
    return loss.item(), w.grad.item(), b.grad.item()




def test_cliff_grad_equals_autograd_on_a_grid_and_at_the_wall():
    points = [(w, b) for w in np.linspace(-3, 12, 7) for b in np.linspace(-9, 3, 7)]
    for w in (5.0, 6.0, 8.0):                        # right at the wall: huge gradients
        b_wall = _wall(w)
        points += [(w, b_wall + d) for d in (-1e-6, -1e-9, -1e-10, 1e-10, 1e-9, 1e-6)]
    big = 0
    for w, b in points:
        loss, gw, gb = _torch_cliff(w, b)
        assert np.isclose(rnn.cliff_loss(w, b), loss, rtol=1e-8, atol=1e-12)
        ours = rnn.cliff_grad(w, b)
        np.testing.assert_allclose(ours, (gw, gb), rtol=1e-8, atol=1e-9)
        big += np.hypot(gw, gb) > 1e3
    assert big >= 10, "the points next to the wall should have huge gradients"


def _wall(w):
    """b where h(50) jumps between the two attractors (plain-float bisection on h(50) - w/2)."""
    import math

    def h50(b):
        h = 0.5
        for _ in range(50):
            h = w / (1 + math.exp(-h)) + b
        return h
    lo, hi = -10.0, 0.0                    # h(50) is low at lo, high at hi
    for _ in range(80):
        mid = (lo + hi) / 2
        if h50(mid) > mid + w / 2:
            hi = mid
        else:
            lo = mid
    return (lo + hi) / 2


def test_cliff_surface_matches_pointwise_loss_and_is_finite():
    ws, bs = np.linspace(-4, 12, 23), np.linspace(-10, 4, 17)
    S = rnn.cliff_surface(ws, bs)
    assert S.shape == (17, 23) and np.all(np.isfinite(S))
    for i, j in [(0, 0), (5, 7), (16, 22), (9, 14)]:
        assert np.isclose(S[i, j], rnn.cliff_loss(ws[j], bs[i]), rtol=1e-12)
    S2, G = rnn.cliff_surface(ws, bs, grad=True)
    np.testing.assert_allclose(S2, S)
    assert np.isclose(G[5, 7], np.hypot(*rnn.cliff_grad(ws[7], bs[5])), rtol=1e-10)
    huge = rnn.cliff_surface(np.array([-1e300, 1e300]), np.array([-1e300, 1e300]))
    assert huge.shape == (2, 2) and not np.isnan(huge).any() and np.isinf(huge).any()


def test_the_wall_runs_from_about_4_minus_2_to_10_minus_5_7():
    """The notebook: an edge from (w, b) ~ (4, -2) to (10, -5.7); none for w < 4 (σ' <= 1/4, so
    h -> wσ(h) + b is a contraction with one fixed point and h(50) is smooth in b)."""
    assert abs(_wall(4.2) + 2.1) < 0.2 and abs(_wall(10.0) + 5.7) < 0.1
    bs = np.linspace(-4, 0, 4001)
    h50 = np.array([rnn.cliff_states(3.5, b)[-1] for b in bs])
    assert np.max(np.abs(np.diff(h50))) < 0.01            # no jump anywhere for w = 3.5


def test_the_wall_at_w6_as_the_notebook_states():
    """At w = 6 the wall is where h(0) = 0.5 is a fixed point, b* = 0.5 - 6σ(0.5); a thousandth
    away the gradient norm is ~10, a billionth away above 1e7; 1e-4 away the trajectory has left
    0.5 for opposite fixed points by step 30, 1e-9 away it is still near 0.5 at step 50."""
    import math
    w = 6.0
    b_star = 0.5 - w / (1 + math.exp(-0.5))
    assert w * math.exp(-0.5) / (1 + math.exp(-0.5)) ** 2 == pytest.approx(1.41, abs=0.01)
    for d in (-1e-3, 1e-3):
        assert 5 < np.hypot(*rnn.cliff_grad(w, b_star + d)) < 20
    for d in (-1e-9, 1e-9):
        assert np.hypot(*rnn.cliff_grad(w, b_star + d)) > 1e7
        assert abs(rnn.cliff_states(w, b_star + d)[-1] - 0.5) < 0.2
    low, high = rnn.cliff_states(w, b_star - 1e-4), rnn.cliff_states(w, b_star + 1e-4)
    assert low[30] < -2.5 and high[30] > 2.0
    assert rnn.cliff_states(w, b_star - 1e-6)[-1] < 0.5 < rnn.cliff_states(w, b_star + 1e-6)[-1]


def test_clipping_barely_changes_the_path_before_the_wall():
    view = rnn.cliff_view(5.0, -6.0, 0.02, 10.0, steps=40)
    for path in (view["plain"][:16], view["clipped"][:16]):      # before the wall
        norms = [np.hypot(*rnn.cliff_grad(*p)) for p in path]
        assert 9.5 < min(norms) and max(norms) < 14               # clip factor 10/14 >= 0.7


def test_plain_descent_is_thrown_away_and_clipping_is_not():
    view = rnn.cliff_view(5.0, -6.0, 0.02, 10.0, steps=40)     # the notebook example
    assert view["longest_plain"] > 50                           # one step of length > 50
    assert view["longest_clipped"] <= 0.02 * 10.0 + 1e-12       # lr · threshold
    assert view["loss_clipped"] < 1 < 40 < rnn.cliff_loss(5.0, -6.0) < 1000 < view["loss_plain"]
    end = view["plain"][np.isfinite(view["plain"]).all(axis=1)][-1]
    box = rnn.CLIFF_BOX
    assert not (box[0] <= end[0] <= box[1] and box[2] <= end[1] <= box[3])


# ---------------------------------------------------------------- LSTM and GRU cells
@pytest.mark.parametrize("B, D, H", [(1, 1, 1), (3, 4, 5), (7, 2, 16)])
def test_lstm_and_gru_cells_equal_torch(B, D, H):
    torch.manual_seed(B * 100 + D * 10 + H)
    x, h, c = torch.randn(B, D) * 2, torch.randn(B, H), torch.randn(B, H)
    lstm = torch.nn.LSTMCell(D, H)
    ours = rnn.lstm_cell(x, h, c, rnn.params_from_torch(lstm))
    ref = lstm(x, (h, c))
    for a, r in zip(ours, ref):
        torch.testing.assert_close(a, r.detach(), rtol=1e-6, atol=1e-6)
    gru = torch.nn.GRUCell(D, H)
    torch.testing.assert_close(rnn.gru_cell(x, h, rnn.params_from_torch(gru)), gru(x, h).detach(),
                               rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_run_gates_equals_torch_layers(kind):
    torch.manual_seed(0)
    layer = (torch.nn.LSTM if kind == "lstm" else torch.nn.GRU)(3, 4, batch_first=True)
    X = torch.randn(2, 9, 3)
    out = rnn.run_gates(rnn.params_from_torch(layer), X)
    ref, _ = layer(X)
    torch.testing.assert_close(out["h"], ref.detach(), rtol=1e-6, atol=1e-6)


def test_params_from_torch_rejects_other_modules():
    with pytest.raises(TypeError):
        rnn.params_from_torch(torch.nn.Linear(2, 3))
    with pytest.raises(ValueError):
        rnn.params_from_torch(torch.nn.LSTM(2, 3, num_layers=2))


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize("call", [
    lambda: rnn.cliff_loss(1.0, 0.0, T=0),
    lambda: rnn.cliff_grad(1.0, 0.0, T=0),
    lambda: rnn.cliff_surface(np.ones(3), np.ones(2), T=0),
    lambda: rnn.cliff_surface(np.ones((3, 2)), np.ones(2)),
    lambda: rnn.clip_by_norm(np.ones(3), 0.0),
    lambda: rnn.clip_by_norm(np.ones(3), -1.0),
    lambda: rnn.clip_by_norm(np.array([1.0, np.nan]), 1.0),
    lambda: rnn.jacobian_norms(np.eye(3), np.zeros(2), np.zeros((4, 3))),
    lambda: rnn.jacobian_norms(np.ones((3, 2)), np.zeros(3), np.zeros((4, 3))),
    lambda: rnn.jacobian_norms(np.eye(3), np.zeros(3), np.zeros((4, 2))),
    lambda: rnn.jacobian_norms(np.eye(3), np.zeros(3), np.zeros((4, 3)), "relu"),
    lambda: rnn.run_rnn(rnn.wolf_farmer_rnn(), np.zeros((4, 3))),
    lambda: rnn.run_rnn(rnn.wolf_farmer_rnn(), np.zeros((0, 2))),
    lambda: rnn.memory_task(0, 5, 0),
    lambda: rnn.gradient_through_time(np.eye(2), np.ones(3), 2),
    lambda: rnn.lstm_cell(torch.zeros(2, 3), torch.zeros(2, 4), torch.zeros(2, 5),
                          rnn.params_from_torch(torch.nn.LSTMCell(3, 4))),
    lambda: rnn.gru_cell(torch.zeros(2, 3), torch.zeros(3, 4),
                         rnn.params_from_torch(torch.nn.GRUCell(3, 4))),
    lambda: rnn.lstm_cell(torch.zeros(2, 3), torch.zeros(2, 4), torch.zeros(2, 4),
                          rnn.params_from_torch(torch.nn.GRUCell(3, 4))),
    lambda: rnn.descent_path(1.0, 0.0, lr=0.0),
    lambda: rnn.jacobian_view(1.0, -1.0),
])
def test_bad_values_raise_value_error(call):
    with pytest.raises(ValueError):
        call()


@pytest.mark.parametrize("call", [
    lambda: rnn.cliff_loss("1", 0.0),
    lambda: rnn.cliff_loss(1.0, 0.0, T=2.5),
    lambda: rnn.clip_by_norm(np.ones(3), "1"),
    lambda: rnn.memory_task(5.0, 5, 0),
    lambda: rnn.lstm_cell(np.zeros((2, 3)), torch.zeros(2, 4), torch.zeros(2, 4),
                          rnn.params_from_torch(torch.nn.LSTMCell(3, 4))),
    lambda: rnn.draw_cliff("not an axes"),
])
def test_bad_types_raise_type_error(call):
    with pytest.raises(TypeError):
        call()


def _axes():
    from matplotlib.figure import Figure

    return Figure().add_subplot()


@pytest.mark.parametrize("call, error, name", [
    (lambda: rnn.activate([1.0], "softsign"), ValueError, "name"),
    (lambda: rnn.activate(None, "tanh"), TypeError, "a"),
    (lambda: rnn.activate(np.array([1, 2], dtype=object), "tanh"), ValueError, "a"),
    (lambda: rnn.draw_cliff(_axes(), resolution=10**9), ValueError, "resolution"),
    (lambda: rnn.draw_cliff(_axes(), box=(10.0, 2.0, -8.0, 0.0)), ValueError, "box"),
    (lambda: rnn.draw_cliff(_axes(), box="box"), TypeError, "box"),
    (lambda: rnn.jacobian_playground(size=None), TypeError, "size"),
    (lambda: rnn.cliff_playground(size=100), ValueError, "size"),
])
def test_bad_arguments_raise_errors_naming_them(call, error, name):
    with pytest.raises(error, match=rf"^{name}(?!\w)"):
        call()


def test_activate_keeps_nan_and_inf():
    out = rnn.activate([np.nan, np.inf, -np.inf], "sigmoid")
    assert np.isnan(out[0]) and out[1] == 1.0 and out[2] == 0.0


def test_numpy_scalars_are_accepted():
    assert rnn.cliff_loss(np.float32(5.0), np.float64(-2.0), T=np.int64(50)) == \
        pytest.approx(rnn.cliff_loss(5.0, -2.0))
    rnn.clip_by_norm(np.ones(3), np.float32(0.5))
    rnn.memory_task(np.int64(4), np.int32(3), np.int64(0))


# ---------------------------------------------------------------- exercises are real
def _clip_wrong_elementwise(g, threshold):
    return np.clip(g, -threshold, threshold)


def _clip_wrong_always(g, threshold):
    return threshold * g / np.linalg.norm(g)


def _clip_wrong_inplace(g, threshold):
    n = np.linalg.norm(g)
    if n >= threshold:
        g *= threshold / n
    return g


def _clip_wrong_rows(g, threshold):
    g = np.atleast_2d(g)
    n = np.linalg.norm(g, axis=-1, keepdims=True)
    return np.squeeze(np.where(n >= threshold, g * threshold / np.maximum(n, 1e-300), g))


def _clip_solution(g, threshold):
    n = np.sqrt(np.sum(g**2))
    return g * (threshold / n) if n >= threshold else g.copy()


def _bptt_solution(U, g, K):
    out = [g]
    for _ in range(K):
        out.append(U.T @ out[-1])
    return np.array(out)


def _bptt_no_transpose(U, g, K):
    out = [g]
    for _ in range(K):
        out.append(U @ out[-1])
    return np.array(out)


def _bptt_off_by_one(U, g, K):
    out = [U.T @ g]
    for _ in range(K - 1):
        out.append(U.T @ out[-1])
    return np.array(out)


def _bptt_K_rows(U, g, K):
    return _bptt_solution(U, g, K)[:-1]


def _lstm_solution(x, h, c, W_ih, W_hh, b_ih, b_hh):
    z = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh
    i, f, g, o = z.chunk(4, dim=1)
    c_new = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c_new), c_new


def _lstm_wrong_order(x, h, c, W_ih, W_hh, b_ih, b_hh):
    z = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh
    i, f, o, g = z.chunk(4, dim=1)                       # i, f, o, g: Olah's order, not torch's
    c_new = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c_new), c_new


def _lstm_no_tanh(x, h, c, W_ih, W_hh, b_ih, b_hh):
    z = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh
    i, f, g, o = z.chunk(4, dim=1)
    c_new = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * c_new, c_new


def _lstm_swapped(x, h, c, *w):
    h_new, c_new = _lstm_solution(x, h, c, *w)
    return c_new, h_new


def _lstm_via_torch(x, h, c, W_ih, W_hh, b_ih, b_hh):
    return torch.lstm_cell(x, (h, c), W_ih, W_hh, b_ih, b_hh)


def _lstm_via_helper(x, h, c, W_ih, W_hh, b_ih, b_hh):
    return rnn.lstm_cell(x, h, c, {"W_ih": W_ih, "W_hh": W_hh, "b_ih": b_ih, "b_hh": b_hh})


def _stub(*args):
    raise NotImplementedError


EXERCISES = [
    (rnn.CLIP, _clip_solution,
     [_clip_wrong_elementwise, _clip_wrong_always, _clip_wrong_inplace, _clip_wrong_rows,
      lambda g, t: rnn.clip_by_norm(g, t)]),
    (rnn.BACKPROP, _bptt_solution,
     [_bptt_no_transpose, _bptt_off_by_one, _bptt_K_rows,
      lambda U, g, K: rnn.gradient_through_time(U, g, K)]),
    (rnn.LSTM_STEP, _lstm_solution,
     [_lstm_wrong_order, _lstm_no_tanh, _lstm_swapped, _lstm_via_torch, _lstm_via_helper]),
]


@pytest.mark.parametrize("exercise, solution, wrongs", EXERCISES, ids=lambda e: getattr(e, "name", ""))
def test_exercise_checks_are_real(exercise, solution, wrongs):
    assert exercise.run(solution).status == checks.PASS
    assert exercise.run(exercise.reference).status in (checks.PASS, checks.FAIL)  # may be forbidden
    assert exercise.run(_stub).status == checks.NOT_IMPLEMENTED
    for wrong in wrongs:
        result = exercise.run(wrong)
        assert result.status in (checks.FAIL, checks.ERROR), (wrong, result.message)
        assert "expected" not in result.message.split("Hint")[0]   # never prints the answer


def test_forbidden_helpers_are_restored_after_a_check():
    rnn.CLIP.run(lambda g, t: rnn.clip_by_norm(g, t))
    assert rnn.clip_by_norm(np.array([3.0, 4.0]), 1.0) == pytest.approx([0.6, 0.8])
    assert torch.nn.LSTMCell.__name__ == "LSTMCell"


# ---------------------------------------------------------------- playgrounds
def test_jacobian_view_never_raises_at_slider_extremes():
    for radius in (0.5, 1.5):
        for scale in (0.0, 3.0):
            for nl in rnn.NONLINEARITIES:
                view = rnn.jacobian_view(radius, scale, nl)
                assert view["norms"].shape == (61,) and view["norms"][0] == 1.0
    assert rnn.jacobian_view(1e6, 1.0, "linear")["diverged"]     # overflow is flagged


def test_jacobian_playground_updates():
    w = rnn.jacobian_playground()
    for radius, scale, nl in [(0.5, 0.0, "linear"), (1.5, 3.0, "tanh"), (1.5, 0.0, "linear")]:
        w.controls["radius"].value, w.controls["input_scale"].value = radius, scale
        w.controls["nonlinearity"].value = nl
        view = w.update()
        np.testing.assert_allclose(view["norms"], rnn.jacobian_view(radius, scale, nl)["norms"])
    w.canvas.draw()


def test_cliff_playground_updates_at_extremes_and_on_click():
    w = rnn.cliff_playground()
    c = w.controls
    for w0, b0, lr, th in [(2.0, -8.0, 1.0, 100.0), (10.0, 0.0, 1e-3, 0.01), (4.7, -2.4, 1.0, 0.01)]:
        c["w0"].value, c["b0"].value, c["lr"].value, c["threshold"].value = w0, b0, lr, th
        view = w.update()
        assert view["longest_clipped"] <= lr * th + 1e-9
    w.canvas.draw()

    class Click:
        inaxes, button, xdata, ydata = w.fig.axes[0], 1, 6.5, -3.25
    w.on_mouse(Click)
    assert (c["w0"].value, c["b0"].value) == (6.5, -3.25)
