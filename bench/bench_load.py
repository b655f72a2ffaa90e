"""Class load: N headless-Chromium students on a mix of the live pages, all pressing Play for a
while against ONE server; reports errors, per-session frames/s (median and 5th percentile),
training steps/s in total, and the server's resident memory, for each N; and the CPU that one
model frame cost the server, the pages' renderers and Chromium's other processes (bench/cpu.py),
with the server-only projection a teacher can size a class with.

Two frame rates per session: "frames" are animation frames in which the page's main area changed
(what the student sees: a new live frame on the channel's canvas with its counter line, or a
side panel such as the GAN's curves, redrawn every few seconds), "model frames" are the live
loop's ticks from the server's trace (each trains and draws a new view). The bar is read on
model frames.

    python bench/bench_load.py [--sessions 1,10,20] [--seconds 60]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.cpu import CpuMeter, frames_per_core, per_frame_ms  # noqa: E402
from bench.harness import (  # noqa: E402
    EXCEPTION,
    StreamlitServer,
    chromium,
    frames_counted,
    open_app,
    parse_counter,
    start_frame_counter,
    status_text,
)

# each page on its training view: NTM "Train live", VAE a model trained live, the RNN's training
# curves (its gradient-flow view redraws only when a probe lands, every 10 steps)
LIVE_PAGES = ("playground", "gan", "rnn?view=train", "ntm?view=train", "vae?source=live")


def _steps(page) -> int:
    try:
        return parse_counter(status_text(page))[1]
    except Exception:  # a page mid-redraw: count it as no progress rather than crash
        return 0


def _ticks(trace: str, t0: float, t1: float) -> Counter:
    """Live-loop ticks per session id between wall times t0 and t1 (DLX_TRACE_TICKS lines)."""
    per = Counter()
    with open(trace, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 4 and t0 <= float(parts[0]) <= t1:
                per[parts[3]] += 1
    return per


def run(n: int, seconds: float) -> dict[str, float]:
    trace = os.path.join(tempfile.mkdtemp(), "ticks.txt")
    env = {"DLX_DEVICE": "cpu", "DLX_TRACE_TICKS": trace}
    with StreamlitServer("app.py", env=env) as server, chromium() as browser:
        pages, names, errors = [], [], 0
        for i in range(n):
            page = browser.new_context(viewport={"width": 1300, "height": 900}).new_page()
            name = LIVE_PAGES[i % len(LIVE_PAGES)]
            try:
                open_app(page, server.url(name))
                pages.append(page)
                names.append(name.split("?")[0])
            except Exception as exc:
                errors += 1
                print(f"  could not open {name}: {exc}", flush=True)
        for page, name in zip(pages, names):
            try:  # a browser running many pages at once is slow to settle a click
                page.get_by_role("button", name="Play").first.click(timeout=180_000)
            except Exception as exc:
                errors += 1
                print(f"  could not press Play on {name}: {exc}", flush=True)
        time.sleep(3)  # warm-up
        start = [_steps(p) for p in pages]
        for page in pages:
            start_frame_counter(page)
        meter = CpuMeter(server.proc.pid)
        meter.start()
        t0, wall0 = time.perf_counter(), time.time()
        time.sleep(seconds)
        elapsed, wall1 = time.perf_counter() - t0, time.time()
        cpu = meter.stop()
        fps = [frames_counted(p) / elapsed for p in pages]
        gained = [max(0, _steps(p) - s) / elapsed for p, s in zip(pages, start)]
        steps = sum(gained)
        for page, name in zip(pages, names):
            shown = page.locator(EXCEPTION)
            errors += shown.count()
            for text in shown.all_inner_texts()[:1]:
                print(f"  exception on {name}: {text[:600]!r}", flush=True)
        rss = server.rss_mb()
    per = _ticks(trace, wall0, wall1)
    ticks = sorted(per.values()) + [0] * max(0, len(pages) - len(per))  # no tick at all: 0
    model_fps = [t / elapsed for t in ticks]
    for name in dict.fromkeys(names):
        mine = [f for f, m in zip(fps, names) if m == name]
        trained = sum(g for g, m in zip(gained, names) if m == name)
        print(
            f"  N={n} {name}: {len(mine)} session(s), median {statistics.median(mine):.1f} fps, "
            f"{trained:,.1f} training steps/s in all"
        )
    p5 = float(np.percentile(fps, 5)) if fps else 0.0
    return {
        "errors": errors,
        "fps_median": statistics.median(fps) if fps else 0.0,
        "fps_p5": p5,
        "model_fps_median": statistics.median(model_fps) if model_fps else 0.0,
        "model_fps_p5": float(np.percentile(model_fps, 5)) if model_fps else 0.0,
        "steps_per_s": steps,
        "rss_mb": rss,
        "cores": {k: v / elapsed for k, v in cpu.items()},
        "ms_per_model_frame": per_frame_ms(cpu, sum(ticks)),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", default="1,10,20")
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    for n in (int(x) for x in args.sessions.split(",")):
        r = run(n, args.seconds)
        print(f"N={n} errors: {r['errors']}")
        print(
            f"N={n} frames per session: median {r['fps_median']:.1f} frames/s, "
            f"5th percentile {r['fps_p5']:.1f} frames/s"
        )
        print(
            f"N={n} model frames per session: median {r['model_fps_median']:.1f} /s, "
            f"5th percentile {r['model_fps_p5']:.1f} /s"
        )
        print(f"N={n} training in total: {r['steps_per_s']:,.0f} steps/s")
        print(f"N={n} server resident memory: {r['rss_mb']:.0f} MB")
        ms, cores = r["ms_per_model_frame"], r["cores"]
        print(
            f"N={n} CPU per model frame: server {ms['server']:.1f} ms, the pages' renderers "
            f"{ms['renderer']:.1f} ms, Chromium's other processes {ms['browser']:.1f} ms "
            f"(cores busy: {cores['server']:.2f}, {cores['renderer']:.2f}, {cores['browser']:.2f})"
        )
        print(
            f"N={n} projection with the browsers on the students' own machines: one server core "
            f"makes ~{frames_per_core(ms['server']):.0f} model frames/s at this cost",
            flush=True,
        )


if __name__ == "__main__":
    main()
