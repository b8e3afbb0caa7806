"""Pure drawing of the playground: what a frame shows (:func:`frame_state`, no drawing at all),
the static matplotlib figure (:class:`MapView`, :func:`plot`) and the bytes the live view in
the browser paints (:func:`encode_heatmap`, :func:`colour_table`).

Colour = P(+1) - P(-1) = tanh(f / 2) for the logit f: white on the decision boundary f = 0,
blue where the model says +1, orange where it says -1 (``plotting.BOUNDARY_CMAP``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from helpers import plotting, validate, widgets
from helpers.playground.model import SPLITS, Playground

FIGSIZE = (9.6, 4.2)
RESOLUTION = 60  # heatmap cells per side in the widget
HEATMAP_ALPHA = 0.7  # the heatmap over a white background


def summary(pg: Playground, diverged: bool) -> str:
    """One line: epoch, last losses and accuracies ("—" once diverged)."""
    if not isinstance(pg, Playground):
        raise TypeError(f"pg must be a Playground, got {type(pg).__name__}")
    diverged = validate.boolean(diverged, "diverged")
    train, test = pg.history["train"][-1], pg.history["test"][-1]
    if diverged:
        return f"epoch {pg.epoch}   loss: train {train:.3g}, test {test:.3g}   accuracy: —"
    return (f"epoch {pg.epoch}   loss: train {train:.3f}, test {test:.3f}   accuracy: "
            f"train (filled) {pg.accuracy('train'):.0%}, test (hollow) {pg.accuracy('test'):.0%}")


def frame_state(pg: Playground, resolution: int = RESOLUTION) -> dict[str, Any]:
    """Everything one frame shows, computed from ``pg`` without drawing anything.

    Keys: ``xs, ys (R,)`` and ``Z (R, R)`` (the logit on the grid, rows along y), ``colour``
    ``(R, R)`` = tanh(Z / 2) in [-1, 1], ``diverged`` (the run or the grid is not finite; then
    ``Z`` and ``colour`` are None: the view keeps its last good picture), ``info`` (the summary
    line) and ``epoch``. Never raises on NaN/inf.
    """
    if not isinstance(pg, Playground):
        raise TypeError(f"pg must be a Playground, got {type(pg).__name__}")
    xs, ys, Z = pg.predict_grid(resolution)
    diverged = pg.diverged or widgets.is_diverged(Z)
    colour = None if diverged else np.tanh(Z / 2)
    return dict(xs=xs, ys=ys, Z=None if diverged else Z, colour=colour, diverged=diverged,
                info=summary(pg, diverged), epoch=pg.epoch)


def encode_heatmap(colour: np.ndarray) -> bytes:
    """``colour (R, R)`` in [-1, 1] as R*R bytes, ``round((c + 1) * 127.5)`` (0 = -1, 255 = +1),
    rows from the top of the picture down (as a browser image is stored)."""
    colour = validate.array(colour, "colour", ndim=2)
    q = np.clip(np.rint((colour + 1) * 127.5), 0, 255).astype(np.uint8)
    return q[::-1].tobytes()


def colour_table(alpha: float = HEATMAP_ALPHA) -> list[list[int]]:
    """256 RGB triples: ``BOUNDARY_CMAP`` at the byte values of :func:`encode_heatmap`, laid
    over white with opacity ``alpha`` (what the static figure shows)."""
    rgb = plotting.BOUNDARY_CMAP(np.linspace(0, 1, 256))[:, :3]
    return np.rint(255 * (alpha * rgb + (1 - alpha))).astype(int).tolist()


def ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """At most ``n`` round tick positions in [lo, hi] (matplotlib's MaxNLocator, as the static
    figure uses)."""
    locs = MaxNLocator(n, steps=[1, 2, 5, 10]).tick_values(lo, hi)
    return [float(t) for t in locs if lo - 1e-9 <= t <= hi + 1e-9]


class MapView:
    """The static figure's two panels (heatmap + points, loss curves), drawn once on ``fig``,
    then updated from a :func:`frame_state` (``set_data``/``set_offsets``, no new axes)."""

    def __init__(self, fig, pg: Playground, resolution: int = RESOLUTION) -> None:
        validate.figure(fig, "fig")
        self.resolution = validate.integer(resolution, "resolution", min=2, max=1000)
        self.ax_map = fig.add_subplot(1, 2, 1)
        self.ax_loss = fig.add_subplot(1, 2, 2)
        ax = self.ax_map
        self.image = ax.imshow(np.zeros((2, 2)), origin="lower", extent=pg.box, vmin=-1, vmax=1,
                               cmap=plotting.BOUNDARY_CMAP, alpha=HEATMAP_ALPHA, aspect="auto",
                               interpolation="bilinear")
        self.points = {}
        for split, hollow in (("train", False), ("test", True)):
            for cls, artist in zip((-1, 1), plotting.scatter_classes(
                    ax, np.zeros((2, 2)), np.array([-1, 1]), hollow=hollow, s=36)):
                artist.set_label(f"{split} y = {cls:+d}")
                self.points[split, cls] = artist
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        ax.grid(False)
        self.banner = widgets.banner(ax)
        self.boundary = None  # the contour f = 0, redrawn each time
        self.lines = {
            "train": self.ax_loss.plot([], [], color=plotting.PALETTE["black"], marker="o",
                                       markevery=[-1], label="train loss")[0],
            "test": self.ax_loss.plot([], [], color=plotting.PALETTE["vermillion"], ls="--",
                                      marker="o", markevery=[-1], label="test loss")[0],
        }
        self.ax_loss.set_xlabel("epoch")
        self.ax_loss.set_ylabel("mean logistic loss")
        self.ax_loss.legend(loc="upper right")
        for axis in (ax.xaxis, ax.yaxis, self.ax_loss.xaxis, self.ax_loss.yaxis):
            axis.set_major_locator(MaxNLocator(5, steps=[1, 2, 5, 10]))  # fewer labels: faster
        fig.subplots_adjust(left=0.08, right=0.98, bottom=0.14, top=0.88, wspace=0.28)
        self.info = fig.text(0.5, 0.97, "", ha="center", va="top", fontsize=12)
        self.set_data(pg)

    def set_data(self, pg: Playground) -> None:
        """Show ``pg``'s points and box (after a reset)."""
        for split in SPLITS:
            X, y = (pg.X_train, pg.y_train) if split == "train" else (pg.X_test, pg.y_test)
            for cls in (-1, 1):
                self.points[split, cls].set_offsets(X[y == cls].reshape(-1, 2))
        self.image.set_extent(pg.box)
        self.ax_map.set_xlim(pg.box[0], pg.box[1])
        self.ax_map.set_ylim(pg.box[2], pg.box[3])

    def update(self, pg: Playground, state: dict | None = None) -> None:
        """Update every artist from ``pg`` (or a ready ``state``); never raises on NaN/inf."""
        state = frame_state(pg, self.resolution) if state is None else state
        if not state["diverged"]:  # a diverged run leaves the last good heatmap frozen
            self.image.set_data(state["colour"])
            if self.boundary is not None:
                self.boundary.remove()
                self.boundary = None
            Z = state["Z"]
            if Z.min() < 0 < Z.max():
                self.boundary = self.ax_map.contour(state["xs"], state["ys"], Z, levels=[0.0],
                                                    colors="black", linewidths=1.2)
        widgets.set_banner(self.banner, state["diverged"])
        losses = np.array([pg.history["train"], pg.history["test"]])  # (2, epochs + 1)
        for split, line in zip(SPLITS, self.lines.values()):
            line.set_data(np.arange(losses.shape[1]), pg.history[split])
        finite = losses[np.isfinite(losses)]
        top = float(finite.max()) if finite.size else 1.0
        self.ax_loss.set_xlim(0, max(10, pg.epoch))
        self.ax_loss.set_ylim(0, 1.08 * top if top > 0 else 1.0)
        self.info.set_text(state["info"])


def plot(pg: Playground, resolution: int = 80):
    """A static figure of the current state (the same two panels as the widget).

    The ``Figure`` is not registered with pyplot, so it shows exactly once: end a notebook
    cell with it (under ``%matplotlib inline``, as in the course notebooks) or call
    ``display(fig)``; ``fig.savefig(...)`` works as usual.
    """
    if not isinstance(pg, Playground):
        raise TypeError(f"pg must be a Playground, got {type(pg).__name__}")
    fig = Figure(figsize=FIGSIZE)
    fig.patch.set_facecolor("white")
    MapView(fig, pg, resolution).update(pg)
    return fig
