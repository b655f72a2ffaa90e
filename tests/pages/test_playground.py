"""AppTest of pages/playground.py: controls draw and change what is drawn, Step advances the
epoch, URL parameters set every control, garbage falls back with a notice, bad CSV -> message."""

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from dlcore.config import field_specs, format_value
from dlcore.playground import views as V
from dlcore.playground.config import PlaygroundConfig
from dlcore.playground.trainer import PlaygroundTrainer
from dlcore.ui.urlstate import wkey
from dlcore.ui.views.playground import VIEWS
from tests.pages.charts import chart_specs, components

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "playground.py")
CFG = PlaygroundConfig()
WIDGET_TYPES = (
    "selectbox",
    "slider",
    "select_slider",
    "toggle",
    "checkbox",
    "number_input",
    "text_input",
    "radio",
    "multiselect",
    "button",
    "file_uploader",
)


def key(name):
    """The widget key of config field ``name`` on this page."""
    return wkey("playground", name)


FOLDED = ("more", "own_data")  # the expanders whose widgets are drawn only while open


def app(params=None, opened=FOLDED):
    """The page with the link's ``params`` and the expanders ``opened`` open (what a click on
    them sets; a page opens with them closed)."""
    at = AppTest.from_file(PAGE, default_timeout=60)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    for name in opened:
        at.session_state[f"playground.{name}"] = True
    at.run()
    assert not at.exception, at.exception
    return at


def widgets(at):
    out = {}
    for kind in WIDGET_TYPES:
        for el in at.get(kind):
            if getattr(el, "key", None):
                out[el.key] = el
    return out


def status(at):
    return next(m.value for m in at.markdown if m.value.startswith("Test loss"))


def epoch_text(at):
    return next(m.value for m in at.markdown if "step " in m.value and "Epoch" in m.value)


def expected_status(cfg, epochs=1):
    t = PlaygroundTrainer(cfg)
    t.run_epochs(epochs)
    return V.status_line(t.snapshot())


@pytest.fixture(scope="module")
def shared():
    return app()


def test_loads_and_draws_every_control(shared):
    keys = set(widgets(shared))
    # shown only with their switch or their section (fn, uat_neurons, expr: universal approx.)
    conditional = {"lr_end", "decay_epochs", "patience", "expr", "hide", "hidden", "fn"}
    conditional |= {"uat_neurons"}
    for name in field_specs(PlaygroundConfig):
        if name not in conditional:
            assert key(name) in keys, name
    assert {"playground.layers1", "playground.layers-1", "playground.layer0"} <= keys
    at = app({"schedule": "linear", "early_stop": "1", "fn": "custom", "section": "uat"})
    keys = set(widgets(at))
    for name in ("lr_end", "decay_epochs", "patience", "expr", "fn", "uat_neurons"):
        assert key(name) in keys, name
    assert "playground.csv" in keys and "playground.hide_ms" not in keys
    at.radio(key=key("section")).set_value("share").run()
    assert "playground.hide_ms" in set(widgets(at)) and key("fn") not in set(widgets(at))
    assert status(shared) == V.status_line(PlaygroundTrainer(CFG).snapshot())


def test_the_folded_controls_are_drawn_only_while_their_expander_is_open():
    """Closed (as a page opens), "More" and the upload send no widget: a closed expander's
    content costs every run and the first picture; a value set while open lives on closed."""
    at = app(opened=())
    labels = [e.label for e in at.expander]
    assert any(x.startswith("More: optimizer") for x in labels)
    assert any(x.startswith("Upload your own data") for x in labels)
    keys = set(widgets(at))
    assert not {key("optimizer"), key("dropout"), key("early_stop"), "playground.csv"} & keys
    assert key("lr") in keys
    at.session_state["playground.more"] = True
    at.session_state["playground.own_data"] = True
    at.run()
    assert {key("optimizer"), "playground.csv"} <= set(widgets(at))
    at.selectbox(key=key("optimizer")).set_value("adam").run()
    at.session_state["playground.more"] = False
    at.run()
    assert key("optimizer") not in set(widgets(at))
    assert at.session_state["playground.cfg"].optimizer == "adam"
    assert at.query_params["optimizer"] in ("adam", ["adam"])
    at.run()  # a second closed run: no stale key brings the old value back
    at.session_state["playground.more"] = True
    at.run()
    assert at.selectbox(key=key("optimizer")).value == "adam"
    assert at.session_state["playground.cfg"].optimizer == "adam"


