"""helpers.ebm: every claim the notebook makes about training, checked over three seeds with the
notebook's settings (contrastive losses and negatives, the denoiser, LISTA), and the training
loop's loss against the public loss functions."""

import numpy as np
import pytest
import torch

from helpers import ebm

SEEDS = (0, 1, 2)
ELLIPSE_STEPS, OTHER_STEPS, LR = 200, 150, 0.02  # as in the notebook
CHANCE = {"hinge": 1.0, "square-square": 0.5, "infonce": np.log(5)}  # F(data) = F(negatives)


def test_training_loss_is_the_public_loss():
    rng = np.random.default_rng(0)
    Fp, Fn, Fk = (torch.tensor(rng.normal(size=s)) for s in (7, 7, (7, 4)))
    m = 0.8
    assert float(ebm.contrastive.loss_value("hinge", Fp, Fn[:, None], m)) == pytest.approx(
        float(ebm.hinge_pair_loss(Fp, Fn, m)))
    assert float(ebm.contrastive.loss_value("square-square", Fp, Fn[:, None], m)) == pytest.approx(
        float(ebm.square_square_loss(Fp, Fn, m)))
    assert float(ebm.contrastive.loss_value("infonce", Fp, Fk, m)) == pytest.approx(
        float(ebm.info_nce_loss(Fp, Fk)))


@pytest.fixture(scope="module")
def probes():
    U = np.random.default_rng(123).uniform(-1.5, 1.5, size=(2000, 2))
    hole = 0.5 * ebm.ellipse_point(np.linspace(0, 2 * np.pi, 100, endpoint=False))
    return U, hole


@pytest.fixture(scope="module")
def ellipse_runs(probes):
    """{(loss, negatives, seed): stats} for the notebook's ellipse figure."""
    U, hole = probes
    out = {}
    for seed in SEEDS:
        X = ebm.make_data("ellipse", 200, seed=seed)
        for neg in ebm.NEGATIVES:
            for loss in ebm.LOSSES:
                r = ebm.train_contrastive(X, loss, neg, steps=ELLIPSE_STEPS, lr=LR, seed=seed)
                F_data = ebm.energy(r.model, X)
                out[loss, neg, seed] = dict(
                    first=r.losses[:20].mean(), last=r.losses[-20:].mean(),
                    gap=ebm.energy(r.model, U).mean() - F_data.mean(),
                    hole=ebm.energy(r.model, hole).mean() - F_data.mean())
    return out


@pytest.fixture(scope="module")
def other_runs(probes):
    U, _ = probes
    out = {}
    for seed in SEEDS:
        for name in ("spiral", "moons"):
            X = ebm.make_data(name, 200, seed=seed)
            for loss in ebm.LOSSES:
                r = ebm.train_contrastive(X, loss, "uniform", steps=OTHER_STEPS, lr=LR, seed=seed)
                F_data, F_u = ebm.energy(r.model, X), ebm.energy(r.model, U)
                out[name, loss, seed] = dict(first=r.losses[:20].mean(), last=r.losses[-20:].mean(),
                                             gap=F_u.mean() - F_data.mean(),
                                             below=(F_u < np.median(F_data)).mean())
    return out


def test_every_loss_decreases_with_uniform_negatives(ellipse_runs, other_runs):
    for key, s in list(ellipse_runs.items()) + list(other_runs.items()):
        if "langevin" not in key:
            assert s["last"] < 0.9 * s["first"], (key, s)


def test_every_run_gives_data_lower_energy_than_uniform_noise(ellipse_runs, other_runs):
    for key, s in list(ellipse_runs.items()) + list(other_runs.items()):
        assert s["gap"] > 0.3, (key, s)


def test_pair_losses_with_uniform_negatives_leave_the_hole_low_infonce_lifts_it(ellipse_runs):
    for seed in SEEDS:
        for loss in ("hinge", "square-square"):
            assert ellipse_runs[loss, "uniform", seed]["hole"] < 1.0  # less than the margin
        assert ellipse_runs["infonce", "uniform", seed]["hole"] > 5.0


