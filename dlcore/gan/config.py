"""The GAN page's shareable configuration (one frozen dataclass that round-trips through the URL).

Structural fields (target, noise, architecture, seed) rebuild the trainer; live fields (learning
rates, optimizers, loss, k, batch, step mode, view toggles) apply to the running GAN, like GAN Lab.
``plane_config`` is what the 2-D GAN trains on: the fields it does not use at their defaults.
Page: pages/gan.py.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from dlcore.config import choice, flag, floats, num
from dlcore.gan.losses import GAN_LOSSES
from dlcore.gan.nets import ACTIVATIONS, OPTIMIZERS
from dlcore.gan.noise import NOISES
from dlcore.gan.targets import DRAWN, MAX_DRAWN_POINTS, PLANE_EXTENT, TARGET_NAMES

LRS = (0.0001, 0.0002, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
BATCHES = (32, 64, 128, 256, 512)
STEP_MODES = ("both", "d", "g")  # Algorithm 1, only D, only G
PANELS = ("plane", "digits")
DIGIT_DATA_NAMES = ("digits8", "mnist")  # dlcore.gan.digits.DIGIT_DATA (MNIST: when cached)


@dataclass(frozen=True)
class GanConfig:
    panel: str = choice("plane", PANELS, live=True, label="Panel")
    target: str = choice("ring8", TARGET_NAMES, label="Target distribution")
    points: tuple[float, ...] = floats(
        (),
        lo=PLANE_EXTENT[0],
        hi=PLANE_EXTENT[1],
        max_len=2 * MAX_DRAWN_POINTS,
        label="Drawn points",
    )
    noise: str = choice("gaussian2", tuple(NOISES), label="Noise")
    g_layers: int = num(2, lo=0, hi=5, label="G hidden layers")
    g_neurons: int = num(64, lo=1, hi=128, label="G neurons")
    g_act: str = choice("leaky_relu", tuple(ACTIVATIONS), label="G activation")
    g_opt: str = choice("adam", tuple(OPTIMIZERS), live=True, label="G optimizer")
    g_lr: float = num(0.001, options=LRS, live=True, label="G learning rate")
    d_layers: int = num(2, lo=0, hi=5, label="D hidden layers")
    d_neurons: int = num(64, lo=1, hi=128, label="D neurons")
    d_act: str = choice("leaky_relu", tuple(ACTIVATIONS), label="D activation")
    d_opt: str = choice("adam", tuple(OPTIMIZERS), live=True, label="D optimizer")
    d_lr: float = num(0.001, options=LRS, live=True, label="D learning rate")
    loss: str = choice("nonsaturating", tuple(GAN_LOSSES), live=True, label="Loss")
    k_d: int = num(1, lo=1, hi=10, live=True, label="k: D steps per iteration")
    k_g: int = num(1, lo=1, hi=10, live=True, label="G steps per iteration")
    batch: int = num(256, options=BATCHES, live=True, label="Batch size m")
    step_mode: str = choice("both", STEP_MODES, live=True, label="Train")
    seed: int = num(0, lo=0, hi=9999, label="Seed")
    show_real: bool = flag(True, label="Real samples")
    show_fake: bool = flag(True, label="Fake samples")
    show_heatmap: bool = flag(True, label="D(x) heatmap")
    show_manifold: bool = flag(False, label="G manifold")
    show_grads: bool = flag(False, label="G gradients")
    show_dstar: bool = flag(False, label="Optimal D*")
    digits_start: str = choice("checkpoint", ("checkpoint", "scratch"), label="Digits start")
    digits_lr: float = num(0.0002, options=LRS, live=True, label="Digits learning rate")
    digits_data: str = choice("digits8", DIGIT_DATA_NAMES, label="Digits data")


VIEW_TOGGLES = (  # what the 2-D view draws: GAN Lab's layers and D*
    "show_real",
    "show_fake",
    "show_heatmap",
    "show_manifold",
    "show_grads",
    "show_dstar",
)
# what the 2-D GAN does not train on: the panel choice, the digits panel's fields, the view toggles
NOT_PLANE = ("panel", "digits_start", "digits_lr", "digits_data", *VIEW_TOGGLES)


def plane_config(cfg: GanConfig) -> GanConfig:
    """The config the 2-D GAN trains on: ``cfg`` with every field it does not use at its default
    (the drawn points too, unless the target is the drawing), so that changing one of them
    neither rebuilds the trainer nor changes its numbers."""
    unused = {name: getattr(GanConfig, name) for name in NOT_PLANE}
    if cfg.target != DRAWN:
        unused["points"] = ()
    return dataclasses.replace(cfg, **unused)
