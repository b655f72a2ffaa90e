"""Benchmarks of the decision-boundary playground (issue 3 bars), on this machine kind.

    python bench/bench_playground.py            # all figures
    python bench/bench_playground.py --quick    # in-process figures only (no browser)

Browser figures: a real `streamlit run app.py` server and headless Chromium (bench/harness.py).
While Play runs, frames/s = animation frames in which the page's main area changed (the harness
counter) and steps/s = SGD updates per wall second read from the page's own step counter.
Pause latency: "stops training" = click on Pause -> the end of the server's last training tick
(the server writes a line per tick when DLX_TRACE_TICKS names a file); also reported: the click
-> the Play button is back (the page re-ran), and -> the last change of the step counter the
browser shows (frames already on their way still arrive after training stopped).
"""

from __future__ import annotations

import dataclasses
import os
import sys
import tempfile
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
from dlcore.playground.config import PlaygroundConfig  # noqa: E402
from dlcore.playground.trainer import PlaygroundTrainer  # noqa: E402

SETUPS = {"4,2": "playground", "8,8": "playground?hidden=8%2C8"}


def in_process() -> None:
    t = PlaygroundTrainer(PlaygroundConfig())
    t0 = time.perf_counter()
    t.run_epochs(300)
    dt = time.perf_counter() - t0
    print(f"circle_default_test_loss_300_epochs: {t.last['test_loss']:.4f} loss", flush=True)
    print(f"trainer_only_steps_per_s_4_2: {t.steps / dt:.0f} steps/s")
    t8 = PlaygroundTrainer(dataclasses.replace(PlaygroundConfig(), hidden=(8, 8)))
    t0 = time.perf_counter()
    t8.run_epochs(100)
    print(f"trainer_only_steps_per_s_8_8: {t8.steps / (time.perf_counter() - t0):.0f} steps/s")


_WATCH_JS = """() => {
  window.__steps = [];
  let prev = null;
  const read = () => {
    const m = document.querySelector('[data-testid=stMain]').innerText.match(/step ([\\d,]+)/);
    const v = m ? m[1] : null;
    if (v !== prev) { window.__steps.push([performance.now(), v]); prev = v; }
  };
  new MutationObserver(read).observe(document.querySelector('[data-testid=stMain]'),
    {subtree: true, childList: true, characterData: true});
}"""


def _steps(page) -> int:
    return parse_counter(status_text(page))[1]


def _last_tick_after(trace: str, t_click: float) -> float | None:
    """Seconds from the click to the end of the last training tick after it (None: none)."""
    with open(trace, encoding="utf-8") as f:
        ends = [float(line.split()[0]) for line in f if line.strip()]
    after = [t for t in ends if t >= t_click]
    return (max(after) - t_click) if after else 0.0


def live(page, url: str, name: str, trace: str, seconds: float = 6.0) -> None:
    open_app(page, url, timeout_ms=120000)
    page.get_by_role("button", name="Play").first.click()
    page.get_by_role("button", name="Pause").first.wait_for(timeout=30000)
    page.wait_for_timeout(1500)  # warm up
    s0, t0 = _steps(page), time.perf_counter()
    fps = count_frames(page, seconds)
    s1, t1 = _steps(page), time.perf_counter()
    print(f"browser_frames_per_s_{name}: {fps:.1f} frames/s")
    print(f"browser_steps_per_s_{name}: {(s1 - s0) / (t1 - t0):.0f} steps/s")
    page.evaluate(_WATCH_JS)  # records (time, step count) whenever the counter changes
    t_click = time.perf_counter()
    # when the click reaches the page (the browser's clock is this machine's): Playwright's own
    # checks before it clicks take a while on a busy machine and are not the app's latency
    page.evaluate(
        "() => document.addEventListener('click', () => { window.__clickWall = Date.now();"
        " window.__clickPerf = performance.now(); }, {capture: true, once: true})"
    )
    page.get_by_role("button", name="Pause").first.click()
    page.get_by_role("button", name="Play").first.wait_for(timeout=30000)
    back = page.evaluate("performance.now() - window.__clickPerf") / 1000
    outer = time.perf_counter() - t_click
    print(f"pause_to_play_button_{name}: {back:.2f} s (with Playwright's checks: {outer:.2f} s)")
    page.wait_for_timeout(300)
    wall_click = page.evaluate("window.__clickWall") / 1000
    print(f"pause_to_training_stopped_{name}: {_last_tick_after(trace, wall_click):.3f} s")
    page_click = page.evaluate("window.__clickPerf")
    changes = page.evaluate("window.__steps")
    last = max([t for t, _ in changes if t >= page_click] or [page_click])
    print(f"pause_to_last_step_change_{name}: {(last - page_click) / 1000:.2f} s")
    before = _steps(page)
    page.wait_for_timeout(1000)
    print(f"steps_after_pause_{name}: {_steps(page) - before} steps")


def main() -> None:
    in_process()
    if "--quick" in sys.argv:
        return
    trace = os.path.join(tempfile.mkdtemp(), "ticks.txt")
    env = {"DLX_DEVICE": "cpu", "DLX_TRACE_TICKS": trace}
    with StreamlitServer("app.py", env=env) as server, chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(180_000)  # the shared machine can be slow to start a page
        # warm-up: a fresh server and browser first load, compile and cache (JS, torch, numpy);
        # a teacher's server has been up for a while when the class presses Play
        open_app(page, server.url("playground"), timeout_ms=120000)
        page.get_by_role("button", name="Play").first.click()
        page.wait_for_timeout(5000)
        page.get_by_role("button", name="Pause").first.click()
        page.get_by_role("button", name="Play").first.wait_for(timeout=60000)
        for name, path in SETUPS.items():
            live(page, server.url(path), name.replace(",", "_"), trace)
    print(f"load_average_1min: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
