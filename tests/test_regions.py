"""helpers.regions: region bounds, exact counters (1-D, 2-D), exercises and the playground overlay.

Reference values come from theory (Zaslavsky's formula, Euler's formula for planar graphs, the
sawtooth's 2**k pieces), from numbers in Lepetit's deck (88) or from independent computations
with numpy/torch (grids of activation patterns, forward hooks, autograd Jacobians).
"""

import itertools
from math import comb

import matplotlib
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import checks, regions
from helpers import playground as pgmod

matplotlib.use("Agg")
BOX = (-3.0, 3.0, -3.0, 3.0)


# ------------------------------------------------------------------------- independent tools


def net_from(*layers) -> torch.nn.Sequential:
    """A float64 Sequential from (W, b) pairs with a ReLU after every pair but the last."""
    mods = []
    for k, (W, b) in enumerate(layers):
        W = np.asarray(W, dtype=float)
        lin = torch.nn.Linear(W.shape[1], W.shape[0]).double()
        with torch.no_grad():
            lin.weight.copy_(torch.tensor(W))
            lin.bias.copy_(torch.tensor(np.asarray(b, dtype=float)))
        mods.append(lin)
        if k < len(layers) - 1:
            mods.append(torch.nn.ReLU())
    return torch.nn.Sequential(*mods)


def one_layer_net(W, b) -> torch.nn.Sequential:
    """2 -> h -> 1 net whose hidden lines are W x + b = 0 (output weights all 1)."""
    W = np.asarray(W, dtype=float)
    return net_from((W, b), (np.ones((1, len(W))), [0.0]))


def torch_patterns(net, X) -> np.ndarray:
    """Activation patterns (pre-activation > 0) recorded with forward hooks on the ReLUs."""
    acts = []
    hooks = [m.register_forward_hook(lambda mod, inp, out: acts.append(inp[0] > 0))
             for m in net if isinstance(m, torch.nn.ReLU)]
    try:
        with torch.no_grad():
            net(torch.as_tensor(np.asarray(X, dtype=float)))
    finally:
        for h in hooks:
            h.remove()
    return torch.cat(acts, dim=1).numpy() if acts else np.zeros((len(X), 0), bool)


def masked_forward(net, X, pattern) -> np.ndarray:
    """The net with every ReLU replaced by a fixed 0/1 mask (the affine map of one region)."""
    h = torch.as_tensor(np.asarray(X, dtype=float))
    mask = torch.as_tensor(np.asarray(pattern, dtype=float))
    used = 0
    for m in net:
        if isinstance(m, torch.nn.Linear):
            h = h @ m.weight.double().T + m.bias.double()
        elif isinstance(m, torch.nn.ReLU):
            h = h * mask[used:used + h.shape[1]]
            used += h.shape[1]
    return h.detach().numpy()


def grid_count(net, box, resolution) -> int:
    """Distinct torch-hook patterns at cell centres (independent of count_patterns_grid)."""
    xs = box[0] + (box[1] - box[0]) * (np.arange(resolution) + 0.5) / resolution
    ys = box[2] + (box[3] - box[2]) * (np.arange(resolution) + 0.5) / resolution
    XY = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    P = torch_patterns(net, XY).astype(np.int64)
    codes = [P[:, k:k + 60] @ (1 << np.arange(P[:, k:k + 60].shape[1])) for k in range(0, P.shape[1], 60)]
    return len(np.unique(np.stack(codes, axis=1), axis=0)) if P.shape[1] else 1


def euler_faces(W, b) -> int:
    """Faces of the line arrangement {W_j x + b_j = 0} in the whole plane: F = E - V + 1."""
    m = len(W)
    points = []  # intersection points, then merged by rounding
    on_line = [set() for _ in range(m)]
    for i, j in itertools.combinations(range(m), 2):
        A = np.array([W[i], W[j]])
        if abs(np.linalg.det(A)) < 1e-12:
            continue  # parallel lines do not meet
        p = tuple(np.round(np.linalg.solve(A, -np.array([b[i], b[j]])), 9))
        points.append(p)
        on_line[i].add(p)
        on_line[j].add(p)
    V = len(set(points))
    E = sum(len(s) + 1 for s in on_line)
    return E - V + 1


def faces_in_box(W, b, box) -> int:
    """Faces of the arrangement inside a box, by Euler's formula on the clipped planar graph.

    Assumes general position (no line through a corner, no two lines meeting on the border).
    """
    xmin, xmax, ymin, ymax = box
    segments = []
    for w, c in zip(W, b):
        ends = []
        for x in (xmin, xmax):  # crossings of the vertical sides
            if w[1] != 0:
                y = -(c + w[0] * x) / w[1]
                if ymin < y < ymax:
                    ends.append((x, y))
        for y in (ymin, ymax):  # crossings of the horizontal sides
            if w[0] != 0:
                x = -(c + w[1] * y) / w[0]
                if xmin < x < xmax:
                    ends.append((x, y))
        if len(ends) == 2:
            segments.append((np.array(w), c))
    border = 2 * len(segments)  # points where a segment meets the border
    inner = 0
    on_segment = [0] * len(segments)
    for i, j in itertools.combinations(range(len(segments)), 2):
        A = np.array([segments[i][0], segments[j][0]])
        if abs(np.linalg.det(A)) < 1e-12:
            continue
        x, y = np.linalg.solve(A, -np.array([segments[i][1], segments[j][1]]))
        if xmin < x < xmax and ymin < y < ymax:
            inner += 1
            on_segment[i] += 1
            on_segment[j] += 1
    V = 4 + border + inner
    E = (4 + border) + sum(k + 1 for k in on_segment)
    return E - V + 1


