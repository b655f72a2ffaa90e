"""The convolution page's shareable configuration (one frozen dataclass, round-trips the URL).

Used by the convolution page (``dlcore/ui/views/conv.py``): a teacher sets a kernel, stride,
padding, pooling and view, copies the link, and the class sees the same experiment. Training
fields map to ``dlcore.conv.train.TrainConfig`` so a kernel change never resets a training run.
"""

from __future__ import annotations

from dataclasses import dataclass

from dlcore.config import choice, floats, num
from dlcore.conv.kernels import KERNELS
from dlcore.conv.ops import CHANNEL_MODES, MODES, PAD_MODES, PADDINGS
from dlcore.conv.pooling import POOLS
from dlcore.conv.train import TrainConfig

SOURCES = ("scene", "step edge", "checkerboard", "digit", "upload")
DISPLAYS = ("auto", "signed", "clip", "abs", "normalize")
VIEWS = ("filter", "inner product", "pooling", "algebra", "learned filters")
KERNEL_CHOICES = (*KERNELS, "custom")
MAX_STRIDE = 8
MAX_DILATION = 4


@dataclass(frozen=True)
class ConvConfig:
    view: str = choice("filter", VIEWS, live=True, label="View")
    source: str = choice("scene", SOURCES, live=True, label="Image")
    digit: int = num(0, lo=0, hi=1796, live=True, label="Digit index")
    color: str = choice("gray", ("gray", "color"), live=True, label="Colour")
    kernel: str = choice("sobel_v", KERNEL_CHOICES, live=True, label="Kernel")
    size: int = num(3, options=(3, 5, 7), live=True, label="Kernel size")
    custom: tuple[float, ...] = floats(
        (), lo=-100, hi=100, max_len=49, live=True, label="Custom kernel"
    )
    mode: str = choice("correlation", MODES, live=True, label="Operation")
    stride_y: int = num(1, lo=1, hi=MAX_STRIDE, live=True, label="Stride (rows)")
    stride_x: int = num(1, lo=1, hi=MAX_STRIDE, live=True, label="Stride (columns)")
    padding: str = choice("valid", PADDINGS, live=True, label="Padding")
    pad_mode: str = choice("zeros", PAD_MODES, live=True, label="Pad with")
    dilation: int = num(1, lo=1, hi=MAX_DILATION, live=True, label="Dilation")
    channels: str = choice("per_channel", CHANNEL_MODES, live=True, label="Colour channels")
    display: str = choice("auto", DISPLAYS, live=True, label="Show output as")
    row: int = num(0, lo=0, hi=4096, live=True, label="Output row")
    col: int = num(0, lo=0, hi=4096, live=True, label="Output column")
    pool: str = choice("max", tuple(POOLS), live=True, label="Pooling")
    pool_size: int = num(2, options=(2, 3, 4, 5), live=True, label="Pool size")
    pool_stride: int = num(2, lo=1, hi=5, live=True, label="Pool stride")
    p: float = num(2.0, lo=1.0, hi=100.0, live=True, label="p (Lp pooling)")
    kernel2: str = choice("gaussian", tuple(KERNELS), live=True, label="Second kernel G")
    init: str = choice("random", ("random", "pretrained"), label="Start from")
    lr: float = num(0.01, lo=1e-4, hi=0.1, live=True, label="Learning rate")
    batch: int = num(64, options=(16, 32, 64, 128), live=True, label="Batch size")
    seed: int = num(0, lo=0, hi=9999, label="Seed")


def train_config(cfg: ConvConfig) -> TrainConfig:
    """The training part of the page config (only these fields touch the trainer)."""
    return TrainConfig(init=cfg.init, lr=cfg.lr, batch=cfg.batch, seed=cfg.seed)
