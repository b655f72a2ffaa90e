"""Benchmarks of the NTM page: python bench/bench_ntm.py [--n 64] [--no-browser] [--retrain].

1. The issue's bars on the shipped checkpoints (fixed seed): mean wrong bits per sequence over
   lengths 1-20 (n sequences per length) and at lengths 40, 80, 120, for the NTM and the LSTM;
   the NTM with each "break it" switch at lengths 20 and 40.
2. Training time of the shipped NTM (recorded by the script in the checkpoint: wall and CPU), or
   with --retrain a fresh `python -m dlcore.pretrain ntm --model ntm` run into a temp dir, timed.
3. Live trainer speed (page's batch of 16) in steps/s.
4. In a real browser (bench/harness.py): time until each view is ready in a new session once the
   server has loaded the models (the page's "first render after the model is loaded").
Prints one line per figure: `name: value unit`.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from dlcore.ntm.addressing import Ablation  # noqa: E402
from dlcore.ntm.analysis import ABLATIONS  # noqa: E402
from dlcore.ntm.checkpoints import load_model  # noqa: E402
from dlcore.ntm.config import NTMConfig  # noqa: E402
from dlcore.ntm.live import NTMLiveTrainer  # noqa: E402
from dlcore.ntm.train import evaluate  # noqa: E402


def bench_bars(n: int) -> None:
    for name in ("ntm", "lstm"):
        model, _ = load_model(name)
        short = evaluate(model, range(1, 21), n_per_length=n, seed=31337)
        print(f"{name}_bits_wrong_len1_20: {sum(short.values()) / 20:.4f} bits/seq")
        print(f"{name}_bits_wrong_len1_20_worst_length: {max(short.values()):.4f} bits/seq")
        for length, bits in evaluate(model, (40, 80, 120), n_per_length=n, seed=31338).items():
            print(f"{name}_bits_wrong_len{length}: {bits:.4f} bits/seq")
    ntm, _ = load_model("ntm")
    for flag in ABLATIONS:
        res = evaluate(ntm, (20, 40), n_per_length=n, seed=31339, ablation=Ablation(**{flag: True}))
        print(f"ntm_{flag}_bits_wrong_len20: {res[20]:.2f} bits/seq")
        print(f"ntm_{flag}_bits_wrong_len40: {res[40]:.2f} bits/seq")


def bench_training(retrain: bool) -> None:
    _, ck = load_model("ntm")
    print(f"ntm_shipped_sequences_seen: {ck['seen']} sequences")
    print(f"ntm_shipped_train_wall: {ck['train_seconds'] / 60:.1f} min")
    print(f"ntm_shipped_train_cpu: {ck['train_cpu_seconds'] / 60:.2f} min")
    _, lk = load_model("lstm")
    print(f"lstm_shipped_sequences_seen: {lk['seen']} sequences")
    print(f"lstm_shipped_train_wall: {lk['train_seconds'] / 60:.1f} min")
    if retrain:
        with tempfile.TemporaryDirectory() as tmp:
            t0, c0 = time.perf_counter(), _children_cpu()
            cmd = [sys.executable, "-m", "dlcore.pretrain", "ntm", "--model", "ntm", "--out", tmp]
            subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
            print(f"ntm_retrain_wall: {(time.perf_counter() - t0) / 60:.1f} min")
            print(f"ntm_retrain_cpu: {(_children_cpu() - c0) / 60:.2f} min")
            same = torch.load(Path(tmp) / "ntm.pt", weights_only=True)["seen"] == ck["seen"]
            print(f"ntm_retrain_same_sequences_as_shipped: {int(same)} bool")


def _children_cpu() -> float:
    import resource

    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def bench_live(seconds: float = 10.0) -> None:
    _, ck = load_model("ntm")
    tr = NTMLiveTrainer(NTMConfig(), state=ck["state"], spec=ck["spec"])
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        tr.step(1)
    print(f"live_train_steps_per_s: {tr.steps / (time.perf_counter() - t0):.2f} steps/s (16 seq)")


def bench_browser() -> None:
    from bench.harness import StreamlitServer, chromium, open_app

    with StreamlitServer("app.py") as server, chromium() as browser:
        warm = browser.new_page()
        open_app(warm, server.url("ntm?view=copy"), timeout_ms=300000)  # loads the models
        for view in ("addressing", "write", "copy", "length", "train"):
            for visit in ("first", "cached"):
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                t0 = time.perf_counter()
                open_app(page, server.url(f"ntm?view={view}"), timeout_ms=300000)
                print(f"page_ready_{view}_{visit}: {time.perf_counter() - t0:.2f} s")
                page.close()


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=64, help="sequences per length")
    p.add_argument("--no-browser", action="store_true")
    p.add_argument("--retrain", action="store_true", help="time a from-scratch training run")
    args = p.parse_args()
    torch.set_num_threads(1)
    bench_bars(args.n)
    bench_training(args.retrain)
    bench_live()
    if not args.no_browser:
        bench_browser()


if __name__ == "__main__":
    main()
