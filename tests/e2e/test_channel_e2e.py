"""Browser test of the live-frame channel (dlcore/ui/channel.py) on a real server: a playing
page's frames arrive over the /dlx/frames websocket and change on screen, with the counter line
and caption and no Streamlit delta; the playground's frames are drawn from numbers; each student
gets only their own stream, and Pause closes it."""

import pytest

from bench.harness import open_app, parse_counter, status_text, wait_idle

FRAME = "[data-testid=dlx-live-frame]"
SEQ = f"() => Number(document.querySelector('{FRAME}')?.getAttribute('data-seq') || 0)"
HOST = "[data-testid=dlx-live-host]"  # a renderer's frame (the playground)
STATUS = "[data-testid=dlx-live-status]"
# counts the frame sockets the page opens and the messages they bring (binary: images), and the
# messages of Streamlit's own socket (deltas)
WATCH = """
window.__dlxWs = {open: 0, msgs: 0, bin: 0, urls: [], deltas: 0};
const Native = window.WebSocket;
window.WebSocket = class extends Native {
  constructor(url, protocols) {
    super(url, protocols);
    const s = window.__dlxWs;
    if (String(url).includes('/dlx/frames/')) {
      s.urls.push(new URL(url).pathname); s.open += 1;
      this.addEventListener('message', (e) => {
        s.msgs += 1; s.bin += typeof e.data !== 'string';
      });
      this.addEventListener('close', () => { s.open -= 1; });
    } else if (String(url).includes('/_stcore/stream')) {
      this.addEventListener('message', () => { s.deltas += 1; });
    }
  }
};
"""
PIXELS = f"""() => {{
  const c = document.querySelector('{FRAME}'), t = document.createElement('canvas');
  t.width = c.width; t.height = c.height; t.getContext('2d').drawImage(c, 0, 0);
  const d = t.getContext('2d').getImageData(0, 0, t.width, t.height).data;
  let dark = 0, sum = 0;
  for (let i = 0; i < d.length; i += 4) {{ sum += d[i] + 2 * d[i + 1] + 3 * d[i + 2];
    dark += d[i] + d[i + 1] + d[i + 2] < 600; }}
  return [c.width, c.height, dark, sum];
}}"""


@pytest.fixture
def new_page(browser):
    """Pages that watch their sockets; closed after the test even when it fails (a page left
    playing would slow every later test on the shared server)."""
    contexts = []

    def make():
        contexts.append(browser.new_context(viewport={"width": 1400, "height": 1000}))
        contexts[-1].add_init_script(WATCH)
        return contexts[-1].new_page()

    yield make
    for context in contexts:
        context.close()


def _play(page, url):
    open_app(page, url)
    page.get_by_role("button", name="Play").click()
    page.wait_for_function(f"() => ({SEQ})() >= 1", timeout=60000)


def test_frames_arrive_over_the_channel_and_change(new_page, server):
    page = new_page()
    _play(page, server.url("gan?g_neurons=16&d_neurons=16&batch=64"))
    page.set_default_timeout(60000)
    first_seq, first = page.evaluate(SEQ), page.evaluate(PIXELS)
    page.wait_for_function(f"() => ({SEQ})() >= {first_seq + 3}", timeout=60000)
    later = page.evaluate(PIXELS)
    # one picture a frame at its own size: the GAN's plane (480 px) with its curves beside it
    assert first[:2] == later[:2] and first[1] == 480 and first[0] > 480
    assert first[2] > 500  # drawn, not blank: the data points and the generator's samples
    assert first[3] != later[3]  # a new frame shows what the model does now
    ws = page.evaluate("window.__dlxWs")
    (stream,) = ws["urls"]  # one socket, with this session's secret token in its path
    assert stream.startswith("/dlx/frames/") and len(stream) > len("/dlx/frames/") + 20
    assert ws["open"] == 1 and ws["bin"] >= first_seq + 3  # one binary message a frame
    inline = "[data-testid=stImage] img[src^='data:image/jpeg']"  # the old per-frame delta
    assert page.locator(inline).count() == 0
    assert page.locator("[data-testid=stException]").count() == 0


def test_each_student_pulls_only_their_own_stream_and_pause_stops(new_page, server):
    a, b = new_page(), new_page()
    _play(a, server.url("gan?g_neurons=16&d_neurons=16&batch=64"))
    _play(b, server.url("gan?g_neurons=16&d_neurons=16&batch=64"))
    mine, theirs = (set(p.evaluate("window.__dlxWs.urls")) for p in (a, b))
    assert mine and theirs and not mine & theirs

    a.get_by_role("button", name="Pause").click()
    wait_idle(a)
    a.get_by_role("button", name="Play").wait_for(timeout=10000)
    assert a.locator(FRAME).count() == 0  # paused: the interactive figure instead
    a.wait_for_function("() => window.__dlxWs.open === 0", timeout=10000)  # socket closed
    msgs = a.evaluate("window.__dlxWs.msgs")
    a.wait_for_timeout(1500)
    assert a.evaluate("window.__dlxWs.msgs") == msgs  # and no more frames come
    seq = b.evaluate(SEQ)
    b.wait_for_function(f"() => ({SEQ})() > {seq}", timeout=60000)  # B still trains and sees it
    for p in (a, b):
        assert p.locator("[data-testid=stException]").count() == 0


def _counter(page) -> str:
    return page.locator(STATUS).inner_text()


def test_the_counter_line_and_caption_come_with_the_frames_and_no_delta(new_page, server):
    page = new_page()
    _play(page, server.url("vae?source=live"))
    page.set_default_timeout(60000)
    before, seq = _counter(page), page.evaluate(SEQ)
    deltas = page.evaluate("window.__dlxWs.deltas")
    page.wait_for_function(f"() => ({SEQ})() >= {seq + 5}", timeout=60000)
    after = _counter(page)
    # beside the buttons, in the place of the paused counter line, and it moves with the frames
    assert page.locator(f"[data-testid=stColumn] {STATUS}").count() == 1
    assert "step" in before and parse_counter(after)[1] > parse_counter(before)[1]
    assert page.locator(f"{STATUS} strong").first.inner_text().startswith("Epoch")
    caption = page.locator("[data-testid=dlx-live-caption]").inner_text()
    assert caption.startswith("Minibatch average: -ELBO")  # the readout under the frame
    # five frames, and Streamlit's socket brought nothing: no delta re-rendered the app
    assert page.evaluate("window.__dlxWs.deltas") == deltas
    page.get_by_role("button", name="Pause").click()
    wait_idle(page)
    assert page.locator(STATUS).count() == 0  # paused: the markdown counter line again
    assert parse_counter(status_text(page))[1] >= parse_counter(after)[1]
    assert page.locator("[data-testid=stException]").count() == 0


def test_the_playgrounds_frames_are_numbers_drawn_in_the_browser(new_page, server):
    page = new_page()
    open_app(page, server.url("playground"))
    page.get_by_role("button", name="Play").first.click()
    seq = f"() => Number(document.querySelector('{HOST}')?.getAttribute('data-seq') || 0)"
    page.wait_for_function(f"() => ({seq})() >= 3", timeout=60000)
    ws = page.evaluate("window.__dlxWs")
    assert ws["open"] == 1 and ws["bin"] == 0 and ws["msgs"] >= 3  # text frames, no image
    assert page.locator(f"{HOST} {FRAME} canvas").count() == 3  # network, curves, plane
    label = page.locator(f"{FRAME}").inner_text()
    assert "Test loss" in label and "live frame" in label
    assert "step" in _counter(page)
    assert page.locator("[data-testid=stException]").count() == 0
