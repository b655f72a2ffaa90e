"""AppTest of pages/vae.py: every view and control draws; URL parameters set the controls (garbage
-> notice); Step trains a live VAE; drawn / uploaded inputs are normalized, an empty canvas and bad
files give a message; a map click decodes; MNIST is never downloaded at page load."""

import io
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from dlcore.data.mnist import MNIST_FILES, write_idx
from dlcore.ui.urlstate import wkey
from dlcore.vae.config import VIEWS, VAEConfig
from dlcore.vae.train import cached_split
from tests.pages.divergence import diverge_and_reset, nan_parameters

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "vae.py")


def app(state=None, **params):
    at = AppTest.from_file(PAGE, default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = str(v)
    for k, v in (state or {}).items():
        at.session_state[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def widget(at, kind, name):
    return next(el for el in at.get(kind) if el.key == wkey("vae", name))


def captions(at):
    return [im.proto.imgs[0].caption or "" for im in at.get("image")]


def texts(at, kind="markdown"):
    return "\n".join(el.value for el in at.get(kind))


def png(arr, fmt="PNG"):
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, format=fmt)
    return buf.getvalue()


@pytest.mark.parametrize("view", VIEWS)
def test_every_view_draws_with_the_shipped_model(view):
    at = app(view=view)
    assert widget(at, "radio", "view").value == view
    assert "test -ELBO" in texts(at, "caption")
    assert at.get("image") and at.get("plotly_chart")


def test_latent_map_controls_and_click_decode():
    at = app(grid_n=7, grid_range=1.5)
    assert widget(at, "slider", "grid_n").value == 7
    assert any("Decoded grid" in c for c in captions(at))
    at = app(state={"vae.click": (1.0, -0.5)})
    assert any("decoded at (1.00, -0.50)" in c for c in captions(at))


def test_a_click_keeps_the_map_on_screen_and_other_runs_draw_the_decoded_point():
    """The run a map click causes sends the map unchanged (the browser marks the clicked point
    as its selection: no redraw) and decodes the point; any other run draws the decoded point
    into the map, and a new model or grid gives a new map."""
    at = app(state={"vae.click": (1.0, -0.5)})
    before = _chart(at, "map")
    marks = [t for t in before["data"] if t["name"] == "decoded point"]
    assert [(m["x"], m["y"]) for m in marks] == [([1.0], [-0.5])]
    at.session_state["vae.click"] = (-2.0, 0.25)  # what on_map_click leaves for the click's run
    at.session_state["vae.map_clicked"] = True
    at.run()
    assert any("decoded at (-2.00, 0.25)" in c for c in captions(at))
    assert _chart(at, "map") == before
    at.run()  # a run that no click caused: the decoded point is drawn where it is
    marks = [t for t in _chart(at, "map")["data"] if t["name"] == "decoded point"]
    assert [(m["x"], m["y"]) for m in marks] == [([-2.0], [0.25])]
    at.session_state["vae.map_clicked"] = True  # a click in the same run as a grid change
    widget(at, "slider", "grid_range").set_value(1.5).run()
    assert _chart(at, "map")["layout"]["xaxis"]["range"] == pytest.approx([-1.575, 1.575])


def test_a_click_after_the_live_model_trained_draws_its_new_map():
    """While the live model plays, the loop trains on after the map was drawn: the run of a
    click on it draws the trained model's map (with the decoded point), not the map sent."""
    at = app(source="live", hidden=64, state={"vae.click": (0.5, 0.5)})
    before = _chart(at, "map")
    untrained = next(c for c in captions(at) if "decoded at" in c)
    at.session_state["vae.trainer"].step(50)  # as the live loop does between two runs
    at.session_state["vae.click"] = (-0.5, 1.0)
    at.session_state["vae.map_clicked"] = True
    at.run()
    after = _chart(at, "map")
    assert after != before and untrained != next(c for c in captions(at) if "decoded at" in c)
    marks = [t for t in after["data"] if t["name"] == "decoded point"]
    assert [(m["x"], m["y"]) for m in marks] == [([-0.5], [1.0])]
    points = [t["x"] for t in after["data"] if t["name"] == "3"]
    assert points != [t["x"] for t in before["data"] if t["name"] == "3"]  # the trained map


def test_url_sets_interpolation_controls():
    at = app(view="interpolation", interp="spherical", n_steps=7, a_index=3, b_index=12)
    assert widget(at, "radio", "interp").value == "spherical"
    assert widget(at, "slider", "n_steps").value == 7
    caps = captions(at)
    assert any("spherical, 7 steps" in c for c in caps)
    assert any(c.startswith("test #3:") for c in caps) and any(
        c.startswith("test #12:") for c in caps
    )


def test_garbage_url_gives_notices_and_defaults():
    at = app(view="sideways", n_steps="abc", beta="99", latent_dim="3", zzz="1", a_index="-5")
    notice = texts(at, "warning")
    for label in ("View", "Steps", "beta", "Latent dimension", "Test image A", "unknown"):
        assert label in notice, label
    assert widget(at, "radio", "view").value == "latent map"


def test_out_of_range_index_is_clamped_with_a_notice():
    at = app(view="interpolation", a_index=5000)
    assert "does not exist" in texts(at, "warning")
    assert any(c.startswith("test #296:") for c in captions(at))


def drawn(at, name):
    return any(el.key == wkey("vae", name) for el in at.main)


def test_changing_controls_redraws():
    at = app(view="interpolation")
    widget(at, "slider", "n_steps").set_value(5).run()
    assert any("5 steps" in c for c in captions(at))
    at.session_state["vae.settings_shipped"] = True  # what a click on the expander sets
    at.run()
    widget(at, "select_slider", "beta").set_value(4.0).run()
    assert not at.exception and "beta" not in texts(at, "warning")
    assert "test -ELBO" in texts(at, "caption")


def test_a_setting_of_another_view_lives_on_while_its_widget_is_not_drawn():
    """Switching away from a view and back, over several runs, neither reverts its settings nor
    drops them from the link (Page.finish: Streamlit would bring back the value a key was first
    seeded with in a run that drew no widget for it)."""
    at = app()
    widget(at, "radio", "view").set_value("interpolation").run()
    widget(at, "slider", "n_steps").set_value(5).run()
    widget(at, "radio", "view").set_value("latent map").run()
    at.run()
    at.run()
    assert at.session_state["vae.cfg"].n_steps == 5
    assert at.query_params["n_steps"] in ("5", ["5"])
    widget(at, "radio", "view").set_value("interpolation").run()
    assert widget(at, "slider", "n_steps").value == 5
    assert any("5 steps" in c for c in captions(at))


def test_model_settings_are_drawn_only_while_their_expander_is_open():
    """Closed, the shipped model's settings send no widget (each run and the first picture pay
    for a closed expander's content); a value set while open lives on once it is closed again.
    Training live, they are open from the start."""
    at = app()
    assert next(e.label for e in at.expander) == "Model and training"
    assert not drawn(at, "beta") and not drawn(at, "latent_dim")
    at.session_state["vae.settings_shipped"] = True
    at.run()
    widget(at, "select_slider", "beta").set_value(4.0).run()
    label = texts(at, "caption")
    at.session_state["vae.settings_shipped"] = False
    at.run()
    assert not drawn(at, "beta") and at.session_state["vae.cfg"].beta == 4.0
    assert at.query_params["beta"] in ("4.0", ["4.0"])
    at.run()  # a second closed run: no stale key brings the old value back
    at.session_state["vae.settings_shipped"] = True
    at.run()
    assert widget(at, "select_slider", "beta").value == 4.0
    at.session_state["vae.settings_shipped"] = False
    at.run()
    assert "test -ELBO" in texts(at, "caption") and label in texts(at, "caption")
    live = app(source="live")
    assert drawn(live, "lr") and drawn(live, "beta")


def test_missing_checkpoint_explains_and_live_step_trains():
    at = app(latent_dim=16)
    assert "No shipped checkpoint" in texts(at, "info")
    at = app(source="live", hidden=64)
    assert "untrained" in texts(at, "info")
    next(b for b in at.button if b.key == "vae.btn.step").click().run()
    assert not at.exception
    tr = at.session_state["vae.trainer"]
    assert tr.steps == 10
    assert "step 10" in texts(at) and "Minibatch average: **-ELBO" in texts(at)
    assert "vae.chart.curves" in {c.key for c in at.get("plotly_chart")}  # paused: interactive
    next(b for b in at.button if b.key == "vae.btn.play").click().run()  # AppTest: 3 ticks
    assert not at.exception and at.session_state["vae.trainer"].steps > 10
    assert "vae.chart.curves" not in {c.key for c in at.get("plotly_chart")}
    frames = [im.proto.imgs[0] for im in at.get("image")]
    assert any(f.url.startswith("data:image/png;base64,") for f in frames)  # one inline image
    assert any(c.value.startswith("Minibatch average: -ELBO") for c in at.caption)  # under it


def test_empty_canvas_is_handled_and_a_drawing_is_used():
    at = app(view="interpolation", a_kind="draw")
    assert "the image is empty" in texts(at, "info")
    assert "Choose both inputs" in texts(at, "info")
    canvas = np.zeros((16, 16))
    canvas[2:14, 7:9] = 1.0  # a drawn "1"
    at = app(state={"vae.canvas_a": canvas}, view="interpolation", a_kind="draw")
    assert any("as the model sees it" in c for c in captions(at))
    assert any("A → B" in c for c in captions(at))


def test_upload_of_a_digit_photo_goes_through():
    img = np.full((60, 40, 3), 250, np.uint8)
    img[10:50, 18:24] = 20  # a dark "1" on white paper
    at = app(view="arithmetic", a_kind="image")
    at.file_uploader[0].set_value(("one.png", png(img), "image/png")).run()
    assert not at.exception and not at.error
    assert any("as the model sees it" in c for c in captions(at))
    assert any(c.startswith("α from 0 to 1") for c in captions(at))  # the strip, and its sum:
    assert r"$\mathbf{z} = \boldsymbol{\mu}(\mathbf{x}) + \alpha\," in texts(at, "caption")


@pytest.mark.parametrize(
    "data",
    [b"", b"not an image", b"GIF89a" + b"\x00" * 20, png(np.zeros((9, 9, 3), np.uint8))[:50]],
)
def test_bad_uploads_give_a_message(data):
    at = app(view="reparameterization", a_kind="image")
    at.file_uploader[0].set_value(("x.png", data, "image/png")).run()
    assert not at.exception
    # refused by the loader, or (a truncated PNG the loader pads with black) an empty image
    shown = texts(at, "error") + texts(at, "info")
    assert "Could not use this image" in shown or "the image is empty" in shown
    assert not any("decodings of the samples" in c for c in captions(at))


def test_blank_upload_is_an_empty_image():
    at = app(view="interpolation", a_kind="image")
    at.file_uploader[0].set_value(("w.png", png(np.full((20, 20, 3), 255, np.uint8)), "image/png"))
    at.run()
    assert "the image is empty" in texts(at, "info")


@pytest.fixture
def fresh_data_cache():
    cached_split.cache_clear()
    yield
    cached_split.cache_clear()


def test_mnist_from_the_cache_trains_live_at_28x28(tmp_path, monkeypatch, fresh_data_cache):
    rng = np.random.default_rng(0)
    folder = tmp_path / "mnist"
    folder.mkdir()
    for key, stem in MNIST_FILES.items():
        n = 40 if key.startswith("train") else 12
        shape = (n, 28, 28) if key.endswith("images") else (n,)
        hi = 256 if key.endswith("images") else 10
        write_idx(folder / stem, rng.integers(0, hi, shape, dtype=np.uint8), compress=True)
    monkeypatch.setenv("DLX_DATA_DIR", str(tmp_path))
    at = app(dataset="mnist", latent_dim=16)
    assert "No shipped checkpoint for mnist" in texts(at, "info")
    at = app(dataset="mnist", source="live", view="arithmetic", hidden=64, class_from=1)
    next(b for b in at.button if b.key == "vae.btn.step").click().run()
    assert not at.exception
    tr = at.session_state["vae.trainer"]
    assert tr.steps == 10 and tr.model.spec.side == 28 and tr.x_train.shape == (40, 784)
    assert "no examples of class 1" in texts(at, "warning") or any(
        "α from 0 to" in c for c in captions(at)
    )


def test_mnist_not_cached_gives_a_message_and_no_download(tmp_path, monkeypatch, fresh_data_cache):
    monkeypatch.setenv("DLX_DATA_DIR", str(tmp_path))
    at = app(dataset="mnist")
    assert "MNIST is not cached" in texts(at, "warning")
    assert any(b.label.startswith("Download MNIST") for b in at.button)
    assert not (tmp_path / "mnist").exists() or not any((tmp_path / "mnist").iterdir())


def test_camera_snapshot_goes_through():
    img = np.full((48, 64, 3), 240, np.uint8)
    img[8:40, 28:36] = 30  # a dark stroke on a light background
    at = app(view="interpolation", b_kind="image")
    next(r for r in at.radio if r.key == "vae.img_b.source").set_value("Camera").run()
    at.camera_input[0].set_value(("shot.jpg", png(img, "JPEG"), "image/jpeg")).run()
    assert not at.exception and not at.error
    assert any("as the model sees it" in c for c in captions(at))
    assert any("linear, 10 steps" in c for c in captions(at))


def test_the_view_registry_matches_the_config_choices():
    from dlcore.config import field_specs
    from dlcore.ui.views.vae import VIEWS as REGISTRY

    assert tuple(REGISTRY) == VIEWS == field_specs(VAEConfig)["view"].options
    assert len({v.draw for v in REGISTRY.values()}) == len(VIEWS)  # one function per view
    at = app()
    radio = widget(at, "radio", "view")
    assert radio.options == [REGISTRY[v].label for v in VIEWS]  # the radio is fed by it
    for view in VIEWS[1:]:
        widget(at, "radio", "view").set_value(view).run()
        assert not at.exception and widget(at, "radio", "view").value == view


@pytest.mark.parametrize("view", VIEWS)
def test_a_diverged_live_model_shows_the_message_and_reset_recovers(view):
    def no_picture_of_a_nan_model(at):
        assert not at.get("image")  # the views analyse no NaN model

    at = app(source="live", hidden=64, view=view)
    poison = nan_parameters("model")
    check = no_picture_of_a_nan_model
    _, fresh = diverge_and_reset(at, "vae", poison, says="-ELBO", while_diverged=check)
    assert fresh.steps == 10 and math.isfinite(fresh.history.last()["train_neg_elbo"])
    assert at.get("image")  # the view is back, on the fresh model


def _chart(at, name):
    return json.loads(
        next(c for c in at.get("plotly_chart") if c.key == f"vae.chart.{name}").proto.spec
    )


def test_interpolation_encodes_with_the_8d_model_and_the_map_stays_2d():
    """Issue 24 item 12: at the defaults a student's digits are interpolated by a model that
    reconstructs them (8-D); the latent map keeps the 2-D model."""
    at = app(view="interpolation")
    assert "Interpolating with the shipped 8-D VAE" in texts(at, "caption")
    assert "PC 1" in _chart(at, "path")["layout"]["xaxis"]["title"]["text"]
    at = app(view="interpolation", interp_model="page")
    assert "8-D" not in texts(at, "caption")
    assert _chart(at, "path")["layout"]["xaxis"]["title"]["text"].startswith("z")
    at = app()
    assert _chart(at, "map")["layout"]["xaxis"]["title"]["text"].startswith("z")


def _strip_numbers(at):
    """The numbers the interpolation view prints about its strip."""
    return next(line for line in texts(at, "caption").splitlines() if "pixel change" in line)


@pytest.mark.parametrize(
    "unrelated",
    [
        {"beta": 4.0},
        {"latent_dim": 8},
        {"arch": "conv"},
        {"source": "live", "hidden": 64},
        {"seed": 5},
        {"grid_n": 5, "grid_range": 1.0},
        {"class_from": 3, "alpha": 2.0, "n_z": 10},
    ],
    ids=lambda d: ",".join(d),
)
def test_the_interpolation_gives_the_same_numbers_whatever_unrelated_control_changed(unrelated):
    """The 8-D model's strip between test images #3 and #12 is the same whatever the 2-D map's
    model (beta, J, width, live training), seed, map grid or other views' settings are."""
    link = {"view": "interpolation", "a_index": 3, "b_index": 12, "n_steps": 6}
    base = _strip_numbers(app(**link))
    assert _strip_numbers(app(**link, **unrelated)) == base


ASCII_MATH = re.compile(
    r"\b(mu|sigma|alpha|beta|eps|epsilon|phi|theta)\b|\^|->|\|\||E_q|d/d|\bz_\d|\bN\(|~"
)


def _prose(text: str) -> str:
    """``text`` without its rendered math ($...$ spans)."""
    return re.sub(r"\$[^$]*\$", "", text)


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("source", ["shipped", "live"])
def test_no_ascii_math_and_no_raw_option_keys(view, source):
    """Issue 24 item 15: equations are rendered ($...$ or st.latex), never written as ASCII
    ("N(mu, sigma^2 I)", "E_q[log p(x|z)]", "d/d(mu, log sigma^2)", "z = mu(x) + alpha"); every
    choice widget shows a human label, not its option key."""
    width = {"hidden": 64} if source == "live" else {}
    at = app(view=view, source=source, b_kind="image", **width)
    if source == "live":
        at.button(key="vae.btn.step").click().run()
    shown = [el.value for kind in ("markdown", "caption", "info", "warning") for el in at.get(kind)]
    shown += captions(at) + [w.label for kind in ("radio", "selectbox", "select_slider", "slider",
                                                  "number_input", "toggle", "checkbox")
                             for w in at.get(kind)]  # fmt: skip
    for text in shown:
        assert not ASCII_MATH.search(_prose(text)), text
    assert at.get("latex"), "the ELBO is rendered"
    raw = {"shipped", "live", "digits", "mnist", "mlp", "conv", "bernoulli", "gaussian",
           "dataset", "draw", "image", "sharp", "page", "latent map", "samples & beta"}  # fmt: skip
    for radio in at.radio:
        assert not raw & set(radio.options), radio.options
    for box in at.selectbox:
        assert not raw & set(box.options), box.options
