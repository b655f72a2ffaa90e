"""Browser test of the playground: Play, wait, Pause - the epoch counter advanced and then
stopped; each click on the plane adds a point that shows at once (training points unless the
student adds test data; the data becomes "Your own points")."""

from bench.harness import parse_counter, status_text, wait_idle
from dlcore.playground.config import PlaygroundConfig
from dlcore.playground.trainer import PlaygroundTrainer
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


# how many points (train + test) the plane's picture draws (its figure's meta says; the picture
# itself is checked in tests/playground/test_viz.py)
COUNT_JS = """(i) => { const el = document.querySelectorAll('.js-plotly-plot')[i];
    const p = el && el.layout && el.layout.meta ? el.layout.meta.points : null;
    return p ? p.train + p.test : -1; }"""


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


# the network figure (its traces "neurons" and "links" carry customdata ["node", layer, unit] and
# ["link", layer, i, j]), a point's position in page pixels relative to its drag layer, and the
# hover text of a link
NET_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].findIndex(
    el => el._fullData && el._fullData.some(t => t.name === 'neurons'))"""
POINT_JS = """([i, trace, key]) => { const el = document.querySelectorAll('.js-plotly-plot')[i];
  const t = el._fullData.find(t => t.name === trace);
  const k = t.customdata.findIndex(c => JSON.stringify(c) === JSON.stringify(key));
  const xa = el._fullLayout.xaxis, ya = el._fullLayout.yaxis;
  return [xa.l2p(t.x[k]), ya.l2p(t.y[k])]; }"""
LINK_TEXT_JS = """(key) => { const i = (NET)();
  const el = document.querySelectorAll('.js-plotly-plot')[i];
  const t = el._fullData.find(t => t.name === 'links');
  const k = t.customdata.findIndex(c => JSON.stringify(c) === JSON.stringify(key));
  return t.text[k]; }""".replace("(NET)", f"({NET_JS})")
# the big plot's title (it names the neuron whose map it shows)
PLANE_TITLE_JS = f"""() => {{ const i = ({PLANE_JS})();
  const el = document.querySelectorAll('.js-plotly-plot')[i];
  const t = el && el._fullLayout.title && el._fullLayout.title.text;
  const text = t ? t.replace(/<[^>]*>/g, '') : '';  // Streamlit's theme wraps it in <b>
  return text.includes('Showing') ? text : ''; }}"""


def _click_net(page, trace: str, key: list) -> None:
    """Click the point of trace ``trace`` ("neurons" or "links") whose customdata is ``key``."""
    page.wait_for_function(f"() => ({NET_JS})() >= 0")
    idx = page.evaluate(NET_JS)
    plot = page.locator(".js-plotly-plot").nth(idx)
    plot.scroll_into_view_if_needed()
    box = plot.locator(".nsewdrag").first.bounding_box()
    x, y = page.evaluate(POINT_JS, [idx, trace, key])
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_timeout(300)
    wait_idle(page)


def test_click_on_a_neuron_shows_its_map_in_the_big_plot(server, page):
    """TF Playground shows a neuron's map in the big plot (on hover; here a click, because a
    Streamlit chart reports clicks to Python, not hovers): the plane names the neuron, its bias
    can be edited, and a button brings the network's output back (issue 24 item 8)."""
    page.set_default_timeout(SLOW_MS)
    open_app(page, server.url("playground"), timeout_ms=SLOW_MS)
    page.get_by_text("Test loss").first.scroll_into_view_if_needed()  # charts draw when seen
    assert page.evaluate(PLANE_TITLE_JS) == ""
    _click_net(page, "neurons", ["node", 1, 0])  # the first neuron of the first hidden layer
    page.wait_for_function(f"() => ({PLANE_TITLE_JS})() === 'Showing h1.1'", timeout=SLOW_MS)
    page.get_by_role("spinbutton", name="Bias of h1.1").wait_for(timeout=SLOW_MS)
    page.get_by_role("button", name="Show the network's output").click()
    wait_idle(page)
    page.wait_for_function(f"() => ({PLANE_TITLE_JS})() === ''", timeout=SLOW_MS)
    _click_net(page, "neurons", ["node", 0, 1])  # an input: its map, no bias to edit
    page.wait_for_function(f"() => ({PLANE_TITLE_JS})() === 'Showing X2'", timeout=SLOW_MS)
    assert page.get_by_role("spinbutton", name="Bias of X2").count() == 0
    assert page.locator(EXCEPTION).count() == 0


