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
                                       (True, TypeError), (2**32, ValueError)])
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
                                      (None, ValueError), (np.array(2.0), ValueError),
                                      ({0: 0, 1: 1, 2: 2, 3: 3}, ValueError),
                                      ([[0, 1], [0]], ValueError), (np.zeros((4, 1)), ValueError)])
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


# -- blitted frames (widgets.Blitter) and the canvas's frame encoder ----------------------------
def _connect(canvas):
    """Do what JupyterLab does when it shows a canvas; return the list of frames it receives."""
    frames = []
    canvas._handle_message(canvas, {"type": "initialized"}, [])
    canvas.send_binary = frames.append
    canvas.draw_idle = lambda: frames.append("draw requested")
    return frames


def _full_draw_pixels(fig):
    """The figure as savefig renders it (every artist, no blitting), RGBA."""
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="rgba", dpi=fig.dpi)
    w, h = fig.canvas.get_width_height(physical=True)
    return np.frombuffer(buf.getvalue(), np.uint8).reshape(h, w, 4)


def _frame_pixels(canvas):
    return np.asarray(canvas.get_renderer().buffer_rgba()).copy()


def _off_pixels(canvas) -> int:
    """Pixels of the last frame more than 8 levels away from a full draw of the same state."""
    frame = _frame_pixels(canvas)
    d = np.abs(frame.astype(int) - _full_draw_pixels(canvas.figure).astype(int)).max(axis=2)
    return int((d > 8).sum())


def _demo_figure():
    """An image under grid lines, a moving line under a legend, a moving title."""
    with mpl.rc_context(plotting.STYLE):
        fig, canvas = widgets.figure(figsize=(4, 3))
        ax = fig.add_subplot()
        im = ax.imshow(np.zeros((8, 8)), extent=(0, 1, 0, 1), vmin=-1, vmax=1, cmap="RdBu_r")
        line, = ax.plot([0, 1], [0, 1], lw=6, color="black", label="a thick line")
        ax.legend(loc="center", framealpha=0.6, fontsize=14)
        ax.grid(True, color="red", alpha=0.8)
        ax.set(xlim=(0, 1), ylim=(0, 1))
    return fig, canvas, ax, im, line


def _move(ax, im, line, t):
    im.set_data(np.sin(t + np.arange(64).reshape(8, 8)))
    line.set_data([0, 1], [t % 1, 1 - t % 1])
    ax.set_title(f"t = {t:.2f}")


def test_blitted_frames_equal_full_draws_in_z_order():
    fig, canvas, ax, im, line = _demo_figure()
    blit = widgets.Blitter(canvas, [im, line, ax.title])
    frames = _connect(canvas)
    for t in (0.1, 0.45, 0.8):
        _move(ax, im, line, t)
        blit()
        # grid lines stay over the image, the legend over the line, as in a full draw
        assert _off_pixels(canvas) == 0
    assert blit.full_draws == 1 and blit.blits == 2
    assert len(frames) == 3 and all(isinstance(f, bytes) for f in frames)


def test_blitter_draws_in_full_after_invalidate_and_on_a_new_size():
    fig, canvas, ax, im, line = _demo_figure()
    blit = widgets.Blitter(canvas, [im, line, ax.title])
    _connect(canvas)
    blit()
    ax.set_ylim(-1, 2)  # static content changed
    blit.invalidate()
    _move(ax, im, line, 0.3)
    blit()
    assert blit.full_draws == 2 and _off_pixels(canvas) == 0
    fig.set_dpi(fig.dpi * 2)  # a HiDPI screen: the browser's device pixel ratio
    _move(ax, im, line, 0.6)
    blit()
    assert blit.full_draws == 3 and _off_pixels(canvas) == 0


def test_blitter_without_a_view_only_asks_for_a_draw():
    fig, canvas, ax, im, line = _demo_figure()
    blit = widgets.Blitter(canvas, [im, line])
    asked = []
    canvas.draw_idle = lambda: asked.append(1)
    blit()  # ipympl still syncs the data url: no browser view yet
    assert asked == [1] and blit.full_draws == 0 and blit.blits == 0


def test_snapshot_after_blitting_shows_every_artist():
    fig, canvas, ax, im, line = _demo_figure()
    blit = widgets.Blitter(canvas, [im, line, ax.title])
    _connect(canvas)
    blit()
    _move(ax, im, line, 0.7)
    blit()
    with_all = _full_draw_pixels(fig)
    line.set_visible(False)
    assert (np.abs(with_all.astype(int) - _full_draw_pixels(fig).astype(int)) > 8).any(), \
        "the animated line is in a saved picture"
    line.set_visible(True)
    blit()
    assert _off_pixels(canvas) == 0, "a savefig in between leaves the next frame right"


def test_every_blitted_frame_is_sent_whole():
    """A browser view that lost its picture must not get a diff (drawn over white it shows only
    the changing artists): every frame is the whole picture, the first and the blitted ones."""
    from io import BytesIO

    from PIL import Image

    fig, canvas, ax, im, line = _demo_figure()
    blit = widgets.Blitter(canvas, [im, line])
    frames = _connect(canvas)
    blit()
    first = np.asarray(Image.open(BytesIO(frames[0])))
    assert np.array_equal(first, _frame_pixels(canvas)), "the first frame is the whole picture"
    before = _frame_pixels(canvas)
    _move(ax, im, line, 0.5)
    blit()
    assert blit.blits == 1, "the second frame was blitted"
    second = np.asarray(Image.open(BytesIO(frames[-1])))
    after = _frame_pixels(canvas)
    changed = (before != after).any(axis=2)
    assert changed.any() and not changed.all()
    assert np.array_equal(second, after), "unchanged pixels are sent too (a full frame)"


