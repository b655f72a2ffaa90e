"""AppTest of pages/gan.py: every control draws, Step and slow motion advance the GAN, URL
parameters set the controls, garbage falls back with a notice, a drawn distribution with too few
points gets a message, presets load, the digits panel trains and interpolates; the panel radio is
the view registry, and a diverged GAN (either panel) shows the message and Reset recovers."""

import base64
import io
import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

import dlcore.viz.gan as viz
from dlcore.config import field_specs, to_query
from dlcore.gan.config import GanConfig
from dlcore.gan.presets import PRESETS
from dlcore.ui.views.gan import DSTAR_CAPTION, VIEWS
from dlcore.viz.gan import CURVES_SIZE, DIGITS_FRAME_W, FRAME_GAP, LIVE_SIZE, digit_grid
from tests.gan.test_digits_mnist import write_fake_mnist
from tests.pages.charts import chart_specs
from tests.pages.divergence import diverge_and_reset, nan_parameters

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "gan.py")
DSTAR_HEADING = "The learned $D(x)$ beside the optimal"
PLANE_ONLY = {"digits_start", "digits_lr", "digits_data", "points"}
KINDS = ("selectbox", "slider", "select_slider", "toggle", "radio", "number_input", "button")


def app(params=None, settings=False):
    """The page with its settings expander open (``settings``: what a click on it sets)."""
    at = AppTest.from_file(PAGE, default_timeout=120)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    if settings:
        at.session_state["gan.settings_open"] = True
    at.run()
    assert not at.exception, at.exception
    return at


def decode(url: str) -> np.ndarray:
    body = url.split(",", 1)[1]
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(body))).convert("RGB"))


def keys(at):
    return {el.key for kind in KINDS for el in at.get(kind) if getattr(el, "key", None)}


def texts(at):
    return " ".join(m.value for m in at.markdown)


def captions(at):
    return " ".join(c.value for c in at.caption)


@pytest.fixture(scope="module")
def shared():
    return app(settings=True)


def test_every_control_draws(shared):
    want = {f"gan.w.{n}" for n in field_specs(GanConfig)} - {f"gan.w.{n}" for n in PLANE_ONLY}
    assert want <= keys(shared)
    assert {"gan.btn.play", "gan.btn.step", "gan.btn.reset", "gan.slow", "gan.preset"} <= keys(
        shared
    )
    assert "Iteration 0" in texts(shared) and "JS " in captions(shared)


def test_step_and_slow_motion_advance(shared):
    shared.button(key="gan.btn.step").click().run()
    assert not shared.exception
    assert "**Iteration 1**" in texts(shared)
    shared.button(key="gan.slow").click().run()
    assert "D update, phase 1/5" in texts(shared)
    for _ in range(4):
        shared.button(key="gan.slow").click().run()
    assert "D update, phase 5/5" in texts(shared)
    shared.button(key="gan.slow").click().run()
    assert "G update, phase 1/5" in texts(shared)


def test_view_toggle_changes_what_is_drawn(shared):
    assert DSTAR_HEADING not in texts(shared)
    n_charts = len(chart_specs(shared))
    shared.toggle(key="gan.w.show_dstar").set_value(True).run()
    assert DSTAR_HEADING in texts(shared)  # learned D beside D* = p_data / (p_data + p_g)
    assert len(chart_specs(shared)) == n_charts + 1


def test_url_parameters_set_controls():
    at = app({"target": "moons", "k_d": "3", "loss": "minimax", "g_lr": "0.003", "seed": "7"}, True)
    assert at.selectbox(key="gan.w.target").value == "moons"
    assert at.slider(key="gan.w.k_d").value == 3
    assert at.selectbox(key="gan.w.loss").value == "minimax"
    assert at.select_slider(key="gan.w.g_lr").value == 0.003
    assert at.slider(key="gan.w.seed").value == 7
    assert not at.warning


def test_the_settings_are_drawn_only_while_their_expander_is_open():
    """Closed (as a page opens), the settings send no widget: a closed expander's content costs
    every run and the first picture; a setting changed while open lives on once it is closed."""
    at = app(settings=False)
    assert "Model and training settings" in [e.label for e in at.expander]
    assert not {"gan.w.target", "gan.w.g_lr", "gan.w.k_d"} & keys(at)
    assert {"gan.preset", "gan.w.show_dstar", "gan.btn.play"} <= keys(at)
    at.session_state["gan.settings_open"] = True
    at.run()
    at.slider(key="gan.w.k_d").set_value(3).run()
    at.session_state["gan.settings_open"] = False
    at.run()
    assert "gan.w.k_d" not in keys(at) and at.session_state["gan.cfg"].k_d == 3
    assert at.query_params["k_d"] in ("3", ["3"])
    at.run()  # a second closed run: no stale key brings the old value back
    at.session_state["gan.settings_open"] = True
    at.run()
    assert at.slider(key="gan.w.k_d").value == 3 and at.session_state["gan.cfg"].k_d == 3
    at.session_state["gan.settings_open"] = False
    at.run()
    at.selectbox(key="gan.preset").set_value("fast_g").run()  # a preset sets them closed too
    assert at.session_state["gan.cfg"].g_lr == 0.01 and at.session_state["gan.cfg"].k_d == 1
    at.session_state["gan.settings_open"] = True
    at.run()
    assert at.select_slider(key="gan.w.g_lr").value == 0.01
    assert at.slider(key="gan.w.k_d").value == 1


