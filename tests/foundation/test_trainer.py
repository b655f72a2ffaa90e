import numpy as np
import pytest

from dlcore.toy import ToyConfig, ToyTrainer
from dlcore.trainer import BaseTrainer, History, RebuildRequired, Trainer, nonfinite_message


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


class _RowHistory:
    """The plain definition History must match: a list of rows, every other kept past the cap."""

    def __init__(self, max_points):
        self.max_points, self.rows = max_points, []

    def append(self, step, metrics):
        self.rows.append({"step": float(step), **metrics})
        if len(self.rows) > self.max_points:
            self.rows = self.rows[::2]

    def array(self, key):
        return np.array([r.get(key, np.nan) for r in self.rows], dtype=float)


def test_history_columns_match_the_row_definition_thinning_included():
    fast, ref = History(max_points=50), _RowHistory(50)
    for step in range(1, 398):
        metrics = {"loss": 1.0 / step} if step % 7 else {"loss": 1.0 / step, "norm": float(step)}
        if step > 300:
            metrics["late"] = 2.0  # a metric that appears late: NaN before
        fast.append(step, metrics)
        ref.append(step, metrics)
        assert len(fast) == len(ref.rows) <= 50
    for key in ("step", "loss", "norm", "late", "never"):
        np.testing.assert_array_equal(fast.array(key), ref.array(key))
    np.testing.assert_array_equal(fast.rows(["norm", "loss"])[1], ref.array("loss"))
    assert fast.last() == {k: v for k, v in ref.rows[-1].items()}  # only what the row reported
    assert "norm" not in fast.last()  # 397 % 7 != 0: not reported in the latest row


def test_a_nan_in_the_latest_row_is_divergence_a_missing_metric_is_not():
    h = History()
    h.append(1, {"loss": 0.5, "test_loss": 0.7})
    h.append(2, {"loss": 0.4})  # no test metric this step: not NaN for the panel
    assert nonfinite_message(h.last()) is None
    h.append(3, {"loss": float("nan")})
    assert nonfinite_message(h.last()) == "loss became NaN or infinite"


def test_history_takes_device_values_and_reads_them_once_when_read():
    import torch

    h = History(max_points=8)
    for step in range(1, 20):
        h.append(step, {"loss": torch.tensor(1.0 / step), "acc": 0.5})
    assert h._pending  # nothing read to the host yet
    np.testing.assert_allclose(h.array("loss"), [1.0 / s for s in h.array("step")], rtol=1e-6)
    assert not h._pending and len(h) <= 8
    h.append(20, {"loss": torch.tensor(float("nan"))})
    assert nonfinite_message(h.last()) == "loss became NaN or infinite"


def test_history_reads_a_float64_device_value_without_rounding_it():
    """A chunk's mean summed on the device in float64 (dlcore/nosync.sum_dtype) is the number
    the curve shows, not its float32 rounding; float32 values are read exactly too."""
    import torch

    third = torch.tensor(1.0, dtype=torch.float64) / 3
    h = History()
    h.append(1, {"mean": third, "loss": torch.tensor(0.1, dtype=torch.float32)})
    assert h.last()["mean"] == 1.0 / 3
    assert h.last()["loss"] == float(np.float32(0.1))