def test_one_section_at_a_time_under_the_playground(shared):
    text = " ".join(m.value for m in shared.markdown)
    assert "last hidden layer" in text and "design matrix" not in text  # default: hidden space
    at = app({"section": "xor"})
    text = " ".join(m.value for m in at.markdown)
    assert "design matrix" in text and "last hidden layer" not in text
    assert len(chart_specs(at)) == 3  # plane, network, loss: no hidden-space chart


def test_step_advances_the_epoch_counter():
    at = app()
    assert epoch_text(at).startswith("**Epoch 0**")
    at.button(key="playground.btn.step").click().run()
    assert epoch_text(at).startswith("**Epoch 1**")
    assert status(at) == expected_status(CFG)
    at.button(key="playground.btn.step").click().run()
    assert epoch_text(at).startswith("**Epoch 2**")


# (field, widget value, config value, extra settings needed for the field to matter)
CHANGES = [
    ("dataset", "xor", "xor", {}),
    ("noise", 30, 30, {}),
    ("ratio", 70, 70, {}),
    ("seed", 7, 7, {}),
    ("batch", 5, 5, {}),
    ("lr", 0.3, 0.3, {}),
    ("optimizer", "adam", "adam", {}),
    ("activation", "relu", "relu", {}),
    ("output", "softmax", "softmax", {}),
    ("reg", "l2", "l2", {"reg_rate": 0.3}),
    ("reg_rate", 0.1, 0.1, {"reg": "l1"}),
    ("dropout", 0.5, 0.5, {}),
    ("schedule", "linear", "linear", {"decay_epochs": 1, "lr_end": 1.0}),
    ("lr_end", 3.0, 3.0, {"schedule": "linear", "decay_epochs": 1}),
    ("decay_epochs", 2, 2, {"schedule": "linear", "lr_end": 1.0}),
    ("x1sq", True, True, {}),
    ("x2sq", True, True, {}),
    ("x1x2", True, True, {}),
    ("sinx1", True, True, {}),
    ("sinx2", True, True, {}),
    ("x1", False, False, {}),
    ("x2", False, False, {}),
]


def test_every_training_control_changes_what_is_drawn(shared):
    """Per control: open a link with the settings it needs, change the control, Reset, Step.
    The drawn losses are those of a trainer built from the changed config (and differ from the
    default's, so a control that did nothing would fail)."""
    at, baseline = shared, expected_status(CFG)
    specs = field_specs(PlaygroundConfig)
    for name, widget_value, value, extra in CHANGES:
        at.query_params.clear()
        for k, v in {**extra, "x": "1"}.items():  # "x": force a new link even when extra is {}
            at.query_params[k] = format_value(v, specs[k]) if k in specs else v
        at.run()
        widgets(at)[key(name)].set_value(widget_value)
        at.button(key="playground.btn.reset").click().run()
        at.button(key="playground.btn.step").click().run()
        assert not at.exception, (name, at.exception)
        expected = expected_status(dataclasses.replace(CFG, **{**extra, name: value}))
        assert expected != baseline, name
        assert status(at) == expected, name


def test_layer_buttons_and_sizes_change_the_network():
    at = app()
    at.button(key="playground.layers1").click().run()
    assert at.session_state["playground.trainer"].net.sizes == (2, 4, 2, 2, 1)
    at.number_input(key="playground.layer0").set_value(7).run()
    assert at.session_state["playground.trainer"].net.sizes == (2, 7, 2, 2, 1)
    at.button(key="playground.layers-1").click().run()
    at.button(key="playground.layers-1").click().run()
    assert at.session_state["playground.trainer"].net.sizes == (2, 7, 1)
    assert at.query_params["hidden"] in ("7", ["7"])