def test_garbage_url_gives_notice_and_defaults():
    at = app({"target": "<script>", "k_d": "99", "batch": "abc", "zzz": "1"}, True)
    notice = " ".join(w.value for w in at.warning)
    assert "target" in notice.lower() and "k:" in notice.lower() and "unknown" in notice.lower()
    assert at.selectbox(key="gan.w.target").value == "ring8"
    assert at.slider(key="gan.w.k_d").value == 1


def test_drawn_distribution_with_too_few_points_gets_a_message():
    at = app({"target": "drawn", "points": "0.1,0.2,0.5,0.5"})
    assert any("has 2 point(s); it needs at least 5" in i.value for i in at.info)
    assert "gan.btn.play" not in keys(at)  # nothing to train on yet
    at = app({"target": "drawn", "points": "0,0,1,1,-1,1,0.5,-0.5,1.5,0"})
    assert not at.info and "gan.btn.play" in keys(at)


def test_preset_loads_every_control():
    at = app(settings=True)
    at.selectbox(key="gan.preset").set_value("fast_g").run()  # choosing one loads it
    assert at.select_slider(key="gan.w.g_lr").value == 0.01
    assert at.select_slider(key="gan.w.d_lr").value == 0.001
    assert at.toggle(key="gan.w.show_grads").value is True


def test_play_runs_ticks_then_counter_moved():
    at = app({"g_neurons": "8", "d_neurons": "8", "batch": "32"})
    at.button(key="gan.btn.play").click().run()
    assert not at.exception
    line = next(m.value for m in at.markdown if m.value.startswith("**Iteration"))
    assert "**Iteration 0**" not in line
    (frame,) = [e.proto.imgs[0] for e in at.get("image")]  # the last live frame: one picture
    assert frame.url.startswith("data:image/png;base64,") and not frame.caption
    assert decode(frame.url).shape == (LIVE_SIZE, LIVE_SIZE + FRAME_GAP + CURVES_SIZE[0], 3)
    assert any(c.value.startswith("JS ") for c in at.caption)  # the readout under it
    assert not chart_specs(at)  # plane and curves are in the picture


def test_play_with_dstar_draws_one_frame_and_dstar_beside_the_learned_d():
    at = app({"g_neurons": "8", "d_neurons": "8", "batch": "32", "show_dstar": "1"})
    at.button(key="gan.btn.play").click().run()
    assert not at.exception
    assert "**Iteration 0**" not in texts(at) and DSTAR_HEADING in texts(at)
    frames = [e.proto.imgs[0] for e in at.get("image")]
    plane, dstar = frames[0], frames[1]  # the live frame, then learned D beside D* under it
    assert plane.url.startswith("data:image/png;base64,") and not plane.caption
    assert dstar.url.startswith("data:image/jpeg;base64,") and dstar.caption == DSTAR_CAPTION
    assert any(c.value.startswith("JS ") for c in at.caption)  # the readout under the frame
    assert not chart_specs(at)  # plane, curves and D*: pictures while playing


def test_digits_panel_trains_and_interpolates():
    at = app({"panel": "digits"})
    assert {"gan.digits.btn.step", "gan.digits.za", "gan.digits.zb"} <= keys(at)
    assert len(at.get("image")) == 2  # the two grids (fresh samples, fixed noise), interpolation
    assert len(chart_specs(at)) == 1  # the curves, interactive while paused
    assert "Checkpoint trained 6,000 steps" in " ".join(c.value for c in at.caption)
    at.button(key="gan.digits.btn.step").click().run()
    assert not at.exception
    assert "step 1" in texts(at)
    at.number_input(key="gan.digits.za").set_value(5).run()
    assert not at.exception
    at.button(key="gan.digits.btn.play").click().run()  # a live frame: one picture, no plotly
    assert not at.exception and "step 1**" not in texts(at) and not chart_specs(at)
    frame, interpolation = (e.proto.imgs[0].url for e in at.get("image"))
    assert frame.startswith("data:image/png;base64,")
    assert interpolation.startswith("data:image/png;base64,")
    grids = 2 * digit_grid(np.zeros((16, 8, 8)), ncols=4).shape[1] + FRAME_GAP
    assert decode(frame).shape[1] == max(DIGITS_FRAME_W, grids)  # grids and curves, one image
    assert decode(frame).shape[0] > digit_grid(np.zeros((16, 8, 8)), ncols=4).shape[0] + 200


