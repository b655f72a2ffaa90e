"""AppTest of pages/rnn.py: every view and control draws, Step trains, live changes keep progress,
URL parameters set controls (garbage -> notice), presets set the controls, and typed sentences
(empty, very long, non-ASCII) give maps or a clear message."""

import json
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from dlcore.config import field_specs
from dlcore.rnn.config import RnnConfig
from dlcore.rnn.tasks import copy_baseline
from dlcore.ui.process import process
from dlcore.ui.urlstate import wkey
from tests.pages.divergence import diverge_and_reset, nan_parameters

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "rnn.py")
SMALL = {"seq_len": "10", "hidden": "8", "batch": "8"}  # keep training in tests cheap


def app(params=None, view=None):
    at = AppTest.from_file(PAGE, default_timeout=120)
    for k, v in {**SMALL, **({"view": view} if view else {}), **(params or {})}.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def widget(at, name):
    for kind in (
        "selectbox",
        "slider",
        "number_input",
        "toggle",
        "radio",
        "select_slider",
        "text_input",
    ):
        for el in at.get(kind):
            if el.key == wkey("rnn", name):
                return el
    raise KeyError(name)


def charts(at):
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def texts(at):
    return " ".join(
        str(e.value)
        for kind in ("markdown", "caption", "info", "warning", "error", "latex")
        for e in at.get(kind)
    )


@pytest.fixture(scope="module")
def start():
    return app()


def test_default_view_draws_every_control_and_the_flow(start):
    for name in (
        "task",
        "seq_len",
        "hidden",
        "batch",
        "optimizer",
        "lr",
        "clip",
        "clip_v",
        "seed",
        "activation",
        "rnn_init",
        "lambda_1",
        "forget_gate",
        "forget_bias",
        "view",
    ):
        assert widget(start, name) is not None, name
    figs = charts(start)
    assert len(figs) == 3  # gradient-flow curves, lambda_1 regions, heat maps
    names = [t.get("name") for t in figs[0]["data"]]
    assert names[:3] == ["RNN", "LSTM", "GRU"] and "bound" in names[3]
    assert "real autograd gradient" in texts(start) and "lambda_1 =" in texts(start)


@pytest.mark.parametrize(
    "view, n_charts, needle",
    [
        ("train", 2, "no-memory baseline"),
        ("linear", 1, r"Q^\top \Lambda^t Q"),  # rendered LaTeX (issue 24 item 15)
        ("highway", 2, "forget gate"),
        ("clip", 4, "Pascanu"),
        ("sentence", 7, "connectivity"),
    ],
)
def test_each_view_draws(view, n_charts, needle):
    at = app(view=view)
    figs = charts(at)
    assert len(figs) == n_charts, view
    assert needle in texts(at) or needle in json.dumps(figs)


def test_step_trains_and_live_lr_change_keeps_progress():
    at = app()
    at.button(key="rnn.btn.step").click().run()
    assert not at.exception
    trainer = at.session_state["rnn.trainer"]
    assert trainer.steps == 10 and "step 10" in texts(at)
    widget(at, "lr").set_value(0.003).run()
    assert at.session_state["rnn.trainer"] is trainer and trainer.steps == 10
    assert trainer.opts["LSTM"].param_groups[0]["lr"] == 0.003
    widget(at, "hidden").set_value(16).run()  # structural: a new trainer
    assert at.session_state["rnn.trainer"].steps == 0


def test_clip_view_step_trains_the_pair():
    at = app(view="clip", params={"clip_v": "0.1"})
    at.button(key="rnn.clip.btn.step").click().run()
    snap = at.session_state["rnn.clip.trainer"].snapshot()
    assert snap.steps == 10 and snap.clipped_share[0] == 0 and snap.clipped_share[1] > 0


def full_class(monkeypatch) -> None:
    """A class so full that a tick's budget holds no whole step on any machine (a trio step
    takes milliseconds; a tenth of the budget held several once steps got faster): the first tick
    trains a whole step and measures it, then each tick trains one arm."""
    monkeypatch.setattr(process(), "fair_budget", lambda budget: budget / 1000)


def test_a_full_class_trains_the_trio_one_arm_a_frame(monkeypatch):
    full_class(monkeypatch)
    at = app(view="train")
    at.button(key="rnn.btn.play").click().run()  # AppTest: 3 ticks
    assert not at.exception
    tr = at.session_state["rnn.trainer"]
    # tick 1 trains a whole step (and measures it: far over the budget), then one
    # arm a tick: RNN, then LSTM (the losses each arm has recorded)
    assert tr.steps == 1 and np.isfinite(tr.snapshot().loss).sum(axis=1).tolist() == [2, 2, 1]


