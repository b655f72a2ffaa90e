"""Browser test of the VAE page: the latent map loads from the shipped checkpoint, a click on the
map decodes that point (also while the live model plays, which goes on training); on the
interpolation view a click on a cell of either drawing grid paints it (Erase on: removes it), a
lasso stroke paints cells and the drawing becomes input A of the decoded strip; Step trains the
live model."""

import time

import pytest

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
    """Pick the lasso in the chart's toolbar (a drag pans by default), then draw a stroke."""
    box = _plot_box(page, trace_name)
    plot = page.locator(".js-plotly-plot").nth(page.evaluate(PLOT_JS, trace_name))
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    plot.locator(".modebar-btn[data-val=lasso]").click()
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


def _steps(page) -> int:
    return parse_counter(status_text(page))[1]


def _trains_on(page, timeout_s=60.0) -> int:
    """Wait until the live counter moves; the step count it reached."""
    start, deadline = _steps(page), time.monotonic() + timeout_s
    while _steps(page) == start and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _steps(page) > start, "training did not advance while playing"
    return _steps(page)


def test_a_map_click_while_the_live_model_plays_decodes_and_training_goes_on(server, page):
    """The map view reruns alone when clicked (a fragment). With the live panel playing the
    script never idles: the loop turns the click's waiting rerun into a whole one, so the point
    is decoded at once (not when Play stops) and Play goes on training."""
    open_app(page, server.url("vae?source=live&hidden=64"), timeout_ms=120000)
    page.get_by_text("Click anywhere on the map").wait_for(timeout=60000)
    page.get_by_role("button", name="Play").click()
    page.get_by_role("button", name="Pause").wait_for(timeout=60000)
    _trains_on(page)

    def click(fx, fy):  # the script is running (the loop): no wait for it to idle
        box = _plot_box(page, "click grid")
        x, y = box["x"] + box["width"] * fx, box["y"] + box["height"] * fy
        page.mouse.move(x, y)
        page.wait_for_timeout(200)
        page.mouse.click(x, y)

    _until(page, lambda: click(0.7, 0.3), "decoded at (")
    page.get_by_role("button", name="Pause").wait_for(timeout=5000)  # still playing
    _trains_on(page)
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Play").wait_for(timeout=60000)
    wait_idle(page)
    first = page.get_by_text("decoded at (").inner_text()
    # paused: the view reruns alone, on the live panel's model
    _until(page, lambda: click(0.3, 0.7), "decoded at (-")
    assert page.get_by_text("decoded at (").inner_text() != first
    assert page.locator(EXCEPTION).count() == 0


def test_drawn_input_feeds_the_interpolation(server, page):
    open_app(page, server.url("vae?view=interpolation&a_kind=draw"), timeout_ms=120000)
    page.get_by_text("the image is empty").first.wait_for(timeout=60000)
    _until(page, lambda: _lasso(page, "canvas"), "as the model sees it")  # paints a triangle
    page.get_by_text("linear, 10 steps").wait_for(timeout=60000)
    assert page.locator(EXCEPTION).count() == 0


def test_step_trains_the_live_model(server, page):
    open_app(page, server.url("vae?source=live&hidden=64"), timeout_ms=120000)
    assert parse_counter(status_text(page))[1] == 0
    page.get_by_role("button", name="Step").click()
    wait_idle(page)
    page.get_by_text("Minibatch average").wait_for(timeout=60000)
    assert parse_counter(status_text(page))[1] == 10
    assert page.locator(EXCEPTION).count() == 0


# -- clicks (not lassos) on every clickable surface: each drawing grid and the latent map ---------
CELL_JS = """([name, row, col]) => {
    const el = [...document.querySelectorAll('.js-plotly-plot')].find(
        e => e.data && e.data.some(t => t.name === name));
    if (!el || !el._fullLayout || !el._fullLayout.xaxis) return null;
    const xa = el._fullLayout.xaxis, ya = el._fullLayout.yaxis, box = el.getBoundingClientRect();
    const trace = el.data.find(t => t.name === name);
    const n = Math.round(Math.sqrt(trace.marker.color.length));
    return {x: box.left + xa._offset + xa.l2p(col), y: box.top + ya._offset + ya.l2p(row),
            colour: trace.marker.color[row * n + col]};
}"""
INK, PAPER = "rgb(0,0,0)", "rgb(255,255,255)"


