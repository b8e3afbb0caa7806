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

from helpers import checks, regions, widgets
from helpers import playground as pgmod
from tests.test_plotting_widgets import _connect

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
    with pytest.raises(TypeError, match="lo must be a real number"):
        regions.count_regions_1d(regions.sawtooth_net(2), "a", 1)
    with pytest.raises(ValueError, match="X must be 2-dimensional"):
        regions.activation_patterns(net, np.zeros(3))
    with pytest.raises(ValueError, match="X must contain only finite"):
        regions.activation_patterns(net, np.array([[0.0, np.nan]]))
    with pytest.raises(TypeError, match="resolution must be an integer"):
        regions.count_patterns_grid(net, BOX, 10.0)
    with pytest.raises(TypeError, match="tol must be a real number"):
        regions.regions_2d(net, BOX, tol="1e-9")


def test_bad_arguments_of_bounds_and_builders():
    with pytest.raises(ValueError, match="m must be >= 0"):
        regions.zaslavsky(-1)
    with pytest.raises(TypeError, match="n must be an integer, got float 2.0"):
        regions.zaslavsky(3, 2.0)
    assert regions.zaslavsky(np.int64(4), np.int32(2)) == 11  # numpy integers are accepted
    with pytest.raises(ValueError, match="widths"):
        regions.max_regions([2])
    with pytest.raises(TypeError, match="widths"):
        regions.serra_bound(5)
    with pytest.raises(ValueError, match=r"widths\[1\] must be >= 1"):
        regions.max_regions([2, 0])
    with pytest.raises(TypeError, match=r"widths\[1\] must be an integer"):
        regions.max_regions([2, 3.0])
    with pytest.raises(ValueError, match="depth must be >= 1"):
        regions.sawtooth_net(0)
    with pytest.raises(TypeError, match="depth must be an integer"):
        regions.sawtooth_net(2.0)
    with pytest.raises(TypeError, match="seed must be an integer"):
        regions.random_net([2, 3], seed=1.5)
    with pytest.raises(TypeError, match="bias_std must be a real number"):
        regions.random_net([2, 3], bias_std="0.5")
    assert regions.count_regions_2d(regions.random_net([2, 3], seed=np.int64(1), bias_std=np.float32(0.5)),
                                    BOX) >= 1
    with pytest.raises(ValueError, match="bias_std"):
        regions.random_net([2, 3], bias_std=-1.0)
    with pytest.raises(ValueError, match="budget"):
        regions.width_for_budget(0, 2)


# ------------------------------------------------------------------------- exercises


def stub(*args):
    raise NotImplementedError


def relu(z):
    return np.maximum(z, 0)


def test_pattern_exercise_is_real():
    ex = regions.PATTERN
    assert ex.run(regions.pattern).passed
    assert ex.run(stub).status == checks.NOT_IMPLEMENTED

    def deep(X, layers, tie_on=False, keep_negative=False, from_input=False, last_only=False):
        h, bits = np.asarray(X, float), []
        for W, b in layers:
            z = (np.asarray(X, float) if from_input else h) @ np.asarray(W).T + b
            bits.append(z >= 0 if tie_on else z > 0)
            h = z if keep_negative else relu(z)
        return np.concatenate(bits[-1:] if last_only else bits, axis=1).astype(int)

    wrong = {"ties on": dict(tie_on=True), "no ReLU between layers": dict(keep_negative=True),
             "X fed to every layer": dict(from_input=True), "last layer only": dict(last_only=True)}
    for name, kw in wrong.items():
        result = ex.run(lambda X, layers, kw=kw: deep(X, layers, **kw))
        assert result.status in (checks.FAIL, checks.ERROR), name
    assert ex.run(lambda X, layers: deep(X, layers[:1])).status == checks.FAIL  # first layer only
    no_transpose = ex.run(lambda X, layers: np.concatenate(
        [(X @ W + b > 0) for W, b in layers], axis=1).astype(int))
    assert no_transpose.status in (checks.FAIL, checks.ERROR)
    assert ex.run(lambda X, layers: deep(X, layers).astype(bool)).passed  # bools are 0/1 too
    # calling the helpers that compute patterns is off limits while the check runs
    cheat = ex.run(lambda X, layers: regions.pattern(X, layers))
    assert cheat.status == checks.FAIL and "write it yourself" in cheat.message

    def via_torch(X, layers):
        mods = []
        for W, b in layers:
            mods += [regions.nets._linear(W, b), torch.nn.ReLU()]
        return regions.activation_patterns(torch.nn.Sequential(*mods), X).astype(int)

    assert "write it yourself" in ex.run(via_torch).message
    assert regions.pattern(np.zeros((1, 2)), [(np.eye(2), np.zeros(2))]).tolist() == [[0, 0]]


