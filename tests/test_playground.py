"""helpers.playground: the trainer against theory and torch, its validation, its UI and overlays.

Reference values come from theory (a line cannot separate a disc from the ring around it), from
independent implementations (torch's BCE-with-logits and autograd, a brute-force search over
lines in numpy) or from the data generator, never from the code under test.
"""

import asyncio
import math
import time
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from helpers import data, widgets
from helpers import playground as P
from helpers.playground import Playground


def weight_norm2(pg: Playground) -> float:
    return sum(float((m.weight.detach() ** 2).sum()) for m in pg.model if isinstance(m, nn.Linear))


def best_line_accuracy(X: np.ndarray, y: np.ndarray, angles: int = 720) -> float:
    """Brute force: the best accuracy of any classifier sign(w.x - c) (numpy, independent)."""
    best = 0.0
    for t in np.linspace(0, np.pi, angles, endpoint=False):
        proj = X @ np.array([np.cos(t), np.sin(t)])
        ys = y[np.argsort(proj)]
        # threshold after k sorted points: those k are -1, the rest +1 (or the reverse)
        neg_left = np.concatenate([[0], np.cumsum(ys == -1)])
        pos_right = np.concatenate([np.cumsum((ys == 1)[::-1])[::-1], [0]])
        acc = (neg_left + pos_right) / len(y)
        best = max(best, acc.max(), (1 - acc).max())
    return float(best)


# ----------------------------------------------------------------------------- the maths


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 50), st.integers(0, 2**31 - 1), st.floats(0.1, 30))
def test_logistic_loss_equals_torch_bce_with_logits(m, seed, scale):
    g = torch.Generator().manual_seed(seed)
    logits = scale * torch.randn(m, generator=g, dtype=torch.float64)
    y = torch.where(torch.rand(m, generator=g) < 0.5, -1.0, 1.0).double()
    expected = nn.functional.binary_cross_entropy_with_logits(logits, (y + 1) / 2)
    torch.testing.assert_close(P.logistic_loss(logits, y), expected)


def test_logistic_loss_at_zero_logit_is_log2_and_rejects_bad_input():
    assert float(P.logistic_loss(torch.zeros(4), torch.ones(4))) == pytest.approx(math.log(2))
    with pytest.raises(ValueError, match="logits and y"):
        P.logistic_loss(torch.zeros(3), torch.zeros(4))
    with pytest.raises(TypeError, match="logits and y"):
        P.logistic_loss(np.zeros(3), torch.zeros(3))


@pytest.mark.parametrize("activation", list(P.ACTIVATIONS))
@pytest.mark.parametrize("hidden_layers, neurons", [(0, 4), (2, 0), (1, 1), (4, 16)])
def test_model_is_only_linear_and_activation_layers(activation, hidden_layers, neurons):
    pg = Playground(hidden_layers=hidden_layers, neurons=neurons, activation=activation)
    allowed = (nn.Linear, nn.ReLU, nn.Tanh, nn.Sigmoid, nn.Identity)
    assert isinstance(pg.model, nn.Sequential)
    assert all(type(m) in allowed for m in pg.model)
    linears = [m for m in pg.model if isinstance(m, nn.Linear)]
    assert linears[0].in_features == 2 and linears[-1].out_features == 1
    expected_linears = 1 if hidden_layers == 0 or neurons == 0 else hidden_layers + 1
    assert len(linears) == expected_linears
    assert len(pg.model) == 2 * expected_linears - 1  # an activation between Linear layers
    assert type(pg.model[-1]) is nn.Linear  # the output is a logit
    assert all(p.dtype == P.DTYPE for p in pg.model.parameters())


def test_zero_neurons_or_zero_layers_is_logistic_regression():
    for kwargs in (dict(neurons=0), dict(hidden_layers=0)):
        pg = Playground(dataset="gaussian", **kwargs)
        assert len(pg.model) == 1 and isinstance(pg.model[0], nn.Linear)
        pg.step(5)
        assert pg.epoch == 5 and not pg.diverged
        # a linear model: the logit is affine in x, so second differences on the grid vanish
        _, _, Z = pg.predict_grid(20)
        np.testing.assert_allclose(np.diff(Z, 2, axis=0), 0, atol=1e-4)
        np.testing.assert_allclose(np.diff(Z, 2, axis=1), 0, atol=1e-4)


# ----------------------------------------------------------------------------- training


def test_step_reduces_loss_and_separates_gaussian_blobs():
    pg = Playground(dataset="gaussian", noise=0.1)
    before = pg.loss()
    assert before == pg.history["train"][0]
    after = pg.step(30)
    assert after == pg.loss() < 0.5 * before
    assert pg.accuracy("train") >= 0.97 and pg.accuracy("test") >= 0.95


def test_circles_need_a_hidden_layer():
    """Theory: a half-plane cannot hold a disc and exclude the ring around it."""
    linear = Playground(dataset="circles", hidden_layers=0)
    linear.step(200)
    best = best_line_accuracy(linear.X_train, linear.y_train)
    assert best < 0.75  # no line gets close to separating the classes
    assert linear.accuracy("train") <= best + 0.02  # (the line search is discretised)
    assert linear.accuracy("test") <= 0.75
    mlp = Playground(dataset="circles", hidden_layers=2, neurons=4, activation="tanh")
    mlp.step(300)
    assert mlp.accuracy("train") >= 0.97 and mlp.accuracy("test") >= 0.95


