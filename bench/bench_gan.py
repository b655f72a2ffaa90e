"""Benchmark of the GAN page (issue 9 bars).

1. Ring of 8 with the shipped preset "ring8": live training covers all 8 modes with at least 80 %
   of 10,000 samples within 3 std of a mode; time to reach it for 5 seeds (spread reported).
   Quality is evaluated every 100 iterations, as the page does. Both wall seconds and this
   process's CPU seconds are printed: on a shared, loaded machine the CPU time is the work done,
   wall time adds waiting for a core (the load average is printed too).
2. The live view in a real browser: `streamlit run` + headless Chromium, Play on /gan, plane
   frames per second that reach the page (over the live-frame channel; DOM updates counted per
   animation frame beside them) and steps/s.

    python bench/bench_gan.py             # both
    python bench/bench_gan.py --train     # bar 1 only
    python bench/bench_gan.py --frame     # server CPU per live frame (bar 2, server side)
    python bench/bench_gan.py --browser   # bar 2 in the browser
    python bench/bench_gan.py --lessons   # what the saturating and oscillation presets promise
    DLX_THREADS=1 python bench/bench_gan.py --browser   # the server on one torch thread

Measured (2 cores shared with other work, headless Chromium on the same machine; the 1-minute
load beside each): before this bench's changes, 6.5 DOM frames/s at load 4.4. Now, torch on the
server's default 2 threads: 6.4 DOM frames/s, 3.2 plane images/s, 3 iterations/s at load 5.0 -
the OpenMP threads of these tiny nets spin while Chromium holds the other core (server 193 ms CPU
per frame). With DLX_THREADS=1: 30.1 DOM frames/s, 20.7 plane images/s, 55 iterations/s at load
5.3 (server 39 ms, browser 51 ms CPU per frame); with OMP_WAIT_POLICY=PASSIVE and 2 threads:
18.9 DOM frames/s, 14.1 images/s at load 4.9. Since the plane's frames travel over the live-frame
channel (DLX_THREADS=1, load 11.8 from other work): 12.2 plane frames/s, the curves raster 2.1 a
second, 31 iterations/s; server 23 ms, browser 21 ms CPU a frame. Since the plane (480 px) and
its curves are one palette PNG a frame (issue 24; DLX_THREADS=1, load 6.2): 10.1 frames/s on the
channel, 11.9 DOM frames/s, 37 iterations/s; server 38 ms, browser 31 ms CPU a frame; --frame:
21-23 ms CPU and 36.8 KB a frame.
    GAN_PROFILE=/tmp/gan.txt python bench/bench_gan.py --browser   # + py-spy raw profile

--lessons, measured (issue 24, seeds 0-2): the "saturating" preset's G stalls, D(G(z)) = 0.000,
JS 0.69 and 0 modes through 1,000 iterations, the norm of G's gradient 0.5-1.1e-3 at 200 and
0.8-1.9e-5 at 1,000; the same run with the non-saturating loss: D(G(z)) 0.12-0.26, gradient
4.5-10 at 200, JS 0.48-0.59 and 2-3 modes at 200. "oscillation", iterations 500-1,000: 3-5
swings of the fake centre beyond 0.25 across the data, 0.53-0.69 from it on average, JS
0.62-0.68; Adam's defaults on the same target: 0.13-0.23 from it, JS 0.05-0.08.
"""

from __future__ import annotations

import dataclasses
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from dlcore.gan.plane import PlaneGan  # noqa: E402
from dlcore.gan.presets import PRESETS  # noqa: E402
from dlcore.viz.raster import FramePalette, png_bytes  # noqa: E402

SEEDS = (0, 1, 2, 3, 4)
MAX_ITERS = 6000
BAR_SECONDS = 30.0