def test_infonce_energy_far_away_grows_much_more(ellipse_runs):
    for seed in SEEDS:
        info = ellipse_runs["infonce", "uniform", seed]["gap"]
        for loss in ("hinge", "square-square"):
            assert info > 5 * ellipse_runs[loss, "uniform", seed]["gap"]


def test_langevin_negatives_keep_the_loss_at_chance_and_the_far_energy_flatter(ellipse_runs):
    for seed in SEEDS:
        for loss in ebm.LOSSES:
            lang, unif = ellipse_runs[loss, "langevin", seed], ellipse_runs[loss, "uniform", seed]
            assert abs(lang["last"] - CHANCE[loss]) < 0.06, (loss, seed, lang)
            assert lang["gap"] < unif["gap"], (loss, seed)


def test_infonce_gives_the_narrowest_valleys_on_spiral_and_moons(other_runs):
    for seed in SEEDS:
        for name in ("spiral", "moons"):
            info = other_runs[name, "infonce", seed]["below"]
            for loss in ("hinge", "square-square"):
                assert info < other_runs[name, loss, seed]["below"], (name, loss, seed)


# ----------------------------------------------------------------------------- C3: denoising
@pytest.mark.parametrize("seed", SEEDS)
def test_denoiser_cuts_the_distance_and_points_to_the_ellipse_from_outside(seed):
    model, losses = ebm.train_denoiser(ebm.ellipse_data(400, seed=2 + seed), noise=0.3,
                                       steps=200, seed=seed)
    assert losses[-20:].mean() < losses[:20].mean()
    noisy = ebm.ellipse_data(1000, noise=0.3, seed=7 + seed)
    out = ebm.denoise(model, noisy)
    assert ebm.free_energy_min(out).mean() < ebm.free_energy_min(noisy).mean() / 3
    outside = (noisy[:, 0] ** 2 + (noisy[:, 1] / 0.5) ** 2 > 1) & (ebm.free_energy_min(noisy) > 0.01)
    v, to = (out - noisy)[outside], -0.5 * ebm.free_energy_grad(noisy[outside])  # arrow, to nearest
    cos = (v * to).sum(1) / np.linalg.norm(v, axis=1) / np.linalg.norm(to, axis=1)
    assert cos.mean() > 0.95
    inside = (noisy[:, 0] ** 2 + (noisy[:, 1] / 0.5) ** 2 < 0.3)  # near the centre: short arrows
    assert np.linalg.norm(out - noisy, axis=1)[inside].mean() < np.linalg.norm(to, axis=1).mean()


# ----------------------------------------------------------------------------- LISTA
@pytest.mark.parametrize("seed", SEEDS)
def test_lista_beats_ista_for_every_k_and_fista_early_on_held_out_signals(seed):
    W = ebm.random_dictionary(16, 32, seed=seed)
    Y_train, _ = ebm.sparse_signals(W, 300, n_nonzero=3, seed=10 + seed)
    Y_test, _ = ebm.sparse_signals(W, 200, n_nonzero=3, seed=11 + seed)
    lam = 0.1
    lista, _ = ebm.train_lista(W, Y_train, lam, K=10, steps=100, lr=3e-3, seed=seed)
    obj = lambda Z: np.array([ebm.lasso_objective(W, Y_test, z, lam).mean() for z in Z])
    g_lista = obj(ebm.lista_codes(lista, Y_test))
    g_ista = obj(ebm.ista(W, Y_test, lam, 200, return_path=True)[1][1:])
    g_fista = obj(ebm.fista(W, Y_test, lam, 10, return_path=True)[1][1:])
    assert np.all(g_lista < g_ista[:10]) and np.all(g_lista[:5] < g_fista[:5])
    k_match = int(np.argmax(g_ista <= g_lista[-1])) + 1
    assert g_ista[-1] <= g_lista[-1] and k_match >= 15  # ISTA needs about twice the steps
