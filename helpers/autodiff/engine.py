"""A readable reverse-mode autodiff engine on numpy arrays (micrograd's idea, vectorised).

Every operation below creates a new :class:`Tensor` and attaches its *local backward rule*: a
function that turns the gradient of the output, ``g = ∂L/∂out``, into the gradients of the
inputs (a vector–Jacobian product). Forward and backward sit side by side, a few lines each.

``out.backward()`` then visits the graph once from the output back to the inputs (reverse
topological order, found without recursion) and, for every node, sums the contributions of
all its children (a value used twice gets two contributions), applying the chain rule

    ∂L/∂y_i = Σ_{children c} ∂L/∂z_c · ∂z_c/∂y_i .

Broadcasting is undone in one place, :func:`unbroadcast`: an input that numpy stretched to a
bigger shape receives the *sum* of the gradient over the stretched axes.

Shapes follow numpy: ``Tensor((3, 4)) @ Tensor((4, 2))`` is ``(3, 2)``; reductions take
``axis`` and ``keepdims`` as numpy does.
"""

from __future__ import annotations

from typing import Callable, Iterator, Sequence

import numpy as np

from helpers import validate


def unbroadcast(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum ``grad`` down to ``shape``: undo numpy broadcasting in the backward pass.

    Broadcasting copies an input along new leading axes and along axes of length 1; the
    gradient of a copy is the sum of the gradients of all copies, so we sum over those axes.
    ``grad (…, *shape-compatible)`` → an array of exactly ``shape``.
    """
    grad = validate.array(grad, "grad", dtype=None, finite=False)
    if not isinstance(shape, (tuple, list)):
        raise TypeError(f"shape must be a tuple of sizes, got {type(shape).__name__}")
    shape = tuple(validate.integer(s, "shape[...]", min=0) for s in shape)
    fits = len(shape) <= grad.ndim and all(s in (1, g) for s, g in zip(shape[::-1],
                                                                         grad.shape[::-1]))
    if not fits:
        raise ValueError(f"shape {shape} does not broadcast to grad's shape {grad.shape} "
                         f"(each axis of shape must be 1 or match grad's last axes)")
    return _unbroadcast(grad, shape)


def _unbroadcast(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """:func:`unbroadcast` without the input checks (the backward pass calls it per node)."""
    if grad.shape == shape:
        return grad
    while grad.ndim > len(shape):  # new leading axes: sum them away
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):  # axes of length 1 that were stretched
        if size == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad


def _as_tensor(x, like: "Tensor") -> "Tensor":
    """``x`` itself if it is a Tensor, else a constant Tensor of ``like``'s dtype."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (int, float, np.floating, np.integer)) and not isinstance(x, bool):
        return Tensor._result(np.asarray(x, dtype=like.data.dtype), (), "const", None)
    return Tensor(x, dtype=like.data.dtype)


def _broadcast_shape(op: str, a: "Tensor", b: "Tensor") -> None:
    """``ValueError`` naming both shapes unless ``a`` and ``b`` broadcast together."""
    if a.data.shape == b.data.shape or not a.data.shape or not b.data.shape:
        return
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ValueError(f"{op}: shapes {a.shape} and {b.shape} cannot be broadcast "
                         f"together") from None


def _axes(axis, ndim: int) -> tuple[int, ...]:
    """``axis`` (None, an int or a tuple of ints) as a tuple of non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if not isinstance(axis, (tuple, list)) else tuple(axis)
    out = []
    for a in axes:
        a = validate.integer(a, "axis")
        if not -ndim <= a < max(ndim, 1):
            raise ValueError(f"axis must be in [{-ndim}, {ndim - 1}] for a {ndim}-D tensor, "
                             f"got {a}")
        out.append(a % max(ndim, 1))
    return tuple(out)


class Tensor:
    """An n-dimensional array that remembers how it was computed, for ``backward()``.

    ``data`` is a numpy array (float64 unless ``dtype`` says otherwise); ``grad`` is ``None``
    until a backward pass reaches the tensor, then an array of the same shape. Gradients of
    leaf tensors (made by the user) accumulate over backward calls, as in torch: call
    ``zero_grad()`` (or an optimiser's) between steps.
    """

    def __init__(self, data, requires_grad: bool = False, dtype=np.float64, name: str = ""):
        if isinstance(data, Tensor):
            data = data.data
        self.data = validate.array(data, "data", dtype=dtype, finite=False)
        self.requires_grad = validate.boolean(requires_grad, "requires_grad")
        self.grad: np.ndarray | None = None
        self.name = name
        self._parents: tuple[Tensor, ...] = ()
        self._backward: Callable[[np.ndarray], Sequence[np.ndarray]] | None = None
        self.op = ""

    @classmethod
    def _result(cls, value: np.ndarray, parents: tuple["Tensor", ...], op: str,
                backward: Callable[[np.ndarray], Sequence[np.ndarray]]) -> "Tensor":
        """The output of an operation: its value, and (if needed) how to go backward."""
        out = cls.__new__(cls)
        out.data, out.grad, out.name, out.op = value, None, "", op
        out.requires_grad = any(p.requires_grad for p in parents)
        out._parents = parents if out.requires_grad else ()
        out._backward = backward if out.requires_grad else None
        return out

    # ------------------------------------------------------------------ binary operations
    def __add__(self, other) -> "Tensor":
        other = _as_tensor(other, self)
        _broadcast_shape("add", self, other)
        return Tensor._result(self.data + other.data, (self, other), "+",
                              lambda g: (g, g))

    def __sub__(self, other) -> "Tensor":
        other = _as_tensor(other, self)
        _broadcast_shape("subtract", self, other)
        return Tensor._result(self.data - other.data, (self, other), "−",
                              lambda g: (g, -g))

    def __mul__(self, other) -> "Tensor":
        other = _as_tensor(other, self)
        _broadcast_shape("multiply", self, other)
        a, b = self.data, other.data
        return Tensor._result(a * b, (self, other), "×",
                              lambda g: (g * b, g * a))

    def __truediv__(self, other) -> "Tensor":
        other = _as_tensor(other, self)
        _broadcast_shape("divide", self, other)
        a, b = self.data, other.data
        return Tensor._result(a / b, (self, other), "÷",
                              lambda g: (g / b, -g * a / b**2))

    def __matmul__(self, other) -> "Tensor":
        other = _as_tensor(other, self)
        a, b = self.data, other.data
        if a.ndim == 0 or b.ndim == 0 or a.shape[-1] != b.shape[-2 if b.ndim > 1 else 0]:
            raise ValueError(f"matmul: shapes {a.shape} and {b.shape} do not match (the last "
                             f"axis of the first must equal the "
                             f"{'second-to-last' if b.ndim > 1 else 'only'} axis of the second)")

        def backward(g):  # C = A B  →  ∂L/∂A = G Bᵀ,  ∂L/∂B = Aᵀ G
            a2 = a[None, :] if a.ndim == 1 else a  # treat vectors as 1-row / 1-column matrices
            b2 = b[:, None] if b.ndim == 1 else b
            g2 = g[..., None, :] if a.ndim == 1 else g
            g2 = g2[..., None] if b.ndim == 1 else g2
            ga = g2 @ np.swapaxes(b2, -1, -2)
            gb = np.swapaxes(a2, -1, -2) @ g2
            return (ga[..., 0, :] if a.ndim == 1 else ga, gb[..., 0] if b.ndim == 1 else gb)

        return Tensor._result(a @ b, (self, other), "@", backward)

    def __pow__(self, p) -> "Tensor":
        if not isinstance(p, (int, float)) or isinstance(p, bool):
            p = validate.real(p, "exponent")
        a = self.data
        return Tensor._result(a**p, (self,), f"^{p:g}",
                              lambda g: (g * p * a ** (p - 1),))

    def __neg__(self) -> "Tensor":
        return Tensor._result(-self.data, (self,), "neg", lambda g: (-g,))

    def __radd__(self, other) -> "Tensor":
        return _as_tensor(other, self) + self

    def __rsub__(self, other) -> "Tensor":
        return _as_tensor(other, self) - self

    def __rmul__(self, other) -> "Tensor":
        return _as_tensor(other, self) * self

    def __rtruediv__(self, other) -> "Tensor":
        return _as_tensor(other, self) / self

    def __rmatmul__(self, other) -> "Tensor":
        return _as_tensor(other, self) @ self

    # ------------------------------------------------------------------ element-wise functions
    def exp(self) -> "Tensor":
        e = np.exp(self.data)
        return Tensor._result(e, (self,), "exp", lambda g: (g * e,))

    def log(self) -> "Tensor":
        a = self.data
        return Tensor._result(np.log(a), (self,), "log", lambda g: (g / a,))

    def tanh(self) -> "Tensor":
        t = np.tanh(self.data)
        return Tensor._result(t, (self,), "tanh", lambda g: (g * (1 - t**2),))

    def sigmoid(self) -> "Tensor":
        s = np.exp(-np.logaddexp(0, -self.data))  # = 1 / (1 + e^-x), without overflow
        return Tensor._result(s, (self,), "σ", lambda g: (g * s * (1 - s),))

    def relu(self) -> "Tensor":
        on = self.data > 0
        return Tensor._result(np.maximum(self.data, 0), (self,), "relu",
                              lambda g: (g * on,))

    # ------------------------------------------------------------------ reductions and shapes
    def sum(self, axis=None, keepdims: bool = False) -> "Tensor":
        axes, shape = _axes(axis, self.ndim), self.shape

        def backward(g):  # every summed entry gets the output's gradient: copy g back
            g = g if keepdims else np.expand_dims(g, axes)
            return (np.broadcast_to(g, shape),)

        return Tensor._result(self.data.sum(axis=axes, keepdims=keepdims), (self,), "sum",
                              backward)

    def mean(self, axis=None, keepdims: bool = False) -> "Tensor":
        axes = _axes(axis, self.ndim)
        count = int(np.prod([self.shape[a] for a in axes]))
        return self.sum(axes, keepdims) * (1.0 / max(count, 1))

    def reshape(self, *shape) -> "Tensor":
        shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
        old = self.shape
        try:
            value = self.data.reshape(shape)
        except (ValueError, TypeError):
            raise ValueError(f"reshape: cannot reshape shape {old} into {tuple(shape)}") from None
        return Tensor._result(value, (self,), "reshape", lambda g: (g.reshape(old),))

    def transpose(self, *axes) -> "Tensor":
        axes = axes[0] if len(axes) == 1 and isinstance(axes[0], (tuple, list)) else axes
        axes = tuple(axes) if axes else tuple(reversed(range(self.ndim)))
        if sorted(_axes(axes, self.ndim)) != list(range(self.ndim)):
            raise ValueError(f"transpose: axes must be a permutation of 0..{self.ndim - 1}, "
                             f"got {axes}")
        inverse = np.argsort(_axes(axes, self.ndim))
        return Tensor._result(self.data.transpose(axes), (self,), "T",
                              lambda g: (g.transpose(inverse),))

    @property
    def T(self) -> "Tensor":
        return self.transpose()

    def __getitem__(self, index) -> "Tensor":
        if isinstance(index, Tensor):
            index = index.data.astype(np.int64)
        elif isinstance(index, tuple):
            index = tuple(i.data.astype(np.int64) if isinstance(i, Tensor) else i for i in index)
        shape = self.shape

        def backward(g):  # scatter g back; np.add.at adds when an entry is picked twice
            out = np.zeros(shape, dtype=g.dtype)
            np.add.at(out, index, g)
            return (out,)

        return Tensor._result(self.data[index], (self,), "[]", backward)

    # ------------------------------------------------------------------ softmax, log-softmax
    def log_softmax(self, axis: int = -1) -> "Tensor":
        """``x − log Σ exp x`` along ``axis``, computed as ``z − log Σ exp z`` with
        ``z = x − max x`` so that no exponential overflows."""
        (axis,) = _axes(axis, self.ndim)
        z = self.data - self.data.max(axis=axis, keepdims=True)
        out = z - np.log(np.exp(z).sum(axis=axis, keepdims=True))
        return Tensor._result(out, (self,), "log_softmax",
                              lambda g: (g - np.exp(out) * g.sum(axis=axis, keepdims=True),))

    def softmax(self, axis: int = -1) -> "Tensor":
        """``exp x / Σ exp x`` along ``axis`` (shifted by the max: no overflow)."""
        (axis,) = _axes(axis, self.ndim)
        e = np.exp(self.data - self.data.max(axis=axis, keepdims=True))
        s = e / e.sum(axis=axis, keepdims=True)
        return Tensor._result(s, (self,), "softmax",
                              lambda g: (s * (g - (g * s).sum(axis=axis, keepdims=True)),))

    # ------------------------------------------------------------------ the backward pass
    def backward(self, grad=None) -> None:
        """Fill ``.grad`` of every tensor this one depends on with ``∂self/∂tensor`` (times
        ``grad``). A scalar needs no ``grad``; otherwise pass ``grad`` of this tensor's shape."""
        for _ in backward_steps(self, grad):
            pass

    def zero_grad(self) -> None:
        self.grad = None

    def detach(self) -> "Tensor":
        """The same values, cut from the graph."""
        return Tensor(self.data, dtype=self.data.dtype)

    # ------------------------------------------------------------------ conveniences
    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> int:
        return self.data.size

    def item(self) -> float:
        return self.data.item()

    def numpy(self) -> np.ndarray:
        return self.data

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        grad = ", requires_grad=True" if self.requires_grad else ""
        body = np.array2string(self.data, precision=4, separator=", ", threshold=20)
        return f"Tensor({body}{grad})"


def topological_order(root: Tensor) -> list[Tensor]:
    """Every tensor ``root`` depends on, each after all of its inputs (``root`` last).

    An explicit stack replaces recursion: graphs far deeper than Python's recursion limit
    (about 1,000 nested calls) are fine.
    """
    if not isinstance(root, Tensor):
        raise TypeError(f"root must be an autodiff Tensor, got {type(root).__name__}")
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:  # all inputs of ``node`` are already in ``order``
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        stack.extend((p, False) for p in reversed(node._parents) if id(p) not in seen)
    return order


def backward_steps(root: Tensor, grad=None) -> Iterator[tuple[Tensor, Tensor, np.ndarray]]:
    """The backward pass, one local rule at a time (``Tensor.backward`` runs it to the end).

    Yields ``(node, parent, contribution)`` each time the rule of ``node`` hands the
    contribution ``∂L/∂node · ∂node/∂parent`` (already unbroadcast) to ``parent``. A node's
    gradient is final when all its children have been visited, which the reverse
    topological order guarantees.
    """
    if not root.requires_grad:
        raise RuntimeError("backward: this tensor does not depend on any tensor with "
                           "requires_grad=True")
    if grad is None:
        if root.size != 1:
            raise ValueError(f"backward: grad must be given for a non-scalar output of shape "
                             f"{root.shape} (e.g. np.ones({root.shape}))")
        grad = np.ones_like(root.data)
    else:
        grad = validate.array(grad.data if isinstance(grad, Tensor) else grad, "grad",
                              dtype=root.data.dtype, finite=False)
        if grad.shape != root.shape:
            raise ValueError(f"backward: grad must have the output's shape {root.shape}, "
                             f"got {grad.shape}")
    grads = {id(root): grad}  # ∂L/∂node, summed over the children visited so far
    for node in reversed(topological_order(root)):
        g = grads.pop(id(node), None)
        if g is None:  # a constant (requires_grad=False): no gradient flows to it
            continue
        if node._parents:  # an intermediate result: keep this pass's gradient
            node.grad = g
        else:  # a leaf: accumulate over backward calls, as torch does
            node.grad = g.copy() if node.grad is None else node.grad + g
            continue
        for parent, contribution in zip(node._parents, node._backward(g)):
            if not parent.requires_grad:
                continue
            contribution = _unbroadcast(np.asarray(contribution), parent.shape)
            key = id(parent)
            grads[key] = contribution if key not in grads else grads[key] + contribution
            yield node, parent, contribution


def softmax(x: Tensor, axis: int = -1) -> Tensor:
    """``exp(x) / Σ exp(x)`` along ``axis`` (numerically stable)."""
    return _check(x, "x").softmax(axis)


def log_softmax(x: Tensor, axis: int = -1) -> Tensor:
    """``log softmax(x)`` along ``axis``, stable for logits of any size (e.g. ±1000)."""
    return _check(x, "x").log_softmax(axis)


def elementwise(forward: Callable[[np.ndarray], np.ndarray],
                backward: Callable[[np.ndarray, np.ndarray], np.ndarray],
                name: str = "f") -> Callable[[Tensor], Tensor]:
    """A new element-wise operation from two numpy functions: ``forward(x) → y`` and its local
    backward rule ``backward(x, g) → g · f′(x)`` (``g = ∂L/∂y``, same shape as ``x``)."""
    validate.function(forward, "forward")
    validate.function(backward, "backward")

    def op(x: Tensor) -> Tensor:
        a = _check(x, "x").data
        return Tensor._result(np.asarray(forward(a), dtype=a.dtype), (x,), name,
                              lambda g: (backward(a, g),))

    op.__name__ = name
    return op


def _check(x, name: str) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"{name} must be a Tensor, got {type(x).__name__}")
    return x
