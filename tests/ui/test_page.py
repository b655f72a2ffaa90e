"""The Page object (dlcore/ui/page.py): the config read once from the link and the widgets, the
session keys it owns, labels, the view registry feeding the radio, charts with their export,
set_widgets from a callback, and finish (URL, share box, live loop)."""

import json

from streamlit.testing.v1 import AppTest


def _script():
    from dataclasses import dataclass

    import plotly.graph_objects as go
    import streamlit as st

    from dlcore.config import choice, ints, num
    from dlcore.ui.page import Page, View

    @dataclass(frozen=True)
    class DemoConfig:
        view: str = choice("first", ("first", "second"), live=True, label="View")
        opt: str = choice("sgd", ("sgd", "adam"), live=True, label="Optimizer")
        lr: float = num(0.1, lo=0.001, hi=1.0, live=True, label="Learning rate")
        n: int = num(3, lo=1, hi=9, label="Units")
        sizes: tuple = ints((4, 2), lo=1, hi=8, max_len=4, label="Layers")
        rate: float = num(0.1, options=(0.01, 0.1, 1.0), live=True, label="Rate")

    def first(page):
        page.row("opt", "lr")
        st.markdown(f"first view: lr={page.cfg.lr} opt={page.cfg.opt} n={page.cfg.n}")
        page.chart(go.Figure(go.Scatter(y=[1, 2, page.cfg.lr])), "curve")
        page.set("visits", page.get("visits", 0) + 1)

    def second(page):
        def preset():
            page.set_widgets({"lr": 0.5, "n": 7, "sizes": "8, 8, 1"})

        st.button("Preset", key=page.key("preset"), on_click=preset)
        page.widget("n", max_value=8)  # narrower than the config's 1..9
        page.widget("sizes")
        page.widget("rate", format_func=lambda v: f"{v:g} a step")
        st.markdown(f"second view: n={page.cfg.n} sizes={page.cfg.sizes}")

    views = {"first": View("First view", first), "second": View("Second view", second)}
    labels = {"sgd": "SGD", "adam": "Adam", "view": {"first": "unused: the registry's labels"}}
    page = Page("ntm", DemoConfig, labels=labels, ns="demo")
    page.show(views)
    page.finish()