def _cell(page, name, row, col):
    """Where cell (row, col) of canvas ``name`` is on the screen, and its colour."""
    args = [name, row, col]
    page.wait_for_function(f"() => ({CELL_JS})({args!r}) !== null", timeout=60000)
    return page.evaluate(CELL_JS, args)


def _click_cell(page, name, row, col, colour):
    """Click cell (row, col) of canvas ``name`` until it is drawn in ``colour`` (a click sent
    before plotly is ready is lost)."""
    cell = f"({CELL_JS})({[name, row, col]!r})"
    painted = f"() => {{ const c = {cell}; return c !== null && c.colour === {colour!r}; }}"
    for attempt in range(3):
        _cell(page, name, row, col)  # drawn
        page.locator(".js-plotly-plot").nth(
            page.evaluate(PLOT_JS, name)
        ).scroll_into_view_if_needed()
        spot = _cell(page, name, row, col)
        page.mouse.move(spot["x"], spot["y"])
        page.wait_for_timeout(200)
        page.mouse.click(spot["x"], spot["y"])
        wait_idle(page)
        try:
            page.wait_for_function(painted, timeout=20000 * (attempt + 1))
            return
        except Exception:
            if attempt == 2:
                raise


@pytest.mark.parametrize("which", ["a", "b"])
def test_a_click_paints_a_cell_and_erase_removes_it(server, page, which):
    open_app(page, server.url(f"vae?view=interpolation&{which}_kind=draw"), timeout_ms=120000)
    page.get_by_text("the image is empty").first.wait_for(timeout=60000)
    assert _cell(page, "canvas", 5, 8)["colour"] == PAPER
    _click_cell(page, "canvas", 5, 8, INK)
    page.get_by_text("as the model sees it").first.wait_for(timeout=60000)
    assert _cell(page, "canvas", 6, 8)["colour"] == PAPER  # only the clicked cell
    _click_cell(page, "canvas", 9, 3, INK)  # a second click paints a second cell
    assert _cell(page, "canvas", 5, 8)["colour"] == INK
    page.get_by_text("Erase").first.click()
    wait_idle(page)
    _click_cell(page, "canvas", 9, 3, PAPER)  # the cell clicked last: a click erases it too
    assert _cell(page, "canvas", 5, 8)["colour"] == INK
    _click_cell(page, "canvas", 5, 8, PAPER)
    assert page.locator(EXCEPTION).count() == 0


# -- readable on a projector: digits 128 px alone, a strip as wide as its column allows --------
IMAGES_JS = """() => [...document.querySelectorAll('[data-testid=stImage]')].map(fig => {
    const img = fig.querySelector('img');
    const loaded = img !== null && img.complete && img.naturalWidth > 0;
    return {caption: fig.innerText, width: loaded ? img.getBoundingClientRect().width : 0};
})"""


@pytest.mark.parametrize(
    ("link", "caption", "digits_across", "px"),
    [
        ("vae?view=interpolation", "test #12", 1, 128),
        ("vae?view=interpolation&n_steps=10", "10 steps", 10, 88),
        ("vae?view=latent+map&grid_n=15", "Decoded grid", 15, 28),
        ("vae?view=samples+%26+beta", "reconstructions", 10, 88),
        ("vae?view=reparameterization", "decodings of the first", 8, 96),
        ("vae?view=arithmetic", "α from 0 to", 7, 96),
    ],
)
def test_digits_are_drawn_big_enough_for_a_projector(
    server, page, link, caption, digits_across, px
):
    """Issue 24 item 15: digits were drawn at 64 px (8 px a pixel), a 15 x 15 decoded grid at
    24 px a digit; in a 1400 x 1000 window a 10-step strip now fills its column."""
    open_app(page, server.url(link), timeout_ms=120000)
    drawn = f"() => ({IMAGES_JS})().some(im => im.caption.includes({caption!r}) && im.width > 0)"
    page.wait_for_function(drawn, timeout=60000)
    shown = [im for im in page.evaluate(IMAGES_JS) if caption in im["caption"]]
    assert shown[0]["width"] / digits_across >= px, shown[0]