def test_accuracy_and_loss_match_an_independent_forward_pass():
    pg = Playground(dataset="xor", hidden_layers=1, neurons=4, activation="relu")
    pg.step(20)
    for split in P.SPLITS:
        X, y = (pg.X_train, pg.y_train) if split == "train" else (pg.X_test, pg.y_test)
        with torch.no_grad():
            f = pg.model(torch.tensor(X, dtype=torch.float32)).squeeze(1).double()
        t = torch.tensor((y + 1) / 2, dtype=torch.float64)
        assert pg.loss(split) == pytest.approx(
            float(nn.functional.binary_cross_entropy_with_logits(f, t)), rel=1e-5)
        assert pg.accuracy(split) == pytest.approx(np.mean((f.numpy() >= 0) == (y == 1)))


def test_full_batch_step_is_gradient_descent_with_weight_decay():
    """One epoch with one batch = one step theta - lr * (grad of the mean BCE + l2 * W)."""
    pg = Playground(dataset="xor", hidden_layers=1, neurons=3, lr=0.1, l2=0.5, batch_size=1000)
    ref = [p.detach().clone().requires_grad_(True) for p in pg.model.parameters()]
    X = torch.tensor(pg.X_train, dtype=torch.float32)
    t = torch.tensor((pg.y_train + 1) / 2, dtype=torch.float32)
    W1, b1, W2, b2 = ref
    f = (torch.tanh(X @ W1.T + b1) @ W2.T + b2).squeeze(1)
    nn.functional.binary_cross_entropy_with_logits(f, t).backward()
    expected = [W1 - 0.1 * (W1.grad + 0.5 * W1), b1 - 0.1 * b1.grad,
                W2 - 0.1 * (W2.grad + 0.5 * W2), b2 - 0.1 * b2.grad]
    pg.step(1)
    for got, want in zip(pg.model.parameters(), expected):
        torch.testing.assert_close(got.detach(), want.detach(), rtol=1e-5, atol=1e-6)


def test_l2_shrinks_the_weights():
    plain = Playground(dataset="spiral", hidden_layers=2, neurons=8, l2=0.0)
    decayed = Playground(dataset="spiral", hidden_layers=2, neurons=8, l2=0.03)
    assert weight_norm2(plain) == weight_norm2(decayed)  # same seed, same start
    plain.step(50)
    decayed.step(50)
    assert weight_norm2(decayed) < 0.8 * weight_norm2(plain)


def test_same_seed_same_run_and_global_state_untouched():
    torch_state, np_state = torch.get_rng_state(), np.random.get_state()
    threads = torch.get_num_threads()
    a, b = Playground(seed=3), Playground(seed=3)
    a.step(10)
    b.step(10)
    assert a.history == b.history
    for p, q in zip(a.model.parameters(), b.model.parameters()):
        assert torch.equal(p, q)
    c = Playground(seed=4)
    c.step(10)
    assert c.history["train"] != a.history["train"]
    assert torch.equal(torch.get_rng_state(), torch_state)
    assert np.random.get_state()[1].tolist() == np_state[1].tolist()
    assert torch.get_num_threads() == threads  # training runs on one thread, then restores


def test_history_lengths_and_epochs():
    pg = Playground(dataset="gaussian")
    assert pg.epoch == 0 and len(pg.history["train"]) == len(pg.history["test"]) == 1
    pg.step(5)
    pg.step()
    pg.step(0)
    assert pg.epoch == 6 and len(pg.history["train"]) == len(pg.history["test"]) == 7
    assert pg.history["test"][-1] == pg.loss("test")


def test_split_sizes_and_points_come_from_the_data_set():
    pg = Playground(dataset="spiral", n=200, train_frac=0.3, noise=0.2, seed=5)
    assert pg.X_train.shape == (60, 2) and pg.y_train.shape == (60,)
    assert pg.X_test.shape == (140, 2) and pg.y_test.shape == (140,)
    X, y = data.make_dataset("spiral", n=200, noise=0.2, seed=5)
    got = np.vstack([pg.X_train, pg.X_test])
    labels = np.concatenate([pg.y_train, pg.y_test])
    order, ref = np.lexsort(got.T), np.lexsort(X.T)
    np.testing.assert_array_equal(got[order], X[ref])  # every point once, train and test disjoint
    np.testing.assert_array_equal(labels[order], y[ref])
    assert set(np.unique(labels)) == {-1, 1}
    tiny = Playground(n=4, train_frac=0.01)
    assert len(tiny.y_train) == 1 and len(tiny.y_test) == 3  # both splits are never empty


def test_lr_l2_batch_size_change_without_reset():
    pg = Playground(dataset="gaussian")
    pg.step(3)
    pg.lr, pg.l2, pg.batch_size = 0.1, 0.01, 1000
    assert (pg.lr, pg.l2, pg.batch_size, pg.epoch) == (0.1, 0.01, 1000, 3)
    pg.step(1)
    assert pg.epoch == 4


