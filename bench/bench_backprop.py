"""Benchmarks of the backpropagation page (issue 22 bar), on this machine kind.

    python bench/bench_backprop.py            # all figures
    python bench/bench_backprop.py --quick    # in-process figures only (no browser)

The bar: typing an expression of 40 nodes and pressing Enter redraws the graph in the browser at
most 300 ms later than a bare Streamlit rerun does (a one-text-box app that echoes what was
typed, measured the same way by this bench). Both are timed inside the page: from the Enter
key's keydown to the first animation frame in which the new content is on screen (the graph:
the figure's node trace has the new expression's nodes and its SVG shows a label only the new
expression has; the bare app: the echoed text). Two 40-node expressions alternate, so every
press changes the graph. Also printed: the server-side part (parse, forward and backward pass,
layout, figure) in-process, the time from a click on Step to the redrawn graph, and the CPU
each redraw cost the server and this bench's own Chromium (its processes only: on a machine
shared with other developers the wall times above mostly measure their load; the CPU times do
not, and on a quiet machine a redraw's wall time is about the server's CPU plus the browser's).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import StreamlitServer, chromium, open_app, wait_idle  # noqa: E402

EXPRESSIONS = (  # 40 nodes each, different inputs: the redrawn graph is told apart by its labels
    (
        "sigmoid(w1*x1 + w2*x2 + w3*x3 + b) * tanh(u1*x1 - u2*x2) "
        "+ exp(-(x1^2 + x2^2)/2) * max(x3, -w3) + log(1 + relu(b)*b)",
        "u2",
    ),
    (
        "tanh(p1*y1 + p2*y2 + c1) * q1 + tanh(p2*y1 - p1*y2 + c1) * (q2 + 1) "
        "+ sigmoid(q1*y3) * exp(-y3^2/2) - log(1 + exp(-(y1 + y2)))",
        "q2",
    ),
)
BAR_MS = 300.0
REPEATS = 8
BARE_APP = """import streamlit as st