def test_pattern_reference_agrees_with_torch_hooks():
    rng = np.random.default_rng(0)
    layers = [(rng.normal(size=(4, 2)), rng.normal(size=4)), (rng.normal(size=(3, 4)), rng.normal(size=3))]
    X = rng.normal(size=(50, 2))
    net = net_from(*layers, (np.ones((1, 3)), [0.0]))
    np.testing.assert_array_equal(regions.pattern(X, layers), torch_patterns(net, X))
    with pytest.raises(ValueError, match=r"layers\[1\]\[0\] \(W\) must have shape \(n, 4\)"):
        regions.pattern(X, [layers[0], (rng.normal(size=(3, 5)), rng.normal(size=3))])
    with pytest.raises(ValueError, match="X must contain only finite"):
        regions.pattern(np.array([[np.nan, 0.0]]), layers)
    with pytest.raises(TypeError, match="layers must be a list"):
        regions.pattern(X, "W")


def test_affine_piece_exercise_is_real():
    ex = regions.AFFINE_PIECE
    assert ex.run(regions.affine_piece).passed
    assert ex.run(stub).status == checks.NOT_IMPLEMENTED

    def compose(layers, w_out, b_out, on, mask=True, mask_bias=True, last_mask_only=False, out_bias=True):
        d = np.asarray(layers[0][0]).shape[1]
        A, c, used = np.eye(d), np.zeros(d), 0
        for k, (W, b) in enumerate(layers):
            m = np.asarray(on[used:used + len(b)], float) if mask else np.ones(len(b))
            used += len(b)
            if last_mask_only and k < len(layers) - 1:
                m = np.ones(len(b))
            A = m[:, None] * (W @ A)
            c = m * (W @ c + b) if mask_bias else m * (W @ c) + b
        return w_out @ A, float(w_out @ c + (b_out if out_bias else 0.0))

    wrong = {"no mask": dict(mask=False), "bias not masked": dict(mask_bias=False),
             "only the last layer masked": dict(last_mask_only=True), "b_out forgotten": dict(out_bias=False)}
    for name, kw in wrong.items():
        assert ex.run(lambda *a, kw=kw: compose(*a, **kw)).status == checks.FAIL, name
    assert ex.run(compose).passed
    cheat = ex.run(lambda *a: regions.affine_piece(*a))
    assert cheat.status == checks.FAIL and "write it yourself" in cheat.message
    # against torch: the masked net at random points equals a·x + c
    rng = np.random.default_rng(1)
    layers = [(rng.normal(size=(3, 2)), rng.normal(size=3)), (rng.normal(size=(4, 3)), rng.normal(size=4))]
    w_out, on = rng.normal(size=4), np.array([1, 0, 1, 1, 1, 0, 0])
    a, c = regions.affine_piece(layers, w_out, 0.7, on)
    net = net_from(*layers, (w_out[None, :], [0.7]))
    X = rng.normal(size=(5, 2))
    np.testing.assert_allclose(masked_forward(net, X, on)[:, 0], X @ a + c, atol=1e-12)
    with pytest.raises(ValueError, match="on must contain only 0 and 1"):
        regions.affine_piece(layers, w_out, 0.7, np.array([1, 2, 0, 1, 1, 0, 0]))
    with pytest.raises(ValueError, match=r"on must have shape \(7,\)"):
        regions.affine_piece(layers, w_out, 0.7, np.ones(3))


def test_affine_piece_is_the_map_of_the_exact_regions():
    net = regions.random_net([2, 5, 4], seed=7)
    lins = [m for m in net if isinstance(m, torch.nn.Linear)]
    layers = [(m.weight.detach().numpy(), m.bias.detach().numpy()) for m in lins[:-1]]
    w_out, b_out = lins[-1].weight.detach().numpy()[0], float(lins[-1].bias.detach()[0])
    for r in regions.regions_2d(net, BOX):
        a, c = regions.affine_piece(layers, w_out, b_out, r.pattern.astype(int))
        np.testing.assert_allclose(a, r.weight[0], atol=1e-10)
        np.testing.assert_allclose(c, r.bias[0], atol=1e-10)


