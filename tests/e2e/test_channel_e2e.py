"""Browser test of the live-frame channel (dlcore/ui/channel.py) on a real server: a playing
page's frames arrive over the /dlx/frames websocket and change on screen, each student gets only
their own stream, and Pause closes it."""

from bench.harness import open_app, wait_idle

FRAME = "[data-testid=dlx-live-frame]"
SEQ = f"() => Number(document.querySelector('{FRAME}')?.getAttribute('data-seq') || 0)"
# counts the frame sockets the page opens and the messages they bring
WATCH = """
window.__dlxWs = {open: 0, msgs: 0, urls: []};
const Native = window.WebSocket;
window.WebSocket = class extends Native {
  constructor(url, protocols) {
    super(url, protocols);
    if (String(url).includes('/dlx/frames/')) {
      const s = window.__dlxWs;
      s.urls.push(new URL(url).pathname); s.open += 1;
      this.addEventListener('message', () => { s.msgs += 1; });
      this.addEventListener('close', () => { s.open -= 1; });
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


def _new_page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(WATCH)
    return context.new_page()


def _play(page, url):
    open_app(page, url)
    page.get_by_role("button", name="Play").click()
    page.wait_for_function(f"() => ({SEQ})() >= 1", timeout=60000)


def test_frames_arrive_over_the_channel_and_change(browser, server):
    page = _new_page(browser)
    _play(page, server.url("gan?g_neurons=16&d_neurons=16&batch=64"))
    page.set_default_timeout(60000)
    first_seq, first = page.evaluate(SEQ), page.evaluate(PIXELS)
    page.wait_for_function(f"() => ({SEQ})() >= {first_seq + 3}", timeout=60000)
    later = page.evaluate(PIXELS)
    assert first[:2] == later[:2] == [320, 320]  # the GAN's live plane, shown at its own size
    assert first[2] > 500  # drawn, not blank: the data points and the generator's samples
    assert first[3] != later[3]  # a new frame shows what the model does now
    ws = page.evaluate("window.__dlxWs")
    (stream,) = ws["urls"]  # one socket, with this session's secret token in its path
    assert stream.startswith("/dlx/frames/") and len(stream) > len("/dlx/frames/") + 20
    assert ws["open"] == 1 and ws["msgs"] >= first_seq + 3  # one message a frame
    inline = "[data-testid=stImage] img[src^='data:image/jpeg']"  # the old per-frame delta
    assert page.locator(inline).count() == 0
    assert page.locator("[data-testid=stException]").count() == 0
    page.context.close()


def test_each_student_pulls_only_their_own_stream_and_pause_stops(browser, server):
    a, b = _new_page(browser), _new_page(browser)
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
        p.context.close()
