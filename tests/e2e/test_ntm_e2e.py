"""Browser test of the NTM page against a real server: the deep link shows the full app with the
addressing stages, a slider moves the weightings, Write changes the memory, the copy view shows
the tape, a bad bit pattern gives a message, and Step trains the live NTM."""

from bench.harness import parse_counter, status_text, wait_idle
from tests.e2e.conftest import EXCEPTION, open_app


def _stage_text(page) -> str:
    return page.locator(".js-plotly-plot").first.inner_text()


def test_addressing_and_sandbox(server, page):
    open_app(page, server.url("ntm?beta=5"))
    assert page.get_by_text("Neural Turing Machine").first.is_visible()
    page.get_by_text("4 sharpen").first.wait_for(timeout=30000)
    before = _stage_text(page)
    slider = page.get_by_role("slider", name="g (interpolation gate)")
    slider.focus()
    for _ in range(6):
        slider.press("ArrowRight")
    wait_idle(page)
    page.wait_for_function(
        "(b) => document.querySelector('.js-plotly-plot').innerText !== b",
        arg=before,
        timeout=30000,
    )
    page.wait_for_url("**/ntm?*g=0.*", timeout=30000)  # the URL follows (a shareable link)
    g = page.url.split("g=")[1].split("&")[0]
    assert float(g) > 0.5
    page.get_by_text("Share this experiment").click()  # the view reran alone: its link too
    page.locator("[data-testid=stCode]", has_text=f"g={g}").wait_for(timeout=30000)
    page.get_by_text("Erase / add sandbox").click()
    wait_idle(page)
    page.get_by_text("Preview of the next write").wait_for(timeout=30000)
    page.get_by_role("button", name="Write").click()
    wait_idle(page)
    assert page.get_by_text("Preview of the next write").count() == 0
    assert page.locator(EXCEPTION).count() == 0


def test_copy_tape_bad_pattern_and_step(server, page):
    open_app(page, server.url("ntm?view=copy&length=6"))
    page.get_by_text("write weighting over locations").first.wait_for(timeout=60000)
    assert page.get_by_text("L = 6 vectors").first.is_visible()
    open_app(page, server.url("ntm?view=copy&source=typed&pattern=10102010"))
    page.get_by_text("other than 0 and 1").first.wait_for(timeout=60000)
    open_app(page, server.url("ntm?view=train"))
    assert parse_counter(status_text(page))[1] == 0
    page.get_by_role("button", name="Step").click()
    page.wait_for_function(
        "() => /step 1\\b/.test(document.querySelector('[data-testid=stMain]').innerText)",
        timeout=60000,
    )
    wait_idle(page)
    assert page.locator(EXCEPTION).count() == 0


def test_the_time_step_is_boxed_in_every_panel_and_follows_the_link(server, page):
    open_app(page, server.url("ntm?view=copy&length=6&t=3"))
    tape = ".st-key-ntm-chart-tape .js-plotly-plot"
    boxes = (
        f"() => {{ const gd = document.querySelector('{tape}');"
        " return gd && gd.layout && gd.layout.shapes"
        ".filter((s) => s.type === 'rect').map((s) => [s.x0, s.yref]); }"
    )
    page.wait_for_function(f"() => ({boxes})() && ({boxes})().length === 5", timeout=60_000)
    assert page.evaluate(boxes) == [[2.5, f"y{k} domain"] for k in ("", "2", "3", "4", "5")]
    slider = page.get_by_role("slider", name="Time step t (highlighted in every panel)")
    slider.focus()
    slider.press("ArrowRight")
    page.wait_for_url("**/ntm?*t=4*", timeout=30_000)  # the link follows the time step
    # while the view reruns, Streamlit may swap the chart's element: read the boxes when present
    page.wait_for_function(f"() => (({boxes})() || [[null]])[0][0] === 3.5", timeout=30_000)
    wait_idle(page)
    assert page.evaluate(boxes) == [[3.5, f"y{k} domain"] for k in ("", "2", "3", "4", "5")]
    assert page.locator(EXCEPTION).count() == 0
