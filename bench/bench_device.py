"""Every live trainer on the chosen device: steps a second, and where the time goes (issue 25).

    python bench/bench_device.py [--device cuda|mps|cpu] [--seconds 3]

For each trainer the live pages use: steps/s while training (``step`` in chunks, as the live loop
does), the cost of one ``snapshot`` (what a frame draws from), and the host syncs each makes:
calls that bring a tensor's value to the host (``.item()``, ``float()``, ``.tolist()``,
``.numpy()``, ``.cpu()``). On a GPU each is a device-to-host copy that waits for the queue; the
design keeps them at snapshot time (a frame), not at every step. On the CPU they cost nothing
but are counted the same way, so the figure says what a GPU would pay.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

SYNCS = ("item", "tolist", "numpy", "cpu", "__float__", "__int__", "__bool__")


@contextmanager
def counting_syncs():
    """Count calls that bring a tensor's value to the host while the block runs."""
    count = [0]
    saved = {name: getattr(torch.Tensor, name) for name in SYNCS}

    def wrap(real):
        def counted(self, *args, **kwargs):
            count[0] += 1
            return real(self, *args, **kwargs)

        return counted

    for name, real in saved.items():
        setattr(torch.Tensor, name, wrap(real))
    try:
        yield count
    finally:
        for name, real in saved.items():
            setattr(torch.Tensor, name, real)


def twin_steps(quiet, watched, n: int = 8) -> tuple[int, object, object]:
    """Two twin trainers: ``quiet`` trains 1 step, then ``n`` counting its host syncs;
    ``watched`` trains 1 + n single steps, its metrics read at each. Returns (syncs, quiet's
    metrics, watched's last metrics): for tests that a step reads nothing and that reading at
    once changes no number."""
    quiet.step(1)
    with counting_syncs() as count:
        metrics = quiet.step(n)
    for _ in range(1 + n):
        last = watched.step(1)
        {k: float(v) for k, v in last.items()}  # read at once
    return count[0], metrics, last


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def trainers(device: torch.device) -> dict[str, Callable[[], object]]:
    """Name -> a factory of each live page's trainer at the page's defaults, on ``device``."""
    from dlcore.attention.config import AttentionConfig
    from dlcore.attention.trainer import DateTrainCfg, DateTrainer
    from dlcore.conv.config import ConvConfig, train_config
    from dlcore.conv.train import DigitsTrainer
    from dlcore.gan.config import GanConfig
    from dlcore.gan.digits import DigitsConfig, DigitsGan
    from dlcore.gan.plane import PlaneGan
    from dlcore.ntm.checkpoints import load_model
    from dlcore.ntm.config import NTMConfig
    from dlcore.ntm.live import NTMLiveTrainer
    from dlcore.playground.config import PlaygroundConfig
    from dlcore.playground.trainer import PlaygroundTrainer
    from dlcore.rnn.config import TrainSpec
    from dlcore.rnn.trainer import CLIP_PAIR, TaskTrainer
    from dlcore.vae.config import VAEConfig
    from dlcore.vae.train import VAETrainer

    def ntm():
        _, ckpt = load_model("ntm")
        return NTMLiveTrainer(NTMConfig(), state=ckpt["state"], spec=ckpt["spec"])

    return {
        "playground (numpy)": lambda: PlaygroundTrainer(PlaygroundConfig()),
        "conv digits CNN": lambda: DigitsTrainer(train_config(ConvConfig()), device),
        "rnn trio": lambda: TaskTrainer(TrainSpec(), device),
        "rnn clipping pair": lambda: TaskTrainer(TrainSpec(), device, arms=CLIP_PAIR),
        "attention dates": lambda: DateTrainer(DateTrainCfg.of(AttentionConfig())),
        "ntm copy": ntm,
        "vae": lambda: VAETrainer(VAEConfig(), device),
        "gan plane": lambda: PlaneGan(GanConfig(), device),
        "gan digits": lambda: DigitsGan(DigitsConfig(), device),
    }


def measure(make: Callable[[], object], device: torch.device, seconds: float) -> dict:
    trainer = make()
    trainer.step(1)  # warm: first kernels, allocator, lazy imports
    trainer.snapshot()
    _sync(device)
    chunk, steps, train_s, step_syncs = 1, 0, 0.0, 0
    while train_s < seconds:
        with counting_syncs() as count:
            t0 = time.perf_counter()
            trainer.step(chunk)
            _sync(device)
            dt = time.perf_counter() - t0
        train_s, steps, step_syncs = train_s + dt, steps + chunk, step_syncs + count[0]
        chunk = min(chunk * 2, 64) if dt < 0.05 else chunk
    snaps = []
    with counting_syncs() as count:
        for _ in range(5):
            t0 = time.perf_counter()
            trainer.snapshot()
            _sync(device)
            snaps.append(time.perf_counter() - t0)
    return {
        "steps_per_s": steps / train_s,
        "ms_per_step": 1000 * train_s / steps,
        "ms_per_snapshot": 1000 * sorted(snaps)[len(snaps) // 2],
        "syncs_per_step": step_syncs / steps,
        "syncs_per_snapshot": count[0] / len(snaps),
    }


def main() -> None:
    from dlcore.device import device_label, get_device, set_threads

    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default=None)
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--only", default="", help="comma-separated substrings of trainer names")
    args = ap.parse_args()
    set_threads()
    device = get_device(args.device)
    print(f"device: {device_label(device)}")
    for name, make in trainers(device).items():
        if args.only and not any(s in name for s in args.only.split(",")):
            continue
        m = measure(make, device, args.seconds)
        print(
            f"{name}: {m['steps_per_s']:,.0f} steps/s ({m['ms_per_step']:.2f} ms a step), "
            f"snapshot {m['ms_per_snapshot']:.1f} ms, host syncs {m['syncs_per_step']:.1f} a step "
            f"and {m['syncs_per_snapshot']:.0f} a snapshot",
            flush=True,
        )


if __name__ == "__main__":
    main()
