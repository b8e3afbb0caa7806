"""Lecture 07, pictures and widgets: an attention-matrix drawing, the attention viewer of a
trained model (sequence, layer, head, query), and the 2-D query/key/temperature playground.

Pure update functions (``viewer_data``, ``query_key_weights``) compute what is shown; the
builders return the top widget with ``.update``, ``.controls``, ``.fig`` and ``.canvas``.
"""

from __future__ import annotations

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.text import Text
from torch import nn

from helpers import plotting, validate, widgets
from helpers.attention.core import softmax
from helpers.attention.models import TinyTransformer, _check_digits
from helpers.playground import one_thread

# Four 2-D keys of the query/key playground: directions and lengths chosen so that the
# winner changes as the query turns, and two keys are nearly parallel.
KEYS = np.array([[2.0, 0.5], [-1.0, 1.5], [-1.5, -1.5], [1.0, -2.0]])
KEY_NAMES = ("k₁", "k₂", "k₃", "k₄")


def draw_attention(ax, weights, queries, keys, title: str | None = None, annotate: bool = True):
    """Draw an attention matrix ``weights (Lq, Lk)`` (rows = queries) with token labels.

    Returns the ``AxesImage`` (a widget updates it with ``set_data``) and the list of cell texts.
    """
    validate.axes(ax)
    w = validate.array(weights, "weights", ndim=2)
    if len(queries) != w.shape[0] or len(keys) != w.shape[1]:
        raise ValueError(f"queries and keys must label the {w.shape} matrix, got "
                         f"{len(queries)} and {len(keys)} labels")
    im = ax.imshow(w, cmap=plotting.SEQUENTIAL_CMAP, vmin=0, vmax=1, aspect="equal")
    ax.set_xticks(range(w.shape[1]), [str(t) for t in keys])
    ax.set_yticks(range(w.shape[0]), [str(t) for t in queries])
    ax.set(xlabel="key (attended to)", ylabel="query (attending)")
    ax.grid(False)
    texts = []
    if annotate:
        for i in range(w.shape[0]):
            for j in range(w.shape[1]):
                texts.append(ax.text(j, i, f"{w[i, j]:.2f}".lstrip("0") if w[i, j] < 1 else "1",
                                     ha="center", va="center", fontsize=9,
                                     color="black" if w[i, j] > 0.6 else "white"))
    if title:
        ax.set_title(title)
    return im, texts


# ----------------------------------------------------------------- the attention viewer
class _TickTokens(Artist):
    """The tokens written where an Axis' tick labels stand, drawn from a kept picture.

    Typing new digits would change the tick labels, a static part of the figure (a full
    redraw: 90-130 ms CPU here; matplotlib 3.11's text costs ~0.6 ms a label). Instead the Axis
    keeps fixed tick labels (transparent placeholders, or the lines that never change) so its
    layout (where the axis label goes) and its picture stay in the Blitter's background, and
    this artist, one of the Blitter's changing artists, draws a copy of each tick label (same
    font, alignment, transform and position) with the token's text. It renders its texts only
    when they, the tick positions or the canvas's size or dpi changed; otherwise it pastes the
    picture it kept, as the Blitter pastes its layers: a new sequence re-renders the 8 labels
    of an Axis, a query, layer or head change none. Saving a figure draws the texts themselves.
    """

    def __init__(self, axis, texts):
        super().__init__()
        ticks = axis.get_major_ticks()
        if len(texts) != len(ticks):
            raise ValueError(f"{len(ticks)} ticks need {len(ticks)} texts, got {len(texts)}")
        self.axis = axis
        self.texts = []
        for tick, s in zip(ticks, texts):
            t = Text(text=s)
            t.update_from(tick.label1)  # font, colour, alignment, transform (before any hiding)
            t.set_position(tick.label1.get_position())
            t.set_figure(axis.get_figure(root=False))
            self.texts.append(t)
        self.set_zorder(axis.get_zorder())
        self.set_in_layout(False)  # the Axis' tick labels hold the place
        self._kept = None  # (key, x, y, rgba) of the last rendering
        self._layer = None  # the transparent renderer it was made with
        self.renders = 0  # renderings of the texts (for tests)

    def set_texts(self, texts) -> None:
        for t, s in zip(self.texts, texts, strict=True):
            t.set_text(s)
        self.stale = True

    def draw(self, renderer) -> None:
        if not self.get_visible():
            return
        for t, tick in zip(self.texts, self.axis.get_major_ticks()):  # follow the ticks
            t.set_transform(tick.label1.get_transform())
            t.set_position(tick.label1.get_position())
        canvas = self.get_figure(root=True).canvas
        if not isinstance(renderer, RendererAgg) or canvas.is_saving():
            for t in self.texts:
                t.draw(renderer)
            return
        where = np.array([t.get_transform().transform(t.get_position()) for t in self.texts])
        key = (tuple(t.get_text() for t in self.texts), where.round(3).tobytes(),
               renderer.width, renderer.height, renderer.dpi)
        if self._kept is None or self._kept[0] != key:
            layer = self._layer  # kept too: matplotlib caches text metrics per renderer
            if layer is None or (layer.width, layer.height, layer.dpi) != key[2:]:
                layer = self._layer = RendererAgg(renderer.width, renderer.height, renderer.dpi)
            layer.clear()  # transparent
            for t in self.texts:
                t.draw(layer)
            self._kept = (key, *widgets._crop_layer(np.asarray(layer.buffer_rgba())))
            self.renders += 1
        _, x, y, rgba = self._kept
        if rgba is not None:
            gc = renderer.new_gc()
            renderer.draw_image(gc, x, y, rgba)
            gc.restore()
        self.stale = False