def test_reset_goes_back_to_epoch_zero_and_changes_hyper_parameters():
    pg = Playground(dataset="gaussian")
    first = [p.detach().clone() for p in pg.model.parameters()]
    pg.step(5)
    pg.reset()
    assert pg.epoch == 0 and len(pg.history["train"]) == 1 and not pg.diverged
    assert all(torch.equal(p, q) for p, q in zip(pg.model.parameters(), first))
    pg.reset(dataset="xor", hidden_layers=3, activation="relu")
    assert (pg.dataset, pg.hidden_layers, pg.activation) == ("xor", 3, "relu")
    assert sum(isinstance(m, nn.ReLU) for m in pg.model) == 3
    assert pg.config["lr"] == 0.03


def test_predict_grid_shape_box_and_sign():
    pg = Playground(dataset="xor", hidden_layers=1, neurons=4)
    pg.step(10)
    xs, ys, Z = pg.predict_grid(30)
    assert xs.shape == ys.shape == (30,) and Z.shape == (30, 30)
    assert (xs[0], xs[-1], ys[0], ys[-1]) == pytest.approx(pg.box)
    i, j = 7, 21  # row i is along y, column j along x
    with torch.no_grad():
        f = float(pg.model(torch.tensor([[xs[j], ys[i]]], dtype=torch.float32)))
    assert Z[i, j] == pytest.approx(f, rel=1e-5, abs=1e-6)
    assert Z.min() < 0 < Z.max()  # both classes predicted somewhere
    # the box holds every point
    X = np.vstack([pg.X_train, pg.X_test])
    assert X[:, 0].min() > pg.box[0] and X[:, 0].max() < pg.box[1]
    assert X[:, 1].min() > pg.box[2] and X[:, 1].max() < pg.box[3]


# ----------------------------------------------------------------------------- divergence


@pytest.mark.parametrize("lr", [10.0, 1e6])
@pytest.mark.parametrize("activation", list(P.ACTIVATIONS))
def test_huge_learning_rate_never_raises(lr, activation):
    pg = Playground(dataset="spiral", lr=lr, activation=activation, hidden_layers=3, neurons=8,
                    batch_size=1)
    loss = pg.step(5)
    if pg.diverged:
        epoch, length = pg.epoch, len(pg.history["train"])
        pg.step(3)  # a no-op once diverged
        assert pg.epoch == epoch and len(pg.history["train"]) == length
    else:
        assert np.all(np.isfinite(pg.history["train"] + pg.history["test"]))
        assert math.isfinite(loss)
    xs, ys, Z = pg.predict_grid(10)
    assert xs.shape == ys.shape == (10,) and Z.shape == (10, 10)
    assert 0.0 <= pg.accuracy("test") <= 1.0
    if not pg.diverged:  # the grid and the accuracy agree with torch's forward pass
        with torch.no_grad():
            f = pg.model(torch.tensor(pg.X_test, dtype=torch.float32)).squeeze(1).numpy()
            f_grid = pg.model(torch.tensor([[xs[3], ys[6]]], dtype=torch.float32)).item()
        assert pg.accuracy("test") == pytest.approx(np.mean(np.where(f >= 0, 1, -1) == pg.y_test))
        assert Z[6, 3] == pytest.approx(f_grid, rel=1e-4, abs=1e-4)


def test_linear_network_with_lr_1e6_diverges_and_reset_recovers():
    pg = Playground(dataset="xor", lr=1e6, activation="linear")
    pg.step(5)
    assert pg.diverged and not math.isfinite(pg.history["train"][-1])
    pg.reset(lr=0.03)
    assert not pg.diverged and pg.epoch == 0


# ----------------------------------------------------------------------------- validation

BAD_ARGUMENTS = [
    ("dataset", "moons", ValueError), ("dataset", 3, ValueError),
    ("noise", -0.1, ValueError), ("noise", float("nan"), ValueError), ("noise", "0.1", TypeError),
    ("train_frac", 0.0, ValueError), ("train_frac", 1.0, ValueError),
    ("hidden_layers", -1, ValueError), ("hidden_layers", 5, ValueError),
    ("hidden_layers", 2.0, TypeError), ("neurons", 17, ValueError), ("neurons", -1, ValueError),
    ("neurons", True, TypeError), ("activation", "gelu", ValueError),
    ("lr", 0.0, ValueError), ("lr", -1.0, ValueError), ("lr", float("inf"), ValueError),
    ("lr", None, TypeError), ("l2", -0.5, ValueError), ("batch_size", 0, ValueError),
    ("batch_size", 2.5, TypeError), ("n", 3, ValueError), ("n", 10**6, ValueError),
    ("seed", -1, ValueError), ("seed", "0", TypeError),
]


@pytest.mark.parametrize("name, value, error", BAD_ARGUMENTS)
def test_bad_arguments_are_named(name, value, error):
    with pytest.raises(error, match=name):
        Playground(**{name: value})
    pg = Playground()
    with pytest.raises(error, match=name):
        pg.reset(**{name: value})
    assert pg.config[name] == Playground().config[name]  # a failed reset changes nothing