def faces_of_lines(W, b):
    """Regions of a line arrangement in the plane, counted exactly in a box holding every
    crossing (independent of plane_regions: the exact polygon counter, and Euler's formula)."""
    pts = [np.linalg.solve(np.array([W[i], W[j]]), -np.array([b[i], b[j]]))
           for i, j in itertools.combinations(range(len(W)), 2)
           if abs(np.linalg.det(np.array([W[i], W[j]]))) > 1e-9]
    R = float(np.max(np.abs(pts))) + 2 if pts else 10.0
    R = max(R, 2 + float(np.max(np.abs(b) / np.abs(W).sum(axis=1))))
    return regions.count_regions_2d(one_layer_net(W, b), (-R, R, -R, R))


def test_plane_regions_reference_against_the_exact_counter():
    for W, b in regions.exercises._plane_cases(np.random.default_rng(3)):
        assert regions.plane_regions(W, b) == faces_of_lines(W, b)
    for seed in range(4):  # general position: Zaslavsky, and Euler's formula
        W, b = random_lines(np.random.default_rng(seed), 5 + seed)
        assert regions.plane_regions(W, b) == regions.zaslavsky(5 + seed) == euler_faces(W, b)
    square = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])
    assert regions.plane_regions(square, [-1.0, 1.0, -1.0, 1.0]) == 9  # a noughts-and-crosses grid
    with pytest.raises(ValueError, match="non-zero rows"):
        regions.plane_regions([[0.0, 0.0]], [1.0])


def test_plane_regions_exercise_is_real():
    ex = regions.PLANE_REGIONS
    assert ex.run(regions.plane_regions).passed
    assert ex.run(stub).status == checks.NOT_IMPLEMENTED
    assert ex.run(lambda W, b: comb(len(W), 2) + len(W) + 1).status == checks.FAIL  # general position only

    def pairs(W, b):  # every non-parallel pair counted as its own crossing
        n = sum(abs(np.linalg.det(np.array([W[i], W[j]]))) > 1e-12
                for i, j in itertools.combinations(range(len(W)), 2))
        return 1 + len(W) + n

    assert ex.run(pairs).status == checks.FAIL  # misses lines through one point

    def distinct_points(W, b):  # 1 + m + (number of distinct crossing points): misses multiplicity
        pts = {tuple(np.round(np.linalg.solve(np.array([W[i], W[j]]), -np.array([b[i], b[j]])), 8))
               for i, j in itertools.combinations(range(len(W)), 2)
               if abs(np.linalg.det(np.array([W[i], W[j]]))) > 1e-12}
        return 1 + len(W) + len(pts)

    assert ex.run(distinct_points).status == checks.FAIL

    def exact_equality(W, b):  # right idea, but points compared with ==: float noise splits them
        count = 1
        for j in range(len(W)):
            pts = {tuple(np.linalg.solve(np.array([W[i], W[j]]), -np.array([b[i], b[j]])))
                   for i in range(j) if abs(np.linalg.det(np.array([W[i], W[j]]))) > 1e-12}
            count += 1 + len(pts)
        return count

    assert ex.run(exact_equality).status in (checks.PASS, checks.FAIL)  # documents the hint
    cheat = ex.run(lambda W, b: regions.count_regions_2d(regions.two_layer_net(W, b), (-1e3, 1e3, -1e3, 1e3)))
    assert cheat.status == checks.FAIL and "write it yourself" in cheat.message


