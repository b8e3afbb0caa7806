"""The vanilla RNN, C. Wolf's hand-built wolf-and-farmer network, Jacobian products and clipping.

An RNN with state ``h (H,)``, input ``x (D,)`` and output ``y (O,)``::

    h(t) = ψ(U h(t-1) + W x(t) + b),      y(t) = φ(V h(t) + c)

Back-propagation through time multiplies one Jacobian per step,
``∂h(t)/∂h(t-k) = Π_{j=t-k+1..t} diag(ψ'(a(j))) U`` with ``a(j) = U h(j-1) + W x(j) + b``:
its norm shrinks or grows geometrically with ``k`` depending on the spectral radius of ``U``
(Pascanu et al., 2013).
"""

from __future__ import annotations

import numpy as np

from helpers import validate

NONLINEARITIES = ("linear", "tanh")
ACTIVATIONS = ("identity", "tanh", "sigmoid", "relu", "step")


def activate(a: np.ndarray, name: str) -> np.ndarray:
    """An element-wise activation: identity, tanh, sigmoid ``1/(1+e^-a)``, relu ``max(a, 0)``
    or step ``1 if a > 0 else 0``."""
    validate.choice(name, "name", ACTIVATIONS)
    a = validate.array(a, "a", finite=False)  # a float copy; NaN and inf pass through
    if name == "identity":
        return a
    if name == "tanh":
        return np.tanh(a)
    if name == "sigmoid":
        return 0.5 * (1.0 + np.tanh(0.5 * a))  # no overflow
    if name == "relu":
        return np.maximum(a, 0.0)
    return (a > 0).astype(float)


def _per_unit(a: np.ndarray, names) -> np.ndarray:
    """Apply ``names`` (one activation name, or one per unit) to the last axis of ``a``."""
    if isinstance(names, str):
        return activate(a, names)
    return np.stack([activate(a[..., j], name) for j, name in enumerate(names)], axis=-1)


def wolf_farmer_rnn() -> dict:
    """C. Wolf's toy RNN with hand-set parameters: a farm camera reports, at each step,
    ``x(t) = (wolf seen, farmer seen)`` in {0, 1}²; the output ``y(t)`` is 1 (danger) when the
    wolf has arrived and the farmer either has not, or arrived strictly after the wolf.

    State (4 units): ``h1`` wolf arrived (a latch, ψ = step), ``h2`` farmer arrived (latch),
    ``h3`` steps since the wolf arrived (a counter, ψ = relu), ``h4`` steps since the farmer
    arrived. Output ``y = step(h1 - h2 + h3 - h4 - 1/2)``.

    Returns ``{"U" (4, 4), "W" (4, 2), "b" (4,), "V" (1, 4), "c" (1,), "psi" (4 names),
    "phi", "units", "inputs"}``, the format :func:`run_rnn` takes.
    """
    U = np.array([[1, 0, 0, 0],     # wolf arrived stays arrived
                  [0, 1, 0, 0],     # farmer arrived stays arrived
                  [1, 0, 1, 0],     # counter += 1 once the wolf had arrived one step earlier
                  [0, 1, 0, 1]], dtype=float)
    W = np.array([[1, 0], [0, 1], [0, 0], [0, 0]], dtype=float)
    b = np.array([-0.5, -0.5, 0.0, 0.0])
    V = np.array([[1.0, -1.0, 1.0, -1.0]])
    c = np.array([-0.5])
    return {"U": U, "W": W, "b": b, "V": V, "c": c, "psi": ("step", "step", "relu", "relu"),
            "phi": "step", "units": ("wolf arrived", "farmer arrived", "steps since wolf",
                                     "steps since farmer"),
            "inputs": ("wolf seen", "farmer seen")}


