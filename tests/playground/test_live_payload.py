"""The live frame's data for the in-page canvas (dlcore/viz/playground_live.py): what the browser
decodes must be exactly the frame's numbers."""

import base64
import dataclasses

import numpy as np
import pytest

from dlcore.playground import views as V
from dlcore.playground.config import PlaygroundConfig
from dlcore.playground.trainer import PlaygroundTrainer
from dlcore.viz import playground as P
from dlcore.viz.playground_live import PLANE_PX, live_payload, lut_index


def _bytes(s: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(s), np.uint8)


def _frame(**kw):
    t = PlaygroundTrainer(dataclasses.replace(PlaygroundConfig(), **kw))
    t.step(40)
    return t, V.frame(t)


def test_lut_index_maps_the_ends_and_nan():
    assert lut_index(np.array([-1.0, 0.0, 1.0, np.nan, 5.0])).tolist() == [0, 128, 255, 128, 255]


def test_field_decodes_to_the_frame_output():
    _t, f = _frame()
    d = live_payload(f, show_test=False, discretize=False, counter=7)
    assert d["i"] == 7 and d["g"] == f.value.shape[0]
    idx = _bytes(d["field"]).reshape(d["g"], d["g"])
    np.testing.assert_array_equal(idx, lut_index(f.value))
    np.testing.assert_array_equal(_bytes(d["lut"]).reshape(256, 3), P.LUT)
    disc = live_payload(f, show_test=False, discretize=True, counter=8)
    assert set(np.unique(_bytes(disc["field"]))) <= {0, 128, 255}


def test_three_classes_and_non_finite_values_travel_as_rgb():
    _, f = _frame(dataset="spiral3", output="softmax")
    d = live_payload(f, False, False, 1)
    assert "lut" not in d
    rgb = _bytes(d["field"]).reshape(d["g"], d["g"], 3)
    np.testing.assert_array_equal(rgb, P.field_rgb(f.value, f.probs, False))
    bad = dataclasses.replace(f, value=np.full_like(f.value, np.nan))
    assert "lut" not in live_payload(bad, False, False, 2)


@pytest.mark.parametrize("show_test", [False, True])
def test_points_are_the_data_in_canvas_pixels(show_test):
    _t, f = _frame()
    p = live_payload(f, show_test, False, 1)["pts"]
    n_train, n_test = len(f.train[0]), len(f.test[0])
    assert p["n"] == n_train + (n_test if show_test else 0)
    xy = np.frombuffer(base64.b64decode(p["xy"]), "<u2").reshape(-1, 2)
    assert xy.min() >= 0 and xy.max() <= PLANE_PX - 1
    # the first train point, by hand: x1 from -domain..domain -> 0..PLANE_PX-1, x2 upwards
    x1, x2 = f.train[0][0]
    d = f.domain
    assert xy[0, 0] == round((x1 + d) / (2 * d) * (PLANE_PX - 1))
    assert xy[0, 1] == round((d - x2) / (2 * d) * (PLANE_PX - 1))
    ring = _bytes(p["ring"])
    assert (ring[:n_train] == 255).all() and (ring[n_train:] == 0).all()
    rgb = _bytes(p["rgb"]).reshape(-1, 3)
    np.testing.assert_array_equal(rgb[:n_train], P.point_colors(f.train[1], f.n_classes))


def test_network_sizes_maps_and_weights_in_link_order():
    _t, f = _frame(hidden=(3, 2))
    n = live_payload(f, False, False, 1)["net"]
    assert n["sizes"] == [2, 3, 2, 1]
    assert len(n["w"]) == 2 * 3 + 3 * 2 + 2 * 1
    W0 = f.snap.weights[0]  # (2, 3): link k = i * 3 + j
    assert n["w"][1 * 3 + 2] == pytest.approx(W0[1, 2], abs=1e-3)
    maps = _bytes(n["maps"]).reshape(-1, n["mg"], n["mg"])
    assert len(maps) == sum(n["sizes"])
    np.testing.assert_array_equal(maps[2], lut_index(f.maps[1][0]))  # first hidden unit


def test_curves_thinned_with_accuracy_and_early_stop():
    t = PlaygroundTrainer(PlaygroundConfig())
    t.run_epochs(30)
    snap = t.snapshot()
    c = live_payload(V.frame(t), False, False, 1)["curves"]

    def f32(key):
        return np.frombuffer(base64.b64decode(c[key]), "<f4")

    assert c["n"] == len(f32("epoch")) == len(f32("train")) == len(f32("acc")) <= 300
    assert f32("epoch")[-1] == pytest.approx(t.epoch)
    assert f32("test")[-1] == pytest.approx(snap.curve_test[-1], rel=1e-5)
    assert 0.0 <= f32("acc")[-1] <= 1.0 and c["best"] is None
    long = dataclasses.replace(
        snap,
        curve_epoch=np.arange(5000.0),
        curve_train=np.ones(5000),
        curve_test=np.ones(5000),
        curve_test_acc=np.full(5000, np.nan),
    )
    c = live_payload(dataclasses.replace(V.frame(t), snap=long), False, False, 2)["curves"]
    assert c["n"] == 300 and np.isnan(f32("acc")).all() and f32("epoch")[-1] == 4999


def test_the_lecture_xor_points_are_big_with_a_dark_ring_while_playing():
    """The four XOR points (targets 0 are drawn white) get a dark ring and big dots in the live
    frame too, so all four show on the pale plane (issue 24 item 6)."""
    _t, f = _frame(dataset="xor4", hidden=(2,), activation="relu", batch=0)
    p = live_payload(f, show_test=True, discretize=False, counter=1)["pts"]
    assert p["n"] == 4 and p["big"]  # the test set is the training set: drawn once
    ring, targets = _bytes(p["ring"]), f.train[1]  # targets 0, 1, 1, 0
    assert (ring[targets == 0] == P.TRAIN_RING_PALE).all() and P.TRAIN_RING_PALE < 128
    assert (ring[targets == 1] == 255).all()
    assert not live_payload(_frame()[1], False, False, 1)["pts"]["big"]
