"""helpers.attention: the notebook's claims about training, over several seeds, in the metric
they are about (test accuracy, sequence accuracy), the sets toy, and the widgets.
"""

import numpy as np
import pytest
import torch

from helpers import attention, widgets

SEEDS = (0, 1, 2)


# ------------------------------------------------------------------ the "eaten" toy
def _label_by_geometry(scene: np.ndarray) -> int:
    """Independent of eaten_label: distances to the (single) sheep, by kind."""
    kinds = scene[:, 2:].argmax(1)
    sheep = scene[kinds == 1, :2][0]
    d = np.hypot(*(scene[:, :2] - sheep).T)
    return int(d[kinds == 0].min() < 0.3 and not (d[kinds == 2] < 0.25).any())


def test_eaten_dataset_is_balanced_shuffled_and_follows_the_rule():
    X, y = attention.eaten_dataset(400, seed=3)
    assert X.shape == (400, 6, 6) and X.dtype == torch.float32 and y.shape == (400,)
    assert y.sum() == 200
    Xn = X.numpy()
    assert all(_label_by_geometry(s) == t for s, t in zip(Xn, y.numpy()))
    assert all(attention.eaten_label(s) == t for s, t in zip(Xn[:100], y.numpy()[:100]))
    kinds = Xn[:, :, 2:].argmax(2)
    np.testing.assert_array_equal(np.sort(kinds, axis=1), np.tile([0, 0, 1, 2, 2, 3], (400, 1)))
    assert len({tuple(k) for k in kinds}) > 50  # item order differs between scenes
    assert np.all((Xn[:, :, :2] >= 0) & (Xn[:, :, :2] <= 1))
    X2, y2 = attention.eaten_dataset(400, seed=3)
    assert torch.equal(X, X2) and torch.equal(y, y2)  # deterministic


@pytest.mark.parametrize("Model", [attention.PointNetModel, attention.RelationalModel])
def test_set_models_are_permutation_invariant(Model):
    torch.manual_seed(0)
    model = Model()
    X, _ = attention.eaten_dataset(20, seed=0)
    for perm in ([5, 4, 3, 2, 1, 0], [1, 0, 2, 3, 5, 4]):
        with torch.no_grad():
            torch.testing.assert_close(model(X[:, perm]), model(X), atol=1e-5, rtol=0)


def test_relational_first_layer_trick_equals_concatenation():
    torch.manual_seed(0)
    model = attention.RelationalModel()
    X, _ = attention.eaten_dataset(4, seed=0)
    B, N, C = X.shape
    pairs = torch.cat([X[:, :, None].expand(B, N, N, C), X[:, None].expand(B, N, N, C),
                       torch.cdist(X[..., :2], X[..., :2])[..., None]], dim=-1)
    ref = torch.relu(model.h_rest(torch.relu(model.h_first(pairs))))
    torch.testing.assert_close(model.pair_features(X), ref, atol=1e-5, rtol=0)


@pytest.fixture(scope="module")
def set_results():
    """The notebook's set-up (2,000 scenes, 16 epochs) for three seeds."""
    X_test, y_test = attention.eaten_dataset(2000, seed=1)
    out = []
    for seed in SEEDS:
        X, y = attention.eaten_dataset(2000, seed=seed)
        row = {}
        for name, Model in (("pointnet", attention.PointNetModel),
                            ("relational", attention.RelationalModel)):
            model = Model()
            losses = attention.train_set_model(model, X, y, epochs=16, seed=seed)
            row[name] = (attention.accuracy(model, X_test, y_test), losses)
        out.append(row)
    return out


def test_relational_beats_pointnet_on_test_accuracy(set_results):
    for row in set_results:  # the notebook: "by > 10 points", on every seed
        assert row["relational"][0] > row["pointnet"][0] + 0.10, row
        assert row["relational"][1][-1] < row["pointnet"][1][-1]  # lower final training loss


def test_same_size_models():
    n = attention.n_params(attention.PointNetModel()), attention.n_params(attention.RelationalModel())
    assert 2300 <= n[0] <= 2500 and 2500 <= n[1] <= 2700


# ------------------------------------------------------------------ the tiny transformer
@pytest.fixture(scope="module")
def toy_results():
    return {seed: {kind: attention.train_toy("reverse", kind, steps=150, seed=seed)
                   for kind in attention.MODELS} for seed in SEEDS}


def test_transformer_reverses_and_baselines_do_not(toy_results):
    for seed, res in toy_results.items():
        assert res["transformer"].accuracy >= 0.95, (seed, res["transformer"].accuracy)
        assert res["mlp"].accuracy < 0.80 and res["rnn"].accuracy < 0.80
        assert res["mlp"].digit_accuracy > 0.5  # "most single digits right"
        assert res["rnn"].accuracy < 0.1  # "fails"


def test_models_have_similar_sizes(toy_results):
    sizes = [r.n_params for r in toy_results[0].values()]
    assert max(sizes) / min(sizes) < 1.25 and max(sizes) < 25_000


