"""Benchmarks of the RNN gradient explorer:
python bench/bench_rnn.py [--preset all|adding|latch|copy|exploding] [--seeds 0,1,2] [--seconds 60]
[--no-browser].

1. Every shipped preset (dlcore/rnn/config.py), trained by the page's trainer for a CPU-time
   budget on one thread (CPU time, not wall time: the machine is shared):
   - adding, latch, copy: the vanilla RNN, LSTM and GRU side by side (same batches); for each
     cell the CPU time and step at which its held-out loss first goes below the task's "solved"
     level and below half the no-memory baseline, and its final held-out loss. The issue's bar:
     adding (T = 50), LSTM below 0.01 MSE within 60 s while the vanilla RNN stays above 0.1.
   - exploding: the vanilla RNN without and with clipping (the Clipping view's pair): the growth
     of ||dL/dh_t|| from t = T-1 back to t = 0 at init, the largest pre-clip gradient norm, the
     step at which the unclipped run diverges, the share of clipped steps, the final loss.
   --seeds runs each preset with other seeds (the spread of the figures).
2. In a real browser (bench/harness.py): page ready time, and while playing, training steps/s and
   chart frames/s that reach the browser.
Prints one line per figure: `name: value unit`.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from dlcore.rnn.config import PRESETS, RnnConfig, preset_values  # noqa: E402
from dlcore.rnn.trainer import CLIP_PAIR, TaskTrainer  # noqa: E402

KEYS = ("adding", "latch", "copy", "exploding")  # --preset names: a word of a preset's title


def preset_name(key: str) -> str:
    return next(name for name in PRESETS if key in name.split(" (")[0])


def _cpu() -> float:
    return time.process_time()  # this process only, all threads (we use one)


def bench_task(key: str, seed: int | None, seconds: float) -> None:
    """Train the trio on a task preset for `seconds` of CPU; report thresholds and finals."""
    cfg = replace(RnnConfig(), **preset_values(preset_name(key)))
    cfg = cfg if seed is None else replace(cfg, seed=seed)
    tag = f"{key}_T{cfg.seq_len}_seed{cfg.seed}"
    tr = TaskTrainer(cfg, torch.device("cpu"))
    base, solved = tr.task.baseline(cfg.seq_len), tr.task.solved_below
    levels = {"solved": solved, "half_baseline": base / 2}
    hits: dict[tuple[str, str], tuple[float, int]] = {}
    c0, w0 = _cpu(), time.perf_counter()
    while _cpu() - c0 < seconds:
        tr.step(10)  # one probe (held-out loss on 256 sequences) every 10 steps
        for lab, latest in zip(tr.models, tr.probes[-1].eval_loss):
            for name, level in levels.items():
                if (lab, name) not in hits and latest < level:
                    hits[lab, name] = (_cpu() - c0, tr.steps)
    cpu, wall, snap = _cpu() - c0, time.perf_counter() - w0, tr.snapshot()
    print(f"{tag}_budget: {seconds:.0f} s CPU (wall {wall:.0f} s, load {_load()})")
    print(f"{tag}_steps_done: {tr.steps} steps (3 cells each, batch {cfg.batch}, {cpu:.0f} s CPU)")
    print(f"{tag}_baseline: {base:.4f} {snap.metric} (solved below {solved:g})")
    for i, lab in enumerate(snap.labels):
        for name, level in levels.items():
            hit = hits.get((lab, name))
            when = f"{hit[0]:.1f} s CPU (step {hit[1]})" if hit else "not reached"
            print(f"{tag}_{lab}_below_{name}_{level:.4g}: {when}")
        print(f"{tag}_{lab}_final: {snap.eval_loss[i, -1]:.4f} {snap.metric}")


def bench_exploding(seed: int | None, seconds: float) -> None:
    """The exploding preset in the Clipping view: no clipping vs the preset's clipping."""
    cfg = replace(RnnConfig(), **preset_values(preset_name("exploding")))
    cfg = cfg if seed is None else replace(cfg, seed=seed)
    tag = f"exploding_seed{cfg.seed}"
    tr = TaskTrainer(cfg, torch.device("cpu"), arms=CLIP_PAIR)
    flow = tr.probes[0].flow[0]  # no clipping: ||dL/dh_t|| at init, t = 0 .. T-1
    sp = tr.probe_spectrum
    print(f"{tag}_lambda1_gamma: {sp.product:.3f} ({cfg.activation}, {cfg.rnn_init} W)")
    print(f"{tag}_flow_growth_t0_over_tlast: {flow[0] / flow[-1]:.3g} x over {len(flow) - 1} steps")
    c0 = _cpu()
    while _cpu() - c0 < seconds:
        tr.step(10)
    snap, cpu = tr.snapshot(), _cpu() - c0
    print(f"{tag}_steps_done: {tr.steps} steps ({cfg.optimizer}, lr {cfg.lr:g}, {cpu:.0f} s CPU)")
    for i, lab in enumerate(snap.labels):
        g, loss = snap.grad_norm[i], snap.loss[i]
        key = f"{tag}_{lab.replace(' ', '_')}"
        bad = np.flatnonzero(~np.isfinite(loss))
        print(f"{key}_max_pre_clip_grad_norm: {np.nanmax(g):.3g}")
        print(f"{key}_median_pre_clip_grad_norm: {np.nanmedian(g):.3g}")
        print(f"{key}_diverged_at_step: {int(snap.train_steps[bad[0]]) if bad.size else 'never'}")
        print(f"{key}_clipped_share: {snap.clipped_share[i]:.0%} (v = {cfg.clip_v:g})")
        print(f"{key}_final_eval: {snap.eval_loss[i, -1]:.4f} {snap.metric}")


def _load() -> str:
    return f"{os.getloadavg()[0]:.1f}"  # the 1-minute load average: a shared machine


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
    ap.add_argument("--preset", default="all", choices=("all", "none", *KEYS))
    ap.add_argument("--seeds", default="", help="comma-separated seeds (default: the preset's)")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    seeds = [int(x) for x in args.seeds.split(",") if x.strip()] or [None]
    for key in KEYS if args.preset == "all" else (args.preset,) * (args.preset != "none"):
        for seed in seeds:
            if key == "exploding":
                bench_exploding(seed, min(args.seconds, 10.0))
            else:
                bench_task(key, seed, args.seconds)
    if not args.no_browser:
        bench_browser(args.browser_seconds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
