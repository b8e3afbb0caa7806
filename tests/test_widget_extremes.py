"""Widgets at the extremes: every control of every lecture's widget at its minimum and maximum.

The widget builders are found by introspection (every public function of a lecture package or
of ``helpers.playground`` whose name ends in ``playground``, ``stepper`` or ``viewer``, except
``draw_*``/``update_*`` helpers), and
their controls by walking the widget tree (sliders, dropdowns, toggle buttons, check boxes,
text boxes, play widgets, buttons). Each control goes to its first and last value (minimum and
maximum of a slider, first and last option), one at a time and then all together; after each
move the figure must render. No exception is allowed anywhere.

Where a widget trains with a learning rate, the rate goes to its maximum for (at least) 200
steps and divergence must be shown as such: the "diverged" banner is visible exactly when the
run (or what is drawn of it) is not finite.
"""

from __future__ import annotations

import importlib
import inspect
import io
import re

import ipywidgets as W
import matplotlib
import numpy as np
import pytest

from helpers import widgets

LECTURES = ["perceptron", "uat", "regions", "conv", "autodiff", "rnn", "attention", "ebm",
            "playground"]
BUILDER_NAME = re.compile(r"^(?!draw_|update_)\w*(playground|stepper|viewer)$")


def _attention_model():
    from helpers import attention

    return {"model": attention.make_model("transformer")}


# Builders with a required argument get it here (a new one fails below until it is added).
REQUIRED_ARGS = {"attention.attention_viewer": _attention_model}


def builders() -> list[tuple[str, object]]:
    found = []
    for lecture in LECTURES:
        module = importlib.import_module(f"helpers.{lecture}")
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name, None)
            if inspect.isfunction(obj) and BUILDER_NAME.search(name):
                found.append((f"{lecture}.{name}", obj))
    return found


BUILDERS = builders()


def build(name, fn):
    kwargs = REQUIRED_ARGS.get(name, dict)()
    missing = [p.name for p in inspect.signature(fn).parameters.values()
               if p.default is p.empty and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
               and p.name not in kwargs]
    assert not missing, f"{name} needs {missing}: add them to REQUIRED_ARGS"
    return fn(**kwargs)


def controls(widget) -> list[W.Widget]:
    """Every interactive control in the widget tree (and in ``.controls``), each once."""
    seen, out, stack = set(), [], [widget]
    stack += list(getattr(widget, "controls", {}).values())
    while stack:
        w = stack.pop(0)
        if id(w) in seen or not isinstance(w, W.Widget):
            continue
        seen.add(id(w))
        if isinstance(w, (W.Button, W.ValueWidget)) and not isinstance(
                w, (W.HTML, W.Label, W.HTMLMath, W.Image, W.Output)) and hasattr(w, "value") \
                or isinstance(w, W.Button):
            if not getattr(w, "disabled", False):
                out.append(w)
        stack += list(getattr(w, "children", ()))
    return out


def extremes(control) -> list:
    """The values to try: (attribute, value) pairs, first/minimum then last/maximum."""
    if isinstance(control, W.Button):
        return [("click", None)]
    if hasattr(control, "options"):
        n = len(control.options)
        return [("index", 0), ("index", n - 1)] if n else []
    if isinstance(control, W.FloatLogSlider):
        return [("value", control.base ** control.min), ("value", control.base ** control.max)]
    if hasattr(control, "min") and hasattr(control, "max"):
        return [("value", control.min), ("value", control.max)]
    if isinstance(control.value, bool):
        return [("value", not control.value), ("value", control.value)]
    if isinstance(control.value, str):
        return [("value", ""), ("value", "9" * 64), ("value", "a ✓ ∞ -1e308 nan")]
    return []


def figures_of(widget) -> list:
    figs = [getattr(widget, "fig", None)]
    ui = getattr(widget, "ui", None)
    if ui is not None:
        figs.append(ui.snapshot())
    figs += [getattr(getattr(ov, "view", None), "figure", None)
             for ov in getattr(ui, "overlays", ())]
    canvas = getattr(widget, "canvas", None)
    figs.append(getattr(canvas, "figure", None))
    return [f for i, f in enumerate(figs) if f is not None and f not in figs[:i]]


def render(widget, snapshot: bool = True) -> None:
    """Render every figure of the widget for real (draw_idle renders nothing in tests).

    The course playground paints its live view itself on every change; its static snapshot
    figure (``snapshot``) is rendered once per control, not after every move."""
    if getattr(widget, "ui", None) is not None and not snapshot:
        return
    for fig in figures_of(widget):
        fig.savefig(io.BytesIO(), format="png", dpi=30)


def move(control, attr, value) -> None:
    if attr == "click":
        control.click()
    else:
        setattr(control, attr, value)