def test_an_unchanged_flow_frame_is_not_drawn_again(monkeypatch):
    from dlcore.viz import rnn_live

    drawn, real = [], rnn_live.flow_image
    monkeypatch.setattr(rnn_live, "flow_image", lambda *a, **k: drawn.append(1) or real(*a, **k))
    full_class(monkeypatch)
    at = app(view="flow")
    at.button(key="rnn.btn.play").click().run()  # 3 ticks: a step, then two arms; no new probe
    assert not at.exception and at.session_state["rnn.trainer"].steps == 1
    assert len(drawn) == 1 and len(at.get("image")) == 1  # the first frame stays up


def test_exploding_preset_in_clip_view_shows_the_unclipped_run_diverge():
    at = app(view="clip")
    name = next(o for o in at.selectbox(key="rnn.preset").options if o.startswith("exploding"))
    at.selectbox(key="rnn.preset").set_value(name).run()
    at.button(key="rnn.clip.btn.step").click().run()
    assert not at.exception
    snap = at.session_state["rnn.clip.trainer"].snapshot()
    assert snap.diverged == (True, False) and snap.grad_norm[0, 0] > 1e4
    assert any("no clipping: training diverged" in e.value for e in at.error)
    loss = next(f for f in charts(at) if "training" in json.dumps(f["layout"]["yaxis"]))
    run = next(t for t in loss["data"] if t.get("name") == "no clipping")
    assert "markers" in run["mode"]  # its one finite step is drawn (issue 24 item 10)
    names = [t.get("name") for t in loss["data"]]
    assert "no clipping: blew up at step 2 (NaN/inf)" in names, names
    at.button(key="rnn.clip.btn.play").click().run()  # live: the frame's caption says it
    assert not at.exception
    assert "no clipping: training diverged" in " ".join(c.value for c in at.caption)


def test_url_parameters_set_controls():
    at = app(
        {
            "task": "copy",
            "seq_len": "12",
            "lr": "0.003",
            "clip": "value",
            "activation": "relu",
            "forget_gate": "0",
        },
        view="train",
    )
    assert widget(at, "task").value == "copy" and widget(at, "seq_len").value == 12
    assert widget(at, "lr").value == 0.003 and widget(at, "clip").value == "value"
    assert widget(at, "activation").value == "relu" and widget(at, "forget_gate").value is False
    assert f"no-memory baseline {copy_baseline(12):.3f}" in json.dumps(charts(at))  # 5 ln 8 / 22


def test_garbage_url_gives_a_notice_and_defaults():
    at = app({"seq_len": "1e9", "task": "<script>alert(1)</script>", "view": "nope", "zz": "1"})
    warn = " ".join(w.value for w in at.warning)
    assert "not valid" in warn and "Ignored unknown" in warn
    assert widget(at, "seq_len").value == 50 and widget(at, "task").value == "adding"


def test_preset_sets_the_training_controls():
    at = app()
    name = next(o for o in at.selectbox(key="rnn.preset").options if o.startswith("exploding"))
    at.selectbox(key="rnn.preset").set_value(name).run()
    assert not at.exception
    assert widget(at, "activation").value == "relu" and widget(at, "lambda_1").value == 1.5
    assert widget(at, "clip").value == "norm" and widget(at, "optimizer").value == "sgd"
    assert "diverges" in texts(at)  # the preset's note under the box


def test_linear_slider_changes_the_trajectory():
    at = app(view="linear")
    before = charts(at)[0]["data"][0]["x"]
    widget(at, "lin_l1").set_value(0.5).run()
    assert charts(at)[0]["data"][0]["x"] != before


@pytest.mark.parametrize(
    "sentence, needle, n_charts",
    [
        ("", "Type a sentence", 0),
        ("😀✓∑", "left out", 0),
        ("the teacher walked. " * 15, "last 200", 7),
        ("Über die Brücke, the river", "left out", 7),
    ],
)
def test_typed_sentences_give_maps_or_a_message(sentence, needle, n_charts):
    at = app(view="sentence")
    widget(at, "sentence").set_value(sentence).run()
    assert not at.exception
    assert needle in " ".join(i.value for i in at.info)
    assert len(charts(at)) == n_charts


@pytest.mark.parametrize(
    "view, n_charts, needle",
    [("flow", 0, "How to read it."), ("train", 0, "Held-out loss"), ("clip", 2, "trained twice")],
)
def test_play_runs_live_frames_as_one_image(view, n_charts, needle):
    """Under AppTest, Play runs a few ticks of the real loop; each live frame is ONE inline PNG
    (no plotly chart: it would remount in the browser every frame) with the text as the panel's
    caption under it, not inside the image element. The clip view keeps its two cliff figures
    above the live panel."""
    at = app(view=view)
    key = "rnn.clip.btn.play" if view == "clip" else "rnn.btn.play"
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    frames = [e.proto.imgs[0] for e in at.get("image")]
    assert len(frames) == 1 and frames[0].url.startswith("data:image/png;base64,")
    assert not frames[0].caption
    caption = next(c.value for c in at.caption if needle in c.value)
    assert "**" not in caption and caption.endswith("Pause for the interactive charts.")
    assert len(charts(at)) == n_charts
    assert "step 0" not in texts(at)  # the ticks trained
    trainer = at.session_state["rnn.clip.trainer" if view == "clip" else "rnn.trainer"]
    assert trainer.steps >= 3


