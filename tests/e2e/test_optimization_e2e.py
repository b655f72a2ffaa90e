"""Browser test of the optimization lab against a real server: the race and the adaptive view
Play and Pause (the browser draws the surface and the paths on its canvases; the counter
stops), every clickable plane is clicked (the race's start point, the momentum rate map's eta
and beta, the regularization plane's true weights) and the link follows, and the landscape and
dropout views draw."""

from bench.harness import parse_counter, status_text, wait_idle
from tests.e2e.conftest import EXCEPTION, open_app

SLOW_MS = 180_000  # generous: the 2-core machine may be shared by many test runs at once

# index of the plotly chart whose x axis has this title
PLOT_JS = """(title) => [...document.querySelectorAll('.js-plotly-plot')].findIndex(
    el => el.layout && el.layout.xaxis && el.layout.xaxis.title &&
          el.layout.xaxis.title.text === title)"""
# share of inked (non-white) pixels on the live frame's plane canvas, and the steps canvas shown
CANVAS_JS = """() => { const canvases = document.querySelectorAll(
    '[data-testid=dlx-live-frame] canvas');
  const plane = canvases[0];
  const d = plane.getContext('2d').getImageData(0, 0, plane.width, plane.height).data;
  let n = 0; for (let i = 0; i < d.length; i += 4)
    if (d[i + 3] > 0 && (d[i] < 245 || d[i + 1] < 245 || d[i + 2] < 245)) n++;
  return {inked: n / (plane.width * plane.height), count: canvases.length,
          steps: canvases[2] ? canvases[2].style.display !== 'none' : false}; }"""


def _iteration(page) -> int:
    return parse_counter(status_text(page))[1]


def _play(page) -> dict:
    """Press Play, wait for live frames and an iteration; what the plane canvas shows."""
    page.get_by_role("button", name="Play").first.click()
    page.locator("[data-testid=dlx-live-frame]").wait_for(timeout=SLOW_MS)
    page.wait_for_function(
        "() => /Iteration\\s+[1-9]/.test(document.querySelector('[data-testid=stMain]').innerText)",
        timeout=SLOW_MS,
    )
    page.wait_for_timeout(1000)
    return page.evaluate(CANVAS_JS)


def _pause_stops_training(page) -> None:
    page.get_by_role("button", name="Pause").first.click()
    wait_idle(page)
    page.get_by_role("button", name="Play").wait_for(timeout=SLOW_MS)
    paused = status_text(page)
    assert _iteration(page) >= 1
    page.wait_for_timeout(1500)
    assert status_text(page) == paused  # nothing trains while paused


def _click_plot(page, title: str, fx: float, fy: float) -> None:
    """Click the chart whose x axis is ``title`` at a fraction of its plot area."""
    page.wait_for_function(f"() => ({PLOT_JS})({title!r}) >= 0", timeout=SLOW_MS)
    plot = page.locator(".js-plotly-plot").nth(page.evaluate(PLOT_JS, title))
    plot.scroll_into_view_if_needed()
    box = plot.locator(".nsewdrag").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
    page.wait_for_timeout(300)
    wait_idle(page)


def test_race_play_pause_draws_the_race_on_canvases(server, page):
    page.set_default_timeout(SLOW_MS)
    open_app(page, server.url("optimization"), timeout_ms=SLOW_MS)
    page.get_by_text("Condition number κ").first.wait_for(timeout=SLOW_MS)
    assert _iteration(page) == 0
    drawn = _play(page)
    assert drawn["count"] == 3 and drawn["inked"] > 0.5, drawn  # the surface and the paths
    assert not drawn["steps"]  # the race has no step-size panel
    assert page.locator("[data-testid=dlx-live-frame]").get_by_text("Adam").count() >= 1
    _pause_stops_training(page)
    page.wait_for_function(f"() => ({PLOT_JS})('x') >= 0", timeout=SLOW_MS)  # figures are back
    assert page.locator(EXCEPTION).count() == 0


