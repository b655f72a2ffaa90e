"""Convolution filter lab: kernels, convolution vs cross-correlation, pooling and a digits CNN.

Follows the lecture's convolution slides (convolution vs cross-correlation, kernels for image
processing, multi-channel convolution, stride, zero padding, sparse connectivity, parameter sharing,
pooling). Torch + numpy only; used by ``pages/convolution.py``.

    >>> from dlcore.conv import images, kernels, ops
    >>> img = images.step_edge(16, 16, height=1.0)            # (1, 16, 16)
    >>> res = ops.apply_kernel(img, kernels.make("sobel_v", 3), ops.ConvSettings())
    >>> float(res.output.max())                               # 4 * height
    4.0
"""
