"""AppTest of pages/optimization.py: every view draws from a link, the race's controls change the
race, Step and Play train it (Play's frames go to the in-page canvas renderer), a diverged race
shows the panel's message and Reset recovers, the typed surface and the start point are
validated, the presets and buttons set their widgets, URL values set the controls and garbage
gives a notice, and the static views' numbers follow their controls."""

import json
import math
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from dlcore.config import field_specs
from dlcore.optim.config import RACERS, OptimConfig
from dlcore.ui.urlstate import wkey
from dlcore.ui.views.optimization import VIEWS
from tests.pages.divergence import diverge_and_reset

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "optimization.py")
NS = "optimization"
SMALL_DROPOUT = {"drop_n": "4", "drop_k": "2", "drop_hidden": "8", "drop_mc": "10"}


def app(params=None, view=None, dynamics=False):
    """The page with the link's ``params``; ``dynamics``: with the expander of momentum, noise
    and the schedule open (what a click on it sets)."""
    at = AppTest.from_file(PAGE, default_timeout=240)
    for k, v in {**({"view": view} if view else {}), **(params or {})}.items():
        at.query_params[k] = v
    if dynamics:
        at.session_state[f"{NS}.dynamics_open"] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def widget(at, kind, name):
    return next(el for el in at.get(kind) if el.key == wkey(NS, name))


def charts(at) -> dict[str, dict]:
    return {
        c.proto.id.split("chart.")[-1]: json.loads(c.proto.spec) for c in at.get("plotly_chart")
    }


def latex(at) -> str:
    return " ".join(el.value for el in at.latex)


def text(at) -> str:
    return " ".join(el.value for el in [*at.markdown, *at.caption, *at.info, *at.warning])


def trainer(at):
    return at.session_state[f"{NS}.trainer"]


@pytest.fixture(scope="module")
def start():
    return app()


def test_view_registry_matches_the_config_and_feeds_the_radio(start):
    choices = field_specs(OptimConfig)["view"].options
    assert tuple(VIEWS) == choices
    radio = widget(start, "radio", "view")
    assert list(radio.options) == [view.label for view in VIEWS.values()]


@pytest.mark.parametrize(
    "view, params, drawn",
    [
        ("race", {}, {"race", "race_loss"}),
        ("adaptive", {}, {"adaptive", "adaptive_steps"}),
        ("momentum", {}, {"rate_map", "momentum_error", "momentum_path"}),
        ("landscape", {"land_steps": "100", "land_res": "21"}, {"landscape", "landscape_loss"}),
        ("regularization", {}, {"penalty", "reg_path", "early_stop"}),
        ("dropout", SMALL_DROPOUT, {"dropout_examples"}),
    ],
)
def test_every_view_draws_from_a_link(view, params, drawn):
    at = app(params, view=view)
    assert widget(at, "radio", "view").value == view
    assert set(charts(at)) == drawn
    assert not at.error


