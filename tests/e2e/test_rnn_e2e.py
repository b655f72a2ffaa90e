"""Browser test of the RNN page against a real server: the deep link shows the full app, Step
trains (counter moves), Play then Pause stops training, and a typed sentence draws the maps."""

from bench.harness import parse_counter, wait_idle
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
