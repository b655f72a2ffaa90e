"""Foundation figures: server start to interactive page, browser frames/s and training steps/s
of the shared live loop, and server memory with 1 and 10 open sessions.

    python bench/bench_foundation.py [--seconds 8]

Prints one line per figure (`name: value unit`). Runs on the toy live page (bench/apps) so the
loop is measured on its own; each page's bench measures its own trainer the same way.
"""

from __future__ import annotations

import argparse
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
    wait_idle,
)


def time_to_interactive(path: str) -> float:
    server = StreamlitServer("app.py", env={"DLX_DEVICE": "cpu"})
    t0 = time.perf_counter()
    server.start()
    try:
        with chromium() as browser:
            open_app(browser.new_page(), server.url(path))
            return time.perf_counter() - t0
    finally:
        server.stop()


def live_figures(seconds: float) -> tuple[float, float, float]:
    """(browser frames/s, steps/s, pause latency s) on the toy live page."""
    with StreamlitServer("bench/apps/live_demo.py") as server, chromium() as browser:
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        open_app(page, server.url(""))
        page.get_by_role("button", name="Play").click()
        page.wait_for_timeout(1500)  # warm-up
        _, step0, _ = parse_counter(status_text(page))
        t0 = time.perf_counter()
        fps = count_frames(page, seconds)
        _, step1, _ = parse_counter(status_text(page))
        steps_per_s = (step1 - step0) / (time.perf_counter() - t0)
        t_click = time.perf_counter()
        page.get_by_role("button", name="Pause").click()
        page.get_by_role("button", name="Play").wait_for(timeout=10000)
        latency = time.perf_counter() - t_click
        return fps, steps_per_s, latency


def memory(sessions: int) -> float:
    with StreamlitServer("app.py", env={"DLX_DEVICE": "cpu"}) as server, chromium() as browser:
        pages = []
        for _ in range(sessions):
            page = browser.new_context().new_page()
            open_app(page, server.url(""))
            pages.append(page)
        for page in pages:
            wait_idle(page)
        time.sleep(1.0)
        return server.rss_mb()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args()
    print(f"server start to interactive home page: {time_to_interactive(''):.2f} s")
    print(f"server start to interactive deep link /gan: {time_to_interactive('gan'):.2f} s")
    fps, sps, latency = live_figures(args.seconds)
    print(f"live loop browser frames: {fps:.1f} frames/s")
    print(f"live loop training: {sps:,.0f} steps/s (toy 2-8-8-1 tanh MLP, batch 10)")
    print(f"pause latency (click to Play button back): {latency:.2f} s")
    print(f"server memory, 1 session: {memory(1):.0f} MB")
    print(f"server memory, 10 sessions: {memory(10):.0f} MB")


if __name__ == "__main__":
    main()