def test_bad_method_arguments_are_named():
    pg = Playground()
    with pytest.raises(TypeError, match="learning_rate"):
        pg.reset(learning_rate=0.1)
    with pytest.raises(ValueError, match="n must"):
        pg.step(-1)
    with pytest.raises(ValueError, match="split"):
        pg.loss("validation")
    with pytest.raises(ValueError, match="split"):
        pg.accuracy("val")
    with pytest.raises(ValueError, match="resolution"):
        pg.predict_grid(1)
    with pytest.raises(ValueError, match="X must"):
        pg.logits(np.zeros(3))
    with pytest.raises(TypeError, match="X must"):
        pg.logits([["a", "b"]])
    with pytest.raises(ValueError, match="lr"):
        pg.lr = -0.1
    with pytest.raises(ValueError, match="l2"):
        pg.l2 = float("nan")
    with pytest.raises(TypeError, match="batch_size"):
        pg.batch_size = 1.5
    with pytest.raises(AttributeError):
        pg.dataset = "xor"  # data and architecture change through reset()
    with pytest.raises(TypeError, match="pg"):
        P.PlaygroundUI("not a playground")
    with pytest.raises(TypeError, match="overlays"):
        P.PlaygroundUI(pg, overlays=[object()])
    with pytest.raises(ValueError, match="epochs_per_frame"):
        P.PlaygroundUI(pg, epochs_per_frame=0)
    with pytest.raises(ValueError, match="frame_interval"):
        P.PlaygroundUI(pg, frame_interval=-1.0)
    with pytest.raises(ValueError, match="resolution"):
        P.PlaygroundUI(pg, resolution=1)
    with pytest.raises(ValueError, match="resolution"):
        P.plot(pg, resolution=0)
    with pytest.raises(TypeError, match="frame_interval"):
        P.PlaygroundUI(pg, frame_interval="fast")
    with pytest.raises(TypeError, match="resolution"):
        pg.predict_grid(np.float64(20.0))
    pg.lr = np.float32(0.1)  # numpy scalars are numbers too
    assert pg.lr == pytest.approx(0.1) and type(pg.lr) is float


def test_build_mlp_validates_and_uses_only_its_generator():
    g1, g2 = torch.Generator().manual_seed(1), torch.Generator().manual_seed(1)
    a, b = P.build_mlp(2, 3, "relu", g1), P.build_mlp(2, 3, "relu", g2)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    bound = 1 / math.sqrt(3)  # the second layer's fan-in
    assert float(a[2].weight.detach().abs().max()) <= bound
    with pytest.raises(TypeError, match="generator"):
        P.build_mlp(1, 2, "tanh", 0)
    with pytest.raises(ValueError, match="activation"):
        P.build_mlp(1, 2, "softmax", g1)
    with pytest.raises(ValueError, match="hidden_layers"):
        P.build_mlp(9, 2, "tanh", g1)


# ----------------------------------------------------------------------------- the UI


class DummyOverlay:
    """Records calls; draws one marker at the box centre."""

    def __init__(self, with_view: bool = True):
        import ipywidgets as W

        self.view = W.Label("overlay view") if with_view else None
        self.calls = []

    def attach(self, ax):
        self.ax = ax
        self.marker, = ax.plot([], [], "k+")
        self.calls.append("attach")

    def update(self, pg):
        box = pg.box
        self.marker.set_data([(box[0] + box[1]) / 2], [(box[2] + box[3]) / 2])
        self.calls.append(("update", pg.epoch))

    def reset(self, pg):
        self.calls.append(("reset", pg.dataset))


@pytest.fixture
def ui():
    w = P.playground(dataset="gaussian")
    yield w.ui
    plt.close(w.ui.fig)


def heatmap(ui) -> np.ndarray:
    """The heatmap of the last frame sent to the browser, decoded: (R, R), rows along y."""
    R = ui.live.last_frame["R"]
    q = np.frombuffer(ui.live.last_buffers[0], dtype=np.uint8).reshape(R, R)[::-1]
    return q / 127.5 - 1


def torch_heatmap(pg, resolution):
    """tanh(f / 2) on the grid, computed independently with torch (rows along y)."""
    xs = np.linspace(pg.box[0], pg.box[1], resolution)
    ys = np.linspace(pg.box[2], pg.box[3], resolution)
    XY = torch.tensor(np.stack(np.meshgrid(xs, ys), -1).reshape(-1, 2), dtype=torch.float32)
    with torch.no_grad():
        return torch.tanh(pg.model(XY)[:, 0] / 2).numpy().reshape(resolution, resolution)


def test_playground_widget_has_playground_and_ui(ui):
    w = ui.widget
    assert w.playground is ui.pg and w.ui is ui
    assert ui.live in w.children[0].children[1].children  # the live view is shown
    assert set(ui.controls) == {"dataset", "noise", "train_frac", "hidden_layers", "neurons",
                                "activation", "lr", "l2", "batch_size"}


def imported_modules(path: Path) -> set[str]:
    import ast

    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            names |= {f"{node.module}.{a.name}" for a in node.names} | {node.module}
    return names


def test_the_model_knows_nothing_of_any_ui():
    pg = Playground()
    assert not any(hasattr(pg, name) for name in ("widget", "_ui", "ui"))
    package = Path(P.__file__).parent
    ui_modules = ("ipywidgets", "anywidget", "helpers.widgets", "helpers.playground.ui",
                  "helpers.playground.live", "matplotlib.pyplot")
    model = imported_modules(package / "model.py")
    assert not {m for m in model if m.startswith(ui_modules)}, model
    assert not {m for m in model if m.startswith("helpers.playground")}  # nothing above it
    drawing = imported_modules(package / "view.py")  # pure drawing: no widgets either
    assert not {m for m in drawing if m.startswith(ui_modules[:2] + ui_modules[3:])}, drawing