def test_view_toggles_change_the_plane():
    at = app()

    def plane():  # the chart whose heatmap hover reads "x1 ..., x2 ..."
        return next(spec for spec in chart_specs(at).values() if "x1 %{x" in spec)

    def drawn(spec: str) -> dict:  # how many points of each split the plane's picture drew
        return json.loads(spec)["layout"]["meta"]["points"]

    before = plane()
    assert drawn(before)["test"] == 0 and drawn(before)["train"] > 0
    at.toggle(key=key("show_test")).set_value(True).run()
    with_test = plane()
    assert with_test != before and drawn(with_test)["test"] > 0
    at.toggle(key=key("discretize")).set_value(True).run()
    assert plane() != with_test


def test_uat_controls_change_the_fit():
    at = app({"section": "uat"})

    def fit():  # the caption (units, steps, loss) and the chart of the universal-approx. tab
        cap = next(c.value for c in at.caption if "Adam steps" in c.value)
        return cap, next(
            c.proto.spec for c in at.get("plotly_chart") if "target f(x)" in c.proto.spec
        )

    first = fit()
    at.slider(key=key("uat_neurons")).set_value(20).run()
    second = fit()
    assert second[0] != first[0] and second[1] != first[1]
    assert second[1].count("unit ") > first[1].count("unit ")  # 20 contributions drawn, not 6
    at.selectbox(key=key("fn")).set_value("abs").run()
    assert fit()[1] != second[1]
    at.selectbox(key=key("fn")).set_value("custom").run()
    at.text_input(key=key("expr")).set_value("__import__('os')").run()
    assert any("Unknown" in e.value or "allowed" in e.value for e in at.error)
    at.text_input(key=key("expr")).set_value("x^2 / 3").run()
    assert not at.exception and "Adam steps" in fit()[0]


def test_url_sets_every_control():
    cfg = PlaygroundConfig(
        dataset="spiral",
        noise=20,
        ratio=60,
        seed=5,
        x1=True,
        x2=True,
        x1sq=True,
        x2sq=True,
        x1x2=True,
        sinx1=True,
        sinx2=True,
        hidden=(8, 6, 3),
        activation="leaky_relu",
        output="softmax",
        optimizer="rmsprop",
        lr=0.01,
        schedule="linear",
        lr_end=0.0001,
        decay_epochs=50,
        reg="l1",
        reg_rate=0.003,
        dropout=0.1,
        batch=0,
        early_stop=True,
        patience=20,
        show_test=True,
        discretize=True,
        fn="custom",
        expr="x^2",
        uat_neurons=9,
        section="uat",
        hide="",
    )
    specs = field_specs(PlaygroundConfig)
    at = app({k: format_value(getattr(cfg, k), s) for k, s in specs.items()})
    assert at.session_state["playground.cfg"] == cfg
    assert at.session_state["playground.trainer"].net.sizes == (7, 8, 6, 3, 2)
    w = widgets(at)
    for name in specs:
        if name in ("hide", "hidden"):
            continue
        assert w[key(name)].value == getattr(cfg, name), name
    assert [w[f"playground.layer{i}"].value for i in range(3)] == [8, 6, 3]


def test_garbage_url_falls_back_with_notice():
    at = app(
        {
            "lr": "banana",
            "hidden": "99,x",
            "dataset": "<script>",
            "noise": "1e9",
            "seed": "-4",
            "zzz": "1",
        }
    )
    assert at.session_state["playground.cfg"] == CFG
    text = " ".join(w.value for w in at.warning)
    assert "not valid" in text and "Learning rate" in text and "zzz" in text


def test_teacher_link_hides_controls():
    at = app({"hide": "lr,activation,features", "section": "share"})
    keys = set(widgets(at))
    assert key("lr") not in keys and key("activation") not in keys
    assert key("x1") not in keys and key("dataset") in keys
    assert at.multiselect(key="playground.hide_ms").value == ["activation", "features", "lr"]


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00IHDR", "binary"),
        (b"x1,x2\n1,2\n", "3 columns"),
        (b"1,2,1\n3,4,1\n", "same label"),
    ],
)
def test_bad_csv_gives_a_message(raw, message):
    at = app()
    at.file_uploader(key="playground.csv").set_value(("bad.csv", raw, "text/csv")).run()
    assert not at.exception
    assert any(message in e.value for e in at.error)
    assert at.session_state["playground.cfg"].dataset == "circle"