typed = st.text_input("Expression f", key="e")
st.markdown(f"echo: {typed}")
"""

# from Enter's keydown to the first frame where done() holds (checked on every frame)
ARM_JS = """(done) => { const check = new Function('return (' + done + ')()');
  window.__dlxWait = new Promise((resolve) => {
    document.addEventListener('keydown', (ev) => {
      if (ev.key !== 'Enter') return;
      const t0 = performance.now();
      const poll = () => {
        if (check()) resolve(performance.now() - t0);
        else if (performance.now() - t0 > 60000) resolve(-1);  // never drawn: reported
        else requestAnimationFrame(poll);
      };
      requestAnimationFrame(poll);
    }, {capture: true, once: true});
  }); }"""
GRAPH_DONE = """() => { const el = [...document.querySelectorAll('.js-plotly-plot')].find(
    e => e.data && e.data.some(t => t.name === 'nodes'));
  if (!el) return false;
  const nodes = el.data.find(t => t.name === 'nodes');
  return nodes.customdata.length === %d
    && [...el.querySelectorAll('.textpoint')].some(a => a.textContent.includes('%s')); }"""
BARE_DONE = (
    """() => document.querySelector('[data-testid=stMain]').innerText.includes('echo: %s')"""
)


def in_process() -> None:
    from dlcore.backprop.config import WalkConfig
    from dlcore.backprop.expr import parse
    from dlcore.backprop.walk import BackwardWalk
    from dlcore.viz.backprop import diagram_figure, graph_diagram

    for expr, _ in EXPRESSIONS:
        assert len(parse(expr).nodes) == 40, expr
    times = []
    for k in range(REPEATS):
        expr = EXPRESSIONS[k % 2][0]
        t0 = time.perf_counter()
        walk = BackwardWalk(WalkConfig(expr, ""))  # parse, forward, backward, layout
        diagram_figure(graph_diagram(walk.snapshot(), walk.layout)).to_json()
        times.append(time.perf_counter() - t0)
    print(f"server_side_40_nodes_median: {1e3 * statistics.median(times):.1f} ms", flush=True)


class Cpu:
    """CPU seconds of the server process (and its children) and of this process's Chromium
    (the browser Playwright started: descendants of this Python process)."""

    def __init__(self, server_pid: int) -> None:
        import psutil

        me = psutil.Process(os.getpid())
        chrome = [p for p in me.children(recursive=True) if "chrom" in p.name().lower()]
        server = psutil.Process(server_pid)
        self.procs = {"server": [server, *server.children(recursive=True)], "browser": chrome}
        self.before = self._read()

    def _read(self) -> dict[str, float]:
        import psutil

        out = {}
        for kind, procs in self.procs.items():
            total = 0.0
            for proc in procs:
                try:
                    t = proc.cpu_times()
                    total += t.user + t.system
                except psutil.Error:
                    continue
            out[kind] = total
        return out

    def used_ms(self, n: int) -> dict[str, float]:
        now = self._read()
        return {k: 1e3 * (now[k] - self.before[k]) / n for k in now}


def _type(page, text: str, done_js: str) -> float:
    """Type ``text`` into the text box and press Enter: ms until ``done_js`` holds."""
    box = page.get_by_role("textbox", name="Expression f")
    box.fill(text)
    page.evaluate(ARM_JS, done_js)
    box.press("Enter")
    ms = float(page.evaluate("() => window.__dlxWait"))
    wait_idle(page)
    if ms < 0:
        raise RuntimeError(f"the new content never showed after typing {text!r}")
    return ms


def _summary(name: str, ms: list[float]) -> float:
    med = statistics.median(ms)
    print(f"{name}_median: {med:.0f} ms (min {min(ms):.0f}, max {max(ms):.0f}, n = {len(ms)})")
    return med


def bare_rerun(browser) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "bare_app.py"
        script.write_text(BARE_APP, encoding="utf-8")
        with StreamlitServer(str(script)) as server:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(120_000)
            open_app(page, server.url(""))
            times = []
            _type(page, "warm up", BARE_DONE % "warm up")
            cpu = Cpu(server.proc.pid)
            for k in range(REPEATS):
                text = f"x{k} * y{k}"
                times.append(_type(page, text, BARE_DONE % text))
            _cpu_line("bare_rerun", cpu.used_ms(REPEATS))
            page.close()
    return _summary("bare_rerun_type_to_shown", times)


def _cpu_line(name: str, used: dict[str, float]) -> None:
    print(
        f"{name}_cpu_per_redraw: server {used['server']:.0f} ms, browser {used['browser']:.0f} ms"
    )


def graph_redraw(browser, server) -> float:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(120_000)
    open_app(page, server.url("backprop"), timeout_ms=180_000)
    times = []
    _type(page, EXPRESSIONS[1][0], GRAPH_DONE % (40, EXPRESSIONS[1][1]))  # warm-up
    cpu = Cpu(server.proc.pid)
    for k in range(REPEATS):
        expr, token = EXPRESSIONS[k % 2]
        times.append(_type(page, expr, GRAPH_DONE % (40, token)))
    _cpu_line("backprop_40_nodes", cpu.used_ms(REPEATS))
    med = _summary("backprop_type_40_nodes_to_redrawn_graph", times)
    step_times = []
    for _ in range(5):
        t0 = time.perf_counter()
        page.get_by_role("button", name="Step", exact=True).click()
        wait_idle(page)
        step_times.append(1e3 * (time.perf_counter() - t0))
    _summary("step_click_to_idle_with_playwright", step_times)
    page.close()
    return med


def main() -> None:
    in_process()
    if "--quick" in sys.argv:
        return
    with chromium() as browser:
        bare = bare_rerun(browser)
        with StreamlitServer("app.py", env={"DLX_DEVICE": "cpu"}) as server:
            graph = graph_redraw(browser, server)
    above = graph - bare
    verdict = "PASS" if above <= BAR_MS else "FAIL"
    print(f"backprop_above_bare_rerun: {above:.0f} ms (bar: at most {BAR_MS:.0f} ms) {verdict}")
    print(f"load_average_1min: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