def random_lines(rng, m, spread=1.0):
    W = rng.normal(size=(m, 2))
    b = spread * rng.normal(size=m)
    return W, b


# ------------------------------------------------------------------------- bounds


@pytest.mark.parametrize("m", range(0, 21))
def test_zaslavsky_in_the_plane_is_c_m_2_plus_m_plus_1(m):
    assert regions.zaslavsky(m) == comb(m, 2) + m + 1 == m * (m + 1) // 2 + 1


@pytest.mark.parametrize("m,n", [(m, n) for m in range(1, 9) for n in range(1, 6)])
def test_zaslavsky_satisfies_the_deletion_recurrence(m, n):
    # adding a hyperplane to m - 1 others splits as many regions as it is itself cut into,
    # i.e. the regions of m - 1 hyperplanes in dimension n - 1
    assert regions.zaslavsky(m, n) == regions.zaslavsky(m - 1, n) + regions.zaslavsky(m - 1, n - 1)
    assert regions.zaslavsky(m, 1) == m + 1
    assert regions.zaslavsky(m, m + n) == 2**m  # fewer hyperplanes than dimensions: all sign vectors


@pytest.mark.parametrize("seed", range(6))
def test_zaslavsky_against_euler_count_of_random_arrangements(seed):
    rng = np.random.default_rng(seed)
    m = 2 + seed
    W, b = random_lines(rng, m)
    assert euler_faces(W, b) == regions.zaslavsky(m)


@pytest.mark.parametrize("seed", range(4))
def test_zaslavsky_against_grid_sign_vectors(seed):
    rng = np.random.default_rng(100 + seed)
    m = 3 + seed % 2
    W, b = random_lines(rng, m)
    # a box containing every intersection point meets every face
    pts = [np.linalg.solve(np.array([W[i], W[j]]), -np.array([b[i], b[j]]))
           for i, j in itertools.combinations(range(m), 2)]
    lo, hi = np.min(pts, axis=0) - 1, np.max(pts, axis=0) + 1
    xs, ys = np.linspace(lo[0], hi[0], 1500), np.linspace(lo[1], hi[1], 1500)
    XY = np.stack(np.meshgrid(xs, ys), -1).reshape(-1, 2)
    codes = (XY @ W.T + b > 0) @ (1 << np.arange(m))  # sign vector as an integer
    assert len(np.unique(codes)) == regions.zaslavsky(m)


def test_special_arrangements_have_fewer_regions():
    parallel = np.array([[1.0, 0.0]] * 3), np.array([-1.0, 0.0, 1.0])
    concurrent = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), np.zeros(3)
    assert euler_faces(*parallel) == 4 < regions.zaslavsky(3)
    assert euler_faces(*concurrent) == 6 < regions.zaslavsky(3)
    assert regions.count_regions_2d(one_layer_net(*parallel), BOX) == 4
    assert regions.count_regions_2d(one_layer_net(*concurrent), BOX) == 6


def test_max_regions_matches_lepetits_deck():
    assert regions.max_regions([2, 4, 3]) == 88  # (1 + 4 + 6) * (1 + 3 + 3 + 1)


@pytest.mark.parametrize("widths", [[2, 5], [3, 4], [1, 7], [2, 4, 3], [2, 3, 5, 2], [3, 2, 6]])
def test_max_regions_is_the_product_of_layer_bounds(widths):
    expected = 1
    for prev, width in zip(widths[:-1], widths[1:]):
        expected *= sum(comb(width, i) for i in range(prev + 1))
    assert regions.max_regions(widths) == expected
    if len(widths) == 2:
        assert regions.max_regions(widths) == regions.zaslavsky(widths[1], widths[0])


def serra_brute(widths):
    """Serra et al.'s bound by enumerating every admissible (j1, ..., jL)."""
    n0, hidden = widths[0], widths[1:]
    total = 0
    for js in itertools.product(*[range(n + 1) for n in hidden]):
        ok, prev = True, [n0]
        for n, j in zip(hidden, js):
            if j > min(prev + [n]):
                ok = False
                break
            prev.append(n - j)
        if ok:
            total += int(np.prod([comb(n, j) for n, j in zip(hidden, js)]))
    return total


@pytest.mark.parametrize("widths", [[2, 4, 3], [2, 3], [1, 4, 4], [2, 5, 5, 5], [3, 2, 4], [2, 1, 6]])
def test_serra_bound_against_enumeration_and_ordering(widths):
    assert regions.serra_bound(widths) == serra_brute(widths)
    assert regions.serra_bound(widths) <= regions.max_regions(widths)
    assert regions.serra_bound([2, 4, 3]) == 77  # by hand: (1 + 4 + 6) * (1 + 3 + 3)


def test_one_hidden_layer_bounds_coincide():
    for n0, h in [(2, 6), (1, 5), (3, 2)]:
        assert regions.serra_bound([n0, h]) == regions.max_regions([n0, h]) == regions.zaslavsky(h, n0)


def test_n_params_and_width_for_budget_match_torch():
    for widths in ([2, 4, 3], [2, 16, 16], [3, 5]):
        net = regions.random_net(widths)
        assert regions.n_params(widths) == sum(p.numel() for p in net.parameters())
    assert regions.n_params([2, 4, 3]) == 12 + 15 + 4
    for budget, depth in [(100, 1), (100, 3), (337, 2)]:
        w = regions.width_for_budget(budget, depth)
        gaps = [abs(regions.n_params([2] + [v] * depth) - budget) for v in range(1, budget)]
        assert abs(regions.n_params([2] + [w] * depth) - budget) == min(gaps)
    assert regions.width_for_budget(337, 2) == 16


