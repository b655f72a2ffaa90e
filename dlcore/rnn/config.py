"""The RNN page's configuration: frozen dataclasses that round-trip through the URL.

``TrainSpec`` holds what defines a run of the trainers (task, sizes, cells, init, optimizer, seed:
structural, they rebuild the trainers; learning rate and clipping: live, training goes on);
``RnnConfig`` adds the page's view and the analysis sliders (all live). Presets are fixed-seed
settings known to show the effect. Page: pages/rnn.py (views: dlcore/ui/views/rnn.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from dlcore.config import choice, field_specs, flag, num, text
from dlcore.rnn.analysis import SENTENCE_MAX
from dlcore.rnn.cells import ACTIVATIONS, INITS
from dlcore.rnn.tasks import TASKS
from dlcore.rnn.trainer import OPTIMIZERS

VIEWS = ("flow", "train", "linear", "highway", "clip", "sentence")
LRS = (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.02, 0.03, 0.1, 0.3, 1.0)
CLIP_VS = (0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 100.0)
DEFAULT_SENTENCE = '"remember the first letter," said the teacher by the river.'
PASTE_MAX = 5000  # the box takes a paste this long, to cut it and say so (the browser ignored one
# over the box's limit without a word)


@dataclass(frozen=True)
class TrainSpec:
    """Everything that defines a run of ``dlcore.rnn.trainer.TaskTrainer``."""

    task: str = choice("adding", tuple(TASKS), label="Task")
    seq_len: int = num(50, lo=2, hi=200, label="Sequence length T")
    hidden: int = num(64, options=(4, 8, 16, 32, 64, 128), label="Hidden units")
    batch: int = num(64, options=(8, 16, 32, 64, 128), label="Batch size")
    optimizer: str = choice("adam", tuple(OPTIMIZERS), label="Optimizer")
    lr: float = num(0.01, options=LRS, live=True, label="Learning rate")
    clip: str = choice("norm", ("none", "norm", "value"), live=True, label="Gradient clipping")
    clip_v: float = num(1.0, options=CLIP_VS, live=True, label="Clip threshold v")
    activation: str = choice("tanh", tuple(ACTIVATIONS), label="Vanilla RNN activation g")
    rnn_init: str = choice("default", INITS, label="Vanilla RNN init of W")
    lambda_1: float = num(0.0, lo=0.0, hi=3.0, label="Set λ₁ of W (0 = keep the init)")
    forget_gate: bool = flag(True, live=False, label="LSTM forget gate")
    forget_bias: float = num(
        1.0, options=(0.0, 1.0, 2.0, 3.0, 5.0), label="Keep-gate bias (LSTM f, GRU z)"
    )
    seed: int = num(0, lo=0, hi=9999, label="Seed")


@dataclass(frozen=True)
class RnnConfig(TrainSpec):
    """The page: a run of the trainers plus the view and the analysis sliders."""

    view: str = choice("flow", VIEWS, live=True, label="View")
    lin_l1: float = num(1.05, lo=0.0, hi=1.5, live=True, label="Eigenvalue λ₁")
    lin_l2: float = num(0.7, lo=-1.5, hi=1.5, live=True, label="Eigenvalue λ₂")
    lin_angle: float = num(30.0, lo=0.0, hi=180.0, live=True, label="Eigenvector angle (deg)")
    cliff_w: float = num(4.5, lo=4.2, hi=5.0, live=True, label="Start on the wall at w")
    sentence: str = text(DEFAULT_SENTENCE, max_len=PASTE_MAX, live=True, label="Sentence")
    position: int = num(-1, lo=-1, hi=SENTENCE_MAX - 1, live=True, label="Position (-1 = last)")


PRESETS: dict[str, dict] = {
    "adding, T = 50 (LSTM and GRU learn, the vanilla RNN stays at 1/6)": dict(
        task="adding",
        seq_len=50,
        hidden=64,
        batch=64,
        optimizer="adam",
        lr=0.01,
        clip="norm",
        clip_v=1.0,
        activation="tanh",
        rnn_init="default",
        lambda_1=0.0,
        forget_gate=True,
        forget_bias=1.0,
        seed=0,
    ),
    "latch, T = 60 (LSTM and GRU remember the first symbol, the vanilla RNN stays at ln 4)": dict(
        task="latch",
        seq_len=60,
        hidden=32,
        batch=64,
        optimizer="adam",
        lr=0.01,
        clip="norm",
        clip_v=1.0,
        forget_bias=5.0,  # keep gates open at init: f, z ~ 0.993, ~150 steps of memory
        seed=1,
    ),
    "delayed copy, T = 20 (the GRU copies, the LSTM slowly, the vanilla RNN does not)": dict(
        task="copy",
        seq_len=20,
        hidden=64,
        batch=64,
        optimizer="adam",
        lr=0.02,
        clip="norm",
        clip_v=1.0,
        forget_bias=2.0,
        seed=0,
    ),
    "exploding ReLU RNN (λ₁ = 1.5, SGD: compare clipping in the Clipping view)": dict(
        activation="relu",
        rnn_init="orthogonal",
        lambda_1=1.5,
        optimizer="sgd",  # Adam would rescale the huge gradient away; SGD steps follow it
        lr=0.01,
        clip="norm",
        clip_v=1.0,
        seed=0,
    ),
}


TRAIN_FIELDS = tuple(field_specs(TrainSpec))  # what a preset sets
GATED_ONLY = ("forget_gate", "forget_bias")  # fields only the LSTM and GRU read


def vanilla_only(cfg: RnnConfig) -> RnnConfig:
    """``cfg`` with the LSTM / GRU fields at their defaults: the config of a trainer of vanilla
    RNNs only (the clipping pair), which those controls must neither change nor rebuild."""
    specs = field_specs(TrainSpec)
    return replace(cfg, **{name: specs[name].default for name in GATED_ONLY})


def preset_values(name: str) -> dict:
    """Training-field values of a preset (training fields it does not name take their defaults;
    the view and the analysis sliders are left alone)."""
    base = {field: spec.default for field, spec in field_specs(TrainSpec).items()}
    return {**base, **PRESETS[name]}
