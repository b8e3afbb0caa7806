"""Lecture 05 — backpropagation: a vectorised reverse-mode autodiff engine you can read.

``from helpers import autodiff`` gives:

- the engine (:mod:`.engine`): :class:`Tensor` (``+ − × ÷ @ **``, ``sum``, ``mean``, ``exp``,
  ``log``, ``tanh``, ``sigmoid``, ``relu``, ``reshape``, ``transpose``/``T``, indexing,
  ``backward``), :func:`softmax`, :func:`log_softmax`, :func:`unbroadcast`,
  :func:`topological_order`, :func:`backward_steps`;
- losses and gradient checks (:mod:`.functional`): :func:`cross_entropy`, :func:`mse`,
  :func:`bce_with_logits`, :func:`numerical_grad`, :func:`gradcheck`, :func:`fd_errors`;
- optimisers with torch.optim's formulas (:mod:`.optim`): :class:`SGD`, :class:`Momentum`,
  :class:`RMSprop`, :class:`Adam`, :func:`adam_step`, the 2-D :data:`SURFACES`, :func:`trajectory`;
- MLPs (:mod:`.nn`): :class:`MLP`, :func:`init_weight`, :func:`train`, :func:`torch_losses`,
  :func:`layer_statistics`;
- forward vs reverse mode (:mod:`.modes`), computation graphs (:mod:`.graph`), the widgets
  (:mod:`.interactive`: :func:`stepper`, :func:`optimizer_playground`) and the exercises
  ``SOFTPLUS_BACKWARD``, ``UNBROADCAST``, ``ADAM_STEP`` (:mod:`.exercises`).
"""

from helpers.autodiff import figures, graph, modes
from helpers.autodiff.engine import (Tensor, backward_steps, elementwise, log_softmax, softmax,
                                     topological_order, unbroadcast)
from helpers.autodiff.exercises import ADAM_STEP, SOFTPLUS_BACKWARD, UNBROADCAST, softplus
from helpers.autodiff.functional import (bce_with_logits, cross_entropy, fd_errors, gradcheck,
                                         mse, numerical_grad)
from helpers.autodiff.interactive import (draw_paths, optimizer_playground, optimizer_view,
                                          stepper)
from helpers.autodiff.nn import (INITS, MLP, History, init_weight, layer_statistics, torch_losses,
                                 train)
from helpers.autodiff.optim import (OPTIMIZERS, SGD, SURFACES, Adam, Momentum, RMSprop, Surface,
                                    adam_step, trajectory)

__all__ = [
    "Tensor", "backward_steps", "log_softmax", "softmax", "topological_order", "unbroadcast",
    "bce_with_logits", "cross_entropy", "fd_errors", "gradcheck", "mse", "numerical_grad",
    "SGD", "Momentum", "RMSprop", "Adam", "OPTIMIZERS", "SURFACES", "Surface", "adam_step",
    "trajectory", "MLP", "INITS", "History", "init_weight", "layer_statistics", "torch_losses",
    "train", "figures", "graph", "modes", "stepper", "optimizer_playground", "optimizer_view", "draw_paths",
    "ADAM_STEP", "SOFTPLUS_BACKWARD", "UNBROADCAST", "elementwise", "softplus",
]
