"""The class-hosting topology on loopback: two `streamlit run` replicas (one shared cookie secret)
behind Debian's nginx with cookie-sticky sessions (deploy/nginx.conf.template).

Checks: sessions stick to their replica; an upload and an image render through the balancer; a
replica's restart moves its students to the other replica with a clear "Reconnected" notice,
while the other replica's students keep their sessions."""

from __future__ import annotations

import os
import re

import pytest

from bench.balancer import Balancer, find_nginx
from bench.harness import open_app, parse_counter, status_text, wait_idle
from tests.foundation.badfiles import good_png

pytestmark = pytest.mark.skipif(
    find_nginx() is None and not os.environ.get("CI"), reason="nginx not installed"
)


def replica(page) -> str:
    text = page.locator("[data-testid=stSidebar]").inner_text()
    match = re.search(r"replica\s+([A-Z])", text)
    return match.group(1) if match else "?"


@pytest.fixture(scope="module")
def balancer():
    with Balancer(replicas=2) as bal:
        yield bal


def _student_on(browser, bal, wanted: str, path: str):
    for _ in range(16):  # a new browser gets a random route cookie: draw until we land on `wanted`
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        open_app(page, bal.url(path))
        if replica(page) == wanted:
            return page
        context.close()
    pytest.fail(f"no student landed on replica {wanted}")


def test_sessions_stick_and_uploads_render_through_the_balancer(browser, balancer):
    page = _student_on(browser, balancer, "A", "convolution?source=upload")
    for _ in range(3):  # reloads and new requests keep the replica
        page.reload()
        open_app(page, page.url)
        assert replica(page) == "A"
    images_before = page.locator("[data-testid=stImage]").count()
    page.locator("[data-testid=stFileUploaderDropzoneInput]").first.set_input_files(
        files=[{"name": "gradient.png", "mimeType": "image/png", "buffer": good_png()}]
    )
    wait_idle(page)
    page.wait_for_timeout(500)
    assert page.locator("[data-testid=stException]").count() == 0
    assert page.locator("[data-testid=stImage]").count() >= max(1, images_before)
    assert "gradient.png" in page.locator("[data-testid=stFileUploader]").first.inner_text()
    assert replica(page) == "A"


def test_restart_moves_students_and_keeps_other_replica_sessions(browser, balancer):
    on_a = _student_on(browser, balancer, "A", "playground")
    on_b = _student_on(browser, balancer, "B", "playground")
    on_b.get_by_role("button", name="Step").first.click()
    wait_idle(on_b)
    steps_b = parse_counter(status_text(on_b))[1]
    assert steps_b > 0
    on_a.get_by_role("button", name="Play").first.click()  # a student training on A ...
    on_a.wait_for_timeout(1500)
    balancer.restart_replica(0)  # ... when A restarts
    on_a.get_by_text("Reconnected").first.wait_for(timeout=60000)
    assert replica(on_a) == "B"
    assert on_a.locator("[data-testid=stException]").count() == 0
    # the student on B never noticed
    on_b.get_by_role("button", name="Step").first.click()
    wait_idle(on_b)
    assert parse_counter(status_text(on_b))[1] > steps_b
    assert on_b.get_by_text("Reconnected").count() == 0
    assert replica(on_b) == "B"
