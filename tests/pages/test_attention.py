"""AppTest of pages/attention.py: the three views draw, typing a date translates it, switching the
score changes the map, the temperature sharpens it, a click on a cell computes it by hand, Step
trains, Play draws live frames, a diverged model shows the message and Reset recovers, URL
parameters set controls (garbage -> notice), empty / 5,000-character / emoji-only inputs give a
clear message, the head view colours and filters heads, the accuracy-by-length chart compares
attention with the baseline, and the view radio is fed by the view registry."""

import base64
import json
import math
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from dlcore.attention.config import AGGREGATES, FOCUS_SIDES, LINES, MODEL_LABELS, AttentionConfig
from dlcore.attention.seq2seq import checkpoint_path
from dlcore.config import field_specs
from dlcore.ui.urlstate import wkey
from dlcore.ui.views.attention import LABELS, VIEWS
from tests.pages.divergence import diverge_and_reset, nan_parameters

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "attention.py")
KINDS = ("selectbox", "slider", "number_input", "toggle", "radio", "select_slider", "text_input")


def app(live: bool = False, **params):
    """The page run with the link's ``params``; ``live``: with "Train a fresh model live" open."""
    at = AppTest.from_file(PAGE, default_timeout=300)
    for k, v in params.items():
        at.query_params[k] = v
    if live:
        at.session_state["attention.live_open"] = True  # what a click on the expander sets
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_live_panel_is_built_only_when_its_expander_is_opened():
    """Closed (the first paint), no trainer, no live charts; opened, the panel; closed again
    while playing, training pauses."""
    at = app()
    assert "attention.trainer" not in at.session_state
    assert "attention.btn.play" not in [b.key for b in at.button]
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert not any("Live" in str(s["layout"].get("title", "")) for s in specs)
    assert chart(at, "Luong dot")  # the maps are there
    at.session_state["attention.live_open"] = True
    at.run()
    assert at.button(key="attention.btn.play").label == "Play"
    at.session_state["attention.playing"] = True
    at.session_state["attention.live_open"] = False
    at.run()
    assert not at.exception and at.session_state["attention.playing"] is False


def widget(at, name):
    for kind in KINDS:
        for el in at.get(kind):
            if el.key == wkey("attention", name):
                return el
    raise KeyError(name)


def charts(at):
    return {c.proto.id: json.loads(c.proto.spec) for c in at.get("plotly_chart")}


def chart(at, title_part):
    for spec in charts(at).values():
        if title_part in str(spec["layout"].get("title", {}).get("text", "")):
            return spec
    raise KeyError(title_part)


def arr(raw) -> np.ndarray:
    """An array of a plotly spec (plotly ships numpy arrays as base64 'bdata')."""
    if isinstance(raw, dict):
        flat = np.frombuffer(base64.b64decode(raw["bdata"]), dtype=raw["dtype"])
        shape = raw.get("shape")
        return flat.reshape([int(n) for n in str(shape).split(",")]) if shape else flat
    return np.asarray(raw, dtype=float)


def z(spec) -> np.ndarray:
    """The heatmap matrix of a plotly spec."""
    return arr(spec["data"][0]["z"])


def texts(at):
    kinds = ("markdown", "caption", "info", "warning", "error")
    return " ".join(str(e.value) for kind in kinds for e in at.get(kind))


def latex(at) -> str:
    """The page's rendered equations (st.latex)."""
    return " ".join(str(e.value) for e in at.get("latex"))


def click_chart(at, key, points):
    """Simulate a click on a plotly chart with on_select: AppTest has no API for chart selections,
    so the selection goes in as the chart's widget state (the JSON the browser would send)."""
    chart = next(c for c in at.get("plotly_chart") if c.proto.id.endswith(key))
    states = at._tree.get_widget_states()
    w = states.widgets.add()
    w.id = chart.proto.id
    selection = {"points": points, "point_indices": [0], "box": [], "lasso": []}
    w.string_value = json.dumps({"selection": selection})
    at._run(states)
    assert not at.exception, at.exception
    return at


def retype(at, name, value):
    widget(at, name).set_value(value)
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture(scope="module")
def dates():
    return app()


