"""A TensorFlow-Playground-style trainer: a small MLP learning a 2-D binary data set.

The package is split by job:

* :mod:`.model` -- :class:`Playground`: data, model and training, no drawing and no UI.
  ``step(n)`` runs ``n`` epochs of minibatch SGD on the logistic loss, ``loss()``/``accuracy()``
  measure, ``predict_grid()`` evaluates the model over the view, ``reset()`` starts again.
* :mod:`.view` -- pure drawing: what a frame shows (:func:`frame_state`), the static matplotlib
  figure (:func:`plot`), the bytes the browser paints.
* :mod:`.live` -- :class:`LiveView`, the widget that paints frames in the browser (anywidget).
* :mod:`.ui` -- :class:`PlaygroundUI` and :func:`playground`: controls, throttling, the play loop.

Usage in a notebook::

    from helpers import playground
    playground.playground(dataset="xor", hidden_layers=1, neurons=4)   # the widget

    pg = playground.Playground(dataset="circles")                       # or no UI at all
    pg.step(100); pg.accuracy("test")

After the playground in TensorFlow Playground (D. Smilkov, S. Carter, 2016,
https://playground.tensorflow.org).
"""

from helpers import widgets  # noqa: F401  (kept as an attribute: older code reaches it here)
from helpers.playground.model import (ACTIVATIONS, DATA_SETS, DEFAULTS, DTYPE, MAX_HIDDEN_LAYERS,
                                      MAX_NEURONS, MAX_POINTS, SPLITS, Playground, build_mlp,
                                      forward, gradients, logistic_loss, one_thread, sgd_step)
from helpers.playground.view import FIGSIZE, RESOLUTION, MapView, frame_state, plot, summary

# The widget parts (ipywidgets, anywidget) load on first use: lectures that only train, or
# only borrow one_thread, stay light.
_LAZY = {"PlaygroundUI": "ui", "playground": "ui", "Overlay": "ui", "FRAME_INTERVAL": "ui",
         "L2_STRENGTHS": "ui", "LEARNING_RATES": "ui", "LiveView": "live"}


def __getattr__(name: str):
    import importlib

    if name in _LAZY:
        return getattr(importlib.import_module(f"helpers.playground.{_LAZY[name]}"), name)
    if name in ("ui", "live"):
        return importlib.import_module(f"helpers.playground.{name}")
    raise AttributeError(f"module 'helpers.playground' has no attribute {name!r}")

__all__ = [
    "Playground", "PlaygroundUI", "playground", "one_thread", "logistic_loss", "build_mlp",
    "forward", "gradients", "sgd_step", "ACTIVATIONS", "DATA_SETS", "DEFAULTS", "DTYPE",
    "MAX_HIDDEN_LAYERS", "MAX_NEURONS", "MAX_POINTS", "SPLITS", "FIGSIZE", "RESOLUTION",
    "MapView", "frame_state", "plot", "summary", "FRAME_INTERVAL", "L2_STRENGTHS",
    "LEARNING_RATES", "Overlay", "LiveView",
]
