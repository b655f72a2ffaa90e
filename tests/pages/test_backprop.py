"""AppTest of pages/backprop.py: typing an expression redraws the graph, Step advances one node,
a bad expression gives a message (never a traceback), the finished pass is checked against
autograd, the examples and value boxes set the link, the lecture network's Step does one SGD
update, a diverged walker or network shows the panel's message and Reset recovers, and every
other view draws and reacts to its controls and to its link."""

import json
import math
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dlcore.ui.urlstate import wkey
from tests.pages.divergence import diverge_and_reset

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "backprop.py")


def app(params=None, view=None):
    at = AppTest.from_file(PAGE, default_timeout=120)
    for k, v in {**({"view": view} if view else {}), **(params or {})}.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def charts(at):
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def graph_nodes(at):
    """The node trace of the expression graph: its customdata are the node ids."""
    fig = charts(at)[0]
    return next(t for t in fig["data"] if t.get("name") == "nodes")


def node_texts(at):
    fig = charts(at)[0]
    return next(t for t in fig["data"] if t.get("name") == "node text")["text"]


def latex(at):
    return " ".join(m.value for m in at.get("latex"))


def widget(at, kind, name):
    return next(el for el in at.get(kind) if el.key == wkey("backprop", name))


def step(at, panel="walk"):
    at.button(key=f"backprop.{panel}.btn.step").click().run()
    assert not at.exception, at.exception


@pytest.fixture(scope="module")
def start():
    return app()


def test_graph_view_draws_the_forward_pass(start):
    nodes = graph_nodes(start)
    assert len(nodes["customdata"]) == 8  # a, b, a*b, c, +, d, tanh, f
    assert any("tanh" in t and "0.462" in t for t in node_texts(start))  # tanh(0.5)
    assert any("Forward pass done" in i.value for i in start.info)
    radio = start.radio[0]
    assert radio.options[0] == "Expression graph" and "Why depth hurts" in radio.options


def test_typing_an_expression_redraws_the_graph():
    at = app()
    widget(at, "text_input", "expr").set_value("x*y + sin(x)").run()
    assert not at.exception and not at.error
    assert len(graph_nodes(at)["customdata"]) == 5
    keys = {n.key for n in at.number_input}
    assert {"backprop.value.x", "backprop.value.y"} <= keys
    assert any("5 nodes" in c.value for c in at.caption)


def test_step_advances_one_node_and_the_sum_rule_shows():
    at = app({"expr": "x*y + sin(x)", "values": "x = 0.8, y = -1.7"})
    step(at)
    assert at.session_state["backprop.walk.trainer"].steps == 1
    assert any("Step 1 of 5" in m.value for m in at.markdown)
    assert r"\frac{\partial f}{\partial f} = 1" in latex(at)
    for k in range(2, 6):
        step(at)
        assert any(f"Step {k} of 5" in m.value for m in at.markdown)
    # step 5 is x, with two successors: the sum of both paths
    assert any("Sum rule" in s.value and "2 paths" in s.value for s in at.success)
    assert "= -1.003" in latex(at)  # y + cos(x) = -1.7 + 0.697
    assert any(df.value.shape[0] == 2 for df in at.dataframe)  # the check: x and y
    trace = "∂f/∂node (so far)"  # the evaluation trace: sent once its expander is opened
    assert not any(trace in df.value.columns for df in at.dataframe)
    at.session_state["backprop.trace_open"] = True  # what a click on the expander sets
    at.run()
    table = next(df.value for df in at.dataframe if trace in df.value.columns)
    assert table["node"][0] == "x" and len(table) == 5  # x, y, x·y, sin(x), f
    assert table[trace][0] == pytest.approx(-1.7 + math.cos(0.8))  # x: after all 5 steps


