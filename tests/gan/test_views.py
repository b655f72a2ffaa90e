"""The GAN page's text and layer glue (dlcore/gan/views.py): the layer toggles, points added to a
drawn distribution, and the readout with C(G) = -log 4 + 2 JS."""

import math
from types import SimpleNamespace

import numpy as np

from dlcore.gan.config import GanConfig
from dlcore.gan.metrics import Coverage
from dlcore.gan.targets import MAX_DRAWN_POINTS, PLANE_EXTENT
from dlcore.gan.views import add_points, layers, readout


def test_layers_follow_the_toggles():
    assert layers(GanConfig()) == {"heatmap", "real", "fake"}
    cfg = GanConfig(show_heatmap=False, show_real=False, show_manifold=True, show_grads=True)
    assert layers(cfg) == {"fake", "manifold", "grads"}


def test_added_points_are_rounded_clipped_and_appended():
    assert add_points("", [(0.123, -0.456)]) == "0.12,-0.46"
    assert add_points("0.12,-0.46", [(1, 1), (9, -9)]) == (
        f"0.12,-0.46,1.00,1.00,{PLANE_EXTENT[1]:.2f},{PLANE_EXTENT[0]:.2f}"
    )  # a point off the plane is clipped to its edge


def test_added_points_are_capped_and_survive_garbage_text():
    many = add_points("", [(0.0, 0.0)] * (MAX_DRAWN_POINTS + 10))
    assert len(many.split(",")) == 2 * MAX_DRAWN_POINTS
    assert add_points("1,2,abc", [(0.5, 0.5)]) == "0.50,0.50"  # unreadable text starts afresh
    assert add_points("1,2,3", [(0.5, 0.5)]) == "1.00,2.00,0.50,0.50"  # an odd value is dropped


def snap(js, d_loss, coverage=None):
    hist = {"js": np.array([0.6, js]), "d_loss": np.array([d_loss]), "g_loss": np.array([])}
    return SimpleNamespace(hist=hist, js_floor=0.004, coverage=coverage, n_modes=8)


def test_readout_gives_c_of_g_from_js_and_skips_what_is_not_finite():
    text = readout(snap(js=math.log(2), d_loss=1.25))
    assert text.startswith("JS 0.693 nats (floor 0.004)")
    assert "C(G) ~ 0.000 (minimum -log 4 = -1.386)" in text  # disjoint supports: C(G) = 0
    assert "D loss 1.250" in text and "G loss" not in text  # G has not been logged yet
    assert "C(G) ~ -1.386" in readout(snap(js=0.0, d_loss=1.0))  # p_g = p_data: the minimum
    diverged = readout(snap(js=0.1, d_loss=math.nan))
    assert "D loss" not in diverged and "nan" not in diverged.lower()


def test_readout_reports_mode_coverage():
    cov = Coverage(counts=np.full(8, 1000), modes_hit=7, share_near=0.806)
    assert readout(snap(js=0.1, d_loss=1.0, coverage=cov)).endswith(
        "modes hit 7/8, 81 % within 3 std"
    )