def test_the_view_radio_is_the_registry_in_the_configs_order():
    from dlcore.ui.views.rnn import VIEWS

    choices = field_specs(RnnConfig)["view"].options
    assert tuple(VIEWS) == choices
    at = app()
    radio = widget(at, "view")
    assert radio.options == [VIEWS[c].label for c in choices]


@pytest.mark.parametrize("view, ns", [("flow", "rnn"), ("train", "rnn"), ("clip", "rnn.clip")])
def test_a_diverged_model_shows_the_message_and_reset_recovers(view, ns):
    # the weights of every run blew up: the panel's message, once (no per-run banners on top)
    poison = nan_parameters("models")
    _, fresh = diverge_and_reset(app(view=view), ns, poison, says="loss")
    assert fresh.steps == 10 and np.all(np.isfinite(fresh.snapshot().loss))


def test_a_playing_flow_view_shows_its_caption_once_under_the_channel(monkeypatch):
    """Issue 24 item 10: with the live-frame channel (a real server), each frame carries the
    caption under the picture; a frame that re-used the last picture sent only its caption, as a
    Streamlit caption element too, so the caption showed twice while playing."""
    from dlcore.ui import channel

    monkeypatch.setattr(process(), "routed", True)
    monkeypatch.setattr(channel, "under_server", lambda: True)
    full_class(monkeypatch)
    at = app(view="flow")
    at.button(key="rnn.btn.play").click().run()  # 3 ticks: a step, then two arms; no new probe
    assert not at.exception, at.exception
    assert at.session_state["rnn.trainer"].steps == 1
    shown = [c.value for c in at.caption if "How to read it" in c.value]
    assert shown == []  # the channel's element under the frame carries it, once
    seq, body, mime, meta = process().hub.latest(at.session_state["rnn.channel"], 0)
    assert seq == 3 and mime == "image/png" and body.startswith(b"\x89PNG")  # every frame
    assert "How to read it" in json.loads(meta)["caption"]


def test_a_pasted_sentence_over_400_characters_is_cut_and_the_page_says_so():
    """Issue 24 item 10: a paste over the box's 400 characters was ignored without a word (the
    widget refused it); it is cut to its first 400 characters, with a notice, and read."""
    at = app(view="sentence")
    long = "remember the first letter, said the teacher. " * 30  # 1,350 characters
    widget(at, "sentence").set_value(long).run()
    assert not at.exception
    assert widget(at, "sentence").value == long[:400]
    notice = " ".join(w.value for w in at.warning)
    assert "1,350 characters" in notice and "first 400" in notice
    assert len(charts(at)) == 7  # the maps of the cut text
    assert at.query_params["sentence"] in (long[:400], [long[:400]])  # the link keeps the cut text


def test_the_clipping_pair_is_not_reset_by_the_lstm_and_gru_controls():
    """Two vanilla RNNs: the LSTM forget gate and the keep-gate bias have nothing to do with them,
    and changing one threw their training away (a new pair at step 0)."""
    at = app(view="clip")
    at.button(key="rnn.clip.btn.step").click().run()
    pair = at.session_state["rnn.clip.trainer"]
    losses = pair.snapshot().loss.copy()
    widget(at, "forget_gate").set_value(False).run()
    widget(at, "forget_bias").set_value(3.0).run()
    assert not at.exception
    assert at.session_state["rnn.clip.trainer"] is pair and pair.steps == 10
    np.testing.assert_array_equal(pair.snapshot().loss, losses)
    widget(at, "hidden").set_value(16).run()  # the RNNs' own size: a new pair
    assert at.session_state["rnn.clip.trainer"].steps == 0


@pytest.mark.parametrize("mode", ["none", "value"])
def test_the_cliff_shows_the_same_numbers_whatever_the_clipping_mode(mode):
    """The cliff is the lecture's norm clipping at the sidebar's threshold v: the clipping mode
    chosen for training (none, value) silently replaced v by 1 there."""
    shown = {}
    for clip in ("norm", mode):
        at = app(view="clip", params={"clip": clip, "clip_v": "5.0"})
        shown[clip] = [c.value for c in at.caption if "Pascanu" in c.value]
        zoom = next(f for f in charts(at) if "Zoomed" in json.dumps(f["layout"].get("title")))
        shown[clip].append(json.dumps(zoom["data"]))
    assert shown[mode] == shown["norm"] and "0.05 long" in shown["norm"][-1]  # lr v = 0.01 * 5