def _widget_cases():
    """Every matplotlib widget of the course, with three control changes each."""
    from helpers import attention, autodiff, conv, ebm, perceptron, rnn, uat
    from helpers.attention.models import TinyTransformer

    def model():
        torch.manual_seed(0)
        return TinyTransformer(length=8).eval()

    return {
        "perceptron.playground": (perceptron.playground, [("b", 6.0), ("norm", 0.0), ("angle", 200)]),
        "perceptron.stepper": (perceptron.stepper, [("k", 1), ("k", 3), ("k", 2)]),
        "uat.playground": (uat.playground, [("units", 3), ("target", "abs"), ("shown", 1)]),
        "conv.playground": (conv.playground, [("dx", 5), ("boundary", "zero"), ("kernel", "laplacian")]),
        "conv.pooling_playground": (conv.pooling_playground, [("shift", 3), ("k", 3), ("shift", 15)]),
        "rnn.jacobian_playground": (rnn.jacobian_playground, [("radius", 1.5), ("input_scale", 3.0),
                                                              ("nonlinearity", "linear")]),
        "rnn.cliff_playground": (rnn.cliff_playground, [("b0", -2.0), ("lr", 1.0), ("threshold", 0.01)]),
        "attention.attention_viewer": (lambda: attention.attention_viewer(model()),
                                       [("query", 5), ("text", "12345678"), ("text", "123")]),
        "attention.query_key_playground": (attention.query_key_playground,
                                           [("qx", -3.0), ("temperature", 0.05), ("qy", 3.0)]),
        "autodiff.stepper": (autodiff.stepper, [("k", 3), ("k", 7), ("k", 1)]),
        "autodiff.optimizer_playground": (autodiff.optimizer_playground,
                                          [("lr", 3.0), ("x0", -3.0), ("surface", "saddle")]),
        "ebm.playground": (ebm.playground, [("beta", 0.01), ("beta", 1000.0), ("beta", 3.0)]),
    }


@pytest.mark.parametrize("name", list(_widget_cases()))
def test_every_widget_blits_frames_that_equal_a_full_draw(name):
    """Each control change sends one finished frame at once (no draw request left to a
    browser round trip), and that frame shows what a full draw of the same state shows."""
    build, changes = _widget_cases()[name]
    with mpl.rc_context(plotting.STYLE):
        ui = build()
        frames = _connect(ui.canvas)
        ui.blitter()  # the view's first, full frame
        for control, value in changes:
            sent = len(frames)
            ui.controls[control].value = value
            new = frames[sent:]
            assert new and all(isinstance(f, bytes) for f in new), (control, value, new)
            assert _off_pixels(ui.canvas) == 0, (control, value)
    assert ui.blitter.blits >= 1, "at least one change is blitted, not drawn in full"


def test_blitter_rejects_artists_outside_axes():
    fig, canvas, ax, im, line = _demo_figure()
    with pytest.raises(ValueError, match="artists must belong to an Axes"):
        widgets.Blitter(canvas, [im, fig.suptitle("no axes")])


# -- the widget plumbing checks what the builders give it (issue 15: bad input, fuzzed) ----------
@pytest.mark.parametrize("figsize, toolbar, err, name", [
    ((6, 4, 1), False, ValueError, "figsize"), ((6, 1e9), False, ValueError, "figsize"),
    ((0, 4), False, ValueError, "figsize"), (None, False, TypeError, "figsize"),
    ((6, 4), None, TypeError, "toolbar")])
def test_figure_rejects_bad_sizes_and_toolbar(figsize, toolbar, err, name):
    with pytest.raises(err, match=rf"^{name} must"):
        widgets.figure(figsize=figsize, toolbar=toolbar)


def test_panel_on_change_and_live_panel_take_widgets_and_a_function():
    import ipywidgets as W

    s = W.IntSlider()
    fig, canvas = widgets.figure(figsize=(2, 2))
    for call, name in [(lambda: widgets.panel(None), "controls"),
                       (lambda: widgets.panel([s, 3]), "controls"),
                       (lambda: widgets.panel([s], "not a view"), "views"),
                       (lambda: widgets.panel([s], canvas, title=3), "title"),
                       (lambda: widgets.on_change(s, print), "controls"),
                       (lambda: widgets.on_change([s], None), "update"),
                       (lambda: widgets.live_panel([s], canvas, print, title="t"), "controls"),
                       (lambda: widgets.live_panel({"s": s}, fig, print, title="t"), "canvas"),
                       (lambda: widgets.live_panel({"s": s}, canvas, print, title="t", fig=canvas),
                        "fig")]:
        with pytest.raises(TypeError, match=rf"^{name} must"):
            call()
    widgets.on_change((c for c in [s]), print)  # any iterable of widgets, as the lectures pass


def test_blitter_rejects_what_is_not_a_canvas_or_artists():
    fig, canvas, ax, im, line = _demo_figure()
    for args, name in [((ax, [im]), "canvas"), ((None,), "canvas"), ((canvas, ax), "artists"),
                       ((canvas, np.zeros(3)), "artists"), ((canvas, [im, "line"]), "artists")]:
        with pytest.raises(TypeError, match=rf"^{name} must"):
            widgets.Blitter(*args)
    assert widgets.Blitter(canvas, [im, None]).artists == [im]  # None entries are skipped