# ------------------------------------------------------------------------- 1-D: the sawtooth


def tent_composed(x, k):
    for _ in range(k):
        x = np.minimum(2 * x, 2 - 2 * x)
    return x


@pytest.mark.parametrize("k", range(1, 9))
def test_sawtooth_has_2_to_the_k_pieces(k):
    net = regions.sawtooth_net(k)
    assert regions.count_regions_1d(net, 0, 1) == 2**k
    x = np.linspace(0, 1, 1001)
    with torch.no_grad():
        y = net(torch.tensor(x)[:, None]).numpy()[:, 0]
    np.testing.assert_allclose(y, tent_composed(x, k), atol=1e-12)
    edges = [l for l, _, _ in regions.intervals_1d(net, 0, 1)] + [1.0]
    np.testing.assert_allclose(edges, np.arange(2**k + 1) / 2**k, atol=1e-12)
    n_units = sum(m.out_features for m in net if isinstance(m, torch.nn.Linear)) - 1
    assert n_units == 2 * k  # exponentially many pieces from linearly many units


def test_sawtooth_structure():
    net = regions.sawtooth_net(3)
    kinds = [type(m).__name__ for m in net]
    assert kinds == ["Linear", "ReLU"] * 3 + ["Linear"]
    assert net[0].in_features == 1 and net[-1].out_features == 1


@pytest.mark.parametrize("seed", range(5))
def test_1d_count_matches_dense_sampling(seed):
    net = net_from(*[(w, b) for w, b in [(np.random.default_rng(seed).normal(size=(5, 1)),
                                          np.random.default_rng(seed + 50).normal(size=5)),
                                         (np.random.default_rng(seed + 1).normal(size=(4, 5)),
                                          np.random.default_rng(seed + 51).normal(size=4)),
                                         (np.ones((1, 4)), [0.0])]])
    intervals = regions.intervals_1d(net, -3, 3)
    x = np.linspace(-3, 3, 200_001)
    P = torch_patterns(net, x[:, None])
    changes = int(np.any(P[1:] != P[:-1], axis=1).sum())
    assert len(intervals) == regions.count_regions_1d(net, -3, 3) >= changes + 1
    assert len(intervals) == changes + 1  # no piece narrower than the sampling step here
    for left, right, pat in intervals:  # the pattern at the midpoint
        np.testing.assert_array_equal(torch_patterns(net, np.array([[(left + right) / 2]]))[0], pat)


# ------------------------------------------------------------------------- 2-D: exact counter


@pytest.mark.parametrize("widths,seed", [([2, 3], 0), ([2, 4, 3], 1), ([2, 5, 4], 2), ([2, 6], 3)])
def test_exact_count_equals_fine_grid_count_on_small_nets(widths, seed):
    net = regions.random_net(widths, seed=seed)
    exact = regions.count_regions_2d(net, BOX)
    coarse = [grid_count(net, BOX, r) for r in (20, 60)]
    assert all(c <= exact for c in coarse)
    assert grid_count(net, BOX, 800) == exact
    assert regions.count_patterns_grid(net, BOX, 800) == exact


@pytest.mark.parametrize("widths,seed", [([2, 8, 8], 0), ([2, 16, 16], 1), ([2, 6, 6, 6], 2)])
def test_exact_count_bounds_the_grid_count(widths, seed):
    net = regions.random_net(widths, seed=seed)
    exact = regions.count_regions_2d(net, BOX)
    for r in (50, 200, 500):
        assert regions.count_patterns_grid(net, BOX, r) == grid_count(net, BOX, r) <= exact
    assert exact <= regions.serra_bound(widths) <= regions.max_regions(widths)


@pytest.mark.parametrize("seed", range(6))
def test_one_hidden_layer_count_is_the_number_of_faces_in_the_box(seed):
    rng = np.random.default_rng(seed)
    W, b = random_lines(rng, 3 + seed, spread=2.0)
    assert regions.count_regions_2d(one_layer_net(W, b), BOX) == faces_in_box(W, b, BOX)


@pytest.mark.parametrize("seed", range(4))
def test_one_hidden_layer_reaches_zaslavsky_when_the_box_holds_every_vertex(seed):
    rng = np.random.default_rng(10 + seed)
    m = 4 + seed
    W, b = random_lines(rng, m)
    pts = [np.linalg.solve(np.array([W[i], W[j]]), -np.array([b[i], b[j]]))
           for i, j in itertools.combinations(range(m), 2)]
    R = float(np.max(np.abs(pts))) + 1
    assert regions.count_regions_2d(one_layer_net(W, b), (-R, R, -R, R)) == regions.zaslavsky(m)


@pytest.mark.parametrize("widths,seed", [([2, 4], 0), ([2, 4, 3], 1), ([2, 6, 5, 4], 2), ([2, 8, 8], 3)])
def test_the_net_is_affine_on_every_region(widths, seed):
    net = regions.random_net(widths, seed=seed)
    rng = np.random.default_rng(seed)
    regs = regions.regions_2d(net, BOX)
    for r in regs:
        weights = rng.dirichlet(np.ones(len(r.vertices)), size=4)
        X = weights @ r.vertices  # (4, 2) points inside the convex polygon
        with torch.no_grad():
            y = net(torch.tensor(X)).numpy()
        np.testing.assert_array_equal(torch_patterns(net, X), np.tile(r.pattern, (4, 1)))
        np.testing.assert_allclose(masked_forward(net, X, r.pattern), y, atol=1e-10)
        np.testing.assert_allclose(X @ r.weight.T + r.bias, y, atol=1e-10)
        J = torch.autograd.functional.jacobian(net, torch.tensor(X[0]))  # (1, 2)
        np.testing.assert_allclose(r.weight, J.numpy(), atol=1e-10)


