"""Browser test of the attention page against a real server: the deep link shows the full app with
the alignment maps, a typed date is translated, a click on a cell of the map computes that cell by
hand, "Train a fresh model live" plays (live frames arrive) and pauses without an error, and the
transformer view draws MiniLM's maps."""

from bench.harness import parse_counter, press_play, status_text, wait_idle
from dlcore.viz.common import PALETTE
from tests.e2e.conftest import EXCEPTION, open_app

CHART = "[data-testid=stPlotlyChart]"


def test_type_a_date_and_see_the_alignment(server, page):
    open_app(page, server.url("attention"), timeout_ms=240000)  # first visit loads torch
    assert page.get_by_text("Attention heatmap viewer").first.is_visible()
    assert page.get_by_text("2026-11-27").first.is_visible()
    page.locator(CHART).nth(2).wait_for(timeout=60000)  # plotly's code loads after the run ends
    assert page.locator(CHART).count() >= 3
    box = page.get_by_label("Date as a person writes it")
    box.fill("31.12.1999")
    box.press("Enter")
    wait_idle(page)
    page.get_by_text("1999-12-31").first.wait_for(timeout=30000)
    assert page.locator(EXCEPTION).count() == 0


MAP_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].findIndex(
    el => el._fullData && el._fullData.some(t => t.name === 'cells'))"""


def test_click_a_cell_computes_it_by_hand(server, page):
    page.set_default_timeout(120000)
    open_app(page, server.url("attention?date=27%2F11%2F26"), timeout_ms=240000)
    page.get_by_text("Cell t = 0 (output").first.wait_for()
    page.wait_for_function(f"() => ({MAP_JS})() >= 0")
    plot = page.locator(".js-plotly-plot").nth(page.evaluate(MAP_JS))
    plot.scroll_into_view_if_needed()
    box = plot.locator(".nsewdrag").first.bounding_box()
    T, S, t, s = 10, 8, 3, 4  # "2026-11-27" by "27/11/26"; click output '6' over input '1'
    x, y = box["x"] + box["width"] * (s + 0.5) / S, box["y"] + box["height"] * (t + 0.5) / T
    page.mouse.move(x, y)
    page.wait_for_timeout(200)
    page.mouse.click(x, y)
    page.wait_for_timeout(300)
    wait_idle(page)
    page.get_by_text("Cell t = 3 (output 6), s = 4 (input 1)").first.wait_for(timeout=60000)
    assert page.get_by_label("Output position t").input_value() == "3"
    assert page.get_by_label("Input position s").input_value() == "4"
    assert page.locator(EXCEPTION).count() == 0


def test_transformer_view(server, page):
    open_app(page, server.url("attention?view=transformer&sentence=The+cat+sat+on+the+mat"), 240000)
    page.get_by_text("not an explanation").first.wait_for(timeout=120000)
    wait_idle(page, 120000)
    page.locator(CHART).first.wait_for(timeout=60000)
    assert page.locator("[data-testid=stImage]").count() >= 1
    page.locator(CHART).nth(1).wait_for(timeout=60000)
    assert page.locator(CHART).count() >= 2
    box = page.get_by_label("Sentence A")
    box.fill("")
    box.press("Enter")
    wait_idle(page)
    page.get_by_text("Type a sentence").first.wait_for(timeout=30000)
    assert page.locator(EXCEPTION).count() == 0


def test_train_live_plays_and_pauses(server, page):
    page.set_default_timeout(120000)
    open_app(page, server.url("attention"), timeout_ms=240000)
    page.get_by_text("Train a fresh model live").click()
    page.get_by_role("button", name="Play").wait_for()
    assert parse_counter(status_text(page))[1] == 0
    press_play(page, timeout_ms=60000)
    page.wait_for_selector("[data-testid=dlx-live-frame][data-seq]", timeout=120000)  # a frame
    page.wait_for_timeout(3000)  # a few seconds of live frames (the old page crashed here)
    assert page.locator(EXCEPTION).count() == 0
    page.get_by_role("button", name="Pause").click()
    wait_idle(page, 120000)
    page.get_by_role("button", name="Play").wait_for(timeout=30000)
    paused = status_text(page)
    assert parse_counter(paused)[1] >= 10
    page.get_by_text("Live training loss").first.wait_for(timeout=60000)  # the paused charts
    page.wait_for_timeout(1500)
    assert status_text(page) == paused  # Pause stopped training
    assert page.locator(EXCEPTION).count() == 0


# the screen boxes of one axis's tick labels in the plot whose title contains TITLE
TICK_BOXES_JS = """([title, axis]) => {
  const plot = [...document.querySelectorAll('.js-plotly-plot')].find(
    el => (el.layout && el.layout.title && String(el.layout.title.text || '')).includes(title));
  if (!plot) return null;
  return [...plot.querySelectorAll(`g.${axis}tick text`)].map(t => {
    const r = t.getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom];
  });
}"""


def _overlaps(boxes) -> list:
    """Pairs of label boxes that share pixels (1 px of anti-aliasing allowed)."""
    hits = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if min(a[2], b[2]) - max(a[0], b[0]) > 1 and min(a[3], b[3]) - max(a[1], b[1]) > 1:
                hits.append((a, b))
    return hits


LONG_SENTENCE = (
    "The+animal+did+not+cross+the+busy+street+because+it+was+far+too+tired+after+walking+all"
    "+day+long+in+the+hot+summer+sun,+and+the+cars+kept+coming+from+both+directions"
)


def test_long_inputs_have_labels_that_do_not_overlap(server, page):
    """Issue 24 item 11: a long sentence's token labels were drawn over each other."""
    page.set_default_timeout(120000)
    open_app(page, server.url(f"attention?view=transformer&sentence={LONG_SENTENCE}"), 240000)
    for axis in ("x", "y"):  # plotly draws the plot first and its tick labels a moment later
        page.wait_for_function(
            f"() => (({TICK_BOXES_JS})(['layer 0, head 0', '{axis}']) || []).length >= 15"
        )
        boxes = page.evaluate(TICK_BOXES_JS, ["layer 0, head 0", axis])
        assert len(boxes) >= 15 and not _overlaps(boxes), (axis, _overlaps(boxes)[:3])
    date = "saturday%2C+the+14th+of+march+1961+at+noon"  # 40 characters, the most a model reads
    open_app(page, server.url(f"attention?date={date}"), 240000)
    page.wait_for_function(f"() => (({TICK_BOXES_JS})(['τ = 1', 'x']) || []).length >= 40")
    boxes = page.evaluate(TICK_BOXES_JS, ["τ = 1", "x"])
    assert len(boxes) == 40 and not _overlaps(boxes), _overlaps(boxes)[:3]  # every character
    assert page.locator(EXCEPTION).count() == 0


