"""AppTest of pages/ntm.py: every slider and toggle draws and changes what is drawn, the Write
button changes memory, the tape slider moves, typed bit patterns are validated, URL parameters
set controls (garbage -> notice), and Step trains the live NTM."""

import json
import math
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from dlcore.ntm.config import NTMConfig
from dlcore.ui.urlstate import wkey
from tests.pages.divergence import diverge_and_reset, nan_parameters

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "ntm.py")


def app(params=None, view=None):
    at = AppTest.from_file(PAGE, default_timeout=90)
    for k, v in {**({"view": view} if view else {}), **(params or {})}.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def by_key(at, kind, name):
    return next(el for el in at.get(kind) if el.key == wkey("ntm", name))


def charts(at):
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def values(y):
    """A plotly trace's numbers (plotly 6 ships arrays as base64 typed arrays)."""
    if isinstance(y, dict):
        import base64

        return np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"]).tolist()
    return list(y)


def stage_values(at):
    fig = charts(at)[0]
    # plotly 6 ships arrays as typed-array dicts; compare their serialised form
    return [
        json.dumps(t["y"], sort_keys=True) for t in fig["data"] if t.get("name") in ("w_c", "w")
    ]


@pytest.fixture(scope="module")
def start():
    return app()


def test_addressing_view_draws_every_slider(start):
    names = (
        "k0",
        "k1",
        "k2",
        "k3",
        "beta",
        "g",
        "gamma",
        "prev_loc",
        "s_minus",
        "s_zero",
        "s_plus",
    )
    for name in names:
        assert by_key(start, "slider", name) is not None, name
    assert len(charts(start)) == 3  # stages, memory, shift distribution
    assert any("Shift sign convention" in i.value for i in start.info)


@pytest.mark.parametrize(
    "name, value",
    [("beta", 30.0), ("g", 1.0), ("gamma", 10.0), ("s_plus", 0.0), ("k0", -1.0), ("prev_loc", 6)],
)
def test_each_addressing_slider_changes_the_weightings(name, value):
    at = app()
    before = stage_values(at)
    by_key(at, "slider", name).set_value(value).run()
    assert not at.exception
    assert stage_values(at) != before, name


VIEW_CONTROLS = {
    "write": {"slider": ("focus", "spread"), "text_input": ("erase", "add")},
    "copy": {
        "toggle": ("no_content", "no_interp", "no_shift", "no_sharpen"),
        "radio": ("model", "source"),
        "slider": ("length", "t"),
        "number_input": ("seq_seed",),
        "select_slider": ("ckpt",),
    },
    "length": {"slider": ("my_len",), "toggle": ("no_shift",)},
    "train": {"selectbox": ("start",), "select_slider": ("lr",), "number_input": ("seed",)},
}


@pytest.mark.parametrize("view", list(VIEW_CONTROLS))
def test_every_control_of_each_view_draws(view):
    at = app(view=view)
    for kind, names in VIEW_CONTROLS[view].items():
        keys = {el.key for el in at.get(kind)}
        for name in names:
            assert wkey("ntm", name) in keys, (view, kind, name)


def test_sandbox_focus_slider_moves_the_preview():
    at = app(view="write")
    before = charts(at)[0]["data"][0]["z"]
    by_key(at, "slider", "focus").set_value(6).run()
    assert not at.exception
    assert charts(at)[0]["data"][0]["z"] != before


def test_url_sets_controls_and_garbage_gives_notice():
    at = app({"beta": "12.5", "g": "0.25"})
    assert by_key(at, "slider", "beta").value == 12.5 and by_key(at, "slider", "g").value == 0.25
    bad = app({"beta": "lots", "view": "nowhere", "zzz": "1"})
    assert by_key(bad, "slider", "beta").value == NTMConfig().beta
    assert any("not valid" in w.value for w in bad.warning)


def test_write_button_changes_memory():
    at = app(view="write")
    assert any("Preview" in c.value for c in at.caption)
    at.button[0].click().run()
    assert not at.exception
    after = at.session_state["ntm.sandbox"]
    last = at.session_state["ntm.last_write"]
    assert (abs(last.diff).sum() > 0) and (after == last.after).all()
    row = int(NTMConfig().focus)
    assert (last.after[row] != last.before[row]).any()  # the focused row was written
    at.button[1].click().run()  # reset memory
    assert at.session_state["ntm.sandbox"] is None


