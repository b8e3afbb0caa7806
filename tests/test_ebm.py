"""helpers.ebm: free energies against theory and independent computations (scipy), Gibbs/ML,
losses against independent formulas (torch), ISTA/FISTA against coordinate descent written here,
regularised energies against their geometry, bad inputs, the β widget at its extremes, and the
exercises proven real. (Training claims over seeds: tests/test_ebm_training.py.)"""

import numpy as np
import pytest
import scipy.integrate
import scipy.optimize
import scipy.special
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import checks, ebm

R1, R2 = 1.0, 0.5


def stub(*args):
    raise NotImplementedError


def true_distance2(y, r1, r2):
    """Squared distance from y to the ellipse, independently: a dense search over the angle in
    another parametrisation, (r1 cos t, r2 sin t), refined by scipy's bounded minimiser."""
    t = np.linspace(0, 2 * np.pi, 4000, endpoint=False)
    d2 = lambda s: (y[0] - r1 * np.cos(s)) ** 2 + (y[1] - r2 * np.sin(s)) ** 2
    t0 = t[np.argmin(d2(t))]
    res = scipy.optimize.minimize_scalar(d2, bounds=(t0 - 0.01, t0 + 0.01), method="bounded",
                                         options={"xatol": 1e-12})
    return min(res.fun, d2(t).min())


# ----------------------------------------------------------------------------- the ellipse
def test_ellipse_energy_by_hand_and_broadcasting():
    assert ebm.ellipse_energy([0.0, 0.5], 0.0) == pytest.approx(0.0)
    assert ebm.ellipse_energy([1.0, 0.0], np.pi / 2) == pytest.approx(0.0)
    assert ebm.ellipse_energy([0.0, 0.0], 0.0, r1=2.0, r2=3.0) == pytest.approx(9.0)
    y = np.zeros((3, 1, 2))
    assert ebm.ellipse_energy(y, np.linspace(0, 1, 4)).shape == (3, 4)


@pytest.mark.parametrize("r1, r2", [(1.0, 0.5), (0.7, 1.6)])
def test_free_energy_min_is_the_squared_distance_to_the_ellipse(r1, r2):
    pts = np.random.default_rng(0).uniform(-3, 3, size=(60, 2))
    expected = np.array([true_distance2(p, r1, r2) for p in pts])
    got = ebm.free_energy_min(pts, r1, r2)  # default n_z
    assert got.shape == (60,)
    assert np.max(np.abs(got - expected)) <= 1e-3
    assert np.all(got >= expected - 1e-12)  # a grid minimum can only be above the true one


def test_free_energy_beta_matches_scipy_quadrature():
    for y in ([0.3, 0.2], [1.2, -0.4], [0.0, 0.0]):
        for beta in (0.5, 3.0, 20.0):
            f = lambda z: np.exp(-beta * ebm.ellipse_energy(np.array(y), z))
            integral, _ = scipy.integrate.quad(f, 0, 2 * np.pi, limit=200, epsabs=1e-13)
            assert float(ebm.free_energy_beta(y, beta)) == pytest.approx(
                -np.log(integral) / beta, abs=1e-7)


def test_free_energy_beta_tends_to_f_inf_and_respects_the_bound():
    pts = np.random.default_rng(1).uniform(-2, 2, size=(300, 2))
    F_inf = ebm.free_energy_min(pts)
    for beta in np.logspace(-2, 3, 11):
        F_b = ebm.free_energy_beta(pts, beta)
        assert np.all(F_b >= F_inf - np.log(2 * np.pi) / beta - 1e-12)  # theory, every beta
    gap = ebm.free_energy_beta(pts, 1000.0) - F_inf
    assert np.max(np.abs(gap)) <= 1e-2  # the tolerance at beta = 1000


def test_logsumexp_matches_scipy_and_survives_huge_values():
    a = np.random.default_rng(2).normal(scale=50, size=(4, 7))
    np.testing.assert_allclose(ebm.logsumexp(a), scipy.special.logsumexp(a, axis=-1))
    assert np.isfinite(ebm.free_energy_beta([5.0, 5.0], 1e6))


