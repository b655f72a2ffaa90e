"""The playground trainer: TF Playground's epoch semantics, live updates, early stopping,
divergence, the lecture's XOR (linear model -> w = 0, b = 0.5; slide weights -> exact fit)."""

import dataclasses
import math

import numpy as np
import pytest

from dlcore.playground.analysis import SLIDE_W, SLIDE_b, SLIDE_c, SLIDE_w
from dlcore.playground.config import PlaygroundConfig
from dlcore.playground.trainer import PlaygroundTrainer, divergence
from dlcore.trainer import BaseTrainer, History, RebuildRequired, Trainer

CFG = PlaygroundConfig()


def cfg(**kw):
    return dataclasses.replace(CFG, **kw)


def test_protocol_and_one_epoch_is_one_pass():
    t = PlaygroundTrainer(CFG)
    assert isinstance(t, Trainer)
    assert len(t.x_train) == 250 and t.steps_per_epoch == 25  # batch 10
    t.run_epochs(1)
    assert t.epoch == 1 and t.steps == 25
    t.step(5)
    assert t.epoch == pytest.approx(1.2)
    full = PlaygroundTrainer(cfg(batch=0))
    full.run_epochs(3)
    assert full.steps == 3 and full.batch_size == 250


def test_circle_default_reaches_low_test_loss_within_300_epochs():
    t = PlaygroundTrainer(CFG)
    start = t.last["test_loss"]
    t.run_epochs(300)
    assert t.last["test_loss"] < 0.02 < start
    assert t.last["test_acc"] == 1.0


def test_seeded_and_deterministic():
    a, b = PlaygroundTrainer(CFG), PlaygroundTrainer(CFG)
    a.run_epochs(3)
    b.run_epochs(3)
    assert np.array_equal(a.net.theta, b.net.theta)
    c = PlaygroundTrainer(cfg(seed=1))
    assert not np.array_equal(c.x_train, a.x_train)


def test_live_update_keeps_progress_structural_change_rebuilds():
    t = PlaygroundTrainer(CFG)
    t.run_epochs(2)
    theta = t.net.theta.copy()
    t.update(cfg(lr=0.1, reg="l2", reg_rate=0.001, batch=20))
    assert t.steps == 50 and np.array_equal(t.net.theta, theta)
    assert t.steps_per_epoch == 13 and t.cfg.lr == 0.1
    with pytest.raises(RebuildRequired):
        t.update(cfg(hidden=(8, 8)))


def test_linear_schedule_reaches_eta_T():
    t = PlaygroundTrainer(cfg(schedule="linear", lr=0.1, lr_end=0.001, decay_epochs=4))
    assert t.current_lr() == 0.1
    t.run_epochs(2)
    assert t.current_lr() == pytest.approx(0.0505)
    t.run_epochs(3)
    assert t.current_lr() == 0.001


def test_divergence_sets_flag_and_stops():
    # TF Playground issue #77: tanh, L2 10, lr 0.3, batch 30, spiral, 8-8 -> NaN
    t = PlaygroundTrainer(
        cfg(
            dataset="spiral",
            hidden=(8, 8),
            lr=3.0,
            reg="l2",
            reg_rate=10.0,
            batch=30,
            activation="relu",
        )
    )
    t.run_epochs(20)
    assert t.diverged and t.snapshot().diverged
    steps = t.steps
    t.step(100)
    assert t.steps == steps  # halted, no exception


def test_early_stopping_keeps_best_model_and_marks_epoch():
    t = PlaygroundTrainer(
        cfg(
            dataset="spiral",
            noise=50,
            hidden=(8, 8, 8),
            lr=0.1,
            activation="relu",
            early_stop=True,
            patience=15,
            ratio=30,
        )
    )
    t.run_epochs(400)
    assert t.stopped and t.epochs_done < 400
    snap = t.snapshot()
    assert snap.stopped and not math.isnan(snap.best_epoch)
    assert t.epochs_done - snap.best_epoch == 15
    best = np.nanmin(snap.curve_test)
    assert t.net.loss(t.x_test, t.y_test) == pytest.approx(best)


def test_l1_makes_exact_zeros():
    t = PlaygroundTrainer(cfg(reg="l1", reg_rate=0.03, hidden=(8, 8)))
    t.run_epochs(30)
    w = t.net.theta[t.net.wmask > 0]
    assert np.sum(w == 0.0) > 5


def test_linear_model_on_lecture_xor_ends_at_w0_b_half():
    t = PlaygroundTrainer(cfg(dataset="xor4", hidden=(), lr=0.3, batch=0, activation="linear"))
    assert t.head == "linear" and len(t.x_train) == 4
    t.run_epochs(400)
    assert np.allclose(t.net.W[0][:, 0], 0.0, atol=1e-6)
    assert t.net.b[0][0] == pytest.approx(0.5, abs=1e-6)


def test_slide_xor_solution_fits_exactly():
    t = PlaygroundTrainer(cfg(dataset="xor4", hidden=(2,), activation="relu", batch=0))
    t.load_weights([SLIDE_W, SLIDE_w[:, None]], [SLIDE_c, [SLIDE_b]])
    assert np.array_equal(t.net.predict(t.x_train)[:, 0], [0.0, 1.0, 1.0, 0.0])
    assert t.last["train_loss"] == 0.0


def test_three_class_spiral_uses_softmax_and_learns():
    t = PlaygroundTrainer(
        cfg(
            dataset="spiral3", noise=10, hidden=(8, 8), activation="relu", optimizer="adam", lr=0.01
        )
    )
    assert t.head == "softmax" and t.y_train.shape[1] == 3
    t.run_epochs(60)
    assert t.last["train_acc"] > 0.85