def test_dates_view_draws_controls_maps_and_by_hand_cell(dates):
    for name in ("date", "score", "compare", "temperature", "checkpoint", "row", "col", "view"):
        widget(dates, name)
    t = texts(dates)
    assert "→ `2026-11-27`" in t  # the additive model translates the default date
    assert "a_t(s) =" in latex(dates) and "c_t =" in latex(dates)  # the by-hand panel
    assert z(chart(dates, "Bahdanau additive, τ = 1")).shape == (10, 15)
    boxes = [e.label for e in dates.expander]  # the training curves: drawn when opened
    assert any(label.startswith("How the shipped models trained") for label in boxes), boxes
    assert len(dates.get("download_button")) >= 2


def test_clicking_a_cell_computes_it_by_hand():
    at = app()
    spec = chart(at, "Bahdanau additive, τ = 1")
    cells = next(t for t in spec["data"] if t.get("name") == "cells")  # the click catcher
    assert spec["data"][0]["type"] == "heatmap" and cells["mode"] == "markers"
    click_chart(at, "attention.chart.map_a", [{"x": 5, "y": 3, "customdata": [3, 5]}])
    assert widget(at, "row").value == 3 and widget(at, "col").value == 5  # fallback stays in sync
    t = texts(at)
    assert "Cell t = 3 (output `6`), s = 5 (input `7`)" in t  # "2026-11-27"[3], "fri 27 nov"[5]
    assert "a_t(s) =" in latex(at) and r"\sum_{s'}" in latex(at) and "c_t =" in latex(at)
    shape = chart(at, "Bahdanau additive")["layout"]["shapes"][0]
    assert (shape["x0"], shape["y0"]) == (4.5, 2.5)  # the highlighted cell moved to (3, 5)
    retype(at, "col", 0)  # the keyboard fallback still works after a click
    assert "s = 0 (input `f`)" in texts(at)


def test_training_curves_are_drawn_when_their_expander_is_opened(dates):
    """Closed (the first paint), no loss or accuracy chart; opened, both, the loss marked at
    the scrubbed checkpoint."""
    assert not [k for k in charts(dates) if k.endswith(("chart.loss", "chart.accuracy"))]
    at = app(checkpoint="final")
    at.session_state["attention.curves_open"] = True  # what a click on the expander sets
    at.run()
    assert chart(at, "Training loss of Bahdanau additive") and chart(at, "Accuracy against")


def test_accuracy_by_length_chart_and_caption():
    at = app()
    at.session_state["attention.curves_open"] = True
    at.run()
    spec = chart(at, "Accuracy against input length")
    names = {t["name"] for t in spec["data"]}
    assert {"No attention (fixed context)", "Bahdanau additive"} <= names
    assert len(spec["data"]) == 6 * len(names)  # 3 input families x (exact, per character)
    t = texts(at)
    assert "the baseline falls to" in t and "blanks after the date" in t


def test_typing_a_date_and_bad_inputs(dates):
    retype(dates, "date", "31.12.1999")
    assert "→ `1999-12-31`" in texts(dates)
    retype(dates, "date", "")
    assert "Type a date" in texts(dates)
    retype(dates, "date", "7" * 5000)
    assert "truncated" in texts(dates)
    retype(dates, "date", "😀😀😀")
    assert "<unk>" in texts(dates)
    retype(dates, "date", "Fri 27 Nov 2026")


def test_temperature_sharpens_the_map(dates):
    base = z(chart(dates, "τ = 1"))
    retype(dates, "temperature", 0.1)
    sharp = z(chart(dates, "τ = 0.1"))
    assert sharp.max(1).mean() > base.max(1).mean()
    np.testing.assert_allclose(sharp.sum(1), 1.0, atol=1e-6)
    retype(dates, "temperature", 1.0)


def test_switching_the_score():
    at = app()
    retype(at, "score", "dot")
    if checkpoint_path("dot").exists():
        assert chart(at, "Luong dot, τ = 1")
        h_t, h_s = r"\mathbf{h}_t", r"\bar{\mathbf{h}}_s"
        dot = rf"\mathrm{{score}}({h_t}, {h_s}) = {h_t}^\top {h_s}"
        assert r"\textcolor{#d62728}{" + dot + "}" in latex(at)  # the model's own score
    else:
        assert "no shipped checkpoint" in texts(at)
    retype(at, "compare", "none")
    assert "no alignment" in texts(at) or "no shipped checkpoint" in texts(at)