def test_free_energy_gradients_match_finite_differences():
    pts = np.array([[0.3, 0.2], [1.3, -0.6], [-0.9, 0.9]])
    h = 1e-5
    for beta in (None, 3.0):
        F = (lambda p: ebm.free_energy_min(p, n_z=200_000)) if beta is None else \
            (lambda p: ebm.free_energy_beta(p, beta))
        num = np.stack([(F(pts + h * e) - F(pts - h * e)) / (2 * h) for e in np.eye(2)], 1)
        got = ebm.free_energy_grad(pts, beta, n_z=200_000 if beta is None else ebm.N_Z)
        np.testing.assert_allclose(got, num, atol=1e-4)


def test_half_gradient_of_f_inf_leads_to_the_nearest_point():
    pts = np.random.default_rng(3).uniform(-1.5, 1.5, size=(200, 2))
    half = 0.5 * ebm.free_energy_grad(pts)
    assert ebm.free_energy_min(pts - half).max() < 1e-12
    np.testing.assert_allclose((half ** 2).sum(1), ebm.free_energy_min(pts), atol=1e-12)


def test_infer_on_a_quadratic_is_geometric():
    y0 = np.array([[1.0, -2.0], [0.5, 0.5]])
    path = ebm.infer(lambda y: y, y0, steps=5, lr=0.2)  # F = ½‖y‖²
    assert path.shape == (6, 2, 2)
    np.testing.assert_allclose(path[5], 0.8 ** 5 * y0)


def test_inference_paths_of_the_notebook_end_where_the_text_says():
    starts = ebm.interactive.STARTS
    end_inf = ebm.infer(lambda p: ebm.free_energy_grad(p, None, n_z=256), starts, 40, 0.1)[-1]
    feet = starts - 0.5 * ebm.free_energy_grad(starts)
    assert ebm.free_energy_min(end_inf).max() < 1e-3  # on the ellipse ...
    np.testing.assert_allclose(end_inf, feet, atol=0.01)  # ... at the nearest point
    end_1 = ebm.infer(lambda p: ebm.free_energy_grad(p, 1.0, n_z=256), starts, 40, 0.1)[-1]
    assert np.linalg.norm(end_1, axis=1).max() < 0.25  # β = 1: near the centre
    assert ebm.free_energy_min(end_1).min() > 0.1  # far from the data


# ----------------------------------------------------------------------------- Gibbs and ML
@pytest.fixture(scope="module")
def ml_grid():
    xs, ys = np.linspace(-1.6, 1.6, 161), np.linspace(-1.1, 1.1, 111)
    F = ebm.free_energy_min(np.stack(np.meshgrid(xs, ys), -1), n_z=256)
    return F, (xs[1] - xs[0]) * (ys[1] - ys[0])


def test_log_partition_of_a_gaussian_energy():
    xs = np.linspace(-6, 6, 601)
    X, Y = np.meshgrid(xs, xs)
    F = X ** 2 + Y ** 2
    for beta in (0.5, 2.0, 10.0):  # ∫ exp(-β‖y‖²) dy = π/β
        assert ebm.log_partition(beta, F, (xs[1] - xs[0]) ** 2) == pytest.approx(
            np.log(np.pi / beta), abs=1e-6)
        assert ebm.gibbs_density(F, beta, (xs[1] - xs[0]) ** 2).sum() * (xs[1] - xs[0]) ** 2 == \
            pytest.approx(1.0)


def test_ml_gradient_matches_finite_differences(ml_grid):
    F, cell = ml_grid
    F_data = ebm.free_energy_min(ebm.ellipse_data(300, noise=0.1, seed=0))
    for beta in (0.5, 20.0, 300.0):
        h = 1e-4 * beta
        num = (ebm.ml_loss(beta + h, F_data, F, cell)[0] - ebm.ml_loss(beta - h, F_data, F, cell)[0]) / (2 * h)
        assert ebm.ml_loss(beta, F_data, F, cell)[1] == pytest.approx(num, rel=1e-4, abs=1e-7)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_ml_beta_is_within_ten_percent_of_one_over_two_sigma_squared(ml_grid, seed):
    F, cell = ml_grid
    for sigma in (0.2, 0.1, 0.05):
        F_data = ebm.free_energy_min(ebm.ellipse_data(1000, noise=sigma, seed=seed))
        ratio = ebm.ml_beta(F_data, F, cell) * 2 * sigma ** 2
        assert 0.9 <= ratio <= 1.1, (sigma, ratio)


