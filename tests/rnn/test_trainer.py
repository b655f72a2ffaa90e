"""The side-by-side task trainer: determinism, live updates, clipping bookkeeping, divergence."""

import math

import numpy as np
import pytest
import torch

from bench.bench_device import counting_syncs
from dlcore.config import parse_config, to_query
from dlcore.rnn.config import PRESETS, TRAIN_FIELDS, RnnConfig, TrainSpec, preset_values
from dlcore.rnn.trainer import CLIP_PAIR, TaskTrainer

CPU = torch.device("cpu")
SMALL = dict(seq_len=8, hidden=8, batch=8)


def trained(tr: TaskTrainer) -> list[int]:
    """Steps each arm has trained (a substep trains one arm: its loss is recorded, the others'
    not yet)."""
    return np.isfinite(tr.snapshot().loss).sum(axis=1).tolist()


def test_same_seed_same_run_and_snapshot_shapes():
    a, b = TaskTrainer(TrainSpec(**SMALL), CPU), TaskTrainer(TrainSpec(**SMALL), CPU)
    ma, mb = a.step(12), b.step(12)
    assert ma == mb and set(ma) == {"loss RNN", "loss LSTM", "loss GRU"}
    s = a.snapshot()
    assert s.steps == 12 and s.labels == ("RNN", "LSTM", "GRU")
    assert s.loss.shape == (3, 12) and s.grad_norm.shape == (3, 12)
    assert s.flow.shape == (3, 2, 8) and list(s.eval_steps) == [0, 10]  # probes at 0 and 10
    assert abs(s.baseline - 1 / 6) < 1e-12 and np.all(np.isfinite(s.loss))
    c = TaskTrainer(TrainSpec(**SMALL, seed=1), CPU)
    assert c.step(1) != TaskTrainer(TrainSpec(**SMALL), CPU).step(1)


def test_substeps_train_one_arm_each_and_add_up_to_the_same_run():
    a, b = TaskTrainer(TrainSpec(**SMALL), CPU), TaskTrainer(TrainSpec(**SMALL), CPU)
    a.step(3)
    b.substep()
    b.substep()  # RNN and LSTM have trained on the first batch, the GRU not yet
    assert b.steps == 0 and trained(b) == [1, 1, 0]
    assert set(b.substep()) == {"loss RNN", "loss LSTM", "loss GRU"} and b.steps == 1
    b.substep()  # the second step begun: step(1) finishes it, then trains a third
    b.step(1)
    assert b.steps == 3 and trained(b) == [3, 3, 3]
    # the same batches in the same order: the same run
    np.testing.assert_allclose(a.snapshot().loss, b.snapshot().loss, rtol=1e-6)


def test_training_lowers_the_loss_on_a_short_adding_problem():
    tr = TaskTrainer(TrainSpec(seq_len=5, hidden=16, batch=32, lr=0.01), CPU)
    tr.step(150)
    s = tr.snapshot()
    assert np.all(s.eval_loss[:, -1] < 0.5 * s.eval_loss[:, 0])  # all three cells learn at T = 5


def test_update_changes_lr_and_clipping_without_losing_progress():
    tr = TaskTrainer(TrainSpec(**SMALL), CPU)
    tr.step(3)
    weights = tr.models["LSTM"].cell.weight_hh.detach().clone()
    tr.update(TrainSpec(**SMALL, lr=0.003, clip="none"))
    assert tr.steps == 3 and torch.equal(weights, tr.models["LSTM"].cell.weight_hh.detach())
    assert all(g["lr"] == 0.003 for o in tr.opts.values() for g in o.param_groups)
    tr.step(2)
    assert tr.snapshot().clipped_share.sum() < 3  # clipping now off for the new steps


def test_clip_pair_same_start_and_share_clipped():
    tr = TaskTrainer(TrainSpec(**SMALL, clip="norm", clip_v=1e-4), CPU, arms=CLIP_PAIR)
    a, b = (tr.models[k].cell.weight_hh for k in ("no clipping", "with clipping"))
    assert torch.equal(a, b)  # same initial weights: the only difference is clipping
    tr.step(5)
    s = tr.snapshot()
    assert s.clipped_share[0] == 0.0 and s.clipped_share[1] == 1.0
    assert s.grad_norm[1, 0] == s.grad_norm[0, 0]  # first step: same weights, same batch


def test_divergence_is_flagged_not_raised():
    spec = TrainSpec(
        hidden=8,
        batch=8,
        activation="relu",
        rnn_init="orthogonal",
        lambda_1=3.0,
        lr=1.0,
        clip="none",
        optimizer="sgd",
        seq_len=40,
    )
    tr = TaskTrainer(spec, CPU)
    metrics = tr.step(30)
    s = tr.snapshot()
    assert s.diverged[0] and "loss RNN" not in metrics
    assert all(math.isfinite(v) for v in metrics.values())