RAW_KEYS = {"none", "norm", "value", "adam", "rmsprop", "sgd", "default", "orthogonal",
            "identity", "tanh", "relu", "sigmoid", "adding", "latch", "copy"}  # fmt: skip
ASCII_MATH = ("lambda", "gamma", "_1", "_2", "^")


@pytest.mark.parametrize("view", ["flow", "linear", "clip", "sentence"])
def test_every_widget_speaks_to_a_student(view):
    """Issue 24 item 15: human labels in every widget (no raw option key such as 'norm' or
    'orthogonal'), and symbols as a student reads them (λ₁, γ), not ASCII like 'lambda_1'."""
    at = app(view=view)
    shown = []
    for kind in ("selectbox", "radio", "select_slider", "slider", "toggle", "text_input"):
        for el in at.get(kind):
            shown.append(el.label)
            options = [str(o) for o in getattr(el, "options", [])]
            assert not RAW_KEYS & set(options), (el.label, options)
            shown += options
    for text in shown:
        assert not any(bit in text for bit in ASCII_MATH), text
    assert any("λ₁" in text for text in shown)


def _latex(at) -> str:
    return " ".join(e.value for e in at.get("latex"))


@pytest.mark.parametrize(
    "view, needles",
    [
        ("flow", [r"z_t = W h_{t-1} + U x_t", r"\prod_{k < i \le T}", r"\lambda_1 \gamma ="]),
        ("train", [r"f_t &= \sigma", r"z_t &= \sigma", r"\delta h_{t-1}"]),
        ("linear", [r"Q^\top \Lambda^t Q", r"|\lambda_1|^{40}"]),
        ("highway", [r"f_t \big) \circ \delta c_t", r"\prod_k f_k"]),
        ("clip", [r"g \leftarrow \frac{g\, v}{\lVert g \rVert}", r"\lVert g \rVert = 2{,}681"]),
        ("sentence", [r"i_t &= \sigma", r"\bar f_t &="]),
    ],
)
def test_each_view_renders_the_lectures_equations(view, needles):
    """Issue 24 item 15: the equations as the lecture writes them, rendered (st.latex)."""
    at = app(view=view, params={"clip_v": "1.0"})
    shown = _latex(at)
    for needle in needles:
        assert needle in shown, (needle, shown)


def test_the_flow_condition_shows_the_live_lambda_1_gamma_and_their_product():
    at = app()
    sp = at.session_state["rnn.trainer"].probe_spectrum
    shown = _latex(at)
    assert rf"\lambda_1 = {sp.lambda_1:.4g}" in shown and rf"\gamma = {sp.gamma:g}" in shown
    assert rf"\lambda_1 \gamma = {sp.product:.4g}" in shown
    at = app({"activation": "sigmoid"})
    assert r"\gamma = 0.25" in _latex(at)


ASCII_SYMBOLS = ("lambda", "gamma", "||", "_(", "^(", "^T", "sigma", "dL/dh", "delta")


def _prose(text: str) -> str:
    """Text outside $...$ math (where LaTeX is written as LaTeX)."""
    return re.sub(r"\$[^$]*\$", "", text)


@pytest.mark.parametrize("view", ["flow", "train", "linear", "highway", "clip", "sentence"])
def test_no_equation_is_written_in_ascii(view):
    """Issue 24 item 15: never ASCII like 'lambda_1', '||g||' or 'h_(t-1)' in markdown,
    captions or figures (their titles, axes, legends, notes and hover texts)."""
    at = app(view=view)
    for kind in ("markdown", "caption", "info", "warning", "error"):
        for el in at.get(kind):
            prose = _prose(str(el.value))
            assert not any(bit in prose for bit in ASCII_SYMBOLS), prose
    for fig in charts(at):
        words = [t.get(k, "") for t in fig["data"] for k in ("name", "hovertemplate")]
        words += re.findall(r'"text": "([^"]*)"', json.dumps(fig["layout"]))
        for word in words:
            assert not any(bit in str(word) for bit in ASCII_SYMBOLS), word


@pytest.mark.parametrize("view", ["flow", "train", "clip"])
def test_live_captions_write_symbols_as_a_student_reads_them(view):
    at = app(view=view)
    key = "rnn.clip.btn.play" if view == "clip" else "rnn.btn.play"
    at.button(key=key).click().run()
    caption = next(c.value for c in at.caption if c.value.endswith("interactive charts."))
    assert not any(bit in caption for bit in ASCII_SYMBOLS), caption
    assert "‖" in caption
