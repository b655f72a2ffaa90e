"""bench/cpu.py: the load benchmark's CPU split (server / pages' renderers / other Chromium)."""

import subprocess
import sys
import time

import pytest

from bench.cpu import CpuMeter, frames_per_core, per_frame_ms, process_kind

RENDERER = ["/usr/lib/chromium/chromium", "--type=renderer", "--lang=en-US"]
GPU = ["/usr/lib/chromium/chromium", "--type=gpu-process", "--no-sandbox"]
BROWSER = ["/usr/lib/chromium/chromium", "--headless", "--remote-debugging-pipe"]


def test_process_kind_sorts_the_server_the_renderers_and_the_rest_of_chromium():
    assert process_kind(10, "python", ["python", "-m", "streamlit"], {10}) == "server"
    assert process_kind(11, "chromium", RENDERER, {10}) == "renderer"
    assert process_kind(12, "chromium", GPU, {10}) == "browser"
    assert process_kind(13, "chromium", BROWSER, {10}) == "browser"
    # a truncated process name still counts by its executable; anything else is not counted
    assert process_kind(14, "ThreadPoolForeg", RENDERER, {10}) == "renderer"
    assert process_kind(15, "node", ["node", "playwright/driver"], {10}) is None
    assert process_kind(16, "python", ["python", "bench/bench_load.py"], {10}) is None


def test_per_frame_ms_and_the_projection_by_hand():
    split = per_frame_ms({"server": 0.8, "renderer": 0.84, "browser": 0.2}, frames=20)
    assert split == pytest.approx({"server": 40.0, "renderer": 42.0, "browser": 10.0})
    assert per_frame_ms({"server": 1.0}, frames=0) == dict.fromkeys(
        ("server", "renderer", "browser"), 0.0
    )
    assert frames_per_core(40.0) == pytest.approx(25.0)  # 1000 ms / 40 ms
    assert frames_per_core(0.0) == 0.0


BURN = (  # 0.4 s of CPU, then idle
    "import time\nt = time.process_time()\n"
    "while time.process_time() - t < 0.4: pass\ntime.sleep(30)"
)
# the server's child burns once the file argv[1] exists: the test makes it after the meter
# started (a fixed sleep raced a slow meter start on a loaded machine: 0.01 s counted)
LATER = "import os, sys, time\nwhile not os.path.exists(sys.argv[1]): time.sleep(0.01)\n" + BURN
SERVER = (
    "import subprocess, sys, time\n"
    f"subprocess.Popen([sys.executable, '-c', {LATER!r}, sys.argv[1]])\ntime.sleep(30)"
)


def _burned(proc, seconds: float, timeout: float = 20.0) -> None:
    """Wait until ``proc`` has used ``seconds`` of CPU (a loaded machine only makes this slower),
    less 0.02 s: the OS counts in 10 ms ticks, so a burner that stopped at 0.4 s may read 0.39."""
    end = time.monotonic() + timeout
    while sum(proc.cpu_times()[:2]) < seconds - 0.02 and time.monotonic() < end:
        time.sleep(0.05)


def test_the_meter_counts_a_server_child_and_leaves_other_processes_out(tmp_path):
    """A 'server' whose child burns 0.4 s of CPU while the meter runs, and a stranger that burns
    as much: the meter gives the server ~0.4 s (0.8 if it counted the stranger too)."""
    import psutil

    go = tmp_path / "go"
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(go)])
    stranger = subprocess.Popen([sys.executable, "-c", LATER, str(go)])
    try:
        root, end = psutil.Process(server.pid), time.monotonic() + 10
        while not root.children() and time.monotonic() < end:  # the child exists, still asleep
            time.sleep(0.02)
        meter = CpuMeter(server.pid)
        meter.start()
        go.touch()  # now burn
        for proc in (*root.children(), psutil.Process(stranger.pid)):
            _burned(proc, 0.4)
        used = meter.stop()
    finally:
        for proc in psutil.Process(server.pid).children(recursive=True):
            proc.kill()
        server.kill()
        stranger.kill()
    assert 0.3 <= used["server"] <= 0.6, used
