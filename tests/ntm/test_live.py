"""dlcore.ntm.live: the live trainer's preview tape follows the weights, re-traced at most every
PREVIEW_SECONDS while playing, and always after a Step."""

import numpy as np

from dlcore.ntm import live
from dlcore.ntm.config import NTMConfig
from dlcore.ntm.live import NTMLiveTrainer


def test_preview_is_reused_within_the_interval_and_follows_a_step(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(live.time, "monotonic", lambda: clock[0])
    trainer = NTMLiveTrainer(NTMConfig(start="scratch", lr=0.01))
    first = trainer.snapshot().preview
    assert trainer.snapshot().preview is first  # nothing changed: the same trace
    trainer.step(1)
    clock[0] += 0.1  # playing fast: inside the interval, the last trace is shown
    assert trainer.snapshot().preview is first
    clock[0] += live.PREVIEW_SECONDS  # the interval passed: re-traced with the new weights
    after = trainer.snapshot().preview
    assert after is not first and not np.array_equal(after.output, first.output)
    clock[0] += 10.0  # a long pause without training: no new trace needed
    assert trainer.snapshot().preview is after


def test_a_crowded_server_re_traces_the_preview_less_often(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(live.time, "monotonic", lambda: clock[0])
    trainer = NTMLiveTrainer(NTMConfig(start="scratch", lr=0.01))
    first = trainer.snapshot(live.CROWDED_PREVIEW_SECONDS).preview
    trainer.step(1)
    clock[0] += 2 * live.PREVIEW_SECONDS  # long enough alone, too soon for a crowded server
    assert trainer.snapshot(live.CROWDED_PREVIEW_SECONDS).preview is first
    clock[0] += live.CROWDED_PREVIEW_SECONDS
    assert trainer.snapshot(live.CROWDED_PREVIEW_SECONDS).preview is not first


def _mean_wrong_bits(lr: float, steps: int = 80, seed: int = 0) -> float:
    from dlcore.ntm.checkpoints import load_model

    _, ck = load_model("ntm")
    trainer = NTMLiveTrainer(NTMConfig(lr=lr, seed=seed), state=ck["state"], spec=ck["spec"])
    trainer.step(steps)
    return float(trainer.history.array("bits_wrong")[-steps:].mean())


def test_the_default_rate_fine_tunes_the_shipped_ntm_without_knocking_it_out():
    # "Start from: shipped" continues a trained model with a fresh Adam, whose first steps move
    # every weight by about lr: at 1e-3 (seed 0) the error climbs towards chance (~40 bits)
    assert NTMConfig().start == "shipped"
    assert _mean_wrong_bits(NTMConfig().lr) < 1.0
    assert _mean_wrong_bits(1e-3) > 3.0