def test_good_csv_becomes_the_data():
    at = app()
    rows = "x1,x2,label\n" + "".join(f"{x},{x * 0.5},{int(x > 0)}\n" for x in range(-5, 6))
    at.file_uploader(key="playground.csv").set_value(("mine.csv", rows.encode(), "text/csv"))
    at.run()
    assert at.session_state["playground.cfg"].dataset == "custom"
    t = at.session_state["playground.trainer"]
    assert len(t.x_train) + len(t.x_test) == 11


def test_slide_xor_solution_and_divergence_banner():
    at = app({"section": "xor"})
    next(b for b in at.button if b.label == "Load the slide's solution").click().run()
    assert at.session_state["playground.cfg"].dataset == "xor4"
    assert status(at).startswith("Test loss **0.000** · Training loss **0.000**")
    # the current model on X, [0, 1, 1, 0] (shown as the lecture writes it: LaTeX)
    assert any(r"\begin{bmatrix}0 \\ 1 \\ 1 \\ 0\end{bmatrix}" in m.value for m in at.latex)
    # TF Playground issue #3: regression, lr 1, batch 1, noise 50, one layer of 8 -> NaN
    bad = app({"dataset": "reg_plane", "lr": "1", "batch": "1", "noise": "50", "hidden": "8"})
    bad.button(key="playground.btn.step").click().run()
    assert not bad.exception
    assert any("diverged" in e.value for e in bad.error)
    assert (
        np.isnan(bad.session_state["playground.trainer"].last["train_loss"])
        or bad.session_state["playground.trainer"].diverged
    )


def test_play_runs_the_live_frames_without_error():
    at = app({"dataset": "spiral3", "hidden": "8,8", "activation": "relu", "show_test": "1"})
    at.button(key="playground.btn.play").click().run()  # AppTest: the loop runs a few ticks
    assert not at.exception
    assert at.session_state["playground.trainer"].steps > 0
    # the live frames went to the in-page canvas renderer: one element (one key), redrawn
    (canvas,) = components(at, "dlx_playground_live")
    assert not [k for k in chart_specs(at) if k.endswith(("plane", "net", "loss"))]
    data = json.loads(canvas.proto.json)
    assert data["i"] == at.session_state["playground.frame_no"] >= 2
    assert data["net"]["sizes"] == [2, 8, 8, 3] and data["pts"]["n"] > 0
    assert data["epoch"] == at.session_state["playground.trainer"].epoch


def test_teacher_link_hides_play_step_reset():
    at = app({"hide": "play,reset", "section": "share"})
    keys = {b.key for b in at.button}
    assert "playground.btn.step" in keys
    assert "playground.btn.play" not in keys and "playground.btn.reset" not in keys
    assert at.multiselect(key="playground.hide_ms").value == ["play", "reset"]


def test_the_section_radio_is_the_view_registry():
    """The radio under the playground lists the registry's views, in the config's order, with
    the registry's labels; each one draws without an exception."""
    choices = field_specs(PlaygroundConfig)["section"].options
    assert list(VIEWS) == list(choices)
    at = app()
    radio = at.radio(key=key("section"))
    assert radio.options == [view.label for view in VIEWS.values()]
    assert radio.label == "Look closer"
    for name in choices:
        at.radio(key=key("section")).set_value(name).run()
        assert not at.exception, name
        assert at.session_state["playground.cfg"].section == name


def test_a_diverged_model_shows_the_message_and_reset_recovers():
    at = app()
    trainer = at.session_state["playground.trainer"]
    trainer.net.theta[:] = math.nan  # the weights blew up
    at.button(key="playground.btn.step").click().run()
    assert not at.exception
    (error,) = at.error  # the panel's message, once (no second banner of the page's own)
    assert "Training diverged" in error.value and "the weights" in error.value
    assert trainer.diverged and trainer.steps == trainer.steps_per_epoch
    at.button(key="playground.btn.play").click().run()  # Play on a diverged model stops at once
    assert not at.exception and at.button(key="playground.btn.play").label == "Play"
    assert trainer.steps == trainer.steps_per_epoch  # nothing trained
    assert any("Training diverged" in e.value for e in at.error)
    at.button(key="playground.btn.reset").click().run()
    assert not at.exception and not at.error
    fresh = at.session_state["playground.trainer"]
    assert fresh is not trainer and fresh.steps == 0
    at.button(key="playground.btn.step").click().run()
    assert not at.error and fresh.diverged is None and fresh.steps == fresh.steps_per_epoch
    assert all(math.isfinite(v) for v in fresh.history.last().values())
    assert status(at) == expected_status(CFG)


