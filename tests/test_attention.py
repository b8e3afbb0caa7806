"""helpers.attention: attention vs torch, masks, positions, multi-head vs nn.MultiheadAttention,
permutation equivariance (hypothesis), graphs, bad inputs, and the exercises.

(The claims about training — sets toy, tiny transformer — and the widgets are in
tests/test_attention_claims.py.)
"""

import math

import numpy as np
import pytest
import scipy.special
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import attention, checks
from helpers.attention import exercises
from tests.test_plotting_widgets import _connect, _full_draw_pixels


def _rand(*shape, seed=0, dtype=torch.float64):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


# ------------------------------------------------------------------ attention vs torch
@pytest.mark.parametrize("lead, Lq, Lk, d, dv", [((), 3, 5, 4, 2), ((2,), 4, 4, 8, 8),
                                                  ((2, 3), 5, 7, 16, 3), ((1, 1, 2), 1, 6, 3, 5)])
@pytest.mark.parametrize("masked", [False, True])
def test_attention_equals_torch_sdpa(lead, Lq, Lk, d, dv, masked):
    q, k, v = _rand(*lead, Lq, d, seed=1), _rand(*lead, Lk, d, seed=2), _rand(*lead, Lk, dv, seed=3)
    mask = None
    if masked:
        mask = torch.rand(*lead, Lq, Lk, generator=torch.Generator().manual_seed(4)) < 0.5
        mask[..., -1] = True
    out, w = attention.scaled_dot_product_attention(q, k, v, mask)
    ref = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    assert out.shape == lead + (Lq, dv) and w.shape == lead + (Lq, Lk)
    torch.testing.assert_close(out, ref, atol=1e-6, rtol=0)
    torch.testing.assert_close(w.sum(-1), torch.ones(lead + (Lq,), dtype=torch.float64))
    if masked:
        assert torch.all(w[~mask] == 0)


def test_attention_float32_and_broadcast_causal_mask_equal_torch():
    q, k, v = (_rand(2, 3, 6, 8, seed=s, dtype=torch.float32) for s in (5, 6, 7))
    out, _ = attention.scaled_dot_product_attention(q, k, v, attention.causal_mask(6))
    torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v, is_causal=True),
                               atol=1e-6, rtol=0)


def test_worked_example_by_hand():
    """The notebook's 4-token example: the sheep's row is (e, 1, e, 1) / (2e + 2)."""
    Q = torch.tensor([[0, 2, 0, 0], [2, 0, 2, 0], [2, 0, 0, 0], [0, 0, 0, 0]], dtype=torch.float64)
    V = torch.tensor([[1, 0], [0, 0], [0, 1], [0, 0]], dtype=torch.float64)
    out, A = attention.scaled_dot_product_attention(Q, torch.eye(4, dtype=torch.float64), V)
    e = math.e
    np.testing.assert_allclose(A[1], np.array([e, 1, e, 1]) / (2 * e + 2), atol=1e-12)
    np.testing.assert_allclose(A[0], np.array([1, e, 1, 1]) / (e + 3), atol=1e-12)
    np.testing.assert_allclose(A[3], np.full(4, 0.25), atol=1e-12)
    np.testing.assert_allclose(out[1], [e / (2 * e + 2)] * 2, atol=1e-12)
    assert round(e / (2 * e + 2), 3) == 0.366 and round(e / (e + 3), 3) == 0.475


def test_softmax_equals_scipy_and_never_overflows():
    x = np.random.default_rng(0).normal(size=(4, 7)) * 50
    for tau in (0.01, 1.0, 7.5):
        np.testing.assert_allclose(attention.softmax(x, tau), scipy.special.softmax(x / tau, axis=-1),
                                   atol=1e-12)
    assert np.all(np.isfinite(attention.softmax(np.array([1e4, -1e4, 0.0]), 1e-3)))