def test_config_round_trip_presets_and_bad_values():
    cfg = RnnConfig(task="copy", seq_len=20, lr=0.003, clip="value", sentence="héllo 😀")
    assert parse_config(RnnConfig, to_query(cfg)).config == cfg
    bad = parse_config(RnnConfig, {"seq_len": "100000", "task": "<script>", "lr": "nan", "x": "1"})
    assert bad.config == RnnConfig() and len(bad.notices) == 4
    for name in PRESETS:
        values = preset_values(name)
        assert set(values) == set(TRAIN_FIELDS)
        assert parse_config(RnnConfig, {k: str(v) for k, v in values.items()}).notices == ()


@pytest.mark.parametrize("task", ["latch", "copy"])
def test_other_tasks_train_and_report_their_baselines(task):
    tr = TaskTrainer(TrainSpec(task=task, **SMALL), CPU)
    tr.step(2)
    s = tr.snapshot()
    assert s.metric == "cross-entropy" and np.all(np.isfinite(s.eval_loss))


def test_flow_now_uses_the_latest_probe_and_its_bound_holds():
    from dlcore.rnn.analysis import flow_now

    tr = TaskTrainer(TrainSpec(**SMALL), CPU)
    tr.step(10)
    now = flow_now(tr)
    np.testing.assert_allclose(now.flows[1], tr.flow_now("LSTM").h_norms, rtol=1e-5)
    assert np.all(now.flows[0] <= now.bound * (1 + 1e-4) + 1e-12)  # the vanilla RNN's bound


def test_the_spectrum_is_reused_until_the_rnn_weights_change():
    from dlcore.rnn import gradflow

    t = TaskTrainer(TrainSpec(**SMALL), CPU)
    first = t.snapshot().spectrum
    assert t.snapshot().spectrum is first  # W unchanged: not recomputed
    t.step(1)
    fresh = t.snapshot().spectrum
    assert fresh is not first
    expect = gradflow.spectrum(t.rnn_cell())
    assert fresh.lambda_1 == pytest.approx(expect.lambda_1)
    assert np.allclose(fresh.singular_values, expect.singular_values)


def test_histories_and_probes_are_bounded():
    tr = TaskTrainer(TrainSpec(**SMALL), CPU)
    tr.history.max_points, tr.max_probes, tr.probe_every = 16, 6, 2
    tr.step(40)
    s = tr.snapshot()
    assert len(tr.history) <= 16 and len(tr.probes) <= 6
    assert s.loss.shape == s.grad_norm.shape == (3, len(s.train_steps))
    assert s.train_steps[0] == 1 and np.all(np.diff(s.train_steps) > 0)  # thinned, in order
    assert s.eval_steps[0] == 0 and np.all(np.diff(s.eval_steps) > 0)
    assert s.flow.shape == (3, len(s.eval_steps), 8) and s.eval_loss.shape == (3, len(s.eval_steps))


def test_the_trio_is_a_base_trainer_that_diverges_only_when_every_arm_did():
    from dlcore.trainer import BaseTrainer

    tr = TaskTrainer(TrainSpec(**SMALL), CPU)
    assert isinstance(tr, BaseTrainer) and tr.diverged is None and not tr.halted
    for p in tr.models["RNN"].parameters():
        p.data.fill_(math.nan)
    metrics = tr.step(2)
    assert tr.snapshot().diverged == (True, False, False)
    assert tr.diverged is None and set(metrics) == {"loss LSTM", "loss GRU"}  # the others train
    for label in ("LSTM", "GRU"):
        for p in tr.models[label].parameters():
            p.data.fill_(math.inf)
    tr.step(1)
    assert tr.diverged == "the loss of every run became NaN or infinite (RNN, LSTM, GRU)"
    s = tr.snapshot()  # the spectrum of a NaN W is NaN (an eigensolver on it can crash)
    assert math.isnan(s.spectrum.lambda_1) and "no longer finite" in s.spectrum.regime


def test_spectral_norms_of_non_finite_matrices_are_nan():
    from dlcore.rnn.gradflow import spectral_norms

    m = torch.randn(3, 4, 4)
    m[1, 2, 0] = math.inf
    norms = spectral_norms(m)
    assert math.isnan(norms[1])
    torch.testing.assert_close(norms[[0, 2]], torch.linalg.matrix_norm(m[[0, 2]], ord=2))


def test_a_run_that_blows_up_records_the_step_it_blew_up_at():
    name = next(n for n in PRESETS if n.startswith("exploding"))
    tr = TaskTrainer(RnnConfig(**preset_values(name)), CPU, arms=CLIP_PAIR)
    tr.step(5)
    snap = tr.snapshot()
    assert snap.diverged == (True, False)
    assert snap.diverged_at == (2, None)  # step 1 is finite (||g|| 2.7e5); step 2 is NaN
    assert np.isfinite(snap.loss[0, 0]) and not np.isfinite(snap.loss[0, 1])