def ring_run(seed: int) -> dict[str, float]:
    """Train the ring8 preset with ``seed`` until the bar holds (or MAX_ITERS)."""
    cfg = dataclasses.replace(PRESETS["ring8"].config(), seed=seed)
    t = PlaneGan(cfg, torch.device("cpu"))
    w0, c0 = time.perf_counter(), time.process_time()
    while t.steps < MAX_ITERS:
        t.step(100)  # quality is recorded every 100 iterations
        q = t.quality.last()
        if q["modes_hit"] == 8 and q["share_near"] >= 0.8:
            break
    return {
        "iters": t.steps,
        "wall": time.perf_counter() - w0,
        "cpu": time.process_time() - c0,
        "share": q["share_near"],
        "modes": q["modes_hit"],
        "js": q["js"],
    }


def train_bar() -> None:
    torch.set_num_threads(1)
    print(f"load_average_1min: {os.getloadavg()[0]:.1f} (cores: {os.cpu_count()})")
    runs = []
    for seed in SEEDS:
        r = ring_run(seed)
        runs.append(r)
        ok = r["modes"] == 8 and r["share"] >= 0.8
        print(
            f"ring8_seed{seed}: {r['iters']} iterations, {r['cpu']:.1f} s CPU, {r['wall']:.1f} s "
            f"wall, modes {r['modes']:.0f}/8, {100 * r['share']:.1f} % within 3 std, "
            f"JS {r['js']:.3f} nats, bar {'met' if ok else 'NOT met'}",
            flush=True,
        )
    for key, unit in (("iters", "iterations"), ("cpu", "s CPU"), ("wall", "s wall")):
        vals = [r[key] for r in runs]
        print(
            f"ring8_time_to_bar_{key}: median {statistics.median(vals):.1f} {unit}, "
            f"min {min(vals):.1f}, max {max(vals):.1f}, stdev {statistics.pstdev(vals):.1f}"
        )
    met = sum(r["modes"] == 8 and r["share"] >= 0.8 and r["cpu"] <= BAR_SECONDS for r in runs)
    print(f"ring8_seeds_meeting_bar_within_{BAR_SECONDS:.0f}s_cpu: {met}/{len(runs)}")
    print(f"load_average_1min_after: {os.getloadavg()[0]:.1f}")


def _cpu_ms(fn, reps: int) -> float:
    fn()
    c0 = time.process_time()
    for _ in range(reps):
        fn()
    return (time.process_time() - c0) / reps * 1000


def _frame_costs(threads: int, n: int) -> str:
    from dlcore.gan.views import layers
    from dlcore.viz import gan as figures

    torch.set_num_threads(threads)
    t = PlaneGan(PRESETS["ring8"].config(), torch.device("cpu"))
    t.step(300)
    shown = layers(t.cfg)
    snap = t.snapshot(with_dstar=False)
    c = (snap.hist, snap.d_at_half, snap.g_at_half, snap.js_floor, snap.n_modes)

    def plotly() -> None:
        figures.curves_figure(*c).to_json()
        figures.coverage_figure(snap.coverage.counts, 10_000).to_json()

    palette = FramePalette()  # a session's palette, as the live panel keeps one

    def live_frame() -> bytes:
        return png_bytes(figures.live_image(t.snapshot(with_dstar=False), shown), palette=palette)

    frame = _cpu_ms(live_frame, n)
    raster = _cpu_ms(lambda: figures.curves_image(snap), 5)
    paused = _cpu_ms(plotly, 3)
    it_ms = _cpu_ms(lambda: t.step(20), 5) / 20
    size = len(png_bytes(figures.live_image(snap, shown), palette=palette)) / 1024
    return (
        f"torch_threads_{threads}: live frame {frame:.1f} ms CPU (snapshot + plane + curves "
        f"+ palette PNG, {size:.1f} KB), of which the curves column {raster:.1f} ms, "
        f"paused plotly curves {paused:.1f} ms, iteration {it_ms:.2f} ms"
    )


