"""dlcore.viz.ntm.live_image: the live frame shows the curve, the chance level and the tape."""

import numpy as np

from dlcore.ntm import analysis as A
from dlcore.ntm.config import NTMConfig
from dlcore.ntm.live import NTMLiveTrainer
from dlcore.viz import ntm as V
from dlcore.viz.common import PALETTE, SERIES


def _pixels(img: np.ndarray, hex_color: str) -> np.ndarray:
    rgb = np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)])
    return np.argwhere(np.abs(img.astype(int) - rgb).sum(axis=2) < 12)


def _frame(steps: int):
    trainer = NTMLiveTrainer(NTMConfig(start="scratch"))
    for _ in range(steps):
        trainer.step(1)
    snap = trainer.snapshot()
    curve = A.Curve(seen=snap.seen, bits=snap.bits, chance=10.5)
    return V.live_image({"NTM": curve}, 10.5, snap.preview), snap


def test_live_frame_has_curve_tape_and_delimiter():
    img, snap = _frame(3)
    w, h = V.LIVE_SIZE
    assert img.shape == (h, w, 3)
    split = int(w * 0.4)
    curve = _pixels(img, SERIES["NTM"])
    assert (curve[:, 1] < split).any()  # the learning curve on the left
    ink = np.array([int(SERIES["NTM"][i : i + 2], 16) for i in (1, 3, 5)], dtype=float)
    tint = (255.0 - img[:, split:].astype(float)) / (255.0 - ink)  # white .. NTM purple
    purple = (tint.min(axis=2) > 0.05) & (np.ptp(tint, axis=2) < 0.1)
    assert purple.sum() > 100  # the read/write weightings on the right
    delim = _pixels(img, PALETTE["accent"])  # one vertical red line through the tape panels
    assert len(np.unique(delim[:, 1])) <= 2 and np.ptp(delim[:, 0]) > h / 2
    t = snap.preview.delimiter / snap.preview.steps
    assert abs((delim[:, 1].mean() - split - 20) / (w - split - 24) - t) < 0.06


def test_live_frame_without_history_draws():
    img, _ = _frame(0)
    assert img.shape[2] == 3


def test_the_paused_curve_before_any_step_says_how_to_start_on_sensible_axes():
    empty = A.Curve(seen=np.zeros(0), bits=np.zeros(0), chance=42.0)
    fig = V.curves_figure({"NTM": empty}, 42.0)
    hint = "No training yet: press Play or Step"
    assert hint in [a.text for a in fig.layout.annotations]
    assert fig.layout.xaxis.range == (0, 1000) and fig.layout.yaxis.range[0] == 0
    trained = A.Curve(seen=np.array([16.0, 32.0]), bits=np.array([40.0, 30.0]), chance=42.0)
    assert hint not in [a.text for a in V.curves_figure({"NTM": trained}, 42.0).layout.annotations]


def test_the_addressing_equations_carry_this_runs_numbers():
    import numpy as np

    from dlcore.ntm import analysis
    from dlcore.viz.ntm import addressing_latex, write_latex

    memory = analysis.default_memory(8, 4, 0)
    s = analysis.shift_distribution(0.0, 0.2, 0.8)
    w_prev = analysis.focus_weighting(8, 2, 0)
    res = analysis.run_addressing(memory, np.array([0.8, -0.2, 0.5, 0.9]), 5.0, 0.5, s, 2.0, w_prev)
    lines = addressing_latex(res, 5.0, 0.5, s, 2.0)
    assert len(lines) == 5 and r"\beta_t = 5" in lines[0] and r"\gamma_t = 2" in lines[3]
    i = int(np.argmax(res.w))
    assert f"w_t({i}) = {res.w[i]:.3f}" in lines[3]
    assert f"{res.read[0]:.2f}" in lines[4]
    erase, add = (1.0, 1.0, 0.0, 0.0), (0.5, 0.0, 0.5, 0.0)
    assert r"\mathbf{e}_t = (1.00,\ 1.00,\ 0.00,\ 0.00)" in write_latex(erase, add, 3, 1.0)[0]