def test_digits_panel_trains_on_mnist_when_its_files_are_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("DLX_DATA_DIR", str(write_fake_mnist(tmp_path)))
    at = app({"panel": "digits", "digits_data": "mnist"})
    assert at.radio(key="gan.w.digits_data").value == "mnist" and not at.warning
    assert at.session_state["gan.digits.trainer"].side == 28
    assert "No shipped checkpoint for MNIST" in " ".join(c.value for c in at.caption)
    at.button(key="gan.digits.btn.step").click().run()
    assert not at.exception and "step 1" in texts(at)
    assert len(at.get("image")) == 2  # the 28x28 grids, the interpolation


def test_digits_panel_without_mnist_says_so_and_uses_8x8(tmp_path, monkeypatch):
    monkeypatch.setenv("DLX_DATA_DIR", str(tmp_path))
    at = app({"panel": "digits", "digits_data": "mnist"})
    notice = " ".join(w.value for w in at.warning)
    assert "MNIST is not cached" in notice and "8x8 digits instead" in notice
    assert at.session_state["gan.digits.trainer"].side == 8
    assert "gan.digits.download" in keys(at) and len(at.get("image")) == 2


@pytest.mark.parametrize("crowded", [False, True])
def test_equations_redraw_every_half_second_alone_and_every_five_seconds_in_a_full_class(
    monkeypatch, settings, crowded
):
    """The live frame (plane and curves) is one picture every frame; the equations' numbers
    under the panel are a Streamlit delta, redrawn twice a second, every 5 s in a full class."""
    import dlcore.gan.views as gan_text
    from dlcore.ui.process import process

    clock = [1000.0]

    def tick():  # each live frame is 0.5 s after the last one
        clock[0] += 0.5
        return clock[0]

    drawn, frames = [], []
    equations, live_image = gan_text.equations, viz.live_image
    monkeypatch.setattr(gan_text, "equations", lambda *a: drawn.append(1) or equations(*a))
    monkeypatch.setattr(viz, "live_image", lambda *a: frames.append(1) or live_image(*a))
    monkeypatch.setattr(process(), "clock", tick)
    settings(test_ticks=24)
    if crowded:  # more sessions play than there are slots: one slot for this one
        settings(max_training=0)
    at = app({"g_neurons": "8", "d_neurons": "8", "batch": "32"})
    drawn.clear()
    at.button(key="gan.btn.play").click().run()
    assert not at.exception
    assert len(frames) == 24  # a picture every frame, alone or crowded
    # the paused page draws them once; then 24 frames over 12 s: every frame alone; crowded,
    # the first frame (its pictures replace the paused charts), then at +5 and +10 s
    assert len(drawn) == (1 + 24 if not crowded else 1 + 1 + 2)


def test_the_panel_radio_is_the_view_registry(shared):
    assert list(VIEWS) == list(field_specs(GanConfig)["panel"].options)
    radio = shared.radio(key="gan.w.panel")
    assert radio.options == [view.label for view in VIEWS.values()]
    assert radio.value == "plane"
    at = app({"panel": "digits"})
    assert at.radio(key="gan.w.panel").value == "digits" and "gan.digits.btn.play" in keys(at)
    assert "gan.btn.play" not in keys(at) and "gan.preset" not in keys(at)


@pytest.mark.parametrize(
    ("params", "ns"),
    [
        ({"g_neurons": "8", "d_neurons": "8", "batch": "32"}, "gan"),
        ({"panel": "digits"}, "gan.digits"),
    ],
)
def test_a_diverged_gan_shows_the_message_and_reset_recovers(params, ns):
    poison = nan_parameters("G", "D")
    _, fresh = diverge_and_reset(app(params), ns, poison, says="d_loss, g_loss")
    last = fresh.history.last()
    assert {"d_loss", "g_loss"} <= set(last) and all(map(math.isfinite, last.values()))


# -- the same settings give the same numbers whatever unrelated control changed -----------------
SMALL_NETS = {"g_neurons": "8", "d_neurons": "8", "batch": "32"}


def _curves(trainer) -> dict:
    names = trainer.history.keys()  # History has no __iter__
    return {k: trainer.history.array(k) for k in names}