def test_a_last_layer_head_reads_the_mirror_position(toy_results):
    seq = torch.tensor([[3, 1, 4, 1, 5, 9, 2, 6]])
    for res in toy_results.values():
        model = res["transformer"].model
        last = model.attention_maps(seq)[-1][0]  # (H, 8, 8)
        share = last[:, torch.arange(8), torch.arange(8).flip(0)].mean(1)
        assert share.max() > 0.5
        assert model(seq).argmax(-1)[0].tolist() == [6, 2, 9, 5, 1, 4, 1, 3]


def test_sequence_accuracy_is_all_digits():
    class Echo(torch.nn.Module):
        def forward(self, x):
            return torch.nn.functional.one_hot(x, 10).float()

    x, y = attention.toy_batch("reverse", 50, 8, seed=0)
    palindromes = (x == x.flip(1)).all(1).float().mean()
    assert attention.sequence_accuracy(Echo(), x, y) == pytest.approx(float(palindromes))
    xs, ys = attention.toy_batch("sort", 5, 6, seed=1)
    assert torch.equal(ys, torch.sort(xs, 1).values)


def test_training_is_deterministic_and_validates():
    a = attention.train_toy("reverse", "mlp", steps=5, seed=4, n_test=10)
    b = attention.train_toy("reverse", "mlp", steps=5, seed=4, n_test=10)
    np.testing.assert_array_equal(a.losses, b.losses)
    with pytest.raises(ValueError, match="task"):
        attention.train_toy("rotate")
    with pytest.raises(ValueError, match="kind"):
        attention.train_toy("reverse", "cnn")
    with pytest.raises(ValueError, match="steps"):
        attention.train_toy(steps=0)
    with pytest.raises(TypeError, match="x must be an int64"):
        attention.TinyTransformer()(torch.zeros(1, 8))
    with pytest.raises(ValueError, match="at most 8"):
        attention.TinyTransformer()(torch.zeros(1, 9, dtype=torch.long))


# ------------------------------------------------------------------ widgets
def test_attention_viewer_updates_and_survives_bad_text(toy_results):
    model = toy_results[0]["transformer"].model
    w = attention.attention_viewer(model)
    for layer in (0, 1):
        for head in (0, 1):
            w.controls["layer"].value, w.controls["head"].value = layer, head
            for q in (0, 7):
                w.controls["query"].value = q
                view = w.update()
                assert view["weights"].shape == (8, 8)
                np.testing.assert_allclose(view["weights"].sum(1), 1, atol=1e-5)
    for text in ("123", "abcdefgh", "", "1 2 3 4 5 6 7 8 9", "00000000"):
        w.controls["text"].value = text
        view = w.update()
        assert (view is None) == (text not in ("00000000",))
    w.controls["text"].value = "3,1,4,1,5,9,2,6"
    assert w.update()["output"].tolist() == [6, 2, 9, 5, 1, 4, 1, 3]
    w.canvas.draw()
    assert attention.parse_digits("12", 3) is None
    with pytest.raises(TypeError):
        attention.parse_digits(12, 2)
    with pytest.raises(ValueError, match="layer"):
        attention.viewer_data(model, torch.zeros(1, 8, dtype=torch.long), 2, 0)


def test_query_key_playground_at_slider_extremes():
    w = attention.query_key_playground()
    c = w.controls
    for qx in (c["qx"].min, c["qx"].max):
        for qy in (c["qy"].min, 0.0, c["qy"].max):
            for tau in (c["temperature"].min, c["temperature"].max):
                c["qx"].value, c["qy"].value, c["temperature"].value = qx, qy, tau
                weights = w.update()
                assert np.all(np.isfinite(weights)) and abs(weights.sum() - 1) < 1e-12
    w.canvas.draw()
    # low temperature: the best key takes (almost) everything; high: closer to uniform
    q = np.array([1.0, 0.5])
    cold, hot = (attention.query_key_weights(q, attention.KEYS, t) for t in (0.05, 5.0))
    assert cold.max() > 0.99 and hot.max() < 0.5
    assert np.argmax(cold) == np.argmax(attention.KEYS @ q)
    with pytest.raises(ValueError, match="query"):
        attention.query_key_weights([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="temperature"):
        attention.query_key_weights([1.0, 2.0], temperature=0)


def test_drawing_helpers_validate():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    im, texts = attention.draw_attention(ax, np.eye(3), "abc", "abc")
    assert len(texts) == 9
    with pytest.raises(ValueError, match="label"):
        attention.draw_attention(ax, np.eye(3), "ab", "abc")
    with pytest.raises(TypeError, match="ax"):
        attention.draw_attention(None, np.eye(3), "abc", "abc")
    X, _ = attention.eaten_dataset(2, seed=0)
    attention.draw_scene(ax, X[0])
    with pytest.raises(ValueError, match="scene"):
        attention.draw_scene(ax, np.zeros((3, 4)))
    plt.close(fig)
