"""helpers.plotting and helpers.widgets: style, seeding, grids, banner and throttled redraws."""

import asyncio

import matplotlib as mpl
import numpy as np
import pytest
import torch

from helpers import plotting, widgets


def test_setup_applies_white_projector_style_and_seeds():
    plotting.setup(seed=7)
    assert mpl.rcParams["figure.facecolor"] == "white"
    assert mpl.rcParams["font.size"] >= 11 and mpl.rcParams["xtick.labelsize"] >= 11
    a, t = np.random.rand(), torch.rand(1)
    plotting.setup(seed=7)
    assert a == np.random.rand() and torch.equal(t, torch.rand(1))


@pytest.mark.parametrize("seed, err", [(-1, ValueError), (1.5, TypeError), ("0", TypeError),
                                       (True, TypeError)])
def test_setup_rejects_bad_seed(seed, err):
    with pytest.raises(err, match="^seed must"):
        plotting.setup(seed)


def test_grid_is_row_major_over_the_box():
    xs, ys, XY = plotting.grid((0, 1, -2, 2), resolution=5)
    assert XY.shape == (25, 2)
    np.testing.assert_allclose(XY[:5, 1], -2)  # first row: lowest y
    np.testing.assert_allclose(XY[:5, 0], xs)
    with pytest.raises(ValueError, match="box"):
        plotting.grid((1, 0, 0, 1))
    with pytest.raises(ValueError, match="resolution"):
        plotting.grid((0, 1, 0, 1), resolution=1)


def test_decision_boundary_image_has_score_sign():
    fig, _ = widgets.figure()
    ax = fig.add_subplot()
    im = plotting.decision_boundary(ax, lambda XY: XY[:, 0], (-1, 1, -1, 1), resolution=20)
    Z = np.asarray(im.get_array())
    assert Z.shape == (20, 20) and np.all(Z[:, 0] < 0) and np.all(Z[:, -1] > 0)


def test_palette_is_not_jet_and_classes_differ():
    assert plotting.CLASS_COLORS[-1] != plotting.CLASS_COLORS[1]
    assert mpl.rcParams["image.cmap"] != "jet" or plotting.setup() is not None


def test_banner_shows_and_hides():
    fig, cv = widgets.figure()
    ax = fig.add_subplot()
    b = widgets.banner(ax)
    assert not b.get_visible() and b.get_text() == widgets.DIVERGED_MESSAGE
    widgets.set_banner(b, True, "boom")
    assert b.get_visible() and b.get_text() == "boom"
    cv.draw()


def test_is_diverged():
    assert not widgets.is_diverged(1.0, np.ones(3), [])
    assert widgets.is_diverged(np.array([1.0, np.inf]))
    assert widgets.is_diverged(float("nan"))


def test_figure_rejects_non_figures():
    with pytest.raises(TypeError, match="fig"):
        widgets.canvas("not a figure")


def test_throttled_calls_through_without_event_loop():
    calls = []
    f = widgets.throttled(calls.append, interval=10.0)
    f(1), f(2), f(3)
    assert calls == [1, 2, 3]


def test_throttled_in_event_loop_keeps_the_last_value():
    calls = []

    async def main():
        f = widgets.throttled(calls.append, interval=0.05)
        for v in range(10):
            f(v)
        await asyncio.sleep(0.2)

    asyncio.run(main())
    assert calls[0] == 0 and calls[-1] == 9 and len(calls) < 10


def test_widget_canvas_leaves_pyplot_backend_alone():
    import subprocess
    import sys

    code = ("import matplotlib; matplotlib.use('Agg'); from helpers import widgets; "
            "widgets.figure(); print(matplotlib.get_backend())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().lower() == "agg"


@pytest.mark.parametrize("box, err", [((0, 1, 0), ValueError), ((0, 1, 1, 0), ValueError),
                                      ((0, np.inf, 0, 1), ValueError), (("a", 1, 0, 1), TypeError),
                                      (None, ValueError)])
def test_check_box_rejects_bad_boxes(box, err):
    with pytest.raises(err, match="box"):
        plotting.check_box(box)
    assert plotting.check_box((0, 1, -1, 2)) == (0.0, 1.0, -1.0, 2.0)


def test_on_change_redraws_for_every_control():
    import ipywidgets as W

    a, b = W.IntSlider(value=0), W.Dropdown(options=["x", "y"], value="x")
    seen = []
    widgets.on_change([a, b], lambda change=None: seen.append((a.value, b.value)))
    a.value = 3
    b.value = "y"
    assert seen == [(3, "x"), (3, "y")]


def test_live_panel_draws_once_wires_every_control_and_keeps_what_tests_drive():
    import ipywidgets as W

    c = {"a": W.IntSlider(value=0), "b": W.Dropdown(options=["x", "y"], value="x")}
    fig, canvas = widgets.figure(figsize=(2, 2))
    seen = []

    def update(change=None):
        seen.append((c["a"].value, c["b"].value))

    top = widgets.live_panel(c, canvas, update, title="demo", fig=fig)
    assert seen == [(0, "x")], "drawn once when built"
    c["a"].value = 2
    c["b"].value = "y"
    assert seen == [(0, "x"), (2, "x"), (2, "y")]
    assert top.update is update and top.controls is c and top.canvas is canvas and top.fig is fig
    assert "demo" in top.children[0].value