def test_dropout_trains_and_softmax_binary():
    t = PlaygroundTrainer(cfg(dropout=0.2, output="softmax", hidden=(8,), lr=0.1))
    assert t.net.keep == 0.8
    t.run_epochs(40)
    assert t.last["test_acc"] > 0.9


def test_curves_record_every_epoch_and_stay_bounded():
    t = PlaygroundTrainer(cfg(batch=0))
    t.history.max_points = 50
    t.run_epochs(120)
    snap = t.snapshot()
    assert len(snap.curve_epoch) <= 50 and snap.curve_epoch[-1] >= 100
    assert np.all(np.diff(snap.curve_epoch) > 0)
    assert snap.curve_test[-1] == pytest.approx(t.last["test_loss"])
    fresh = PlaygroundTrainer(cfg(batch=0))
    fresh.run_epochs(3)
    assert list(fresh.snapshot().curve_epoch) == [0, 1, 2, 3]


def test_regression_metrics_have_no_nan_and_issue3_config_diverges():
    t = PlaygroundTrainer(cfg(dataset="reg_gauss"))
    t.run_epochs(2)
    assert all(math.isfinite(v) for v in t.last.values()) and "train_acc" not in t.last
    assert math.isnan(t.snapshot().train_acc)
    # TF Playground issue #3: regression, lr 1, batch 1, noise 50, one hidden layer of 8
    bad = PlaygroundTrainer(cfg(dataset="reg_plane", lr=1.0, batch=1, noise=50, hidden=(8,)))
    bad.run_epochs(1)
    assert bad.diverged and math.isnan(bad.last["train_loss"])


def test_diverged_names_what_blew_up_and_halted_means_early_stopping():
    t = PlaygroundTrainer(CFG)
    assert isinstance(t, BaseTrainer) and isinstance(t.history, History)
    assert t.diverged is None and not t.halted
    t.net.theta[0] = math.inf  # one weight blew up (tanh saturates: the losses stay finite)
    t.run_epochs(1)
    assert t.diverged == "the weights became NaN or infinite"
    assert not t.halted  # diverged is not "ended by itself"
    assert t.snapshot().diverged == t.diverged and not t.snapshot().stopped
    assert divergence(np.zeros(3), {"train_loss": 0.1, "test_loss": math.nan}) == (
        "the test loss became NaN or infinite"
    )
    assert divergence(np.array([math.nan]), {"train_loss": math.inf, "test_loss": math.nan}) == (
        "the weights, the training loss and the test loss became NaN or infinite"
    )
    assert divergence(np.zeros(3), {"train_loss": 0.1, "test_acc": 0.5}) is None
    # the history: one row per epoch, the epoch and the step it ended at
    fresh = PlaygroundTrainer(CFG)
    fresh.run_epochs(2)
    assert len(fresh.history) == 3 and fresh.history.last()["epoch"] == 2
    assert fresh.history.array("step").tolist() == [0, 25, 50]


def test_own_points_train_on_every_point_the_student_did_not_mark_test():
    """Own points: the training set is every point not marked test, whatever the seed and the
    ratio slider say (before: a random split by seed and ratio hid half of the clicks)."""
    from dlcore.playground.data import add_point

    pts = None
    for k in range(9):
        pts = add_point(pts, k - 4.0, 0.5 * k, k % 2, test=k == 8)
    for seed, ratio in ((0, 50), (3, 10), (7, 90)):
        t = PlaygroundTrainer(cfg(dataset="custom", seed=seed, ratio=ratio), pts)
        assert t.x_train[:, 0].tolist() == [k - 4.0 for k in range(8)], (seed, ratio)
        assert t.data.test.x.tolist() == [[4.0, 4.0]]
    alone = PlaygroundTrainer(cfg(dataset="custom"), add_point(add_point(None, 0, 0, 1), 1, 1, 0))
    assert len(alone.x_train) == 2 and len(alone.x_test) == 0 and alone.snapshot().test_is_train
    alone.run_epochs(2)  # no test points: the test figures are the training set's
    assert alone.last["test_loss"] == alone.last["train_loss"] and alone.diverged is None


def test_an_edited_weight_is_set_exactly_and_training_goes_on_from_it():
    """TF Playground's click-to-edit (issue 24 item 8): the typed value becomes exactly that
    weight (or bias), the losses shown are the edited network's, and training continues from
    it: the same as a network that had that weight all along."""
    t, same = PlaygroundTrainer(CFG), PlaygroundTrainer(CFG)
    t.run_epochs(2)
    same.run_epochs(2)
    t.set_parameter(0, 1, 2, 2.5)  # W_0[1, 2]: x2 -> the third unit of the first layer
    t.set_parameter(1, None, 0, -0.75)  # b_1[0]: the first unit of the second layer
    assert t.net.W[0][1, 2] == 2.5 and t.net.b[1][0] == -0.75
    assert t.net.theta[2 * 4 + 4 + 4 * 2] == -0.75  # b_1 follows W_0 (2x4), b_0 (4), W_1 (4x2)
    assert t.last["train_loss"] == pytest.approx(t.net.loss(t.x_train, t.y_train))
    assert t.last["train_loss"] != same.last["train_loss"] and t.steps == same.steps == 50
    same.net.W[0][1, 2], same.net.b[1][0] = 2.5, -0.75
    t.run_epochs(3)
    same.run_epochs(3)
    assert np.array_equal(t.net.theta, same.net.theta) and t.net.W[0][1, 2] != 2.5
    bad = PlaygroundTrainer(CFG)
    bad.set_parameter(0, 0, 0, math.inf)
    assert bad.diverged and "the weights" in bad.diverged
    bad.set_parameter(0, 0, 0, 0.1)
    assert bad.diverged is None