def test_sqrt_d_claims():
    """Var(q·k) = d for unit-variance entries, 1 after scaling; unscaled softmax saturates."""
    rng = np.random.default_rng(0)
    top = {}
    for d in (4, 64, 1024):
        q, k = rng.normal(size=(5000, d)), rng.normal(size=(5000, d))
        s = np.sum(q * k, axis=1)
        assert abs(s.var() / d - 1) < 0.1 and abs((s / np.sqrt(d)).var() - 1) < 0.1
        s16 = np.einsum("nd,nkd->nk", rng.normal(size=(500, d)), rng.normal(size=(500, 16, d)))
        top[d] = (attention.softmax(s16).max(1).mean(), attention.softmax(s16 / np.sqrt(d)).max(1).mean())
    assert top[4][0] < top[64][0] < top[1024][0] and top[1024][0] > 0.9  # unscaled: towards 1
    assert max(t[1] for t in top.values()) - min(t[1] for t in top.values()) < 0.05  # scaled: flat
    assert all(t[1] < 0.5 for t in top.values())


# ------------------------------------------------------------------ permutation equivariance
@settings(max_examples=30, deadline=None)
@given(st.permutations(list(range(7))), st.integers(0, 10_000))
def test_self_attention_is_permutation_equivariant(perm, seed):
    torch.manual_seed(seed)
    mhsa = attention.MultiHeadSelfAttention(12, 3)
    x = _rand(2, 7, 12, seed=seed, dtype=torch.float32)
    idx = torch.tensor(perm)
    with torch.no_grad():
        out, w = mhsa(x)
        out_p, w_p = mhsa(x[:, idx])
    torch.testing.assert_close(out_p, out[:, idx], atol=1e-5, rtol=0)  # SA(Px) = P SA(x)
    torch.testing.assert_close(w_p, w[:, :, idx][:, :, :, idx], atol=1e-6, rtol=0)  # P A Pᵀ
    torch.testing.assert_close(out_p.mean(1), out.mean(1), atol=1e-5, rtol=0)  # pooled: invariant
    assert attention.permutation_error(lambda t: mhsa(t)[0], x, perm) < 1e-5


@settings(max_examples=20, deadline=None)
@given(st.permutations(list(range(6))).filter(lambda p: p != list(range(6))))
def test_positions_break_equivariance(perm):
    torch.manual_seed(0)
    mhsa = attention.MultiHeadSelfAttention(16, 4)
    x = _rand(1, 6, 16, seed=1, dtype=torch.float32)
    pe = attention.sinusoidal_encoding(6, 16)
    assert attention.permutation_error(lambda t: mhsa(t + pe)[0], x, perm) > 0.01


def test_without_positions_equal_tokens_get_equal_outputs():
    """The notebook's argument: with no positions, the three 3s of 3 3 3 5 are interchangeable."""
    torch.manual_seed(0)
    model = attention.TinyTransformer(length=4, positions=False)
    with torch.no_grad():
        out = model(torch.tensor([[3, 3, 3, 5]]))[0]
    torch.testing.assert_close(out[0], out[1], atol=1e-5, rtol=0)
    torch.testing.assert_close(out[0], out[2], atol=1e-5, rtol=0)


# ------------------------------------------------------------------ positions
def test_sinusoidal_encoding_equals_the_formula_loop():
    for n, d in [(7, 6), (5, 5), (3, 1), (100, 32)]:
        pe = attention.sinusoidal_encoding(n, d)
        ref = [[math.sin(p / 10000 ** (c / d)) if c % 2 == 0 else
                math.cos(p / 10000 ** ((c - 1) / d)) for c in range(d)] for p in range(n)]
        assert pe.shape == (n, d) and pe.dtype == torch.float32
        np.testing.assert_allclose(pe.numpy(), np.array(ref), atol=1e-6)
    pe = attention.sinusoidal_encoding(50, 32)
    assert len(np.unique(pe.numpy().round(4), axis=0)) == 50  # every position has its own code


