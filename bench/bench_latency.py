"""What a student feels: first paint and control-to-picture latency on every page (issue 25).

    python bench/bench_latency.py [--moves 8] [--pages playground,ntm,...]

For every page, in a new tab on a warm server: the time from navigation to its first picture (a
plotly chart drawn, an image loaded, a graph drawn) and the number of script runs the first load
took. For each page's main controls: the time from the input event (a key, a click) to the last
change of any picture on the page, p50 and p95 over repeated moves. The same figures for a bare
Streamlit page with one slider and the one chart it drives (bench/apps/bare.py, its own server,
same run) are the floor; each figure is also printed as its excess over that floor. A page's
first picture is measured in turn with the bare page's (a bare tab, then the page's, ``--firsts``
times; the medians compared), so that a host whose load drifts during the run moves both.

The bars (issue 25): every page's first chart within 1.0 s of the bare page's, every control's
p95 within 0.3 s of the bare slider's. Run on a quiet machine: browsers and servers of other work
on the same cores make the figures meaningless.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402

from bench.harness import READY, StreamlitServer, chromium  # noqa: E402

PICTURES = (
    "[data-testid=stMain] .js-plotly-plot .main-svg, "
    "[data-testid=stMain] [data-testid=stImage] img, "
    "[data-testid=stMain] [data-testid=stGraphVizChart] svg, "
    "[data-testid=stMain] canvas"
)
# installed before the page's own scripts: when the first picture is on screen (ms since the
# navigation started), every later change of a picture, every input event, and the script runs
WATCH_JS = """
(() => {
  const PICS = PICTURES_JSON;
  const HOSTS = '.js-plotly-plot, [data-testid=stImage], [data-testid=stGraphVizChart], canvas';
  const s = window.__lat = {first: null, changes: [], input: null, runs: 0, running: false,
    idle: null};
  const shown = () => {
    for (const el of document.querySelectorAll(PICS)) {
      if (el.tagName === 'IMG' ? (el.complete && el.naturalWidth > 0) : true) return true;
    }
    return false;
  };
  const onMutate = (records) => {
    const now = performance.now();
    if (s.first === null && shown()) s.first = now;
    for (const r of records) {
      const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      if (el && el.closest && el.closest(HOSTS) && el.closest('[data-testid=stMain]')) {
        s.changes.push(now);
        break;
      }
    }
    const app = document.querySelector('[data-testid=stApp]');
    const running = app && app.getAttribute('data-test-script-state') === 'running';
    if (running && !s.running) s.runs += 1;
    if (!running && s.running) s.idle = now;  // a script run ended
    s.running = running;
  };
  const start = () => new MutationObserver(onMutate).observe(document.documentElement,
    {subtree: true, childList: true, attributes: true, characterData: true});
  if (document.documentElement) start(); else document.addEventListener('DOMContentLoaded', start);
  document.addEventListener('load', () => onMutate([]), true);  // an <img> finished loading
  for (const kind of ['keydown', 'pointerdown', 'click']) {
    document.addEventListener(kind, () => { if (s.input === null) s.input = performance.now(); },
      {capture: true});
  }
})();
""".replace("PICTURES_JSON", repr(PICTURES))

Action = Callable[[object, int], None]  # (page, move number) -> one input


def slider(label: str) -> Action:
    """Move a slider one step (right on even moves, left on odd ones) with the keyboard."""

    def act(page, i: int) -> None:
        thumb = page.locator("[data-testid=stSlider]", has_text=label).get_by_role("slider")
        thumb.first.focus()
        page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")

    return act


def number(label: str, values: tuple[str, str]) -> Action:
    """Type one of two values into a number input, alternately (its +/- buttons hide when the
    column is narrow)."""

    def act(page, i: int) -> None:
        field = page.locator("[data-testid=stNumberInput]", has_text=label).first.locator("input")
        field.fill(values[i % 2])
        field.press("Enter")

    return act


def select(label: str, options: tuple[str, str]) -> Action:
    """Pick one of two options of a selectbox, alternately; timed from the click on the option."""

    def act(page, i: int) -> None:
        box = page.locator("[data-testid=stSelectbox]", has_text=label).first
        option = page.get_by_role("option", name=options[i % 2], exact=True)
        for _ in range(3):  # the list can close again while the page settles: open it once more
            box.get_by_role("button", name="Open").click()
            try:
                option.wait_for(timeout=5000)
                break
            except PlaywrightTimeout:
                page.keyboard.press("Escape")
        # the input is the choice: opening the list (and reopening it) is the student's time
        page.evaluate("() => { window.__lat.input = null; }")
        option.click()

    return act


def radio(label: str, options: tuple[str, str]) -> Action:
    def act(page, i: int) -> None:
        group = page.locator("[data-testid=stRadio]", has_text=label).first
        group.get_by_text(options[i % 2], exact=True).click()

    return act


def toggle(label: str) -> Action:
    def act(page, i: int) -> None:
        page.locator("[data-testid=stCheckbox]", has_text=label).first.locator("label").click()

    return act


def text(label: str, values: tuple[str, str]) -> Action:
    def act(page, i: int) -> None:
        box = page.get_by_label(label).first
        box.fill(values[i % 2])
        box.press("Enter")

    return act


def chart_click(nth: int = 0) -> Action:
    """Click a plotly chart's plot area at a point that moves with each move."""

    def act(page, i: int) -> None:
        area = page.locator("[data-testid=stMain] .js-plotly-plot .nsewdrag").nth(nth)
        box = area.bounding_box()
        fx, fy = (0.3, 0.6) if i % 2 == 0 else (0.65, 0.35)
        page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])

    return act


