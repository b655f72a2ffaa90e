"""Browser test of the backpropagation page against a real server: typing an expression redraws
the graph, Step advances one node, a bad expression shows a message, a click on a node shows its
chain rule, the examples and the value boxes work, and Play / Pause of the backward pass and of
the lecture's network draw live frames on the canvas and stop."""

from bench.harness import parse_counter, status_text, wait_idle
from tests.e2e.conftest import EXCEPTION, open_app

SLOW_MS = 120_000  # the 2-core machine may be shared by many test runs at once

# the expression graph's figure: the plotly element whose data has the "nodes" trace
GRAPH_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].find(
    el => el.data && el.data.some(t => t.name === 'nodes'))"""
NODE_COUNT_JS = f"() => {{ const el = ({GRAPH_JS})(); return el ?"
NODE_COUNT_JS += " el.data.find(t => t.name === 'nodes').customdata.length : -1; }"
TEXT_JS = f"() => {{ const el = ({GRAPH_JS})(); return el ? el.innerText : ''; }}"
# the page position of node k's centre (plotly's own axis conversions)
NODE_XY_JS = f"""(k) => {{ const el = ({GRAPH_JS})();
  const t = el._fullData.find(t => t.name === 'nodes');  // coordinates decoded
  const L = el._fullLayout, box = el.getBoundingClientRect();
  return [box.left + L.xaxis._offset + L.xaxis.d2p(t.x[k]),
          box.top + L.yaxis._offset + L.yaxis.d2p(t.y[k])]; }}"""
# share of inked pixels on the live frame's first canvas
INKED_JS = """() => { const c = document.querySelector('[data-testid=dlx-live-frame] canvas');
  if (!c || !c.width) return 0;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && d[i] < 240) n++;
  return n / (c.width * c.height); }"""


def _steps(page) -> int:
    return parse_counter(status_text(page))[1]


def _expression(page):
    return page.get_by_role("textbox", name="Expression f")


def test_typing_redraws_step_advances_and_bad_input_is_refused(server, page):
    page.set_default_timeout(SLOW_MS)
    open_app(page, server.url("backprop"), timeout_ms=SLOW_MS)
    page.wait_for_function(f"() => ({NODE_COUNT_JS})() === 8")
    box = _expression(page)
    box.fill("x*y + sin(x)")
    box.press("Enter")
    wait_idle(page)
    page.wait_for_function(f"() => ({NODE_COUNT_JS})() === 5")
    assert "sin" in page.evaluate(TEXT_JS)
    assert _steps(page) == 0
    page.get_by_role("button", name="Step", exact=True).click()
    page.wait_for_function(
        "() => /step 1\\b/.test(document.querySelector('[data-testid=stMain]').innerText)"
    )
    wait_idle(page)
    assert "∂ 1" in page.evaluate(TEXT_JS)  # f got its seed gradient
    assert page.get_by_text("Step 1 of 5").first.is_visible()
    page.get_by_role("button", name="Step", exact=True).click()
    page.wait_for_function(
        "() => /step 2\\b/.test(document.querySelector('[data-testid=stMain]').innerText)"
    )
    wait_idle(page)
    box = _expression(page)
    box.fill("__import__('os').system('ls')")
    box.press("Enter")
    wait_idle(page)
    page.get_by_text("Cannot draw this expression").first.wait_for()
    assert page.get_by_text("Attribute access").first.is_visible()
    assert page.locator(EXCEPTION).count() == 0
    assert page.evaluate(NODE_COUNT_JS) == -1  # no graph for a refused expression


def test_example_value_box_and_a_click_on_a_node(server, page):
    page.set_default_timeout(SLOW_MS)
    open_app(page, server.url("backprop"), timeout_ms=SLOW_MS)
    page.wait_for_function(f"() => ({NODE_COUNT_JS})() === 8")
    page.get_by_role("combobox", name="Examples").click()  # the examples list
    page.get_by_role("option", name="Fan-out: x feeds two nodes").click()
    wait_idle(page)
    page.wait_for_function(f"() => ({NODE_COUNT_JS})() === 5")
    assert _expression(page).input_value() == "x*y + sin(x)"
    assert "expr=x" in page.url
    value = page.get_by_role("spinbutton").first  # x, the first input of x*y + sin(x)
    value.fill("2")
    value.press("Enter")
    wait_idle(page)
    page.wait_for_function(
        "() => /x\\s*=\\s*2/.test(decodeURIComponent(location.search).replace(/\\+/g, ' '))"
    )
    for _ in range(2):
        page.get_by_role("button", name="Step", exact=True).click()
        wait_idle(page)
    page.get_by_text("Step 2 of 5").first.wait_for()
    x, y = page.evaluate(NODE_XY_JS, 0)  # node 0 is x: not reached yet
    page.mouse.click(x, y)
    wait_idle(page)
    page.get_by_text("You clicked x").first.wait_for()
    assert page.get_by_text("the backward pass reaches x at step 5").first.is_visible()
    assert page.locator(EXCEPTION).count() == 0


def _play_pause(page, counter_re: str) -> None:
    page.get_by_role("button", name="Play").first.click()
    frame = page.locator("[data-testid=dlx-live-frame]")
    frame.wait_for()
    page.wait_for_function(f"() => ({INKED_JS})() > 0.01")
    page.wait_for_function(
        f"() => /{counter_re}/.test(document.querySelector('[data-testid=stMain]').innerText)"
    )
    page.get_by_role("button", name="Pause").first.click()
    wait_idle(page)
    page.get_by_role("button", name="Play").first.wait_for()
    paused = status_text(page)
    page.wait_for_timeout(1500)
    assert status_text(page) == paused  # nothing moves while paused
    assert page.locator(EXCEPTION).count() == 0


# the step in the counter line each time a live frame is put on screen (data-seq changes)
RECORD_SHOWN_JS = """() => { const seen = window.__dlxSeen = [];
  new MutationObserver(() => {
    const status = document.querySelector('[data-testid=dlx-live-status]');
    const m = /step (\\d+)/.exec(status ? status.innerText : '');
    seen.push(m ? Number(m[1]) : -1);
  }).observe(document.body, {subtree: true, attributes: true, attributeFilter: ['data-seq']}); }"""


def test_play_and_pause_the_backward_pass_shows_every_node(server, page):
    page.set_default_timeout(SLOW_MS)
    expr = "tanh(w1*x%2Bb1)*v1%2Btanh(w2*x%2Bb2)*v2"  # 16 nodes to walk: Pause comes first
    open_app(page, server.url(f"backprop?speed=4.0&expr={expr}"), timeout_ms=SLOW_MS)
    # a slow browser (a class's old laptops): the walk waits for each node to be on screen
    # instead of running ahead of it (it once finished before the first frame was drawn)
    page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": 6})
    page.evaluate(RECORD_SHOWN_JS)
    _play_pause(page, "step [2-9]\\b")
    steps = _steps(page)
    assert 2 <= steps < 16
    assert page.get_by_text(f"Step {steps} of 16").first.is_visible()
    shown = page.evaluate("() => window.__dlxSeen")
    assert shown[:2] == [1, 2]  # from the first node on
    assert shown == list(range(1, len(shown) + 1))  # none skipped, none twice
    assert len(shown) >= steps - 1  # the last step taken may not have reached the screen


def test_play_and_pause_the_lecture_network(server, page):
    page.set_default_timeout(SLOW_MS)
    open_app(page, server.url("backprop?view=network&net_speed=medium"), timeout_ms=SLOW_MS)
    assert _steps(page) == 0
    _play_pause(page, "step [1-9]")
    assert _steps(page) >= 1
    assert page.get_by_text("Last step").first.is_visible()
