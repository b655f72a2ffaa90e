"""The page's text (dlcore/backprop/views.py): the chain rule of a step with both paths of a
fan-out and their numbers, captions without ASCII exponents, and the lecture's matrix form with
the lecture's sign (its error signals are minus dE/dnet)."""

import numpy as np

from dlcore.backprop import views as text
from dlcore.backprop.config import NetConfig, WalkConfig
from dlcore.backprop.depth import depth_study
from dlcore.backprop.network import NetworkTrainer
from dlcore.backprop.walk import BackwardWalk


def test_the_fan_out_step_names_both_paths_with_numbers():
    walk = BackwardWalk(WalkConfig("x*y + sin(x)", "x = 0.8, y = -1.7"))
    walk.step(len(walk.order))
    snap = walk.snapshot()
    lines = text.visit_latex(snap.problem, snap.current)  # x: the last step
    assert lines[0].count(r"\underbrace") == 4  # two paths, each upstream x local
    assert "-1.7" in lines[0] and "0.6967" in lines[0] and lines[0].endswith("-1.003")
    assert len(lines) == 3 and r"\cos(x)" in lines[2]
    assert "∂f/∂x = ∂f/∂v1 · ∂v1/∂x + ∂f/∂v2 · ∂v2/∂x" in text.visit_text(
        snap.problem, snap.current
    )


def test_captions_write_powers_as_superscripts():
    assert text.sci(2.78e-7) == "2.78 × 10⁻⁷" and text.sci(0.5) == "0.5"
    caption = text.depth_caption(depth_study("sigmoid", 12, 1), 10)
    assert "^" not in caption and "(¼)¹⁰" in caption


def test_matrix_form_has_the_lecture_sign():
    s = NetworkTrainer(NetConfig()).snapshot().now
    h_line, w_line = text.matrix_latex(s)
    assert text.tex_num(-s.delta_h[0], 3) in h_line  # delta^h of the log-likelihood
    dj_dw = -np.outer(s.delta_h, s.x)  # dJ/dW = -dE/dW
    assert w_line.endswith(text._mat(dj_dw))
