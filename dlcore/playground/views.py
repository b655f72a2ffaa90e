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

PLANE_PX = 300


@dataclass(frozen=True)
class Frame:
    """Everything one frame of the playground draws (arrays only)."""

    snap: PlaygroundSnapshot
    value: np.ndarray  # (G, G) output over the plane
    probs: np.ndarray | None  # (G, G, K) for 3 classes
    maps: list[np.ndarray]  # per layer (n_l, g, g): inputs, hidden neurons, output
    labels: list[str]  # input feature names
    train: tuple[np.ndarray, np.ndarray]  # points (N, 2), labels (N,)
    test: tuple[np.ndarray, np.ndarray]
    n_classes: int
    domain: float


def frame(trainer: PlaygroundTrainer, g: int = 100, g_small: int = 16) -> Frame:
    grid = boundary(trainer, g, g_small)
    tr, te = trainer.data.train, trainer.data.test
    return Frame(
        trainer.snapshot(),
        grid.value,
        grid.probs,
        [grid.inputs, *grid.neurons, grid.outputs],
        feature_labels(trainer.features),
        (tr.x, tr.y),
        (te.x, te.y),
        tr.n_classes,
        tr.domain,
    )


def banner(snap: PlaygroundSnapshot, patience: int) -> tuple[str, str] | None:
    """(kind, text) of the message under the plots: divergence or early stopping."""
    if snap.diverged:
        return "error", (
            "The weights became NaN or infinite: training diverged. Lower the "
            "learning rate (or the regularization rate), then press Reset."
        )
    if snap.stopped:
        return "success", (
            f"Early stopping: no better test loss for {patience} epochs; the "
            f"best model (epoch {snap.best_epoch:.0f}, dashed line) is kept."
        )
    return None


def status_parts(snap: PlaygroundSnapshot) -> list[tuple[str, str]]:
    """(label, value) pairs of the line above the plots: test loss, training loss, accuracy."""
    parts = [("Test loss", f"{snap.test_loss:.3f}"), ("Training loss", f"{snap.train_loss:.3f}")]
    if np.isfinite(snap.test_acc):
        parts.append(("accuracy", f"{snap.test_acc:.1%}"))
    return parts


def status_line(snap: PlaygroundSnapshot) -> str:
    """The same line as markdown, values in bold."""
    return " · ".join(
        f"{k} **{v}**" if k != "accuracy" else f"{k} {v}" for k, v in status_parts(snap)
    )


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


# ----------------------------------------------------------------------------- page state
# The page's callbacks work on the session-state mapping through these functions (no streamlit
# import here; tests pass a dict). Keys: "<ns>.w.<field>" are the widgets of the config fields.
NS = "playground"


def wkey(name: str) -> str:
    return f"{NS}.w.{name}"


def set_widgets(state: dict, values: dict, rebuild: bool = True) -> None:
    """Change controls before the next run draws them; drop the trainer to rebuild it."""
    for k, v in values.items():
        state[wkey(k)] = v
    if rebuild:
        state[f"{NS}.trainer"] = None


def click(state: dict, x1: float, x2: float) -> None:
    """A click on the plane: edit the custom points (starting from the current data)."""
    trainer = state.get(f"{NS}.trainer")
    custom = state.get(f"{NS}.custom")
    if state.get(wkey("dataset")) != "custom" and trainer is not None:
        custom = all_points(trainer)
    state[f"{NS}.custom"] = edit_points(custom, x1, x2, state.get(f"{NS}.brush", "blue"))
    set_widgets(state, {"dataset": "custom"})


def upload(state: dict, name: str, raw: bytes) -> None:
    """A CSV upload: use it as custom data, or keep a message for the page."""
    from dlcore.playground.data import DataError, parse_csv

    try:
        state[f"{NS}.custom"] = parse_csv(raw)
        state[f"{NS}.csv_error"] = None
        set_widgets(state, {"dataset": "custom"})
    except DataError as err:
        state[f"{NS}.csv_error"] = f"{name[:60]}: {err}"


def resize_layers(state: dict, n_layers: int, delta: int) -> None:
    """+/- a hidden layer (new layers start with 2 neurons), or re-read the per-layer sizes."""
    sizes = [int(state.get(f"{NS}.layer{i}", 2)) for i in range(n_layers)]
    sizes = [*sizes, 2] if delta > 0 else (sizes[:-1] if delta < 0 else sizes)
    set_widgets(state, {"hidden": ",".join(str(s) for s in sizes[:6])})


def neuron_map(trainer: PlaygroundTrainer, layer: int, k: int, g: int = 60) -> np.ndarray | None:
    """One node's output over the plane (layer 0 = inputs, last = output), or None."""
    grid = boundary(trainer, g, g)
    maps = [grid.inputs, *grid.neurons, grid.outputs]
    if 0 <= layer < len(maps) and 0 <= k < len(maps[layer]):
        return maps[layer][k]
    return None


# the controls, row by row (columns of field names); the page draws them in this layout
CONTROL_ROWS = (  # (container, columns of field names): "main" rows, then the "more" expander
    ("main", (("lr",), ("activation",), ("reg",), ("reg_rate",), ("output",))),
    ("more", (("optimizer",), ("schedule",), ("lr_end",), ("decay_epochs",), ("dropout",))),
    ("more", (("early_stop",), ("patience",), (), (), ())),
)
CONTROL_GROUP = {
    "x1": "features",
    "x2": "features",
    "x1sq": "features",
    "x2sq": "features",
    "x1x2": "features",
    "sinx1": "features",
    "sinx2": "features",
    "lr_end": "schedule",
    "decay_epochs": "schedule",
    "reg_rate": "reg",
    "patience": "early_stop",
    "dataset": "data",
    "seed": "data",
    "show_test": "view",
    "discretize": "view",
}


def linear_xor_text(lin) -> str:
    """The lecture's linear-model result (a ``LinearFit``) as one sentence."""
    w = np.round(lin.w, 6) + 0.0
    return (
        f"A linear model xᵀw + b minimising the MSE ends at w = {w}, b = {lin.b:.3f} "
        f"(loss {lin.loss:.3f}): it cannot represent XOR."
    )


def shown(name: str, schedule: str, early_stop: bool) -> bool:
    """Conditional controls: the decay settings with the linear schedule, patience with early
    stopping."""
    if name in ("lr_end", "decay_epochs"):
        return schedule == "linear"
    return name != "patience" or bool(early_stop)


LIVE_CAPTION = (
    "Training live: the network (each square is a neuron's output over the plane; links blue for "
    "positive, orange for negative weights, wider = larger), the loss (train grey, test black) "
    "with the test accuracy (dashed green) and the output with the data. Pause to hover weights, "
    "click neurons or add points."
)
