"""In-place charts (dlcore.ui.plot): one element per key whatever its figure, the figure's JSON in
its data, clicks read back as points, and Streamlit's own chart where plotly.js cannot be borrowed.
The browser side (the same plot updated, clicks sent back) is tests/e2e/test_plot_e2e.py."""

import json

import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from dlcore.ui import plot
from tests.pages.charts import INPLACE, components


def test_the_chunk_is_streamlits_chart_module_and_its_entry_imports_it():
    chunks = plot.chart_chunks()
    assert len(chunks) == 1 and chunks[0].startswith("PlotlyChart.")
    entry = next(plot.STATIC_JS.glob("index.*.js")).read_text(encoding="utf-8")
    assert f"./{chunks[0]}" in entry  # the same file, next to the entry script


def test_no_chart_module_no_chunk(tmp_path):
    assert plot.chart_chunks(tmp_path) == []


def _script():
    import plotly.graph_objects as go
    import streamlit as st

    from dlcore.ui import plot

    n = st.number_input("points", 1, 50, 3, key="n")
    fig = go.Figure(go.Scatter(x=list(range(n)), y=[v * v for v in range(n)], mode="markers"))
    plot.inplace_chart(fig, "demo.chart", on_select=lambda: st.session_state.update(hit=True))
    st.session_state["seen"] = plot.clicked("demo.chart")


def _app() -> AppTest:
    return AppTest.from_function(_script, default_timeout=60).run()


def test_a_new_figure_is_the_same_element_with_the_new_figure_in_its_data():
    at = _app()
    (first,) = components(at, INPLACE)
    data = json.loads(first.proto.json)
    fig = json.loads(data["spec"])
    assert fig["data"][0]["x"] == [0, 1, 2] and data["click"] is True
    assert data["chunks"] == plot.chart_chunks() and data["chunks"]  # where plotly.js comes from
    at.number_input(key="n").set_value(5).run()
    (second,) = components(at, INPLACE)
    assert second.proto.id == first.proto.id  # one element: the browser updates the same plot
    assert json.loads(json.loads(second.proto.json)["spec"])["data"][0]["y"] == [0, 1, 4, 9, 16]
    assert not at.get("plotly_chart")


def test_without_streamlits_chart_module_it_is_streamlits_own_chart(monkeypatch):
    monkeypatch.setattr(plot, "chart_chunks", lambda: [])  # another Streamlit build
    at = _app()
    assert not components(at, INPLACE)
    (chart,) = at.get("plotly_chart")
    assert chart.proto.id.endswith("demo.chart") and '"x":[0,1,2]' in chart.proto.spec.replace(
        " ", ""
    )


def test_the_figure_json_keeps_numpy_arrays_as_plotly_reads_them():
    import numpy as np

    spec = json.loads(plot.figure_json(go.Figure(go.Scatter(y=np.arange(4.0)))))
    y = spec["data"][0]["y"]
    assert y == [0.0, 1.0, 2.0, 3.0] or (y["dtype"] == "f8" and "bdata" in y)


@pytest.mark.parametrize(
    "state, points",
    [
        ({"select": {"points": [{"x": 1, "y": 2, "customdata": ["node", 1, 0]}]}}, 1),
        ({"select": {"points": [{"x": 1}, "not a point", 3]}}, 1),
        ({"select": None}, 0),
        ({"select": {"points": "junk"}}, 0),
        (None, 0),
    ],
)
def test_clicked_reads_the_points_of_a_click_and_ignores_anything_else(monkeypatch, state, points):
    monkeypatch.setattr(plot.st, "session_state", {} if state is None else {"k": state})
    got = plot.clicked("k")
    assert len(got) == points and all(isinstance(p, dict) for p in got)