# ------------------------------------------------------------------ multi-head
@pytest.mark.parametrize("embed_dim, heads", [(16, 4), (12, 1), (8, 8)])
@pytest.mark.parametrize("mask_kind", [None, "causal", "padding", "random"])
def test_multi_head_equals_torch_with_copied_weights(embed_dim, heads, mask_kind):
    torch.manual_seed(embed_dim + heads)
    mha = torch.nn.MultiheadAttention(embed_dim, heads, batch_first=True)
    with torch.no_grad():
        for p in mha.parameters():  # non-zero biases, so that they are really compared
            p.add_(0.1 * torch.randn_like(p))
    ours = attention.MultiHeadSelfAttention(embed_dim, heads).load_from_torch(mha)
    B, T = 3, 6
    x = torch.randn(B, T, embed_dim)
    kw, mask = {}, None
    if mask_kind == "causal":
        mask = attention.causal_mask(T)
        kw["attn_mask"] = ~mask  # torch: True = blocked
    elif mask_kind == "padding":
        mask = attention.padding_mask([6, 3, 1], T)
        kw["key_padding_mask"] = ~mask[:, 0]
    elif mask_kind == "random":
        mask = torch.rand(B, T, T) < 0.5
        mask[..., 0] = True
        kw["attn_mask"] = (~mask).repeat_interleave(heads, dim=0)  # (B·H, T, T)
    ref, ref_w = mha(x, x, x, average_attn_weights=False, **kw)
    out, w = ours(x, mask)
    assert w.shape == (B, heads, T, T)
    torch.testing.assert_close(out, ref, atol=1e-6, rtol=1e-5)
    torch.testing.assert_close(w, ref_w, atol=1e-6, rtol=1e-5)


def test_multi_head_without_bias_and_load_errors():
    mha = torch.nn.MultiheadAttention(8, 2, bias=False, batch_first=True)
    ours = attention.MultiHeadSelfAttention(8, 2, bias=False).load_from_torch(mha)
    x = torch.randn(2, 5, 8)
    torch.testing.assert_close(ours(x)[0], mha(x, x, x)[0], atol=1e-6, rtol=1e-5)
    with pytest.raises(ValueError, match="embed_dim"):
        attention.MultiHeadSelfAttention(8, 4).load_from_torch(torch.nn.MultiheadAttention(8, 2))
    with pytest.raises(ValueError, match="biases"):
        attention.MultiHeadSelfAttention(8, 2).load_from_torch(mha)
    with pytest.raises(TypeError, match="mha"):
        attention.MultiHeadSelfAttention(8, 2).load_from_torch(torch.nn.Linear(8, 8))
    with pytest.raises(ValueError, match="divisible"):
        attention.MultiHeadSelfAttention(10, 4)
    with pytest.raises(TypeError, match="embed_dim"):
        attention.MultiHeadSelfAttention(8.0, 2)
    with pytest.raises(ValueError, match="x must have shape"):
        attention.MultiHeadSelfAttention(8, 2)(torch.randn(2, 5, 6))
    with pytest.raises(ValueError, match="x must be 3-dimensional"):
        attention.MultiHeadSelfAttention(8, 2)(torch.randn(5, 8))


# ------------------------------------------------------------------ masks
def test_masks_against_loops():
    n, lengths = 6, [6, 2, 4]
    causal = attention.causal_mask(n)
    pad = attention.padding_mask(lengths, n)
    both = attention.causal_padding_mask(lengths, n)
    assert causal.dtype == pad.dtype == both.dtype == torch.bool
    assert pad.shape == (3, 1, n) and both.shape == (3, n, n)
    for i in range(n):
        for j in range(n):
            assert bool(causal[i, j]) == (j <= i)
            for b, L in enumerate(lengths):
                assert bool(pad[b, 0, j]) == (j < L)
                assert bool(both[b, i, j]) == (j <= i and j < L)
    assert attention.causal_mask(np.int64(3)).shape == (3, 3)