def _app(**params) -> AppTest:
    at = AppTest.from_function(_script, default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def _said(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown)


def test_the_link_sets_the_config_read_once_and_the_widgets():
    at = _app(lr="0.25", opt="adam")
    assert not at.exception
    assert "first view: lr=0.25 opt=adam n=3" in _said(at)
    assert at.slider(key="demo.w.lr").value == 0.25  # widgets under the page's own keys
    assert at.selectbox(key="demo.w.opt").value == "adam"


def test_a_widget_change_is_in_the_config_of_the_next_run():
    at = _app()
    at.slider(key="demo.w.lr").set_value(0.75).run()
    assert "first view: lr=0.75" in _said(at)
    assert at.query_params["lr"] in ("0.75", ["0.75"])  # finish: the URL follows the widgets


def test_garbage_in_the_link_falls_back_with_a_notice():
    at = _app(lr="lots", view="nowhere")
    assert not at.exception
    assert "first view: lr=0.1" in _said(at)
    assert any("not valid" in w.value for w in at.warning)


def test_the_registry_feeds_the_radio_with_its_labels_and_picks_the_view():
    at = _app()
    radio = at.radio(key="demo.w.view")
    assert radio.options == ["First view", "Second view"]
    radio.set_value("second").run()
    assert "second view: n=3 sizes=(4, 2)" in _said(at) and "first view" not in _said(at)


def test_labels_show_in_choice_widgets():
    at = _app()
    assert at.selectbox(key="demo.w.opt").options == ["SGD", "Adam"]


def test_a_view_may_narrow_a_numbers_bounds():
    at = _app(view="second")
    assert at.slider(key="demo.w.n").max == 8  # the config allows 1..9


def test_a_number_from_a_list_reads_through_its_format():
    at = _app(view="second")
    assert at.select_slider(key="demo.w.rate").options == ["0.01 a step", "0.1 a step", "1 a step"]


def test_labels_can_belong_to_one_field():
    from dlcore.ui.page import Page

    page = Page.__new__(Page)
    page.labels = {"mean": "Mean of the heads", "agg": {"mean": "Average"}}
    assert page.label("mean", "agg") == "Average"  # the field's own label wins
    assert page.label("mean", "other") == "Mean of the heads"
    assert page.label("max", "agg") == "max" and page.label("agg") == "agg"


def test_session_state_lives_under_the_page_namespace():
    at = _app()
    at.run()
    assert at.session_state["demo.visits"] == 2
    assert at.session_state["demo.cfg"].lr == 0.1


def test_set_widgets_from_a_callback_reaches_the_next_run():
    at = _app(view="second")
    at.button(key="demo.preset").click().run()
    assert not at.exception
    assert "second view: n=7 sizes=(8, 8, 1)" in _said(at)  # a list field from its text form
    assert at.query_params["lr"] in ("0.5", ["0.5"])


def test_a_chart_is_keyed_and_exports_a_named_png():
    at = _app()
    (chart,) = at.get("plotly_chart")
    config = json.loads(chart.proto.config)
    assert config["toImageButtonOptions"]["filename"] == "demo_curve"
    assert config["toImageButtonOptions"]["scale"] == 2
    assert "demo.chart.curve" in chart.proto.id


def test_finish_draws_the_share_box_with_the_link_when_it_is_opened():
    at = _app(lr="0.25")
    (expander,) = at.expander
    assert expander.label == "Share this experiment"
    assert not at.code  # closed: the link's code block is not drawn (first paint)
    at.session_state["demo.share_open"] = True  # what a click on the expander sets
    at.run()
    assert any("lr=0.25" in c.value for c in at.code)


def test_selection_reads_the_charts_event(monkeypatch):
    from types import SimpleNamespace

    from dlcore.ui.page import Page
    from dlcore.ui.state import Namespace

    state = {}
    monkeypatch.setattr("streamlit.session_state", state)
    page = Page.__new__(Page)  # reading a selection needs only the page's keys
    page.state = Namespace("demo")
    assert page.selection("curve") == []  # before any click
    state["demo.chart.curve"] = SimpleNamespace(selection=SimpleNamespace(points=[{"x": 1}]))
    assert page.selection("curve") == [{"x": 1}]


def test_memo_builds_again_only_when_its_key_changes():
    from dlcore.ui.state import Namespace

    calls = []

    def make(value):
        calls.append(value)
        return value

    ns = Namespace("memo_test")
    assert ns.memo("grid", ("model", 15), lambda: make(1)) == 1
    assert ns.memo("grid", ("model", 15), lambda: make(2)) == 1  # same key: kept
    assert ns.memo("grid", ("model", 21), lambda: make(3)) == 3  # new key: built again
    assert ns.memo("other", ("model", 21), lambda: make(4)) == 4  # names do not mix
    assert calls == [1, 3, 4]


def test_widget_state_reads_the_config_for_a_widget_not_drawn(monkeypatch):
    from dlcore.ui.page import Page
    from dlcore.ui.state import Namespace

    cfg = _app(n="6", sizes="3,3").session_state["demo.cfg"]  # the first view: no n, no sizes
    monkeypatch.setattr("streamlit.session_state", {"demo.cfg": cfg, "demo.w.opt": "adam"})
    page = Page.__new__(Page)  # what a callback reads: the page's keys and config class
    page.state, page.config_cls, page._drawn = Namespace("demo"), type(cfg), set()
    assert page.widget_state("n") == 6 and page.widget_state("sizes") == "3,3"
    assert page.widget_state("opt") == "adam"  # drawn: its widget's value
