"""Browser test of the playground: Play, wait, Pause - the epoch counter advanced and then
stopped; each click on the plane adds a point that shows at once (training points unless the
student adds test data; the data becomes "Your own points")."""

from bench.harness import parse_counter, status_text, wait_idle
from tests.e2e.conftest import EXCEPTION, open_app

PLANE_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].findIndex(
    el => el.layout && el.layout.xaxis && el.layout.xaxis.title &&
          el.layout.xaxis.title.text === 'x1')"""


def _epoch(page) -> float:
    return parse_counter(status_text(page))[0]


# share of non-transparent, non-white pixels on the plane and network canvases
CANVAS_JS = """() => { const [net, , plane] = document.querySelectorAll(
    '[data-testid=dlx-live-frame] canvas');
  const inked = (c) => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0; for (let i = 0; i < d.length; i += 4)
      if (d[i + 3] > 0 && (d[i] < 250 || d[i + 1] < 250 || d[i + 2] < 250)) n++;
    return n / (c.width * c.height); };
  return {net: inked(net), plane: inked(plane)}; }"""
SLOW_MS = 120_000  # generous: the 2-core machine may be shared by many test runs at once


def test_play_pause_counter_advances_then_stops(server, page):
    page.set_default_timeout(SLOW_MS)
    open_app(page, server.url("playground"), timeout_ms=SLOW_MS)
    assert _epoch(page) == 0
    page.get_by_role("button", name="Play").first.click()
    page.wait_for_function(
        "() => /Epoch\\s+[1-9]/.test(document.querySelector('[data-testid=stMain]').innerText)",
        timeout=SLOW_MS,
    )
    # the browser draws each live frame on canvases: network, curves and the plane (with pixels)
    frame = page.locator("[data-testid=dlx-live-frame]")
    frame.wait_for(timeout=SLOW_MS)
    assert frame.locator("canvas").count() == 3
    drawn = page.evaluate(CANVAS_JS)
    assert drawn["plane"] > 0.9 and drawn["net"] > 0.05, drawn
    page.wait_for_timeout(1000)
    page.get_by_role("button", name="Pause").first.click()
    wait_idle(page)
    page.get_by_role("button", name="Play").wait_for(timeout=SLOW_MS)
    paused = status_text(page)
    assert _epoch(page) >= 1
    page.wait_for_timeout(1500)
    assert status_text(page) == paused  # nothing trains while paused
    assert page.locator(EXCEPTION).count() == 0


COUNT_JS = """(i) => { const el = document.querySelectorAll('.js-plotly-plot')[i];
    return el._fullData.filter(t => t.name === 'train' || t.name === 'test')
                  .reduce((s, t) => s + t.x.length, 0); }"""


def test_click_on_plane_adds_a_point(server, page):
    page.set_default_timeout(SLOW_MS)
    open_app(page, server.url("playground?show_test=1"), timeout_ms=SLOW_MS)
    page.get_by_text("Test loss").first.scroll_into_view_if_needed()  # charts draw when seen
    page.wait_for_function(f"() => ({PLANE_JS})() >= 0")
    idx = page.evaluate(PLANE_JS)
    assert page.evaluate(COUNT_JS, idx) == 500
    assert idx >= 0
    plot = page.locator(".js-plotly-plot").nth(idx)
    plot.scroll_into_view_if_needed()
    drag = plot.locator(".nsewdrag").first
    box = drag.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.2)
    page.wait_for_timeout(300)
    wait_idle(page)
    # the 500 generated points (train + test) and the clicked one, now "your own points"
    page.wait_for_function(f"() => ({COUNT_JS})(({PLANE_JS})()) === 501", timeout=SLOW_MS)
    assert "dataset=custom" in page.url  # the data is now "Your own points" (and the link says so)
    assert page.locator(EXCEPTION).count() == 0


# the network figure (its node trace carries customdata [layer, unit]) and a node's position in
# page pixels relative to its drag layer
NET_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].findIndex(
    el => el._fullData && el._fullData.some(t => t.customdata && t.mode === 'markers'))"""
NODE_JS = """([i, layer, unit]) => { const el = document.querySelectorAll('.js-plotly-plot')[i];
  const t = el._fullData.find(t => t.customdata && t.mode === 'markers');
  const k = t.customdata.findIndex(c => c[0] === layer && c[1] === unit);
  const xa = el._fullLayout.xaxis, ya = el._fullLayout.yaxis;
  return [xa.l2p(t.x[k]), ya.l2p(t.y[k])]; }"""


