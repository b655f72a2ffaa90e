"""The charts that a page's main controls redraw are drawn once per change, not twice.

Streamlit's plotly theme turns automatic margins on: when a chart's labels, legend or colour bar
need more room than its margins give, plotly draws it, measures, and draws it all again with the
larger margins (``doAutoMargin``), ~0.05-0.1 s of the browser's time at each redraw (issue 25).
These charts are built with margins as large as they need (``dlcore.viz.common.room``): in the
browser, the margins plotly ends with are the ones the figure asked for. A label that grows (a
longer tick, a new colour bar) fails here, naming the chart and the margins it needed.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import open_app

# page URL -> the keys of its charts redrawn by its main controls (bench/bench_latency.py
# CONTROLS) and of the charts in the expander OPEN names
CHARTS = {
    "gan": ("plane", "curves", "coverage"),
    "ntm": ("stages", "memory", "shift"),
    "ntm?view=copy": ("tape", "tape_memory", "curves"),
    "attention": ("map_a", "map_b", "map_diff", "loss", "accuracy"),
    "playground": ("plane", "loss", "hidden"),
    "optimization": ("race", "race_loss"),
    "rnn": ("flow", "regime", "flow_heat"),
    "vae": ("map",),
}
OPEN = {"attention": "How the shipped models trained"}
MARGINS_JS = """(keys) => keys.map((key) => {
  const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
  if (!gd || !gd._fullLayout || !gd._fullLayout._size) return {key, drawn: false};
  const m = gd.layout.margin || {}, s = gd._fullLayout._size;
  return {key, drawn: true, asked: [m.l, m.r, m.t, m.b], ended: [s.l, s.r, s.t, s.b]};
})"""


@pytest.mark.parametrize("path", sorted(CHARTS))
def test_redrawn_charts_have_the_margins_they_need(server, page, path):
    open_app(page, server.url(path))
    if path in OPEN:
        page.get_by_text(OPEN[path]).click()
    keys = [f"{path.split('?')[0]}-chart-{name}" for name in CHARTS[path]]
    page.wait_for_function(
        "(keys) => keys.every((k) => { const gd = document.querySelector("
        "`.st-key-${k} .js-plotly-plot`); return gd && gd._fullLayout && gd._fullLayout._size; })",
        arg=keys,
        timeout=60_000,
    )
    charts = page.evaluate(MARGINS_JS, keys)
    grown = [c for c in charts if c["asked"] != c["ended"]]
    assert not grown, f"margins [l, r, t, b] asked vs needed (drawn twice): {grown}"