def frame_cost(n: int = 30) -> None:
    """Server CPU per live frame: snapshot + the plane and its curves as one palette PNG (what
    the page sends every frame), the curves column alone, the paused plotly curves, and an
    iteration;
    with torch on the server's thread count (dlcore.device.set_threads: $DLX_THREADS, else
    min(4, cores)) and on one thread, in the same run: on a busy 2-core machine the intra-op
    threads of these tiny nets can spin far more than they compute."""
    from dlcore.device import set_threads

    print(f"load_average_1min: {os.getloadavg()[0]:.1f} (cores: {os.cpu_count()})")
    for threads in (set_threads(), 1):
        print(_frame_costs(threads, n), flush=True)
    print(f"load_average_1min_after: {os.getloadavg()[0]:.1f}")


# The plane's frames arrive over the live-frame channel (dlcore/ui/channel.py): its element counts
# them in data-seq (the curves are in the same frame since issue 24). Inline images (D* beside the
# learned D, when shown) are counted by their src changes.
_SEQ_JS = (
    "() => Number(document.querySelector('[data-testid=dlx-live-frame]')"
    "?.getAttribute('data-seq') || 0)"
)
# Counts changes of the inline images (their src) per animation frame, and the bytes of each src.
_IMAGE_COUNTER_JS = """
() => {
  window.__gan = {images: 0, bytes: 0, last: null, el: null, mounts: 0, blank: 0};
  const tick = () => {
    const img = document.querySelector('[data-testid=stMain] [data-testid=stImage] img');
    const src = img ? img.getAttribute('src') : null;
    if (src && src !== window.__gan.last) {
      window.__gan.images += 1; window.__gan.bytes += src.length; window.__gan.last = src;
    }
    if (img && img !== window.__gan.el) { window.__gan.mounts += 1; window.__gan.el = img; }
    if (!img || !img.complete) { window.__gan.blank += 1; }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}
"""


def _cpu_seconds(procs) -> float:
    total = 0.0
    for proc in procs:
        try:
            t = proc.cpu_times()
            total += t.user + t.system
        except Exception:  # a renderer that went away
            pass
    return total


