"""Widget updates of lecture 07, timed by benchmarks/widget_latency.py (target p95 < 100 ms).

Each case moves one control (the value depends on i), which runs the update (attention maps
of the trained transformer, or the softmax of the 2-D query), and the benchmark finishes the frame.
"""

from helpers import attention

_state = {}


def _viewer():
    if "viewer" not in _state:
        model = attention.train_toy("reverse", "transformer", steps=150, seed=0).model
        _state["viewer"] = attention.attention_viewer(model)
    return _state["viewer"]


def _query_key():
    if "qk" not in _state:
        _state["qk"] = attention.query_key_playground()
    return _state["qk"]


def viewer_query(i: int) -> None:
    w = _viewer()
    w.controls["query"].value = i % 8


def viewer_layer_head(i: int) -> None:
    w = _viewer()
    name = "layer" if i % 2 else "head"  # one control per update, alternately
    w.controls[name].value = (i // 2) % 2


def viewer_text(i: int) -> None:
    w = _viewer()
    w.controls["text"].value = f"{(31415926 + 7919 * i) % 10**8:08d}"


def query_slider(i: int) -> None:
    w = _query_key()
    w.controls["qx"].value = round(-3 + 0.1 * (i % 61), 1)


def temperature_slider(i: int) -> None:
    w = _query_key()
    w.controls["temperature"].value = round(0.05 + 0.05 * (i % 99), 2)


CASES = {
    "attention viewer: query position": viewer_query,
    "attention viewer: layer + head": viewer_layer_head,
    "attention viewer: typed digits": viewer_text,
    "query/key: query x slider": query_slider,
    "query/key: temperature": temperature_slider,
}