def test_step_button_advances_epoch_and_curves(ui):
    ui.step_button.click()
    ui.step_button.click()
    assert ui.pg.epoch == 2
    frame = ui.live.last_frame
    assert frame["info"].startswith("epoch 2 ") and frame["loss_start"] == 2
    assert frame["train"] == ui.pg.history["train"][2:] and len(ui.pg.history["train"]) == 3
    # the picture sent to the browser is tanh(f / 2) of the model, within one byte step
    np.testing.assert_allclose(heatmap(ui), torch_heatmap(ui.pg, P.RESOLUTION), atol=1 / 127)
    assert ui.snapshot().texts[0].get_text() == frame["info"]  # the static figure agrees
    x, y = ui.view.lines["train"].get_data()
    assert list(x) == [0, 1, 2] and list(y) == ui.pg.history["train"]


def test_reset_button_returns_to_epoch_zero(ui):
    ui.step_button.click()
    ui.reset_button.click()
    frame = ui.live.last_frame
    assert ui.pg.epoch == 0 and frame["loss_start"] == 0 and len(frame["train"]) == 1


def test_a_new_browser_view_gets_the_whole_loss_history(ui):
    for _ in range(3):
        ui.step_button.click()
    assert ui.live.last_frame["loss_start"] == 3
    ui.live._on_msg(ui.live, {"type": "ready"}, [])  # what a newly shown view says
    ui.redraw()
    assert ui.live.last_frame["loss_start"] == 0 and len(ui.live.last_frame["test"]) == 4


def test_data_and_architecture_controls_reset(ui):
    ui.step_button.click()
    ui.controls["dataset"].value = "spiral"
    assert ui.pg.dataset == "spiral" and ui.pg.epoch == 0
    train_pos = ui.view.points["train", 1].get_offsets()
    np.testing.assert_array_equal(train_pos, ui.pg.X_train[ui.pg.y_train == 1])
    assert ui.view.ax_map.get_xlim() == pytest.approx(ui.pg.box[:2])
    scene = ui.live.scene  # what the browser draws
    np.testing.assert_allclose([p[:2] for p in scene["test"]], ui.pg.X_test)
    assert [p[2] for p in scene["test"]] == ui.pg.y_test.tolist()
    assert scene["box"] == pytest.approx(ui.pg.box)
    ui.step_button.click()
    ui.controls["hidden_layers"].value = 4
    assert ui.pg.hidden_layers == 4 and ui.pg.epoch == 0
    ui.controls["neurons"].value = 16
    ui.controls["activation"].value = "relu"
    ui.controls["train_frac"].value = 0.9
    ui.controls["noise"].value = 1.0
    assert (ui.pg.neurons, ui.pg.activation, len(ui.pg.y_train), ui.pg.noise) == (
        16, "relu", 180, 1.0)


def test_training_controls_apply_without_reset(ui):
    ui.step_button.click()
    ui.controls["lr"].value = 0.3
    ui.controls["l2"].value = 0.01
    ui.controls["batch_size"].value = 1
    assert (ui.pg.lr, ui.pg.l2, ui.pg.batch_size, ui.pg.epoch) == (0.3, 0.01, 1, 1)


def test_ui_reset_with_changes_updates_controls():
    w = P.playground(lr=0.05)  # a value that is not a preset is added to the choices
    ui = w.ui
    assert ui.controls["lr"].value == 0.05
    ui.reset(dataset="xor", lr=1e6, neurons=0)
    assert ui.controls["dataset"].value == "xor" and ui.controls["lr"].value == 1e6
    assert ui.controls["neurons"].value == 0 and ui.pg.epoch == 0
    plt.close(ui.fig)


def test_controls_show_values_outside_their_presets():
    w = P.playground(noise=2.0, train_frac=0.05, batch_size=100, neurons=0, lr=0.05, l2=0.2)
    c = w.ui.controls
    assert (c["noise"].value, c["train_frac"].value, c["batch_size"].value) == (2.0, 0.05, 100)
    assert (c["neurons"].value, c["lr"].value, c["l2"].value) == (0, 0.05, 0.2)
    assert w.ui.pg.epoch == 0  # showing the values did not reset or train
    plt.close(w.ui.fig)


def test_redraw_notices_a_reset_made_on_the_playground():
    ov = DummyOverlay()
    w = P.playground(overlays=[ov], dataset="gaussian")
    ui = w.ui
    ui.pg.reset(dataset="xor", hidden_layers=1)  # behind the UI's back
    ui.pg.step(2)
    ui.redraw()
    assert ui.controls["dataset"].value == "xor" and ui.controls["hidden_layers"].value == 1
    np.testing.assert_array_equal(ui.view.points["test", -1].get_offsets(),
                                  ui.pg.X_test[ui.pg.y_test == -1])
    assert ov.calls[-2:] == [("reset", "xor"), ("update", 2)]
    assert ui.pg.epoch == 2  # syncing the controls did not reset again
    assert ui.live.scene["box"] == pytest.approx(ui.pg.box)


