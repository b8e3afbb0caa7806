"""The playground's live view: the browser paints each frame from a few kilobytes of numbers.

A matplotlib frame costs ~60 ms of rendering and PNG encoding in the kernel, twice the whole
budget of a 30 frames/s animation. Here the kernel sends, per frame, the heatmap as R*R bytes
(:func:`helpers.playground.view.encode_heatmap`), the new loss values and one line of text; a
small script (below, run by ``anywidget``) paints the heatmap, the decision boundary (marching
squares on the same bytes), the points and the loss curves on an HTML canvas, then acknowledges
the frame. The play loop keeps at most one frame in flight (:meth:`LiveView.caught_up`), so a
slow browser slows the animation instead of queuing frames. Static figures stay matplotlib
(:mod:`helpers.playground.view`).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import anywidget
import numpy as np
import traitlets

from helpers import plotting, validate
from helpers.playground import view
from helpers.playground.model import Playground

SIZE = (880, 380)  # CSS pixels of the canvas

_ESM = r"""
const FONT = "14px sans-serif", BIG = "15px sans-serif";
const MAP = {x: 62, y: 34, w: 350, h: 290}, LOSS = {x: 520, y: 34, w: 345, h: 290};

function niceTicks(lo, hi, n) {
  const span = hi - lo; if (!(span > 0)) return [lo];
  const raw = span / n, mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map(s => s * mag).find(s => s >= raw) || 10 * mag;
  const out = []; for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + 1e-9 * step; t += step) out.push(t);
  return out;
}
function fmt(t) { const a = Math.abs(t); return a === 0 ? "0" : (a >= 1e4 || a < 1e-3) ? t.toExponential(0) : +t.toPrecision(4) + ""; }

function axes(ctx, r, xr, yr, xt, yt, xlabel, ylabel) {
  ctx.strokeStyle = "#333"; ctx.lineWidth = 1; ctx.strokeRect(r.x, r.y, r.w, r.h);
  ctx.fillStyle = "#222"; ctx.font = FONT; ctx.textAlign = "center"; ctx.textBaseline = "top";
  for (const t of xt) { const px = r.x + (t - xr[0]) / (xr[1] - xr[0]) * r.w;
    ctx.beginPath(); ctx.moveTo(px, r.y + r.h); ctx.lineTo(px, r.y + r.h + 4); ctx.stroke();
    ctx.fillText(fmt(t), px, r.y + r.h + 6); }
  ctx.textAlign = "right"; ctx.textBaseline = "middle";
  for (const t of yt) { const py = r.y + r.h - (t - yr[0]) / (yr[1] - yr[0]) * r.h;
    ctx.beginPath(); ctx.moveTo(r.x - 4, py); ctx.lineTo(r.x, py); ctx.stroke();
    ctx.fillText(fmt(t), r.x - 6, py); }
  ctx.font = BIG; ctx.textAlign = "center"; ctx.textBaseline = "top";
  ctx.fillText(xlabel, r.x + r.w / 2, r.y + r.h + 24);
  ctx.save(); ctx.translate(r.x - 46, r.y + r.h / 2); ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = "bottom"; ctx.fillText(ylabel, 0, 0); ctx.restore();
}

function contour(ctx, q, R) {  // marching squares at 127.5 on the R x R bytes (rows top down)
  const L = 127.5, sx = MAP.w / (R - 1), sy = MAP.h / (R - 1);
  ctx.beginPath();
  for (let i = 0; i < R - 1; i++) for (let j = 0; j < R - 1; j++) {
    const a = q[i * R + j], b = q[i * R + j + 1], c = q[(i + 1) * R + j + 1], d = q[(i + 1) * R + j];
    const p = [];
    if ((a - L) * (b - L) < 0) p.push([j + (L - a) / (b - a), i]);
    if ((b - L) * (c - L) < 0) p.push([j + 1, i + (L - b) / (c - b)]);
    if ((d - L) * (c - L) < 0) p.push([j + (L - d) / (c - d), i + 1]);
    if ((a - L) * (d - L) < 0) p.push([j, i + (L - a) / (d - a)]);
    for (let k = 0; k + 1 < p.length; k += 2) {
      ctx.moveTo(MAP.x + p[k][0] * sx, MAP.y + p[k][1] * sy);
      ctx.lineTo(MAP.x + p[k + 1][0] * sx, MAP.y + p[k + 1][1] * sy); }
  }
  ctx.strokeStyle = "#000"; ctx.lineWidth = 1.4; ctx.stroke();
}

