"""Lecture 08 — energy-based models (after Y. LeCun's lecture and LeCun et al. 2006).

``from helpers import ebm`` gives the whole lecture:

- the ellipse example (:mod:`helpers.ebm.core`): ``ellipse_energy``, the free energies
  ``free_energy_min`` (F_∞) and ``free_energy_beta`` (F_β), their gradient and ``infer``;
- the Gibbs distribution and maximum likelihood (:mod:`helpers.ebm.likelihood`);
- contrastive training (:mod:`helpers.ebm.contrastive`): ``hinge_pair_loss``,
  ``square_square_loss``, ``info_nce_loss``, ``EnergyMLP``, ``train_contrastive``, Langevin
  negatives and the denoiser (C3);
- regularised energies (:mod:`helpers.ebm.regularised`): K-means, PCA, sparse coding;
- ISTA, FISTA and LISTA (:mod:`helpers.ebm.sparse`);
- the exercises ``SHRINK``, ``F_INF``, ``ISTA_STEP``, ``HINGE`` (:mod:`helpers.ebm.exercises`)
  and the β widget ``playground`` (:mod:`helpers.ebm.interactive`).

The modules that need torch (contrastive, sparse, regularised, exercises) load on first use.
"""

from helpers._lazy import lazy_attributes
from helpers.ebm.core import (N_Z, ellipse_data, ellipse_energy, ellipse_point, free_energy_beta,
                              free_energy_grad, free_energy_min, infer, logsumexp, z_grid)
from helpers.ebm.interactive import (BetaModel, BetaView, beta_view, draw_landscape,
                                     energy_on_grid, playground)
from helpers.ebm.likelihood import gibbs_density, log_partition, ml_beta, ml_loss

__all__ = [
    "BOX", "DATASETS", "LOSSES", "NEGATIVES", "ContrastiveResult", "Denoiser", "EnergyMLP",
    "denoise", "energy", "hinge_pair_loss", "info_nce_loss", "langevin_negatives", "make_data",
    "square_square_loss", "train_contrastive", "train_denoiser", "uniform_negatives", "N_Z",
    "ellipse_data", "ellipse_energy", "ellipse_point", "free_energy_beta", "free_energy_grad",
    "free_energy_min", "infer", "logsumexp", "z_grid", "F_INF", "HINGE", "ISTA_STEP", "SHRINK",
    "BetaModel", "BetaView", "beta_view", "draw_landscape", "energy_on_grid", "playground",
    "gibbs_density", "log_partition", "ml_beta", "ml_loss", "fit_dictionary", "fit_kmeans",
    "fit_pca", "kmeans_energy", "pca_energy", "sparse_coding_energy", "LISTA", "fista", "ista",
    "ista_step", "lasso_objective", "lipschitz", "lista_codes", "random_dictionary",
    "soft_threshold", "sparse_signals", "train_lista",
]

# Loaded on first use: these modules need torch (~3 s to import), so the opening of the lecture
# (the ellipse, free energies, the β widget) runs without it.
_LAZY = {
    "contrastive": ("BOX", "DATASETS", "LOSSES", "NEGATIVES", "ContrastiveResult", "Denoiser",
                    "EnergyMLP", "denoise", "energy", "hinge_pair_loss", "info_nce_loss",
                    "langevin_negatives", "make_data", "square_square_loss", "train_contrastive",
                    "train_denoiser", "uniform_negatives"),
    "exercises": ("F_INF", "HINGE", "ISTA_STEP", "SHRINK"),
    "regularised": ("fit_dictionary", "fit_kmeans", "fit_pca", "kmeans_energy", "pca_energy",
                    "sparse_coding_energy"),  # (sparse coding uses sparse.fista)
    "sparse": ("LISTA", "fista", "ista", "ista_step", "lasso_objective", "lipschitz",
               "lista_codes", "random_dictionary", "soft_threshold", "sparse_signals",
               "train_lista"),
}
__getattr__, __dir__ = lazy_attributes(
    __name__, {name: module for module, names in _LAZY.items() for name in names}, __all__)