@pytest.mark.parametrize("widths,seed", [([2, 5, 5], 4), ([2, 16, 16], 5), ([2, 4, 4, 4, 4], 6)])
def test_regions_tile_the_box_with_one_polygon_per_pattern(widths, seed):
    net = regions.random_net(widths, seed=seed)
    regs = regions.regions_2d(net, BOX)
    area = (BOX[1] - BOX[0]) * (BOX[3] - BOX[2])
    assert sum(r.area for r in regs) == pytest.approx(area, rel=1e-9)
    assert len({r.pattern.tobytes() for r in regs}) == len(regs)
    assert all(r.area > 0 and r.pattern.shape == (sum(widths[1:]),) for r in regs)
    for r in regs:  # convex, counter-clockwise
        e = np.roll(r.vertices, -1, axis=0) - r.vertices
        cross = e[:, 0] * np.roll(e[:, 1], -1) - e[:, 1] * np.roll(e[:, 0], -1)
        assert np.all(cross >= -1e-9)


@settings(max_examples=25, deadline=None)
@given(widths=st.lists(st.integers(1, 6), min_size=1, max_size=3), seed=st.integers(0, 10_000),
       bias_std=st.sampled_from([0.0, 0.5, 2.0]))
def test_property_counts_are_bounded_and_tile_the_box(widths, seed, bias_std):
    widths = [2] + widths
    net = regions.random_net(widths, seed=seed, bias_std=bias_std)
    regs = regions.regions_2d(net, BOX)
    assert 1 <= len(regs) <= regions.serra_bound(widths) <= regions.max_regions(widths)
    assert regions.count_patterns_grid(net, BOX, 40) <= len(regs)
    assert sum(r.area for r in regs) == pytest.approx(36.0, rel=1e-9)
    C = np.array([r.centroid for r in regs])
    np.testing.assert_array_equal(torch_patterns(net, C), np.array([r.pattern for r in regs]))


# ------------------------------------------------------------------------- degenerate cases


def test_degenerate_units():
    box = (0.0, 1.0, 0.0, 1.0)
    zero = one_layer_net(np.zeros((3, 2)), np.zeros(3))  # pre-activation 0 everywhere: off
    [r] = regions.regions_2d(zero, box)
    assert not r.pattern.any()
    [r] = regions.regions_2d(one_layer_net(np.zeros((2, 2)), [1.0, -1.0]), box)
    np.testing.assert_array_equal(r.pattern, [True, False])
    cases = {
        "line misses the box": ([[1.0, 0.0]], [5.0], 1),
        "line through a corner only": ([[1.0, 1.0]], [0.0], 1),
        "line along a side": ([[1.0, 0.0]], [0.0], 1),
        "the same line twice": ([[1.0, -1.0], [2.0, -2.0]], [0.0, 0.0], 2),
        "a line and its opposite": ([[1.0, -1.0], [-1.0, 1.0]], [0.0, 0.0], 2),
        "three lines through one point": ([[1, 0], [0, 1], [1, 1]], [-0.5, -0.5, -1.0], 6),
        "two parallel lines": ([[1.0, 0.0], [1.0, 0.0]], [-0.25, -0.75], 3),
    }
    for name, (W, b, expected) in cases.items():
        net = one_layer_net(W, b)
        assert regions.count_regions_2d(net, box) == expected, name
        centres = (np.stack(np.meshgrid(*[np.arange(101) + 0.5] * 2), -1).reshape(-1, 2)) / 101
        if np.all(regions.preactivations(net, centres)[0] != 0):  # no grid point on a line
            assert regions.count_patterns_grid(net, box, 101) == expected, name


def test_no_relu_or_identity_layers_give_one_region():
    lin = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Identity(), torch.nn.Linear(3, 1))
    assert regions.count_regions_2d(lin, BOX) == 1 == regions.count_patterns_grid(lin, BOX, 10)
    net = regions.random_net([2, 4, 3], seed=0)
    with_id = torch.nn.Sequential(torch.nn.Identity(), *net, torch.nn.Identity())
    assert regions.count_regions_2d(with_id, BOX) == regions.count_regions_2d(net, BOX)
    assert regions.count_regions_1d(torch.nn.Sequential(torch.nn.Linear(1, 1)), -1, 1) == 1


def test_float32_models_are_counted_like_float64():
    net = regions.random_net([2, 6, 6], seed=3)
    net32 = regions.random_net([2, 6, 6], seed=3).float()
    assert regions.count_regions_2d(net32, BOX) == regions.count_regions_2d(net, BOX)


def test_we_count_patterns_not_distinct_affine_maps():
    # unit 2 has a zero outgoing weight: its line splits regions with the same affine map
    net = net_from(([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0]), ([[1.0, 0.0]], [0.0]))
    regs = regions.regions_2d(net, BOX)
    assert len(regs) == 4
    maps = {(tuple(np.round(r.weight.ravel(), 9)), tuple(np.round(r.bias, 9))) for r in regs}
    assert len(maps) == 2