def test_step_trains_and_url_sets_controls():
    at = app(
        live=True,
        score="general",
        temperature="0.5",
        checkpoint="100",
        row="3",
        col="2",
        batch="16",
    )
    assert widget(at, "score").value == "general"
    assert widget(at, "temperature").value == 0.5
    assert widget(at, "checkpoint").value == "100"
    at.button(key="attention.btn.step").click().run()
    assert not at.exception
    assert "step 10" in texts(at)


def test_garbage_url_gives_a_notice():
    at = app(temperature="abc", view="nowhere", score="<script>")
    assert "not valid" in texts(at)
    assert widget(at, "temperature").value == 1.0 and widget(at, "view").value == "dates"


def test_pointer_view_and_bad_numbers():
    at = app(view="pointer")
    assert "Network's order" in texts(at)
    assert r"\mathrm{softmax}_j" in latex(at) and r"\mathbf{d}_i" in latex(at)  # its equation
    spec = chart(at, "Pointer")
    assert z(spec).shape == (6, 6)
    retype(at, "numbers", "")
    assert "at least" in texts(at)
    retype(at, "numbers", "😀 5, x")
    assert "not numbers" in texts(at)


def test_transformer_view_and_bad_sentences():
    at = app(view="transformer")
    spec = chart(at, "layer 0, head 0")
    assert z(spec).shape == (8, 8)
    assert "not an explanation" in texts(at) and len(at.get("image")) == 1  # head swatches
    assert chart(at, "Model view")  # the model view is a clickable chart (was a second image)
    retype(at, "hide_special", True)
    assert z(chart(at, "layer 0, head 0")).shape == (6, 6)
    retype(at, "agg", "rollout")
    assert chart(at, "rollout")
    retype(at, "agg", "max")
    np.testing.assert_allclose(z(chart(at, "max over heads")).sum(1), 1.0, atol=1e-6)
    for text, notice in (("", "Type a sentence"), ("word " * 1000, "truncated"), ("😀😀", "[UNK]")):
        retype(at, "sentence", text)
        assert notice in texts(at)


def head_traces(at):
    spec = chart(at, "Head view")
    lines = [t for t in spec["data"] if t["mode"] == "lines"]
    return spec, lines, {t["name"]: t["line"]["color"] for t in lines}


def test_head_view_heads_colours_focus_and_pair_filter():
    at = app(view="transformer", sentence="The cat sat", sentence_b="A dog ran", layer="2")
    _, _, colors = head_traces(at)
    assert len(set(colors.values())) == len(colors) > 1  # one colour per head
    at.pills(key=wkey("attention", "heads")).set_value([3, 7]).run()
    assert not at.exception
    _, _, colors = head_traces(at)
    assert set(colors) <= {"head 3", "head 7"} and len(at.get("image")) == 1  # swatches
    n_all = sum(len(arr(t["x"])) for t in head_traces(at)[1])
    retype(at, "lines", "ab")
    labels = next(t for t in chart(at, "Head view")["data"] if t["mode"] == "markers+text")["text"]
    seg_b = labels.index("a")  # first token of sentence B
    for t in head_traces(at)[1]:
        ys = arr(t["y"]).reshape(-1, 3)[:, :2]
        assert (ys[:, 0] < seg_b).all() and (ys[:, 1] >= seg_b).all()  # A -> B only
    assert sum(len(arr(t["x"])) for t in head_traces(at)[1]) < n_all
    retype(at, "lines", "all")
    token_cat = [{"x": 0, "y": 2, "customdata": [0, 2]}]
    click_chart(at, "attention.chart.lines", token_cat)
    assert widget(at, "focus").value == 2
    for t in head_traces(at)[1]:
        assert (arr(t["y"]).reshape(-1, 3)[:, 0] == 2).all()
    retype(at, "focus", -1)
    at.pills(key=wkey("attention", "heads")).set_value([]).run()
    assert "Pick at least one head" in texts(at)


def test_view_registry_matches_the_config_and_feeds_the_radio():
    choices = field_specs(AttentionConfig)["view"].options
    assert list(VIEWS) == list(choices)
    at = app()
    radio = widget(at, "view")
    assert list(radio.options) == [VIEWS[c].label for c in choices]
    assert radio.value == "dates"
    for choice in choices:
        retype(at, "view", choice)
        assert widget(at, "view").value == choice