function textBox(ctx, text, x, y, align, color, font) {
  const lines = text.split("\n"); ctx.font = font;
  const w = Math.max(...lines.map(s => ctx.measureText(s).width)) + 12, h = 19 * lines.length + 6;
  const left = align === "center" ? x - w / 2 : x, top = align === "center" ? y - h / 2 : y;
  ctx.fillStyle = "rgba(255,255,255,0.9)"; ctx.strokeStyle = color; ctx.lineWidth = 1.2;
  ctx.beginPath(); ctx.roundRect ? ctx.roundRect(left, top, w, h, 5) : ctx.rect(left, top, w, h);
  ctx.fill(); ctx.stroke(); ctx.fillStyle = color; ctx.textAlign = "left"; ctx.textBaseline = "top";
  lines.forEach((s, k) => ctx.fillText(s, left + 6, top + 4 + 19 * k));
}

function render({ model, el }) {
  const [W, H] = model.get("size"), dpr = window.devicePixelRatio || 1;
  const canvas = document.createElement("canvas");
  canvas.width = W * dpr; canvas.height = H * dpr;
  canvas.style.width = W + "px"; canvas.style.height = H + "px"; canvas.style.background = "white";
  el.appendChild(canvas);
  const ctx = canvas.getContext("2d");
  const heat = document.createElement("canvas"), layerCanvas = document.createElement("canvas");
  const s = { q: null, R: 0, layer: null, train: [], test: [], info: "", diverged: false,
              banner: "", epoch: 0, frame: 0, acked: 0, pending: false };

  function paintImage(target, bytes, R, colours) {  // colours(byte) -> [r, g, b, a]
    target.width = R; target.height = R;
    const c = target.getContext("2d"), img = c.createImageData(R, R);
    for (let k = 0; k < R * R; k++) { const rgba = colours(bytes[k]);
      img.data[4 * k] = rgba[0]; img.data[4 * k + 1] = rgba[1]; img.data[4 * k + 2] = rgba[2]; img.data[4 * k + 3] = rgba[3]; }
    c.putImageData(img, 0, 0);
  }

  function paint() {
    s.pending = false;
    const scene = model.get("scene"); if (!scene.box) return;
    const [x0, x1, y0, y1] = scene.box;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0); ctx.fillStyle = "white"; ctx.fillRect(0, 0, W, H);
    if (s.R) { ctx.imageSmoothingEnabled = true; ctx.drawImage(heat, MAP.x, MAP.y, MAP.w, MAP.h); }
    if (s.layer && s.layer.R) { ctx.imageSmoothingEnabled = false; ctx.drawImage(layerCanvas, MAP.x, MAP.y, MAP.w, MAP.h); }
    if (s.q && !s.diverged) contour(ctx, s.q, s.R);
    const px = x => MAP.x + (x - x0) / (x1 - x0) * MAP.w, py = y => MAP.y + (1 - (y - y0) / (y1 - y0)) * MAP.h;
    for (const [x, y, c] of scene.test) { ctx.beginPath(); ctx.arc(px(x), py(y), 4, 0, 2 * Math.PI);
      ctx.strokeStyle = scene.colours[c]; ctx.lineWidth = 1.6; ctx.stroke(); }
    for (const [x, y, c] of scene.train) { ctx.beginPath(); ctx.arc(px(x), py(y), 4.2, 0, 2 * Math.PI);
      ctx.fillStyle = scene.colours[c]; ctx.fill(); ctx.strokeStyle = "white"; ctx.lineWidth = 0.6; ctx.stroke(); }
    axes(ctx, MAP, [x0, x1], [y0, y1], scene.xticks, scene.yticks, "x\u2081", "x\u2082");
    if (s.layer && s.layer.text) textBox(ctx, s.layer.text, MAP.x + 6, MAP.y + 6, "left", "#222", FONT);
    // loss curves
    const n = s.train.length, xmax = Math.max(10, n - 1);
    const finite = s.train.concat(s.test).filter(Number.isFinite), top = finite.length ? Math.max(...finite) : 1;
    const ymax = top > 0 ? 1.08 * top : 1;
    const lx = e => LOSS.x + e / xmax * LOSS.w, ly = v => LOSS.y + LOSS.h - Math.min(v, ymax) / ymax * LOSS.h;
    const stride = Math.max(1, Math.ceil(n / 1500));
    ctx.save(); ctx.beginPath(); ctx.rect(LOSS.x, LOSS.y, LOSS.w, LOSS.h); ctx.clip();
    [[s.train, scene.loss_colours[0], []], [s.test, scene.loss_colours[1], [6, 4]]].forEach(([v, col, dash]) => {
      ctx.beginPath(); ctx.setLineDash(dash); ctx.strokeStyle = col; ctx.lineWidth = 1.6; let started = false;
      for (let e = 0; e < v.length; e += (e + stride < v.length ? stride : Math.max(1, v.length - 1 - e))) {
        if (!Number.isFinite(v[e])) { started = false; continue; }
        if (started) ctx.lineTo(lx(e), ly(v[e])); else { ctx.moveTo(lx(e), ly(v[e])); started = true; } }
      ctx.stroke(); ctx.setLineDash([]);
      const last = v.length - 1; if (last >= 0 && Number.isFinite(v[last])) { ctx.beginPath();
        ctx.arc(lx(last), ly(v[last]), 3.5, 0, 2 * Math.PI); ctx.fillStyle = col; ctx.fill(); } });
    ctx.restore();
    axes(ctx, LOSS, [0, xmax], [0, ymax], niceTicks(0, xmax, 5), niceTicks(0, ymax, 5), "epoch", "mean logistic loss");
    ctx.font = FONT; ctx.textBaseline = "middle"; ctx.textAlign = "left";  // legend
    [["train loss", scene.loss_colours[0], []], ["test loss", scene.loss_colours[1], [6, 4]]].forEach(([t, col, dash], k) => {
      const yy = LOSS.y + 14 + 20 * k, xx = LOSS.x + LOSS.w - 120;
      ctx.beginPath(); ctx.setLineDash(dash); ctx.strokeStyle = col; ctx.moveTo(xx, yy); ctx.lineTo(xx + 28, yy); ctx.stroke();
      ctx.setLineDash([]); ctx.fillStyle = "#222"; ctx.fillText(t, xx + 34, yy); });
    ctx.font = BIG; ctx.textAlign = "center"; ctx.textBaseline = "top"; ctx.fillStyle = "#111";
    ctx.fillText(s.info, W / 2, 6);
    if (s.diverged) textBox(ctx, s.banner, MAP.x + MAP.w / 2, MAP.y + MAP.h / 2, "center", "#D55E00", "bold 16px sans-serif");
    if (s.frame > s.acked) { s.acked = s.frame; model.send({ type: "ack", frame: s.frame }); }
  }
  const schedule = () => { if (!s.pending) { s.pending = true; requestAnimationFrame(paint); } };

  model.on("msg:custom", (msg, buffers) => {
    if (msg.type !== "frame") return;
    const bytes = k => { const b = buffers[k]; return new Uint8Array(b.buffer, b.byteOffset, b.byteLength); };
    if (msg.loss_start === 0) { s.train = []; s.test = []; }
    s.train.length = Math.min(s.train.length, msg.loss_start); s.test.length = Math.min(s.test.length, msg.loss_start);
    s.train.push(...msg.train.map(v => v === null ? NaN : v)); s.test.push(...msg.test.map(v => v === null ? NaN : v));
    s.info = msg.info; s.diverged = msg.diverged; s.banner = msg.banner; s.frame = msg.frame;
    const lut = model.get("scene").lut;
    if (msg.R) { s.q = bytes(0).slice(); s.R = msg.R;
      paintImage(heat, s.q, s.R, v => [lut[v][0], lut[v][1], lut[v][2], 255]); }
    const L = msg.layer;
    if (L && L.R) paintImage(layerCanvas, bytes(1), L.R, v => v === 255 ? [0, 0, 0, 0] : L.palette[v]);
    s.layer = L ? { R: L.R || 0, text: L.text || "" } : null;
    schedule();
  });
  model.on("change:scene", schedule);
  model.send({ type: "ready" });
  schedule();
}
export default { render };
"""


class LiveView(anywidget.AnyWidget):
    """The live picture of a :class:`Playground` (heatmap, boundary, points, loss curves),
    painted in the browser from frames sent by :meth:`show`.

    ``scene`` (synced once per reset) holds the box, ticks, points and colours; each frame is a
    custom message with the heatmap bytes. ``frames_sent``/``frames_acked`` count the frames;
    ``ready`` turns True when a browser view has started.
    """

    _esm = _ESM
    scene = traitlets.Dict().tag(sync=True)
    size = traitlets.List([*SIZE]).tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.frames_sent = 0
        self.frames_acked = 0
        self.ready = False
        self.last_frame: dict | None = None  # the content of the last frame (tests read it)
        self.last_buffers: list[bytes] = []  # and its buffers
        self._loss_sent = 0  # how many loss values every view already holds
        self.on_msg(self._on_msg)

    def _on_msg(self, _widget, content: dict, _buffers) -> None:
        if content.get("type") == "ready":  # a new view: send it the whole history next time
            self.ready = True
            self._loss_sent = 0
            self.frames_acked = self.frames_sent
        elif content.get("type") == "ack":
            self.frames_acked = max(self.frames_acked, int(content.get("frame", 0)))

    def set_scene(self, pg: Playground) -> None:
        """Points, box, ticks and colours of ``pg`` (after a reset); the loss history restarts."""
        box = [float(v) for v in pg.box]
        pts = {split: [[float(x), float(y), int(c)] for (x, y), c in zip(X, Y)]
               for split, X, Y in (("train", pg.X_train, pg.y_train),
                                   ("test", pg.X_test, pg.y_test))}
        self._loss_sent = 0
        self.scene = dict(box=box, xticks=view.ticks(box[0], box[1]),
                          yticks=view.ticks(box[2], box[3]), lut=view.colour_table(),
                          colours={str(c): plotting.CLASS_COLORS[c] for c in (-1, 1)},
                          loss_colours=[plotting.PALETTE["black"], plotting.PALETTE["vermillion"]],
                          **pts)

    def show(self, pg: Playground, state: dict, layer: dict | None = None,
             layer_bytes: bytes = b"") -> dict:
        """Send one frame: ``state`` from :func:`view.frame_state` (the heatmap is left as it
        was when diverged), the loss values the views lack, and an optional overlay ``layer``
        (``{"R", "palette", "text"}`` with ``layer_bytes``: R*R palette indices, 255 = none)."""
        start = self._loss_sent
        tail = {split: [v if np.isfinite(v) else None for v in pg.history[split][start:]]
                for split in ("train", "test")}
        self.frames_sent += 1
        heat = b"" if state["diverged"] else view.encode_heatmap(state["colour"])
        content = dict(type="frame", frame=self.frames_sent, loss_start=start,
                       R=0 if state["diverged"] else len(state["xs"]), info=state["info"],
                       diverged=bool(state["diverged"]), banner=view.widgets.DIVERGED_MESSAGE,
                       layer=layer, **tail)
        self.send(content, buffers=[heat, layer_bytes])
        self._loss_sent = len(pg.history["train"])
        self.last_frame, self.last_buffers = content, [heat, layer_bytes]
        return content

    async def caught_up(self, timeout: float = 0.25, in_flight: int = 1) -> bool:
        """Wait (yielding to the event loop) until at most ``in_flight`` frames are not yet
        acknowledged by the browser, or ``timeout`` seconds; True if caught up. Returns at once
        when no browser view has started (a script, a test, nbconvert)."""
        timeout = validate.real(timeout, "timeout", min=0.0)
        end = time.monotonic() + timeout
        while self.ready and self.frames_sent - self.frames_acked > in_flight:
            if time.monotonic() >= end:
                return False
            await asyncio.sleep(0.002)
        return True
