"""The optimization lab's one shareable config (URL round-trip via dlcore.config),
pages/optimization.py.

The race trainer is rebuilt when the surface, its shape (kappa, angle, a typed f), the start
point or the seed change; everything else is live: learning rates, momentum, decay, noise, the
schedule and the racers shown apply to the running race, and the other views' fields never touch
it (they are computed from the config when drawn).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from dlcore.config import choice, flag, floats, ints, num, text
from dlcore.optim.optimizers import OPTIMIZERS
from dlcore.optim.surfaces import DEFAULT_EXPR, SURFACE_LABELS

VIEWS = ("race", "adaptive", "momentum", "landscape", "regularization", "dropout")
RACERS = tuple(OPTIMIZERS)
LR_OPTIONS = (
    0.0, 0.0001, 0.0003, 0.001, 0.002, 0.003, 0.005, 0.01, 0.02, 0.03, 0.05,
    0.1, 0.2, 0.3, 0.5, 1.0, 1.5, 2.0, 3.0,
)  # fmt: skip
KAPPAS = (1, 2, 5, 10, 20, 50, 100)
AUTO_LR = 0.0  # a learning rate of 0 in the config means "the one tuned for the surface"
SPEEDS = (10, 30, 60, 200, 600)  # iterations a second while playing
LAND_DATA = ("circle", "xor", "gauss", "spiral", "moons")
LAND_DIRS = ("pca", "random")
ALPHAS = (
    0.0, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7,
    1.0, 1.5, 2.0, 3.0, 5.0, 10.0,
)  # fmt: skip

# what a student reads in a choice widget (never the raw option key)
LABELS: dict[str, str] = {
    **SURFACE_LABELS,
    **{name: spec.label for name, spec in OPTIMIZERS.items()},
    "pca": "Top two PCA directions of the paths",
    "random": "Two filter-normalized random directions",
    "circle": "Circle",
    "xor": "Exclusive or",
    "gauss": "Two Gaussians",
    "spiral": "Spiral",
    "moons": "Moons",
    "softmax": "One softmax layer",
    "hidden": "One hidden layer, then softmax",
}


def _live(default, **kw):
    return num(default, live=True, **kw)


def _lr(name: str):
    label = f"η ({OPTIMIZERS[name].label})"
    return num(AUTO_LR, options=LR_OPTIONS, live=True, label=label)


def _racer(name: str):
    return flag(True, label=OPTIMIZERS[name].label)


@dataclass(frozen=True)
class OptimConfig:
    view: str = choice("race", VIEWS, live=True, label="View")
    # the race on a surface (structural: a new race)
    surface: str = choice("quadratic", tuple(SURFACE_LABELS), label="Surface")
    kappa: int = num(20, options=KAPPAS, label="Condition number κ")
    angle: int = num(0, lo=0, hi=90, label="Rotation of the quadratic (degrees)")
    expr: str = text(DEFAULT_EXPR, max_len=200, label="f(x, y) =")
    start: tuple = floats((), lo=-50.0, hi=50.0, max_len=2, label="Start point x, y")
    seed: int = num(0, lo=0, hi=9999, label="Seed")
    # the racers (live)
    use_sgd: bool = _racer("sgd")
    use_momentum: bool = _racer("momentum")
    use_nesterov: bool = _racer("nesterov")
    use_adagrad: bool = _racer("adagrad")
    use_rmsprop: bool = _racer("rmsprop")
    use_adam: bool = _racer("adam")
    lr_sgd: float = _lr("sgd")
    lr_momentum: float = _lr("momentum")
    lr_nesterov: float = _lr("nesterov")
    lr_adagrad: float = _lr("adagrad")
    lr_rmsprop: float = _lr("rmsprop")
    lr_adam: float = _lr("adam")
    beta: float = _live(0.9, options=(0.0, 0.5, 0.8, 0.9, 0.95, 0.99), label="Momentum β")
    rho: float = _live(0.9, options=(0.5, 0.9, 0.99, 0.999), label="RMSProp decay ρ")
    noise: float = _live(0.0, lo=0.0, hi=2.0, label="Minibatch noise σ")
    schedule: bool = flag(False, label="Linear learning-rate decay")
    decay_until: int = _live(200, lo=10, hi=5000, label="Decay until iteration $T$")
    lr_end: float = _live(
        0.01, options=(0.001, 0.01, 0.1, 0.5), label="Final rate $\\eta_T / \\eta_0$"
    )
    speed: int = _live(60, options=SPEEDS, label="Iterations per second")
    # momentum on a quadratic (Goh 2017)
    m_eta: float = _live(1.0, lo=0.01, hi=4.0, label="Step size η")
    m_beta: float = _live(0.5, lo=0.0, hi=0.99, label="Momentum β")
    m_steps: int = _live(100, options=(50, 100, 200, 400), label="Iterations")
    # a real network's landscape (Li et al. 2018)
    land_data: str = choice("circle", LAND_DATA, live=True, label="Data")
    land_hidden: tuple = ints(
        (8, 8), lo=1, hi=16, min_len=1, max_len=3, live=True, label="Hidden layers"
    )
    land_dirs: str = choice("pca", LAND_DIRS, live=True, label="Plane")
    land_centre: str = choice("adam", RACERS, live=True, label="Centre the plane on")
    land_steps: int = _live(300, options=(100, 200, 300, 500, 1000), label="Training steps")
    land_res: int = _live(31, options=(21, 31, 41, 61), label="Grid resolution")
    land_lr: float = _live(1.0, options=(0.1, 0.3, 1.0, 3.0, 10.0), label="Learning rates ×")
    # regularization geometry
    reg_alpha: float = _live(0.3, options=ALPHAS, label="Penalty weight α")
    reg_w1: float = _live(1.5, lo=-3.0, hi=3.0, label="True w₁")
    reg_w2: float = _live(0.4, lo=-3.0, hi=3.0, label="True w₂")
    reg_rho: float = _live(0.3, lo=-0.9, hi=0.9, label="Feature correlation")
    reg_scale: float = _live(0.5, options=(0.25, 0.5, 1.0, 2.0), label="Scale of feature 2")
    reg_noise: float = _live(0.5, lo=0.0, hi=2.0, label="Label noise")
    reg_n: int = _live(40, options=(10, 20, 40, 100, 400), label="Examples m")
    reg_eps: float = _live(0.1, options=(0.01, 0.03, 0.1, 0.3), label="Step size ε")
    reg_tau: int = _live(10, lo=0, hi=500, label="Stop after τ steps")
    # dropout as an ensemble
    drop_n: int = _live(8, lo=2, hi=10, label="Dropout units n")
    drop_p: float = _live(0.5, options=(0.2, 0.3, 0.5, 0.7, 0.8, 0.9), label="Keep probability p")
    drop_hidden: int = _live(32, options=(8, 16, 32, 64), label="Hidden units")
    drop_k: int = _live(5, lo=1, hi=10, label="Bagged models k")
    drop_mc: int = _live(100, options=(10, 30, 100, 300, 1000), label="Monte Carlo masks")
    drop_pick: int = _live(0, lo=0, hi=999, label="Which test digits")
    drop_model: str = choice("hidden", ("hidden", "softmax"), live=True, label="Digits shown for")


def lr_of(cfg: OptimConfig, name: str, tuned: Mapping[str, float]) -> float:
    """Racer ``name``'s learning rate eta_0: the student's, or the surface's tuned one (auto)."""
    chosen = float(getattr(cfg, f"lr_{name}"))
    return float(tuned[name]) if chosen == AUTO_LR else chosen


def shown(cfg: OptimConfig) -> tuple[str, ...]:
    """The racers switched on, in registry order."""
    return tuple(name for name in RACERS if getattr(cfg, f"use_{name}"))
