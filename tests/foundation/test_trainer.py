import numpy as np
import pytest

from dlcore.toy import ToyConfig, ToyTrainer
from dlcore.trainer import BaseTrainer, History, RebuildRequired, Trainer


def test_toy_trainer_follows_the_protocol_and_learns():
    t = ToyTrainer(ToyConfig(lr=0.2, hidden=8, batch=20))
    assert isinstance(t, Trainer)
    before = t.full_loss()
    metrics = t.step(300)
    assert set(metrics) == {"loss"} and np.isfinite(metrics["loss"])
    assert t.steps == 300 and t.epoch == pytest.approx(300 / t.steps_per_epoch)
    assert t.full_loss() < 0.6 * before
    snap = t.snapshot()
    assert snap.grid.shape == (40, 40) and snap.points.shape == (200, 2)
    assert len(t.history) == 1 and t.history.array("loss").shape == (1,)


def test_same_seed_same_run():
    a, b = ToyTrainer(ToyConfig(seed=3)), ToyTrainer(ToyConfig(seed=3))
    assert a.step(50) == b.step(50)
    assert np.array_equal(a.snapshot().grid, b.snapshot().grid)


def test_live_update_keeps_progress_and_changes_lr():
    t = ToyTrainer(ToyConfig())
    t.step(10)
    t.update(ToyConfig(lr=0.5, grid=20))
    assert t.steps == 10 and t.opt.param_groups[0]["lr"] == 0.5
    assert t.snapshot().grid.shape == (20, 20)


def test_structural_update_requires_rebuild():
    t = ToyTrainer(ToyConfig())
    with pytest.raises(RebuildRequired):
        t.update(ToyConfig(hidden=4))


def test_history_is_bounded_and_aligned():
    h = History(max_points=10)
    for i in range(25):
        h.append(i, {"loss": float(i)} if i % 2 else {"loss": float(i), "acc": 1.0})
    assert len(h) <= 10
    assert h.array("loss").shape == h.array("acc").shape == h.array("step").shape
    assert np.isnan(h.array("acc")).any()


def test_base_trainer_counts_steps():
    class Counter(BaseTrainer):
        steps_per_epoch = 4

        def _train(self, n):
            return {"n": float(n)}

        def snapshot(self):
            return self.steps

    c = Counter(ToyConfig())
    c.step(6)
    assert c.steps == 6 and c.epoch == 1.5 and c.snapshot() == 6
