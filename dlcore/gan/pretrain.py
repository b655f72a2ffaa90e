"""Train and save the digits GAN checkpoint shipped in assets/gan/digits_gan.pt.

Run: ``python -m dlcore.pretrain gan [--steps 6000] [--seed 0] [--out PATH]`` (seeded, about
10-20 s on 2 CPU cores). Page: pages/gan.py (Digits panel, "start from checkpoint").
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

from dlcore.gan.digits import CHECKPOINT, DigitsConfig, DigitsGan
from dlcore.pretrain import report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m dlcore.pretrain gan")
    ap.add_argument("--steps", type=int, default=6000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=CHECKPOINT)
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    t = DigitsGan(DigitsConfig(seed=args.seed, start="scratch"), torch.device("cpu"))
    while t.steps < args.steps:
        t.step(min(500, args.steps - t.steps))
        q = t.quality.last()
        report(
            f"step {t.steps}: confidence {q['confidence']:.3f} "
            f"class entropy {q['class_entropy']:.3f}",
            flush=True,
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    state = {"G": t.G.state_dict(), "D": t.D.state_dict(), "steps": t.steps, "seed": args.seed}
    torch.save(state, args.out)
    report(f"saved {args.out} ({args.out.stat().st_size / 1024:.0f} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