def test_ml_wants_an_infinitely_sharp_canyon_for_clean_data(ml_grid):
    F, cell = ml_grid
    for seed in (1, 2, 3):
        F_data = ebm.free_energy_min(ebm.ellipse_data(1000, noise=0.0, seed=seed))
        assert max(ebm.ml_loss(b, F_data, F, cell)[1] for b in np.logspace(-2, 4, 25)) < 0


# ----------------------------------------------------------------------------- contrastive losses
def test_losses_match_independent_formulas():
    rng = np.random.default_rng(4)
    Fp, Fn, Fk = rng.normal(size=9), rng.normal(size=9), rng.normal(size=(9, 4))
    t = lambda a: torch.tensor(a)
    assert float(ebm.hinge_pair_loss(t(Fp), t(Fn), 0.7)) == pytest.approx(
        np.mean(np.maximum(0, Fp - Fn + 0.7)))
    assert float(ebm.square_square_loss(t(Fp), t(Fn), 0.7)) == pytest.approx(
        np.mean(np.maximum(0, Fp) ** 2 + np.maximum(0, 0.7 - Fn) ** 2))
    logits = -torch.cat([t(Fp)[:, None], t(Fk)], 1)  # InfoNCE = cross-entropy, class 0
    expected = torch.nn.functional.cross_entropy(logits, torch.zeros(9, dtype=torch.long))
    assert float(ebm.info_nce_loss(t(Fp), t(Fk))) == pytest.approx(float(expected))


def test_hinge_sees_only_differences_and_infonce_only_differences_too():
    rng = np.random.default_rng(5)
    Fp, Fn = torch.tensor(rng.normal(size=6)), torch.tensor(rng.normal(size=6))
    assert float(ebm.hinge_pair_loss(Fp + 3.0, Fn + 3.0)) == pytest.approx(float(ebm.hinge_pair_loss(Fp, Fn)))
    assert float(ebm.square_square_loss(Fp + 3.0, Fn + 3.0)) != pytest.approx(float(ebm.square_square_loss(Fp, Fn)))
    Fk = torch.tensor(rng.normal(size=(6, 3)))
    assert float(ebm.info_nce_loss(Fp + 3.0, Fk + 3.0)) == pytest.approx(float(ebm.info_nce_loss(Fp, Fk)))


def test_energy_mlp_gradient_by_hand_matches_autograd():
    model = ebm.EnergyMLP(16, seed=3)
    y = torch.randn(20, 2, generator=torch.Generator().manual_seed(0)).requires_grad_(True)
    (expected,) = torch.autograd.grad(model(y).sum(), y)
    torch.testing.assert_close(model.grad_y(y.detach()), expected, rtol=1e-5, atol=1e-6)


def test_energy_mlp_and_langevin_shapes_and_box():
    model = ebm.EnergyMLP(16, seed=0)
    y = ebm.uniform_negatives(50, generator=torch.Generator().manual_seed(0))
    assert model(y).shape == (50,) and ebm.energy(model, np.zeros((3, 4, 2))).shape == (3, 4)
    neg = ebm.langevin_negatives(model, y, steps=20, step_size=0.5)
    assert neg.shape == (50, 2) and float(neg.abs().max()) <= 1.5
    with torch.no_grad():
        assert float(model(neg).mean()) < float(model(y).mean())  # downhill


# ----------------------------------------------------------------------------- ISTA / FISTA
def coordinate_descent(W, y, lam, sweeps=3000):
    """Lasso ½‖y − Wz‖² + λ‖z‖₁ by cyclic coordinate descent (independent of helpers.ebm)."""
    z = np.zeros(W.shape[1])
    r = y.copy()
    col2 = (W ** 2).sum(0)
    for _ in range(sweeps):
        for j in range(W.shape[1]):
            rho = W[:, j] @ r + col2[j] * z[j]
            new = np.sign(rho) * max(abs(rho) - lam, 0) / col2[j]
            r += W[:, j] * (z[j] - new)
            z[j] = new
    return z