def test_click_on_the_race_plane_moves_the_start(server, page):
    page.set_default_timeout(SLOW_MS)
    open_app(page, server.url("optimization?view=race"), timeout_ms=SLOW_MS)
    page.get_by_role("button", name="Step").first.click()
    wait_idle(page)
    assert _iteration(page) == 1
    _click_plot(page, "x", 0.8, 0.2)  # upper right of the square
    page.wait_for_url("**start=*", timeout=SLOW_MS)
    x, y = (
        float(v) for v in page.url.split("start=")[1].split("&")[0].replace("%2C", ",").split(",")
    )
    assert x > 0.5 and y > 0.5
    assert _iteration(page) == 0  # a new race from the clicked point
    assert page.locator(EXCEPTION).count() == 0


def test_adaptive_view_play_pause_and_click(server, page):
    page.set_default_timeout(SLOW_MS)
    open_app(page, server.url("optimization?view=adaptive&surface=rosenbrock"), timeout_ms=SLOW_MS)
    drawn = _play(page)
    assert drawn["steps"] and drawn["inked"] > 0.5, drawn  # the step sizes are drawn too
    _pause_stops_training(page)
    _click_plot(page, "x", 0.3, 0.3)
    page.wait_for_url("**start=*", timeout=SLOW_MS)
    assert page.locator(EXCEPTION).count() == 0


def test_momentum_rate_map_click_sets_eta_and_beta(server, page):
    page.set_default_timeout(SLOW_MS)
    open_app(page, server.url("optimization?view=momentum"), timeout_ms=SLOW_MS)
    page.get_by_text("(predicted)").first.wait_for(timeout=SLOW_MS)
    _click_plot(page, "step size η", 0.25, 0.2)  # small step, high momentum (y grows upward)
    page.wait_for_url("**m_eta=*", timeout=SLOW_MS)
    eta = float(page.url.split("m_eta=")[1].split("&")[0])
    beta = float(page.url.split("m_beta=")[1].split("&")[0])
    assert 0.5 < eta < 1.6 and beta > 0.6
    assert page.locator(EXCEPTION).count() == 0


def test_regularization_click_moves_the_true_weights(server, page):
    page.set_default_timeout(SLOW_MS)
    open_app(page, server.url("optimization?view=regularization"), timeout_ms=SLOW_MS)
    _click_plot(page, "w₁", 0.2, 0.8)  # lower left: negative weights
    page.wait_for_url("**reg_w1=*", timeout=SLOW_MS)
    w1 = float(page.url.split("reg_w1=")[1].split("&")[0])
    w2 = float(page.url.split("reg_w2=")[1].split("&")[0])
    assert w1 < 0 and w2 < 0
    assert page.locator(EXCEPTION).count() == 0


def test_landscape_and_dropout_views_draw(server, page):
    page.set_default_timeout(SLOW_MS)
    link = "optimization?view=landscape&land_steps=100&land_res=21"
    open_app(page, server.url(link), timeout_ms=SLOW_MS)
    page.get_by_text("PC 1 and PC 2 hold").first.wait_for(timeout=SLOW_MS)
    page.wait_for_function(f"() => ({PLOT_JS})('a along PC 1') >= 0", timeout=SLOW_MS)
    page.get_by_text("Two filter-normalized random directions").click()
    wait_idle(page)
    page.get_by_text("filter normalization").first.wait_for(timeout=SLOW_MS)
    page.wait_for_function(f"() => ({PLOT_JS})('a along random δ₁') >= 0", timeout=SLOW_MS)
    link = "optimization?view=dropout&drop_n=4&drop_k=2&drop_hidden=8&drop_mc=10"
    open_app(page, server.url(link), timeout_ms=SLOW_MS)
    page.get_by_text("exact up to rounding").first.wait_for(timeout=SLOW_MS)
    page.locator(".js-plotly-plot").first.wait_for(timeout=SLOW_MS)  # drawn after the text
    assert page.locator(EXCEPTION).count() == 0