def test_race_widgets_have_human_labels(start):
    surface = widget(start, "selectbox", "surface")
    assert surface.options == [
        "Ill-conditioned quadratic", "Rosenbrock's valley", "Saddle point", "Beale's function",
        "Bumpy bowl (many minima)", "Type your own f(x, y)",
    ]  # fmt: skip
    lr = widget(start, "select_slider", "lr_sgd")
    assert lr.options[0] == "auto (0.5)" and "0.1" in lr.options
    toggles = [widget(start, "toggle", f"use_{name}").label for name in RACERS]
    assert toggles == ["SGD", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam"]


def test_step_advances_the_race_and_moves_every_racer():
    at = app()
    assert "**Iteration 0**" in text(at)
    at.button(key=f"{NS}.btn.step").click().run()
    assert not at.exception and trainer(at).steps == 1
    assert "**Iteration 1**" in text(at)
    paths = trainer(at).snapshot().paths
    assert np.all(paths[:, 1] != paths[:, 0])
    race = charts(at)["race"]
    sgd = next(t for t in race["data"] if t.get("name") == "SGD")
    assert len(sgd["x"]["bdata"] if isinstance(sgd["x"], dict) else sgd["x"]) > 0
    (table,) = at.table  # where each racer is: a static table (no data grid on first paint)
    rows = table.value
    assert list(rows["optimizer"])[:2] == ["SGD", "Momentum"] and len(rows) == 6
    assert set(rows["status"]) == {"racing"} and not at.dataframe


def test_play_sends_the_frames_to_the_canvas_renderer():
    at = app()
    at.button(key=f"{NS}.btn.play").click().run()  # AppTest: the loop runs a few ticks
    assert not at.exception and trainer(at).steps > 0
    (canvas,) = at.main.get("bidi_component")
    assert canvas.proto.component_name == "dlx_optim_race"
    data = json.loads(canvas.proto.json)
    assert data["mode"] == "race" and data["k"] == trainer(at).steps
    assert [r["name"] for r in data["racers"]] == [
        "SGD", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam",
    ]  # fmt: skip
    assert not at.get("plotly_chart")  # the live frame replaced the paused figures


@pytest.mark.parametrize("speed", [10, 60, 200])
def test_one_iteration_a_frame_is_watched_faster_races_are_not(speed):
    from dlcore.ui.views.optimization import _live_args

    args = _live_args(OptimConfig(speed=speed))
    assert args.get("watched", False) == (speed <= 60)  # every iteration shown, or frames skip
    assert args["max_fps"] == min(speed, 60)


def test_a_racer_switched_off_leaves_the_race_figure():
    at = app()
    widget(at, "toggle", "use_sgd").set_value(False).run()
    names = [t.get("name") for t in charts(at)["race"]["data"]]
    assert "SGD" not in names and "Adam" in names
    assert trainer(at).steps == 0  # a live change: the same race


def test_learning_rate_change_is_live_and_tuned_button_restores():
    at = app(dynamics=True)
    at.button(key=f"{NS}.btn.step").click().run()
    first = trainer(at)
    widget(at, "select_slider", "lr_adam").set_value(0.3).run()
    assert trainer(at) is first and trainer(at).lr(RACERS.index("adam"), 1) == 0.3
    next(b for b in at.button if b.label == "Tuned learning rates").click().run()
    assert widget(at, "select_slider", "lr_adam").value == 0.0  # auto: the surface's
    assert trainer(at).lr(RACERS.index("adam"), 1) == 0.05


def test_the_dynamics_are_drawn_only_while_their_expander_is_open():
    """Closed (as a page opens), momentum, rho, noise and the schedule send no widget: a closed
    expander's content costs every run and the first picture; a link that sets noise or a
    schedule opens it, and a value set while open lives on once it is closed."""
    drawn = lambda at: {el.key for el in at.main if getattr(el, "key", None)}  # noqa: E731
    at = app()
    assert not {wkey(NS, n) for n in ("beta", "rho", "noise", "schedule")} & drawn(at)
    assert not any(b.label == "Tuned learning rates" for b in at.button)
    assert wkey(NS, "noise") in drawn(app({"noise": "0.2"}))
    at.session_state[f"{NS}.dynamics_open"] = True  # what a click on the expander sets
    at.run()
    widget(at, "select_slider", "beta").set_value(0.5).run()
    at.session_state[f"{NS}.dynamics_open"] = False
    at.run()
    assert wkey(NS, "beta") not in drawn(at) and trainer(at).cfg.beta == 0.5
    assert at.query_params["beta"] in ("0.5", ["0.5"])
    at.run()  # a second closed run: no stale key brings the old value back
    at.session_state[f"{NS}.dynamics_open"] = True
    at.run()
    assert widget(at, "select_slider", "beta").value == 0.5 and trainer(at).cfg.beta == 0.5


def test_surface_change_builds_a_new_race():
    at = app()
    at.button(key=f"{NS}.btn.step").click().run()
    widget(at, "selectbox", "surface").set_value("rosenbrock").run()
    assert not at.exception
    assert trainer(at).surface.key == "rosenbrock" and trainer(at).steps == 0
    assert "(1 - x)^2" in trainer(at).surface.text
    assert "kappa" not in {el.key.split(".")[-1] for el in at.select_slider}


def test_typed_surface_is_validated():
    at = app({"surface": "custom", "expr": "x^2 + 3*y^2"})
    assert trainer(at).surface.text == "x^2 + 3*y^2" and not at.error
    at = app({"surface": "custom", "expr": "import os"})
    assert any("not a valid expression" in e.value for e in at.error)
    assert trainer(at).surface.text != "import os"  # the default f(x, y) instead
    widget(at, "text_input", "expr").set_value("1/x + y").run()
    assert any("not finite" in e.value for e in at.error)


def test_start_point_from_the_link_is_checked():
    at = app({"start": "1.5,-0.5"})
    assert trainer(at).start == (1.5, -0.5)
    at = app({"surface": "rosenbrock", "start": "9,9"})
    assert any("outside the plotted square" in w.value for w in at.warning)
    assert trainer(at).start == (2.0, 3.0)
    at = app({"start": "1.5"})
    assert any("needs two numbers" in w.value for w in at.warning)
    at.button(key=f"{NS}.btn.step").click().run()
    assert not at.exception


def test_url_sets_controls_and_garbage_gives_a_notice():
    at = app({"surface": "saddle", "lr_sgd": "0.1", "noise": "0.5", "schedule": "1"})
    assert widget(at, "selectbox", "surface").value == "saddle"
    assert widget(at, "select_slider", "lr_sgd").value == 0.1
    assert trainer(at).cfg.noise == 0.5 and trainer(at).cfg.schedule
    bad = app({"kappa": "7", "lr_sgd": "lots", "noise": "-3", "view": "nowhere", "zzz": "1"})
    assert widget(bad, "radio", "view").value == "race"
    assert trainer(bad).cfg.kappa == 20 and trainer(bad).cfg.noise == 0.0
    assert any("not valid" in w.value for w in bad.warning)


def test_paused_race_shows_the_rules_the_schedule_and_the_noise():
    at = app({"schedule": "1", "decay_until": "100", "noise": "0.2"})
    for _ in range(2):
        at.button(key=f"{NS}.btn.step").click().run()
    formulas = latex(at)
    assert r"\frac{2}{100}" in formulas and "0.2" in formulas  # eta_k at k = 2, sigma
    assert r"\rho r + (1 - \rho)" in formulas and r"\sqrt{r}" in formulas
    downloads = [d for d in at.get("download_button")]
    assert downloads, "the trajectories' CSV"


def nan_positions(race) -> None:
    race.pos[:] = math.nan  # every racer's weights blew up


def test_a_diverged_race_shows_the_message_and_reset_recovers():
    _, fresh = diverge_and_reset(app(), NS, nan_positions, says="NaN or infinite")
    assert np.all(np.isfinite(fresh.snapshot().paths[:, 1]))


def test_adaptive_view_shows_the_accumulators_and_its_presets():
    at = app(view="adaptive")
    for _ in range(3):
        at.button(key=f"{NS}.btn.step").click().run()
    snap = trainer(at).snapshot()
    r = snap.r[RACERS.index("adagrad")]
    assert f"{r[0]:.4g}" in latex(at) and r"\frac{\eta}{\delta + \sqrt{r}}" in latex(at)
    next(b for b in at.button if b.label.startswith("AdaGrad stalls")).click().run()
    assert widget(at, "selectbox", "surface").value == "rosenbrock"
    assert trainer(at).surface.key == "rosenbrock"
    at.button(key=f"{NS}.btn.play").click().run()
    (canvas,) = at.main.get("bidi_component")
    data = json.loads(canvas.proto.json)
    assert data["mode"] == "adaptive" and len(data["crosses"]) == 2


def test_momentum_view_theory_next_to_measurement():
    at = app({"m_eta": "1.0", "m_beta": "0.5"}, view="momentum")
    assert "(predicted)" in latex(at) and "(measured)" in latex(at)
    (table,) = at.dataframe
    rows = table.value
    assert rows.loc[0, "predicted ρ"] == rows.loc[0, "measured ρ"] == "0.8851"
    next(b for b in at.button if b.label == "Goh's optimum").click().run()
    assert widget(at, "slider", "m_eta").value == pytest.approx(2.6716, abs=1e-4)
    assert widget(at, "slider", "m_beta").value == pytest.approx(0.4026, abs=1e-4)
    rows = at.dataframe[0].value
    assert rows.loc[0, "predicted ρ"] == rows.loc[1, "predicted ρ"] == "0.6345"
    widget(at, "select_slider", "kappa").set_value(100).run()
    assert at.dataframe[0].value.loc[1, "predicted ρ"] == "0.8182"  # Goh: (10 - 1) / (10 + 1)


def test_landscape_view_plane_choice():
    at = app({"land_steps": "100", "land_res": "21"}, view="landscape")
    assert "PC 1 and PC 2 hold" in text(at)
    widget(at, "radio", "land_dirs").set_value("random").run()
    assert not at.exception and "filter normalization" in text(at)
    assert len(charts(at)["landscape"]["data"][0]["x"]) > 0


def test_regularization_follows_alpha_and_l1_zeroes_a_weight():
    at = app({"reg_alpha": "0.01"}, view="regularization")
    assert "exactly to zero" not in text(at)
    small = latex(at)
    widget(at, "select_slider", "reg_alpha").set_value(1.0).run()
    assert latex(at) != small and "exactly to zero" in text(at)
    widget(at, "slider", "reg_tau").set_value(40).run()
    assert r"\frac{1}{40 \cdot 0.1}" in latex(at)


def test_dropout_view_reports_the_gaps():
    at = app(SMALL_DROPOUT, view="dropout")
    assert "exact up to rounding" in text(at)
    (table,) = at.dataframe
    rows = table.value.set_index("")
    soft = float(rows.loc["gap: largest |Δp| (geometric − weight scaling)", "one softmax layer"])
    deep = float(rows.loc["gap: largest |Δp| (geometric − weight scaling)", "one hidden layer"])
    assert soft < 1e-12 < 1e-3 < deep
    assert "all 16 masks" in " ".join(rows.index)


def test_the_adaptive_view_shows_a_diverged_race_too_and_reset_recovers():
    diverge_and_reset(app(view="adaptive"), NS, nan_positions, says="NaN or infinite")


def test_noise_presets_and_the_start_button():
    at = app({"start": "1,1"}, dynamics=True)
    assert trainer(at).start == (1.0, 1.0)
    next(b for b in at.button if b.label == "Noise and a decaying rate").click().run()
    cfg = trainer(at).cfg
    assert cfg.noise == 0.3 and cfg.schedule and cfg.decay_until == 600 and cfg.speed == 200
    next(b for b in at.button if b.label == "Minibatch noise").click().run()
    assert not trainer(at).cfg.schedule and trainer(at).cfg.noise == 0.3
    next(b for b in at.button if b.label == "Surface's start point").click().run()
    assert trainer(at).start == trainer(at).surface.start
