"""The chart library, loaded while a page's script runs.

Streamlit loads its plotly module (static/js/PlotlyChart.*.js, ~4.7 MB) only when the first chart
of a tab arrives, so a new tab's first picture waited for the server's run and then for the
module (issue 25: ~0.5-1.5 s on a 2-core machine). ``preload_charts`` draws an empty in-page
element (components v2, no iframe) whose script imports that very module at once: the browser
fetches and compiles it while the server still runs the page, and Streamlit's own import finds
it loaded. Without the file (another Streamlit build) nothing is drawn.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import streamlit as st

JS = Path(__file__).with_name("js") / "preload.js"
STATIC_JS = Path(st.__file__).parent / "static" / "static" / "js"


@cache
def _chunks(static_js: Path) -> tuple[str, ...]:
    return tuple(sorted(p.name for p in static_js.glob("PlotlyChart.*.js")))


def chart_chunks(static_js: Path = STATIC_JS) -> list[str]:
    """File names of Streamlit's chart module in its static folder (one per build; looked up
    once per process: every in-place chart of every run asks)."""
    return list(_chunks(static_js))


@cache
def _component():
    return st.components.v2.component("dlx_preload", js=JS.read_text(encoding="utf-8"))


def preload_charts() -> None:
    """Start loading the chart module in this tab (once; later runs draw the same element)."""
    chunks = chart_chunks()
    if chunks:
        _component()(data={"chunks": chunks}, key="dlx_preload", height="content")