def test_early_stopping_pauses_play_and_says_so(settings):
    """Early stopping ends training by itself: Play stops, and the page says what it kept."""
    settings(test_ticks=60)  # frames enough for the 33 epochs it takes (full batch: 1 step each)
    params = {"dataset": "gauss", "noise": "50", "ratio": "10", "hidden": "8,8", "batch": "0"}
    at = app({**params, "activation": "relu", "lr": "0.3", "early_stop": "1", "patience": "10"})
    at.button(key="playground.btn.play").click().run()
    assert not at.exception
    trainer = at.session_state["playground.trainer"]
    assert trainer.halted and not trainer.diverged
    assert at.button(key="playground.btn.play").label == "Play"
    assert any("Early stopping" in s.value for s in at.success)
    assert not at.error


def test_student_text_in_messages_is_shown_as_typed():
    """A typed formula or a file name goes into an error message as text, not as markdown
    (``__import__`` is not a bold "import")."""
    at = app({"section": "uat", "fn": "custom", "expr": "__import__"})
    (error,) = at.error
    assert r"'\_\_import\_\_'" in error.value
    at.file_uploader(key="playground.csv").set_value(("__my__.csv", b"1,2\n", "text/csv")).run()
    assert any(r"\_\_my\_\_.csv" in e.value and "3 columns" in e.value for e in at.error)


def test_own_points_all_train_whatever_the_ratio_and_seed():
    """Uploaded points are the student's own: every one trains (none marked test), whatever the
    ratio slider and the seed say; the ratio slider is off for them and Step is one epoch over
    all of them (issue 24 item 6: own points were split at random and half seemed lost)."""
    rows = "x1,x2,label\n" + "".join(f"{x},{x * 0.5},{int(x > 0)}\n" for x in range(-5, 6))
    for params in ({}, {"ratio": "90", "seed": "3", "batch": "4"}):
        at = app(params)
        at.file_uploader(key="playground.csv").set_value(("mine.csv", rows.encode(), "text/csv"))
        at.run()
        trainer = at.session_state["playground.trainer"]
        assert len(trainer.x_train) == 11 and trainer.test_is_train, params
        assert len(trainer.x_test) == 0, params
        assert at.slider(key=key("ratio")).disabled
        at.button(key="playground.btn.step").click().run()
        assert trainer.epoch == 1, params
    held = rows + "0.5,3,1,test\n"
    at.file_uploader(key="playground.csv").set_value(("held.csv", held.encode(), "text/csv"))
    at.run()
    trainer = at.session_state["playground.trainer"]
    assert len(trainer.x_train) == 11 and trainer.data.test.x.tolist() == [[0.5, 3.0]]


def _raw_keys() -> set[str]:
    """Every option key a choice widget of the page could show raw ("sgd", "leaky_relu", "l1",
    the teacher link's "lr", "reg", the brushes)."""
    from dlcore.playground.config import HIDEABLE
    from dlcore.playground.views import BRUSHES

    keys = {
        o for s in field_specs(PlaygroundConfig).values() if s.kind == "choice" for o in s.options
    }
    return keys | set(HIDEABLE) | set(BRUSHES) | {"train", "test"}