@given(st.integers(0, 10_000), st.floats(0, 3))
@settings(max_examples=40, deadline=None)
def test_soft_threshold_is_the_prox_of_the_l1_norm(seed, t):
    x = np.random.default_rng(seed).normal(scale=2, size=5)
    z = ebm.soft_threshold(x, t)
    cand = np.linspace(-8, 8, 16001)  # per coordinate: argmin ½(c − x)² + t|c|
    best = cand[np.argmin(0.5 * (cand[:, None] - x) ** 2 + t * np.abs(cand[:, None]), axis=0)]
    np.testing.assert_allclose(z, best, atol=1.1e-3)
    np.testing.assert_allclose(z, torch.nn.functional.softshrink(torch.tensor(x), t).numpy())


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ista_and_fista_reach_the_coordinate_descent_optimum(seed):
    rng = np.random.default_rng(seed)
    W = rng.normal(size=(8, 12)) * 0.7
    y, lam = rng.normal(size=8), 0.3
    z_cd = coordinate_descent(W, y, lam)
    best = ebm.lasso_objective(W, y, z_cd, lam)
    for solver, n in ((ebm.ista, 20_000), (ebm.fista, 3000)):
        z = solver(W, y, lam, n)
        assert ebm.lasso_objective(W, y, z, lam) == pytest.approx(best, rel=1e-9, abs=1e-10)
        np.testing.assert_allclose(z, z_cd, atol=1e-5)


def test_fista_gap_falls_faster_than_ista():
    for seed in range(3):
        W = ebm.random_dictionary(16, 32, seed=seed)
        Y, _ = ebm.sparse_signals(W, 30, seed=seed + 10)
        best = ebm.lasso_objective(W, Y, ebm.fista(W, Y, 0.1, 2000), 0.1).mean()
        _, Pi = ebm.ista(W, Y, 0.1, 200, return_path=True)
        _, Pf = ebm.fista(W, Y, 0.1, 200, return_path=True)
        for k in (20, 50, 100, 200):
            gi = ebm.lasso_objective(W, Y, Pi[k], 0.1).mean() - best
            gf = ebm.lasso_objective(W, Y, Pf[k], 0.1).mean() - best
            assert gf < gi, (seed, k)


def test_ista_step_and_its_recurrent_form_agree():
    W = ebm.random_dictionary(16, 32, seed=0)
    y = ebm.sparse_signals(W, 1, seed=11)[0][0]
    lam, L = 0.1, ebm.lipschitz(W)
    assert L == pytest.approx(np.linalg.svd(W, compute_uv=False)[0] ** 2)
    We, S = W.T / L, np.eye(32) - W.T @ W / L
    z = ebm.ista_step(W, y, np.zeros(32), lam)
    np.testing.assert_allclose(ebm.soft_threshold(We @ y + S @ z, lam / L), ebm.ista_step(W, y, z, lam), atol=1e-12)
    np.testing.assert_allclose(ebm.ista(W, y, lam, 2), ebm.ista_step(W, y, z, lam))


def test_untrained_lista_is_ista():
    W = ebm.random_dictionary(10, 20, seed=1)
    Y, _ = ebm.sparse_signals(W, 7, seed=2)
    codes = ebm.lista_codes(ebm.LISTA(W, 0.2, K=6), Y)
    _, path = ebm.ista(W, Y, 0.2, 6, return_path=True)
    np.testing.assert_allclose(codes, path[1:], atol=1e-12)


def test_lasso_objective_batch_equals_loop():
    W = ebm.random_dictionary(5, 7, seed=3)
    Y, Z = ebm.sparse_signals(W, 4, seed=4)
    np.testing.assert_allclose(ebm.lasso_objective(W, Y, Z, 0.3),
                               [ebm.lasso_objective(W, y, z, 0.3) for y, z in zip(Y, Z)])