def run_rnn(params: dict, xs, h0=None) -> tuple[np.ndarray, np.ndarray]:
    """Run ``h(t) = ψ(U h(t-1) + W x(t) + b)``, ``y(t) = φ(V h(t) + c)`` over ``xs (T, D)``.

    ``params`` holds ``U (H, H)``, ``W (H, D)``, optional ``b (H,)``, ``V (O, H)``, ``c (O,)``
    and the activation names ``psi`` (one, or one per unit) and ``phi``; ``h0 (H,)`` defaults
    to zeros. Returns ``(hs (T, H), ys (T, O))``.
    """
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict, got {type(params).__name__}")
    U = validate.array(params["U"], "U", ndim=2)
    H = U.shape[0]
    if U.shape != (H, H):
        raise ValueError(f"U must be square (H, H), got {U.shape}")
    W = validate.array(params["W"], "W", ndim=2)
    if W.shape[0] != H:
        raise ValueError(f"W must have shape ({H}, D) to match U, got {W.shape}")
    xs = validate.array(xs, "xs", ndim=2)
    if xs.shape[1] != W.shape[1]:
        raise ValueError(f"xs must have shape (T, {W.shape[1]}), got {xs.shape}")
    if xs.shape[0] < 1:
        raise ValueError("xs must hold at least one step (T >= 1), got T = 0")
    b = validate.array(params.get("b", np.zeros(H)), "b", shape=(H,))
    V = validate.array(params["V"], "V", ndim=2)
    if V.shape[1] != H:
        raise ValueError(f"V must have shape (O, {H}), got {V.shape}")
    c = validate.array(params.get("c", np.zeros(V.shape[0])), "c", shape=(V.shape[0],))
    psi, phi = params.get("psi", "tanh"), params.get("phi", "identity")
    if not isinstance(psi, str) and len(psi) != H:
        raise ValueError(f"psi must be one activation name or {H} names, got {len(psi)}")
    h = np.zeros(H) if h0 is None else validate.array(h0, "h0", shape=(H,))
    hs = np.empty((len(xs), H))
    for t, x in enumerate(xs):
        h = _per_unit(U @ h + W @ x + b, psi)
        hs[t] = h
    ys = _per_unit(hs @ V.T + c, phi)
    return hs, ys


def danger_rule(xs) -> np.ndarray:
    """The danger signal by plain rules (for tests): ``1`` at step t when the wolf has been seen
    by t and the farmer was not seen at or before the wolf's first step. ``xs (T, 2)`` -> ``(T,)``."""
    xs = validate.array(xs, "xs", shape=(None, 2))
    out = np.zeros(len(xs))
    wolf = farmer = None
    for t, (w, f) in enumerate(xs):
        if w and wolf is None:
            wolf = t
        if f and farmer is None:
            farmer = t
        out[t] = wolf is not None and (farmer is None or farmer > wolf)
    return out


def recurrent_matrix(n: int, radius: float, seed: int = 0, kind: str = "orthogonal") -> np.ndarray:
    """A random ``(n, n)`` recurrent matrix with spectral radius ``radius``: ``radius · Q`` with
    ``Q`` orthogonal (every eigenvalue has modulus ``radius``), or a Gaussian matrix rescaled."""
    n = validate.integer(n, "n", min=1)
    radius = validate.real(radius, "radius", min=0)
    validate.choice(kind, "kind", ("orthogonal", "gaussian"))
    rng = np.random.default_rng(validate.integer(seed, "seed", min=0))
    A = rng.normal(size=(n, n))
    if kind == "orthogonal":
        Q, R = np.linalg.qr(A)
        return radius * Q * np.sign(np.diag(R))
    return radius * A / np.max(np.abs(np.linalg.eigvals(A)))


def _jacobian_inputs(U, h0, xs):
    U = validate.array(U, "U", ndim=2)
    n = U.shape[0]
    if U.shape != (n, n):
        raise ValueError(f"U must be square (n, n), got {U.shape}")
    h0 = validate.array(h0, "h0", shape=(n,))
    xs = validate.array(xs, "xs", ndim=2)
    if xs.shape[1] != n or xs.shape[0] < 1:
        raise ValueError(f"xs must have shape (T, {n}) with T >= 1, got {xs.shape}")
    return U, h0, xs


