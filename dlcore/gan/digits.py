"""An MLP GAN on digits, trained live (the lecture's MNIST experiment): the shipped 8x8 digits, or
MNIST 28x28 when its idx files are cached on this machine (never downloaded implicitly).

8x8: G: z (16) -> 128 -> 64 pixels (tanh), D: 64 -> 128 -> 1. MNIST: G: z (64) -> 256 -> 256 ->
784, D: 784 -> 256 -> 256 -> 1 (``DIGIT_DATA``). Adam (beta1 0.5), batch 64, non-saturating loss.
Views: fresh samples, a fixed-noise grid (watch individual samples evolve) and the lecture's
"digits obtained by linearly interpolating between coordinates in z space".
Quality: a softmax-regression "judge" trained on the real digits gives the mean confidence of
its prediction and the normalised entropy of the predicted classes (1.0 = all ten digits equally
often, 0 = one digit only: mode collapse). A checkpoint of the 8x8 GAN made by
``python -m dlcore.pretrain gan`` is shipped in assets/gan/ (MNIST starts from scratch).
MNIST files are read by dlcore.data.mnist (shared cache folder, $DLX_DATA_DIR).
Page: pages/gan.py (Digits panel).
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
from torch import nn

from dlcore.config import choice, num
from dlcore.data.digits import load_digits
from dlcore.data.mnist import DataUnavailable, load_mnist, mnist_cache_dir
from dlcore.device import get_device, to_numpy
from dlcore.gan.losses import GAN_LOSSES
from dlcore.gan.nets import OPTIMIZERS, build_pair
from dlcore.nosync import Metrics
from dlcore.trainer import BaseTrainer, History

BATCH = 64
N_GRID = 16  # samples per grid (4 x 4)
N_JUDGE = 500  # samples the judge scores per evaluation
JUDGE_EVERY = 250
MNIST_TRAIN = 20_000  # MNIST images kept in memory (float32: 63 MB, shared by all sessions)
JUDGE_FIT = 5_000  # real images the judge is fitted on
CHECKPOINT = Path(__file__).resolve().parents[2] / "assets" / "gan" / "digits_gan.pt"
LRS = (0.0001, 0.0002, 0.0005, 0.001, 0.002)


@dataclass(frozen=True)
class DigitData:
    """One digit data set and the G / D sized for it."""

    label: str
    side: int  # images are side x side
    z_dim: int
    layers: int  # hidden layers of G and of D
    hidden: int  # neurons per hidden layer
    checkpoint: Path | None  # shipped weights (None: always from scratch)


DIGIT_DATA = {
    "digits8": DigitData("8x8 digits (shipped)", 8, 16, 1, 128, CHECKPOINT),
    "mnist": DigitData("MNIST 28x28 (when cached)", 28, 64, 2, 256, None),
}
Z_DIM = DIGIT_DATA["digits8"].z_dim  # the shipped checkpoint's noise size


@dataclass(frozen=True)
class DigitsConfig:
    seed: int = num(0, lo=0, hi=9999)
    start: str = choice("checkpoint", ("checkpoint", "scratch"))
    lr: float = num(0.0002, options=LRS, live=True)
    data: str = choice("digits8", tuple(DIGIT_DATA))


@dataclass(frozen=True)
class DigitsSnapshot:
    samples: np.ndarray  # (16, S, S) in [0, 1], fresh noise each snapshot (S = 8 or 28)
    fixed: np.ndarray  # (16, S, S) from the same fixed noise every time
    hist: dict[str, np.ndarray]  # step, d_loss, g_loss, j_step, confidence, class_entropy
    start_steps: int  # steps the checkpoint had been trained for (0 from scratch)
    steps: int
    start_note: str  # where the weights came from, for the page


@dataclass(frozen=True)
class JudgeScore:
    confidence: float  # mean max class probability (real digits: about 0.9+)
    class_entropy: float  # entropy of the predicted-class histogram / ln 10
    class_counts: np.ndarray  # (10,)


@dataclass(frozen=True)
class RealDigits:
    """Real images flattened to (N, S*S) in [-1, 1] (tanh range), labels, and the side S."""

    x: torch.Tensor  # (N, S*S) float32, CPU, read-only (shared by every session)
    y: np.ndarray  # (N,) int64
    side: int


def to_pixels(x: torch.Tensor) -> torch.Tensor:
    """tanh range [-1, 1] -> ink in [0, 1]."""
    return (x + 1) / 2


@lru_cache(maxsize=4)
def _real(name: str, cache: str) -> RealDigits:
    if name == "mnist":
        split = load_mnist(Path(cache), n_train=MNIST_TRAIN, n_test=1)
        x, y, side = split.x_train, split.y_train, split.side
    else:
        d = load_digits()
        x, y, side = d.images.reshape(len(d.images), -1), np.asarray(d.labels), 8
    return RealDigits(torch.from_numpy(np.asarray(x, np.float32) * 2 - 1), y, side)


def real_digits(name: str) -> RealDigits:
    """The data set ``name`` (cached per process). MNIST raises DataUnavailable when not cached."""
    return _real(name, str(mnist_cache_dir()) if name == "mnist" else "")


def resolve_data(name: str) -> tuple[str, str | None]:
    """(the data set to use, a message): MNIST falls back to the shipped 8x8 digits when its
    files are not on this machine (or are broken), with the reason."""
    if name not in DIGIT_DATA:
        return "digits8", f"Unknown digit data {name!r}: using the shipped 8x8 digits."
    if name == "digits8":
        return name, None
    try:
        real_digits(name)
    except (DataUnavailable, OSError, ValueError, struct.error) as err:  # missing or broken files
        return "digits8", f"{err} Training on the shipped 8x8 digits instead."
    return name, None


@lru_cache(maxsize=4)
def _fit_judge(name: str, cache: str) -> tuple[np.ndarray, np.ndarray]:
    real = _real(name, cache)
    x = to_pixels(real.x[:JUDGE_FIT])
    y = torch.from_numpy(np.array(real.y[:JUDGE_FIT]))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        lin = nn.Linear(x.shape[1], 10)
    opt = torch.optim.LBFGS(lin.parameters(), max_iter=200, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        opt.zero_grad()
        loss = nn.functional.cross_entropy(lin(x), y) + 1e-3 * lin.weight.pow(2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    return to_numpy(lin.weight.T).copy(), to_numpy(lin.bias).copy()


def fit_judge(name: str = "digits8") -> tuple[np.ndarray, np.ndarray]:
    """Softmax regression on the real digits (L-BFGS, L2); returns (W (S*S, 10), b (10,))."""
    return _fit_judge(name, str(mnist_cache_dir()) if name == "mnist" else "")


def judge(images: np.ndarray, name: str = "digits8") -> JudgeScore:
    """Score images (N, S, S) in [0, 1] with the classifier fitted on the real ``name`` digits."""
    w, b = fit_judge(name)
    logits = images.reshape(len(images), -1) @ w + b  # (N, 10)
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


def noise(n: int, seed: int, device: torch.device, z_dim: int = Z_DIM) -> torch.Tensor:
    return torch.randn(n, z_dim, generator=torch.Generator().manual_seed(seed)).to(device)


class DigitsGan(BaseTrainer):
    """Live digits GAN; ``cfg`` is a DigitsConfig (``cfg.data``: a key of DIGIT_DATA)."""

    def __init__(self, cfg: DigitsConfig, device: torch.device | None = None) -> None:
        super().__init__(cfg)
        self.device = device or get_device()
        self.spec = DIGIT_DATA[cfg.data]
        real = real_digits(cfg.data)  # raises DataUnavailable: the page resolves first
        self.side, self.z_dim = real.side, self.spec.z_dim
        seed = int(cfg.seed)
        shape = (self.spec.layers, self.spec.hidden, "leaky_relu")
        self.G, self.D = build_pair(
            self.z_dim, self.side**2, shape, shape, seed, self.device, g_out=nn.Tanh()
        )
        self.start_steps = self._load() if cfg.start == "checkpoint" else 0
        self.opt_g = OPTIMIZERS["adam"](self.G.parameters(), cfg.lr)
        self.opt_d = OPTIMIZERS["adam"](self.D.parameters(), cfg.lr)
        self.data = real.x.to(self.device)  # no copy on CPU
        self.gen = torch.Generator().manual_seed(seed)  # training batches only
        self.view_gen = torch.Generator().manual_seed(seed + 3)  # the fresh samples of a frame
        self.z_fixed = noise(N_GRID, seed + 1, self.device, self.z_dim)
        self.z_judge = noise(N_JUDGE, seed + 2, self.device, self.z_dim)
        self.loss = GAN_LOSSES["nonsaturating"]
        self.quality = History()
        self._judge()

    def _load(self) -> int:
        if self.spec.checkpoint is None:
            return 0
        ck = load_checkpoint(str(self.spec.checkpoint))
        self.G.load_state_dict(ck["G"])
        self.D.load_state_dict(ck["D"])
        return int(ck["steps"])

    @property
    def start_note(self) -> str:
        if self.start_steps:
            return f"Checkpoint trained {self.start_steps:,} steps before this session."
        if self.cfg.start == "checkpoint":
            name = self.spec.label.split(" (")[0]
            return f"No shipped checkpoint for {name}: trained from scratch here."
        return "Trained from scratch in this session."

    def _on_update(self, changed: set[str]) -> None:
        for opt in (self.opt_g, self.opt_d):
            for group in opt.param_groups:
                group["lr"] = self.cfg.lr

    @property
    def steps_per_epoch(self) -> int:  # an epoch = one pass over the real images
        return math.ceil(len(self.data) / BATCH)

    def step(self, n: int = 1) -> Metrics:
        """n steps (a D update, then a G update), one row of curves a step: the same curves
        however the steps were chunked into live frames. The losses stay on the device until
        the history is read (a frame); the returned row is read only when looked at."""
        for _ in range(max(1, int(n))):
            idx = torch.randint(len(self.data), (BATCH,), generator=self.gen).to(self.device)
            z = torch.randn(2, BATCH, self.z_dim, generator=self.gen).to(self.device)
            row = {"d_loss": self._d_step(self.data[idx], z[0]), "g_loss": self._g_step(z[1])}
            self.steps += 1
            self.history.append(self.steps, row)
            if self.steps % JUDGE_EVERY == 0:
                self._judge(self.steps)
        return Metrics({"step": self.steps, **row})

    def _d_step(self, x: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            fake = self.G(z)  # (B, S*S)
        s = self.D(torch.cat([x, fake]))
        loss = self.loss.d_loss(s[: len(x)], s[len(x) :])
        self.opt_d.zero_grad(set_to_none=True)
        loss.backward()
        self.opt_d.step()
        return loss.detach()

    def _g_step(self, z: torch.Tensor) -> torch.Tensor:
        loss = self.loss.g_loss(self.D(self.G(z)))
        self.opt_g.zero_grad(set_to_none=True)
        loss.backward()
        self.opt_g.step()
        return loss.detach()

    @torch.no_grad()
    def generate(self, z: torch.Tensor) -> np.ndarray:
        """Images (N, S, S) in [0, 1] for noise z (N, z_dim)."""
        return to_numpy(to_pixels(self.G(z))).reshape(-1, self.side, self.side)

    def _judge(self, step: int = 0) -> JudgeScore:
        score = judge(self.generate(self.z_judge), self.cfg.data)
        self.quality.append(
            step, {"confidence": score.confidence, "class_entropy": score.class_entropy}
        )
        return score

    def interpolate(self, seed_a: int, seed_b: int, n: int = 10) -> np.ndarray:
        """G along the straight line from z_a to z_b (the lecture's figure): (n, S, S)."""
        za = noise(1, seed_a, self.device, self.z_dim)
        zb = noise(1, seed_b, self.device, self.z_dim)
        alpha = torch.linspace(0, 1, n, device=self.device)[:, None]
        return self.generate((1 - alpha) * za + alpha * zb)

    def snapshot(self) -> DigitsSnapshot:
        z = torch.randn(N_GRID, self.z_dim, generator=self.view_gen).to(self.device)
        hist = {k: self.history.array(k) for k in ("step", "d_loss", "g_loss")}
        hist.update(
            j_step=self.quality.array("step"),
            confidence=self.quality.array("confidence"),
            class_entropy=self.quality.array("class_entropy"),
        )
        return DigitsSnapshot(
            self.generate(z),
            self.generate(self.z_fixed),
            hist,
            self.start_steps,
            self.steps,
            self.start_note,
        )
