"""Make the shipped digits-CNN checkpoint: ``python -m dlcore.pretrain conv [--steps N --seed S]``.

Seeded and reproducible on CPU; trains ``dlcore.conv.model.DigitsCNN`` with ``DigitsTrainer`` and
writes its state dict (about 20 KB) to ``assets/conv/digits_cnn.pt``.
Used by ``pages/convolution.py``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

from dlcore.conv.model import CHECKPOINT
from dlcore.conv.train import DigitsTrainer, TrainConfig
from dlcore.device import get_device, seed_everything
from dlcore.pretrain import report

LR_STAGES = (0.01, 0.003, 0.001)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m dlcore.pretrain conv")
    ap.add_argument("--steps", type=int, default=2000, help="steps per stage (3 stages)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=CHECKPOINT)
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    seed_everything(args.seed)
    trainer = DigitsTrainer(TrainConfig(seed=args.seed), device=torch.device("cpu"))
    for lr in LR_STAGES:  # step decay: a stable final accuracy
        trainer.update(TrainConfig(seed=args.seed, lr=lr))
        chunk = max(1, min(500, args.steps))
        for _ in range(max(1, args.steps // chunk)):
            metrics = trainer.step(chunk)
            acc = trainer.test_accuracy()
            report(
                f"step {trainer.steps} (lr {lr}): loss {metrics['loss']:.4f}, test acc {acc:.4f}"
            )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().cpu().clone() for k, v in trainer.model.state_dict().items()}
    torch.save(state, args.out)
    report(f"saved {args.out} (test acc {trainer.test_accuracy():.4f}, device {get_device()})")
    return 0
