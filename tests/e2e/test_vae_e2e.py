"""Browser test of the VAE page: the latent map loads from the shipped checkpoint, a click on the
map decodes that point; on the interpolation view a lasso stroke on the drawing canvas paints
cells and the drawing becomes input A of the decoded strip; Step trains the live model."""

from bench.harness import parse_counter, status_text, wait_idle
from tests.e2e.conftest import EXCEPTION, open_app

PLOT_JS = """(name) => [...document.querySelectorAll('.js-plotly-plot')].findIndex(
    el => el.data && el.data.some(t => t.name === name))"""


def _plot_box(page, trace_name):
    page.wait_for_function(f"() => ({PLOT_JS})({trace_name!r}) >= 0", timeout=60000)
    plot = page.locator(".js-plotly-plot").nth(page.evaluate(PLOT_JS, trace_name))
    plot.scroll_into_view_if_needed()
    return plot.locator(".nsewdrag").first.bounding_box()


def _click_plot(page, trace_name, fx, fy):
    box = _plot_box(page, trace_name)
    page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
    page.wait_for_timeout(200)
    page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
    page.wait_for_timeout(300)
    wait_idle(page)


def _until(page, action, text, tries=3):
    """Do ``action`` until ``text`` shows (a gesture sent before plotly is ready is lost)."""
    for attempt in range(tries):
        action()
        try:
            page.get_by_text(text).first.wait_for(timeout=20000 * (attempt + 1))
            return
        except Exception:
            if attempt == tries - 1:
                raise


def _lasso(page, trace_name):
    box = _plot_box(page, trace_name)
    x0, y0 = box["x"] + 0.3 * box["width"], box["y"] + 0.3 * box["height"]
    w, h = box["width"], box["height"]
    page.mouse.move(x0, y0)
    page.mouse.down()
    for k in range(1, 11):
        page.mouse.move(x0 + k * 0.04 * w, y0 + k * 0.04 * h)
    page.mouse.move(x0 + 0.4 * w, y0)
    page.mouse.move(x0, y0)
    page.mouse.up()
    page.wait_for_timeout(300)
    wait_idle(page)


def test_map_click_decodes_a_point(server, page):
    open_app(page, server.url("vae"), timeout_ms=120000)
    page.get_by_text("Decoded grid over the same area").wait_for(timeout=60000)
    page.get_by_text("Click anywhere on the map").wait_for(timeout=60000)
    _until(page, lambda: _click_plot(page, "click grid", 0.7, 0.3), "decoded at (")
    assert page.locator(EXCEPTION).count() == 0


def test_drawn_input_feeds_the_interpolation(server, page):
    open_app(page, server.url("vae?view=interpolation&a_kind=draw"), timeout_ms=120000)
    page.get_by_text("the image is empty").first.wait_for(timeout=60000)
    _until(page, lambda: _lasso(page, "canvas"), "as the model sees it")  # paints a triangle
    page.get_by_text("linear, 10 steps (computed in").wait_for(timeout=60000)
    assert page.locator(EXCEPTION).count() == 0


def test_step_trains_the_live_model(server, page):
    open_app(page, server.url("vae?source=live&hidden=64"), timeout_ms=120000)
    assert parse_counter(status_text(page))[1] == 0
    page.get_by_role("button", name="Step").click()
    wait_idle(page)
    page.get_by_text("Minibatch average").wait_for(timeout=60000)
    assert parse_counter(status_text(page))[1] == 10
    assert page.locator(EXCEPTION).count() == 0
