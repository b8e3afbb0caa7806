"""Lecture 05: the autodiff engine against torch.autograd, finite differences and theory."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import autodiff
from helpers.autodiff import Tensor



@pytest.fixture(autouse=True, scope="module")
def float64_default():
    """torch tensors made in this module are float64 (restored after, for the other modules)."""
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(old)


def both(*arrays):
    """The same arrays as engine leaves and torch leaves (float64, requires_grad)."""
    return ([Tensor(a, requires_grad=True) for a in arrays],
            [torch.tensor(a, requires_grad=True) for a in arrays])


# --------------------------------------------------------------------------- random expressions
UNARY = {
    "exp": (lambda x: (x * 0.3).exp(), lambda x: (x * 0.3).exp()),
    "log": (lambda x: (x * x + 0.5).log(), lambda x: (x * x + 0.5).log()),
    "tanh": (lambda x: x.tanh(), torch.tanh),
    "sigmoid": (lambda x: x.sigmoid(), torch.sigmoid),
    "relu": (lambda x: x.relu(), torch.relu),
    "neg": (lambda x: -x, lambda x: -x),
    "pow2": (lambda x: x**2, lambda x: x**2),
    "pow3": (lambda x: x**3, lambda x: x**3),
    "sqrt": (lambda x: (x * x + 1.0) ** 0.5, lambda x: (x * x + 1.0) ** 0.5),
    "softmax": (lambda x: autodiff.softmax(x, axis=-1), lambda x: torch.softmax(x, -1)),
    "log_softmax": (lambda x: autodiff.log_softmax(x, axis=0),
                    lambda x: torch.log_softmax(x, 0)),
    "sum0": (lambda x: x.sum(axis=0, keepdims=True), lambda x: x.sum(0, keepdim=True)),
    "mean_last": (lambda x: x.mean(axis=-1, keepdims=True), lambda x: x.mean(-1, keepdim=True)),
    "T": (lambda x: x.T, lambda x: x.permute(*reversed(range(x.dim())))),
    "reshape": (lambda x: x.reshape(-1).reshape(x.shape), lambda x: x.reshape(-1).reshape(x.shape)),
    "index": (lambda x: x[..., ::-1][..., [0, 0]] if x.shape[-1] > 0 else x,
              lambda x: x.flip(-1)[..., [0, 0]] if x.shape[-1] > 0 else x),
}
BINARY = {
    "add": (lambda a, b: a + b, lambda a, b: a + b),
    "sub": (lambda a, b: a - b, lambda a, b: a - b),
    "mul": (lambda a, b: a * b, lambda a, b: a * b),
    "div": (lambda a, b: a / (b * b + 1.0), lambda a, b: a / (b * b + 1.0)),
    "rsub": (lambda a, b: 2.0 - a * b, lambda a, b: 2.0 - a * b),
}


@st.composite
def broadcast_shapes(draw):
    """A shape and a shape broadcastable against it (dims dropped or set to 1)."""
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    other = [1 if draw(st.booleans()) else s for s in shape]
    other = tuple(other[draw(st.integers(0, len(other) - 1)):])
    return (shape, other) if draw(st.booleans()) else (other, shape)


@settings(max_examples=60, deadline=None)
@given(shapes=broadcast_shapes(), ops=st.lists(st.sampled_from(sorted(UNARY)), min_size=1,
                                               max_size=4),
       binary=st.sampled_from(sorted(BINARY)), seed=st.integers(0, 2**16))
def test_random_expressions_match_torch_autograd(shapes, ops, binary, seed):
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=shapes[0]), rng.normal(size=shapes[1])
    (ea, eb), (ta, tb) = both(a, b)
    e, t = BINARY[binary][0](ea, eb), BINARY[binary][1](ta, tb)
    for op in ops:
        e, t = UNARY[op][0](e), UNARY[op][1](t)
    e = e * eb.sum() + ea.mean()  # a and b used twice: gradients must add up
    t = t * tb.sum() + ta.mean()
    r = rng.normal(size=t.shape)
    (e * r).sum().backward()
    (t * torch.tensor(r)).sum().backward()
    np.testing.assert_allclose(e.data, t.detach().numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(ea.grad, ta.grad.numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(eb.grad, tb.grad.numpy(), rtol=1e-10, atol=1e-10)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 4), k=st.integers(1, 4), m=st.integers(1, 4), batch=st.integers(0, 2),
       vec=st.sampled_from(["none", "left", "right"]), seed=st.integers(0, 2**16))
def test_matmul_matches_torch_for_matrices_vectors_and_batches(n, k, m, batch, vec, seed):
    rng = np.random.default_rng(seed)
    a_shape = (k,) if vec == "left" else (batch + 1,) * (batch > 0) + (n, k)
    b_shape = (k,) if vec == "right" else (k, m)
    (ea, eb), (ta, tb) = both(rng.normal(size=a_shape), rng.normal(size=b_shape))
    e, t = ea @ eb, ta @ tb
    r = rng.normal(size=t.shape)
    (e * r).sum().backward()
    (t * torch.tensor(r)).sum().backward()
    np.testing.assert_allclose(e.data, t.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(ea.grad, ta.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(eb.grad, tb.grad.numpy(), rtol=1e-10, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(shapes=broadcast_shapes(), seed=st.integers(0, 2**16))
def test_unbroadcast_sums_like_torch_broadcasting(shapes, seed):
    rng = np.random.default_rng(seed)
    big = np.broadcast_shapes(*shapes)
    g = rng.normal(size=big)
    for shape in shapes:
        x = torch.zeros(shape, requires_grad=True)
        (x.expand(big) * torch.tensor(g)).sum().backward()
        np.testing.assert_allclose(autodiff.unbroadcast(g, shape), x.grad.numpy(), rtol=1e-12)


# --------------------------------------------------------------------------- engine behaviour
def test_gradients_add_when_a_value_is_used_twice():
    x, y = Tensor(3.0, requires_grad=True), Tensor(-2.0, requires_grad=True)
    (x * y + x).backward()
    assert x.grad == pytest.approx(-2.0 + 1.0) and y.grad == pytest.approx(3.0)
    z = Tensor(1.5, requires_grad=True)
    (z * z * z).backward()  # z used three times in one product chain: 3 z²
    assert z.grad == pytest.approx(3 * 1.5**2)


def test_leaf_gradients_accumulate_over_backward_calls_like_torch():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    (x * x).sum().backward()
    (x * 3).sum().backward()
    np.testing.assert_allclose(x.grad, 2 * x.data + 3)
    x.zero_grad()
    assert x.grad is None


def test_iterative_topological_sort_handles_deep_graphs():
    x = Tensor(0.5, requires_grad=True)
    y = x
    for _ in range(20_000):  # far beyond Python's recursion limit
        y = y * 1.0 + 0.0
    y.backward()
    assert x.grad == pytest.approx(1.0)
    order = autodiff.topological_order(y)
    position = {id(t): i for i, t in enumerate(order)}
    assert all(position[id(p)] < position[id(t)] for t in order for p in t._parents)


def test_log_softmax_is_stable_at_plus_minus_1000():
    logits = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -999.0]])
    x = Tensor(logits, requires_grad=True)
    out = autodiff.log_softmax(x)
    xt = torch.tensor(logits, requires_grad=True)
    ref = torch.log_softmax(xt, -1)
    assert np.all(np.isfinite(out.data))
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-12)
    out.sum().backward()
    ref.sum().backward()
    np.testing.assert_allclose(x.grad, xt.grad.numpy(), atol=1e-12)
    loss = autodiff.cross_entropy(Tensor(logits), [1, 2])
    assert loss.item() == pytest.approx(
        torch.nn.functional.cross_entropy(torch.tensor(logits), torch.tensor([1, 2])).item())
    assert np.all(np.isfinite(autodiff.softmax(Tensor(logits)).data))


def test_losses_match_torch():
    rng = np.random.default_rng(0)
    logits, targets = rng.normal(size=(7, 4)), rng.integers(0, 4, 7)
    (e,), (t,) = both(logits)
    autodiff.cross_entropy(e, targets).backward()
    torch.nn.functional.cross_entropy(t, torch.tensor(targets)).backward()
    np.testing.assert_allclose(e.grad, t.grad.numpy(), rtol=1e-10)
    pred, target = rng.normal(size=(5, 2)), rng.normal(size=(5, 2))
    (e,), (t,) = both(pred)
    autodiff.mse(e, target).backward()
    torch.nn.functional.mse_loss(t, torch.tensor(target)).backward()
    np.testing.assert_allclose(e.grad, t.grad.numpy(), rtol=1e-10)
    z = rng.uniform(size=6)
    (e,), (t,) = both(np.array([-800.0, -3, -0.1, 0.2, 4, 800]))
    loss = autodiff.bce_with_logits(e, z)
    ref = torch.nn.functional.binary_cross_entropy_with_logits(t, torch.tensor(z))
    assert loss.item() == pytest.approx(ref.item(), rel=1e-12)
    loss.backward()
    ref.backward()
    np.testing.assert_allclose(e.grad, t.grad.numpy(), rtol=1e-10, atol=1e-15)


def test_transpose_reshape_and_indexing_follow_numpy():
    a = np.arange(24.0).reshape(2, 3, 4)
    x = Tensor(a, requires_grad=True)
    assert x.transpose().shape == (4, 3, 2) and x.T.shape == (4, 3, 2)
    np.testing.assert_array_equal(x.transpose(1, 0, 2).data, a.transpose(1, 0, 2))
    np.testing.assert_array_equal(x.transpose((2, 0, 1)).data, a.transpose(2, 0, 1))
    np.testing.assert_array_equal(x.reshape(6, 4).data, a.reshape(6, 4))
    x[0, [1, 1, 2]].sum().backward()  # entry picked twice gets gradient 2
    expected = np.zeros_like(a)
    expected[0, 1] = 2
    expected[0, 2] = 1
    np.testing.assert_array_equal(x.grad, expected)


def test_backward_needs_grad_for_non_scalars_and_reports_shapes():
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    with pytest.raises(ValueError, match=r"\(2, 3\)"):
        (x * 2).backward()
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(3,\)"):
        (x * 2).backward(np.ones(3))
    (x * 2).backward(np.ones((2, 3)))
    np.testing.assert_array_equal(x.grad, 2 * np.ones((2, 3)))
    with pytest.raises(RuntimeError):
        Tensor(1.0).backward()


def test_shape_mismatches_name_both_shapes():
    a, b = Tensor(np.ones((2, 3))), Tensor(np.ones((4, 5)))
    for op in (lambda: a + b, lambda: a - b, lambda: a * b, lambda: a / b, lambda: a @ b):
        with pytest.raises(ValueError, match=r"\(2, 3\) and \(4, 5\)"):
            op()
    with pytest.raises(ValueError, match=r"\(2, 3\) and \(4, 5\)"):
        autodiff.mse(a, b)
    with pytest.raises(ValueError, match="reshape"):
        a.reshape(5)


def test_bad_inputs_raise_the_house_errors():
    with pytest.raises(TypeError):
        Tensor("abc")
    with pytest.raises(TypeError):
        Tensor([True, False])
    with pytest.raises(TypeError):
        Tensor(1.0, requires_grad="yes")
    with pytest.raises(ValueError):
        autodiff.cross_entropy(Tensor(np.zeros((2, 3))), [0, 3])
    with pytest.raises(ValueError):
        autodiff.cross_entropy(Tensor(np.zeros(3)), [0])
    with pytest.raises(TypeError):
        autodiff.cross_entropy(np.zeros((2, 3)), [0, 1])
    with pytest.raises(ValueError):
        Tensor(np.ones((2, 2))).sum(axis=2)
    with pytest.raises(TypeError):
        Tensor(np.ones((2, 2))).sum(axis=0.5)
    with pytest.raises(TypeError):
        autodiff.softmax(np.ones(3))
    with pytest.raises(ValueError):
        Tensor(np.ones((2, 2))).transpose(0, 0)
    assert Tensor(np.float32(2.0)).item() == 2.0 and Tensor(np.int64(3)).data.dtype == np.float64


def test_float32_stays_float32():
    x = Tensor(np.ones((3, 4)), requires_grad=True, dtype=np.float32)
    w = Tensor(np.ones((4, 2)), requires_grad=True, dtype=np.float32)
    loss = autodiff.cross_entropy((x @ w * 0.5 + 1.0).relu(), [0, 1, 1])
    loss.backward()
    assert loss.data.dtype == np.float32 and w.grad.dtype == np.float32


# --------------------------------------------------------------------------- finite differences
def test_numerical_grad_and_gradcheck():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(3, 2))
    f = lambda a: (Tensor(a).tanh() ** 2).sum()  # noqa: E731
    np.testing.assert_allclose(autodiff.numerical_grad(f, x), 2 * np.tanh(x) / np.cosh(x) ** 2,
                               atol=1e-8)
    assert autodiff.gradcheck(lambda a, b: (a @ b).sigmoid(), [x, rng.normal(size=(2, 4))])
    wrong = autodiff.elementwise(np.tanh, lambda a, g: g * (1 - a**2), "tanh?")  # uses x, not tanh x
    assert not autodiff.gradcheck(lambda a: wrong(a), [x])
    right = autodiff.elementwise(np.tanh, lambda a, g: g * (1 - np.tanh(a) ** 2), "tanh")
    assert autodiff.gradcheck(lambda a: right(a), [x])
    calls = []
    autodiff.numerical_grad(lambda a: calls.append(1) or a.sum(), np.zeros((4, 5)))
    assert len(calls) == 2 * 20  # two evaluations per parameter
    with pytest.raises(ValueError):
        autodiff.numerical_grad(f, x, eps=0)
    with pytest.raises(TypeError):
        autodiff.numerical_grad(3, x)


def test_finite_difference_error_is_v_shaped_with_minima_at_the_textbook_steps():
    eps = np.logspace(-14, -1, 53)
    for x0 in (0.3, 1.0, 2.0):
        err = autodiff.fd_errors(np.sin, np.cos, x0, eps)
        for name, best in (("one-sided", 1e-8), ("central", 1e-5)):
            e = err[name]
            i = int(np.argmin(e))
            assert best / 30 < eps[i] < best * 30, (name, x0, eps[i])  # √ε_mach, ∛ε_mach
            assert e[0] > 100 * e[i] and e[-1] > 100 * e[i]  # both arms of the V rise
        assert err["central"].min() < err["one-sided"].min() / 100


def test_unbroadcast_and_softplus_check_their_arguments():
    with pytest.raises(TypeError, match=r"\bgrad\b"):
        autodiff.unbroadcast(None, (3,))
    with pytest.raises(TypeError, match=r"\bshape\b"):
        autodiff.unbroadcast(np.ones(3), 3)
    with pytest.raises(ValueError, match=r"\bshape\b.*\(2, 3\)"):
        autodiff.unbroadcast(np.ones((2, 3)), (4,))  # (4,) does not broadcast to (2, 3)
    with pytest.raises(ValueError, match=r"\bshape\b"):
        autodiff.unbroadcast(np.ones(3), (1, 1, 3))  # more axes than grad
    with pytest.raises(TypeError, match=r"\bx\b"):
        autodiff.softplus("abc")
    assert autodiff.unbroadcast(np.ones((2, 3)), [1, 3]).tolist() == [[2.0, 2.0, 2.0]]