def test_dead_deeper_units_keep_the_count_consistent_with_the_grid():
    # layer 2 is dead everywhere (large negative bias): patterns differ only in layer 1
    net = net_from(([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0]), ([[1.0, 1.0]], [-100.0]), ([[1.0]], [0.0]))
    assert regions.count_regions_2d(net, BOX) == 4 == grid_count(net, BOX, 50)


# ------------------------------------------------------------------------- bad inputs


@pytest.mark.parametrize("layer", [torch.nn.Tanh(), torch.nn.Sigmoid(), torch.nn.LeakyReLU(),
                                   torch.nn.Dropout()])
def test_other_layers_raise_type_error_naming_the_layer(layer):
    net = torch.nn.Sequential(torch.nn.Linear(2, 3), layer, torch.nn.Linear(3, 1))
    name = type(layer).__name__
    for call in (lambda: regions.count_regions_2d(net, BOX), lambda: regions.regions_2d(net, BOX),
                 lambda: regions.count_patterns_grid(net, BOX, 10),
                 lambda: regions.activation_patterns(net, np.zeros((3, 2)))):
        with pytest.raises(TypeError, match=rf"net\[1\] is {name}"):
            call()
    net1 = torch.nn.Sequential(torch.nn.Linear(1, 3), layer, torch.nn.Linear(3, 1))
    with pytest.raises(TypeError, match=name):
        regions.count_regions_1d(net1, 0, 1)


def test_bad_nets_and_arguments():
    with pytest.raises(TypeError, match="torch.nn.Sequential"):
        regions.count_regions_2d(torch.nn.Linear(2, 1), BOX)
    nested = torch.nn.Sequential(torch.nn.Sequential(torch.nn.Linear(2, 1)))
    with pytest.raises(TypeError, match=r"net\[0\] is Sequential"):
        regions.count_regions_2d(nested, BOX)
    with pytest.raises(ValueError, match=r"net\[0\] expects 3 inputs"):
        regions.count_regions_2d(torch.nn.Sequential(torch.nn.Linear(3, 1)), BOX)
    with pytest.raises(ValueError, match=r"net\[0\] expects 2 inputs"):
        regions.count_regions_1d(torch.nn.Sequential(torch.nn.Linear(2, 1)), 0, 1)
    net = regions.random_net([2, 3])
    for box in [(0, 1, 0), (1, 0, 0, 1), (0, 1, 0, np.inf), "box", None]:
        with pytest.raises(ValueError, match="box"):
            regions.count_regions_2d(net, box)
    with pytest.raises(ValueError, match="resolution"):
        regions.count_patterns_grid(net, BOX, 0)
    with pytest.raises(ValueError, match="tol"):
        regions.regions_2d(net, BOX, tol=0.5)
    with pytest.raises(ValueError, match="lo and hi"):
        regions.count_regions_1d(regions.sawtooth_net(2), 1, 0)
    with pytest.raises(ValueError, match="lo and hi must be numbers"):
        regions.count_regions_1d(regions.sawtooth_net(2), "a", 1)
    with pytest.raises(ValueError, match="X must have shape"):
        regions.activation_patterns(net, np.zeros(3))


def test_bad_arguments_of_bounds_and_builders():
    with pytest.raises(ValueError, match="m must be an int >= 0"):
        regions.zaslavsky(-1)
    with pytest.raises(TypeError, match="n must be an int"):
        regions.zaslavsky(3, 2.0)
    with pytest.raises(ValueError, match="widths"):
        regions.max_regions([2])
    with pytest.raises(TypeError, match="widths"):
        regions.serra_bound(5)
    with pytest.raises(ValueError, match=r"widths\[1\] must be an int >= 1"):
        regions.max_regions([2, 0])
    with pytest.raises(ValueError, match="depth must be an int >= 1"):
        regions.sawtooth_net(0)
    with pytest.raises(ValueError, match="bias_std"):
        regions.random_net([2, 3], bias_std=-1.0)
    with pytest.raises(ValueError, match="budget"):
        regions.width_for_budget(0, 2)


# ------------------------------------------------------------------------- exercises


def test_pattern_exercise_is_real():
    ex = regions.PATTERN
    assert ex.run(regions.pattern).passed
    stub = lambda X, W, b: (_ for _ in ()).throw(NotImplementedError)  # noqa: E731
    assert ex.run(stub).status == checks.NOT_IMPLEMENTED
    assert ex.run(lambda X, W, b: (X @ W.T + b >= 0).astype(int)).status == checks.FAIL  # ties
    assert ex.run(lambda X, W, b: (X @ W.T - b > 0).astype(int)).status == checks.FAIL  # sign
    assert not ex.run(lambda X, W, b: (X @ W + b > 0).astype(int)).passed  # missing transpose


def test_pattern_reference_agrees_with_torch_hooks():
    rng = np.random.default_rng(0)
    W, b, X = rng.normal(size=(4, 2)), rng.normal(size=4), rng.normal(size=(50, 2))
    np.testing.assert_array_equal(regions.pattern(X, W, b), torch_patterns(one_layer_net(W, b), X))
    with pytest.raises(ValueError, match="W must have shape"):
        regions.pattern(X, rng.normal(size=(4, 3)), b)


