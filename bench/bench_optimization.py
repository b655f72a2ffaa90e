"""Benchmarks of the optimization lab (issue 23 bars), on this machine kind.

    python bench/bench_optimization.py            # all figures
    python bench/bench_optimization.py --quick    # in-process figures only (no browser)

Bars: the six optimizers animating together at >= 30 frames a second in the browser on the
default surface; the landscape view's first picture in <= 2 s.

Browser figures: a real `streamlit run app.py` server and headless Chromium (bench/harness.py).
While Play runs, frames/s = animation frames in which the page's main area changed (the harness
counter: each live frame the browser draws changes the frame element's data-seq), iterations/s
from the page's own counter. The landscape's first picture: from the navigation to a link the
server has not computed yet (a new seed) until the landscape chart is on screen; then the same
link again (cached).
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import (  # noqa: E402
    StreamlitServer,
    chromium,
    count_frames,
    open_app,
    parse_counter,
    status_text,
)
from dlcore.optim.config import RACERS, OptimConfig  # noqa: E402
from dlcore.optim.landscape import landscape  # noqa: E402
from dlcore.optim.race import RaceTrainer  # noqa: E402
from dlcore.viz.optimization import race_payload  # noqa: E402

LANDSCAPE_PLOT = """() => [...document.querySelectorAll('.js-plotly-plot')].some(
    el => el.layout && el.layout.xaxis && el.layout.xaxis.title &&
          el.layout.xaxis.title.text === 'a along PC 1' && el.querySelector('.contour'))"""


def in_process() -> None:
    import torch

    torch.set_num_threads(1)
    t = RaceTrainer(OptimConfig())
    t0 = time.perf_counter()
    t.step(1000)
    dt = time.perf_counter() - t0
    print(f"race_trainer_iterations_per_s: {1000 / dt:.0f} iterations/s (six racers)")
    snap = t.snapshot()
    t0 = time.perf_counter()
    for i in range(50):
        race_payload(snap, RACERS, i, "bench")
    print(f"race_live_payload_ms: {(time.perf_counter() - t0) / 50 * 1000:.2f} ms a frame")
    t0 = time.perf_counter()
    landscape(seed=12345)
    print(f"landscape_compute_s: {time.perf_counter() - t0:.2f} s (default: 6 x 300 steps, 31^2)")


def race_in_browser(page, server) -> None:
    open_app(page, server.url("optimization"), timeout_ms=120000)
    page.get_by_role("button", name="Play").first.click()
    page.get_by_role("button", name="Pause").first.wait_for(timeout=30000)
    page.wait_for_timeout(1500)  # warm up
    s0, t0 = parse_counter(status_text(page))[1], time.perf_counter()
    fps = count_frames(page, 5.0)
    s1, t1 = parse_counter(status_text(page))[1], time.perf_counter()
    print(f"browser_frames_per_s_race_six_optimizers: {fps:.1f} frames/s (bar: >= 30)")
    print(f"browser_iterations_per_s_race: {(s1 - s0) / (t1 - t0):.0f} iterations/s")
    page.get_by_role("button", name="Pause").first.click()
    page.get_by_role("button", name="Play").first.wait_for(timeout=30000)


def landscape_first_picture(page, server) -> None:
    """The page is open on the race (a new seed: a landscape this server has not computed);
    a click on the landscape view's radio until its chart is on screen, then again (cached)."""
    seed = random.randrange(1000, 9999)
    open_app(page, server.url(f"optimization?view=race&seed={seed}"), timeout_ms=120000)
    for label in ("first", "cached"):
        t0 = time.perf_counter()
        page.get_by_text("A network's landscape").first.click()
        page.wait_for_function(LANDSCAPE_PLOT, timeout=120000, polling=20)
        dt = time.perf_counter() - t0
        bar = " (bar: <= 2 s)" if label == "first" else ""
        print(f"landscape_{label}_picture_s: {dt:.2f} s from the click on its view{bar}")
        page.get_by_text("Race on a surface").first.click()
        page.wait_for_function(f"() => !({LANDSCAPE_PLOT})()", timeout=120000, polling=20)
    t0 = time.perf_counter()
    page.goto(server.url(f"optimization?view=landscape&seed={seed + 1}"))
    page.wait_for_function(LANDSCAPE_PLOT, timeout=120000, polling=20)
    print(f"landscape_link_opened_s: {time.perf_counter() - t0:.2f} s (a new tab: page load too)")


def main() -> None:
    in_process()
    if "--quick" in sys.argv:
        return
    with StreamlitServer("app.py", env={"DLX_DEVICE": "cpu"}) as server, chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(180_000)
        # warm-up: a fresh server and browser first load, compile and cache (JS, torch, numpy);
        # a teacher's server has been up for a while when the class opens the page
        open_app(page, server.url("optimization"), timeout_ms=120000)
        page.get_by_role("button", name="Play").first.click()
        page.wait_for_timeout(3000)
        page.get_by_role("button", name="Pause").first.click()
        page.get_by_role("button", name="Play").first.wait_for(timeout=60000)
        open_app(page, server.url("optimization?view=landscape&seed=1"), timeout_ms=120000)
        race_in_browser(page, server)
        landscape_first_picture(page, server)
    print(f"load_average_1min: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