def test_the_finished_pass_is_checked_against_autograd():
    at = app()
    for _ in range(8):
        step(at)
    table = next(df.value for df in at.dataframe if "torch.autograd" in df.value.columns)
    assert list(table["input"]) == ["a", "b", "c", "d"]
    assert (table["|backprop − autograd|"] < 1e-14).all()
    assert (table["|backprop − finite diff.|"] < 1e-7).all()
    assert table["backprop (this page)"][0] == pytest.approx(-3 * math.tanh(0.5), rel=1e-14)
    assert at.session_state["backprop.walk.trainer"].halted


@pytest.mark.parametrize(
    "expr, message",
    [
        ("__import__('os').system('ls')", "Attribute access"),
        ("lambda: 1", "lambda is not allowed"),
        ("a.__class__", "Attribute access"),
        ("log(a - 5)", "log needs a positive argument"),
        ("a +* b", "not a valid expression"),
        ("+".join(["a*b"] * 31), "more than 60 nodes"),
    ],
)
def test_a_bad_expression_gives_a_message(expr, message):
    at = app({"expr": expr, "values": "a = 2, b = 3"})
    assert not at.exception
    (error,) = at.error
    assert "Cannot draw this expression" in error.value and message in error.value
    assert not at.get("plotly_chart")  # no graph, no live panel
    widget(at, "text_input", "expr").set_value("a*b").run()  # the session keeps working
    assert not at.exception and not at.error and len(graph_nodes(at)["customdata"]) == 3


def test_value_boxes_and_examples_write_the_link():
    at = app()
    at.number_input(key="backprop.value.a").set_value(5.0).run()
    assert not at.exception
    assert "a = 5" in at.query_params["values"]
    assert any("5" in t.split("<br>")[1] for t in node_texts(at) if t.startswith("<b>a</b>"))
    at.selectbox(key="backprop.example").set_value("fanout").run()
    assert not at.exception
    assert widget(at, "text_input", "expr").value == "x*y + sin(x)"
    assert at.query_params["expr"] == "x*y + sin(x)"
    assert len(graph_nodes(at)["customdata"]) == 5


def test_bad_values_in_the_link_give_a_notice():
    at = app({"values": "a = lots, b = 1e999"})
    assert any("not name = number" in w.value or "a value must be" in w.value for w in at.warning)
    assert len(graph_nodes(at)["customdata"]) == 8


def test_play_walks_with_canvas_frames():
    at = app()
    at.button(key="backprop.walk.btn.play").click().run()  # AppTest: the loop runs 3 ticks
    assert not at.exception
    assert at.session_state["backprop.walk.trainer"].steps == 3
    (canvas,) = at.main.get("bidi_component")
    assert canvas.proto.component_name == "dlx_backprop_live"
    frame = json.loads(canvas.proto.json)
    assert len(frame["nodes"]) == 8 and any(e["bold"] for e in frame["edges"])


def nan_gradients(walk) -> None:
    walk.grads[:] = math.nan  # the upstream gradients blew up


def test_a_diverged_walk_shows_the_message_and_reset_recovers():
    at = app()
    step(at)
    _, fresh = diverge_and_reset(at, "backprop.walk", nan_gradients, says="gradient")
    assert fresh.grads[-1] == 1.0


# ------------------------------------------------------------------------ the lecture's network
def test_network_step_is_one_sgd_update():
    at = app(view="network")
    text = latex(at)
    assert r"\delta_{1}^{o}" in text and "0.1385" in text  # the worked example's first delta
    assert "0.298371" in text
    before = at.session_state["backprop.net.trainer"].snapshot().now.loss
    step(at, "net")
    trainer = at.session_state["backprop.net.trainer"]
    assert trainer.steps == 1
    assert trainer.snapshot().now.loss < before
    assert any(m.label == "Last step" for m in at.metric)
    assert "0.280471" in latex(at)  # the error after the first update, now "E now"
    # the tables and the matrix form: sent only once their expander is opened (first paint)
    assert not any("|difference|" in df.value.columns for df in at.dataframe)
    assert r"U^{\top} \delta^{o}" not in latex(at)
    at.session_state["backprop.weights_open"] = True  # what a click on the expander sets
    at.session_state["backprop.matrix_open"] = True
    at.run()
    assert any("|difference|" in df.value.columns for df in at.dataframe)
    assert any("Δw" in " ".join(df.value.columns) for df in at.dataframe)
    assert r"U^{\top} \delta^{o}" in latex(at)
    assert trainer.steps == 1  # opening an expander takes no step


