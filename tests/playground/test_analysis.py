"""Boundary grid, hidden space, ReLU linear regions and the lecture's XOR matrices."""

import dataclasses

import numpy as np
import pytest

from dlcore.playground import analysis as A
from dlcore.playground.config import PlaygroundConfig
from dlcore.playground.mlp import MLP
from dlcore.playground.trainer import PlaygroundTrainer


def test_xor_slide_design_matrix_steps():
    s = A.xor_slide_steps()
    assert np.array_equal(s.XW, [[0, 0], [1, 1], [1, 1], [2, 2]])
    assert np.array_equal(s.XW_c, [[0, -1], [1, 0], [1, 0], [2, 1]])
    assert np.array_equal(s.relu, [[0, 0], [1, 0], [1, 0], [2, 1]])
    assert np.array_equal(s.out, [0, 1, 1, 0])


def test_xor_linear_least_squares_is_w0_b_half():
    fit = A.xor_linear_least_squares()
    assert np.allclose(fit.w, 0) and np.isclose(fit.b, 0.5) and np.isclose(fit.loss, 0.25)


def test_boundary_grid_orientation_and_neurons():
    t = PlaygroundTrainer(PlaygroundConfig())
    t.run_epochs(100)
    g = A.boundary(t, g=40, g_small=10)
    assert g.value.shape == (40, 40) and [n.shape for n in g.neurons] == [(4, 10, 10), (2, 10, 10)]
    assert g.inputs.shape == (2, 10, 10)
    assert np.allclose(g.inputs[0][:, 0], -6) and np.allclose(g.inputs[1][0], 6)  # top row x2 = 6
    assert g.value[20, 20] > 0.5 and g.value[0, 0] < -0.5  # circle: blue inside, orange outside


def test_hidden_space_two_units_gives_exact_separating_line():
    t = PlaygroundTrainer(PlaygroundConfig())
    t.run_epochs(200)
    hs = A.hidden_space(t)
    assert hs.method == "units" and hs.z.shape == (500, 2) and hs.line is not None
    w1, w2, b = hs.line
    side = np.sign(w1 * hs.z[:, 0] + w2 * hs.z[:, 1] + b)
    assert np.mean(side == np.where(hs.classes == 1, 1, -1)) > 0.98  # linearly separable


def test_hidden_space_projection_for_wide_layers():
    t = PlaygroundTrainer(dataclasses.replace(PlaygroundConfig(), hidden=(5,)))
    assert A.hidden_space(t).method == "pca"
    t1 = PlaygroundTrainer(dataclasses.replace(PlaygroundConfig(), hidden=(1,)))
    assert A.hidden_space(t1).method == "unit+zero"


def test_linear_regions_hand_set_relu_net():
    net = MLP((2, 2, 1), "relu", "tanh")
    net.W[0][...] = np.eye(2)  # units x1 > 0 and x2 > 0: the axes cut the plane into 4
    net.b[0][...] = 0.0
    assert A.linear_regions(net, ("x1", "x2"), 6.0, g=51).count == 4
    rng = np.random.default_rng(0)
    wide = MLP((2, 6, 1), "relu", "tanh", rng=rng)
    wide.b[0][...] = rng.uniform(-3, 3, 6)
    count = A.linear_regions(wide, ("x1", "x2"), 6.0).count
    assert 2 <= count <= 1 + 6 + 15  # at most 1 + n + C(n, 2) regions for n lines


@pytest.mark.parametrize("width", [1, 3, 8, 12])
def test_pattern_ids_number_rows_as_numpys_unique_does(width):
    rng = np.random.default_rng(width)
    packed = (rng.integers(0, 3, (5000, width)) * 91).astype(np.uint8)
    expected = np.unique(packed, axis=0, return_inverse=True)[1].ravel()
    assert np.array_equal(A.pattern_ids(packed), expected)
