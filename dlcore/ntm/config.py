"""The NTM page's one shareable config (URL round-trip via dlcore.config), pages/ntm.py.

Only ``start``, ``lr`` and ``seed`` concern the live trainer; ``start`` and ``seed`` are
structural (a new trainer), everything else is live (a view setting, no rebuild).
"""

from __future__ import annotations

from dataclasses import dataclass

from dlcore.config import choice, flag, floats, num, text

VIEWS = ("addressing", "write", "copy", "length", "train")
MODELS = ("NTM", "LSTM")
SOURCES = ("random", "typed")
STARTS = ("shipped", "scratch")
# measured (5 seeds, 150 steps from the shipped NTM, batch 16): at 3e-4 the mean wrong bits stay
# under 0.2 per sequence; at 1e-3 two seeds of five fell to 20-25 (chance is ~40)
LR_HELP = (
    "3e-4 fine-tunes the shipped NTM steadily. 1e-3, the rate it was trained with from scratch, "
    "knocks the trained weights out of their minimum: a fresh Adam moves every weight by about "
    "lr on its first steps, whatever its gradient. From scratch, 1e-3 learns faster."
)


def _n(default, lo, hi, **kw):
    return num(default, lo=lo, hi=hi, live=True, **kw)


@dataclass(frozen=True)
class NTMConfig:
    view: str = choice("addressing", VIEWS, live=True, label="View")
    # addressing playground (N = 8 locations, M = 4 columns)
    mem_seed: int = _n(0, 0, 9999, label="Memory seed")
    k0: float = _n(0.8, -1.0, 1.0, label="k[0]")
    k1: float = _n(-0.2, -1.0, 1.0, label="k[1]")
    k2: float = _n(0.5, -1.0, 1.0, label="k[2]")
    k3: float = _n(0.9, -1.0, 1.0, label="k[3]")
    beta: float = _n(5.0, 0.0, 50.0, label="beta (key strength)")
    g: float = _n(0.5, 0.0, 1.0, label="g (interpolation gate)")
    s_minus: float = _n(0.0, 0.0, 1.0, label="s(-1)")
    s_zero: float = _n(0.2, 0.0, 1.0, label="s(0)")
    s_plus: float = _n(0.8, 0.0, 1.0, label="s(+1)")
    gamma: float = _n(2.0, 1.0, 20.0, label="gamma (sharpening)")
    prev_loc: int = _n(2, 0, 7, label="w_prev focus (location)")
    # erase / add sandbox
    focus: int = _n(3, 0, 7, label="write focus (location)")
    spread: float = _n(0.0, 0.0, 3.0, label="focus spread (0 = one-hot)")
    erase: tuple = floats(
        (1.0, 1.0, 0.0, 0.0),
        lo=0.0,
        hi=1.0,
        min_len=4,
        max_len=4,
        live=True,
        label="erase vector e",
    )
    add: tuple = floats(
        (0.5, -0.5, 0.5, 0.0),
        lo=-1.0,
        hi=1.0,
        min_len=4,
        max_len=4,
        live=True,
        label="add vector a",
    )
    # trained copy task
    model: str = choice("NTM", MODELS, live=True, label="Model")
    source: str = choice("random", SOURCES, live=True, label="Sequence")
    length: int = _n(10, 1, 80, label="Length L")
    seq_seed: int = _n(1, 0, 9999, label="Sequence seed")
    pattern: str = text(
        "10110010 01100111 11100001 00011110", max_len=1990, live=True, label="Your bit pattern"
    )
    t: int = _n(10, 0, 400, label="Time step t")
    no_content: bool = flag(False, label="No content addressing (g = 0)")
    no_interp: bool = flag(False, label="No interpolation (g = 1)")
    no_shift: bool = flag(False, label="No shift (s = identity)")
    no_sharpen: bool = flag(False, label="No sharpening (gamma = 1)")
    ckpt: int = _n(-1, -1, 99, label="Checkpoint (-1 = final)")
    # length generalisation
    my_len: int = _n(30, 1, 120, label="Your length")
    # live training
    start: str = choice("shipped", STARTS, label="Start from")
    lr: float = num(
        3e-4,
        options=(1e-4, 3e-4, 1e-3, 3e-3),
        live=True,
        label="Learning rate",
        help=LR_HELP,
    )
    seed: int = num(0, lo=0, hi=9999, label="Seed")
