"""Computation graphs of small expressions, drawn with matplotlib (no graphviz).

:func:`trace` runs an expression of :data:`EXPRESSIONS` on the engine and records the forward
order of its nodes and every step of the backward pass (from :func:`engine.backward_steps`).
:func:`stepper_state` says what is visible after ``k`` steps (forward values appear node by
node, then gradients as each local rule fires); :func:`draw_graph` draws it, and
:func:`show_state` updates the drawing (the stepper widget in :mod:`.interactive`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from helpers import plotting, validate
from helpers.autodiff.engine import Tensor, backward_steps, topological_order


def _leaf(name: str, value: float) -> Tensor:
    return Tensor(value, requires_grad=True, name=name)


def _named(t: Tensor, name: str) -> Tensor:
    t.name = name
    return t


def _neuron():
    x1, w1, x2, w2, b = (_leaf("x₁", 2.0), _leaf("w₁", -3.0), _leaf("x₂", 0.0), _leaf("w₂", 1.0),
                         _leaf("b", 6.8813735870195432))
    s = _named(_named(x1 * w1, "p₁") + _named(x2 * w2, "p₂"), "s")
    return _named(_named(s + b, "z").tanh(), "o")


def _used_twice():
    x, y = _leaf("x", 3.0), _leaf("y", -2.0)
    return _named(_named(x * y, "u") + x, "f")


def _product():
    a, b = _leaf("a", 3.0), _leaf("b", 1.0)
    return _named(_named(a + b, "s") * _named(a - b, "d"), "f")


def _sigmoid_gate():
    x, w = _leaf("x", 1.5), _leaf("w", -0.5)
    g = _named(_named(x * w, "z").sigmoid(), "g")
    return _named(g * x, "f")


EXPRESSIONS = {
    "neuron: o = tanh(x₁w₁ + x₂w₂ + b)": _neuron,
    "x used twice: f = x·y + x": _used_twice,
    "a, b used twice: f = (a + b)(a − b)": _product,
    "gate: f = σ(x·w)·x": _sigmoid_gate,
}


@dataclass
class Trace:
    """A traced expression: nodes in forward (topological) order, edges ``(parent, child)``
    as indices, node labels, values, the final gradients and the backward events
    ``(child, parent, contribution, parent's gradient so far)``."""

    expression: str
    nodes: list[Tensor]
    labels: list[str]
    edges: list[tuple[int, int]]
    values: np.ndarray
    grads: np.ndarray
    events: list[tuple[int, int, float, float]]
    positions: np.ndarray  # (n_nodes, 2) layout

    @property
    def n_forward(self) -> int:
        return sum(1 for t in self.nodes if t._parents)

    @property
    def n_steps(self) -> int:
        """Forward steps, the seed ``∂f/∂f = 1``, then one step per backward event."""
        return self.n_forward + 1 + len(self.events)


def _layout(nodes: list[Tensor], index: dict[int, int]) -> np.ndarray:
    """x = longest path from a leaf; y spreads the nodes of one column evenly."""
    depth = np.zeros(len(nodes))
    for i, t in enumerate(nodes):
        if t._parents:
            depth[i] = 1 + max(depth[index[id(p)]] for p in t._parents)
    leaf_depth = np.full(len(nodes), np.inf)
    for i, t in enumerate(nodes):  # a leaf sits just left of its first use
        for p in t._parents:
            if not p._parents:
                j = index[id(p)]
                leaf_depth[j] = min(leaf_depth[j], depth[i] - 1)
    depth = np.where(np.isfinite(leaf_depth), leaf_depth, depth)
    pos = np.zeros((len(nodes), 2))
    for d in np.unique(depth):
        col = np.flatnonzero(depth == d)
        pos[col, 0] = d
        pos[col, 1] = (len(col) - 1) / 2 - np.arange(len(col))
    return pos


def trace(expression: str) -> Trace:
    """Run ``expression`` (a key of :data:`EXPRESSIONS`) forward and backward, recording both."""
    expression = validate.choice(expression, "expression", EXPRESSIONS)
    out = EXPRESSIONS[expression]()
    order = topological_order(out)
    nodes = order
    index = {id(t): i for i, t in enumerate(nodes)}
    edges = [(index[id(p)], index[id(t)]) for t in nodes for p in t._parents]
    labels = [t.name if not t._parents else f"{t.name} = {_op_text(t)}" for t in nodes]
    running = np.zeros(len(nodes))
    events = []
    for child, parent, contribution in backward_steps(out):
        j = index[id(parent)]
        running[j] += float(contribution)
        events.append((index[id(child)], j, float(contribution), running[j]))
    return Trace(expression, nodes, labels, edges, np.array([t.item() for t in nodes]),
                 np.array([t.grad.item() for t in nodes]), events, _layout(nodes, index))


def _op_text(t: Tensor) -> str:
    names = [p.name for p in t._parents]
    if len(names) == 2:
        return f"{names[0]} {'·' if t.op == '×' else t.op} {names[1]}"
    return {"σ": "σ", "tanh": "tanh"}.get(t.op, t.op) + f"({names[0]})"


@dataclass
class StepperState:
    """What the figure shows after ``k`` steps (see :func:`stepper_state`)."""

    k: int
    value_text: list[str]  # per node ("" = not computed yet)
    grad_text: list[str]  # per node ("" = not reached yet)
    edge_text: list[str]  # per edge: the last contribution that flowed along it
    active_node: int | None
    active_edge: int | None
    caption: str


def stepper_state(tr: Trace, k: int) -> StepperState:
    """The state after ``k`` steps, ``k`` clipped to ``0 … tr.n_steps``.

    Leaves show their values from the start; steps ``1 … n_forward`` compute one node each;
    step ``n_forward + 1`` seeds ``∂f/∂f = 1`` (f the output); each later step fires one local rule and adds its
    contribution to a parent's gradient (a node used twice receives two).
    """
    _check_trace(tr)
    k = min(max(validate.integer(k, "k"), 0), tr.n_steps)
    n = len(tr.nodes)
    computed = [i for i, t in enumerate(tr.nodes) if t._parents]  # in forward order
    shown = set(range(n)) - set(computed[min(k, tr.n_forward):])
    value_text = [f"{tr.values[i]:.4g}" if i in shown else "" for i in range(n)]
    grad_text, edge_text = [""] * n, [""] * len(tr.edges)
    active_node = active_edge = None
    if k == 0:
        caption = "Start: only the inputs (leaves) have values. Step forward."
    elif k <= tr.n_forward:
        active_node = computed[k - 1]
        t = tr.nodes[active_node]
        args = ", ".join(f"{p.name} = {p.item():.4g}" for p in t._parents)
        caption = (f"Forward {k}/{tr.n_forward}: {tr.labels[active_node]} = "
                   f"{tr.values[active_node]:.4g}   (with {args})")
    else:
        out = n - 1
        top = tr.nodes[out].name  # the output's name: f or o
        grad_text[out] = "1"
        done = k - tr.n_forward - 1
        caption = f"Backward: seed ∂{top}/∂{top} = 1 at the output."
        for e, (child, parent, contribution, total) in enumerate(tr.events[:done]):
            grad_text[parent] = f"{total:.4g}"
            edge = next(i for i, (p, c) in enumerate(tr.edges) if p == parent and c == child)
            edge_text[edge] = f"{contribution:+.4g}"
            if e == done - 1:
                active_node, active_edge = parent, edge
                pname, cname = tr.nodes[parent].name, tr.nodes[child].name
                caption = (f"Backward {done}/{len(tr.events)}: rule of {cname} "
                           f"({tr.nodes[child].op}) sends ∂{top}/∂{cname} · ∂{cname}/∂{pname} = "
                           f"{contribution:+.4g} to {pname}; ∂{top}/∂{pname} is now {total:.4g}")
                uses = sum(1 for ev in tr.events if ev[1] == parent)
                so_far = sum(1 for ev in tr.events[:done] if ev[1] == parent)
                if uses > 1:
                    caption += (f" ({pname} is used {uses} times: {uses - so_far} more to come)"
                                if so_far < uses else
                                f" ({pname} is used {uses} times: the contributions add up)")
    return StepperState(k, value_text, grad_text, edge_text, active_node, active_edge, caption)


_BOX = dict(boxstyle="round,pad=0.4", facecolor="white", edgecolor="#555555", lw=1.5)


def draw_graph(ax, tr: Trace, k: int | None = None) -> dict:
    """Draw the graph of ``tr`` on ``ax`` after ``k`` steps (default: all), values in black
    and gradients in vermillion; returns the artists for :func:`show_state`."""
    validate.axes(ax)
    _check_trace(tr)
    k = tr.n_steps if k is None else validate.integer(k, "k")
    pos = tr.positions
    art = {"nodes": [], "edges": [], "edge_text": []}
    top = pos[:, 1].max()
    for p, c in tr.edges:
        (x0, y0), (x1, y1) = pos[p], pos[c]
        t = np.linspace(0, 1, 40)
        xs, ys = x0 + 0.3 + (x1 - x0 - 0.6) * t, y0 + (y1 - y0) * t
        if x1 - x0 > 1:  # an edge that jumps a column arcs over the nodes in between
            ys = ys + (top + 0.75 - max(y0, y1)) * np.sin(np.pi * t)
        line, = ax.plot(xs[:-1], ys[:-1], color="#888888", lw=1.8, zorder=1)
        head = ax.annotate("", xy=(xs[-1], ys[-1]), xytext=(xs[-3], ys[-3]), zorder=1,
                           arrowprops=dict(arrowstyle="-|>", color="#888888", lw=1.8,
                                           shrinkA=0, shrinkB=0, mutation_scale=16))
        art["edges"].append((line, head))
        i = 10  # the label sits on the edge near its parent: where the gradient arrives
        art["edge_text"].append(ax.text(xs[i], ys[i] + 0.13, "", fontsize=11, ha="center",
                                        color=plotting.PALETTE["vermillion"], zorder=3,
                                        fontweight="bold"))
    for i in range(len(tr.nodes)):
        art["nodes"].append(ax.text(*pos[i], "", ha="center", va="center", fontsize=11.5,
                                    zorder=2, bbox=dict(_BOX), linespacing=1.35))
    ax.set_xlim(pos[:, 0].min() - 0.55, pos[:, 0].max() + 0.55)
    arcs = any(pos[c, 0] - pos[p, 0] > 1 for p, c in tr.edges)
    ax.set_ylim(pos[:, 1].min() - 0.6, pos[:, 1].max() + (1.0 if arcs else 0.6))
    ax.set_axis_off()
    art["title"] = ax.set_title("", fontsize=12)
    show_state(art, tr, stepper_state(tr, k))
    return art


def show_state(art: dict, tr: Trace, state: StepperState) -> None:
    """Update the artists of :func:`draw_graph` to ``state``."""
    _check_trace(tr)
    if not isinstance(art, dict) or not {"nodes", "edges", "edge_text", "title"} <= set(art):
        raise TypeError(f"art must be the dict of artists that draw_graph returns, got "
                        f"{type(art).__name__}")
    if not isinstance(state, StepperState):
        raise TypeError(f"state must be a StepperState (from stepper_state), got "
                        f"{type(state).__name__}")
    counts = (len(tr.nodes), len(tr.edges))
    if counts != (len(art["nodes"]), len(art["edges"])) or \
            counts != (len(state.value_text), len(state.edge_text)):
        raise ValueError("art and state must come from draw_graph and stepper_state of this tr "
                         "(their node and edge counts differ)")
    for i, box in enumerate(art["nodes"]):
        lines = [tr.labels[i], f"value {state.value_text[i] or '?'}"]
        lines.append(f"grad {state.grad_text[i] or '·'}")
        box.set_text("\n".join(lines))
        active = i == state.active_node
        box.get_bbox_patch().set_edgecolor(plotting.PALETTE["vermillion"] if active else "#555555")
        box.get_bbox_patch().set_linewidth(3 if active else 1.5)
    for e, (arrow, text) in enumerate(zip(art["edges"], art["edge_text"])):
        text.set_text(state.edge_text[e])
        active = e == state.active_edge
        color = plotting.PALETTE["vermillion"] if active else "#888888"
        arrow[0].set_color(color)
        arrow[1].arrow_patch.set_color(color)
    art["title"].set_text(_wrap(state.caption))


def _check_trace(tr) -> None:
    if not isinstance(tr, Trace):
        raise TypeError(f"tr must be a Trace (from trace(expression)), got {type(tr).__name__}")


def _wrap(text: str, width: int = 90) -> str:
    """Break a long caption at "; " or "   (" so it fits above the graph."""
    for sep in ("; ", "   ("):
        if len(text) > width and sep in text:
            head, tail = text.split(sep, 1)
            return head + sep.rstrip() + "\n" + ("(" if sep.endswith("(") else "") + tail
    return text