def parse_digits(text: str, length: int) -> torch.Tensor | None:
    """The digits typed in ``text`` as an int64 tensor ``(1, length)``, or None if there are
    not exactly ``length`` digits (spaces and commas are ignored)."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    digits = [c for c in text if not c.isspace() and c != ","]
    if len(digits) != length or not all(c in "0123456789" for c in digits):
        return None
    return torch.tensor([[int(c) for c in digits]])


def _check_transformer(model) -> None:
    if not isinstance(model, TinyTransformer):
        raise TypeError(f"model must be a TinyTransformer (e.g. train_toy(...).model), got "
                        f"{type(model).__name__}")


def viewer_data(model: nn.Module, x: torch.Tensor, layer: int, head: int) -> dict:
    """What the viewer shows for one sequence ``x (1, T)``: the ``weights (T, T)`` of
    ``head`` in ``layer``, the model's ``output`` digits ``(T,)`` and its ``tokens``."""
    _check_transformer(model)
    _check_digits(x, "x", batch=1)
    layer = validate.integer(layer, "layer", min=0, max=len(model.blocks) - 1)
    head = validate.integer(head, "head", min=0, max=model.blocks[layer].attn.num_heads - 1)
    with torch.no_grad(), one_thread():  # one tiny sequence: a thread pool only costs time
        logits, maps = model.forward_with_maps(x)  # (1, T, 10), list of (1, H, T, T)
    out = logits.argmax(-1)[0]
    return {"weights": maps[layer][0, head].numpy(), "output": out.numpy(),
            "tokens": x[0].numpy()}


def attention_viewer(model: nn.Module, text: str = "31415926", size: float = 1.0) -> W.Widget:
    """Type a digit sequence, pick layer, head and query: see the attention matrix of a trained
    :class:`~helpers.attention.models.TinyTransformer` and one query's distribution."""
    _check_transformer(model)
    text = validate.text(text, "text", empty=True)
    size = validate.real(size, "size", min=0.2, max=4)  # figure scale
    T = model.length
    n_layers, n_heads = len(model.blocks), model.blocks[0].attn.num_heads
    c = {"text": W.Text(value=text, description="digits", continuous_update=True),
         "layer": W.ToggleButtons(options=list(range(n_layers)), value=n_layers - 1,
                                  description="layer"),
         "head": W.ToggleButtons(options=list(range(n_heads)), value=0, description="head"),
         "query": widgets.slider("query position", 0, T - 1, 0, integer=True)}
    for w in (c["layer"], c["head"]):
        w.style.button_width = "50px"
    fig, canvas = widgets.figure(figsize=(10 * size, 4.2 * size))
    ax, ax_bar = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.2]})
    fig.subplots_adjust(left=0.08, right=0.97, bottom=0.16, top=0.86, wspace=0.3)
    # The tokens are not tick labels (new ones would force a full redraw) but _TickTokens
    # drawn over fixed tick labels: "0" placeholders made transparent on the matrix, and the
    # position lines "i\n" (the token goes on the second line) under the bars.
    im, _ = draw_attention(ax, np.zeros((T, T)), ["0"] * T, ["0"] * T, annotate=False)
    row = ax.add_patch(plt.Rectangle((-0.5, -0.5), T, 1, fill=False, lw=2.5,
                                     edgecolor=plotting.PALETTE["vermillion"]))
    bars = ax_bar.bar(range(T), np.zeros(T), color=plotting.PALETTE["blue"])
    ax_bar.set(ylim=(0, 1.05), xlabel="key position (token)", ylabel="attention weight",
               yticks=[0, 0.5, 1])
    ax_bar.set_xticks(range(T), [f"{i}\n" for i in range(T)])
    labels = [ax.add_artist(_TickTokens(ax.xaxis, ["?"] * T)),
              ax.add_artist(_TickTokens(ax.yaxis, ["?"] * T)),
              ax_bar.add_artist(_TickTokens(ax_bar.xaxis, ["\n?"] * T))]
    ax.tick_params(labelcolor="none")  # after the copies took the tick labels' colour
    warn = widgets.banner(ax_bar, f"type exactly {T} digits")
    blit = widgets.Blitter(canvas, [im, row, *bars, ax.title, ax_bar.title, warn, *labels])

    def update(change=None) -> dict | None:
        x = parse_digits(c["text"].value, T)
        widgets.set_banner(warn, x is None)
        if x is None:
            blit()
            return None
        view = viewer_data(model, x, c["layer"].value, c["head"].value)
        w, q = view["weights"], c["query"].value
        tokens = [str(t) for t in view["tokens"]]
        im.set_data(w)
        labels[0].set_texts(tokens)  # re-rendered only if the digits changed
        labels[1].set_texts(tokens)
        labels[2].set_texts([f"\n{t}" for t in tokens])
        row.set_y(q - 0.5)
        for b, v in zip(bars, w[q]):
            b.set_height(v)
        ax.set_title(f"layer {c['layer'].value}, head {c['head'].value}")
        ax_bar.set_title(f"query {q} (token {tokens[q]}) → output "
                         f"{''.join(map(str, view['output']))}", fontsize=12)
        blit()
        return view

    top = widgets.live_panel(c, canvas, update, fig=fig,
                             title="Attention of the trained transformer")
    top.blitter = blit
    return top