@pytest.mark.parametrize("activation", list(P.ACTIVATIONS))
def test_ui_at_extremes_never_raises_and_shows_banner_when_diverged(activation):
    w = P.playground(dataset="spiral", activation=activation, hidden_layers=4, neurons=16,
                     batch_size=1, lr=10.0)
    ui = w.ui
    for _ in range(3):
        ui.step_button.click()
    ui.redraw()
    frame = ui.live.last_frame
    assert frame["diverged"] == ui.pg.diverged
    if ui.pg.diverged:
        assert frame["banner"] == widgets.DIVERGED_MESSAGE and frame["R"] == 0  # no new heatmap
        assert frame["info"].endswith("accuracy: —")
        assert None in frame["train"] or not all(map(math.isfinite, ui.pg.history["train"]))
    ui.snapshot().canvas.draw()
    ui.reset(lr=0.03)  # then every slider to both ends, from a healthy start
    for name in ("noise", "train_frac", "hidden_layers", "neurons", "batch_size", "l2", "lr"):
        c = ui.controls[name]
        lo, hi = (c.options[0], c.options[-1]) if hasattr(c, "options") else (c.min, c.max)
        for value in (lo, hi):
            c.value = value
            ui.step_button.click()
            assert getattr(ui.pg, name) == value
            assert ui.live.last_frame["diverged"] == ui.pg.diverged
    ui.snapshot().canvas.draw()
    assert ui.view.banner.get_visible() == ui.pg.diverged


def test_diverged_ui_freezes_heatmap_and_shows_banner():
    w = P.playground(dataset="xor", lr=1e6, activation="linear")
    ui = w.ui
    assert not ui.live.last_frame["diverged"] and ui.live.last_frame["R"] == P.RESOLUTION
    before = np.array(ui.snapshot().axes[0].images[0].get_array())
    ui.step_button.click()
    assert ui.pg.diverged and ui.live.last_frame["diverged"] and ui.live.last_frame["R"] == 0
    ui.snapshot()
    assert ui.view.banner.get_visible()
    np.testing.assert_array_equal(ui.view.image.get_array(), before)  # frozen, not NaN
    ui.step_button.click()  # still no exception
    ui.reset_button.click()
    assert not ui.pg.diverged and not ui.live.last_frame["diverged"]
    assert not ui.snapshot().axes[0].texts[0].get_visible()
    ui.fig.canvas.draw()


def test_lowering_the_learning_rate_after_divergence_starts_again():
    w = P.playground(dataset="xor", lr=1e6, activation="linear")
    ui = w.ui
    ui.step_button.click()
    assert ui.pg.diverged
    ui.controls["lr"].value = 0.03
    assert not ui.pg.diverged and ui.pg.epoch == 0 and ui.pg.lr == 0.03
    assert not ui.live.last_frame["diverged"]


def test_play_runs_in_a_real_kernel():
    """In a Jupyter kernel the play loop is an asyncio task that runs between cells."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    cells = [
        "import asyncio\nfrom helpers import playground\n"
        "w = playground.playground(dataset='gaussian')\nw.ui.play_button.value = True",
        "await asyncio.sleep(0.5)\nw.ui.play_button.value = False\nawait asyncio.sleep(0.1)\n"
        "e = w.playground.epoch\nawait asyncio.sleep(0.2)\n"
        "print(e >= 3, w.playground.epoch == e, w.ui._task.done())",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    root = str(Path(__file__).resolve().parent.parent)
    nbclient.NotebookClient(nb, timeout=60, kernel_name="python3",
                            resources={"metadata": {"path": root}}).execute()
    assert nb.cells[1].outputs[0]["text"].strip() == "True True True"


def test_overlay_is_attached_updated_and_reset():
    ov = DummyOverlay()
    quiet = DummyOverlay(with_view=False)
    w = P.playground(overlays=[ov, quiet], dataset="gaussian")
    ui = w.ui
    assert ov.ax is ui.view.ax_map and ov.calls == ["attach", ("update", 0)]
    assert ov.view in w.children and len(w.children) == 2  # the view without None
    ui.step_button.click()
    assert ov.calls[-1] == ("update", 1)
    ui.controls["dataset"].value = "circles"
    assert ("reset", "circles") in ov.calls and ov.calls[-1] == ("update", 0)
    ui.reset_button.click()
    assert ov.calls[-2:] == [("reset", "circles"), ("update", 0)]
    assert ov.calls.count("attach") == 1 and quiet.calls == ov.calls
    assert ov.marker.get_xdata()[0] == pytest.approx(sum(ui.pg.box[:2]) / 2)
    plt.close(ui.fig)


def test_play_trains_in_the_event_loop_until_pause():
    w = P.playground(dataset="gaussian")
    ui = w.ui

    async def run():
        ui.play_button.value = True
        await asyncio.sleep(0.3)  # about 7 frames of 1 epoch, 0.04 s apart
        assert ui.pg.epoch >= 3 and ui.play_button.description == "pause"
        ui.play_button.value = False
        await asyncio.sleep(0.1)
        return ui.pg.epoch

    epoch = asyncio.run(run())
    assert ui._task.done() and ui.pg.epoch == epoch and ui.play_button.description == "play"
    plt.close(ui.fig)


def test_play_stops_by_itself_when_diverged():
    w = P.playground(dataset="xor", lr=1e6, activation="linear")
    ui = w.ui

    async def run():
        ui.play_button.value = True
        await asyncio.sleep(0.2)

    asyncio.run(run())
    assert ui.pg.diverged and not ui.play_button.value and ui.live.last_frame["diverged"]


def test_play_without_event_loop_runs_one_frame(ui):
    ui.play_button.value = True
    assert ui.pg.epoch == 1 and not ui.play_button.value


def test_static_plot_has_both_panels():
    pg = Playground(dataset="gaussian")
    pg.step(2)
    fig = P.plot(pg)
    ax_map, ax_loss = fig.axes
    assert ax_loss.get_xlabel() == "epoch" and ax_map.get_xlabel() == "$x_1$"
    assert fig.texts[0].get_text().startswith("epoch 2 ")
    assert len(ax_map.collections) >= 4  # train and test points of both classes
    assert plt.get_fignums() == [] or all(plt.figure(i) is not fig for i in plt.get_fignums())


# ----------------------------------------------------------------------------- the fast paths


@pytest.mark.parametrize("activation", list(P.ACTIVATIONS))
def test_hand_written_gradients_equal_torch_autograd(activation):
    """Backpropagation by hand (numpy) against torch's autograd, on a minibatch with L2."""
    g = torch.Generator().manual_seed(7)
    net = P.build_mlp(3, 5, activation, g).double()
    X = torch.randn(9, 2, generator=g, dtype=torch.float64)
    y = torch.where(torch.rand(9, generator=g) < 0.5, -1.0, 1.0).double()
    l2 = 0.3
    loss = nn.functional.binary_cross_entropy_with_logits(net(X).squeeze(1), (y + 1) / 2)
    weights = [m.weight for m in net if isinstance(m, nn.Linear)]
    loss = loss + l2 / 2 * sum((W ** 2).sum() for W in weights)
    expected = torch.autograd.grad(loss, list(net.parameters()))
    params = [(m.weight.detach().numpy(), m.bias.detach().numpy())
              for m in net if isinstance(m, nn.Linear)]
    hs, zs = P.forward(params, X.numpy(), activation)
    with torch.no_grad():
        np.testing.assert_allclose(zs[-1][:, 0], net(X).squeeze(1).numpy(), rtol=1e-12)
    got = [t for pair in P.gradients(params, hs, zs, y.numpy(), activation, l2) for t in pair]
    for a, b in zip(got, expected):
        np.testing.assert_allclose(a, b.numpy(), rtol=1e-10, atol=1e-12)