@pytest.mark.parametrize("name, fn", BUILDERS, ids=[n for n, _ in BUILDERS])
def test_every_control_at_its_extremes(name, fn):
    w = build(name, fn)
    found = controls(w)
    assert found, f"{name}: no controls found"
    render(w)
    moves = 0
    for control in found:
        initial = control.value if not isinstance(control, W.Button) else None
        for attr, value in extremes(control):
            move(control, attr, value)
            render(w, snapshot=False)
            moves += 1
        render(w)
        if initial is not None and not getattr(control, "disabled", False):
            control.value = initial
    for end in (0, -1):  # every control at its minimum together, then at its maximum
        for control in found:
            pairs = extremes(control)
            if pairs and not isinstance(control, W.Button):
                move(control, *pairs[end])
        render(w)
    assert moves >= len(found)
    play = getattr(getattr(w, "ui", None), "play_button", None)
    if play is not None:
        play.value = False  # no play loop left behind (it needs a running event loop anyway)


def test_builders_found_for_every_lecture():
    lectures = {name.split(".")[0] for name, _ in BUILDERS}
    assert lectures == set(LECTURES), f"lectures without a widget builder: {set(LECTURES) - lectures}"
    assert len(BUILDERS) >= 14


def _visible_banners(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts
            if t.get_visible() and widgets.DIVERGED_MESSAGE.split(" — ")[0] in t.get_text()]


# Each builder meets a run that stays finite and one that diverges at the largest rate (the
# check must see both ways: banner shown when diverged, hidden when not).
RUNS = [dict(dataset="xor"), dict(dataset="circles", activation="relu", hidden_layers=4,
                                  neurons=16)]


@pytest.mark.parametrize("builder, clicks", [
    ("playground.playground", True),  # 200 clicks on "step"
    ("regions.playground", False),  # 200 epochs, then one frame (regions are counted per frame)
])
def test_playground_at_the_largest_learning_rate_for_200_steps(builder, clicks):
    from helpers import playground, regions

    fn = {"playground.playground": playground.playground,
          "regions.playground": regions.playground}[builder]
    outcomes = []
    for kwargs in RUNS:
        w = fn(**kwargs)
        ui, pg = w.ui, w.playground
        lr = ui.controls["lr"]
        lr.index = len(lr.options) - 1
        assert pg.lr == max(playground.LEARNING_RATES)
        if clicks:
            for _ in range(200):
                ui.step_button.click()
        else:
            ui.frame(200)
        diverged = not np.isfinite(pg.loss("train"))
        assert pg.diverged == diverged, "the model's divergence flag must match its loss"
        assert ui.state["diverged"] == diverged
        fig = ui.snapshot()
        fig.savefig(io.BytesIO(), format="png", dpi=30)
        assert bool(_visible_banners(fig)) == diverged, (
            f"{builder} {kwargs}: diverged={diverged} but banners {_visible_banners(fig)}")
        if diverged:
            assert "—" in ui.state["info"], "the summary line shows no numbers once diverged"
            ui.reset_button.click()  # a reset brings it back
            assert not pg.diverged and not _visible_banners(ui.snapshot())
        outcomes.append(diverged)
    assert sorted(outcomes) == [False, True], f"runs should cover both outcomes: {outcomes}"


def test_optimizer_playground_at_the_largest_learning_rate():
    from helpers import autodiff
    from helpers.autodiff.interactive import STEPS

    assert STEPS >= 200
    w = autodiff.optimizer_playground()
    c = w.controls
    shown = {True: 0, False: 0}
    for surface in c["surface"].options:
        c["surface"].value = surface
        for optimizer in c["optimizer"].options:
            c["optimizer"].value = optimizer
            c["lr"].value = c["lr"].base ** c["lr"].max
            w.fig.savefig(io.BytesIO(), format="png", dpi=30)
            path = np.column_stack(w.artists["path"].get_data())
            diverged = widgets.is_diverged(path)
            assert w.artists["banner"].get_visible() == diverged, (surface, optimizer)
            if diverged:
                assert w.artists["banner"].get_text() == widgets.DIVERGED_MESSAGE
            shown[diverged] += 1
    assert shown[True] >= 1, "at the largest learning rate some optimiser must diverge"


def test_cliff_playground_at_the_largest_learning_rate():
    from helpers import rnn

    w = rnn.cliff_playground()
    c = w.controls
    c["lr"].value = c["lr"].base ** c["lr"].max
    c["threshold"].value = c["threshold"].base ** c["threshold"].max
    for w0 in (c["w0"].min, c["w0"].max):
        c["w0"].value = w0
        w.fig.savefig(io.BytesIO(), format="png", dpi=30)
        plain = np.column_stack(w.fig.axes[0].lines[0].get_data())
        box = rnn.CLIFF_BOX
        ok = np.isfinite(plain).all(axis=1)
        end = plain[ok][-1]
        outside = not (box[0] <= end[0] <= box[1] and box[2] <= end[1] <= box[3])
        texts = " ".join(t.get_text() for t in w.fig.axes[0].texts) + w.fig.axes[0].get_title()
        if outside or not ok.all():
            assert "thrown" in texts or "nan" in texts or "inf" in texts, texts