def test_affine_piece_exercise_is_real():
    ex = regions.AFFINE_PIECE
    assert ex.run(regions.affine_piece).passed
    assert ex.run(lambda *a: (_ for _ in ()).throw(NotImplementedError)).status == checks.NOT_IMPLEMENTED
    assert ex.run(lambda W, b, w2, b2, on: (w2 @ W, float(w2 @ b + b2))).status == checks.FAIL  # no B
    assert ex.run(lambda W, b, w2, b2, on: ((w2 * on) @ W, float((w2 * on) @ b))).status == checks.FAIL
    # against torch: the masked net at random points equals a·x + c
    rng = np.random.default_rng(1)
    W, b, w2, on = rng.normal(size=(3, 2)), rng.normal(size=3), rng.normal(size=3), np.array([1, 0, 1])
    a, c = regions.affine_piece(W, b, w2, 0.7, on)
    net = net_from((W, b), (w2[None, :], [0.7]))
    X = rng.normal(size=(5, 2))
    np.testing.assert_allclose(masked_forward(net, X, on)[:, 0], X @ a + c, atol=1e-12)
    with pytest.raises(ValueError, match="on must contain only 0 and 1"):
        regions.affine_piece(W, b, w2, 0.7, np.array([1, 2, 0]))


def test_region_bound_exercise_is_real():
    ex = regions.REGION_BOUND
    assert ex.run(regions.region_bound).passed
    assert ex.run(lambda m, n: (_ for _ in ()).throw(NotImplementedError)).status == checks.NOT_IMPLEMENTED
    assert ex.run(lambda m, n: sum(comb(m, i) for i in range(n))).status == checks.FAIL  # off by one
    assert ex.run(lambda m, n: comb(m, 2) + m + 1).status == checks.FAIL  # the plane only
    assert ex.run(lambda m, n: comb(m, n)).status == checks.FAIL


def test_tent_exercise_is_real():
    ex = regions.TENT
    assert ex.run(regions.tent).passed
    assert ex.run(lambda x: np.minimum(2 * x, 2 - 2 * x)).passed  # any correct tent on [0, 1]
    assert ex.run(lambda x: (_ for _ in ()).throw(NotImplementedError)).status == checks.NOT_IMPLEMENTED
    relu = lambda z: np.maximum(z, 0)  # noqa: E731
    assert ex.run(lambda x: 2 * relu(x) - 2 * relu(x - 0.5)).status == checks.FAIL  # flat, not folded
    assert ex.run(lambda x: relu(x) - 2 * relu(x - 0.5)).status == checks.FAIL  # half height
    x = np.linspace(0, 1, 11)
    with torch.no_grad():
        one_fold = regions.sawtooth_net(1)(torch.tensor(x)[:, None]).numpy()[:, 0]
    np.testing.assert_allclose(regions.tent(x), one_fold, atol=1e-12)


# ------------------------------------------------------------------------- drawing and overlay


def test_region_colors_separate_neighbours():
    net = one_layer_net([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0])  # four quadrants share a corner
    regs = regions.regions_2d(net, BOX)
    colours = regions.region_colors(regs)
    assert len(colours) == 4 and len(set(colours)) == 4
    assert regions.region_colors([]) == []
    with pytest.raises(TypeError, match="regions must be a list of Region"):
        regions.region_colors([np.zeros((3, 2))])
    fig, _ = pgmod.widgets.figure()
    coll = regions.draw_regions(fig.add_subplot(), regs)
    assert len(coll.get_paths()) == 4


def make_ui(**kwargs):
    w = regions.playground(**kwargs)
    return w, w.ui, w.overlay


def test_playground_overlay_counts_the_models_regions():
    w, ui, ov = make_ui(dataset="xor", hidden_layers=2, neurons=4, seed=1)
    pg = w.playground
    assert pg.activation == "relu"
    expected = regions.count_regions_2d(pg.model, pg.box)
    assert ov.label.get_text() == f"{expected} linear regions"
    assert len(ov.coll.get_paths()) == expected and ov.counts == {0: expected}
    for _ in range(3):
        ui.step_button.click()
    assert sorted(ov.counts) == [0, 1, 2, 3]
    assert ov.counts[3] == regions.count_regions_2d(pg.model, pg.box)
    np.testing.assert_array_equal(ov.line.get_xdata(), [0, 1, 2, 3])
    for mode in ("outline", "hide", "colour"):
        ov.mode.value = mode
        assert ov.coll.get_visible() == (mode != "hide")
    ui.reset_button.click()
    assert list(ov.counts) == [0]


@pytest.mark.parametrize("changes", [
    dict(activation="tanh"), dict(activation="sigmoid"), dict(activation="linear"),
    dict(hidden_layers=0), dict(neurons=1, hidden_layers=1), dict(hidden_layers=4, neurons=16),
    dict(dataset="spiral", noise=1.0)])
def test_overlay_update_at_extremes_never_raises(changes):
    w, ui, ov = make_ui(dataset="circles")
    ui.reset(**changes)
    ui.frame(1)
    text = ov.label.get_text()
    if w.playground.activation in ("tanh", "sigmoid"):
        assert "no linear regions" in text and not ov.coll.get_visible() and ov.banner.get_visible()
    else:
        assert text == f"{regions.count_regions_2d(w.playground.model, w.playground.box)} linear " \
                       f"region{'' if text.startswith('1 ') else 's'}"
    if changes.get("activation") == "linear" or changes.get("hidden_layers") == 0:
        assert text == "1 linear region"


def test_overlay_on_a_tanh_playground_directly():
    pg = pgmod.Playground(activation="tanh")
    ov = regions.RegionOverlay()
    assert ov.state(pg) == (None, "tanh units: no linear regions\n(they need ReLU or linear units)")
    ov.update(pg)  # before attach: no axes yet, must not raise
    ui = pgmod.PlaygroundUI(pg, overlays=[ov])
    ui.redraw()
    assert "no linear regions" in ov.label.get_text()


