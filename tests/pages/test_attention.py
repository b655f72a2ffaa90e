"""AppTest of pages/attention.py: the three views draw, typing a date translates it, switching the
score changes the map, the temperature sharpens it, Step trains, URL parameters set controls
(garbage -> notice), and empty / 5,000-character / emoji-only inputs give a clear message."""

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from dlcore.attention.seq2seq import checkpoint_path
from dlcore.ui.urlstate import wkey

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "attention.py")
KINDS = ("selectbox", "slider", "number_input", "toggle", "radio", "select_slider", "text_input")


def app(**params):
    at = AppTest.from_file(PAGE, default_timeout=300)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


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


def z(spec) -> np.ndarray:
    """The heatmap matrix of a plotly spec (plotly ships arrays as base64 'bdata')."""
    raw = spec["data"][0]["z"]
    if isinstance(raw, dict):
        flat = np.frombuffer(base64.b64decode(raw["bdata"]), dtype=raw["dtype"])
        return flat.reshape([int(n) for n in str(raw["shape"]).split(",")])
    return np.asarray(raw, dtype=float)


def texts(at):
    kinds = ("markdown", "caption", "info", "warning", "error")
    return " ".join(str(e.value) for kind in kinds for e in at.get(kind))


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
    assert "weight a_t(s)" in t and "context c_t" in t  # the by-hand panel
    assert z(chart(dates, "Bahdanau additive, τ = 1")).shape == (10, 15)
    assert "Accuracy against input length" in json.dumps(list(charts(dates).values()))
    assert len(dates.get("download_button")) >= 2


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
        assert "h^T h_s" in texts(at)
    else:
        assert "no shipped checkpoint" in texts(at)
    retype(at, "compare", "none")
    assert "no alignment" in texts(at) or "no shipped checkpoint" in texts(at)


def test_step_trains_and_url_sets_controls():
    at = app(score="general", temperature="0.5", checkpoint="100", row="3", col="2", batch="16")
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
    assert "not an explanation" in texts(at) and len(at.get("image")) == 1
    retype(at, "hide_special", True)
    assert z(chart(at, "layer 0, head 0")).shape == (6, 6)
    retype(at, "agg", "rollout")
    assert chart(at, "rollout")
    for text, notice in (("", "Type a sentence"), ("word " * 1000, "truncated"), ("😀😀", "[UNK]")):
        retype(at, "sentence", text)
        assert notice in texts(at)