# page URL -> [(control, action)]; the list of each page's main controls
CONTROLS: dict[str, list[tuple[str, Action]]] = {
    "playground": [
        ("learning rate", slider("Learning rate")),
        ("activation", select("Activation", ("ReLU", "Tanh"))),
        ("a feature", toggle("X1²")),
    ],
    "convolution": [
        ("kernel", select("Kernel", ("Identity", "Sobel horizontal"))),
        ("stride", number("Stride (rows)", ("2", "1"))),
        ("mode", radio("Operation", ("Convolution (kernel flipped)", "Cross-correlation"))),
    ],
    "rnn?view=train": [
        ("cell activation", select("Vanilla RNN activation g", ("ReLU (γ = 1)", "tanh (γ = 1)"))),
        ("T", slider("Sequence length T")),
    ],
    "attention": [
        ("sentence", text("Date as a person writes it", ("3 March 1999", "Fri 27 Nov 2026"))),
        ("scoring function", select("Scoring function", ("Luong dot", "Bahdanau additive"))),
    ],
    "ntm": [
        ("beta", slider("beta (key strength)")),
        ("g", slider("g (interpolation gate)")),
        ("s(+1)", slider("s(+1)")),
        ("gamma", slider("gamma (sharpening)")),
    ],
    "ntm?view=copy": [("time slider", slider("Time step t"))],
    "vae": [("click-to-decode", chart_click(0))],
    "vae?view=interpolation": [("interpolation steps", slider("Steps"))],
    "gan": [
        ("preset", select("Lesson preset", ("Two moons", "Ring of 8: converges"))),
        ("view toggle", toggle("D(x) heatmap")),
    ],
}
PAGES = (
    "playground",
    "backprop",
    "optimization",
    "convolution",
    "rnn",
    "attention",
    "ntm",
    "vae",
    "gan",
)


def _new_tab(context, url: str) -> object:
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(url)
    page.wait_for_selector("[data-testid=stMain] [data-testid=stElementContainer]")
    page.wait_for_selector(READY)
    return page


def _settled(page, quiet_ms: float = 1200, timeout_s: float = 30) -> dict:
    """Wait until the script is idle and no picture changed for ``quiet_ms``; the watch state."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        page.wait_for_selector(READY)
        s = page.evaluate(
            "() => ({...window.__lat, now: performance.now(), "
            "last: window.__lat.changes.length ? Math.max(...window.__lat.changes) : null})"
        )
        last = max(s["last"] or 0, s["first"] or 0, s["input"] or 0)
        if s["now"] - last >= quiet_ms:
            return s
        page.wait_for_timeout(200)
    return page.evaluate("() => window.__lat")


def _drawn_tab(context, url: str) -> object:
    """A new tab whose first picture is drawn and that has settled: the first move must not
    overlap the page's own first drawing (before any picture, quiet time counts from zero)."""
    page = _new_tab(context, url)
    page.wait_for_function("() => window.__lat.first !== null")
    _settled(page)
    return page


def first_picture(context, url: str) -> tuple[float, int]:
    """(seconds from navigation to the first picture, script runs of the first load)."""
    page = _new_tab(context, url)
    page.wait_for_function("() => window.__lat.first !== null")
    s = _settled(page)
    page.close()
    return (s["first"] or float("nan")) / 1000, int(s["runs"])


