"""Shared harness for benchmarks and browser tests: a real `streamlit run` server and headless
Chromium (Playwright), plus the in-page frame counter used for "frames that reach the browser".

    with StreamlitServer("app.py") as server, chromium() as browser:
        page = browser.new_page()
        open_app(page, server.url("gan"))
        fps = count_frames(page, seconds=5)

The browser is found from $DLX_CHROMIUM, else /usr/bin/chromium, else Playwright's own download.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
READY = "[data-testid=stApp][data-test-script-state=notRunning]"
EXCEPTION = "[data-testid=stException]"


def find_chromium() -> str | None:
    """Path to a Chromium binary, or None to let Playwright use its own download."""
    for candidate in (
        os.environ.get("DLX_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamlitServer:
    """`streamlit run <script>` on a free loopback port; waits for /_stcore/health."""

    def __init__(
        self,
        script: str = "app.py",
        *,
        port: int | None = None,
        env: dict[str, str] | None = None,
        args: list[str] | None = None,
    ) -> None:
        self.script, self.port = script, port or free_port()
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
        self.args = args or []
        self.proc: subprocess.Popen | None = None
        self.started_at = 0.0
        self.log_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"dlx-server-{self.port}.log"

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def start(self, timeout: float = 60.0) -> StreamlitServer:
        cmd = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            self.script,
            "--server.headless=true",
            f"--server.port={self.port}",
            "--server.address=127.0.0.1",
            "--browser.gatherUsageStats=false",
            "--server.fileWatcherType=none",
            *self.args,
        ]
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.started_at = time.perf_counter()
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited early; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.url("_stcore/health"), timeout=1) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise TimeoutError(f"streamlit not healthy after {timeout}s; see {self.log_path}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        if getattr(self, "_log", None):
            self._log.close()

    def rss_mb(self) -> float:
        """Resident memory of the server process (MB)."""
        import psutil

        return psutil.Process(self.proc.pid).memory_info().rss / 1e6

    def __enter__(self) -> StreamlitServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextlib.contextmanager
def chromium(headless: bool = True) -> Iterator:
    """A headless Chromium browser (Playwright)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        path = find_chromium()
        browser = p.chromium.launch(executable_path=path, headless=headless, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def open_app(page, url: str, timeout_ms: int = 90000) -> None:
    """Go to ``url`` and wait until the script run finished (the page is interactive)."""
    page.goto(url)
    # the app reports "notRunning" before its first run starts: wait for content, then idle
    page.wait_for_selector(
        "[data-testid=stMain] [data-testid=stElementContainer]", timeout=timeout_ms
    )
    page.wait_for_selector(READY, timeout=timeout_ms)


def press_play(page, tries: int = 3, timeout_ms: int = 30000) -> None:
    """Click Play until the live panel shows Pause: on a loaded host a click that lands while
    the page is still drawing its last run can be lost (then nothing plays)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(tries):
        page.get_by_role("button", name="Play").click()
        try:
            page.get_by_role("button", name="Pause").wait_for(timeout=timeout_ms)
            return
        except PlaywrightTimeout:
            if attempt == tries - 1:
                raise


def wait_idle(page, timeout_ms: int = 90000) -> None:
    """Wait for the current script run to finish (after a click)."""
    page.wait_for_timeout(150)
    page.wait_for_selector(READY, timeout=timeout_ms)


# Counts animation frames in which the main area's DOM changed: what the student actually sees.
# A mutation schedules one requestAnimationFrame callback (mutations before the next frame share
# it). No permanent rAF loop: a loop makes every tab composite 60 frames a second even when
# nothing changes, which cost ~0.05 cores per tab (measured: 10 idle tabs 0.014 -> 0.535 cores)
# and, with 20 tabs, took half of a 2-core machine from the pages being measured.
_FRAME_COUNTER_JS = """
() => {
  const root = document.querySelector('[data-testid=stMain]') || document.body;
  const s = window.__dlx = {frames: 0, pending: false};
  new MutationObserver(() => {
    if (s.pending) return;
    s.pending = true;
    requestAnimationFrame(() => { s.frames += 1; s.pending = false; });
  }).observe(root, {subtree: true, childList: true, characterData: true, attributes: true});
}
"""


def start_frame_counter(page) -> None:
    """Start counting rendered updates in ``page`` (read with ``frames_counted``)."""
    page.evaluate(_FRAME_COUNTER_JS)


def frames_counted(page) -> int:
    return int(page.evaluate("window.__dlx.frames"))


def count_frames(page, seconds: float) -> float:
    """Rendered updates per second of the page's main area over ``seconds``."""
    page.evaluate(_FRAME_COUNTER_JS)
    page.wait_for_timeout(int(seconds * 1000))
    return page.evaluate("window.__dlx.frames") / seconds


def status_text(page) -> str:
    """The live panel's counter line ('Epoch 12 · step 600 · 1,520 steps/s'): Streamlit markdown
    while paused, the live-frame channel's own element while playing (dlcore/ui/channel.py)."""
    import re

    pattern = re.compile(r"step [\d,]+")
    where = "[data-testid=dlx-live-status], [data-testid=stMarkdownContainer]"
    return page.locator(where, has_text=pattern).first.inner_text()


def parse_counter(text: str) -> tuple[float, int, float]:
    """(epoch, step, steps/s) from the counter line."""
    import re

    epoch = re.search(r"(?:Epoch|Sequence|Iteration)\w*\s+([\d,.]+)", text)
    step = re.search(r"step ([\d,]+)", text)
    rate = re.search(r"([\d,.]+) steps/s", text)

    def num(m):
        return float(m.group(1).replace(",", "")) if m else 0.0

    return num(epoch), int(num(step)), num(rate)


def screenshot(
    url_path: str,
    out: str,
    *,
    script: str = "app.py",
    width: int = 1400,
    height: int = 1000,
    wait_ms: int = 500,
    timeout_ms: int = 120000,
) -> str:
    """Start a server, open a page and save a full-page PNG (for looking at what we built)."""
    with StreamlitServer(script) as server, chromium() as browser:
        page = browser.new_page(viewport={"width": width, "height": height})
        open_app(page, server.url(url_path), timeout_ms=timeout_ms)
        page.wait_for_timeout(wait_ms)
        page.screenshot(path=out, full_page=True, timeout=timeout_ms)
    return out


if __name__ == "__main__":  # python bench/harness.py <url_path> <out.png>
    print(
        screenshot(
            sys.argv[1] if len(sys.argv) > 1 else "",
            sys.argv[2] if len(sys.argv) > 2 else "/tmp/dlx.png",
        )
    )