def test_tent_exercise_is_structural():
    ex = regions.TENT
    assert ex.run(regions.tent_params).passed
    assert ex.run(stub).status == checks.NOT_IMPLEMENTED
    # other correct nets: units swapped, scaled inside the ReLU
    assert ex.run(lambda: ([2.0, 2.0], [-1.0, 0.0], [-2.0, 1.0], 0.0)).passed
    assert ex.run(lambda: (np.array([4.0, 1.0]), np.array([0.0, -0.5]), np.array([0.5, -4.0]), 0)).passed
    wrong = {
        "flat, not folded": ([1.0, 1.0], [0.0, -0.5], [2.0, -2.0], 0.0),
        "half height": ([1.0, 1.0], [0.0, -0.5], [1.0, -2.0], 0.0),
        "kink at -1/2": ([1.0, 1.0], [0.0, 0.5], [2.0, -4.0], 0.0),
        "three units": ([1.0, 1.0, 1.0], [0.0, -0.5, -2.0], [2.0, -4.0, 0.0], 0.0),
        "one unit": ([1.0], [0.0], [2.0], 0.0),
        "a function, not weights": lambda x: np.minimum(2 * x, 2 - 2 * x),
        "formula values": tuple(np.minimum(2 * np.linspace(0, 1, 4), 2 - 2 * np.linspace(0, 1, 4))),
        "NaN": ([np.nan, 1.0], [0.0, -0.5], [2.0, -4.0], 0.0),
    }
    for name, answer in wrong.items():
        result = ex.run(lambda answer=answer: answer)
        assert result.status == checks.FAIL, name
        assert "expected" not in result.message  # the reference's weights are never shown
        if "-4.0" not in repr(answer):
            assert "-4" not in result.message, name
    # the reference's weights really make the tent, and the sawtooth's first layer
    w1, b1, w2, b2 = regions.tent_params()
    x = np.linspace(-1, 2, 301)
    tent_values = np.clip(np.minimum(2 * x, 2 - 2 * x), 0, None) * (x <= 1) + (2 - 2 * x) * (x > 1)
    np.testing.assert_allclose(relu(np.outer(x, w1) + b1) @ w2 + b2, tent_values, atol=1e-12)
    np.testing.assert_allclose(regions.tent(x), tent_values, atol=1e-12)
    x = np.linspace(0, 1, 11)
    with torch.no_grad():
        one_fold = regions.sawtooth_net(1)(torch.tensor(x)[:, None]).numpy()[:, 0]
    np.testing.assert_allclose(regions.tent(x), one_fold, atol=1e-12)


def test_every_exercise_hides_its_answer_when_asked():
    assert regions.TENT.show_expected is False
    message = regions.TENT.run(lambda: ([1.0, 1.0], [0.0, -0.5], [2.0, -2.0], 0.0)).message
    assert "[2.0, -4.0]" not in message and "expected" not in message


# ------------------------------------------------------------------------- Montúfar's lower bound


@pytest.mark.parametrize("n_in,widths,expected", [
    (2, [4, 4, 4], 4 * 4 * 11),  # floor(4/2)^2 twice, then 1 + 4 + 6
    (2, [4, 4, 3], 4 * 4 * 7),
    (2, [5, 6], 4 * 22),  # floor(5/2)^2 = 4; 1 + 6 + 15 = 22
    (1, [3, 3, 2], 3 * 3 * 3),
    (3, [7, 4], 8 * 15),  # floor(7/3)^3 = 8; 1 + 4 + 6 + 4 = 15
    (2, [3], 7),  # one layer: Zaslavsky
    (2, [2, 2, 2, 2], 4),  # width = n_in: no folding, no gain from depth
])
def test_deep_lower_bound_hand_values(n_in, widths, expected):
    assert regions.deep_lower_bound(n_in, widths) == expected
    assert regions.deep_lower_bound(np.int64(n_in), np.array(widths)) == expected


def test_deep_lower_bound_rejects_bad_widths():
    with pytest.raises(ValueError, match=r"widths\[1\] must be >= n_in = 2"):
        regions.deep_lower_bound(2, [4, 1])
    with pytest.raises(ValueError, match=r"widths\[0\] must be >= n_in = 3"):
        regions.deep_lower_bound(3, [2])
    with pytest.raises(TypeError, match=r"widths\[0\] must be an integer"):
        regions.deep_lower_bound(2, [4.0])
    with pytest.raises(ValueError, match="n_in must be >= 1"):
        regions.deep_lower_bound(0, [4])
    with pytest.raises(ValueError, match="widths must have at least 1"):
        regions.deep_lower_bound(2, [])


@pytest.mark.parametrize("n_in,widths,box", [
    (2, [4, 4, 4], (0, 1, 0, 1)), (2, [4, 4, 3], (0, 1, 0, 1)), (2, [5, 4, 6], (0, 1, 0, 1)),
    (2, [6, 5], (0, 1, 0, 1)), (2, [3], (0, 1, 0, 1)), (2, [2, 2, 5], (0, 1, 0, 1))])
def test_montufar_construction_reaches_the_lower_bound_in_2d(n_in, widths, box):
    net = montufar = regions.montufar_net(n_in, widths)
    exact = regions.count_regions_2d(montufar, box)
    assert exact >= regions.deep_lower_bound(n_in, widths)  # the bound holds ...
    assert exact == regions.deep_lower_bound(n_in, widths)  # ... and the construction attains it
    assert exact <= regions.serra_bound([n_in] + widths)
    assert grid_count(net, box, 400) == exact  # torch hooks on a fine grid see every region