def test_every_choice_has_a_label_of_its_own_field():
    specs = field_specs(AttentionConfig)
    for name, spec in specs.items():
        if spec.kind == "choice" and name not in ("view", "checkpoint"):  # own format_func
            assert set(LABELS[name]) == set(spec.options), name  # per field (Page labels)
    assert LABELS["agg"] == AGGREGATES and LABELS["focus_side"] == FOCUS_SIDES
    assert LABELS["lines"] == LINES
    at = app()
    assert widget(at, "score").options[0] == MODEL_LABELS["additive"]


def test_learning_rate_slider_shows_its_value():
    at = app(live=True, lr="0.003")
    lr = widget(at, "lr")
    assert lr.value == pytest.approx(0.003) and lr.proto.format == "%.4f"


def test_page_settings_leave_the_live_trainer_alone():
    at = app(live=True)
    at.button(key="attention.btn.step").click().run()
    trainer = at.session_state["attention.trainer"]
    retype(at, "temperature", 0.5)
    retype(at, "lr", 0.001)
    assert at.session_state["attention.trainer"] is trainer and trainer.steps == 10
    assert trainer.opt.param_groups[0]["lr"] == pytest.approx(0.001)  # a live field: updated
    retype(at, "batch", 32)
    assert at.session_state["attention.trainer"] is not trainer  # structural: a fresh trainer


def test_play_trains_and_draws_one_live_image_a_frame():
    at = app(live=True)
    assert widget(at, "lr") is not None
    paused_charts = len(at.get("plotly_chart"))
    at.button(key="attention.btn.play").click().run()  # under AppTest the loop runs 3 frames
    assert not at.exception
    trainer = at.session_state["attention.trainer"]
    assert trainer.steps > 0
    frames = [i for i in at.get("image") if i.proto.imgs[0].url.startswith("data:image/png")]
    assert len(frames) == 1  # the last live frame replaced the paused charts in place
    assert len(at.get("plotly_chart")) == paused_charts - 2  # live loss and live map
    assert any("Latest loss" in c.value for c in at.caption)
    at.button(key="attention.btn.play").click().run()  # Pause: the interactive charts again
    assert not at.exception and at.button(key="attention.btn.play").label == "Play"
    assert chart(at, "Live training loss") and chart(at, "Live alignment")


def test_a_diverged_model_shows_the_message_and_reset_recovers():
    _, fresh = diverge_and_reset(app(live=True), "attention", nan_parameters("model"), says="loss")
    assert math.isfinite(fresh.history.last()["loss"])


def heat(spec) -> dict:
    """The heatmap trace of a plotly spec."""
    return spec["data"][0]


def test_side_by_side_maps_share_one_colour_scale(dates):
    """Issue 24 item 11: each map had its own scale (0-0.08 beside 0-1), which misled."""
    retype(dates, "temperature", 2.0)  # flatter maps: their maxima differ clearly
    left, right = heat(chart(dates, "Bahdanau additive, τ = 2")), heat(chart(dates, "Luong dot"))
    top = max(z(chart(dates, "Bahdanau additive, τ = 2")).max(), z(chart(dates, "Luong dot")).max())
    assert left["zmin"] == right["zmin"] == 0
    assert left["zmax"] == pytest.approx(top) and right["zmax"] == pytest.approx(top)
    assert "share one colour scale" in texts(dates)
    retype(dates, "temperature", 1.0)


def test_difference_map_rows_name_both_models_outputs():
    """Issue 24 item 11: the difference map's rows carried the left model's characters only."""
    from dlcore.attention.seq2seq import load_model, translate

    left, right = (translate(load_model(s), ["dec 31"])[0] for s in ("additive", "dot"))
    assert left != right  # the two shipped models write different dates for this input
    at = app(date="dec 31", score="additive", compare="dot")
    spec = chart(at, "Difference")
    ticks = spec["layout"]["yaxis"]["ticktext"]
    for t, (a, b) in enumerate(zip(left, right)):
        assert a in ticks[t] and b in ticks[t] and ("≠" in ticks[t]) == (a != b), ticks[t]
    assert "left" in spec["layout"]["yaxis"]["title"]["text"]
    assert "right" in spec["layout"]["yaxis"]["title"]["text"]


def test_the_left_map_does_not_depend_on_the_compared_model():
    """The same settings give the same numbers whatever unrelated control changed."""
    at = app(date="27/11/26")
    base = z(chart(at, "Bahdanau additive, τ = 1"))
    for other in ("general", "none", "concat"):
        retype(at, "compare", other)
        np.testing.assert_array_equal(z(chart(at, "Bahdanau additive, τ = 1")), base)


