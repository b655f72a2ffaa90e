"""Tests for dlcore.conv.tex: the page's equations carry this run's numbers, and those numbers
are the ones the convolution and pooling code computes."""

from __future__ import annotations

import re

import numpy as np
import pytest

from dlcore.conv import images, kernels, ops, pooling, tex, views
from dlcore.conv.algebra import cost


def test_numbers_are_short_and_never_in_exponent_form():
    assert [tex.num(v) for v in (0.0, 1e-5, -1.0, 0.54112, 0.0625, 100.0, -12.345)] == [
        "0",
        "0",
        "-1",
        "0.541",
        "0.0625",
        "100",
        "-12.3",
    ]
    assert tex.thousands(1234567) == "1{,}234{,}567"


def test_the_lecture_definitions_and_their_3d_forms():
    corr, conv = tex.definitions(summed=False).split(r"\\")
    assert r"(I \star K)(i,j) = \sum_{m}\sum_{n} I(i+m,\, j+n)\, K(m,n)" in corr
    assert r"(I * K)(i,j) = \sum_{m}\sum_{n} I(m,n)\, K(i-m,\, j-n)" in conv
    corr3, conv3 = tex.definitions(summed=True).split(r"\\")
    assert r"\sum_{k} I(i+m,\, j+n,\, k)\, K(m,n,k)" in corr3
    assert r"I(m,n,k)\, K(i-m,\, j-n,\, k)" in conv3


def test_this_run_writes_the_input_index_of_each_tap():
    st = ops.ConvSettings("convolution", (2, 1), "same", "zeros", 2)
    plan = ops.plan((30, 30), (5, 5), st)
    line = tex.this_run(plan, st)
    # row of tap m of output row i: 2 i + 2 m - 4 (same padding of a dilated 5-tap kernel)
    assert r"I(2i + 2m - 4,\, j + 2n - 4)\, \tilde K(m,n)" in line
    assert r"\tilde K(m,n) = K(4-m,\, 4-n)" in line
    plain = tex.this_run(ops.plan((9, 9), (3, 3), ops.ConvSettings()), ops.ConvSettings())
    assert r"I(i + m,\, j + n)\, K(m,n)" in plain and "tilde" not in plain
    one = ops.ConvSettings(mode="convolution")
    single = tex.this_run(ops.plan((9, 9), (1, 1), one), one)
    assert r"\tilde K = K" in single and "K(0-m" not in single


def test_output_size_has_the_formula_and_this_run_s_numbers():
    plan = ops.plan((28, 30), (5, 5), ops.ConvSettings(stride=(2, 3), padding="same", dilation=2))
    eq = tex.output_size(plan)
    assert r"\frac{H + p_{\text{top}} + p_{\text{bottom}} - d\,(k-1) - 1}{s_y}" in eq
    assert r"\frac{28 + 4 + 4 - 2\cdot(5-1) - 1}{2} \right\rfloor + 1 = 14" in eq
    assert r"\frac{30 + 4 + 4 - 2\cdot(5-1) - 1}{3} \right\rfloor + 1 = 10" in eq


def test_inner_product_terms_add_up_to_the_output_pixel():
    img = images.scene(32)
    st = ops.ConvSettings(channels="sum")
    k = kernels.make("emboss", 5)
    ip = ops.inner_product(img, k, st, 4, 6)
    eq = tex.inner_product(ip, 1, "G")
    assert r"S_{G}(4,\, 6) = \langle I_{G}[4..8,\ 6..10],\ K \rangle" in eq
    assert r"+ \cdots" in eq and r"(25\ \text{products})" in eq  # 25 terms: 8 written out
    shown = re.findall(r"\((-?[\d.]+)\)\((-?[\d.]+)\)", eq)
    assert len(shown) == 8
    assert float(shown[0][0]) == pytest.approx(ip.patch[1, 0, 0], abs=5e-3)
    assert f"= {ip.sums[1]:.4f}" in eq
    total = tex.channel_sum(ip, "RGB")
    assert "S_{R} + S_{G} + S_{B}" in total and f"= {ip.value:.4f}" in total
    out = ops.apply_kernel(img, k, st).output[0, 4, 6]
    assert ip.value == pytest.approx(float(out), abs=1e-4)


def test_lp_example_is_the_strongest_window_and_lies_between_average_and_max():
    fmap = np.zeros((6, 6))
    fmap[2:4, 4:6] = [[0.2, 0.9], [0.1, 0.0]]  # the strongest 2x2 window (stride 2)
    ex = views.lp_example(fmap, 2, 2, 4.0)
    np.testing.assert_array_equal(ex.values, [[0.2, 0.9], [0.1, 0.0]])
    expected = np.mean(np.array([0.2, 0.9, 0.1, 0.0]) ** 4) ** 0.25
    assert ex.lp == pytest.approx(expected, rel=1e-5)
    assert ex.average == pytest.approx(0.3) and ex.largest == pytest.approx(0.9)
    assert ex.average < ex.lp < ex.largest
    assert ex.lp == pytest.approx(float(pooling.pool2d(fmap, "lp", 2, 2, 4.0)[1, 2]), rel=1e-5)
    eq = tex.lp_window(ex.values, 4.0, ex.lp)
    assert r"\tfrac{1}{4}\big(0.2^{4} + 0.9^{4} + 0.1^{4} + 0^{4}\big)" in eq
    assert eq.endswith(f"^{{1/4}} = {tex.num(expected)}")
    assert "= 0.3" in tex.lp_limits(ex.average, ex.largest)


def test_runtime_uses_the_layer_s_counts():
    c = cost((1, 10, 10), (1, 8, 8), (3, 3), summed=False)
    eq = tex.runtime(c)
    assert r"100 \times 64 = 6{,}400" in eq and r"9 \times 64 = 576" in eq
