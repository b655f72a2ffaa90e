"""Glue between the playground trainer and its page, kept out of the page (no streamlit here):
the per-frame picture data, the Step size (one epoch), custom-point editing, the lecture presets.

Page: pages/playground.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from dlcore.playground.analysis import SLIDE_W, SLIDE_b, SLIDE_c, SLIDE_w, boundary
from dlcore.playground.config import PlaygroundConfig
from dlcore.playground.data import DATASETS, Points, add_point, erase_near
from dlcore.playground.features import feature_labels
from dlcore.playground.trainer import PlaygroundSnapshot, PlaygroundTrainer
from dlcore.viz.playground import PointsLayer

PLANE_PX = 300


@dataclass(frozen=True)
class Frame:
    """Everything one frame of the playground draws."""

    snap: PlaygroundSnapshot
    value: np.ndarray  # (G, G) output over the plane
    probs: np.ndarray | None  # (G, G, K) for 3 classes
    maps: list[np.ndarray]  # per layer (n_l, g, g): inputs, hidden neurons, output
    labels: list[str]  # input feature names


def frame(trainer: PlaygroundTrainer, g: int = 100, g_small: int = 16) -> Frame:
    grid = boundary(trainer, g, g_small)
    step = max(1, g // g_small)
    out = grid.value[::step, ::step][:g_small, :g_small][None]  # (1, g, g) output thumbnail
    maps = [grid.inputs, *grid.neurons, out]
    return Frame(trainer.snapshot(), grid.value, grid.probs, maps, feature_labels(trainer.features))


def points_layer(trainer: PlaygroundTrainer, show_test: bool) -> PointsLayer:
    """The rasterised points of this trainer's data (cached on the trainer: data never moves)."""
    key = ("layer", show_test)
    cache = trainer.__dict__.setdefault("_view_cache", {})
    if key not in cache:
        tr, te = trainer.data.train, trainer.data.test
        cache[key] = PointsLayer(
            tr.domain, (tr.x, tr.y), (te.x, te.y) if show_test else None, tr.n_classes, PLANE_PX
        )
    return cache[key]


def epoch_steps(cfg: PlaygroundConfig, n_points: int) -> int:
    """Updates in one epoch (the Step button): ceil(train points / batch size)."""
    n_train = n_points if cfg.dataset == "xor4" else max(1, round(n_points * cfg.ratio / 100))
    batch = n_train if cfg.batch <= 0 else min(cfg.batch, n_train)
    return math.ceil(n_train / batch)


def n_points(cfg: PlaygroundConfig, custom: Points | None) -> int:
    if cfg.dataset == "custom":
        return len(custom.y) if custom is not None else 0
    return DATASETS[cfg.dataset][1]


def all_points(trainer: PlaygroundTrainer) -> Points:
    """Train and test points together (to start a custom set from the current data)."""
    tr, te = trainer.data.train, trainer.data.test
    if te.x is tr.x:
        return tr
    return Points(
        np.concatenate([tr.x, te.x]), np.concatenate([tr.y, te.y]), tr.n_classes, tr.domain
    )


def edit_points(points: Points | None, x1: float, x2: float, brush: str) -> Points | None:
    """Apply a click: add a point of the brush's class, or erase near it."""
    if brush == "eraser":
        return erase_near(points, x1, x2) if points is not None else None
    if points is not None and points.n_classes not in (2, 3):
        points = None  # regression data cannot take class points: start a new set
    return add_point(points, x1, x2, BRUSHES[brush])


BRUSHES = {"blue": 1, "orange": 0, "green": 2, "eraser": -1}

# presets the XOR lesson loads (widget values, URL form)
SLIDE_XOR = {
    "dataset": "xor4",
    "hidden": "2",
    "activation": "relu",
    "batch": 0,
    "x1": True,
    "x2": True,
    "x1sq": False,
    "x2sq": False,
    "x1x2": False,
    "sinx1": False,
    "sinx2": False,
    "dropout": 0.0,
    "lr": 0.03,
    "optimizer": "sgd",
    "reg": "none",
}
LINEAR_XOR = {**SLIDE_XOR, "hidden": "", "activation": "linear", "lr": 0.3}


def load_slide_solution(trainer: PlaygroundTrainer) -> bool:
    """W = [[1,1],[1,1]], c = [0,-1], w = [1,-2], b = 0 into a (2, 2, 1) ReLU net on xor4."""
    if trainer.net.sizes != (2, 2, 1) or trainer.cfg.dataset != "xor4":
        return False
    trainer.load_weights([SLIDE_W, SLIDE_w[:, None]], [SLIDE_c, [SLIDE_b]])
    return True


def widget_value(cls: type, name: str, raw: object, fallback: object) -> object:
    """A control's raw widget value validated like the config does (fallback when invalid)."""
    from dlcore.config import coerce, field_specs

    if raw is None:
        return fallback
    try:
        return coerce(raw, field_specs(cls)[name])
    except ValueError:
        return fallback