def browser_bar(seconds: float = 8.0, url: str = "gan", profile: str | None = None) -> None:
    """Frames per second in headless Chromium while training, and where the CPU goes: the
    server's CPU ms per frame and the browser's (all Chromium processes), with the load."""
    import subprocess

    import psutil

    from bench.harness import (
        StreamlitServer,
        chromium,
        count_frames,
        open_app,
        parse_counter,
        status_text,
    )

    with StreamlitServer("app.py", env={"DLX_DEVICE": "cpu"}) as server, chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1200})
        open_app(page, server.url(url), timeout_ms=300000)
        page.get_by_role("button", name="Play").click(timeout=120000)
        page.wait_for_function(
            "() => /Iteration\\s+[1-9]/.test(document.querySelector('[data-testid=stMain]')"
            ".innerText)",
            timeout=120000,
        )
        page.wait_for_timeout(2000)  # warm up
        me = psutil.Process()
        chrome = [p for p in me.children(recursive=True) if "chrom" in p.name().lower()]
        srv = psutil.Process(server.proc.pid)
        spy = None
        if profile:
            spy = subprocess.Popen(
                [str(Path(sys.executable).parent / "py-spy"), "record", "-p", str(srv.pid),
                 "-f", "raw", "-o", profile, "-d", str(int(seconds)), "-r", "200"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
        it0 = parse_counter(status_text(page))[1]
        cpu_s0, cpu_b0 = _cpu_seconds([srv]), _cpu_seconds(chrome)
        page.evaluate(_IMAGE_COUNTER_JS)
        seq0, t0 = page.evaluate(_SEQ_JS), time.perf_counter()
        fps = count_frames(page, seconds)
        dt = time.perf_counter() - t0
        channel_frames = page.evaluate(_SEQ_JS) - seq0
        cpu_s, cpu_b = _cpu_seconds([srv]) - cpu_s0, _cpu_seconds(chrome) - cpu_b0
        gan = page.evaluate("() => window.__gan")
        it1 = parse_counter(status_text(page))[1]
        n_img = max(1, channel_frames)
        print(f"load_average_1min: {os.getloadavg()[0]:.1f} (cores: {os.cpu_count()})")
        env = {k: os.environ.get(k, "unset") for k in ("DLX_THREADS", "OMP_WAIT_POLICY")}
        print(f"server_env: {env} (torch threads: dlcore.device.set_threads)")
        print(f"live_view_frames_per_s: {fps:.1f} frames/s (browser DOM updates, {seconds:.0f} s)")
        print(f"live_plane_frames_per_s: {channel_frames / dt:.1f} plane frames/s (channel)")
        print(
            f"inline_images_per_s: {gan['images'] / dt:.1f} (D* beside D, when shown), "
            f"{gan['bytes'] / max(1, gan['images']) / 1024:.1f} KB per image (data URL), "
            f"{gan['mounts']} new <img> elements"
        )
        print(f"live_training_rate: {(it1 - it0) / dt:.0f} iterations/s (page counter)")
        print(
            f"cpu_per_image_frame: server {1000 * cpu_s / n_img:.0f} ms, browser "
            f"{1000 * cpu_b / n_img:.0f} ms ({len(chrome)} Chromium processes); "
            f"CPU use: server {cpu_s / dt:.2f}, browser {cpu_b / dt:.2f} cores"
        )
        if spy is not None:
            spy.wait(60)
            print(f"py-spy profile of the server: {profile}")
        page.get_by_role("button", name="Pause").click(timeout=120000)


def _d_on_fakes(t: PlaneGan) -> float:
    with torch.no_grad():
        return t.loss.prob(t.D(t.G(t.z_view))).mean().item()


def lessons_bar(iters: int = 1000) -> None:
    """What the two failure presets promise, measured (seeds 0-2): "saturating" (the minimax
    loss: D wins early and G's gradient vanishes, G stalls) against the non-saturating loss
    with every other setting the same; "oscillation" (the fake centre swings across the data
    instead of settling) against Adam's defaults on the same target."""
    from dlcore.gan.config import GanConfig
    from dlcore.gan.metrics import swings

    torch.set_num_threads(1)
    print(f"load_average_1min: {os.getloadavg()[0]:.1f} (cores: {os.cpu_count()})")
    for seed in (0, 1, 2):
        for loss in ("minimax", "nonsaturating"):
            cfg = dataclasses.replace(PRESETS["saturating"].config(), seed=seed, loss=loss)
            t = PlaneGan(cfg, torch.device("cpu"))
            marks = []
            while t.steps < iters:
                t.step(100 if t.steps < 200 else 400)
                q, grad = t.quality.last(), t.history.array("g_grad")[-100:]
                marks.append(
                    f"{t.steps}: JS {q['js']:.2f}, modes {q['modes_hit']:.0f}, "
                    f"|grad G| {statistics.median(grad):.1e}, D(G(z)) {_d_on_fakes(t):.3f}"
                )
            print(f"saturating_seed{seed}_{loss}: " + " | ".join(marks), flush=True)
    for seed in (0, 1, 2):
        for name, cfg in (
            ("oscillation", PRESETS["oscillation"].config()),
            ("adam_defaults", GanConfig(target=PRESETS["oscillation"].config().target)),
        ):
            t = PlaneGan(dataclasses.replace(cfg, seed=seed), torch.device("cpu"))
            t.step(iters // 2)
            path = t.centre_path(iters // 2, every=10)
            dist = float(np.linalg.norm(path, axis=1).mean())
            print(
                f"oscillation_seed{seed}_{name}: iterations {iters // 2}-{iters}: "
                f"{swings(path, 0.25)} swings beyond 0.25, mean offset {dist:.2f}, "
                f"JS {t.quality.last()['js']:.2f}",
                flush=True,
            )
    print(f"load_average_1min_after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    args = set(sys.argv[1:])
    if "--lessons" in args:
        lessons_bar()
    if not args or "--train" in args:
        train_bar()
    if not args or "--frame" in args:
        frame_cost()
    if not args or "--browser" in args:
        browser_bar(profile=os.environ.get("GAN_PROFILE"))