def test_copy_view_tape_slider_moves_and_toggles_draw():
    at = app(view="copy")
    tape = charts(at)[0]
    t_slider = by_key(at, "slider", "t")
    t_slider.set_value(7).run()
    assert not at.exception
    shapes = [s for s in charts(at)[0]["layout"]["shapes"] if s.get("type") == "rect"]
    assert shapes and shapes[0]["x0"] == 6.5
    assert charts(at)[0] != tape
    for name in ("no_content", "no_interp", "no_shift", "no_sharpen"):
        assert by_key(at, "toggle", name) is not None
    caption = next(c.value for c in at.caption if "output bits wrong" in c.value)
    by_key(at, "toggle", "no_shift").set_value(True).run()
    assert not at.exception
    broken = next(c.value for c in at.caption if "output bits wrong" in c.value)
    assert broken != caption  # switching off the shift changes the copy


def test_typed_pattern_bad_characters_message():
    at = app({"source": "typed", "pattern": "1010x010 11110000"}, view="copy")
    assert any("other than 0 and 1" in e.value for e in at.error)
    ok = app({"source": "typed", "pattern": "10101010 11110000 00001111"}, view="copy")
    assert not ok.error
    assert any("L = 3 vectors" in c.value for c in ok.caption)


def test_checkpoint_scrubber_changes_the_model():
    at = app({"model": "NTM", "length": "20"}, view="copy")
    final = next(c.value for c in at.caption if "output bits wrong" in c.value)
    at.select_slider(key=wkey("ntm", "ckpt")).set_value(0).run()
    assert not at.exception
    early = next(c.value for c in at.caption if "output bits wrong" in c.value)
    assert early != final


def test_length_view_reports_both_models():
    at = app({"my_len": "30"}, view="length")
    bars = [t for t in charts(at)[0]["data"] if t["type"] == "bar"]
    assert {b["name"] for b in bars} == {"NTM", "LSTM"}
    assert list(bars[0]["x"]) == ["10", "20", "30", "40", "80"]


def test_step_trains_the_live_ntm():
    at = app(view="train")
    at.button(key="ntm.btn.step").click().run()
    assert not at.exception
    assert at.session_state["ntm.trainer"].steps == 1
    assert any("step 1" in m.value for m in at.markdown)


def test_play_draws_one_inline_image_a_frame():
    at = app(view="train")
    n_charts = len(at.get("plotly_chart"))  # paused: the interactive curves and tape
    assert n_charts == 2 and not at.get("image")
    at.button(key="ntm.btn.play").click().run()  # under AppTest the loop runs 3 ticks
    assert not at.exception
    assert at.session_state["ntm.trainer"].steps > 0
    (frame,) = at.get("image")  # the last live frame replaced the charts in place
    assert frame.proto.imgs[0].url.startswith("data:image/png;base64,")
    assert not at.get("plotly_chart")


def test_a_diverged_model_shows_the_message_and_reset_recovers():
    _, fresh = diverge_and_reset(app(view="train"), "ntm", nan_parameters("model"), says="loss")
    assert math.isfinite(fresh.history.last()["loss"])


def test_the_memory_seed_redraws_the_memory_at_once():
    from dlcore.ntm.analysis import default_memory

    at = app()
    by_key(at, "number_input", "mem_seed").set_value(3).run()
    (editor,) = at.dataframe
    assert editor.key == "ntm.mem3"
    shown = editor.value.to_numpy(dtype=float)
    assert np.allclose(shown, default_memory(8, 4, 3), atol=1e-6)  # not the seed-0 memory
    assert not np.allclose(shown, default_memory(8, 4, 0), atol=1e-6)


def test_the_scrubber_runs_in_training_order_and_ends_at_the_final_model():
    at = app({"model": "NTM"}, view="copy")
    slider = at.select_slider(key=wkey("ntm", "ckpt"))
    labels = list(slider.options)  # as shown: the format_func's labels
    assert labels[-1].startswith("final (")
    seen = [int(label.split()[-2].strip("(").replace(",", "")) for label in labels]
    assert seen == sorted(seen) and len(set(seen)) == len(seen)  # increasing, none repeated


def test_the_length_table_does_not_depend_on_your_length():
    def bars(my_len):
        at = app({"my_len": str(my_len)}, view="length")
        fig = charts(at)[0]
        bars = [b for b in fig["data"] if b["type"] == "bar"]
        return {b["name"]: dict(zip(b["x"], values(b["y"]))) for b in bars}

    a, b = bars(30), bars(50)
    for model in ("NTM", "LSTM"):
        for length in ("10", "20", "40", "80"):
            assert a[model][length] == b[model][length], (model, length)


def test_an_over_long_typed_pattern_is_cut_with_a_message():
    rng = np.random.default_rng(0)
    words = ["".join(map(str, rng.integers(0, 2, 8))) for _ in range(150)]
    at = app({"source": "typed", "pattern": " ".join(words)}, view="copy")
    assert any("150 vectors; the first 120 are copied" in i.value for i in at.info)
    assert any("L = 120 vectors" in c.value for c in at.caption)