def test_overlay_on_a_diverged_playground_keeps_the_last_picture():
    w, ui, ov = make_ui(dataset="circles", hidden_layers=1, neurons=3)
    before = len(ov.coll.get_paths())
    pg = w.playground
    with torch.no_grad():
        pg.model[0].weight[0, 0] = float("nan")
    pg.step(1)  # records a NaN loss: diverged
    assert pg.diverged
    ui.redraw()
    assert ov.label.get_text() == "diverged: regions not counted"
    assert len(ov.coll.get_paths()) == before and 1 not in ov.counts
    with torch.no_grad():  # infinite weights without the flag are caught as well
        pg.model[0].weight[0, 0] = float("inf")
    assert ov.state(pg)[0] is None


def test_overlay_rejects_bad_arguments():
    with pytest.raises(ValueError, match="mode"):
        regions.RegionOverlay(mode="fill")
    with pytest.raises(ValueError, match="alpha"):
        regions.RegionOverlay(alpha=2)


def test_region_index_grid_matches_the_polygons():
    from matplotlib.path import Path

    net = regions.random_net([2, 5, 5], seed=2)
    regs = regions.regions_2d(net, BOX)
    ids = regions.region_index_grid(net, BOX, regs, resolution=40)
    assert ids.shape == (40, 40) and ids.min() >= 0
    centres = BOX[0] + 6 * (np.arange(40) + 0.5) / 40
    XY = np.stack(np.meshgrid(centres, centres), -1).reshape(-1, 2)
    inside = np.array([Path(r.vertices).contains_points(XY) for r in regs])  # (regions, cells)
    assert np.all(inside.sum(axis=0) == 1)  # every centre in exactly one polygon (generic net)
    np.testing.assert_array_equal(ids.ravel(), inside.argmax(axis=0))
    wide = regions.random_net([2, 40, 40], seed=0)  # > 64 units: keys span two words
    wide_regs = regions.regions_2d(wide, BOX)
    wide_ids = regions.region_index_grid(wide, BOX, wide_regs, resolution=60)
    np.testing.assert_array_equal(torch_patterns(wide, XY[:1]), wide_regs[wide_ids[0, 0]].pattern[None])
    assert len(np.unique(wide_ids)) == regions.count_patterns_grid(wide, BOX, 60)
    assert (regions.region_index_grid(wide, BOX, [], resolution=3) == -1).all()


def test_pattern_colors_give_one_colour_per_pattern_and_separate_one_unit_flips():
    rng = np.random.default_rng(0)
    patterns = rng.random((500, 40)) < 0.5
    patterns[250:] = patterns[rng.integers(0, 250, 250)]  # repeated rows
    colours = regions.overlay.pattern_colors(patterns)
    assert colours.shape == (500,) and colours.min() >= 0 and colours.max() < len(regions.overlay.REGION_PALETTE)
    _, group = np.unique(patterns, axis=0, return_inverse=True)
    for g in np.unique(group):  # every distinct pattern has exactly one colour
        assert len(np.unique(colours[group.ravel() == g])) == 1
    flipped = patterns[:, None, :] ^ np.eye(40, dtype=bool)  # (500, 40 one-unit flips, 40)
    assert np.all(regions.overlay.pattern_colors(flipped.reshape(-1, 40)).reshape(500, 40) != colours[:, None])
    assert len(np.unique(colours)) == len(regions.overlay.REGION_PALETTE)  # the palette is used
    assert (regions.overlay.pattern_colors(np.zeros((3, 0), bool)) == 0).all()
    with pytest.raises(ValueError, match="patterns must be a bool array"):
        regions.overlay.pattern_colors(np.ones((3, 4)))


@pytest.mark.parametrize("widths,seed", [([2, 5, 5], 2), ([2, 16, 16, 16, 16], 0), ([2, 40, 40], 0)])
def test_pattern_grid_labels_the_activation_patterns(widths, seed):
    net = regions.random_net(widths, seed=seed)
    keys, colours = regions.overlay.pattern_grid(net, BOX, 50)
    assert keys.shape == colours.shape == (50, 50)
    centres = BOX[0] + 6 * (np.arange(50) + 0.5) / 50
    XY = np.stack(np.meshgrid(centres, centres), -1).reshape(-1, 2)  # rows along y
    patterns = torch_patterns(net, XY)
    _, group = np.unique(patterns, axis=0, return_inverse=True)
    pairs = np.unique(np.column_stack([keys.ravel(), group.ravel()]), axis=0)
    assert len(pairs) == len(np.unique(keys)) == group.max() + 1  # equal keys iff equal patterns
    np.testing.assert_array_equal(colours.ravel(), regions.overlay.pattern_colors(patterns))
    assert len(np.unique(keys)) == regions.count_patterns_grid(net, BOX, 50)
    keys32, _ = regions.overlay.pattern_grid(net.float(), BOX, 50)  # the playground's dtype
    assert (keys32 == keys).mean() > 0.99  # float32 differs at most on a few boundary cells