# ----------------------------------------------------------------------------- regularised
def test_kmeans_energy_is_distance_to_nearest_centroid_and_its_low_volume_is_bounded():
    rng = np.random.default_rng(6)
    X = ebm.ellipse_data(300, noise=0.03, seed=3)
    C = ebm.fit_kmeans(X, 12, seed=0)
    pts = rng.uniform(-2, 2, size=(100, 2))
    brute = np.array([[np.sum((p - c) ** 2) for c in C.T] for p in pts]).min(1)
    np.testing.assert_allclose(ebm.kmeans_energy(pts, C), brute)
    box = ebm.interactive.BOX
    F = ebm.energy_on_grid(lambda p: ebm.kmeans_energy(p, C), box, 200)
    box_area = (box[1] - box[0]) * (box[3] - box[2])
    assert (F < 0.01).mean() <= 12 * np.pi * 0.01 / box_area * 1.05
    init = X[np.random.default_rng(0).choice(300, 12, replace=False)].T
    assert ebm.kmeans_energy(X, C).mean() < ebm.kmeans_energy(X, init).mean()


def test_pca_energy_is_squared_distance_to_the_principal_line():
    X = ebm.ellipse_data(300, noise=0.03, seed=3)
    Wp, mu = ebm.fit_pca(X, 1)
    d = Wp[0]
    assert abs(d[0]) > 0.99  # the long axis of the ellipse
    pts = np.random.default_rng(7).uniform(-2, 2, size=(50, 2))
    cross = (pts - mu) @ np.array([-d[1], d[0]])  # signed distance to the line
    np.testing.assert_allclose(ebm.pca_energy(pts, Wp, mu), cross ** 2, atol=1e-12)
    box = ebm.interactive.BOX
    F = ebm.energy_on_grid(lambda p: ebm.pca_energy(p, Wp, mu), box, 200)
    assert (F < 0.01).mean() <= 2 * 0.1 / (box[3] - box[2]) * 1.1  # a strip of half-width 0.1


def test_sparse_coding_energy_along_an_atom_is_lam_r_minus_half_lam_squared():
    X = ebm.ellipse_data(300, noise=0.03, seed=3)
    D = ebm.fit_dictionary(X, 6, lam=0.05, n_iter=10, seed=0)
    assert np.allclose(np.linalg.norm(D, axis=0), 1)
    r = np.array([0.2, 0.5, 1.0, 1.4])
    for atom in D.T:
        F = ebm.sparse_coding_energy(r[:, None] * atom, D, 0.05, n_iter=500)
        np.testing.assert_allclose(F, 0.05 * r - 0.05 ** 2 / 2, atol=1e-6)
    t = np.linspace(0, 2 * np.pi, 90, endpoint=False)  # no point at distance 1 is cheaper
    ring = ebm.sparse_coding_energy(np.column_stack([np.cos(t), np.sin(t)]), D, 0.05, n_iter=500)
    assert ring.min() >= 0.05 - 0.05 ** 2 / 2 - 1e-6
    assert ebm.sparse_coding_energy(np.zeros((1, 2)), D, 0.05)[0] == 0.0  # the origin is free
    y = np.random.default_rng(8).normal(size=(5, 2))
    F = ebm.sparse_coding_energy(y, D, 0.05, n_iter=5000)
    for v, f in zip(y, F):  # independent: z = u − v with u, v >= 0, a smooth bound-constrained problem
        obj = lambda uv: 0.5 * np.sum((v - D @ (uv[:6] - uv[6:])) ** 2) + 0.05 * uv.sum()
        jac = lambda uv: np.concatenate([g := -D.T @ (v - D @ (uv[:6] - uv[6:])), -g]) + 0.05
        res = scipy.optimize.minimize(obj, np.zeros(12), jac=jac, method="L-BFGS-B",
                                      bounds=[(0, None)] * 12, options={"ftol": 1e-15, "gtol": 1e-12})
        assert f == pytest.approx(res.fun, abs=1e-7)