# ----------------------------------------------------------------- 2-D queries and keys
def query_key_weights(query, keys=KEYS, temperature: float = 1.0) -> np.ndarray:
    """``softmax(K q / τ)``: the weight of each key ``keys (n, 2)`` for a ``query (2,)``."""
    q = validate.array(query, "query", shape=(2,))
    K = validate.array(keys, "keys", shape=(None, 2), min_size=2)
    return softmax(K @ q, validate.real(temperature, "temperature", min=0, min_open=True))


def query_key_playground(size: float = 1.0) -> W.Widget:
    """Move a 2-D query with sliders, change the temperature, watch the softmax weights."""
    size = validate.real(size, "size", min=0.2, max=4)  # figure scale
    c = {"qx": widgets.slider("query x", -3.0, 3.0, 1.0, step=0.1),
         "qy": widgets.slider("query y", -3.0, 3.0, 0.5, step=0.1),
         "temperature": widgets.slider("temperature τ", 0.05, 5.0, 1.0, step=0.05)}
    fig, canvas = widgets.figure(figsize=(10 * size, 4.2 * size))
    ax, ax_bar = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.2]})
    fig.subplots_adjust(left=0.08, right=0.97, bottom=0.14, top=0.86, wspace=0.3)
    P = plotting.PALETTE
    colors = [P["blue"], P["orange"], P["green"], P["purple"]]
    for key, name, col in zip(KEYS, KEY_NAMES, colors):
        ax.annotate("", key, (0, 0), arrowprops=dict(arrowstyle="-|>", color=col, lw=2))
        ax.text(*(key * 1.15), name, color=col, fontsize=13, ha="center", va="center")
    q_arrow = ax.annotate("", (1, 0.5), (0, 0),
                          arrowprops=dict(arrowstyle="-|>", color="black", lw=3))
    q_text = ax.text(1, 0.5, "q", fontsize=14, fontweight="bold")
    ax.set(xlim=(-3.3, 3.3), ylim=(-3.3, 3.3), aspect="equal", xlabel="dimension 1",
           ylabel="dimension 2", title="query q (black) and keys", xticks=[-3, 0, 3],
           yticks=[-3, 0, 3])
    bars = ax_bar.bar(KEY_NAMES, np.zeros(len(KEYS)), color=colors)
    labels = [ax_bar.text(i, 0, "", ha="center", va="bottom", fontsize=11) for i in range(len(KEYS))]
    ax_bar.set(ylim=(0, 1.12), ylabel="weight softmax(q·k / τ)", yticks=[0, 0.5, 1])
    blit = widgets.Blitter(canvas, [q_arrow, q_text, *bars, *labels, ax_bar.title])

    def update(change=None) -> np.ndarray:
        q = np.array([c["qx"].value, c["qy"].value])
        tau = c["temperature"].value
        w = query_key_weights(q, KEYS, tau)
        q_arrow.xy = tuple(q)
        q_text.set_position(q * 1.08 + 0.05)
        for b, t, v in zip(bars, labels, w):
            b.set_height(v)
            t.set_position((t.get_position()[0], v + 0.01))
            t.set_text(f"{v:.2f}")
        ax_bar.set_title(f"τ = {tau:.2f}: scores q·k = {np.array2string(KEYS @ q, precision=1)}",
                         fontsize=12)
        blit()
        return w

    top = widgets.live_panel(c, canvas, update, fig=fig,
                             title="Drag the query; lower τ sharpens the softmax, raise it to flatten")
    top.blitter = blit
    return top
