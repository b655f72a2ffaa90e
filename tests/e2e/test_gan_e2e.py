"""Browser test of the GAN page: Play trains (the iteration counter moves and live frames arrive),
Pause stops it, on both panels; on "Draw your own", a lasso on the canvas adds points and the GAN
can train."""

from bench.harness import parse_counter, status_text, wait_idle
from tests.e2e.conftest import EXCEPTION, open_app


def _iteration(page) -> float:
    return parse_counter(status_text(page))[0]


def _play(page, moved: str, timeout: int) -> None:
    """Press Play and wait until the counter line matches the regex ``moved``."""
    page.get_by_role("button", name="Play").click()
    page.wait_for_function(
        f"() => /{moved}/.test(document.querySelector('[data-testid=stMain]').innerText)",
        timeout=timeout,
    )


def _pause_stops_training(page) -> str:
    """Press Pause: the Play button comes back and the counter line stays put; returns it."""
    page.get_by_role("button", name="Pause").click()
    wait_idle(page)
    page.get_by_role("button", name="Play").wait_for(timeout=10000)
    paused = status_text(page)
    page.wait_for_timeout(1500)
    assert status_text(page) == paused
    assert page.locator(EXCEPTION).count() == 0
    return paused


def test_play_pause_trains_then_stops(server, page):
    open_app(page, server.url("gan?g_neurons=16&d_neurons=16&batch=64"))
    assert _iteration(page) == 0
    _play(page, "Iteration\\s+[1-9]", 30000)
    page.wait_for_selector("[data-testid=dlx-live-frame][data-seq]", timeout=60000)  # a frame
    _pause_stops_training(page)
    assert _iteration(page) >= 1


def test_digits_play_pause_trains_then_stops(server, page):
    open_app(page, server.url("gan?panel=digits"))
    assert parse_counter(status_text(page))[1] == 0
    _play(page, "step\\s+[1-9]", 60000)
    assert parse_counter(_pause_stops_training(page))[1] >= 1


def test_lasso_on_canvas_draws_a_distribution(server, page):
    open_app(page, server.url("gan?target=drawn"))
    page.get_by_text("it needs at least 5").wait_for(timeout=30000)
    assert page.get_by_role("button", name="Play").count() == 0
    plot = page.locator(".js-plotly-plot").first
    plot.scroll_into_view_if_needed()
    box = plot.locator(".nsewdrag").first.bounding_box()
    x0, y0, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x0 + 0.3 * w, y0 + 0.3 * h)
    page.mouse.down()
    for fx, fy in ((0.7, 0.3), (0.7, 0.6), (0.3, 0.6), (0.3, 0.31)):
        page.mouse.move(x0 + fx * w, y0 + fy * h, steps=8)
    page.mouse.up()
    page.wait_for_timeout(500)  # let the selection event reach the server
    wait_idle(page)
    page.get_by_role("button", name="Play").wait_for(timeout=30000)
    assert page.get_by_text("it needs at least 5").count() == 0
    assert page.locator(EXCEPTION).count() == 0