def assert_same_numbers(a, b, steps: int) -> None:
    """Two trainers at the same step with the same curves and the same weights of G."""
    assert a.steps == b.steps == steps
    for name, want in _curves(a).items():
        np.testing.assert_array_equal(_curves(b)[name], want, err_msg=name)
    for p, q in zip(a.G.parameters(), b.G.parameters()):
        assert p.equal(q)


def test_the_2d_gan_gives_the_same_numbers_whatever_unrelated_control_changed():
    plain = app(SMALL_NETS)
    for _ in range(3):
        plain.button(key="gan.btn.step").click().run()
    busy = app(SMALL_NETS)
    busy.button(key="gan.btn.step").click().run()
    busy.toggle(key="gan.w.show_dstar").set_value(True).run()  # a view toggle
    busy.toggle(key="gan.w.show_real").set_value(False).run()
    busy.radio(key="gan.w.panel").set_value("digits").run()  # the other panel's controls
    busy.radio(key="gan.w.digits_start").set_value("scratch").run()
    busy.select_slider(key="gan.w.digits_lr").set_value(0.001).run()
    busy.radio(key="gan.w.panel").set_value("plane").run()
    for _ in range(2):
        busy.button(key="gan.btn.step").click().run()
    assert not busy.exception
    assert_same_numbers(plain.session_state["gan.trainer"], busy.session_state["gan.trainer"], 3)


def test_the_digits_gan_gives_the_same_numbers_whatever_unrelated_control_changed():
    plain = app({"panel": "digits"})
    for _ in range(2):
        plain.button(key="gan.digits.btn.step").click().run()
    busy = app({"panel": "digits"})
    busy.button(key="gan.digits.btn.step").click().run()
    busy.number_input(key="gan.digits.za").set_value(7).run()  # the interpolation's seeds
    busy.number_input(key="gan.digits.zb").set_value(9).run()
    busy.button(key="gan.digits.btn.step").click().run()
    assert not busy.exception
    trainers = (plain.session_state["gan.digits.trainer"], busy.session_state["gan.digits.trainer"])
    assert_same_numbers(*trainers, 2)


# -- the preset box, the equations, the labels ------------------------------------------------
def test_the_preset_box_says_what_the_link_set():
    assert app({"target": "moons"}).selectbox(key="gan.preset").value == "moons"  # not "Ring of 8"
    at = app(dict(to_query(PRESETS["saturating"].config())))
    assert at.selectbox(key="gan.preset").value == "saturating"
    assert PRESETS["saturating"].explain in captions(at)
    at = app({"target": "moons", "g_lr": "0.003"}, True)
    assert at.selectbox(key="gan.preset").value == "custom"  # matches no preset
    assert "Custom settings" in at.selectbox(key="gan.preset").options
    at.select_slider(key="gan.w.g_lr").set_value(0.001).run()  # back to the moons' settings
    assert at.selectbox(key="gan.preset").value == "moons"
    at.toggle(key="gan.w.show_real").set_value(False).run()  # a view toggle is no setting
    assert at.selectbox(key="gan.preset").value == "moons"


def test_the_lectures_equations_are_rendered_with_this_runs_numbers(shared):
    assert any(r"\min_G \max_D V(D, G)" in e.value for e in shared.latex)  # above both panels
    text = texts(shared)
    assert r"D_G^*(\boldsymbol{x}) = \frac{p_{\text{data}}(\boldsymbol{x})}" in text
    assert r"C(G) = \max_D V(G, D) = -\log 4 + 2\,\mathrm{JSD}" in text
    js = shared.session_state["gan.trainer"].quality.last()["js"]
    assert f"2 \\times {js:.3f} = {2 * js - math.log(4):.3f}" in text  # the live number
    for ascii_math in ("min_G max_D", "-log 4 +", "E_x[", "|grad|", "p_data /"):
        assert ascii_math not in text + captions(shared)


RAW_KEYS = {"sgd", "adam", "leaky_relu", "relu", "elu", "minimax", "nonsaturating", "scratch",
            "least_squares", "ring8", "grid25", "gaussian2", "uniform1", "checkpoint", "digits8",
            "both", "d", "g", "plane", "digits", "custom"}  # fmt: skip


@pytest.mark.parametrize("params", [{}, {"panel": "digits"}])
def test_every_choice_widget_shows_human_labels(params):
    at = app(params)
    shown = [opt for kind in ("selectbox", "radio") for box in at.get(kind) for opt in box.options]
    assert len(shown) >= 6  # the panel radio and every choice of the panel
    for option in shown:
        assert option not in RAW_KEYS and "_" not in option, option