def test_public_fast_paths_check_their_arguments_and_sgd_step_updates_in_place():
    g = torch.Generator().manual_seed(0)
    params = P.model.numpy_params(P.build_mlp(1, 3, "tanh", g))
    X, y = np.ones((4, 2), dtype=np.float32), np.array([1, -1, 1, -1])
    hs, zs = P.forward(params, X, "tanh")
    cases = [
        (TypeError, "params", lambda: P.forward(None, X, "tanh")),
        (TypeError, r"params\[1\]", lambda: P.forward([params[0], (1, 2)], X, "tanh")),
        (ValueError, r"params\[1\] must be W \(out, 3\)", lambda: P.forward([params[0], params[0]], X, "tanh")),
        (ValueError, r"X must have shape \(n, 2\)", lambda: P.forward(params, np.ones((4, 3)), "tanh")),
        (ValueError, "activation", lambda: P.forward(params, X, "swish")),
        (TypeError, "hs", lambda: P.gradients(params, None, zs, y, "tanh", 0.0)),
        (ValueError, r"zs\[1\] must have shape", lambda: P.gradients(params, hs, [zs[0], zs[0]], y, "tanh", 0.0)),
        (ValueError, "y must hold only the labels", lambda: P.gradients(params, hs, zs, 2 * y, "tanh", 0.0)),
        (ValueError, "l2 must be >= 0", lambda: P.gradients(params, hs, zs, y, "tanh", -1.0)),
        (ValueError, "lr must be > 0", lambda: P.sgd_step(params, X, y, "tanh", 0.0, 0.0)),
        (ValueError, "y must have 4 entries", lambda: P.sgd_step(params, X, y[:3], "tanh", 0.1, 0.0)),
    ]
    for error, match, call in cases:
        with pytest.raises(error, match=match):
            call()
    before = [W.copy() for W, _ in params]
    P.sgd_step(params, X, y, "tanh", 0.1, 0.0)  # the caller's arrays change (views of the model)
    assert all(not np.array_equal(W, W0) for (W, _), W0 in zip(params, before))


def test_step_batches_continue_the_epoch_and_match_step():
    a = Playground(dataset="spiral", hidden_layers=2, neurons=8, activation="relu", batch_size=7)
    b = Playground(dataset="spiral", hidden_layers=2, neurons=8, activation="relu", batch_size=7)
    a.step(3)
    per_epoch = math.ceil(len(b.y_train) / 7)  # 15 minibatches
    assert b.step_batches(per_epoch - 1) == 0 and b.epoch == 0  # one short of an epoch
    before = [p.detach().clone() for p in b.model.parameters()]
    assert b.step_batches(1) == 1 and b.epoch == 1
    assert not all(torch.equal(p, q) for p, q in zip(b.model.parameters(), before))
    assert b.step_batches(per_epoch + 2) == 1 and b.epoch == 2  # into the third epoch
    b.step(1)  # finishes the third epoch
    assert b.epoch == 3 and b.history == a.history
    with pytest.raises(ValueError, match="k must"):
        b.step_batches(-1)
    with pytest.raises(TypeError, match="k must"):
        b.step_batches(1.0)


