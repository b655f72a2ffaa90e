"""Lesson presets for the 2-D GAN: fixed seeds that converge, and ones that show mode collapse,
oscillation or vanishing gradients, each with a one-line explanation (anchors 7(c) #1, 7(e) #3).

A preset is a full GanConfig (defaults plus overrides), so loading one resets every control;
``matching_preset`` names the preset a config's training settings match (a link that loads the
moons says "Two moons", settings of one's own say none). The behaviour each line promises was
measured with bench/bench_gan.py (``--lessons`` for the two failure presets). Page: pages/gan.py.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from dlcore.gan.config import GanConfig, plane_config


@dataclass(frozen=True)
class Preset:
    label: str
    explain: str
    overrides: dict[str, Any]

    def config(self) -> GanConfig:
        return dataclasses.replace(GanConfig(), **self.overrides)


PRESETS: dict[str, Preset] = {
    "ring8": Preset(
        "Ring of 8: converges",
        "Adam, non-saturating loss, two hidden layers of 64 in each net, seed 0: all 8 modes "
        "covered after about 2,000 iterations, while the losses barely move from $2 \\ln 2$ "
        "and $\\ln 2$.",
        dict(target="ring8", seed=0),
    ),
    "grid25": Preset(
        "Grid of 25: slow",
        "The same recipe, three hidden layers of 64, on 25 modes: G spreads over the grid first "
        "and sharpens slowly (measured, seed 0: 11 of 25 modes hit, JS 0.43 after 2,000 "
        "iterations).",
        dict(target="grid25", seed=0, g_layers=3, d_layers=3),
    ),
    "moons": Preset(
        "Two moons",
        "A curved, connected target: the manifold view shows G bending the noise plane into two "
        "arcs (measured, seed 0: JS 0.35 \u2192 0.1 nats in 2,000 iterations).",
        dict(target="moons", seed=0, show_manifold=True),
    ),
    "spiral": Preset(
        "Spiral",
        "Nets of three hidden layers of 64 roll the Gaussian noise plane into a spiral (measured, "
        "seed 0: JS 0.32 \u2192 0.05 "
        "nats in 2,000 iterations; with 1-D noise it stayed near 0.6).",
        dict(target="spiral", seed=0, g_layers=3, d_layers=3, show_manifold=True),
    ),
    "fast_g": Preset(
        "Mode collapse: G 10x faster than D",
        "With learning rates 0.01 for G and 0.001 for D, G chases whatever D currently likes: "
        "the samples pile onto one mode at a time and hop, 'modes hit' stays at 0-1 of 8 "
        "(measured, seed 0).",
        dict(target="ring8", seed=0, g_lr=0.01, d_lr=0.001, batch=128, show_grads=True),
    ),
    "saturating": Preset(
        "Minimax loss: vanishing gradients",
        "The lecture's minimax loss $\\log(1 - D(G(z)))$, a strong D (Adam, $k = 5$) and SGD "
        "for G: D rejects the first fakes with certainty ($D(G(z)) = 0.000$), the loss "
        "saturates and G's gradient vanishes (its norm is $10^{-3}$ after 200 iterations, "
        "$10^{-5}$ after 1,000): the orange samples do not move. Switch **Loss** to "
        "non-saturating: the gradient grows about 10,000 times and the samples reach the ring "
        "within 100 iterations (measured, seeds 0 to 2).",
        dict(
            target="ring8",
            seed=0,
            loss="minimax",
            k_d=5,
            d_lr=0.003,
            g_opt="sgd",
            g_lr=0.0003,
            batch=128,
            show_grads=True,
        ),
    ),
    "oscillation": Preset(
        "Oscillation: G and D chase each other",
        "SGD with momentum (learning rate 0.003 for both nets) on a single Gaussian: G squeezes "
        "its samples into a small blob that runs to wherever D says 'real', D turns its boundary "
        "after it, and the pair keeps swinging across the data instead of settling (measured, "
        "seed 0, iterations 500-1,000: the blob's centre crossed the data 4 times and stayed "
        "0.62 from its centre on average; with Adam's defaults it settles within 0.13).",
        dict(target="gaussian", seed=0, g_opt="sgd", d_opt="sgd", g_lr=0.003, d_lr=0.003),
    ),
    "ganlab": Preset(
        "GAN Lab defaults from scratch",
        "One hidden layer of 8 ReLUs in each net, SGD with learning rate 0.1, $k = 2$, 2-D "
        "uniform noise: does not fit a ring from scratch (measured: JS stays at $\\ln 2$, 0 "
        "modes, for 1,500 iterations); GAN Lab ships pre-trained models for this reason.",
        dict(
            target="ring8",
            seed=0,
            noise="uniform2",
            g_layers=1,
            g_neurons=8,
            d_layers=1,
            d_neurons=8,
            g_act="relu",
            d_act="relu",
            g_opt="sgd",
            d_opt="sgd",
            g_lr=0.1,
            d_lr=0.1,
            k_d=2,
            batch=128,
        ),
    ),
}


def matching_preset(cfg: GanConfig) -> str | None:
    """The preset whose training settings ``cfg`` has (view toggles, the digits panel's fields
    and the panel aside: plane_config), or None for settings of the student's own."""
    mine = plane_config(cfg)
    return next((key for key, p in PRESETS.items() if plane_config(p.config()) == mine), None)
