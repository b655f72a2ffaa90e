"""Browser test of the RNN page against a real server: the deep link shows the full app, Step
trains (counter moves), Play then Pause stops training, and a typed sentence draws the maps."""

from bench.harness import parse_counter, press_play, wait_idle
from tests.e2e.conftest import EXCEPTION, open_app

SMALL = "?seq_len=10&hidden=8&batch=8"
STEP_AT_LEAST = """(n) => { const m = /step ([0-9,]+)/.exec(
    document.querySelector('[data-testid=stMain]').innerText);
    return m && parseInt(m[1].replace(/,/g, '')) >= n; }"""


def _step(page) -> int:
    """The live panel's step counter ('Sequences 640 · step 10')."""
    text = page.locator("[data-testid=stMain]").inner_text()
    return parse_counter(text[text.find("Sequences") :])[1]


def test_step_play_pause(server, page):
    page.set_default_timeout(90000)  # a shared 2-core machine can be slow to click
    open_app(page, server.url("rnn" + SMALL))
    assert page.get_by_text("RNN gradient explorer").first.is_visible()
    assert _step(page) == 0
    page.get_by_role("button", name="10 steps").click()
    page.wait_for_function(STEP_AT_LEAST, arg=10, timeout=90000)
    wait_idle(page)
    assert _step(page) == 10
    page.get_by_role("button", name="Play").click()
    page.wait_for_function(STEP_AT_LEAST, arg=11, timeout=90000)
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Play").wait_for(timeout=15000)
    wait_idle(page)
    paused = _step(page)
    assert paused > 10
    page.wait_for_timeout(1500)
    assert _step(page) == paused  # nothing trains while paused
    assert page.locator(EXCEPTION).count() == 0, page.locator(EXCEPTION).all_inner_texts()


def test_typed_sentence_draws_maps(server, page):
    page.set_default_timeout(90000)
    open_app(page, server.url("rnn?view=sentence"))
    box = page.locator("[data-testid=stTextInput] input").first
    box.fill('Thé teacher said, "remember"')
    box.press("Enter")
    wait_idle(page)
    page.get_by_text("left out").first.wait_for(timeout=15000)  # the é is reported
    assert page.locator(".js-plotly-plot").count() == 7
    assert page.locator(EXCEPTION).count() == 0


def test_a_paste_over_400_characters_is_cut_and_said(server, page):
    """Issue 24 item 10: pasting more than the box holds was silently ignored by the browser."""
    page.set_default_timeout(90000)
    open_app(page, server.url("rnn?view=sentence"))
    box = page.locator("[data-testid=stTextInput] input").first
    long = "remember the first letter, said the teacher. " * 12  # 540 characters
    box.fill(long)
    box.press("Enter")
    wait_idle(page)
    page.get_by_text("540 characters").first.wait_for(timeout=30000)
    assert box.input_value() == long[:400]
    assert page.locator(EXCEPTION).count() == 0


def test_a_playing_flow_view_shows_its_caption_once(server, page):
    """Issue 24 item 10: frames between two probes re-used the picture and sent the caption as a
    Streamlit caption as well: two copies of it under the frame while playing."""
    page.set_default_timeout(90000)
    open_app(page, server.url("rnn" + SMALL))
    press_play(page)
    page.wait_for_function(STEP_AT_LEAST, arg=25, timeout=90000)  # frames between probes
    captions = page.locator("[data-testid=dlx-live-caption], [data-testid=stCaption]")
    assert captions.filter(has_text="How to read it").count() == 1
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Play").wait_for(timeout=30000)
    assert page.locator(EXCEPTION).count() == 0


PLOT_WITH = """(name) => [...document.querySelectorAll('.js-plotly-plot')].findIndex(
    (el) => el._fullData && el._fullData.some((t) => t.name === name))"""
DATA_TO_PAGE = """(el, xy) => { const xa = el._fullLayout.xaxis, ya = el._fullLayout.yaxis;
    return [xa._offset + xa.l2p(xy[0]), ya._offset + ya.l2p(xy[1])]; }"""
SHAPE_X0 = "(el) => el._fullLayout.shapes.map((s) => s.x0)"


def _plot_with(page, trace: str):
    """The plotly chart that has a trace named ``trace`` (once drawn)."""
    page.wait_for_function(f"() => ({PLOT_WITH})({trace!r}) >= 0", timeout=90000)
    return page.locator(".js-plotly-plot").nth(page.evaluate(f"({PLOT_WITH})({trace!r})"))


def _click_at(page, plot, x: float, y: float) -> None:
    """A mouse click (not a lasso) at data coordinates (x, y) of ``plot``'s axes (a category
    axis by its index)."""
    plot.scroll_into_view_if_needed()
    box = plot.bounding_box()
    u, v = plot.evaluate(DATA_TO_PAGE, [x, y])
    page.mouse.move(box["x"] + u, box["y"] + v)
    page.wait_for_timeout(200)
    page.mouse.click(box["x"] + u, box["y"] + v)
    page.wait_for_timeout(300)
    wait_idle(page)


def _slider_value(page, label: str) -> float:
    widget = page.locator("[data-testid=stSlider]", has_text=label).first
    return float(widget.locator("[data-testid=stSliderThumbValue]").inner_text())


def test_clicks_on_every_clickable_surface(server, page):
    """The sentence view: a click on a character of the connectivity map (any model's row)
    predicts after it: the position moves there and the outline with it. The clipping view: a
    click on a marked start on the cliff's wall moves the descents' start there."""
    from dlcore.rnn.clipping import wall_point

    page.set_default_timeout(90000)
    open_app(page, server.url("rnn?view=sentence"))
    maps = _plot_with(page, "characters")
    _click_at(page, maps, 10, 1)  # the LSTM row, character #10
    assert _slider_value(page, "Position") == 10
    maps = _plot_with(page, "characters")
    assert 9.5 in maps.evaluate(SHAPE_X0)  # the outline moved to the clicked character
    _click_at(page, maps, 3, 2)  # the GRU row, character #3
    assert _slider_value(page, "Position") == 3
    assert page.locator(EXCEPTION).count() == 0

    open_app(page, server.url("rnn?view=clip"))
    assert _slider_value(page, "Start on the wall") == 4.5
    cliff = _plot_with(page, "click a start on the wall")
    _click_at(page, cliff, 4.8, wall_point(4.8))
    assert _slider_value(page, "Start on the wall") == 4.8
    cliff = _plot_with(page, "click a start on the wall")
    start = cliff.evaluate("(el) => el._fullData.find((t) => t.name === 'start').x[0]")
    assert start == 4.8  # the descents start where the student clicked
    assert page.locator(EXCEPTION).count() == 0
