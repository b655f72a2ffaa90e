"""Benchmarks of the RNN gradient explorer: python bench/bench_rnn.py [--seconds 60] [--no-browser].

1. The issue's bar: with the shipped adding-problem preset (T = 50), train the vanilla RNN, LSTM and
   GRU side by side (the page's trainer, same batches) for a wall-clock budget; report when the
   LSTM's held-out MSE first goes below 0.01 and the final MSE of all three cells.
2. In a real browser (bench/harness.py): page ready time, and while playing, training steps/s and
   chart frames/s that reach the browser.
Prints one line per figure: `name: value unit`.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from dlcore.rnn.config import PRESETS, RnnConfig, preset_values  # noqa: E402
from dlcore.rnn.trainer import TaskTrainer  # noqa: E402

PRESET = next(name for name in PRESETS if name.startswith("adding T=50"))


def bench_adding(seconds: float) -> None:
    torch.set_num_threads(1)
    cfg = replace(RnnConfig(), **preset_values(PRESET))
    tr = TaskTrainer(cfg, torch.device("cpu"))
    t0, solved_at, solved_step = time.perf_counter(), None, None
    while time.perf_counter() - t0 < seconds:
        tr.step(10)  # one probe (held-out MSE on 256 sequences) every 10 steps
        lstm = tr.eval_loss["LSTM"][-1]
        if solved_at is None and lstm < 0.01:
            solved_at, solved_step = time.perf_counter() - t0, tr.steps
    elapsed = time.perf_counter() - t0
    snap = tr.snapshot()
    print(f"adding_T50_wall_budget: {seconds:.0f} s")
    print(f"adding_T50_steps_done: {tr.steps} steps (3 cells each, batch {cfg.batch})")
    print(f"adding_T50_steps_per_s: {tr.steps / elapsed:.1f} steps/s")
    when = f"{solved_at:.1f} s (step {solved_step})" if solved_at else f"not within {seconds:.0f} s"
    print(f"adding_T50_lstm_below_0.01_at: {when}")
    for label, mse in zip(snap.labels, snap.eval_loss[:, -1]):
        print(f"adding_T50_final_mse_{label}: {mse:.4f} MSE")
    print(f"adding_T50_baseline: {snap.baseline:.4f} MSE")


def _step(page) -> int:
    """The live panel's step counter ('Sequences 640 · step 10')."""
    from bench.harness import parse_counter

    text = page.locator("[data-testid=stMain]").inner_text()
    return parse_counter(text[text.find("Sequences") :])[1]


def bench_browser(seconds: float) -> None:
    from bench.harness import (
        StreamlitServer,
        chromium,
        count_frames,
        open_app,
    )

    with StreamlitServer("app.py", env={"DLX_DEVICE": "cpu"}) as server, chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(180000)  # a loaded shared machine is slow
        open_app(page, server.url("rnn"), timeout_ms=180000)  # warm-up: imports, first trainer
        t0 = time.perf_counter()
        open_app(page, server.url("rnn"), timeout_ms=180000)
        print(f"page_ready_warm: {time.perf_counter() - t0:.2f} s")
        page.get_by_role("button", name="Play").click()
        page.wait_for_timeout(2000)
        s0, t1 = _step(page), time.perf_counter()
        fps = count_frames(page, seconds)
        s1 = _step(page)
        print(f"browser_frames_per_s: {fps:.1f} frames/s")
        print(f"browser_train_steps_per_s: {(s1 - s0) / (time.perf_counter() - t1):.1f} steps/s")
        t2 = time.perf_counter()
        page.get_by_role("button", name="Pause").click()
        page.get_by_role("button", name="Play").wait_for(timeout=30000)
        print(f"pause_latency: {time.perf_counter() - t2:.2f} s")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--browser-seconds", type=float, default=5.0)
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--no-adding", action="store_true")
    args = ap.parse_args(argv)
    if not args.no_adding:
        bench_adding(args.seconds)
    if not args.no_browser:
        bench_browser(args.browser_seconds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