def test_network_controls_and_divergence():
    at = app({"x": "1,2,3", "t": "0.2", "hidden": "3", "init": "random"}, view="network")
    s = at.session_state["backprop.net.trainer"].snapshot().now
    assert s.x.shape == (3,) and s.o_h.shape == (3,) and s.o_o.shape == (1,)
    assert widget(at, "selectbox", "init").format_func("random") == "Random (seeded)"
    trainer = at.session_state["backprop.net.trainer"]
    trainer.params["W2"] = trainer.params["W2"] * math.nan
    step(at, "net")
    assert any("Training diverged" in e.value for e in at.error)
    at.button(key="backprop.net.btn.reset").click().run()
    assert not at.exception and not at.error
    step(at, "net")
    assert not at.error and math.isfinite(at.session_state["backprop.net.trainer"].curve[-1][1])


# ------------------------------------------------------------------------ the other views
def test_depth_view_and_its_controls():
    at = app(view="depth")
    fig = charts(at)[0]
    assert fig["layout"]["yaxis"]["type"] == "log"
    names = {t["name"] for t in fig["data"]}
    assert "tanh instead (autograd)" in names and "ReLU instead (autograd)" in names
    before = json.dumps(fig["data"])
    widget(at, "selectbox", "act").set_value("tanh").run()
    assert not at.exception and json.dumps(charts(at)[0]["data"]) != before
    assert any("RNN gradient explorer" in m.value and "(/rnn)" in m.value for m in at.markdown)
    deep = app({"depth": "8", "show_n": "20"}, view="depth")
    assert any("looking inside depth 8" in i.value for i in deep.info)


def test_softmax_view_shows_p_minus_y():
    at = app({"logits": "1,2,3", "target": "2"}, view="softmax")
    table = next(df.value for df in at.dataframe if "pᵢ − yᵢ (formula)" in df.value.columns)
    assert table["pᵢ − yᵢ (formula)"].sum() == pytest.approx(0, abs=1e-12)
    assert (table["|difference|"] < 1e-15).all()
    assert table["pᵢ − yᵢ (formula)"][2] < 0  # the correct class is pulled up
    far = app({"logits": "1,2", "target": "7"}, view="softmax")
    assert any("only 2 classes" in w.value for w in far.warning)


def test_cost_view_counts_both_ways():
    at = app({"n_in": "50", "cost_hidden": "16", "cost_layers": "1"}, view="cost")
    metrics = {m.label: m.value for m in at.metric}
    fwd = 2 * (50 * 16 + 16)
    assert metrics["Operations, reverse mode"] == f"{2 * fwd:,}"
    assert metrics["Operations, finite differences"] == f"{100 * fwd:,}"
    at.slider(key=wkey("backprop", "n_in")).set_value(200).run()
    assert {m.label: m.value for m in at.metric}["Operations, finite differences"] == (
        f"{400 * 2 * (200 * 16 + 16):,}"
    )


def test_garbage_in_the_link_gives_a_notice():
    at = app({"view": "nowhere", "eta": "lots", "width": "7", "zzz": "1", "h": "-1"})
    assert any("not valid" in w.value for w in at.warning)
    assert widget(at, "radio", "view").value == "graph"
    net = app({"eta": "2"}, view="network")
    assert widget(net, "select_slider", "eta").value == 2.0


def test_the_network_shows_every_step_at_one_step_a_frame():
    from dlcore.ui.views.backprop import SPEEDS

    assert SPEEDS["slow"]["watched"] and SPEEDS["medium"]["watched"]  # one SGD step a frame
    assert not SPEEDS["fast"].get("watched")  # many steps a frame: frames may skip