def test_click_on_a_neuron_enlarges_its_map(server, page):
    page.set_default_timeout(SLOW_MS)
    open_app(page, server.url("playground"), timeout_ms=SLOW_MS)
    page.get_by_text("Test loss").first.scroll_into_view_if_needed()  # charts draw when seen
    page.wait_for_function(f"() => ({NET_JS})() >= 0")
    idx = page.evaluate(NET_JS)
    plot = page.locator(".js-plotly-plot").nth(idx)
    plot.scroll_into_view_if_needed()
    box = plot.locator(".nsewdrag").first.bounding_box()
    x, y = page.evaluate(NODE_JS, [idx, 1, 0])  # the first neuron of the first hidden layer
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_timeout(300)
    wait_idle(page)
    caption = page.get_by_text("Layer 1, unit 1", exact=True)
    caption.wait_for(timeout=SLOW_MS)
    assert page.locator("[data-testid=stImage] img").count() >= 1
    assert page.locator(EXCEPTION).count() == 0


# how many points the plane draws in its trace ``name`` ("train" or "test")
TRACE_JS = """([i, name]) => { const el = document.querySelectorAll('.js-plotly-plot')[i];
    const t = el && el._fullData ? el._fullData.find(t => t.name === name) : null;
    return t ? t.x.length : 0; }"""


def _plane_points(page, name: str) -> int:
    return page.evaluate(TRACE_JS, [page.evaluate(PLANE_JS), name])


def _click_plane(page, fx: float, fy: float) -> None:
    """Click the plane at a fraction (fx, fy) of its plot area (0, 0 = top left)."""
    page.wait_for_function(f"() => ({PLANE_JS})() >= 0")
    plot = page.locator(".js-plotly-plot").nth(page.evaluate(PLANE_JS))
    plot.scroll_into_view_if_needed()
    box = plot.locator(".nsewdrag").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
    page.wait_for_timeout(300)
    wait_idle(page)


def _wait_points(page, name: str, n: int) -> None:
    page.wait_for_function(
        f"() => ({TRACE_JS})([({PLANE_JS})(), {name!r}]) === {n}", timeout=SLOW_MS
    )


def test_every_click_on_the_plane_shows_its_point(server, page):
    """Issue 24 item 6: with "Show test data" off, each click adds a visible training point (a
    random train/test split hid every other click); a point added as test data shows with
    the test points, which the click turns on."""
    page.set_default_timeout(SLOW_MS)
    open_app(page, server.url("playground"), timeout_ms=SLOW_MS)
    page.get_by_text("Test loss").first.scroll_into_view_if_needed()  # charts draw when seen
    page.wait_for_function(f"() => ({PLANE_JS})() >= 0")
    assert _plane_points(page, "train") == 250 and _plane_points(page, "test") == 0
    for k, (fx, fy) in enumerate(((0.85, 0.15), (0.15, 0.85), (0.85, 0.85)), 1):
        _click_plane(page, fx, fy)
        _wait_points(page, "train", 250 + k)  # the generated points keep their split
        assert _plane_points(page, "test") == 0  # nothing went to the hidden test set
    page.get_by_text("test data", exact=True).click()
    wait_idle(page)
    _click_plane(page, 0.15, 0.15)
    _wait_points(page, "test", 251)  # shown: adding a test point turned "Show test data" on
    assert _plane_points(page, "train") == 253
    assert "dataset=custom" in page.url and "show_test=1" in page.url
    assert page.locator(EXCEPTION).count() == 0


def test_clicks_on_an_empty_plane_show_each_point_and_start_training(server, page):
    """Own data from nothing: the first click shows its point (the empty plane drew none), the
    second starts training on both."""
    page.set_default_timeout(SLOW_MS)
    open_app(page, server.url("playground?dataset=custom"), timeout_ms=SLOW_MS)
    page.wait_for_function(f"() => ({PLANE_JS})() >= 0")
    assert _plane_points(page, "train") == 0
    _click_plane(page, 0.8, 0.2)
    _wait_points(page, "train", 1)
    page.get_by_text("Orange (−1)", exact=True).click()
    wait_idle(page)
    _click_plane(page, 0.2, 0.8)
    page.get_by_text("Test loss").first.wait_for(timeout=SLOW_MS)  # the live panel is there
    _wait_points(page, "train", 2)
    _click_plane(page, 0.5, 0.2)
    _wait_points(page, "train", 3)
    assert page.locator(EXCEPTION).count() == 0
