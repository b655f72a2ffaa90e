"""Numeric tests for dlcore.conv.ops: torch and loop-reference parity, sizes, inner product."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from dlcore.conv import images, kernels, ops


def loop_reference(
    img: np.ndarray,
    k: np.ndarray,
    mode: str,
    stride: tuple[int, int],
    padding: str,
    pad_mode: str,
    dilation: int,
) -> np.ndarray:
    """Textbook formulas with explicit loops, one channel (H, W).

    correlation: S(i, j) = sum_mn I(i s_y + d m, j s_x + d n) K(m, n)
    convolution: S(i, j) = sum_mn I(i s_y + d m, j s_x + d n) K(kh-1-m, kw-1-n)
    over the padded image (numpy's pad: 'constant' or 'reflect', the edge pixel not repeated).
    """
    kh, kw = k.shape
    (rl, rh), (cl, ch) = (
        ops.pad_amounts(padding, kh, dilation),
        ops.pad_amounts(padding, kw, dilation),
    )
    x = np.pad(img, ((rl, rh), (cl, ch)), mode="constant" if pad_mode == "zeros" else "reflect")
    ho = (x.shape[0] - dilation * (kh - 1) - 1) // stride[0] + 1
    wo = (x.shape[1] - dilation * (kw - 1) - 1) // stride[1] + 1
    out = np.zeros((ho, wo))
    for i in range(ho):
        for j in range(wo):
            total = 0.0
            for m in range(kh):
                for n in range(kw):
                    km = k[kh - 1 - m, kw - 1 - n] if mode == "convolution" else k[m, n]
                    total += x[i * stride[0] + dilation * m, j * stride[1] + dilation * n] * km
            out[i, j] = total
    return out


def _random_case(seed: int):
    rng = np.random.default_rng(seed)
    h, w = rng.integers(6, 14, size=2)
    kh, kw = rng.choice([1, 2, 3, 5], size=2)
    st = ops.ConvSettings(
        mode=str(rng.choice(ops.MODES)),
        stride=(int(rng.integers(1, 4)), int(rng.integers(1, 4))),
        padding=str(rng.choice(ops.PADDINGS)),
        pad_mode=str(rng.choice(ops.PAD_MODES)),
        dilation=int(rng.integers(1, 3)),
    )
    img = rng.normal(size=(2, h, w)).astype(np.float32)
    k = rng.normal(size=(kh, kw))
    return img, k, st


@pytest.mark.parametrize("seed", range(40))
def test_matches_loop_reference_and_formula(seed):
    img, k, st = _random_case(seed)
    p = ops.plan(img.shape[1:], k.shape, st)
    if p.error:
        with pytest.raises(ops.ConvError):
            ops.apply_kernel(img, k, st)
        return
    res = ops.apply_kernel(img, k, st)
    assert res.output.shape == (2, *p.out_hw)
    for c in range(2):
        ref = loop_reference(
            img[c].astype(np.float64), k, st.mode, st.stride, st.padding, st.pad_mode, st.dilation
        )
        np.testing.assert_allclose(res.output[c], ref, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("seed", range(20))
def test_matches_torch_conv2d_with_flip(seed):
    rng = np.random.default_rng(100 + seed)
    c, h, w = 3, int(rng.integers(7, 20)), int(rng.integers(7, 20))
    k = rng.normal(size=(3, 3))
    stride, dil = (int(rng.integers(1, 3)), int(rng.integers(1, 3))), int(rng.integers(1, 3))
    img = rng.normal(size=(c, h, w)).astype(np.float32)
    x = torch.as_tensor(img)[None]
    wt = torch.as_tensor(k, dtype=torch.float32)
    for mode, w_used in (("correlation", wt), ("convolution", torch.flip(wt, (0, 1)))):
        st = ops.ConvSettings(mode=mode, stride=stride, padding="same", dilation=dil)
        p = ops.plan((h, w), k.shape, st)
        xp = F.pad(x, (p.cols.pad_lo, p.cols.pad_hi, p.rows.pad_lo, p.rows.pad_hi))
        per = F.conv2d(xp, w_used.expand(c, 1, 3, 3), stride=stride, dilation=dil, groups=c)[0]
        summed = F.conv2d(xp, w_used.expand(1, c, 3, 3), stride=stride, dilation=dil)[0]
        np.testing.assert_allclose(ops.apply_kernel(img, k, st).output, per.numpy(), atol=1e-5)
        st_sum = ops.ConvSettings(
            mode=mode, stride=stride, padding="same", dilation=dil, channels="sum"
        )
        np.testing.assert_allclose(
            ops.apply_kernel(img, k, st_sum).output, summed.numpy(), atol=1e-4
        )


@pytest.mark.parametrize("mode", ops.MODES)
@pytest.mark.parametrize("k", range(1, 8))
def test_every_square_kernel_size_matches_conv2d(k, mode):
    """1x1 to 7x7 (the custom grid takes 1 to 49 values), both modes, against F.conv2d. The
    flipped 1x1 kernel once kept its negative strides and torch refused it (issue 24 item 3)."""
    rng = np.random.default_rng(k)
    img = rng.random((3, 12, 12)).astype(np.float32)
    kern = rng.normal(size=(k, k))
    wt = torch.as_tensor(kern, dtype=torch.float32)
    used = torch.flip(wt, (0, 1)) if mode == "convolution" else wt
    ref = F.conv2d(torch.as_tensor(img)[None], used.expand(3, 1, k, k), groups=3)[0]
    res = ops.apply_kernel(img, kern, ops.ConvSettings(mode=mode))
    np.testing.assert_allclose(res.output, ref.numpy(), atol=1e-5)
    assert min(res.kernel_used.strides) > 0
    ip = ops.inner_product(img, kern, ops.ConvSettings(mode=mode), 1, 2, channel=2)
    assert ip.value == pytest.approx(float(res.output[2, 1, 2]), abs=1e-5)


@pytest.mark.parametrize(
    ("n", "k", "p", "s", "expected"),
    [(5, 3, 0, 1, 3), (7, 3, 1, 2, 4), (64, 3, 0, 1, 62)],  # anchors' reference numbers
)
def test_output_size_reference_numbers(n, k, p, s, expected):
    assert ops.output_size(n, k, s, p, p) == expected


@pytest.mark.parametrize("k", [3, 5, 7])
@pytest.mark.parametrize("d", [1, 2])
def test_valid_same_full_sizes(k, d):
    n = 30
    sizes = {
        pad: ops.plan((n, n), (k, k), ops.ConvSettings(padding=pad, dilation=d)).out_hw[0]
        for pad in ops.PADDINGS
    }
    k_eff = d * (k - 1) + 1
    assert sizes == {"valid": n - k_eff + 1, "same": n, "full": n + k_eff - 1}


def test_impossible_settings_explained():
    p = ops.plan((4, 4), (7, 7), ops.ConvSettings(padding="valid"))
    assert p.error and "no output pixel fits" in p.error
    p = ops.plan((5, 5), (7, 7), ops.ConvSettings(padding="full", pad_mode="reflect"))
    assert p.error and "Reflect padding" in p.error
    assert ops.plan((5, 5), (7, 7), ops.ConvSettings(padding="full")).error is None


def test_formula_text_uses_live_numbers():
    p = ops.plan((28, 30), (5, 5), ops.ConvSettings(stride=(2, 3), padding="same", dilation=2))
    assert p.rows.formula == "floor((28 + 4 + 4 - 2*(5-1) - 1) / 2) + 1 = 14"
    assert p.cols.out == 10


@pytest.mark.parametrize("name", list(kernels.KERNELS))
def test_constant_image_zero_sum_gives_zero_sum_one_stays(name):
    k = kernels.make(name, 3)
    img = np.full((1, 12, 12), 0.7, dtype=np.float32)
    out = ops.apply_kernel(img, k, ops.ConvSettings()).output
    np.testing.assert_allclose(out, 0.7 * k.sum(), atol=1e-5)
    if abs(k.sum()) < 1e-12:
        assert np.abs(out).max() < 1e-5
    if abs(k.sum() - 1) < 1e-12:
        np.testing.assert_allclose(out, 0.7, atol=1e-5)


@pytest.mark.parametrize("d", [0.5, 1.0, 3.0])
def test_sobel_on_step_edge_gives_4d(d):
    img = images.step_edge(10, 10, height=d)
    out = ops.apply_kernel(img, kernels.make("sobel_v"), ops.ConvSettings()).output[0]
    assert out.max() == pytest.approx(4 * d)
    assert np.count_nonzero(out) == 2 * out.shape[0]  # only the two columns straddling the edge
    flipped = ops.apply_kernel(
        img, kernels.make("sobel_v"), ops.ConvSettings(mode="convolution")
    ).output[0]
    assert flipped.min() == pytest.approx(-4 * d)  # convolution flips the kernel: sign changes


def test_blur_of_single_pixel_reproduces_kernel():
    img = np.zeros((1, 7, 7), dtype=np.float32)
    img[0, 3, 3] = 16.0
    out = ops.apply_kernel(img, kernels.make("gaussian"), ops.ConvSettings(padding="same"))
    np.testing.assert_allclose(out.output[0, 2:5, 2:5], [[1, 2, 1], [2, 4, 2], [1, 2, 1]])


def test_convolution_equals_correlation_for_symmetric_kernel():
    img = np.random.default_rng(0).random((1, 9, 9)).astype(np.float32)
    k = kernels.make("gaussian", 5)
    a = ops.apply_kernel(img, k, ops.ConvSettings(mode="convolution")).output
    b = ops.apply_kernel(img, k, ops.ConvSettings(mode="correlation")).output
    np.testing.assert_allclose(a, b, atol=1e-6)


@pytest.mark.parametrize("seed", range(8))
def test_inner_product_equals_output_pixel(seed):
    img, k, st = _random_case(seed + 7)
    st = ops.ConvSettings(st.mode, st.stride, "same", st.pad_mode, 1, "sum")
    p = ops.plan(img.shape[1:], k.shape, st)
    if p.error:
        return
    out = ops.apply_kernel(img, k, st).output[0]
    rng = np.random.default_rng(seed)
    i, j = int(rng.integers(0, p.rows.out)), int(rng.integers(0, p.cols.out))
    ip = ops.inner_product(img, k, st, i, j)
    assert ip.value == pytest.approx(float(out[i, j]), abs=1e-4)
    np.testing.assert_allclose(ip.products, ip.patch * ip.window)
    assert ip.rows[0] == i * st.stride[0] - p.rows.pad_lo


def test_inner_product_per_channel_and_padding_rows():
    img = np.arange(2 * 5 * 5, dtype=np.float32).reshape(2, 5, 5)
    st = ops.ConvSettings(padding="same", mode="convolution")
    k = kernels.make("emboss")
    out = ops.apply_kernel(img, k, st).output
    ip = ops.inner_product(img, k, st, 0, 0, channel=1)
    assert ip.value == pytest.approx(float(out[1, 0, 0]), abs=1e-4)
    assert list(ip.rows) == [-1, 0, 1]  # the first row of the window is zero padding
    assert np.all(ip.patch[:, 0] == 0)
    np.testing.assert_array_equal(ip.window, k[::-1, ::-1])
