"""dlcore.ntm.live: the live trainer's preview tape follows the weights, re-traced at most every
PREVIEW_SECONDS while playing, and always after a Step."""

import numpy as np
import pytest
import torch

from bench.bench_device import counting_syncs
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


def _shipped() -> NTMLiveTrainer:
    from dlcore.ntm.checkpoints import load_model

    _, ck = load_model("ntm")
    return NTMLiveTrainer(NTMConfig(), state=ck["state"], spec=ck["spec"])


@pytest.mark.parametrize("start", ["shipped", "scratch"])
def test_a_training_step_reads_only_the_lengths_it_draws(start):
    """Issue 25: a step's loss and bits wrong go to the history as device values, read when a
    frame reads it; the one read a batch is its length, drawn on the CPU generator (the tape's
    shape). From scratch the curriculum's EMA cannot reach 1 % in these steps: no bits read."""
    lazy = _shipped() if start == "shipped" else NTMLiveTrainer(NTMConfig(start="scratch"))
    eager = _shipped() if start == "shipped" else NTMLiveTrainer(NTMConfig(start="scratch"))
    lazy.step(1)
    with counting_syncs() as count:
        metrics = lazy.step(8)
    assert count[0] == 8  # one a batch: its length, drawn on the CPU generator
    eager.step(1)
    read = [dict(eager.step(1)) for _ in range(8)]  # a frame after every batch
    assert metrics["loss"] == pytest.approx(np.mean([m["loss"] for m in read]), rel=1e-12)
    assert metrics["bits_wrong"] == pytest.approx(np.mean([m["bits_wrong"] for m in read]))
    assert metrics["seen"] == read[-1]["seen"] == 9 * live.BATCH
    ours, theirs = lazy.model.state_dict(), eager.model.state_dict()
    assert all(torch.equal(ours[k], theirs[k]) for k in theirs)  # the same training
    assert lazy.snapshot().max_len == eager.snapshot().max_len


def test_a_blow_up_is_found_when_a_frame_reads_the_history():
    """The step reads nothing, so the batches after a NaN loss still run; what it reports
    averages the batches up to the first NaN loss, as when that batch ended the step."""
    chunk, single = _shipped(), _shipped()
    for trainer in (chunk, single):
        trainer.step(1)
        for p in trainer.model.parameters():
            p.data.fill_(float("nan"))
    with counting_syncs() as count:
        chunk.step(4)
    assert count[0] == 4  # the lengths only
    single.step(1)
    assert chunk.diverged == single.diverged == "loss became NaN or infinite"
    assert chunk.history.last()["bits_wrong"] == single.history.last()["bits_wrong"]
    assert chunk.history.last()["mean_len"] == single.history.last()["mean_len"]