# ----------------------------------------------------------------------------- bad inputs
@pytest.mark.parametrize("call, match", [
    (lambda: ebm.free_energy_beta([0.0, 0.0], 0.0), r"beta must be > 0"),
    (lambda: ebm.free_energy_beta([0.0, 0.0], -1.0), r"beta must be > 0"),
    (lambda: ebm.free_energy_min([0.0, 0.0], r1=0.0), r"r1 must be > 0"),
    (lambda: ebm.free_energy_min([0.0, 0.0], r2=-1.0), r"r2 must be > 0"),
    (lambda: ebm.ellipse_energy(np.ones(3), 0.0), r"y must have shape \(\.\.\., 2\)"),
    (lambda: ebm.ista(np.ones((3, 4)), np.ones(3), -0.1), r"lam must be >= 0"),
    (lambda: ebm.fista(np.ones((3, 4)), np.ones(4), 0.1), r"y must have 3 entries per signal"),
    (lambda: ebm.ista_step(np.ones((3, 4)), np.ones(3), np.ones(3), 0.1), r"z must have shape"),
    (lambda: ebm.soft_threshold(np.ones(3), -1.0), r"t must be >= 0"),
    (lambda: ebm.LISTA(np.ones((3, 4)), -1.0), r"lam must be >= 0"),
    (lambda: ebm.train_lista(np.ones((3, 4)), np.ones((5, 4)), 0.1), r"Y must have shape \(n, 3\)"),
    (lambda: ebm.sparse_coding_energy(np.ones((2, 3)), np.ones((2, 4)), 0.1), r"y must have shape \(n, 2\)"),
    (lambda: ebm.kmeans_energy(np.ones((2, 3)), np.ones((2, 4))), r"y must have shape \(n, 2\)"),
    (lambda: ebm.train_contrastive(np.ones((5, 2)), loss="l2"), r"loss must be one of"),
    (lambda: ebm.hinge_pair_loss(torch.ones(3), torch.ones(4)), r"same shape"),
    (lambda: ebm.info_nce_loss(torch.ones(3), torch.ones(4, 2)), r"F_neg must have shape \(3, k\)"),
    (lambda: ebm.infer(lambda y: y[:1], np.ones((2, 2))), r"energy_grad must return"),
])
def test_bad_inputs_raise_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("call", [
    lambda: ebm.free_energy_beta([0.0, 0.0], "big"),
    lambda: ebm.free_energy_min([0.0, 0.0], n_z=10.5),
    lambda: ebm.ista(np.ones((3, 4)), np.ones(3), 0.1, n_iter=2.0),
    lambda: ebm.hinge_pair_loss(np.ones(3), np.ones(3)),
])
def test_wrong_types_raise_type_error(call):
    with pytest.raises(TypeError):
        call()