def test_the_png_export_is_projector_sized(server, page, tmp_path):
    """Issue 24 item 11: the PNG download was 293 x 203 pixels with no colour bar."""
    from PIL import Image

    page.set_default_timeout(120000)
    open_app(page, server.url("attention"), timeout_ms=240000)
    with page.expect_download() as download:
        # exact: plotly's modebar has a "Download plot as a PNG" button per chart (the charts
        # may be drawn before the download buttons on a loaded machine)
        page.get_by_role("button", name="PNG", exact=True).first.click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name == "alignment_additive.png"
    with Image.open(path) as img:
        assert img.width >= 1000 and img.height >= 600


# the screen position of data point (x, y) on the axes (xa, ya) of the plot titled TITLE
POINT_JS = """([title, x, y, xa, ya]) => {
  const plot = [...document.querySelectorAll('.js-plotly-plot')].find(
    el => (el.layout && el.layout.title && String(el.layout.title.text || '')).includes(title));
  if (!plot || !plot._fullLayout) return null;
  const ax = plot._fullLayout[xa], ay = plot._fullLayout[ya];
  if (!ax || !ax.l2p || !ay || !ay.l2p) return null;
  let r = plot.getBoundingClientRect();
  if (r.top < 0 || r.bottom > window.innerHeight) {
    plot.scrollIntoView({block: 'center'});
    r = plot.getBoundingClientRect();
  }
  return [r.left + ax._offset + ax.l2p(x), r.top + ay._offset + ay.l2p(y)];
}"""


# the colours of the head view's token labels on the attending side
LABEL_COLOURS_JS = """(title) => {
  const plot = [...document.querySelectorAll('.js-plotly-plot')].find(
    el => (el.layout && el.layout.title && String(el.layout.title.text || '')).includes(title));
  return plot._fullData.find(t => t.mode === 'markers+text').textfont.color;
}"""


def _click(page, title: str, x: float, y: float, axes=("xaxis", "yaxis")) -> None:
    """A real mouse click (no lasso, no box) on data point (x, y) of the plot titled ``title``."""
    page.wait_for_function(f"() => ({POINT_JS})({[title, x, y, *axes]!r}) !== null")
    page.wait_for_timeout(300)  # after a scroll
    px, py = page.evaluate(POINT_JS, [title, x, y, *axes])
    page.mouse.move(px, py)
    page.wait_for_timeout(300)  # the hover that plotly's click needs
    page.mouse.click(px, py)
    page.wait_for_timeout(300)
    wait_idle(page, 120000)


def test_clicks_on_every_clickable_surface_of_the_transformer_view(server, page):
    """A click picks what it says: a head of the model view (the map and the neuron view show
    it), a row of MiniLM's map (the neuron view's query) and a token of the head view (only its
    lines); every surface clicked with the mouse, as a student would."""
    page.set_default_timeout(120000)
    open_app(page, server.url("attention?view=transformer&sentence=The+cat+sat+on+the+mat"), 240000)
    centre = 8 + 64 / 2  # the model view's first map, in image pixels (viz.MODEL_TILE, MODEL_GAP)
    step = 64 + 8
    _click(page, "Model view", centre + 7 * step, centre + 4 * step)  # layer 4, head 7
    page.get_by_text("Neuron view: layer 4, head 7").first.wait_for(timeout=60000)
    assert page.get_by_text("layer 4, head 7").first.is_visible()
    _click(page, "layer 4, head 7", 0, 4)  # the row of query token 4, 'on'
    page.get_by_text("of 'on'").first.wait_for(timeout=60000)  # the neuron view's query
    _click(page, "Head view", 0.0, 2)  # token 2 ('cat') on the attending side
    assert "focus=2" in page.url  # the clicked token is the focus (the link follows it)
    colours = page.evaluate(LABEL_COLOURS_JS, "Head view")
    assert colours[2] == PALETTE["accent"] and colours.count(PALETTE["accent"]) == 1
    assert page.locator(EXCEPTION).count() == 0