def step_jacobians(U, h0, xs, nonlinearity: str = "tanh") -> np.ndarray:
    """The one-step Jacobians ``J(t) = ∂h(t)/∂h(t-1) = diag(ψ'(a(t))) U`` of
    ``h(t) = ψ(U h(t-1) + x(t))``, ``a(t) = U h(t-1) + x(t)``, for t = 1..T: ``(T, n, n)``.

    ``xs (T, n)`` is the input drive ``W x(t) + b`` already mapped to the state space.
    ψ is the identity (``"linear"``, ψ' = 1) or ``"tanh"`` (ψ' = 1 - tanh²).
    """
    U, h, xs = _jacobian_inputs(U, h0, xs)
    validate.choice(nonlinearity, "nonlinearity", NONLINEARITIES)
    J = np.empty((len(xs), *U.shape))
    with np.errstate(over="ignore", invalid="ignore"):
        for t, x in enumerate(xs):
            a = U @ h + x
            if nonlinearity == "tanh":
                h = np.tanh(a)
                J[t] = (1.0 - h**2)[:, None] * U
            else:
                h = a
                J[t] = U
    return J


def jacobian_norms(U, h0, xs, nonlinearity: str = "tanh") -> np.ndarray:
    """``‖∂h(T)/∂h(T-k)‖₂`` for k = 0..T (spectral norm; k = 0 is the identity, norm 1).

    ``∂h(T)/∂h(T-k) = J(T) J(T-1) ⋯ J(T-k+1)`` with the one-step Jacobians of
    :func:`step_jacobians`; returns ``(T + 1,)``. Overflow gives ``inf``, never an exception.
    """
    J = step_jacobians(U, h0, xs, nonlinearity)
    T, n = len(J), J.shape[1]
    products = np.empty((T + 1, n, n))
    products[0] = np.eye(n)
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, T + 1):
            products[k] = products[k - 1] @ J[T - k]        # J(T) ⋯ J(T-k+1)
    finite = np.isfinite(products).all(axis=(1, 2))
    norms = np.full(T + 1, np.inf)
    norms[finite] = np.linalg.norm(products[finite], 2, axis=(1, 2))   # one batched SVD
    return norms


def gradient_through_time(U, g, K: int) -> np.ndarray:
    """Back-propagate ``g = ∂C/∂h(T) (n,)`` through the linear RNN ``h(t) = U h(t-1) + W x(t)``:
    row k of the ``(K + 1, n)`` result is ``∂C/∂h(T-k) = (U^k)ᵀ g = Uᵀ ∂C/∂h(T-k+1)``."""
    U = validate.array(U, "U", ndim=2)
    if U.shape[0] != U.shape[1]:
        raise ValueError(f"U must be square (n, n), got {U.shape}")
    g = validate.array(g, "g", shape=(U.shape[0],))
    K = validate.integer(K, "K", min=0)
    out = np.empty((K + 1, len(g)))
    out[0] = g
    for k in range(1, K + 1):
        out[k] = U.T @ out[k - 1]
    return out


def clip_by_norm(g, threshold: float) -> np.ndarray:
    """Pascanu's clipping: if ``‖g‖ >= threshold`` then ``g ← threshold · g / ‖g‖``.

    ``‖g‖`` is the Euclidean norm of all entries of ``g`` (any shape); returns a new array
    of ``g``'s shape, in the same direction, with norm ``min(‖g‖, threshold)``.
    """
    threshold = validate.real(threshold, "threshold", min=0, min_open=True)
    g = validate.array(g, "g")
    norm = np.linalg.norm(g)
    if norm >= threshold:
        return g * (threshold / norm)
    return g
