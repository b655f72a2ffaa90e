"""Live training of the digits CNN (``dlcore.conv.model``) behind the page's Train controls.

Plain Python trainer (DESIGN.md section 2): ``step(n)`` runs n Adam steps on seeded minibatches of
the shipped digits with +-1 pixel random shifts, ``snapshot()`` returns the learned first-layer
kernels and test accuracy. Used by ``pages/convolution.py`` and by ``dlcore/conv/pretrain.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from dlcore.config import choice, num
from dlcore.conv.model import DigitsCNN, first_layer_kernels, new_model, pretrained
from dlcore.data.digits import train_test_split
from dlcore.device import get_device
from dlcore.nosync import Metrics
from dlcore.trainer import BaseTrainer


@dataclass(frozen=True)
class TrainConfig:
    init: str = choice("random", ("random", "pretrained"), label="Start from")
    lr: float = num(0.01, lo=1e-4, hi=0.1, live=True, label="Learning rate")
    batch: int = num(64, options=(16, 32, 64, 128), live=True, label="Batch size")
    seed: int = num(0, lo=0, hi=9999, label="Seed")


@dataclass(frozen=True)
class TrainSnapshot:
    kernels: np.ndarray  # (8, 3, 3) conv1 weights
    steps: int
    epoch: float
    train_loss: float
    test_acc: float
    loss_curve: np.ndarray  # (n,) train loss per step
    step_axis: np.ndarray  # (n,)


class Adam:
    """Adam (Kingma & Ba 2015), written out: m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2,
    p -= lr m_hat / (sqrt(v_hat) + eps). Same update as ``torch.optim.Adam``; written here because
    the first ``torch.optim`` optimizer in a process imports torch._dynamo (about 10 s)."""

    def __init__(
        self, params, lr: float, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8
    ) -> None:
        self.params = [p for p in params if p.requires_grad]
        self.param_groups = [{"lr": float(lr)}]
        self.beta1, self.beta2, self.eps, self.t = betas[0], betas[1], eps, 0
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]

    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        self.t += 1
        lr, b1, b2 = self.param_groups[0]["lr"], self.beta1, self.beta2
        for p, m, v in zip(self.params, self.m, self.v):
            if p.grad is None:
                continue
            m.mul_(b1).add_(p.grad, alpha=1 - b1)
            v.mul_(b2).addcmul_(p.grad, p.grad, value=1 - b2)
            m_hat = m / (1 - b1**self.t)
            v_hat = v / (1 - b2**self.t)
            p.addcdiv_(m_hat, v_hat.sqrt().add_(self.eps), value=-lr)


def random_shift(x: torch.Tensor, gen: torch.Generator, max_px: int = 1) -> torch.Tensor:
    """Shift each (1, 8, 8) image by up to ``max_px`` pixels (zero fill): cheap augmentation."""
    b = x.shape[0]
    pad = F.pad(x, (max_px,) * 4)  # (B, 1, 8 + 2m, 8 + 2m)
    offs = torch.randint(0, 2 * max_px + 1, (b, 2), generator=gen).to(x.device)  # (B, 2) dy, dx
    # one gather on the device, no offset read to the host: out[i, c, r, k] = pad[i, c, r+dy, k+dx]
    span = torch.arange(8, device=x.device)
    rows = (offs[:, 0, None] + span)[:, None, :, None]  # (B, 1, 8, 1)
    cols = (offs[:, 1, None] + span)[:, None, None, :]  # (B, 1, 1, 8)
    batch = torch.arange(b, device=x.device)[:, None, None, None]
    chans = torch.arange(x.shape[1], device=x.device)[None, :, None, None]
    return pad[batch, chans, rows, cols]  # (B, C, 8, 8)


class DigitsTrainer(BaseTrainer):
    def __init__(self, cfg: TrainConfig, device: torch.device | None = None) -> None:
        super().__init__(cfg)
        self.device = device or get_device()
        split = train_test_split(0.2, seed=0)
        self.x_train = torch.as_tensor(np.array(split.train.images), device=self.device)[:, None]
        self.y_train = torch.as_tensor(np.array(split.train.labels), device=self.device)
        self.x_test = torch.as_tensor(np.array(split.test.images), device=self.device)[:, None]
        self.y_test = torch.as_tensor(np.array(split.test.labels), device=self.device)
        self.gen = torch.Generator().manual_seed(int(cfg.seed))
        self.model = self._initial_model(cfg)
        self.opt = Adam(self.model.parameters(), lr=cfg.lr)
        self.steps_per_epoch = max(1, len(self.y_train) // int(cfg.batch))

    def _initial_model(self, cfg: TrainConfig) -> DigitsCNN:
        model = new_model(cfg.seed, self.device)
        if cfg.init == "pretrained":
            model.load_state_dict(pretrained().state_dict())
        return model.train()

    def step(self, n: int = 1) -> Metrics:
        """n Adam steps; the latest loss and batch accuracy, read only when looked at."""
        return Metrics(super().step(n))

    def _train(self, n: int) -> dict[str, torch.Tensor]:
        for _ in range(n):
            idx = torch.randint(0, len(self.y_train), (int(self.cfg.batch),), generator=self.gen)
            xb = random_shift(self.x_train[idx.to(self.device)], self.gen)
            yb = self.y_train[idx.to(self.device)]
            logits = self.model(xb)
            out = F.cross_entropy(logits, yb)
            self.opt.zero_grad(set_to_none=True)
            out.backward()
            self.opt.step()
        # 0-d tensors on the device: read when a frame reads the history, not every step
        return {"loss": out.detach(), "batch_acc": (logits.argmax(1) == yb).float().mean()}

    def _on_update(self, changed: set[str]) -> None:
        for group in self.opt.param_groups:
            group["lr"] = float(self.cfg.lr)
        self.steps_per_epoch = max(1, len(self.y_train) // int(self.cfg.batch))

    @torch.no_grad()
    def test_accuracy(self) -> float:
        self.model.eval()
        acc = float((self.model(self.x_test).argmax(1) == self.y_test).float().mean())
        self.model.train()
        return acc

    def snapshot(self) -> TrainSnapshot:
        loss = self.history.array("loss") if len(self.history) else np.zeros(0)
        steps = self.history.array("step") if len(self.history) else np.zeros(0)
        return TrainSnapshot(
            kernels=first_layer_kernels(self.model),
            steps=self.steps,
            epoch=self.epoch,
            train_loss=float(loss[-1]) if len(loss) else float("nan"),
            test_acc=self.test_accuracy(),
            loss_curve=loss,
            step_axis=steps,
        )