@pytest.mark.parametrize("widths", [[3, 3, 2], [2, 2, 2, 4], [5, 1], [4, 3, 3]])
def test_montufar_construction_in_1d(widths):
    net = regions.montufar_net(1, widths)
    n = regions.count_regions_1d(net, 0, 1)
    expected = int(np.prod(widths[:-1])) * (widths[-1] + 1)
    assert n == expected == regions.deep_lower_bound(1, widths)
    x = (np.arange(200_000) + 0.5) / 200_000  # cell centres: no sample exactly on a fold
    P = torch_patterns(net, x[:, None])
    assert int(np.any(P[1:] != P[:-1], axis=1).sum()) + 1 == expected


def test_depth_wins_at_equal_units():
    # shallow: N = L w units in one layer, exact maximum C(N, 2) + N + 1 (Zaslavsky, general position)
    for w in (4, 6, 8):
        assert regions.deep_lower_bound(2, [w]) == comb(w, 2) + w + 1  # one layer: the same
        for L in range(2, 9):
            N = L * w
            assert regions.deep_lower_bound(2, [w] * L) > comb(N, 2) + N + 1
    assert regions.deep_lower_bound(2, [4, 4]) == 44 > 37 == regions.zaslavsky(8)
    assert regions.deep_lower_bound(2, [2] * 6) == 4 < regions.zaslavsky(12)  # width n_in: no folds


