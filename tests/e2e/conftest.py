"""Browser-test fixtures: a real `streamlit run` server on a free loopback port and headless
Chromium. The browser comes from $DLX_CHROMIUM, /usr/bin/chromium, or Playwright's own; when CI is
set and none is found the run fails instead of skipping."""

from __future__ import annotations

import os

import pytest

from bench.harness import EXCEPTION, READY, StreamlitServer, chromium, find_chromium, open_app

__all__ = ["EXCEPTION", "READY", "open_app"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def _playwright_has_own_browser() -> bool:
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            return os.path.exists(p.chromium.executable_path)
    except Exception:
        return False


@pytest.fixture(scope="session")
def browser():
    if find_chromium() is None and not _playwright_has_own_browser():
        msg = "no Chromium: apt-get install chromium, or python -m playwright install chromium"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    with chromium() as b:
        yield b


@pytest.fixture(scope="session")
def server():
    """One server shared by the browser tests of a session."""
    with StreamlitServer("app.py", env={"DLX_DEVICE": "cpu"}) as s:
        yield s


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    p = context.new_page()
    yield p
    context.close()


@pytest.fixture
def fresh_server():
    """A factory for a new server per check (first-visit behaviour after a server start)."""
    started = []

    def start(script: str = "app.py") -> StreamlitServer:
        s = StreamlitServer(script, env={"DLX_DEVICE": "cpu"}).start()
        started.append(s)
        return s

    yield start
    for s in started:
        s.stop()
