"""What the playground page shows, without Streamlit: the per-frame picture data, the status
line, the Step size (one epoch), custom-point editing, the hidden-layer +/- buttons, which
controls a teacher's link and the switches show, and the lecture's XOR presets.

Page: pages/playground.py; its views (the Streamlit side) are in dlcore/ui/views/playground.py.
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


def early_stop_text(snap: PlaygroundSnapshot, patience: int) -> str | None:
    """The message under the plots once early stopping ended training (a diverged model's
    message is the live panel's)."""
    if not snap.stopped:
        return None
    return (
        f"Early stopping: no better test loss for {patience} epochs; the "
        f"best model (epoch {snap.best_epoch:.0f}, dashed line) is kept."
    )


def status_parts(snap: PlaygroundSnapshot) -> list[tuple[str, str]]:
    """(label, value) pairs of the line above the plots: test loss, training loss, accuracy."""
    parts = [("Test loss", f"{snap.test_loss:.3f}"), ("Training loss", f"{snap.train_loss:.3f}")]
    if np.isfinite(snap.test_acc):
        parts.append(("accuracy", f"{snap.test_acc:.1%}"))
    if snap.test_is_train:
        parts.append((NO_TEST, ""))
    return parts


NO_TEST = "no test points: the test figures are the training set's"


def status_line(snap: PlaygroundSnapshot) -> str:
    """The same line as markdown, values in bold."""
    return " · ".join(
        f"{k} **{v}**" if k not in ("accuracy", NO_TEST) else f"{k} {v}".strip()
        for k, v in status_parts(snap)
    )


def epoch_steps(cfg: PlaygroundConfig, n_points: int) -> int:
    """Updates in one epoch (the Step button): ceil(train points / batch size). ``n_points``:
    the generated set's size (split by the ratio slider), or the own points' training count."""
    split = cfg.dataset not in ("xor4", "custom")
    n_train = max(1, round(n_points * cfg.ratio / 100)) if split else max(1, n_points)
    batch = n_train if cfg.batch <= 0 else min(cfg.batch, n_train)
    return math.ceil(n_train / batch)


def n_points(cfg: PlaygroundConfig, custom: Points | None) -> int:
    if cfg.dataset == "custom":
        return len(custom.y) if custom is not None else 0
    return DATASETS[cfg.dataset][1]


def n_own_train(custom: Points | None) -> int:
    """How many of the student's own points train the model (those not marked test)."""
    return 0 if custom is None else int(np.sum(~custom.test_mask))


def step_size(cfg: PlaygroundConfig, custom: Points | None) -> int:
    """The Step button's updates: one epoch over the training points the trainer will have."""
    if cfg.dataset == "custom":
        return epoch_steps(cfg, n_own_train(custom))
    return epoch_steps(cfg, n_points(cfg, custom))


def all_points(trainer: PlaygroundTrainer) -> Points:
    """Train and test points together, each marked as it is (to start own points from the
    current data: a click then keeps every point where it was)."""
    tr, te = trainer.data.train, trainer.data.test
    if te is tr:  # the lecture's XOR: its four points, once
        return Points(tr.x, tr.y, tr.n_classes, tr.domain, np.zeros(len(tr.y), bool))
    test = np.r_[np.zeros(len(tr.y), bool), np.ones(len(te.y), bool)]
    x, y = np.concatenate([tr.x, te.x]), np.concatenate([tr.y, te.y])
    return Points(x, y, tr.n_classes, tr.domain, test)


def edit_points(
    points: Points | None, x1: float, x2: float, brush: str, *, test: bool = False
) -> Points | None:
    """Apply a click: add a training point of the brush's class (a test point when ``test``),
    or erase the points near it."""
    if brush == "eraser":
        return erase_near(points, x1, x2) if points is not None else None
    if points is not None and points.n_classes not in (2, 3):
        points = None  # regression data cannot take class points: start a new set
    return add_point(points, x1, x2, BRUSHES[brush], test=test)


BRUSHES = {"blue": 1, "orange": 0, "green": 2, "eraser": -1}

# what a student reads for each option of the playground's choices (widgets and text)
ACTIVATION_NAMES = {
    "relu": "ReLU",
    "tanh": "Tanh",
    "sigmoid": "Sigmoid",
    "linear": "Linear",
    "leaky_relu": "Leaky ReLU",
}
OPTION_NAMES = {
    "activation": ACTIVATION_NAMES,
    "output": {"tanh": "Tanh, squared error", "softmax": "Softmax, log-likelihood"},
    "optimizer": {
        "sgd": "SGD",
        "momentum": "Momentum",
        "adagrad": "AdaGrad",
        "rmsprop": "RMSProp",
        "adam": "Adam",
    },
    "schedule": {"constant": "Constant", "linear": "Linear decay"},
    "reg": {"none": "None", "l1": "L1", "l2": "L2"},
}
# the controls a teacher's link can hide (config.HIDEABLE), by name
HIDEABLE_NAMES = {
    "data": "Data set and seed",
    "noise": "Noise",
    "ratio": "Ratio of training data",
    "features": "Features",
    "network": "Hidden layers",
    "activation": "Activation",
    "output": "Output / loss",
    "lr": "Learning rate",
    "optimizer": "Optimizer",
    "schedule": "Learning-rate schedule",
    "reg": "Regularization",
    "dropout": "Dropout",
    "batch": "Batch size",
    "early_stop": "Early stopping",
    "view": "Show test data, Discretize output",
    "play": "Play button",
    "step": "Step button",
    "reset": "Reset button",
}

# presets the XOR lesson loads (config values)
SLIDE_XOR = {
    "dataset": "xor4",
    "hidden": (2,),
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
LINEAR_XOR = {**SLIDE_XOR, "hidden": (), "activation": "linear", "lr": 0.3}


def load_slide_solution(trainer: PlaygroundTrainer) -> bool:
    """W = [[1,1],[1,1]], c = [0,-1], w = [1,-2], b = 0 into a (2, 2, 1) ReLU net on xor4."""
    if trainer.net.sizes != (2, 2, 1) or trainer.cfg.dataset != "xor4":
        return False
    trainer.load_weights([SLIDE_W, SLIDE_w[:, None]], [SLIDE_c, [SLIDE_b]])
    return True


def resized_layers(sizes: list[int], delta: int) -> tuple[int, ...]:
    """The hidden layers after the +/- buttons: a new last layer of 2 neurons (+1), the last
    layer dropped (-1), or the sizes as typed (0); at most 6 layers."""
    if delta > 0:
        sizes = [*sizes, 2]
    elif delta < 0:
        sizes = sizes[:-1]
    return tuple(int(n) for n in sizes[:6])


def neuron_map(trainer: PlaygroundTrainer, layer: int, k: int, g: int = 60) -> np.ndarray | None:
    """One node's output over the plane (layer 0 = inputs, last = output), or None."""
    grid = boundary(trainer, g, g)
    maps = [grid.inputs, *grid.neurons, grid.outputs]
    if 0 <= layer < len(maps) and 0 <= k < len(maps[layer]):
        return maps[layer][k]
    return None


# the hideable group each control belongs to (config.HIDEABLE); a control not listed is its own
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


def regions_text(count: int, activation: str, n_hidden: int, diverged: str | None) -> str:
    """What the hidden-space section says about the network's linear regions (markdown): the
    count with its meaning, or why there is nothing to count (diverged, smooth activations)."""
    if diverged:
        return (
            f"**No linear regions to count**: training diverged ({diverged}), so the network's "
            "output is not a number anywhere. Lower the learning rate and press Reset."
        )
    if activation == "linear" or n_hidden == 0:
        return (
            "**1 linear region**: with linear activations (or no hidden layer) the whole network "
            "is one affine function of its input features over the entire plane, however many "
            "layers it has."
        )
    if activation not in ("relu", "leaky_relu"):
        return (
            f"Linear regions are pieces of a piecewise-linear network (ReLU, leaky ReLU). A "
            f"{ACTIVATION_NAMES.get(activation, activation)} network is smooth, with no such "
            "pieces: choose ReLU to count them (deep vs shallow)."
        )
    if count == 1:
        return (
            "**1 linear region**: every ReLU is either on or off over the whole plane, so here "
            "the network computes one affine function of its input features."
        )
    return (
        f"**{count} linear regions** over the plane: each colour is one on/off pattern of the "
        "ReLUs, and on each the network is an affine function of its input features."
    )


def latex_number(v: float) -> str:
    """A live number in LaTeX: 3 significant digits, exponents as powers of ten."""
    if not np.isfinite(v):
        return r"\text{NaN}"
    text = f"{v:.3g}"
    if "e" in text:
        mant, exp = text.split("e")
        return rf"{mant} \times 10^{{{int(exp)}}}"
    return text


def loss_latex(trainer: PlaygroundTrainer) -> str:
    """The loss J(theta) the trainer minimises, as the lecture writes it, with its value on the
    m training points (TF Playground's 1/2 (f - y)^2 for tanh and linear outputs; the negative
    log-likelihood for softmax)."""
    m, j = len(trainer.x_train), trainer.last["train_loss"]
    if trainer.head == "softmax":
        body = r"-\frac{1}{m}\sum_{i=1}^{m} \log P(g_i \mid \boldsymbol{x}_i; \boldsymbol{\theta})"
    else:
        body = (
            r"\frac{1}{m}\sum_{i=1}^{m} \tfrac{1}{2}\big(f(\boldsymbol{x}_i; \boldsymbol{\theta})"
            r" - y_i\big)^2"
        )
    return rf"J(\boldsymbol{{\theta}}) = {body} = {latex_number(j)} \quad (m = {m})"


THETA = r"\boldsymbol{\theta}"
OMEGA = {
    "l2": r"\tfrac{1}{2}\lVert \boldsymbol{w} \rVert_2^2",
    "l1": r"\lVert \boldsymbol{w} \rVert_1",
}


def objective_latex(trainer: PlaygroundTrainer) -> str:
    """The regularized objective J~(theta) = J(theta) + alpha Omega(theta) (L2: 1/2 ||w||^2,
    L1: ||w||_1, weights only) with its live terms."""
    cfg, j = trainer.cfg, trainer.last["train_loss"]
    head = rf"\tilde{{J}}({THETA}) = J({THETA}) + \alpha\,\Omega({THETA})"
    if cfg.reg == "none" or not cfg.reg_rate:
        return rf"{head} = {latex_number(j)} \quad (\text{{no penalty: }} \alpha\,\Omega = 0)"
    omega = trainer.net.penalty(cfg.reg)
    terms = [latex_number(v) for v in (j, cfg.reg_rate, omega, j + cfg.reg_rate * omega)]
    return (
        rf"{head} = {terms[0]} + {terms[1]} \cdot {terms[2]} = {terms[3]}"
        rf" \quad \text{{with }} \Omega({THETA}) = {OMEGA[cfg.reg]}"
    )


def schedule_latex(trainer: PlaygroundTrainer) -> str:
    """The learning rate: constant, or the lecture's linear decay eta_k = (1 - k/T) eta_0 +
    (k/T) eta_T (until k = T, then eta_T) with k, T and eta_k of this moment."""
    cfg = trainer.cfg
    if cfg.schedule != "linear":
        return rf"\eta = {latex_number(cfg.lr)} \quad \text{{(constant)}}"
    k, T = trainer.steps, cfg.decay_epochs * trainer.steps_per_epoch
    rule = r"\eta_k = \Big(1 - \frac{k}{T}\Big)\eta_0 + \frac{k}{T}\,\eta_T"
    if k >= T:
        return rf"{rule},\quad k = {k} \ge T = {T}: \ \eta_k = \eta_T = {latex_number(cfg.lr_end)}"
    a = k / T
    rest, eta_0, frac, eta_T, eta_k = (
        latex_number(v) for v in (1 - a, cfg.lr, a, cfg.lr_end, trainer.current_lr())
    )
    return (
        rf"{rule} = ({rest})\,{eta_0} + {frac} \cdot {eta_T} = {eta_k}"
        rf" \quad (k = {k},\ T = {T})"
    )


def control_shown(name: str, cfg: PlaygroundConfig, hidden: set[str]) -> bool:
    """Whether the page draws the control of config field ``name``: not when a teacher's link
    hid its group, and the decay settings only with the linear schedule, patience only with
    early stopping."""
    if CONTROL_GROUP.get(name, name) in hidden:
        return False
    if name in ("lr_end", "decay_epochs"):
        return cfg.schedule == "linear"
    return name != "patience" or cfg.early_stop


# the text under the live frame
LIVE_CAPTION = (
    "Training live: the network (each square is a neuron's output over the plane; links blue for "
    "positive, orange for negative weights, wider = larger), the loss (train grey, test black) "
    "with the test accuracy (dashed green) and the output with the data. Pause to hover weights, "
    "click neurons or add points."
)