@pytest.mark.parametrize("call, error, match", [
    (lambda: ebm.energy({"a": 1}, np.zeros((3, 2))), TypeError, r"model must be a torch.nn.Module"),
    (lambda: ebm.energy(ebm.EnergyMLP(4), 2**63), ValueError, r"y must have shape \(\.\.\., 2\)"),
    (lambda: ebm.energy(ebm.EnergyMLP(4), np.zeros((3, 2), dtype=object)), ValueError, r"\by\b"),
    (lambda: ebm.uniform_negatives(10**9), ValueError, r"n must be <= "),
    (lambda: ebm.uniform_negatives(5, box=None), ValueError, r"box must be"),
    (lambda: ebm.uniform_negatives(5, generator="g"), TypeError, r"generator must be a torch"),
    (lambda: ebm.langevin_negatives(ebm.EnergyMLP(4), [[0.0, 0.0]]), TypeError, r"start must be"),
    (lambda: ebm.langevin_negatives(ebm.EnergyMLP(4), torch.zeros(3)), ValueError,
     r"start must have shape \(n, 2\)"),
    (lambda: ebm.langevin_negatives(ebm.EnergyMLP(4), torch.zeros(3, 2), steps=10**9),
     ValueError, r"steps must be <= "),
    (lambda: ebm.langevin_negatives(None, torch.zeros(3, 2)), TypeError, r"model must be"),
    (lambda: ebm.lista_codes(np.eye(3), np.ones((2, 3))), TypeError, r"model must be a LISTA"),
    (lambda: ebm.lista_codes(ebm.LISTA(np.ones((3, 4)), 0.1), np.ones((2, 4))), ValueError,
     r"Y must have shape \(n, 3\)"),
    (lambda: ebm.logsumexp(None), TypeError, r"a must be an array"),
    (lambda: ebm.logsumexp(np.ones(3), axis=[1, 2]), TypeError, r"axis must be an integer"),
    (lambda: ebm.logsumexp(np.ones(3), axis=1), ValueError, r"axis must be <= 0"),
    (lambda: ebm.logsumexp(2.0), ValueError, r"a must be an array with at least one axis"),
    (lambda: ebm.soft_threshold(np.ones((5, 2)), np.ones(3)), ValueError, r"t must be .*broadcasts"),
    (lambda: ebm.beta_view(None, 1.0), TypeError, r"model must be a BetaModel"),
    (lambda: ebm.beta_view(ebm.BetaModel(resolution=8), 1.0, starts=np.ones(3)), ValueError,
     r"starts must have shape \(n, 2\)"),
    (lambda: ebm.beta_view(ebm.BetaModel(resolution=8), 1.0, steps=10**9), ValueError,
     r"steps must be <= "),
    (lambda: ebm.beta_view(ebm.BetaModel(resolution=8), 1.0, lr=1e300), ValueError, r"lr must be <= 1"),
])
def test_fuzzed_functions_name_the_bad_argument(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_logsumexp_of_infinite_rows():
    a = np.array([[1.0, 2.0], [-np.inf, -np.inf], [np.inf, 0.0]])
    np.testing.assert_array_equal(ebm.logsumexp(a)[1:], [-np.inf, np.inf])
    assert ebm.logsumexp(np.zeros((2, 0))).tolist() == [-np.inf, -np.inf]  # log of an empty sum
    assert ebm.logsumexp(np.zeros((3, 2)), axis=0) == pytest.approx(np.log(3))


def test_numpy_scalars_are_accepted():
    assert np.isfinite(ebm.free_energy_beta([0.1, 0.2], np.float32(2.0), np.float64(1.0), np.int64(1)))
    assert ebm.ista(np.eye(2), np.ones(2), np.float32(0.1), np.int64(3)).shape == (2,)


# ----------------------------------------------------------------------------- the β widget
@pytest.fixture(scope="module")
def beta_model():
    return ebm.BetaModel()


@pytest.mark.parametrize("beta", [1e-2, 1.0, 1e3, 1e8, 0.0, -1.0, float("nan"), float("inf"), "x"])
def test_beta_view_never_raises(beta_model, beta):
    v = ebm.beta_view(beta_model, beta)
    ok = isinstance(beta, float) and np.isfinite(beta) and beta > 0
    assert (v.message == "") == ok
    if ok:
        assert np.all(np.isfinite(v.F)) and np.all(np.isfinite(v.paths))


def test_beta_widget_text_small_beta_centre_large_beta_ellipse(beta_model):
    small, large = ebm.beta_view(beta_model, 0.01), ebm.beta_view(beta_model, 1000.0)
    assert np.linalg.norm(small.paths[-1], axis=1).max() < 0.05
    assert ebm.free_energy_min(large.paths[-1]).max() < 1e-3
    np.testing.assert_allclose(large.cut, beta_model.F_inf_cut, atol=1e-2)


def test_playground_updates_at_the_slider_extremes():
    ui = ebm.playground()
    for b in (0.01, 1000.0, 1.0):
        ui.controls["beta"].value = b
        ui.canvas.draw()
    v = ui.update(1000.0)
    assert v.message == "" and not ui.artists["image"].get_array().mask.any()
    with pytest.raises(ValueError, match="r1 must be > 0"):
        ebm.playground(r1=0.0)


# ----------------------------------------------------------------------------- exercises
def test_exercises_pass_on_reference_and_are_not_implemented_on_a_stub():
    for ex in (ebm.SHRINK, ebm.F_INF, ebm.ISTA_STEP, ebm.HINGE):
        assert ex.run(ex.reference).status == checks.PASS, ex.name
        assert ex.run(stub).status == checks.NOT_IMPLEMENTED, ex.name


def _fails(ex, fn):
    r = ex.run(fn)
    assert r.status in (checks.FAIL, checks.ERROR), (ex.name, r.message)
    assert "expected" not in r.message  # never prints the answer
    return r


def test_shrink_check_rejects_plausible_wrong_answers():
    _fails(ebm.SHRINK, lambda x, t: np.maximum(x - t, 0))  # a ReLU: wrong for negatives
    _fails(ebm.SHRINK, lambda x, t: x - t * np.sign(x))  # no stop at 0
    _fails(ebm.SHRINK, lambda x, t: x * (np.abs(x) > t))  # hard threshold
    _fails(ebm.SHRINK, lambda x, t: np.sign(x) * np.maximum(np.abs(x) - t, 0).astype(int))

    def int_buffer(x, t):
        out = np.zeros_like(x)
        out[...] = np.sign(x) * np.maximum(np.abs(x) - t, 0)
        return out
    _fails(ebm.SHRINK, int_buffer)

    def flat_only(x, t):
        return np.array([np.sign(v) * max(abs(v) - t, 0) for v in np.ravel(x)])
    _fails(ebm.SHRINK, flat_only)
    assert "write it yourself" in _fails(ebm.SHRINK, lambda x, t: ebm.soft_threshold(x, t)).message


def test_free_energy_point_check_rejects_plausible_wrong_answers():
    z = np.linspace(0, 2 * np.pi, 20_000, endpoint=False)
    E = lambda y, r1, r2, zz=z: (y[0] - r1 * np.sin(zz)) ** 2 + (y[1] - r2 * np.cos(zz)) ** 2
    _fails(ebm.F_INF, lambda y, r1, r2: float(np.sqrt(E(y, r1, r2).min())))  # a distance
    _fails(ebm.F_INF, lambda y, r1, r2: float(E(y, r1, r2, np.linspace(0, 2 * np.pi, 12)).min()))
    _fails(ebm.F_INF, lambda y, r1, r2: float(E(y, r1, r2, np.linspace(0, np.pi, 5000)).min()))
    _fails(ebm.F_INF, lambda y, r1, r2: float(E(y, r2, r1).min()))  # radii swapped
    _fails(ebm.F_INF, lambda y, r1, r2: float(E(y, 1.0, 0.5).min()))  # default radii
    _fails(ebm.F_INF, lambda y, r1, r2: E(y, r1, r2).min(keepdims=True))  # an array
    # (r1 cos t, r2 sin t) is the same ellipse, so that parametrisation is right too
    same = lambda y, r1, r2: float(np.min((y[0] - r1 * np.cos(z)) ** 2 + (y[1] - r2 * np.sin(z)) ** 2))
    assert ebm.F_INF.run(same).status == checks.PASS
    assert "write it yourself" in _fails(
        ebm.F_INF, lambda y, r1, r2: float(ebm.free_energy_min(y, r1, r2))).message


def test_ista_step_check_rejects_plausible_wrong_answers():
    def make(L_fn=lambda W: np.linalg.norm(W, 2) ** 2, thr=lambda lam, L: lam / L, sign=1):
        def step(W, y, z, lam):
            L = L_fn(W)
            x = z - sign * W.T @ (W @ z - y) / L
            return np.sign(x) * np.maximum(np.abs(x) - thr(lam, L), 0)
        return step
    _fails(ebm.ISTA_STEP, make(L_fn=lambda W: np.linalg.norm(W) ** 2))  # Frobenius
    _fails(ebm.ISTA_STEP, make(L_fn=lambda W: np.linalg.norm(W, 2)))  # not squared
    _fails(ebm.ISTA_STEP, make(thr=lambda lam, L: lam))  # threshold λ
    _fails(ebm.ISTA_STEP, make(sign=-1))  # uphill
    _fails(ebm.ISTA_STEP, lambda W, y, z, lam: z - W @ (W.T @ z - y))  # missing transposes
    assert "write it yourself" in _fails(ebm.ISTA_STEP, lambda W, y, z, lam: ebm.ista_step(W, y, z, lam)).message


def test_hinge_check_rejects_plausible_wrong_answers():
    _fails(ebm.HINGE, lambda Fp, Fn, m: float(np.mean(np.maximum(Fn - Fp + m, 0))))  # sign
    _fails(ebm.HINGE, lambda Fp, Fn, m: float(np.sum(np.maximum(Fp - Fn + m, 0))))  # sum
    _fails(ebm.HINGE, lambda Fp, Fn, m: float(np.mean(Fp - Fn + m)))  # no [·]⁺
    _fails(ebm.HINGE, lambda Fp, Fn, m: float(np.mean(np.maximum(Fp - Fn - m, 0))))  # −m
    _fails(ebm.HINGE, lambda Fp, Fn, m: np.maximum(Fp - Fn + m, 0))  # not averaged
    assert "write it yourself" in _fails(
        ebm.HINGE, lambda Fp, Fn, m: float(ebm.hinge_pair_loss(torch.tensor(Fp), torch.tensor(Fn), m))).message