def test_adjacency_mask_and_message_passing():
    adj = np.array([[0, 1, 0, 1], [1, 0, 1, 0], [0, 1, 0, 0], [1, 0, 0, 0]])
    mask = attention.adjacency_mask(adj)
    np.testing.assert_array_equal(mask.numpy(), (adj + np.eye(4)) > 0)
    np.testing.assert_array_equal(attention.adjacency_mask(adj, self_loops=False).numpy(), adj > 0)
    x = _rand(4, 6, seed=1)
    Wq, Wk, Wv = _rand(3, 6, seed=2), _rand(3, 6, seed=3), _rand(5, 6, seed=4)
    out, alpha = attention.scaled_dot_product_attention(x @ Wq.T, x @ Wk.T, x @ Wv.T, mask)
    torch.testing.assert_close(out, attention.message_passing(x, adj, Wq, Wk, Wv))
    assert torch.all(alpha[~mask] == 0)
    complete = np.ones((4, 4)) - np.eye(4)  # complete graph = plain self-attention
    torch.testing.assert_close(attention.message_passing(x, complete, Wq, Wk, Wv),
                               attention.scaled_dot_product_attention(x @ Wq.T, x @ Wk.T, x @ Wv.T)[0])


# ------------------------------------------------------------------ bad input
def test_attention_bad_inputs():
    q, k, v = torch.randn(3, 4), torch.randn(5, 4), torch.randn(5, 2)
    sdpa = attention.scaled_dot_product_attention
    with pytest.raises(ValueError, match="same last dimension"):
        sdpa(q, torch.randn(5, 3), v)
    with pytest.raises(ValueError, match="same length"):
        sdpa(q, k, torch.randn(4, 2))
    with pytest.raises(ValueError, match="leading"):
        sdpa(torch.randn(2, 3, 4), torch.randn(3, 5, 4), torch.randn(3, 5, 2))
    with pytest.raises(ValueError, match="mask must broadcast"):
        sdpa(q, k, v, torch.ones(3, 4, dtype=torch.bool))
    with pytest.raises(TypeError, match="torch.bool"):
        sdpa(q, k, v, torch.ones(3, 5))
    with pytest.raises(TypeError, match="q must be a torch.Tensor"):
        sdpa(np.ones((3, 4)), k, v)
    with pytest.raises(TypeError, match="floating-point"):
        sdpa(torch.ones(3, 4, dtype=torch.long), k, v)
    with pytest.raises(ValueError, match="q must have shape"):
        sdpa(torch.randn(4), k, v)
    empty = torch.ones(3, 5, dtype=torch.bool)
    empty[1] = False
    with pytest.raises(ValueError, match="no allowed key"):  # never a silent NaN
        sdpa(q, k, v, empty)
    with pytest.raises(ValueError, match="no allowed key"):
        attention.MultiHeadSelfAttention(4, 2)(torch.randn(1, 3, 4), torch.zeros(3, 3, dtype=torch.bool))


def test_mask_and_encoding_bad_inputs():
    with pytest.raises(ValueError, match="n must be >= 1"):
        attention.causal_mask(0)
    with pytest.raises(TypeError, match="n must be an integer"):
        attention.causal_mask(2.5)
    with pytest.raises(ValueError, match="lengths must lie"):
        attention.padding_mask([0, 3], 4)
    with pytest.raises(ValueError, match="lengths must lie"):
        attention.padding_mask([5], 4)
    with pytest.raises(TypeError, match="lengths"):
        attention.padding_mask([1.5], 4)
    with pytest.raises(ValueError, match="square"):
        attention.adjacency_mask(np.ones((2, 3)))
    with pytest.raises(ValueError, match="only 0 and 1"):
        attention.adjacency_mask(np.full((2, 2), 2))
    with pytest.raises(TypeError, match="d must be an integer"):
        attention.sinusoidal_encoding(4, 2.0)
    with pytest.raises(ValueError, match="n_positions"):
        attention.sinusoidal_encoding(0, 4)
    with pytest.raises(ValueError, match="temperature"):
        attention.softmax([1.0, 2.0], 0.0)
    with pytest.raises(ValueError, match="permutation"):
        attention.permutation_error(lambda t: t, torch.randn(1, 3, 2), [0, 0, 1])


def _digits(shape, high=10):
    return torch.randint(0, high, shape, generator=torch.Generator().manual_seed(0))


