"""An MLP GAN on the shipped 8x8 digits, trained live (the lecture's MNIST experiment, small).

G: z (16) -> 128 -> 64 pixels (tanh), D: 64 -> 128 -> 1, Adam (beta1 0.5), batch 64,
non-saturating loss. Views: fresh samples, a fixed-noise grid (watch individual samples evolve) and
the lecture's "digits obtained by linearly interpolating between coordinates in z space".
Quality: a softmax-regression "judge" trained on the real digits gives the mean confidence of
its prediction and the normalised entropy of the predicted classes (1.0 = all ten digits equally
often, 0 = one digit only: mode collapse). A checkpoint made by ``python -m dlcore.pretrain gan``
is shipped in assets/gan/. Page: pages/gan.py (Digits panel).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
from torch import nn

from dlcore.config import choice, num
from dlcore.data.digits import load_digits
from dlcore.device import get_device, to_numpy
from dlcore.gan.losses import GAN_LOSSES
from dlcore.gan.nets import OPTIMIZERS, build_pair
from dlcore.trainer import BaseTrainer, History

Z_DIM = 16
HIDDEN = 128
BATCH = 64
N_GRID = 16  # samples per grid (4 x 4)
N_JUDGE = 500  # samples the judge scores per evaluation
JUDGE_EVERY = 250
CHECKPOINT = Path(__file__).resolve().parents[2] / "assets" / "gan" / "digits_gan.pt"
LRS = (0.0001, 0.0002, 0.0005, 0.001, 0.002)


@dataclass(frozen=True)
class DigitsConfig:
    seed: int = num(0, lo=0, hi=9999)
    start: str = choice("checkpoint", ("checkpoint", "scratch"))
    lr: float = num(0.0002, options=LRS, live=True)


@dataclass(frozen=True)
class DigitsSnapshot:
    samples: np.ndarray  # (16, 8, 8) in [0, 1], fresh noise each snapshot
    fixed: np.ndarray  # (16, 8, 8) from the same fixed noise every time
    hist: dict[str, np.ndarray]  # step, d_loss, g_loss, j_step, confidence, class_entropy
    start_steps: int  # steps the checkpoint had been trained for (0 from scratch)
    steps: int


@dataclass(frozen=True)
class JudgeScore:
    confidence: float  # mean max class probability (real digits: about 0.9+)
    class_entropy: float  # entropy of the predicted-class histogram / ln 10
    class_counts: np.ndarray  # (10,)


def to_pixels(x: torch.Tensor) -> torch.Tensor:
    """tanh range [-1, 1] -> ink in [0, 1]."""
    return (x + 1) / 2


@lru_cache(maxsize=1)
def fit_judge() -> tuple[np.ndarray, np.ndarray]:
    """Softmax regression on all real digits (L-BFGS, L2); returns (W (64, 10), b (10,))."""
    d = load_digits()
    x = torch.tensor(d.images.reshape(-1, 64))
    y = torch.tensor(d.labels)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        lin = nn.Linear(64, 10)
    opt = torch.optim.LBFGS(lin.parameters(), max_iter=200, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        opt.zero_grad()
        loss = nn.functional.cross_entropy(lin(x), y) + 1e-3 * lin.weight.pow(2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    return to_numpy(lin.weight.T).copy(), to_numpy(lin.bias).copy()


def judge(images: np.ndarray) -> JudgeScore:
    """Score images (N, 8, 8) in [0, 1] with the real-digit classifier."""
    w, b = fit_judge()
    logits = images.reshape(len(images), 64) @ w + b  # (N, 10)
    p = np.exp(logits - logits.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    counts = np.bincount(p.argmax(1), minlength=10)
    freq = counts / counts.sum()
    nz = freq[freq > 0]
    return JudgeScore(
        float(p.max(1).mean()), float(-(nz * np.log(nz)).sum() / math.log(10)), counts
    )


@lru_cache(maxsize=1)
def load_checkpoint(path: str = str(CHECKPOINT)) -> dict:
    """The shipped weights (read-only, loaded once per process)."""
    return torch.load(path, map_location="cpu", weights_only=True)


def noise(n: int, seed: int, device: torch.device) -> torch.Tensor:
    return torch.randn(n, Z_DIM, generator=torch.Generator().manual_seed(seed)).to(device)


class DigitsGan(BaseTrainer):
    """Live digits GAN; ``cfg`` is a DigitsConfig."""

    def __init__(self, cfg: DigitsConfig, device: torch.device | None = None) -> None:
        super().__init__(cfg)
        self.device = device or get_device()
        seed = int(cfg.seed)
        self.G, self.D = build_pair(
            Z_DIM,
            64,
            (1, HIDDEN, "leaky_relu"),
            (1, HIDDEN, "leaky_relu"),
            seed,
            self.device,
            g_out=nn.Tanh(),
        )
        self.start_steps = self._load() if cfg.start == "checkpoint" else 0
        self.opt_g = OPTIMIZERS["adam"](self.G.parameters(), cfg.lr)
        self.opt_d = OPTIMIZERS["adam"](self.D.parameters(), cfg.lr)
        self.data = torch.tensor(load_digits().images.reshape(-1, 64) * 2 - 1, device=self.device)
        self.gen = torch.Generator().manual_seed(seed)
        self.z_fixed = noise(N_GRID, seed + 1, self.device)
        self.z_judge = noise(N_JUDGE, seed + 2, self.device)
        self.loss = GAN_LOSSES["nonsaturating"]
        self.quality = History()
        self._judge()

    def _load(self) -> int:
        ck = load_checkpoint()
        self.G.load_state_dict(ck["G"])
        self.D.load_state_dict(ck["D"])
        return int(ck["steps"])

    def _on_update(self, changed: set[str]) -> None:
        for opt in (self.opt_g, self.opt_d):
            for group in opt.param_groups:
                group["lr"] = self.cfg.lr

    @property
    def steps_per_epoch(self) -> int:  # an epoch = one pass over the 1,797 digits
        return math.ceil(len(self.data) / BATCH)

    def _train(self, n: int) -> dict[str, float]:
        d_sum = g_sum = 0.0
        for i in range(n):
            idx = torch.randint(len(self.data), (BATCH,), generator=self.gen).to(self.device)
            z = torch.randn(2, BATCH, Z_DIM, generator=self.gen).to(self.device)
            d_sum += self._d_step(self.data[idx], z[0])
            g_sum += self._g_step(z[1])
            if (self.steps + i + 1) % JUDGE_EVERY == 0:
                self._judge(self.steps + i + 1)
        return {"d_loss": d_sum / n, "g_loss": g_sum / n}

    def _d_step(self, x: torch.Tensor, z: torch.Tensor) -> float:
        with torch.no_grad():
            fake = self.G(z)  # (B, 64)
        s = self.D(torch.cat([x, fake]))
        loss = self.loss.d_loss(s[: len(x)], s[len(x) :])
        self.opt_d.zero_grad(set_to_none=True)
        loss.backward()
        self.opt_d.step()
        return loss.item()

    def _g_step(self, z: torch.Tensor) -> float:
        loss = self.loss.g_loss(self.D(self.G(z)))
        self.opt_g.zero_grad(set_to_none=True)
        loss.backward()
        self.opt_g.step()
        return loss.item()

    @torch.no_grad()
    def generate(self, z: torch.Tensor) -> np.ndarray:
        """Images (N, 8, 8) in [0, 1] for noise z (N, 16)."""
        return to_numpy(to_pixels(self.G(z))).reshape(-1, 8, 8)

    def _judge(self, step: int = 0) -> JudgeScore:
        score = judge(self.generate(self.z_judge))
        self.quality.append(
            step, {"confidence": score.confidence, "class_entropy": score.class_entropy}
        )
        return score

    def interpolate(self, seed_a: int, seed_b: int, n: int = 10) -> np.ndarray:
        """G along the straight line from z_a to z_b (the lecture's figure): (n, 8, 8)."""
        za, zb = noise(1, seed_a, self.device), noise(1, seed_b, self.device)
        alpha = torch.linspace(0, 1, n, device=self.device)[:, None]
        return self.generate((1 - alpha) * za + alpha * zb)

    def snapshot(self) -> DigitsSnapshot:
        z = torch.randn(N_GRID, Z_DIM, generator=self.gen).to(self.device)
        hist = {k: self.history.array(k) for k in ("step", "d_loss", "g_loss")}
        hist.update(
            j_step=self.quality.array("step"),
            confidence=self.quality.array("confidence"),
            class_entropy=self.quality.array("class_entropy"),
        )
        return DigitsSnapshot(
            self.generate(z), self.generate(self.z_fixed), hist, self.start_steps, self.steps
        )
