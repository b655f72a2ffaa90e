"""Browser test of the GAN page: Play trains (the iteration counter moves and live frames arrive),
Pause stops it, on both panels; on "Draw your own", a click on the canvas adds a point where it
was clicked (a second click a second one), the toolbar's lasso adds an area's points, and the GAN
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
    plot.hover()  # the toolbar shows on hover; a click adds one point, the lasso tool an area
    plot.locator(".modebar-btn[data-title='Lasso Select']").click()
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


# -- clicks (not lassos) on the drawing canvas ------------------------------------------------
SPOT_JS = """([x, y]) => {
    const el = [...document.querySelectorAll('.js-plotly-plot')].find(
        e => e.data && e.data.some(t => t.name === 'canvas'));
    if (!el || !el._fullLayout || !el._fullLayout.xaxis) return null;
    const xa = el._fullLayout.xaxis, ya = el._fullLayout.yaxis, box = el.getBoundingClientRect();
    const mine = (el._fullData || []).find(t => t.name === 'your points');
    const xs = mine ? Array.from(mine.x) : [], ys = mine ? Array.from(mine.y) : [];
    return {x: box.left + xa._offset + xa.l2p(x), y: box.top + ya._offset + ya.l2p(y),
            points: xs.map((v, i) => [v, ys[i]])};
}"""


def _canvas(page, x: float, y: float) -> dict:
    """Where plane point (x, y) is on the screen, and the drawn points the canvas shows."""
    page.wait_for_function(f"() => ({SPOT_JS})({[x, y]!r}) !== null", timeout=60000)
    return page.evaluate(SPOT_JS, [x, y])


def _click_canvas(page, x: float, y: float, count: int) -> list:
    """Click plane point (x, y) once until the canvas shows ``count`` points (a click sent
    before plotly is ready is lost; a click that was received is never repeated)."""
    spot_now = f"({SPOT_JS})({[x, y]!r})"
    shows = f"() => {{ const c = {spot_now}; return c && c.points.length >= {count}; }}"
    for attempt in range(3):
        page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
        spot = _canvas(page, x, y)
        if len(spot["points"]) >= count:
            break
        page.mouse.move(spot["x"], spot["y"])
        page.wait_for_timeout(300)  # plotly's hover finds the nearest grid marker
        page.mouse.click(spot["x"], spot["y"])
        wait_idle(page)
        try:
            page.wait_for_function(shows, timeout=20000 * (attempt + 1))
            break
        except Exception:
            if attempt == 2:
                raise
    return _canvas(page, x, y)["points"]


def test_a_click_on_the_canvas_adds_a_point(server, page):
    open_app(page, server.url("gan?target=drawn"))
    page.get_by_text("it needs at least 5").wait_for(timeout=30000)
    assert _canvas(page, 0.0, 0.0)["points"] == []
    points = _click_canvas(page, 0.5, 1.0, 1)
    assert len(points) == 1
    assert abs(points[0][0] - 0.5) < 0.1 and abs(points[0][1] - 1.0) < 0.1  # where it was clicked
    page.get_by_text("has 1 point(s)").wait_for(timeout=30000)
    points = _click_canvas(page, -1.2, -0.8, 2)  # a second click adds a second point
    assert len(points) == 2 and abs(points[1][0] + 1.2) < 0.1 and abs(points[1][1] + 0.8) < 0.1
    page.get_by_text("has 2 point(s)").wait_for(timeout=30000)
    assert page.locator(EXCEPTION).count() == 0
