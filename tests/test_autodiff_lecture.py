"""Lecture 05: optimisers vs torch.optim, training, initialisation, forward/reverse mode, the
graph stepper, the widgets, the exercises, and every claim the notebook's text makes."""

import numpy as np
import pytest
import torch

from helpers import autodiff, checks, data
from helpers.autodiff import Tensor
from helpers.autodiff.interactive import DEFAULT_LR, STEPS


# --------------------------------------------------------------------------- optimisers
def _problem(seed=0):
    """A small least-squares + tanh problem with two parameter tensors."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=(20, 3)), rng.normal(size=20), rng.normal(size=(3, 4)), rng.normal(size=4)


def _run_engine(cls, steps, **kw):
    X, y, W0, v0 = _problem()
    W, v = Tensor(W0, requires_grad=True), Tensor(v0, requires_grad=True)
    opt = cls([W, v], **kw)
    out = []
    for _ in range(steps):
        opt.zero_grad()
        autodiff.mse((Tensor(X) @ W).tanh() @ v, y).backward()
        opt.step()
        out.append(np.concatenate([W.data.ravel(), v.data]))
    return np.array(out)


def _run_torch(cls, steps, **kw):
    X, y, W0, v0 = (torch.tensor(a) for a in _problem())
    W, v = W0.clone().requires_grad_(), v0.clone().requires_grad_()
    opt = cls([W, v], **kw)
    out = []
    for _ in range(steps):
        opt.zero_grad()
        torch.nn.functional.mse_loss(torch.tanh(X @ W) @ v, y).backward()
        opt.step()
        out.append(np.concatenate([W.detach().numpy().ravel(), v.detach().numpy()]))
    return np.array(out)


@pytest.mark.parametrize("ours, theirs, kw", [
    (autodiff.SGD, torch.optim.SGD, {"lr": 0.1}),
    (autodiff.Momentum, torch.optim.SGD, {"lr": 0.05, "momentum": 0.9}),
    (autodiff.Momentum, torch.optim.SGD, {"lr": 0.05, "momentum": 0.8, "dampening": 0.8}),
    (autodiff.Momentum, torch.optim.SGD, {"lr": 0.05, "momentum": 0.7, "nesterov": True}),
    (autodiff.RMSprop, torch.optim.RMSprop, {"lr": 0.01}),
    (autodiff.RMSprop, torch.optim.RMSprop, {"lr": 0.002, "alpha": 0.9, "eps": 1e-4}),
    (autodiff.Adam, torch.optim.Adam, {"lr": 0.01}),
    (autodiff.Adam, torch.optim.Adam, {"lr": 0.05, "betas": (0.8, 0.95), "eps": 1e-3}),
])
def test_optimisers_follow_torch_optim_for_100_steps(ours, theirs, kw):
    np.testing.assert_allclose(_run_engine(ours, 100, **kw), _run_torch(theirs, 100, **kw),
                               rtol=1e-10, atol=1e-12)


def test_momentum_with_dampening_is_pascanus_moving_average():
    g = np.random.default_rng(0).normal(size=(30, 3))
    p = Tensor(np.zeros(3), requires_grad=True)
    opt = autodiff.Momentum([p], lr=1.0, momentum=0.9, dampening=0.9)
    V, theta = np.zeros(3), np.zeros(3)
    for t, gt in enumerate(g):
        p.grad = gt
        opt.step()
        V = gt if t == 0 else 0.9 * V + 0.1 * gt  # torch starts the buffer at g_1
        theta = theta - V
        np.testing.assert_allclose(p.data, theta, rtol=1e-12)


def test_adam_step_is_the_update_of_the_adam_class():
    rng = np.random.default_rng(1)
    p = Tensor(rng.normal(size=5), requires_grad=True)
    opt = autodiff.Adam([p], lr=0.1, betas=(0.8, 0.9), eps=1e-4)
    theta, m, v = p.data.copy(), np.zeros(5), np.zeros(5)
    for t in range(1, 6):
        g = rng.normal(size=5)
        p.grad = g
        opt.step()
        theta, m, v = autodiff.adam_step(theta, g, m, v, t, 0.1, 0.8, 0.9, 1e-4)
        np.testing.assert_allclose(p.data, theta, rtol=1e-14)


def test_optimiser_input_checks():
    p = Tensor(np.zeros(2), requires_grad=True)
    with pytest.raises(ValueError):
        autodiff.SGD([p], lr=0)
    with pytest.raises(ValueError):
        autodiff.SGD([Tensor(np.zeros(2))], lr=0.1)
    with pytest.raises(ValueError):
        autodiff.Adam([], lr=0.1)
    with pytest.raises(TypeError):
        autodiff.Adam([np.zeros(2)], lr=0.1)
    with pytest.raises(TypeError):
        autodiff.Adam([p], betas=0.9)
    with pytest.raises(ValueError):
        autodiff.RMSprop([p], alpha=1.5)
    with pytest.raises(ValueError):
        autodiff.trajectory("nowhere", "SGD", 0.1)


def _graph_parts():
    import matplotlib.pyplot as plt

    tr = autodiff.graph.trace("x used twice: f = x·y + x")
    fig, ax = plt.subplots()
    art = autodiff.graph.draw_graph(ax, tr)
    plt.close(fig)
    return tr, art


_P = Tensor(np.zeros(2), requires_grad=True)
_NET = autodiff.MLP((2, 3, 2))
_X, _Y = np.zeros((4, 2)), [0, 1, 0, 1]
BAD_CALLS = [  # (call, error, the argument its message must name)
    (lambda: autodiff.SGD(None, lr=0.1), TypeError, "params"),
    (lambda: autodiff.Adam(np.array(3.0)), TypeError, "params"),
    (lambda: autodiff.Momentum([_P], momentum="0.9"), TypeError, "momentum"),
    (lambda: autodiff.adam_step(np.zeros(2), np.zeros(3), np.zeros(2), np.zeros(2), 1),
     ValueError, "grad"),
    (lambda: autodiff.adam_step(*[np.zeros(2)] * 4, 1, beta1=1.0), ValueError, "beta1"),
    (lambda: autodiff.adam_step(*[np.zeros(2)] * 4, 0), ValueError, "t"),
    (lambda: autodiff.train(None, _X, _Y), TypeError, "model"),
    (lambda: autodiff.train(_NET, _X, _Y, epochs=10**9), ValueError, "epochs"),
    (lambda: autodiff.train(_NET, _X, _Y, X_test=np.zeros((2, 5)), y_test=[0, 1]),
     ValueError, "X_test"),
    (lambda: autodiff.torch_losses(_NET, _X, _Y, lr=-1.0), ValueError, "lr"),
    (lambda: autodiff.torch_losses(_NET, _X, _Y, optimizer=np.zeros(2)), ValueError,
     "optimizer"),
    (lambda: autodiff.trajectory("saddle", "SGD", 0.1, steps=10**9), ValueError, "steps"),
    (lambda: autodiff.optimizer_view("saddle", "SGD", "fast"), TypeError, "lr"),
    (lambda: autodiff.layer_statistics("he", n=10**9), ValueError, "n"),
    (lambda: autodiff.graph.stepper_state(None, 0), TypeError, "tr"),
    (lambda: autodiff.graph.stepper_state(_graph_parts()[0], 1.5), TypeError, "k"),
    (lambda: autodiff.graph.show_state({}, _graph_parts()[0], None), TypeError, "art"),
    (lambda: autodiff.graph.show_state(_graph_parts()[1], _graph_parts()[0], None), TypeError,
     "state"),
    (lambda: autodiff.modes.predicted_madds(None, 2, 3), TypeError, "n"),
    (lambda: autodiff.modes.chain_madds(5), TypeError, "dims"),
    (lambda: autodiff.modes.chain_madds([10**5, 10**5, 1]), ValueError, "dims"),
    (lambda: autodiff.modes.time_jacobians(10**6, 2, [1]), ValueError, "n"),
    (lambda: autodiff.modes.time_jacobians(4, 2, [1], repeat=10**9), ValueError, "repeat"),
    (lambda: autodiff.figures.mode_costs(None, [1], {}, 3), TypeError, "axes"),
    (lambda: autodiff.figures.layer_histograms(_graph_parts, [np.ones(3)]), TypeError, "ax"),
]


@pytest.mark.parametrize("call, error, name", BAD_CALLS)
def test_bad_arguments_raise_errors_naming_them(call, error, name):
    with pytest.raises(error, match=rf"(?<![\w.]){name}(?![\w])"):
        call()


def test_layer_histograms_checks_layers_against_the_arrays():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    arrays = [np.ones((3, 3)), np.zeros((3, 3))]
    with pytest.raises(ValueError, match=r"\blayers\b.*<= 2"):
        autodiff.figures.layer_histograms(ax, arrays, layers=(1, 3))
    with pytest.raises(ValueError, match=r"arrays\[1\]"):
        autodiff.figures.layer_histograms(ax, arrays, layers=(1, 2))  # layer 2 is all zeros
    autodiff.figures.layer_histograms(ax, arrays, layers=(1,))  # one value only: still drawn
    plt.close(fig)


def test_notebook_torch_comparison_on_rosenbrock():
    for name, lr, hyper in [("SGD", 1e-3, {}), ("Momentum", 5e-4, {"momentum": 0.9}),
                            ("RMSprop", 1e-3, {"alpha": 0.9}), ("Adam", 0.1, {"betas": (0.8, 0.99)})]:
        p = torch.tensor(autodiff.SURFACES["Rosenbrock"].start, dtype=torch.float64,
                         requires_grad=True)
        cls = torch.optim.SGD if name in ("SGD", "Momentum") else getattr(torch.optim, name)
        opt, path = cls([p], lr=lr, **hyper), [p.detach().clone().numpy()]
        for _ in range(100):
            opt.zero_grad()
            ((1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2).backward()
            opt.step()
            path.append(p.detach().clone().numpy())
        np.testing.assert_allclose(autodiff.trajectory("Rosenbrock", name, lr, 100, **hyper),
                                   np.array(path), rtol=1e-12, atol=1e-12)


# --------------------------------------------------------------------------- claims: surfaces
def _paths(surface):
    return {opt: autodiff.optimizer_view(surface, opt, DEFAULT_LR[surface][opt], 0.9).path
            for opt in autodiff.OPTIMIZERS}


def _distance(surface, point):
    return min(np.linalg.norm(point - np.array(m)) for m in autodiff.SURFACES[surface].minima)


def test_claims_about_the_valley():
    paths = _paths("quadratic valley")
    sgd = paths["SGD"]
    assert np.all(np.sign(sgd[1:, 1]) == -np.sign(sgd[:-1, 1]))  # θ₂ flips at every step
    d = {k: _distance("quadratic valley", p[-1]) for k, p in paths.items()}
    assert d["SGD"] == max(d.values()) and d["SGD"] > 10 * max(v for k, v in d.items() if k != "SGD")
    assert 2 / 10 == pytest.approx(0.2)  # "just above lr = 0.2 (= 2 / largest curvature)"
    assert np.isnan(autodiff.trajectory("quadratic valley", "SGD", 0.21, 300)).any()
    assert not np.isnan(autodiff.trajectory("quadratic valley", "SGD", 0.19, 300)).any()


def test_claims_about_rosenbrock_and_the_saddle():
    paths = _paths("Rosenbrock")
    d = {k: _distance("Rosenbrock", p[-1]) for k, p in paths.items()}
    assert d["Momentum"] < d["SGD"] / 2 and d["Adam"] < d["SGD"] / 2
    paths = _paths("saddle")
    leave = {k: int(np.argmax(np.abs(p[:, 1]) > 0.5)) for k, p in paths.items()}
    assert leave["SGD"] > 100 and leave["Momentum"] > 100
    assert 0 < leave["RMSprop"] <= 12 and 0 < leave["Adam"] <= 12
    assert len(next(iter(paths.values()))) == STEPS + 1 == 301


# --------------------------------------------------------------------------- training
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_digits_reach_95_percent_with_the_engine(seed):
    X, y = data.load_digits()
    X = X.reshape(len(X), 64) / 16
    tr, te = data.split_indices(len(X), test_fraction=0.25, seed=seed)
    net = autodiff.MLP((64, 128, 10), seed=seed)
    hist = autodiff.train(net, X[tr], y[tr], "Adam", lr=5e-3, epochs=8, batch_size=32,
                          seed=seed, X_test=X[te], y_test=y[te])
    assert hist.test_acc[-1] >= 0.95


@pytest.mark.parametrize("optimizer, hyper", [("Adam", {}), ("Momentum", {"momentum": 0.8}),
                                              ("RMSprop", {}), ("SGD", {})])
def test_engine_and_torch_losses_agree_step_by_step(optimizer, hyper):
    X, y = data.load_digits()
    X = X.reshape(len(X), 64)[:300] / 16
    net = autodiff.MLP((64, 32, 10), seed=3)
    theirs = autodiff.torch_losses(net, X, y[:300], optimizer, lr=5e-3, epochs=1,
                                   batch_size=32, seed=1, **hyper)
    ours = autodiff.train(net, X, y[:300], optimizer, lr=5e-3, epochs=1, batch_size=32, seed=1,
                          **hyper).loss
    assert len(ours) == len(theirs) == 10
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


def test_notebook_side_by_side_has_43_steps():
    X, y = data.load_digits()
    tr, _ = data.split_indices(len(X), test_fraction=0.25, seed=0)
    assert -(-len(tr) // 32) == 43


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_spirals_are_learned(seed):
    X, y = data.make_dataset("spiral", n=300, noise=0.1, seed=seed)
    net = autodiff.MLP((2, 32, 32, 2), seed=seed)
    hist = autodiff.train(net, X, (y > 0).astype(int), "Adam", lr=0.02, epochs=60,
                          batch_size=100, seed=seed)
    assert hist.train_acc[-1] >= 0.97


def test_mlp_matches_its_torch_copy_and_checks_inputs():
    net = autodiff.MLP((3, 5, 2), activation="tanh", seed=0)
    X = np.random.default_rng(0).normal(size=(4, 3))
    np.testing.assert_allclose(net(X).data, net.to_torch()(torch.tensor(X)).detach().numpy(),
                               rtol=1e-12)
    with pytest.raises(ValueError):
        net(np.zeros((4, 2)))
    with pytest.raises(ValueError):
        autodiff.MLP((3, 2), init="zeros")
    with pytest.raises(ValueError):
        autodiff.train(net, X, [0, 1, 2, 0])


# --------------------------------------------------------------------------- initialisation
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_initialisation_claims(seed):
    factor = {}
    for init in autodiff.INITS:
        s = autodiff.layer_statistics(init, "relu", depth=10, width=256, n=256, seed=seed)
        a = [h.std() for h in s["activations"]]
        g = [d.std() for d in s["gradients"]]
        factor[init] = ((a[-1] / a[0]) ** (1 / 9), (g[0] / g[-1]) ** (1 / 9))
    for k in (0, 1):  # activations forward, gradients backward: the same factors
        assert factor["naive"][k] == pytest.approx(0.01 * np.sqrt(256 / 2), rel=0.15)  # ≈ 0.11
        assert factor["glorot"][k] == pytest.approx(np.sqrt(0.5), rel=0.1)  # ≈ 0.71
        assert factor["he"][k] == pytest.approx(1.0, rel=0.1)
    s = autodiff.layer_statistics("naive", "relu", n=256, seed=seed)
    assert s["activations"][-1].std() < 1e-7  # "the signal vanishes"


def test_init_weight_stds():
    rng = np.random.default_rng(0)
    assert autodiff.init_weight(400, 600, "glorot", rng).std() == pytest.approx(np.sqrt(2 / 1000), rel=0.02)
    assert autodiff.init_weight(400, 600, "he", rng).std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert autodiff.init_weight(400, 600, "naive", rng).std() == pytest.approx(0.01, rel=0.02)


# --------------------------------------------------------------------------- forward vs reverse
def test_forward_and_reverse_jacobians_match_torch_and_the_formulas():
    for n, depth, m in ((5, 3, 2), (8, 2, 11), (6, 4, 1)):
        Ws = autodiff.modes.composition(n, depth, m, seed=n)
        x = np.random.default_rng(0).normal(size=n)

        def f(t):
            for W in Ws[:-1]:
                t = torch.tanh(torch.tensor(W) @ t)
            return torch.tensor(Ws[-1]) @ t
        J = torch.autograd.functional.jacobian(f, torch.tensor(x)).numpy()
        (Jf, cf), (Jr, cr) = autodiff.modes.jacobian_forward(Ws, x), autodiff.modes.jacobian_reverse(Ws, x)
        np.testing.assert_allclose(Jf, J, atol=1e-12)
        np.testing.assert_allclose(Jr, J, atol=1e-12)
        assert {"forward": cf, "reverse": cr} == autodiff.modes.predicted_madds(n, depth, m)
        assert (cr < cf) == (m < n) and (cr == cf) == (m == n)


def test_chain_product_costs():
    cost = autodiff.modes.chain_madds([1000, 1000, 1000, 1000, 1])
    assert cost == {"right to left (forward)": 2 * 1000**3 + 1000**2, "left to right (reverse)": 3 * 1000**2}
    assert autodiff.modes.chain_madds([4, 5, 5, 3]) == {"right to left (forward)": 5 * 5 * 4 + 3 * 5 * 4,
                                                        "left to right (reverse)": 3 * 5 * 5 + 3 * 5 * 4}
    with pytest.raises(ValueError):
        autodiff.modes.chain_madds([3, 4])


def test_stopwatch_claims_about_modes():
    r = autodiff.modes.time_jacobians(128, 6, [1, 256], repeat=5)
    assert r["reverse s"][0] * 3 < r["forward s"][0]  # "several times faster" at m = 1
    assert r["reverse s"][1] > 4 * r["reverse s"][0]  # reverse time grows with m


def test_gradient_step_beats_random_steps_and_finite_differences_are_slow():
    rng = np.random.default_rng(5)
    g = rng.normal(size=5)
    step = -0.1 * g / np.linalg.norm(g)
    D = rng.normal(size=(10_000, 5))
    D = 0.1 * D / np.linalg.norm(D, axis=1, keepdims=True)
    assert (D @ g).min() >= g @ step
    net = autodiff.MLP((64, 128, 128, 10))
    assert sum(p.size for p in net.params) == 64 * 128 + 128 + 128 * 128 + 128 + 128 * 10 + 10


# --------------------------------------------------------------------------- losses from probability
def test_losses_are_negative_log_likelihoods():
    rng = np.random.default_rng(0)
    p = np.array([0.7, 0.2, 0.1])
    q = autodiff.softmax(Tensor(rng.normal(size=3))).data
    assert -(p * np.log(q)).sum() == pytest.approx((p * np.log(p / q)).sum() - (p * np.log(p)).sum())
    mu, z = rng.normal(size=6), rng.normal(size=6)
    nll = -torch.distributions.Normal(torch.tensor(mu), 1.0).log_prob(torch.tensor(z)).mean().item()
    assert nll == pytest.approx(autodiff.mse(Tensor(mu), z).item() / 2 + np.log(2 * np.pi) / 2)


def test_mse_on_a_sigmoid_vanishes_where_bce_does_not():
    x = Tensor(np.array([-10.0, 0.0, 10.0]), requires_grad=True)
    (autodiff.bce_with_logits(x, np.ones(3)) * 3).backward()
    bce = x.grad.copy()
    x.zero_grad()
    (autodiff.mse(x.sigmoid(), np.ones(3)) * 3).backward()
    assert bce[0] == pytest.approx(-1, abs=1e-4) and abs(x.grad[0]) < 2e-4
    assert x.grad[0] == pytest.approx(-0.0001, rel=0.2)


# --------------------------------------------------------------------------- graph and stepper
@pytest.mark.parametrize("name", list(autodiff.graph.EXPRESSIONS))
def test_traced_gradients_match_torch_and_every_step_is_drawable(name):
    import matplotlib.pyplot as plt

    tr = autodiff.graph.trace(name)
    leaves = [t for t in tr.nodes if not t._parents]
    # rebuild the same expression in torch by replaying the engine's ops
    env = {id(t): torch.tensor(t.item(), dtype=torch.float64, requires_grad=True)
           for t in leaves}
    ops = {"+": torch.add, "−": torch.sub, "×": torch.mul, "tanh": torch.tanh, "σ": torch.sigmoid}
    for t in tr.nodes:
        if t._parents:
            env[id(t)] = ops[t.op](*(env[id(p)] for p in t._parents))
    env[id(tr.nodes[-1])].backward()
    for t, g in zip(tr.nodes, tr.grads):
        if not t._parents:
            assert g == pytest.approx(env[id(t)].grad.item(), abs=1e-12)
    fig, ax = plt.subplots()
    art = autodiff.graph.draw_graph(ax, tr, k=0)
    for k in range(-2, tr.n_steps + 3):
        state = autodiff.graph.stepper_state(tr, k)
        autodiff.graph.show_state(art, tr, state)
    final = autodiff.graph.stepper_state(tr, tr.n_steps)
    assert all(final.value_text) and all(final.grad_text)
    assert autodiff.graph.stepper_state(tr, 0).grad_text == [""] * len(tr.nodes)
    plt.close(fig)


def test_used_twice_expressions_add_their_contributions():
    tr = autodiff.graph.trace("x used twice: f = x·y + x")
    x = next(i for i, t in enumerate(tr.nodes) if t.name == "x")
    contributions = [c for _, parent, c, _ in tr.events if parent == x]
    assert contributions == [1.0, -2.0] and tr.grads[x] == -1.0  # y + 1 at y = -2
    state = autodiff.graph.stepper_state(tr, tr.n_steps)
    assert "contributions add up" in state.caption or "used 2 times" in \
        autodiff.graph.stepper_state(tr, tr.n_forward + 3).caption
    neuron = autodiff.graph.trace("neuron: o = tanh(x₁w₁ + x₂w₂ + b)")
    grads = {t.name: g for t, g in zip(neuron.nodes, neuron.grads)}
    assert grads["x₁"] == pytest.approx(-1.5) and grads["w₂"] == 0 and grads["z"] == pytest.approx(0.5)


def test_stepper_widget_drives_every_expression():
    ui = autodiff.stepper()
    for name in autodiff.graph.EXPRESSIONS:
        ui.controls["expression"].value = name
        tr = ui.state["trace"]
        assert ui.controls["k"].max == tr.n_steps
        ui.controls["k"].value = tr.n_steps
        ui.update()
        ui.canvas.draw()
    with pytest.raises(ValueError):
        autodiff.stepper("no such expression")


def test_optimizer_playground_never_raises_at_extremes():
    ui = autodiff.optimizer_playground()
    c = ui.controls
    for surface in autodiff.SURFACES:
        c["surface"].value = surface
        for opt in autodiff.OPTIMIZERS:
            c["optimizer"].value = opt
            for lr in (c["lr"].min, c["lr"].max):
                c["lr"].value = 10 ** lr
                for mom in (0.0, 0.99):
                    c["momentum"].value = mom
                    ui.update()
            c["x0"].value, c["y0"].value = c["x0"].max, c["y0"].min
            ui.update()
    c["surface"].value, c["optimizer"].value = "quadratic valley", "SGD"
    c["lr"].value = 3.0
    ui.update()
    assert ui.artists["banner"].get_visible()
    c["lr"].value = 0.1
    ui.update()
    assert not ui.artists["banner"].get_visible()
    v = autodiff.optimizer_view("saddle", "Adam", float("nan"), 2.0, (0.0, 0.0))
    assert v.path.shape == (STEPS + 1, 2)


# --------------------------------------------------------------------------- exercises are real
def _stub(*args):
    raise NotImplementedError


def _assert_real(ex, reference, wrong_answers, answer_args=None):
    assert ex.run(reference).status == checks.PASS
    assert ex.run(_stub).status == checks.NOT_IMPLEMENTED
    for wrong in wrong_answers:
        result = ex.run(wrong)
        assert result.status in (checks.FAIL, checks.ERROR), wrong.__name__
        assert "expected" not in result.message


def test_unbroadcast_exercise_is_real():
    def only_leading(grad, shape):
        while grad.ndim > len(shape):
            grad = grad.sum(axis=0)
        return grad

    def no_keepdims(grad, shape):
        while grad.ndim > len(shape):
            grad = grad.sum(axis=0)
        axes = tuple(i for i, s in enumerate(shape) if s == 1 and grad.shape[i] != 1)
        return grad.sum(axis=axes)

    def mean_instead(grad, shape):
        while grad.ndim > len(shape):
            grad = grad.mean(axis=0)
        for axis, size in enumerate(shape):
            if size == 1:
                grad = grad.mean(axis=axis, keepdims=True)
        return grad

    def int_buffer(grad, shape):
        out = np.zeros(shape, dtype=int)
        out += autodiff.engine.unbroadcast(grad, shape).astype(int)
        return out

    def calls_the_helper(grad, shape):
        return autodiff.unbroadcast(grad, shape)

    def calls_the_engine(grad, shape):
        return autodiff.engine.unbroadcast(grad, shape)

    _assert_real(autodiff.UNBROADCAST, autodiff.engine.unbroadcast,
                 [only_leading, no_keepdims, mean_instead, int_buffer, calls_the_helper,
                  calls_the_engine])


def test_softplus_exercise_is_real():
    def naive_sigmoid(x, grad):
        return grad * np.exp(x) / (1 + np.exp(x))  # NaN at x = 800

    def forgot_grad(x, grad):
        return 0.5 * (1 + np.tanh(0.5 * x))

    def forward_instead(x, grad):
        return grad * np.log1p(np.exp(x))

    def wrong_sign(x, grad):
        return grad * 0.5 * (1 - np.tanh(0.5 * x))

    with np.errstate(all="ignore"):
        _assert_real(autodiff.SOFTPLUS_BACKWARD, autodiff.exercises.softplus_backward,
                     [naive_sigmoid, forgot_grad, forward_instead, wrong_sign])
    x = np.linspace(-800, 800, 11)
    np.testing.assert_allclose(autodiff.exercises.softplus_backward(x, np.ones(11)),
                               torch.sigmoid(torch.tensor(x)).numpy(), rtol=1e-12)


def test_adam_exercise_is_real():
    def no_bias_correction(theta, g, m, v, t, lr, b1, b2, eps):
        m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
        return theta - lr * m / (np.sqrt(v) + eps), m, v

    def eps_inside(theta, g, m, v, t, lr, b1, b2, eps):
        m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
        return theta - lr * (m / (1 - b1**t)) / np.sqrt(v / (1 - b2**t) + eps), m, v

    def t_from_zero(theta, g, m, v, t, lr, b1, b2, eps):
        return autodiff.optim.adam_step.__wrapped__(theta, g, m, v, t + 1, lr, b1, b2, eps) \
            if hasattr(autodiff.optim.adam_step, "__wrapped__") else \
            _reference(theta, g, m, v, t + 1, lr, b1, b2, eps)

    def in_place(theta, g, m, v, t, lr, b1, b2, eps):
        m *= b1
        m += (1 - b1) * g
        v *= b2
        v += (1 - b2) * g * g
        return theta - lr / (1 - b1**t) * m / (np.sqrt(v) / np.sqrt(1 - b2**t) + eps), m, v

    def uses_the_class(theta, g, m, v, t, lr, b1, b2, eps):
        p = Tensor(theta, requires_grad=True)
        opt = autodiff.Adam([p], lr=lr, betas=(b1, b2), eps=eps)
        opt.m, opt.v, opt.t = [m], [v], t - 1
        p.grad = g
        opt.step()
        return p.data, opt.m[0], opt.v[0]

    _assert_real(autodiff.ADAM_STEP, autodiff.optim.adam_step,
                 [no_bias_correction, eps_inside, t_from_zero, in_place, uses_the_class])
    assert "in place" in autodiff.ADAM_STEP.run(in_place).message


def _reference(*args):
    m, v = args[2], args[3]
    theta, g, t, lr, b1, b2, eps = args[0], args[1], args[4], args[5], args[6], args[7], args[8]
    m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
    return theta - lr / (1 - b1**t) * m / (np.sqrt(v) / np.sqrt(1 - b2**t) + eps), m, v


def test_adam_reference_matches_torch_first_steps():
    rng = np.random.default_rng(2)
    theta0 = rng.normal(size=4)
    p = torch.tensor(theta0, requires_grad=True)
    opt = torch.optim.Adam([p], lr=0.1, betas=(0.8, 0.9), eps=1e-3)
    theta, m, v = theta0, np.zeros(4), np.zeros(4)
    for t in range(1, 4):
        g = rng.normal(size=4)
        p.grad = torch.tensor(g)
        opt.step()
        theta, m, v = _reference(theta, g, m, v, t, 0.1, 0.8, 0.9, 1e-3)
        np.testing.assert_allclose(p.detach().numpy(), theta, rtol=1e-12)


def test_blas_one_thread_restores_the_thread_count():
    from threadpoolctl import threadpool_info

    from helpers.autodiff import blas

    def blas_threads():
        return [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]

    before = blas_threads()
    assert before, "numpy's BLAS is not visible to threadpoolctl"
    with blas.one_thread():
        assert blas_threads() == [1] * len(before)
    assert blas_threads() == before


def test_backprop_costs_a_small_multiple_of_a_forward_pass():
    import time

    net = autodiff.MLP((64, 128, 128, 10))
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(256, 64)), rng.integers(0, 10, 256)

    def best(fn):
        times = []
        for _ in range(7):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return min(times)
    forward = best(lambda: autodiff.cross_entropy(net(X), y))
    both = best(lambda: autodiff.cross_entropy(net(X), y).backward())
    assert both < 10 * forward
    assert 2 * sum(p.size for p in net.params) > 50_000  # finite differences: one pass each


def test_scalar_engine_node_count_in_the_text():
    mults = 64 * 128 + 128 * 128 + 128 * 10
    assert mults == 25_856


def test_central_differences_reach_about_ten_digits():
    err = autodiff.fd_errors(np.sin, np.cos, 1.0, np.logspace(-14, -1, 53))
    ratio = err["one-sided"].min() / err["central"].min()
    assert 100 < ratio < 10_000  # "about a thousand times more accurate"
    assert 1e-13 < err["central"].min() / np.cos(1.0) < 1e-9  # "only ~10 digits"