def test_encode_heatmap_and_colour_table():
    colour = np.array([[-1.0, 0.0], [0.5, 1.0]])  # rows along y: row 0 is the bottom
    q = np.frombuffer(P.view.encode_heatmap(colour), dtype=np.uint8).reshape(2, 2)
    assert q.tolist() == [[191, 255], [0, 128]]  # top row first; round((c + 1) * 127.5)
    lut = P.view.colour_table(alpha=1.0)
    assert len(lut) == 256 and lut[0] == [0xE6, 0x9F, 0x00] and lut[255] == [0, 0x72, 0xB2]
    assert lut[128] == pytest.approx([255, 255, 255], abs=2)  # white on the boundary
    assert P.view.colour_table(alpha=0.0)[0] == [255, 255, 255]
    with pytest.raises(ValueError, match="colour"):
        P.view.encode_heatmap(np.zeros(3))


def test_live_view_keeps_at_most_one_frame_in_flight():
    live = P.LiveView()
    pg = Playground(dataset="gaussian")
    state = P.frame_state(pg, 10)

    async def run():
        assert await live.caught_up(timeout=0.05)  # no browser yet: never waits
        live._on_msg(live, {"type": "ready"}, [])
        for _ in range(3):
            live.show(pg, state)
        assert not await live.caught_up(timeout=0.05)  # 3 sent, none painted
        live._on_msg(live, {"type": "ack", "frame": 2}, [])
        return await live.caught_up(timeout=0.05)  # frame 3 in flight is allowed

    assert asyncio.run(run())
    assert live.last_frame["R"] == 10 and live.last_frame["frame"] == 3


def test_play_loop_yields_to_the_kernel_however_long_a_frame_takes(ui):
    ticks, frames = [], []

    def slow_frame():
        frames.append(len(ticks))
        time.sleep(0.06)  # longer than the frame interval

    ui.play_frame = slow_frame

    async def run():
        async def other():  # stands for the kernel's message handling
            while True:
                ticks.append(1)
                await asyncio.sleep(0)

        task = asyncio.get_running_loop().create_task(other())
        ui.play_button.value = True
        await asyncio.sleep(0.4)
        ui.play_button.value = False
        await asyncio.sleep(0.05)
        task.cancel()

    asyncio.run(run())
    assert len(frames) >= 3
    assert all(b > a for a, b in zip(frames, frames[1:]))  # the kernel ran between frames


def test_a_slow_epoch_spans_several_play_frames():
    w = P.playground(dataset="spiral", hidden_layers=4, neurons=16, activation="relu",
                     batch_size=1)
    ui = w.ui
    ui._batch_seconds = P.ui.TRAIN_BUDGET / 10  # as measured on a slow machine: 10 per frame
    before = ui.live.frames_sent
    ui.play_frame()
    assert ui.pg.epoch == 0 and ui.pg._position == 10  # 10 of 100 minibatches
    assert ui.live.frames_sent == before + 1  # and a frame showing them
    np.testing.assert_allclose(heatmap(ui), torch_heatmap(ui.pg, P.RESOLUTION), atol=1 / 127)
    ui._batch_seconds = 1e-6  # fast: whole epochs again
    ui.play_frame()
    assert ui.pg.epoch == 1 and ui.pg._position == 0


def test_live_view_script_parses():
    import shutil
    import subprocess

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    path = Path(__file__).resolve().parent / "_live_view_check.mjs"
    path.write_text(P.LiveView._esm)
    try:
        subprocess.run([node, "--check", str(path)], check=True, capture_output=True)
    finally:
        path.unlink()


def test_region_overlay_goes_quick_first_then_exact():
    from helpers import regions

    w = regions.playground(dataset="xor", hidden_layers=2, neurons=4, seed=1)
    ui, ov = w.ui, w.overlay
    exact = regions.count_regions_2d(ui.pg.model, ui.pg.box)
    ui.pg.step(1)
    ov.update_quick(ui.pg, 0.0)  # budget 0: no count, the picture only
    assert ov.behind and 1 not in ov.counts and ov.message == f"{exact} linear regions (epoch 0)"
    layer, data = ov.live_layer()
    keys, colours = regions.overlay.pattern_grid(ui.pg.model, ui.pg.box, layer["R"])
    got = np.frombuffer(data, dtype=np.uint8).reshape(layer["R"], -1)[::-1]
    np.testing.assert_array_equal(got, colours)  # the live layer is the pattern grid
    assert len(layer["palette"]) == len(regions.overlay.REGION_PALETTE)
    assert all(c[3] == round(255 * ov.alpha) for c in layer["palette"])
    ui.redraw()  # no event loop: the quick frame, then the exact one at once
    assert not ov.behind and ov.counts[1] == regions.count_regions_2d(ui.pg.model, ui.pg.box)
    assert ui.live.last_frame["layer"]["text"] == f"{ov.counts[1]} linear regions"
    ov.mode.value = "outline"  # the mode buttons send a new frame
    edges = np.frombuffer(ui.live.last_buffers[1], dtype=np.uint8)
    assert 0 < (edges == 0).mean() < 0.5 and set(np.unique(edges)) == {0, 255}
    ov.mode.value = "hide"
    assert ui.live.last_frame["layer"]["R"] == 0 and ui.live.last_buffers[1] == b""
    with pytest.raises(ValueError, match="budget"):
        ov.update_quick(ui.pg, 2.0)