LONG = (
    "The animal did not cross the busy street because it was far too tired after walking all"
    " day long in the hot summer sun, and the cars kept coming from both directions"
)


def test_long_inputs_get_a_line_for_every_row_label():
    """Issue 24 item 11: 40-odd token labels were drawn over each other in a 420 px map."""
    at = app(view="transformer", sentence=LONG)
    spec = chart(at, "layer 0, head 0")
    n = z(spec).shape[0]
    assert n >= 30
    shown = spec["layout"]["yaxis"]["tickvals"]
    px_per_row = (spec["layout"]["height"] - 150) / n  # the cells' share of the figure
    assert px_per_row * min(np.diff(shown)) >= 14  # no two row labels closer than the font
    assert len(shown) == n  # and each token keeps its own label


def catcher(spec, name):
    """The invisible markers that make a chart's cells clickable."""
    return next(t for t in spec["data"] if t.get("name") == name)


def test_model_view_is_large_labelled_and_a_click_picks_the_head():
    """Issue 24 item 11: the model view was a small unlabelled static image."""
    at = app(view="transformer", sentence="The cat sat on the mat")
    spec = chart(at, "Model view")
    assert spec["layout"]["height"] >= 450
    assert spec["layout"]["xaxis"]["title"]["text"] == "head"
    assert spec["layout"]["yaxis"]["title"]["text"] == "layer"
    assert spec["layout"]["xaxis"]["ticktext"] == [str(h) for h in range(12)]
    assert spec["layout"]["yaxis"]["ticktext"] == [str(layer) for layer in range(6)]
    heads = catcher(spec, "heads")
    pairs = {tuple(p) for p in heads["customdata"]}
    assert pairs == {(layer, h) for layer in range(6) for h in range(12)}
    assert "[CLS]" in heads["text"][0] and "click" in heads["text"][0]
    click_chart(at, "attention.chart.model_view", [{"x": 0, "y": 0, "customdata": [4, 7]}])
    assert (widget(at, "layer").value, widget(at, "head").value) == (4, 7)
    assert widget(at, "agg").value == "head"
    assert chart(at, "layer 4, head 7") and chart(at, "Neuron view: layer 4, head 7")
    assert {t["name"] for t in head_traces(at)[1]} == {"head 7"}  # the head view shows it
    shape = chart(at, "Model view")["layout"]["shapes"][0]  # the picked head is outlined
    x, y = arr(heads["x"])[4 * 12 + 7], arr(heads["y"])[4 * 12 + 7]  # the marker of (4, 7)
    assert shape["x0"] < x < shape["x1"] and shape["y0"] < y < shape["y1"]


def test_neuron_view_recomputes_the_row_of_the_map_and_a_row_click_picks_the_query():
    """Issue 24 item 11: BertViz's neuron view (q, k, q * k, softmax) from MiniLM's weights."""
    at = app(view="transformer", sentence="The cat sat on the mat", layer="2", head="3", query="2")
    neuron = chart(at, "Neuron view: layer 2, head 3")
    softmax = arr(neuron["data"][-1]["z"]).ravel()
    shown = z(chart(at, "layer 2, head 3"))  # the model's own attention output
    np.testing.assert_allclose(softmax, shown[2], atol=1e-5)  # row of 'cat' (token 2)
    assert "cat" in json.dumps(neuron["layout"]["annotations"])
    equations = latex(at)
    assert r"\mathbf{q}_i" in equations and r"\sqrt{32}" in equations
    assert r"\text{cat}" in equations
    click_chart(at, "attention.chart.minilm", [{"x": 0, "y": 5, "customdata": [5, 0]}])
    assert widget(at, "query").value == 5
    np.testing.assert_allclose(
        arr(chart(at, "Neuron view")["data"][-1]["z"]).ravel(), shown[5], atol=1e-5
    )
    retype(at, "hide_special", True)  # rows of the map are now the 6 words: row 0 is 'the'
    click_chart(at, "attention.chart.minilm", [{"x": 0, "y": 0, "customdata": [0, 0]}])
    assert widget(at, "query").value == 1  # the model's token 1, 'the' (not [CLS])