def test_every_choice_widget_shows_human_labels():
    """Issue 24 item 15: raw option keys showed in the widgets ("sgd", "leaky_relu", "l1"; the
    teacher link's "lr", "reg")."""
    raw = _raw_keys()
    at = app({"schedule": "linear", "early_stop": "1", "section": "share"})
    seen = 0
    for kind in ("selectbox", "radio", "multiselect", "select_slider"):
        for el in at.get(kind):
            for option in el.options:
                assert option not in raw, (el.label, option)
                seen += 1
    assert seen > 40
    assert at.selectbox(key=key("optimizer")).options[0] == "SGD"
    assert "Leaky ReLU" in at.selectbox(key=key("activation")).options
    assert at.selectbox(key=key("reg")).options == ["None", "L1", "L2"]
    assert "Learning rate" in at.multiselect(key="playground.hide_ms").options
    at.radio(key=key("section")).set_value("uat").run()
    assert all(o not in raw for o in at.selectbox(key=key("fn")).options)


def _prose(at) -> str:
    """The page's markdown and captions with their $...$ math taken out."""
    import re

    text = " ".join(m.value for m in [*at.markdown, *at.caption])
    return re.sub(r"\$[^$]*\$", "", text)


def test_equations_are_rendered_with_their_live_numbers():
    """Issue 24 item 15: the loss, the regularized objective and the learning-rate schedule as
    the lecture writes them, beside their numbers; no ASCII math in the prose."""
    params = {"reg": "l2", "reg_rate": "0.003", "schedule": "linear", "decay_epochs": "10"}
    at = app(params)
    at.button(key="playground.btn.step").click().run()
    trainer = at.session_state["playground.trainer"]
    latex = " ".join(el.value for el in at.latex)
    assert r"\tilde{J}(\boldsymbol{\theta}) = J(\boldsymbol{\theta}) + \alpha" in latex
    assert r"\tfrac{1}{2}\lVert \boldsymbol{w} \rVert_2^2" in latex
    assert f"{trainer.last['train_loss']:.3g}" in latex  # the live J
    assert f"{trainer.net.penalty('l2'):.3g}" in latex  # the live Omega
    assert r"\eta_k = \Big(1 - \frac{k}{T}\Big)\eta_0 + \frac{k}{T}\,\eta_T" in latex
    assert f"k = {trainer.steps}" in latex and f"{trainer.current_lr():.3g}" in latex
    formulas = {
        "uat": r"\sum_{j=1}^{N} w_j\, g(W_j x + c_j) + b",
        "xor": r"\max\{0, \boldsymbol{W}^{\top} \boldsymbol{x}",
    }
    for section, formula in formulas.items():
        at.radio(key=key("section")).set_value(section).run()
        assert any(formula in el.value for el in at.latex), section
        for ascii_math in ("ᵀ", "^", "max{", "w_j", "~"):
            assert ascii_math not in _prose(at), (section, ascii_math)


def _trained(params, steps=2, upload=None):
    """Open a link, upload own points if given, press Step ``steps`` times: the status line
    and the weights."""
    at = app(params)
    if upload is not None:
        at.file_uploader(key="playground.csv").set_value(("own.csv", upload, "text/csv")).run()
    for _ in range(steps):
        at.button(key="playground.btn.step").click().run()
    assert not at.exception
    trainer = at.session_state["playground.trainer"]
    return status(at), trainer.net.theta.copy(), trainer.steps


def test_the_same_settings_give_the_same_numbers_whatever_unrelated_control_changed():
    """The views, the sections under the playground, a teacher's hidden controls, the settings
    of a switched-off schedule or early stopping, and (for own points) the ratio slider change
    nothing the model computes."""
    unrelated = {
        "show_test": "1",
        "discretize": "1",
        "section": "uat",
        "fn": "abs",
        "uat_neurons": "20",
        "hide": "lr,dropout,schedule",
        "lr_end": "3",
        "decay_epochs": "2",
        "patience": "1",
    }
    base = _trained({})
    other = _trained(unrelated)
    assert base[0] == other[0] and np.array_equal(base[1], other[1]) and base[2] == other[2]
    rows = "".join(f"{x},{(x * 7) % 5 - 2},{int(x % 3 == 0)}\n" for x in range(-5, 6))
    own = [_trained({"ratio": r, "batch": "3"}, upload=rows.encode()) for r in ("50", "10")]
    assert own[0][0] == own[1][0] and np.array_equal(own[0][1], own[1][1])
    assert own[0][2] == own[1][2] == 2 * 4  # Step = one epoch over the 11 points, batch 3