@pytest.mark.parametrize("call, error, name", [
    (lambda: attention.accuracy(None, *attention.eaten_dataset(4)), TypeError, "model"),
    (lambda: attention.accuracy(attention.PointNetModel(), np.zeros((4, 6, 6)),
                                torch.zeros(4)), TypeError, "X"),
    (lambda: attention.accuracy(attention.PointNetModel(), torch.zeros(0, 6, 6),
                                torch.zeros(0)), ValueError, "X"),
    (lambda: attention.accuracy(attention.PointNetModel(), torch.zeros(4, 6, 6),
                                torch.zeros(3)), ValueError, "y"),
    (lambda: attention.sequence_accuracy("model", _digits((2, 8)), _digits((2, 8))),
     TypeError, "model"),
    (lambda: attention.sequence_accuracy(attention.MLPBaseline(), _digits((2, 8)).float(),
                                         _digits((2, 8))), TypeError, "x"),
    (lambda: attention.sequence_accuracy(attention.MLPBaseline(), _digits((2, 8)) + 10,
                                         _digits((2, 8))), ValueError, "x"),
    (lambda: attention.sequence_accuracy(attention.MLPBaseline(), _digits((2, 5)),
                                         _digits((2, 5))), ValueError, "x"),
    (lambda: attention.sequence_accuracy(attention.MLPBaseline(), _digits((2, 8)),
                                         _digits((2, 7))), ValueError, "y"),
    (lambda: attention.viewer_data(attention.MLPBaseline(), _digits((1, 8)), 0, 0),
     TypeError, "model"),
    (lambda: attention.viewer_data(attention.TinyTransformer(), _digits((3, 8)), 0, 0),
     ValueError, "x"),
    (lambda: attention.viewer_data(attention.TinyTransformer(), _digits((1, 8)), 0, 2),
     ValueError, "head"),
    (lambda: attention.attention_viewer(None), TypeError, "model"),
    (lambda: attention.attention_viewer(attention.TinyTransformer(), text=31415926),
     TypeError, "text"),
    (lambda: attention.attention_viewer(attention.TinyTransformer(), size=10**9),
     ValueError, "size"),
    (lambda: attention.query_key_playground(size=None), TypeError, "size"),
])
def test_model_and_widget_bad_inputs_name_the_argument(call, error, name):
    with pytest.raises(error, match=rf"^{name}(?!\w)"):
        call()


def test_every_model_checks_its_digits():
    for model in (attention.TinyTransformer(), attention.MLPBaseline(), attention.RNNBaseline()):
        assert model(_digits((2, 8))).shape == (2, 8, 10)
        x = _digits((2, 8))
        x[1, 3] = -1
        with pytest.raises(ValueError, match="x must hold digits 0…9"):
            model(x)


# ------------------------------------------------------------------ exercises
def attention_solution(q, k, v, mask):  # the notebook's solution
    scores = q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)
    return weights @ v, weights


def mask_solution(lengths, n):
    j = torch.arange(n)
    causal = j[None, :] <= j[:, None]
    real = j[None, :] < torch.as_tensor(lengths)[:, None]
    return causal[None] & real[:, None, :]