def test_click_on_a_link_edits_its_weight_and_training_goes_on_from_it(server, page):
    """TF Playground's click-to-edit: a click on a link opens its weight; the typed value is
    that weight in the live trainer (the hover text says so), and Step trains on from it: to
    the weight an in-process trainer reaches from the same edit."""
    cfg = PlaygroundConfig(dataset="gauss", lr=0.3)
    expected = PlaygroundTrainer(cfg)
    expected.set_parameter(0, 1, 2, -0.8)
    expected.run_epochs(1)
    page.set_default_timeout(SLOW_MS)
    open_app(page, server.url("playground?dataset=gauss&lr=0.3"), timeout_ms=SLOW_MS)
    page.get_by_text("Test loss").first.scroll_into_view_if_needed()
    link = ["link", 0, 1, 2]  # x2 -> the third neuron of the first hidden layer
    _click_net(page, "links", link)
    box = page.get_by_role("spinbutton", name="Weight X2 → h1.3")
    box.wait_for(timeout=SLOW_MS)
    box.fill("-0.8")
    box.press("Enter")
    page.wait_for_timeout(300)
    wait_idle(page)
    page.wait_for_function(
        f"() => ({LINK_TEXT_JS})({link}).startsWith('Weight is -0.800')", timeout=SLOW_MS
    )
    assert box.input_value() == "-0.800"
    page.get_by_role("button", name="Step").first.click()
    wait_idle(page)
    trained = f"Weight is {expected.net.W[0][1, 2]:.3f}"
    assert trained != "Weight is -0.800"
    page.wait_for_function(  # the figure of the new weights is drawn
        f"() => ({LINK_TEXT_JS})({link}).startsWith({trained!r})", timeout=SLOW_MS
    )
    assert box.input_value() == f"{expected.net.W[0][1, 2]:.3f}"
    assert page.locator(EXCEPTION).count() == 0


# how many points of ``name`` ("train" or "test") the plane's picture draws
TRACE_JS = """([i, name]) => { const el = document.querySelectorAll('.js-plotly-plot')[i];
    const p = el && el.layout && el.layout.meta ? el.layout.meta.points : null;
    return p ? p[name] : 0; }"""


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


# a neuron of the live frame's network canvas: its centre in page pixels, and the colour of the
# frame around its map
LIVE_NODE_JS = """([layer, unit]) => { const v = window.__dlxPlaygroundLive;
  const o = v.nodes.find(n => n.l === layer && n.i === unit);
  const r = v.net.getBoundingClientRect();
  const sx = r.width / v.net.width, sy = r.height / v.net.height;
  const px = v.net.getContext('2d').getImageData(o.x0 - 2, o.y0 - 2, 1, 1).data;
  return {x: r.left + (o.x0 + o.cell / 2) * sx, y: r.top + (o.y0 + o.cell / 2) * sy,
          frame: [px[0], px[1], px[2]]}; }"""
LIVE_LABEL_JS = "() => window.__dlxPlaygroundLive.label.textContent"


def test_hovering_a_neuron_while_playing_shows_its_map_in_the_big_plot(server, page):
    """While Play runs, the browser draws each frame; hovering a neuron of its network shows
    that neuron's map in the big plot (as TF Playground), with no request to the server."""
    page.set_default_timeout(SLOW_MS)
    open_app(page, server.url("playground"), timeout_ms=SLOW_MS)
    page.get_by_role("button", name="Play").first.click()
    page.locator("[data-testid=dlx-live-frame]").wait_for(timeout=SLOW_MS)
    page.wait_for_function("() => (window.__dlxPlaygroundLive.nodes || []).length > 0")
    node = page.evaluate(LIVE_NODE_JS, [1, 0])
    page.mouse.move(node["x"], node["y"])
    page.wait_for_function(f"() => ({LIVE_LABEL_JS})().startsWith('Showing h1.1')")
    page.wait_for_function(  # the hovered map is framed in red on the next frames too
        f"() => {{ const c = ({LIVE_NODE_JS})([1, 0]).frame; return c[0] > 180 && c[1] < 80; }}"
    )
    page.mouse.move(5, 5)
    page.wait_for_function(f"() => ({LIVE_LABEL_JS})().startsWith('live frame')")
    page.get_by_role("button", name="Pause").first.click()
    wait_idle(page)
    assert page.locator(EXCEPTION).count() == 0
