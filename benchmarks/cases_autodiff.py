"""Widget updates of lecture 05 (backprop), timed by benchmarks/widget_latency.py.

Each case moves one control of a widget (pure update + artist update);
the benchmark finishes the frame (widget_latency.py).
"""

from functools import lru_cache

from helpers import autodiff


@lru_cache(maxsize=None)
def _stepper():
    return autodiff.stepper("neuron: o = tanh(x₁w₁ + x₂w₂ + b)")


@lru_cache(maxsize=None)
def _optimizers():
    return autodiff.optimizer_playground()


def stepper_k(i: int) -> None:
    ui = _stepper()
    ui.controls["k"].value = i % (ui.controls["k"].max + 1)


def optimizer_lr(i: int) -> None:
    ui = _optimizers()
    ui.controls["lr"].value = 10 ** (-3 + 2.6 * ((7 * i) % 20) / 20)  # includes divergence


def optimizer_start(i: int) -> None:
    ui = _optimizers()
    ui.controls["x0"].value = -4.5 + 0.45 * (i % 20)


def optimizer_rosenbrock_adam(i: int) -> None:
    ui = _optimizers()
    if ui.controls["surface"].value != "Rosenbrock":
        ui.controls["surface"].value = "Rosenbrock"
        ui.controls["optimizer"].value = "Adam"
    ui.controls["momentum"].value = round(0.5 + 0.02 * (i % 25), 2)


CASES = {"stepper step": stepper_k, "optimiser lr": optimizer_lr,
         "optimiser start": optimizer_start, "optimiser Rosenbrock/Adam β₁": optimizer_rosenbrock_adam}
