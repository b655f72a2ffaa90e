"""Plotly charts that change in place: for the charts a control redraws (issue 25).

``st.plotly_chart`` gives a chart the identity of its figure, so a chart whose figure changed is a
new element: the browser throws the old plot away, builds a new one and draws it twice (once
before it knows its width). A paused playground redraws four such charts at each control,
~65 ms each on a 2-core machine: most of the ~0.5 s a student waited. ``inplace_chart`` draws the
same figure with the same plotly.js (the library Streamlit's chart module sets as window.Plotly,
dlcore/ui/js/plot.js), in an element that keeps its key, so a new figure is a ``Plotly.react`` on
the plot that is already there. A click on a point calls ``on_select``; ``clicked`` reads it.
The first in-place chart of a tab imports Streamlit's chart module itself (``chart_chunks``: the
very file Streamlit imports for its own charts, so the browser loads it once).

Without Streamlit's chart module (another Streamlit build) it falls back to ``st.plotly_chart``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import plotly.io
import streamlit as st

JS = Path(__file__).with_name("js") / "plot.js"
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
    # isolate_styles=False: the plot joins the page's DOM (plotly's own CSS applies, the tests and
    # the latency bench see it as they see Streamlit's charts)
    return st.components.v2.component(
        "dlx_plot", js=JS.read_text(encoding="utf-8"), isolate_styles=False
    )


def figure_json(fig: Any) -> str:
    """The figure as plotly.js reads it (numpy arrays as typed-array specs), not re-validated."""
    return plotly.io.to_json(fig, validate=False)


def inplace_chart(
    fig: Any,
    key: str,
    *,
    config: dict | None = None,
    on_select: Callable[[], None] | None = None,
) -> Any:
    """Draw ``fig`` under ``key``; a later run with another figure updates the same plot."""
    chunks = chart_chunks()
    if not chunks:  # no chart module to borrow plotly.js from: Streamlit's own element
        select = {"on_select": on_select, "selection_mode": "points"} if on_select else {}
        return st.plotly_chart(fig, key=key, config=config, **select)
    data = {
        "spec": figure_json(fig),
        "config": config or {},
        "chunks": chunks,
        "click": on_select is not None,
    }
    events = {"on_select_change": on_select} if on_select is not None else {}
    return _component()(data=data, key=key, height="content", **events)


def clicked(key: str) -> list[dict]:
    """The points of the last click on the in-place chart ``key`` (read in its ``on_select``):
    dicts with x, y, curve_number, point_number, point_index and customdata; empty if none."""
    state = st.session_state.get(key)
    value = getattr(state, "select", None)
    if value is None and isinstance(state, dict):
        value = state.get("select")
    points = value.get("points") if isinstance(value, dict) else None
    return [p for p in points if isinstance(p, dict)] if isinstance(points, list) else []
