"""The playground's page configuration: every control and the seed, round-tripping through the URL
(TF Playground's URL hash). Fields marked live are applied to a running trainer (learning rate,
schedule, regularization, batch size, views); the others rebuild it. Page: pages/playground.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from dlcore.config import choice, flag, ints, num, text
from dlcore.playground.data import DATASETS
from dlcore.playground.features import FEATURES
from dlcore.playground.mlp import ACTIVATIONS
from dlcore.playground.optim import OPTIMIZERS

LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REG_RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
FUNCTIONS = ("sine", "step", "abs", "custom")
# the part shown under the playground (one at a time: the page computes only what is shown);
# their labels and views are the registry in dlcore/ui/views/playground.py
SECTIONS = ("hidden", "uat", "xor", "share")

# controls a teacher may hide in a shared link (TF Playground's classroom section)
HIDEABLE = (
    "data",
    "noise",
    "ratio",
    "features",
    "network",
    "activation",
    "output",
    "lr",
    "optimizer",
    "schedule",
    "reg",
    "dropout",
    "batch",
    "early_stop",
    "view",
    "play",
    "step",
    "reset",
)


@dataclass(frozen=True)
class PlaygroundConfig:
    dataset: str = choice("circle", (*DATASETS, "custom"), label="Data")
    noise: int = num(0, lo=0, hi=50, label="Noise")
    ratio: int = num(50, lo=10, hi=90, label="Ratio of training data")
    seed: int = num(0, lo=0, hi=2**31 - 1, label="Seed")
    x1: bool = flag(True, live=False, label="X1")
    x2: bool = flag(True, live=False, label="X2")
    x1sq: bool = flag(False, live=False, label="X1²")
    x2sq: bool = flag(False, live=False, label="X2²")
    x1x2: bool = flag(False, live=False, label="X1·X2")
    sinx1: bool = flag(False, live=False, label="sin(X1)")
    sinx2: bool = flag(False, live=False, label="sin(X2)")
    hidden: tuple[int, ...] = ints((4, 2), lo=1, hi=8, min_len=0, max_len=6, label="Hidden layers")
    activation: str = choice("tanh", tuple(ACTIVATIONS), label="Activation")
    output: str = choice("tanh", ("tanh", "softmax"), label="Output / loss")
    optimizer: str = choice("sgd", tuple(OPTIMIZERS), label="Optimizer")
    lr: float = num(0.03, options=LEARNING_RATES, live=True, label="Learning rate")
    schedule: str = choice("constant", ("constant", "linear"), live=True, label="LR schedule")
    lr_end: float = num(0.001, options=LEARNING_RATES, live=True, label="Final learning rate")
    decay_epochs: int = num(200, lo=1, hi=100000, live=True, label="Decay epochs T")
    reg: str = choice("none", ("none", "l1", "l2"), live=True, label="Regularization")
    reg_rate: float = num(0.0, options=REG_RATES, live=True, label="Regularization rate")
    dropout: float = num(0.0, lo=0.0, hi=0.9, label="Dropout rate")
    batch: int = num(10, lo=0, hi=30, live=True, label="Batch size")
    early_stop: bool = flag(False, live=True, label="Early stopping")
    patience: int = num(50, lo=1, hi=10000, live=True, label="Patience (epochs)")
    show_test: bool = flag(False, label="Show test data")
    discretize: bool = flag(False, label="Discretize output")
    fn: str = choice("sine", FUNCTIONS, live=True, label="Function")
    expr: str = text("sin(2*x) + 0.3*x", max_len=120, live=True, label="f(x) =")
    uat_neurons: int = num(6, lo=1, hi=50, live=True, label="Hidden neurons")
    section: str = choice("hidden", SECTIONS, live=True, label="Look closer")
    hide: str = text("", max_len=300, live=True, label="Hidden controls")


def feature_names(cfg: PlaygroundConfig) -> tuple[str, ...]:
    """The toggled-on input features, in registry order."""
    return tuple(n for n in FEATURES if getattr(cfg, n))


def hidden_controls(hide: str) -> set[str]:
    """The controls a teacher hid, from the comma-separated ``hide`` field (unknown ignored)."""
    return {h.strip() for h in str(hide).split(",") if h.strip() in HIDEABLE}
