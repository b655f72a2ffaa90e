"""Lesson presets for the 2-D GAN: fixed seeds that converge, and ones that show mode collapse,
oscillation or vanishing gradients, each with a one-line explanation (anchors 7(c) #1, 7(e) #3).

A preset is a full GanConfig (defaults plus overrides), so loading one resets every control.
The behaviour each line promises was measured with bench/bench_gan.py. Page: pages/gan.py.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from dlcore.gan.config import GanConfig


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
        "Adam, non-saturating loss, 2x64 nets, seed 0: all 8 modes covered after about 2,000 "
        "iterations, while the losses barely move from 2 ln 2 and ln 2.",
        dict(target="ring8", seed=0),
    ),
    "grid25": Preset(
        "Grid of 25: slow",
        "The same recipe, 3x64 nets, on 25 modes: G spreads over the grid first and sharpens "
        "slowly "
        "(measured, seed 0: 11 of 25 modes hit, JS 0.43 after 2,000 iterations).",
        dict(target="grid25", seed=0, g_layers=3, d_layers=3),
    ),
    "moons": Preset(
        "Two moons",
        "A curved, connected target: the manifold view shows G bending the noise plane into two "
        "arcs (measured, seed 0: JS 0.35 -> 0.1 nats in 2,000 iterations).",
        dict(target="moons", seed=0, show_manifold=True),
    ),
    "spiral": Preset(
        "Spiral",
        "3x64 nets roll the Gaussian noise plane into a spiral (measured, seed 0: JS 0.32 -> 0.05 "
        "nats in 2,000 iterations; with 1-D noise it stayed near 0.6).",
        dict(target="spiral", seed=0, g_layers=3, d_layers=3, show_manifold=True),
    ),
    "fast_g": Preset(
        "Mode collapse: G 10x faster than D",
        "With lr_G = 0.01 and lr_D = 0.001 G chases whatever D currently likes: the samples "
        "pile onto one mode at a time and hop, 'modes hit' stays at 0-1 of 8 (measured, seed 0).",
        dict(target="ring8", seed=0, g_lr=0.01, d_lr=0.001, batch=128, show_grads=True),
    ),
    "saturating": Preset(
        "Minimax loss, strong D: vanishing gradients",
        "The lecture's log(1 - D(G(z))) with k = 5 D steps: D rejects the fakes confidently and "
        "G's gradient (the arrows) shrinks where D is sure, so fewer samples reach the modes "
        "than with the non-saturating loss in the same number of iterations.",
        dict(target="ring8", seed=0, loss="minimax", k_d=5, d_lr=0.003, batch=128, show_grads=True),
    ),
    "ganlab": Preset(
        "GAN Lab defaults from scratch",
        "1x8 ReLU nets, SGD lr 0.1, k = 2, 2-D uniform noise: does not fit a ring from scratch "
        "(measured: JS stays at ln 2, 0 modes, for 1,500 iterations); GAN Lab ships pre-trained "
        "models for this reason.",
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
