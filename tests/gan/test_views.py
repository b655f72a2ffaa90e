"""The GAN page's text and layer glue (dlcore/gan/views.py): the layer toggles, points added to a
drawn distribution, the readout with C(G) = -log 4 + 2 JS, and the lecture's equations with this
run's numbers."""

import math
from types import SimpleNamespace

import numpy as np

from dlcore.gan.config import GanConfig
from dlcore.gan.metrics import Coverage
from dlcore.gan.targets import MAX_DRAWN_POINTS, PLANE_EXTENT
from dlcore.gan.views import add_points, equations, layers, readout


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


def snap(js, d_loss, coverage=None, **extra):
    hist = {"js": np.array([0.6, js]), "d_loss": np.array([d_loss]), "g_loss": np.array([])}
    hist.update(extra)
    return SimpleNamespace(hist=hist, js_floor=0.004, coverage=coverage, n_modes=8)


def test_readout_gives_c_of_g_from_js_and_skips_what_is_not_finite():
    text = readout(snap(js=math.log(2), d_loss=1.25))
    assert text.startswith("JS 0.693 nats (noise floor 0.004)")
    assert "C(G) = 2 JS \u2212 log 4 = 0.000 (best: \u22121.386)" in text  # disjoint: C(G) = 0
    assert "D loss 1.250" in text and "G loss" not in text  # G has not been logged yet
    equal = readout(snap(js=0.0, d_loss=1.0))  # p_g = p_data: the minimum
    assert "C(G) = 2 JS \u2212 log 4 = \u22121.386" in equal
    diverged = readout(snap(js=0.1, d_loss=math.nan))
    assert "D loss" not in diverged and "nan" not in diverged.lower()
    assert "norm of G's gradient 0.00031" in readout(snap(0.1, 1.0, g_grad=np.array([3.1e-4])))


def test_readout_reports_mode_coverage():
    cov = Coverage(counts=np.full(8, 1000), modes_hit=7, share_near=0.806)
    assert readout(snap(js=0.1, d_loss=1.0, coverage=cov)).endswith(
        "modes hit 7/8, 81 % within 3 std"
    )


def test_readout_and_equations_write_no_ascii_math():
    """Plain words and true minus signs under the frame; LaTeX in the equations."""
    text = readout(snap(js=0.2, d_loss=1.0, g_loss=np.array([0.7]), g_grad=np.array([0.5])))
    for ascii_math in ("-log", "~", "^", "_", "|grad|", "sqrt"):
        assert ascii_math not in text


def equation_snap(js=0.2, d_fake=0.01, value=-1.1):
    return SimpleNamespace(
        hist={"js": np.array([js]), "g_grad": np.array([2e-4])}, js_floor=0.004,
        d_real=0.97, d_fake=d_fake, value=value,
    )  # fmt: skip


def test_equations_carry_this_runs_numbers():
    eqs = equations(equation_snap(js=0.2), "minimax")
    assert [e.title for e in eqs] == [
        "The game (value function)",
        "The optimal discriminator (Proposition 1)",
        "The criterion at the optimal D (Theorem 1)",
        "The generator's loss (in use)",
    ]
    value, dstar, criterion, g_loss = eqs
    assert value.latex.startswith("V(D, G) = ") and value.latex.endswith("\\approx -1.100")
    assert "0.970" in value.note and "0.010" in value.note
    assert r"\frac{p_{\text{data}}(\boldsymbol{x})}" in dstar.latex
    # C(G) = -log 4 + 2 JSD, with this run's JSD and the sum worked out
    assert criterion.latex.endswith(f"2 \\times 0.200 = {2 * 0.2 - math.log(4):.3f}")
    assert r"\log\left(1 - D(G(\boldsymbol{z}))\right)" in g_loss.latex  # the lecture's loss
    assert "factor $D(G(z))$ = 0.010" in g_loss.note and "0.0002" in g_loss.note


def test_equations_follow_the_loss_and_skip_what_is_undefined():
    nonsat = equations(equation_snap(d_fake=0.25), "nonsaturating")[-1]
    assert r"\max_G" in nonsat.latex and "factor $1 - D(G(z))$ = 0.750" in nonsat.note
    lsgan = equations(equation_snap(value=None), "least_squares")
    assert not lsgan[0].latex.endswith("0")  # no V(D, G) number: LSGAN's D does not ascend V
    assert "LSGAN" in lsgan[-1].note
    assert r"\text{n/a}" in equations(equation_snap(js=math.nan), "minimax")[2].latex


def test_a_value_that_rounds_to_zero_has_no_sign():
    """C(G) of disjoint supports is 2 ln 2 - log 4 = -1e-16: it reads 0.000, not -0.000."""
    disjoint = equations(equation_snap(js=math.log(2)), "minimax")[2].latex
    assert disjoint.endswith("= 0.000") and "-0.000" not in disjoint
    assert "\u22120.000" not in readout(snap(js=math.log(2), d_loss=1.0))


def test_the_dstar_note_says_where_dstar_is():
    assert "Turn on" in equations(equation_snap(), "minimax")[1].note
    assert "Shown above" in equations(equation_snap(), "minimax", dstar_shown=True)[1].note