def test_may_cross_never_skips_a_polygon_that_cut_would_cut():
    from helpers.regions import count

    rng = np.random.default_rng(5)
    square = np.array([[-1.0, -1.0], [1.0, -1.0], [1.0, 1.0], [-1.0, 1.0]])
    polys = [square * rng.uniform(0.01, 3) + rng.normal(size=2) for _ in range(300)]
    A = rng.normal(size=(300, 6, 2))
    A[:, 0] = 0.0  # constant units: no line
    c = rng.normal(size=(300, 6))
    c[:, 1] = -np.array([(P @ a).min() for P, a in zip(polys, A[:, 1])])  # touches a corner
    A[:, 2], c[:, 2] = [0.0, 1.0], [-P[0, 1] for P in polys]  # along an edge
    c[:, 3] = -np.einsum("pk,pk->p", A[:, 3], np.array([P.mean(axis=0) for P in polys]))  # across
    c[:, 4] = -np.array([(P @ a).min() for P, a in zip(polys, A[:, 4])])
    c[:, 4] -= 1.5 * regions.TOL * (np.abs(A[:, 4]).sum(axis=1) * 4 + np.abs(c[:, 4]))  # cuts a corner
    eps = regions.TOL * (np.abs(A).sum(axis=2) * 4 + np.abs(c))
    for units in ([4], [5], [0, 1, 2, 3, 5]):
        may = count._may_cross(polys, A[:, units], c[:, units], eps[:, units])
        cut = np.array([len(count._cut(P, A[p, units], c[p, units], eps[p, units], 0.0)) > 1
                        for p, P in enumerate(polys)])
        assert cut.any() and not (cut & ~may).any()  # (it may pass extra ones: _cut decides)
    assert not count._may_cross(polys, A[:, :3], c[:, :3], eps[:, :3]).any()  # no line crosses


def test_overlay_paints_an_image_above_the_polygon_limit():
    w, ui, ov = make_ui(dataset="spiral", hidden_layers=4, neurons=16)
    n = regions.count_regions_2d(w.playground.model, w.playground.box)
    assert n > regions.overlay.POLYGON_LIMIT and ov.label.get_text() == f"{n} linear regions"
    assert ov.image.get_visible() and not ov.coll.get_visible()
    assert ov.ids.shape == ov.colors.shape == (regions.overlay.IMAGE_RESOLUTION,) * 2
    assert len(np.unique(ov.ids)) <= n  # the grid sees at most the exact regions
    assert np.allclose(ov.image.get_extent(), w.playground.box)
    colour = ov.rgba()
    assert np.allclose(colour[..., 3], ov.alpha)  # every cell painted
    palette = matplotlib.colors.to_rgba_array(regions.overlay.REGION_PALETTE)
    np.testing.assert_allclose(colour[..., :3], palette[ov.colors][..., :3], atol=1e-6)
    np.testing.assert_allclose(ov.image.get_array(), colour)  # the image artist shows it
    ov.mode.value = "outline"
    outline = ov.rgba()
    assert 0 < (outline[..., 3] > 0).mean() < 0.6  # only the cells on region boundaries
    ov.mode.value = "hide"
    assert not ov.image.get_visible() and not ov.coll.get_visible()
    ui.reset(hidden_layers=1, neurons=2)  # back to a few polygons
    assert ov.coll.get_visible() is False and ov.ids is None  # hidden mode persists
    ov.mode.value = "colour"
    assert ov.coll.get_visible() and not ov.image.get_visible()


def test_two_layer_net_matches_the_formula_and_validates():
    rng = np.random.default_rng(3)
    W, b, w2 = rng.normal(size=(4, 2)), rng.normal(size=4), rng.normal(size=4)
    net = regions.two_layer_net(W, b, w2, 0.3)
    X = rng.normal(size=(20, 2))
    with torch.no_grad():
        y = net(torch.tensor(X)).numpy()[:, 0]
    np.testing.assert_allclose(y, np.maximum(X @ W.T + b, 0) @ w2 + 0.3, atol=1e-12)
    pts = [np.linalg.solve(W[[i, j]], -b[[i, j]]) for i, j in itertools.combinations(range(4), 2)]
    R = float(np.max(np.abs(pts))) + 1  # a box holding every crossing
    assert regions.count_regions_2d(regions.two_layer_net(W, b), (-R, R, -R, R)) == regions.zaslavsky(4)
    with pytest.raises(ValueError, match="W must have shape"):
        regions.two_layer_net(np.ones(3), np.ones(3))
    with pytest.raises(ValueError, match=r"b must have shape \(4,\)"):
        regions.two_layer_net(W, np.ones(3))
    with pytest.raises(ValueError, match=r"w2 must have shape \(4,\)"):
        regions.two_layer_net(W, b, np.ones(2))


def test_static_drawing_helpers():
    fig, _ = pgmod.widgets.figure()
    ax = fig.add_subplot()
    net = regions.random_net([2, 4, 3], seed=186)
    regs = regions.show_regions(ax, net, BOX, labels=True)
    assert ax.get_title() == f"{len(regs)} linear regions" and ax.get_xlim() == (-3.0, 3.0)
    texts = {t.get_text() for t in ax.texts}
    assert texts == {"".join("1" if v else "0" for v in r.pattern) for r in regs}
    outline = regions.draw_regions(ax, regs, fill=False)
    assert outline.get_facecolor().size == 0 or np.all(outline.get_facecolor()[:, 3] == 0)
    before = len(ax.collections)
    regions.draw_boundaries(ax, net, BOX, 0)  # one contour set per unit whose line crosses the box
    regions.draw_boundaries(ax, net, BOX, 1)
    XY = np.stack(np.meshgrid(*[np.linspace(-3, 3, 300)] * 2), -1).reshape(-1, 2)  # draw_boundaries' grid
    crossing = [int(np.ptp(np.sign(p), axis=0).astype(bool).sum()) for p in regions.preactivations(net, XY)]
    assert len(ax.collections) - before == sum(crossing)
    with pytest.raises(ValueError, match="layer must be an int in"):
        regions.draw_boundaries(ax, net, BOX, 2)
    with pytest.raises(ValueError, match="box"):
        regions.show_regions(ax, net, (1, 0, 0, 1))
