"""Where the CPU went during a load benchmark: the Streamlit server, the pages' renderer processes
and Chromium's other processes (GPU/compositor, browser, network and utility processes).

On one machine the benchmark's browsers share the cores with the server, so its frame rates
measure both. Splitting the CPU lets a teacher size a server for a real class, where every
student's browser runs on that student's own machine:

    meter = CpuMeter(server.proc.pid)   # after the tabs are open
    meter.start(); time.sleep(60); seconds = meter.stop()
    split = per_frame_ms(seconds, frames=ticks)   # {"server": 39.5, "renderer": 41.0, ...}
"""

from __future__ import annotations

from collections.abc import Sequence

KINDS = ("server", "renderer", "browser")  # the order the benchmark prints them in


def process_kind(pid: int, name: str, cmdline: Sequence[str], server_pids: set[int]) -> str | None:
    """'server' (the Streamlit process or its children), 'renderer' (a page's Chromium process),
    'browser' (any other Chromium process), or None for everything else on the machine."""
    if pid in server_pids:
        return "server"
    if "chrom" not in name.lower() and not any("chrom" in part.lower() for part in cmdline[:1]):
        return None
    return "renderer" if "--type=renderer" in cmdline else "browser"


def per_frame_ms(seconds: dict[str, float], frames: int) -> dict[str, float]:
    """CPU milliseconds per frame for each kind (0 for every kind when no frame was made)."""
    return {k: 1000.0 * seconds.get(k, 0.0) / frames if frames else 0.0 for k in KINDS}


def frames_per_core(server_ms: float) -> float:
    """Frames a second one core makes when a frame costs the server ``server_ms`` of CPU and the
    browsers are elsewhere (a projection from the measured cost, not a measurement)."""
    return 1000.0 / server_ms if server_ms > 0 else 0.0


class CpuMeter:
    """CPU seconds (user + system) per kind between ``start()`` and ``stop()``. Processes are
    found at ``start()``: open every tab first. A process that ends before ``stop()`` is left out
    (its time cannot be read any more)."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid
        self._procs: list = []
        self._before: dict[int, float] = {}

    def _server_pids(self) -> set[int]:
        import psutil

        root = psutil.Process(self.server_pid)
        return {self.server_pid, *(c.pid for c in root.children(recursive=True))}

    def start(self) -> None:
        import psutil

        server_pids = self._server_pids()
        self._procs, self._before = [], {}
        for proc in psutil.process_iter(["name", "cmdline"]):
            kind = process_kind(
                proc.pid, proc.info["name"] or "", proc.info["cmdline"] or [], server_pids
            )
            if kind is None:
                continue
            try:
                self._before[proc.pid] = _cpu_seconds(proc)
            except psutil.Error:  # ended meanwhile
                continue
            self._procs.append((proc, kind))

    def stop(self) -> dict[str, float]:
        import psutil

        used = dict.fromkeys(KINDS, 0.0)
        for proc, kind in self._procs:
            try:
                used[kind] += _cpu_seconds(proc) - self._before[proc.pid]
            except psutil.Error:
                continue
        return used


def _cpu_seconds(proc) -> float:
    times = proc.cpu_times()
    return times.user + times.system