def _weights(tr: TaskTrainer) -> dict[str, torch.Tensor]:
    return {f"{k}.{n}": p.detach().clone() for k, m in tr.models.items() for n, p in
            m.named_parameters()}  # fmt: skip


def test_building_a_trainer_leaves_torch_global_generator_alone():
    """The page's trainers are built in the server's script threads, which share torch's global
    generator with every other student: a model's init must not depend on it (another thread
    drawing from it between a manual_seed and the init changed the weights) nor reset it."""
    torch.manual_seed(123)
    before = torch.get_rng_state()
    tr = TaskTrainer(TrainSpec(**SMALL), CPU)
    assert torch.equal(torch.get_rng_state(), before)  # not reseeded, nothing drawn
    torch.rand(1000)  # another student's work moves the global generator
    again = TaskTrainer(TrainSpec(**SMALL), CPU)
    mine, theirs = _weights(tr), _weights(again)
    assert all(torch.equal(mine[k], theirs[k]) for k in mine)


def test_the_same_settings_give_the_same_numbers_whatever_the_other_cells_settings():
    """The vanilla RNN's numbers do not depend on the LSTM / GRU controls, nor the LSTM's and
    GRU's on the vanilla RNN's (same seed, same batches: each cell's own init)."""

    def run(**kw) -> np.ndarray:
        tr = TaskTrainer(TrainSpec(**SMALL, **kw), CPU)
        tr.step(12)
        snap = tr.snapshot()
        return np.concatenate([snap.loss, snap.grad_norm, snap.eval_loss], axis=1)

    base = run()
    lstm_gru = run(forget_gate=False, forget_bias=3.0)
    np.testing.assert_array_equal(lstm_gru[0], base[0])  # the RNN row
    rnn = run(activation="relu", rnn_init="orthogonal", lambda_1=1.2)
    np.testing.assert_array_equal(rnn[1:], base[1:])  # the LSTM and GRU rows
    assert not np.array_equal(rnn[0], base[0]) and not np.array_equal(lstm_gru[1], base[1])


def _numbers(tr: TaskTrainer) -> dict[str, np.ndarray]:
    s = tr.snapshot()
    arrays = ("train_steps", "loss", "grad_norm", "clipped_share", "eval_loss", "flow")
    return {
        **{k: getattr(s, k) for k in arrays},
        "diverged": np.array(s.diverged),
        "diverged_at": np.array(s.diverged_at),
        "lambda_1": np.array(tr.probe_spectrum.lambda_1),
        **{k: v.numpy() for k, v in _weights(tr).items()},
    }


def _lock_step(arms: str) -> TaskTrainer:
    if arms == "trio":
        return TaskTrainer(TrainSpec(**SMALL, clip="value", clip_v=0.05), CPU)
    exploding = next(n for n in PRESETS if n.startswith("exploding"))
    return TaskTrainer(RnnConfig(**preset_values(exploding)), CPU, arms=CLIP_PAIR)


@pytest.mark.parametrize("arms", ["trio", "pair"])
def test_a_training_step_reads_nothing_from_the_device_and_a_frame_reads_the_same_numbers(arms):
    """Issue 25: losses, gradient norms, clipping and divergence flags and probes stay on the
    device until a frame reads them. The exploding preset's unclipped RNN blows up at step 2
    while nothing is read; its curves, the step it blew up at and its frozen weights are the
    same as when a frame read everything after every step."""
    lazy, eager = _lock_step(arms), _lock_step(arms)
    lazy.probe_every = eager.probe_every = 3  # probes inside the counted steps
    lazy.step(1)  # warm: the optimizers' state
    at_one = _weights(lazy)
    with counting_syncs() as count:
        metrics = lazy.step(8)
        lazy.substep()
    assert count[0] == 0
    for _ in range(9):
        eager.step(1)
        eager.snapshot()  # a frame after every step: the host learns at once
    eager.substep()
    assert eager.steps == lazy.steps == 9
    mine, ref = _numbers(lazy), _numbers(eager)
    for key in ref:
        np.testing.assert_array_equal(mine[key], ref[key], err_msg=key)
    if arms == "pair":
        assert lazy.snapshot().diverged_at == (2, None) and set(metrics) == {"loss with clipping"}
        frozen = {k: v for k, v in _weights(lazy).items() if k.startswith("no clipping")}
        assert frozen and all(torch.equal(v, at_one[k]) for k, v in frozen.items())  # not NaN
    else:
        assert set(metrics) == {"loss RNN", "loss LSTM", "loss GRU"}
