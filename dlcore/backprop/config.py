"""The backpropagation page's one shareable config (URL round-trip via dlcore.config),
pages/backprop.py.

The two live panels train on configs of their own (``WalkConfig``, ``NetConfig``), built from
this one, so that a change in one view never rebuilds the other view's trainer.
"""

from __future__ import annotations

from dataclasses import dataclass

from dlcore.backprop.expr import MAX_CHARS
from dlcore.config import choice, floats, num, text

VIEWS = ("graph", "network", "depth", "softmax", "cost")
DEFAULT_EXPR = "(a*b + c) * tanh(d)"
DEFAULT_VALUES = "a = 2, b = -3, c = 10, d = 0.5"
ACTIVATIONS = ("sigmoid", "tanh", "relu")
INITS = ("ladder", "random")
NET_SPEEDS = ("slow", "medium", "fast")
FD_KINDS = ("central", "forward")
ETAS = (0.01, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)
LABELS = {
    "graph": "Expression graph",
    "network": "The lecture's network",
    "depth": "Why depth hurts",
    "softmax": "Softmax and cross-entropy",
    "cost": "Cost of reverse mode",
    "sigmoid": "Sigmoid σ",
    "tanh": "tanh",
    "relu": "ReLU",
    "ladder": "Worked example (0.15, 0.20, 0.25, …)",
    "random": "Random (seeded)",
    "slow": "2 steps a second",
    "medium": "20 steps a second",
    "fast": "As fast as it trains",
    "central": "Central: 2n forward passes",
    "forward": "Forward: n + 1 forward passes",
}
H_HELP = (
    "Finite differences estimate df/dx as (f(x + h) − f(x − h)) / 2h. Too large an h has "
    "truncation error (of order h²), too small an h has rounding error (of order 10⁻¹⁶/h): "
    "try 1e-2 and 1e-10 and watch the difference to backprop grow."
)
EXPR_HELP = (
    "Names (a letter, then letters, digits or _), numbers, + − * / and ^ or ** for powers, "
    "and exp, log, tanh, sigmoid, relu, max(a, b), sin. Press Enter to draw."
)


@dataclass(frozen=True)
class BackpropConfig:
    view: str = choice("graph", VIEWS, live=True, label="View")
    # expression graph and its backward pass
    expr: str = text(DEFAULT_EXPR, max_len=MAX_CHARS, label="Expression f", help=EXPR_HELP)
    values: str = text(DEFAULT_VALUES, max_len=400, label="Input values")
    speed: float = num(
        2.0, options=(0.5, 1.0, 2.0, 4.0), live=True, label="Play speed (nodes per second)"
    )
    h: float = num(
        1e-6,
        options=(1e-2, 1e-4, 1e-6, 1e-8, 1e-10),
        live=True,
        label="Finite-difference step h",
        help=H_HELP,
    )
    # the lecture's two-layer sigmoid network
    x: tuple = floats(
        (0.05, 0.10), lo=-10.0, hi=10.0, min_len=1, max_len=4, label="Input x (1 to 4 values)"
    )
    t: tuple = floats(
        (0.01, 0.99),
        lo=0.0,
        hi=1.0,
        min_len=1,
        max_len=3,
        label="Target t (1 to 3 values in [0, 1])",
    )
    hidden: int = num(2, lo=1, hi=4, label="Hidden units")
    init: str = choice("ladder", INITS, label="Initial weights")
    eta: float = num(0.5, options=ETAS, live=True, label="Learning rate η")
    net_speed: str = choice("slow", NET_SPEEDS, live=True, label="Play speed")
    # why depth hurts
    act: str = choice("sigmoid", ACTIVATIONS, live=True, label="Activation")
    depth: int = num(30, lo=2, hi=60, live=True, label="Deepest chain (layers)")
    width: int = num(1, options=(1, 4, 16, 64), live=True, label="Units per layer")
    gain: float = num(1.0, lo=0.25, hi=4.0, live=True, label="Weight scale (× the standard)")
    show_n: int = num(10, lo=1, hi=60, live=True, label="Look inside the chain of depth n")
    # softmax and cross-entropy
    logits: tuple = floats(
        (2.0, 1.0, 0.1), lo=-30.0, hi=30.0, min_len=2, max_len=10, live=True, label="Logits y"
    )
    target: int = num(0, lo=0, hi=9, live=True, label="Correct class g")
    # cost of reverse mode
    n_in: int = num(200, lo=1, hi=2000, live=True, label="Inputs n")
    cost_hidden: int = num(
        64, options=(8, 16, 32, 64, 128, 256), live=True, label="Hidden units per layer"
    )
    cost_layers: int = num(2, lo=1, hi=4, live=True, label="Hidden layers")
    fd_kind: str = choice("central", FD_KINDS, live=True, label="Finite differences")
    seed: int = num(0, lo=0, hi=9999, label="Seed")


@dataclass(frozen=True)
class WalkConfig:
    """What the backward-pass walker is built from (a new expression: a new walker)."""

    expr: str = text(DEFAULT_EXPR, max_len=MAX_CHARS)
    values: str = text(DEFAULT_VALUES, max_len=400)


@dataclass(frozen=True)
class NetConfig:
    """What the lecture network's trainer is built from; the learning rate changes live."""

    x: tuple = floats((0.05, 0.10), lo=-10.0, hi=10.0, min_len=1, max_len=4)
    t: tuple = floats((0.01, 0.99), lo=0.0, hi=1.0, min_len=1, max_len=3)
    hidden: int = num(2, lo=1, hi=4)
    init: str = choice("ladder", INITS)
    seed: int = num(0, lo=0, hi=9999)
    eta: float = num(0.5, options=ETAS, live=True)


def walk_config(cfg: BackpropConfig) -> WalkConfig:
    return WalkConfig(cfg.expr, cfg.values)


def net_config(cfg: BackpropConfig) -> NetConfig:
    return NetConfig(cfg.x, cfg.t, cfg.hidden, cfg.init, cfg.seed, cfg.eta)