def focused_tokens(at) -> tuple[list[str], set[str]]:
    """(the head view's highlighted labels, the tokens its lines start from)."""
    from dlcore.viz.common import PALETTE

    spec = chart(at, "Head view")
    labels = next(t for t in spec["data"] if t["mode"] == "markers+text")
    lit = [
        tok for tok, c in zip(labels["text"], labels["textfont"]["color"]) if c == PALETTE["accent"]
    ]
    starts = {int(y) for t in head_traces(at)[1] for y in arr(t["y"]).reshape(-1, 3)[:, 0]}
    return lit, {labels["text"][i] for i in starts}


def test_the_focused_token_does_not_depend_on_hiding_special_tokens():
    """The same settings give the same result whatever an unrelated control says: hiding
    [CLS]/[SEP] moved the focus from 'cat' to the next word ('sat')."""
    at = app(view="transformer", sentence="The cat sat on the mat", layer="2", focus="2")
    assert focused_tokens(at) == (["cat"], {"cat"})
    retype(at, "hide_special", True)
    assert focused_tokens(at) == (["cat"], {"cat"})
    retype(at, "hide_special", False)
    assert focused_tokens(at) == (["cat"], {"cat"})


def test_the_by_hand_cell_is_rendered_equations_with_its_numbers(dates):
    """Issue 24 item 15: the scoring functions, the softmax alignment with its temperature and
    the context vector were ASCII ('v^T tanh(W h + V h_s)', 'exp((score − max_s' score)/τ)')."""
    from dlcore.attention.seq2seq import attend, explain_cell, load_model

    shown = latex(dates)
    assert r"\tanh" in shown and r"\bar{\mathbf{h}}_s" in shown  # the lecture's notation
    for luong in (r"\mathbf{h}_t^\top \bar{\mathbf{h}}_s", r"\mathbf{W}_a", r"[\mathbf{h}_t;"):
        assert luong in shown  # dot, general, concat beside Bahdanau's additive score
    model = load_model("additive")
    cell = explain_cell(model, attend(model, "Fri 27 Nov 2026"), 0, 0, 1.0)
    assert f"{cell.score:.4f}" in shown and f"{cell.weight:.4f}" in shown  # this cell's numbers
    assert r"\tau" in shown and r"c_t" in shown and r"a_t(s)" in shown
    for ascii_math in ("v^T tanh", "score(h, h_s)", "exp((score", "Σ_s"):
        assert ascii_math not in texts(dates)


def test_every_choice_widget_shows_human_labels():
    """Issue 24 item 15: no raw option keys ('final', 'dot', 'mean') in a widget."""
    from dlcore.attention.config import CHECKPOINTS

    specs = field_specs(AttentionConfig)
    raw = {str(o) for s in specs.values() if s.kind == "choice" for o in s.options}
    raw |= set(CHECKPOINTS)
    pages = (app(), app(view="pointer"), app(view="transformer", sentence_b="A dog ran"))
    for at in pages:
        for kind in ("selectbox", "radio", "select_slider"):
            for element in at.get(kind):
                shown = {str(o) for o in element.options}
                assert not shown & raw, (element.key, shown & raw)


def test_minilm_numbers_do_not_depend_on_unrelated_controls():
    """The same settings give the same numbers whatever an unrelated control says: the mean map
    whatever head is picked, the rollout whatever layer, the neuron view whatever is shown."""
    at = app(view="transformer", sentence="The cat sat on the mat", agg="mean", layer="2")
    mean = z(chart(at, "mean over heads"))
    neuron = arr(chart(at, "Neuron view: layer 2, head 0")["data"][-1]["z"]).ravel()
    retype(at, "head", 7)
    np.testing.assert_array_equal(z(chart(at, "mean over heads")), mean)
    retype(at, "head", 0)
    retype(at, "agg", "rollout")
    rollout = z(chart(at, "rollout"))
    retype(at, "hide_special", True)
    retype(at, "hide_special", False)
    retype(at, "layer", 4)
    np.testing.assert_array_equal(z(chart(at, "rollout")), rollout)
    retype(at, "layer", 2)
    retype(at, "hide_special", True)
    again = arr(chart(at, "Neuron view: layer 2, head 0")["data"][-1]["z"]).ravel()
    np.testing.assert_array_equal(again, neuron)  # the neuron view reads the model as it is


def test_every_date_map_labels_every_output_character():
    at = app(live=True)
    at.button(key="attention.btn.step").click().run()
    for title in ("τ = 1", "Luong dot", "Difference", "Live alignment"):
        axis = chart(at, title)["layout"]["yaxis"]
        assert axis["tickvals"] == list(range(10)), title  # no label thinned out of 10 rows