def control_latency(page, act: Action, moves: int) -> list[float]:
    """Seconds from each input event to the page settling: the last picture change it caused, or
    the end of the script run it caused where it changes no picture (a paused playground's
    learning rate only rewrites the update rule's numbers)."""
    out = []
    for i in range(moves):
        page.evaluate("() => Object.assign(window.__lat, {input: null, changes: [], idle: null})")
        act(page, i)
        s = _settled(page)
        start = s["input"]
        ends = [t for t in s["changes"] + [s["idle"]] if start is not None and t and t >= start]
        out.append((max(ends) - start) / 1000 if ends else float("nan"))
    return out


def _p(values: list[float], q: float) -> float:
    ok = sorted(v for v in values if v == v)
    if not ok:
        return float("nan")
    return ok[min(len(ok) - 1, round(q * (len(ok) - 1)))]


def _tab_context(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(WATCH_JS)
    return context


def measure_bare(context, url: str, moves: int) -> tuple[float, float, float]:
    """The floor at the start of the run: the bare page's first chart and its slider."""
    _new_tab(context, url).close()  # warm: the server's first run
    firsts = [first_picture(context, url)[0] for _ in range(3)]
    page = _drawn_tab(context, url)
    lat = control_latency(page, slider("Frequency"), moves)
    page.close()
    first = statistics.median(firsts)
    p50, p95 = _p(lat, 0.5), _p(lat, 0.95)
    print(f"bare_first_chart: {first:.2f} s")
    print(f"bare_slider: p50 {p50:.2f} s, p95 {p95:.2f} s")
    return first, p50, p95


def paired_first(page_tab, bare_tab, reps: int) -> tuple[float, float, int]:
    """(median first picture of the page, median of the bare page's loaded just before each,
    script runs of the page's first load). A machine whose load drifts during the run (another
    tenant of the host, a CPU's clock) moves both by the same amount, not the excess."""
    page_firsts, bare_firsts, runs = [], [], 0
    for _ in range(reps):
        bare_firsts.append(bare_tab()[0])
        first, n = page_tab()
        page_firsts.append(first)
        runs = max(runs, n)
    return statistics.median(page_firsts), statistics.median(bare_firsts), runs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--moves", type=int, default=8)
    ap.add_argument("--firsts", type=int, default=5, help="new tabs per page (and bare page)")
    ap.add_argument("--pages", default=",".join(PAGES))
    args = ap.parse_args()
    wanted = args.pages.split(",")
    with (
        chromium() as browser,
        StreamlitServer("bench/apps/bare.py", env={"DLX_DEVICE": "cpu"}) as bare,
        StreamlitServer("app.py", env={"DLX_DEVICE": "cpu"}) as server,
    ):
        bare_context, context = _tab_context(browser), _tab_context(browser)
        _, _, floor_p95 = measure_bare(bare_context, bare.url(""), args.moves)
        # a warm server: every page loaded once (as after a class's first minute)
        for path in PAGES:
            _new_tab(context, server.url(path)).close()
        for path in wanted:
            first, floor, runs = paired_first(
                lambda path=path: first_picture(context, server.url(path)),
                lambda: first_picture(bare_context, bare.url("")),
                args.firsts,
            )
            print(
                f"first_chart_{path}: {first:.2f} s (bare page {floor:.2f} s, loaded in turn "
                f"with it: {first - floor:+.2f} s over the bare page)"
            )
            print(f"first_load_script_runs_{path}: {runs}")
        for path, controls in CONTROLS.items():
            if path.split("?")[0] not in wanted:
                continue
            page = _drawn_tab(context, server.url(path))
            for name, act in controls:
                try:
                    lat = control_latency(page, act, args.moves)
                except Exception as err:  # a control the page no longer has: say so, go on
                    print(f"control_{path}_{name}: failed ({type(err).__name__}: {err})"[:300])
                    continue
                p50, p95 = _p(lat, 0.5), _p(lat, 0.95)
                print(
                    f"control_{path}_{name}: p50 {p50:.2f} s, p95 {p95:.2f} s "
                    f"(p95 {p95 - floor_p95:+.2f} s over the bare slider)"
                )
            page.close()
        context.close()
        bare_context.close()


if __name__ == "__main__":
    main()