def brute_budget(P):
    """(shallow exact maximum, best deep lower bound) at <= P parameters, from the formulas."""
    N = max([n for n in range(0, P) if 4 * n + 1 <= P] or [0])  # 2 -> N -> 1: 4N + 1 parameters
    shallow = comb(N, 2) + N + 1
    deep = 0
    for L in range(2, 13):
        for w in range(2, P):
            params = 3 * w + (L - 1) * (w + 1) * w + w + 1
            if params > P:
                break
            deep = max(deep, (w // 2) ** (2 * (L - 1)) * (1 + w + comb(w, 2)))
    return shallow, deep


def test_at_equal_parameters_depth_loses_at_small_budgets_and_wins_at_large_ones():
    for P in range(10, 57):
        shallow, deep = brute_budget(P)
        assert shallow > deep, P
        assert regions.shallow_max_for_budget(P)[0] == shallow
        assert regions.deep_lower_bound_for_budget(P)[0] == deep
    for P in list(range(57, 200)) + [300, 500, 1000, 2000]:
        shallow, deep = brute_budget(P)
        assert deep > shallow, P
        assert regions.deep_lower_bound_for_budget(P)[0] == deep
    assert regions.shallow_max_for_budget(50) == (79, 12)
    assert regions.deep_lower_bound_for_budget(50) == (44, [4, 4])
    assert regions.deep_lower_bound_for_budget(57) == (176, [4, 4, 4])
    assert regions.n_params([2, 4, 4, 4]) == 57
    assert regions.deep_lower_bound_for_budget(5) == (0, [])


# ------------------------------------------------------------------------- the decision boundary


def zero_crossings(net, box, n=400):
    """Points where the net's output is 0, from sign changes between neighbours of a grid that
    share one activation pattern (torch hooks), located by linear interpolation, which is exact
    there because the net is affine along the segment between them (torch forward only)."""
    xs, ys = np.linspace(box[0], box[1], n), np.linspace(box[2], box[3], n)
    XY = np.stack(np.meshgrid(xs, ys), -1)
    with torch.no_grad():
        Y = net(torch.tensor(XY.reshape(-1, 2))).numpy()[:, 0].reshape(n, n)
    codes = torch_patterns(net, XY.reshape(-1, 2)) @ (1 << np.arange(net[0].out_features + net[2].out_features))
    codes = codes.reshape(n, n)
    points = []
    for sl_a, sl_b in (((slice(None, -1),), (slice(1, None),)),
                       ((slice(None), slice(None, -1)), (slice(None), slice(1, None)))):
        a, b, pa, pb = Y[sl_a], Y[sl_b], XY[sl_a], XY[sl_b]
        hit = (a * b < 0) & (codes[sl_a] == codes[sl_b])
        t = (a[hit] / (a[hit] - b[hit]))[:, None]
        points.append(pa[hit] + t * (pb[hit] - pa[hit]))
    return np.concatenate(points)


def cross2(u, v):
    return u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]


@pytest.mark.parametrize("seed", range(3))
def test_decision_boundary_is_straight_inside_each_region_and_bends_at_edges(seed):
    from matplotlib.path import Path

    net = regions.random_net([2, 6, 6], seed=seed)
    with torch.no_grad():  # put y = 0 through the box
        XY = np.stack(np.meshgrid(*[np.linspace(-3, 3, 50)] * 2), -1).reshape(-1, 2)
        net[-1].bias -= float(np.median(net(torch.tensor(XY)).numpy()))
    regs = regions.regions_2d(net, BOX)
    segments, owners = regions.zero_segments(regs)
    assert len(segments) >= 5
    pts = zero_crossings(net, BOX)
    crossed = 0
    for r, k in zip(regs, range(len(regs))):
        inside = Path(r.vertices).contains_points(pts, radius=-1e-6)
        mine = segments[owners == k]
        if inside.sum() >= 3:  # the net's zeros inside this region lie on one straight line
            crossed += 1
            P = pts[inside] - pts[inside].mean(axis=0)
            assert np.linalg.svd(P, compute_uv=False)[1] < 1e-9 * (1 + np.abs(P).max()) * len(P)
            assert len(mine) == 1  # ... which is the segment zero_segments found
            (p, q), = mine
            d = q - p
            dist = np.abs(cross2(d, pts[inside] - p)) / np.linalg.norm(d)
            assert dist.max() < 1e-9
    assert crossed >= 3
    # y is 0 along every segment (torch forward), and each segment ends on its region's border
    for (p, q), k in zip(segments, owners):
        t = np.linspace(0, 1, 7)[:, None]
        with torch.no_grad():
            y = net(torch.tensor(p + t * (q - p))).numpy()[:, 0]
        assert np.abs(y).max() < 1e-9
        V = regs[k].vertices
        for end in (p, q):
            e = np.roll(V, -1, axis=0) - V
            dist = np.abs(cross2(e, end - V)) / np.linalg.norm(e, axis=1)
            assert dist.min() < 1e-9
    # it is NOT made of region edges: the midpoints lie strictly inside their regions, and it
    # bends where it crosses an edge (neighbouring segments have different directions)
    mids = segments.mean(axis=1)
    assert all(Path(regs[k].vertices).contains_points(m[None], radius=-1e-6)[0] for m, k in zip(mids, owners))
    directions = {tuple(np.round(np.abs(d / np.linalg.norm(d)), 6)) for d in segments[:, 1] - segments[:, 0]}
    assert len(directions) >= 3


def test_zero_segments_simple_cases_and_bad_arguments():
    # y = x1 + x2 - 1 on the regions of two lines x1 = 0.5 and x2 = 0.5 in the unit square
    net = net_from(([[1.0, 0.0], [0.0, 1.0]], [-0.5, -0.5]), ([[0.0, 0.0]], [0.0]))
    with torch.no_grad():
        net[-1].weight.zero_()
    regs = regions.regions_2d(net, (0, 1, 0, 1))
    for r in regs:  # rebuild the output map by hand: y = x1 + x2 - 1 everywhere
        object.__setattr__(r, "weight", np.array([[1.0, 1.0]]))
        object.__setattr__(r, "bias", np.array([-1.0]))
    segments, owners = regions.zero_segments(regs)
    assert len(segments) == 2  # the anti-diagonal crosses two of the four squares (and the centre)
    assert np.allclose(np.sort(segments.sum(axis=2).ravel()), 1.0)
    flat = regions.regions_2d(net, (0, 1, 0, 1))  # output identically 0: no segment
    assert len(regions.zero_segments(flat)[0]) == 0
    with pytest.raises(TypeError, match="regions must be a list of Region"):
        regions.zero_segments([np.zeros((3, 2))])
    with pytest.raises(ValueError, match="output must be < 1"):
        regions.zero_segments(regs, output=1)
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        regions.draw_zero_set("ax", regs)
    fig, _ = widgets.figure()
    ax = fig.add_subplot()
    coll = regions.draw_zero_set(ax, regs)
    assert len(coll.get_segments()) == 2


# ------------------------------------------------------------------------- bad input (issue 7 §5)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
@pytest.mark.parametrize("where", ["weight", "bias"])
def test_nan_or_inf_parameters_raise_value_error_naming_the_layer(bad, where):
    net = regions.random_net([2, 4, 3], seed=0)
    with torch.no_grad():
        getattr(net[2], where)[0] = bad
    what = "weights" if where == "weight" else "biases"
    for call in (lambda: regions.count_regions_2d(net, BOX), lambda: regions.regions_2d(net, BOX),
                 lambda: regions.count_patterns_grid(net, BOX, 10),
                 lambda: regions.activation_patterns(net, np.zeros((2, 2)))):
        with pytest.raises(ValueError, match=rf"net\[2\] \(Linear\) has NaN or inf {what}"):
            call()
    net1 = regions.sawtooth_net(2)
    with torch.no_grad():
        getattr(net1[0], where)[1] = bad
    with pytest.raises(ValueError, match=rf"net\[0\] \(Linear\) has NaN or inf {what}"):
        regions.count_regions_1d(net1, 0, 1)


def test_sawtooth_depth_has_a_documented_maximum():
    assert "SAWTOOTH_MAX_DEPTH" in regions.sawtooth_net.__doc__ or "50" in regions.sawtooth_net.__doc__
    assert len(regions.sawtooth_net(regions.SAWTOOTH_MAX_DEPTH)) == 2 * regions.SAWTOOTH_MAX_DEPTH + 1
    for depth in (regions.SAWTOOTH_MAX_DEPTH + 1, 10**9):
        with pytest.raises(ValueError, match=f"depth must be <= {regions.SAWTOOTH_MAX_DEPTH}"):
            regions.sawtooth_net(depth)


def test_drawing_helpers_reject_what_is_not_an_axes():
    net = regions.random_net([2, 3], seed=0)
    regs = regions.regions_2d(net, BOX)
    fig, _ = widgets.figure()
    for call in (lambda: regions.show_regions(None, net, BOX), lambda: regions.draw_regions(fig, regs),
                 lambda: regions.draw_boundaries("ax", net, BOX, 0), lambda: regions.draw_zero_set(3, regs)):
        with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
            call()
    with pytest.raises(TypeError, match="layer must be an integer"):
        regions.draw_boundaries(fig.add_subplot(), net, BOX, 0.0)


# ------------------------------------------------------------------------- drawing and overlay


def test_region_colors_separate_neighbours():
    net = one_layer_net([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0])  # four quadrants share a corner
    regs = regions.regions_2d(net, BOX)
    colours = regions.region_colors(regs)
    assert len(colours) == 4 and len(set(colours)) == 4
    assert regions.region_colors([]) == []
    with pytest.raises(TypeError, match="regions must be a list of Region"):
        regions.region_colors([np.zeros((3, 2))])
    fig, _ = widgets.figure()
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


def test_overlay_image_is_made_from_the_counted_weights_and_same_weights_are_not_recounted(
        monkeypatch):
    w, ui, ov = make_ui(dataset="spiral", hidden_layers=4, neurons=16)
    pg = w.playground
    keys, colours = regions.overlay.pattern_grid(pg.model, pg.box, regions.overlay.IMAGE_RESOLUTION)
    pg.step(3)  # trained on, not redrawn: the image still shows the weights that were counted
    np.testing.assert_array_equal(ov.ids, keys)
    np.testing.assert_array_equal(ov.colors, colours)
    counted = []
    count = regions.overlay.regions_2d
    monkeypatch.setattr(regions.overlay, "regions_2d", lambda *a: counted.append(1) or count(*a))
    ui.redraw()  # new weights: counted once (the quick frame does not count)
    assert len(counted) == 1 and ov.counts[pg.epoch] == regions.count_regions_2d(pg.model, pg.box)
    ov.mode.value = "outline"  # same weights: the count is reused
    ui.redraw()
    assert len(counted) == 1 and ov.image.get_visible()
    with torch.no_grad():
        pg.model[0].bias[0] += 0.01  # any change of a weight: counted again
    ui.redraw()
    assert len(counted) == 2


def _off_pixels(canvas) -> int:
    """Pixels of the canvas's last frame more than 8 levels away from a full draw (savefig)."""
    import io

    fig = canvas.figure
    buf = io.BytesIO()
    fig.savefig(buf, format="rgba", dpi=fig.dpi)
    w, h = canvas.get_width_height(physical=True)
    full = np.frombuffer(buf.getvalue(), np.uint8).reshape(h, w, 4).astype(int)
    frame = np.asarray(canvas.get_renderer().buffer_rgba()).astype(int)
    return int((np.abs(frame - full).max(axis=2) > 8).sum())


def test_count_history_blits_frames_that_equal_a_full_draw():
    """The count history (widgets.Blitter): each exact update sends a finished frame at once,
    the same picture as a full draw of the same state; the axes are drawn in full again only
    when a limit doubles."""
    from helpers.regions.overlay import _grown_limit

    assert [_grown_limit(v) for v in (0, 10, 10.5, 41, 1e9)] == [10, 10, 20, 80, 10 * 2.0 ** 27]
    w, ui, ov = make_ui(dataset="xor", hidden_layers=2, neurons=4, seed=1)
    frames = _connect(ov.canvas)
    ov.blitter()  # the view's first, full frame
    assert ov.blitter.full_draws == 1 and _off_pixels(ov.canvas) == 0
    changes = 0
    for _ in range(12):  # epochs 1..12: the epoch axis doubles from 10 to 20 on the way
        sent, limits = len(frames), ov.limits
        ui.step_button.click()
        changes += ov.limits != limits
        new = frames[sent:]
        assert new and all(isinstance(f, bytes) for f in new), new
        assert _off_pixels(ov.canvas) == 0, w.playground.epoch
    assert ov.limits[0] == 20 and ov.ax.get_xlim() == (0, 20)
    assert ov.ax.get_ylim()[1] == ov.limits[1] >= 1.15 * max(ov.counts.values()) + 1
    assert ov.blitter.full_draws == 1 + changes and ov.blitter.blits >= 12 - changes >= 10
    for mode in ("outline", "hide"):  # a mode change redraws the history: still the same picture
        ov.mode.value = mode
        assert _off_pixels(ov.canvas) == 0, mode
    ui.reset(activation="tanh")  # no regions: the banner, blitted too
    assert ov.banner.get_visible() and _off_pixels(ov.canvas) == 0
    assert list(ov.line.get_xdata()) == [] and ov.counts == {}


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
    with pytest.raises(ValueError, match="W must be 2-dimensional"):
        regions.two_layer_net(np.ones(3), np.ones(3))
    with pytest.raises(ValueError, match="W must contain only finite"):
        regions.two_layer_net([[np.nan, 1.0]], [0.0])
    with pytest.raises(ValueError, match=r"b must have shape \(4,\)"):
        regions.two_layer_net(W, np.ones(3))
    with pytest.raises(ValueError, match=r"w2 must have shape \(4,\)"):
        regions.two_layer_net(W, b, np.ones(2))


def test_static_drawing_helpers():
    fig, _ = widgets.figure()
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


@pytest.mark.parametrize("seeds", [range(3), range(3, 6)])
def test_random_nets_at_equal_parameters_wide_has_most_regions_far_below_the_construction(seeds):
    # the claim of section 6 ("And in practice?"), on the notebook's seeds and on fresh ones
    for P in (25, 50, 100, 200):
        mean = {D: np.mean([regions.count_regions_2d(
                    regions.random_net([2] + [regions.width_for_budget(P, D)] * D, seed=s), BOX)
                    for s in seeds]) for D in (1, 2, 3, 4)}
        assert mean[1] == max(mean.values()), (P, mean)
        if P >= 100:
            assert 10 * max(mean[D] for D in (2, 3, 4)) < regions.deep_lower_bound_for_budget(P)[0]


def test_size_like_arguments_are_bounded_and_named():
    net = regions.random_net([2, 4, 3], seed=0)
    for error, match, call in [
        (ValueError, "net must have at most 128 ReLU units",
         lambda: regions.count_regions_2d(regions.random_net([2, 100, 100]), BOX)),
        (ValueError, "box must be", lambda: regions.count_regions_2d(net, np.array(1.0))),
        (ValueError, "box coordinates must be within", lambda: regions.regions_2d(net, (-1e300, 1, 0, 1))),
        (ValueError, "widths must be at most", lambda: regions.serra_bound([10**9, 10**9])),
        (ValueError, "widths must need at most 20000 steps", lambda: regions.serra_bound([200, 200, 200])),
        (ValueError, "widths must give a net of at most", lambda: regions.random_net([2, 10**9])),
        (TypeError, "widths must be a list", lambda: regions.n_params(np.array(3))),
        (TypeError, "widths must be a list", lambda: regions.check_widths({2, 3})),
        (TypeError, "name must be a string", lambda: regions.check_widths([2, 3], name=None)),
        (TypeError, "min_length must be an integer", lambda: regions.check_widths([2, 3], min_length=1.5)),
        (TypeError, r"layers\[0\] must be a pair", lambda: regions.affine_piece([None], [1.0], 0.0, [1])),
        (TypeError, "layers must be a list", lambda: regions.affine_piece(np.array(1.0), [1.0], 0.0, [1])),
    ]:
        with pytest.raises(error, match=match):
            call()
    assert regions.count_regions_2d(net, np.array(BOX)) == regions.count_regions_2d(net, BOX)
    assert regions.serra_bound([784, 100, 100]) > 0 and regions.serra_bound([2, 10**6]) > 0