def sinusoidal_solution(n_positions, d):
    p = np.arange(n_positions)[:, None]
    angle = p / 10000.0 ** (np.arange(0, d, 2) / d)
    pe = np.zeros((n_positions, d))
    pe[:, 0::2] = np.sin(angle)
    pe[:, 1::2] = np.cos(angle[:, : d // 2])
    return pe


def _stub(*args):
    raise NotImplementedError


def _assert_rejected(ex, fn):
    result = ex.run(fn)
    assert result.status in (checks.FAIL, checks.ERROR), (fn, result.message)
    assert "expected" not in result.message  # show_expected=False: the answer is never printed
    return result


@pytest.mark.filterwarnings("ignore:The use of `x.T`")
def test_attention_exercise_is_real():
    assert attention.ATTENTION.run(attention_solution).passed
    assert attention.ATTENTION.run(_stub).status == checks.NOT_IMPLEMENTED

    def by_d(q, k, v, mask):  # divides by d instead of √d
        return attention_solution(q * q.shape[-1] ** -0.5, k, v, mask)

    def unscaled(q, k, v, mask):
        return attention_solution(q * q.shape[-1] ** 0.5, k, v, mask)

    def ignores_mask(q, k, v, mask):
        return attention_solution(q, k, v, None)

    def inverted_mask(q, k, v, mask):
        return attention_solution(q, k, v, None if mask is None else ~mask | torch.eye(
            *mask.shape[-2:], dtype=torch.bool))

    def wrong_axis(q, k, v, mask):
        s = q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5
        if mask is not None:
            s = s.masked_fill(~mask, float("-inf"))
        w = torch.softmax(s, dim=-2)
        return w @ v, w

    def only_2d(q, k, v, mask):  # k.T: breaks with batch dimensions
        s = q @ k.T / q.shape[-1] ** 0.5
        if mask is not None:
            s = s.masked_fill(~mask, float("-inf"))
        w = torch.softmax(s, dim=-1)
        return w @ v, w

    def naive_exp(q, k, v, mask):  # no max subtracted: overflows on large scores
        s = q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5
        e = torch.exp(s.float()).double()
        if mask is not None:
            e = e * mask
        w = e / e.sum(-1, keepdim=True)
        return w @ v, w

    def out_only(q, k, v, mask):
        return attention_solution(q, k, v, mask)[0]

    def uses_torch(q, k, v, mask):
        return F.scaled_dot_product_attention(q, k, v, attn_mask=mask), None

    def uses_course(q, k, v, mask):
        return attention.scaled_dot_product_attention(q, k, v, mask)

    for wrong in (by_d, unscaled, ignores_mask, inverted_mask, wrong_axis, only_2d, naive_exp,
                  out_only, uses_torch, uses_course):
        _assert_rejected(attention.ATTENTION, wrong)
    assert "write it yourself" in attention.ATTENTION.run(uses_torch).message


def test_mask_exercise_is_real():
    assert attention.MASK.run(mask_solution).passed
    assert attention.MASK.run(_stub).status == checks.NOT_IMPLEMENTED
    wrong = [
        lambda L, n: mask_solution(L, n).float(),  # 0/1 floats, not booleans
        lambda L, n: mask_solution(L, n).transpose(1, 2),  # future instead of past
        lambda L, n: torch.tril(torch.ones(n, n, dtype=torch.bool)).expand(len(L), n, n),  # no padding
        lambda L, n: mask_solution(torch.as_tensor(L) + 1, n),  # off by one (j <= length)
        lambda L, n: mask_solution(L, n) & ~torch.eye(n, dtype=torch.bool),  # strict past
        lambda L, n: (torch.arange(n)[None, :] < torch.as_tensor(L)[:, None])[:, None, :].expand(-1, n, -1),  # no causal
        lambda L, n: mask_solution(L, n).numpy().astype(int),
        lambda L, n: attention.causal_padding_mask(L, n),
    ]
    for fn in wrong:
        _assert_rejected(attention.MASK, fn)


def test_sinusoidal_exercise_is_real():
    assert attention.SINUSOIDAL.run(sinusoidal_solution).passed
    assert attention.SINUSOIDAL.run(lambda n, d: torch.tensor(sinusoidal_solution(n, d))).passed
    assert attention.SINUSOIDAL.run(_stub).status == checks.NOT_IMPLEMENTED

    def general(n, d, i_scale=2, swap=False, start=0, base=10000.0, halves=False):
        p = np.arange(start, start + n)[:, None]
        cols = np.arange(0, d, 2)
        angle = p / base ** (cols * i_scale / 2 / d)
        s, c = np.sin(angle), np.cos(angle[:, : d // 2])
        if swap:
            s, c = np.cos(angle), np.sin(angle[:, : d // 2])
        if halves:
            return np.concatenate([s, c], axis=1)
        pe = np.zeros((n, d))
        pe[:, 0::2], pe[:, 1::2] = s, c
        return pe

    wrong = [lambda n, d: general(n, d, i_scale=1),  # exponent i/d instead of 2i/d
             lambda n, d: general(n, d, swap=True),  # cos first
             lambda n, d: general(n, d, start=1),  # positions from 1
             lambda n, d: general(n, d, base=1000.0),
             lambda n, d: general(n, d, halves=True),  # [sin | cos] halves, not interleaved
             lambda n, d: attention.TinyTransformer(length=n, d_model=d).pe,
             lambda n, d: attention.sinusoidal_encoding(n, d)]
    for fn in wrong:
        _assert_rejected(attention.SINUSOIDAL, fn)
    # an answer that only works for even d (computes cos for a column that does not exist)
    even_only = lambda n, d: np.stack([np.sin(np.arange(n) / 10000 ** ((c - c % 2) / d) + (c % 2) * np.pi / 2)
                                       for c in range(d - d % 2)], axis=1)
    _assert_rejected(attention.SINUSOIDAL, even_only)


@pytest.mark.parametrize("kwargs, name", [(dict(epochs=10**9), "epochs"),
                                          (dict(batch_size=10**9), "batch_size")])
def test_train_set_model_bounds_its_loop(kwargs, name):
    X, y = attention.eaten_dataset(8, seed=0)
    with pytest.raises(ValueError, match=name):
        attention.train_set_model(attention.PointNetModel(), X, y, **kwargs)


# ------------------------------------------------------------------ the viewer's frames
def _full_draw(fig):
    """The figure as savefig renders it (every artist drawn, nothing blitted or kept), RGBA."""
    return _full_draw_pixels(fig).astype(int)

def _off(frame, picture) -> int:
    """Pixels more than 8 levels away between two RGBA pictures."""
    return int((np.abs(frame - picture).max(axis=2) > 8).sum())


def test_typed_digits_are_blitted_and_equal_a_full_draw():
    """New digits change the tokens under the ticks without a full redraw; each frame equals a
    full draw of the same state, and the picture with the tokens as ordinary tick labels."""
    import matplotlib as mpl

    from helpers import plotting
    from helpers.attention.interactive import _TickTokens

    torch.manual_seed(0)
    with mpl.rc_context(plotting.STYLE):
        w = attention.attention_viewer(attention.TinyTransformer(length=8).eval())
        frames = _connect(w.canvas)
        w.blitter()  # the view's first, full frame
        ax, ax_bar = w.fig.axes
        tokens = [a for a in ax.get_children() + ax_bar.get_children()
                  if isinstance(a, _TickTokens)]
        assert len(tokens) == 3
        for text, q in [("12345678", 0), ("90807060", 5), ("11111111", 7), ("123", 7),
                        ("31415926", 2), ("31415926", 6)]:
            sent = len(frames)
            w.controls["query"].value = q
            w.controls["text"].value = text
            assert frames[sent:] and all(isinstance(f, bytes) for f in frames[sent:])
            frame = np.asarray(w.canvas.get_renderer().buffer_rgba()).astype(int)
            assert _off(frame, _full_draw(w.fig)) == 0, (text, q)
        assert w.blitter.full_draws == 1, "typed digits are blitted, not drawn in full"
        assert [t.renders for t in tokens] == [5, 5, 5], "tokens re-rendered when they change"
        fig = w.fig
        fig.set_dpi(fig.dpi * 2)  # a HiDPI screen: a full draw, the tokens rendered anew
        w.controls["text"].value = "27182818"
        frame = np.asarray(w.canvas.get_renderer().buffer_rgba()).astype(int)
        assert w.blitter.full_draws == 2 and _off(frame, _full_draw(fig)) == 0
        # the tokens stand where tick labels would: draw them as tick labels, compare
        digits = list("27182818")
        for t in tokens:
            t.set_visible(False)
        ax.tick_params(labelcolor=tokens[0].texts[0].get_color())
        ax.set_xticks(range(8), digits)
        ax.set_yticks(range(8), digits)
        ax_bar.set_xticks(range(8), [f"{i}\n{d}" for i, d in enumerate(digits)])
        assert _off(frame, _full_draw(fig)) == 0
