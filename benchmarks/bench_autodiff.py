"""Lecture 05 speed target: one training step of an MLP 64→128→128→10 on a batch of 256
(forward + cross-entropy + backward + Adam) with the course's engine within 3× of torch on CPU.

For contrast, the same step with a tiny scalar engine in the style of micrograd (one Python
object per number, written below): it is timed on a few examples and scaled to the batch of 256
(its cost is linear in the batch size; the printout shows the measured per-example time).

Both numpy and torch run on one thread (tiny matrices; on a shared machine threads only wait).
Usage: python benchmarks/bench_autodiff.py [--repeat N]. Prints timings; asserts nothing.
"""

import argparse
import math
import random
import time

import numpy as np
import torch

from helpers import autodiff
from helpers.autodiff.blas import one_thread
from timing import median_ms  # benchmarks/timing.py

TARGET_RATIO = 3.0
SIZES, BATCH = (64, 128, 128, 10), 256


def engine_step(dtype):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(BATCH, SIZES[0])), rng.integers(0, SIZES[-1], BATCH)
    model = autodiff.MLP(SIZES, dtype=dtype)
    opt = autodiff.Adam(model.params, lr=1e-3)
    Xt = autodiff.Tensor(X, dtype=dtype)

    def step():
        opt.zero_grad()
        autodiff.cross_entropy(model(Xt), y).backward()
        opt.step()
    return step


def torch_step(dtype):
    torch.manual_seed(0)
    layers = []
    for k, (a, b) in enumerate(zip(SIZES[:-1], SIZES[1:])):
        layers += [torch.nn.Linear(a, b, dtype=dtype)] + ([torch.nn.ReLU()] if k < 2 else [])
    net = torch.nn.Sequential(*layers)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    X, y = torch.randn(BATCH, SIZES[0], dtype=dtype), torch.randint(0, SIZES[-1], (BATCH,))

    def step():
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net(X), y).backward()
        opt.step()
    return step


# --------------------------------------------------------------------------- a scalar engine
class Value:
    """micrograd's idea: one number, its gradient, and how it was made."""

    __slots__ = ("data", "grad", "_prev", "_back")

    def __init__(self, data, prev=(), back=None):
        self.data, self.grad, self._prev, self._back = data, 0.0, prev, back

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other))

        def back():
            self.grad += out.grad
            other.grad += out.grad
        out._back = back
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other))

        def back():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._back = back
        return out

    def relu(self):
        out = Value(max(self.data, 0.0), (self,))

        def back():
            self.grad += (out.data > 0) * out.grad
        out._back = back
        return out

    def exp(self):
        out = Value(math.exp(self.data), (self,))

        def back():
            self.grad += out.data * out.grad
        out._back = back
        return out

    def log(self):
        out = Value(math.log(self.data), (self,))

        def back():
            self.grad += out.grad / self.data
        out._back = back
        return out

    def backward(self):
        order, seen, stack = [], set(), [(self, False)]  # iterative: graphs are huge here
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
            elif id(node) not in seen:
                seen.add(id(node))
                stack.append((node, True))
                stack.extend((p, False) for p in node._prev)
        self.grad = 1.0
        for node in reversed(order):
            if node._back:
                node._back()


def scalar_step(n_examples: int):
    """One step of the same MLP on ``n_examples`` examples with the scalar engine + Adam."""
    random.seed(0)
    layers = [[[Value(random.gauss(0, math.sqrt(2 / a))) for _ in range(a)] + [Value(0.0)]
               for _ in range(b)] for a, b in zip(SIZES[:-1], SIZES[1:])]
    params = [p for layer in layers for neuron in layer for p in neuron]
    m, v = [0.0] * len(params), [0.0] * len(params)
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(n_examples, SIZES[0])).tolist(), rng.integers(0, SIZES[-1], n_examples)

    def step():
        loss = Value(0.0)
        for x, target in zip(X, y):
            h = [Value(xi) for xi in x]
            for k, layer in enumerate(layers):
                h = [sum((w * hi for w, hi in zip(neuron[:-1], h)), neuron[-1]) for neuron in layer]
                h = [hi.relu() for hi in h] if k < len(layers) - 1 else h
            log_z = sum((hi.exp() for hi in h), Value(0.0)).log()  # no max shift: small logits
            loss = loss + (log_z + h[target] * -1.0) * (1.0 / n_examples)
        for p in params:
            p.grad = 0.0
        loss.backward()
        for i, p in enumerate(params):  # Adam, t = 1
            m[i] = 0.1 * p.grad
            v[i] = 0.001 * p.grad**2
            p.data -= 1e-3 / 0.1 * m[i] / (math.sqrt(v[i]) / math.sqrt(0.001) + 1e-8)
    return step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(f"one training step, MLP {'→'.join(map(str, SIZES))}, batch {BATCH}, Adam "
          f"(target: engine <= {TARGET_RATIO:.0f}x torch)")
    with one_thread():
        for name, np_dtype, t_dtype in (("float32", np.float32, torch.float32),
                                        ("float64", np.float64, torch.float64)):
            ours = median_ms(engine_step(np_dtype), args.repeat)
            ref = median_ms(torch_step(t_dtype), args.repeat)
            verdict = "ok" if ours / ref <= TARGET_RATIO else "SLOW"
            print(f"{name}: engine {ours:7.2f} ms   torch {ref:7.2f} ms   ratio {ours / ref:5.2f}  "
                  f"{verdict}", flush=True)
        n = 2
        start = time.perf_counter()
        scalar_step(n)()
        per_example = (time.perf_counter() - start) / n
        print(f"scalar engine (micrograd style): {1000 * per_example:.0f} ms per example, "
              f"≈ {per_example * BATCH:.1f} s for the batch of {BATCH} "
              f"(≈ {1000 * per_example * BATCH / ours:.0f}x the engine in float64)", flush=True)


if __name__ == "__main__":
    main()
