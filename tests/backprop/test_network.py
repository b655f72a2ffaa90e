"""The lecture's two-layer sigmoid network (dlcore/backprop/network.py): the worked example's
published numbers, every delta against torch.autograd, every update against -eta times
autograd's weight gradient, and the trainer's SGD steps."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcore.backprop.config import NetConfig
from dlcore.backprop.network import (
    NetworkTrainer,
    error,
    forward,
    initial_params,
    ladder_weights,
    state,
)


def test_the_worked_example_step_by_step():
    # the widely used 2-2-2 example: x = (0.05, 0.10), t = (0.01, 0.99), weights 0.15, 0.20, ...
    trainer = NetworkTrainer(NetConfig())
    s = trainer.snapshot().now
    assert s.net_h[0] == pytest.approx(0.3775, abs=1e-12)
    assert s.o_h == pytest.approx([0.593269992, 0.596884378], abs=1e-9)
    assert s.o_o == pytest.approx([0.75136507, 0.772928465], abs=1e-8)
    assert s.loss == pytest.approx(0.298371109, abs=1e-9)
    assert s.delta_o[0] == pytest.approx(0.138498562, abs=1e-9)  # (o1 - t1) o1 (1 - o1)
    trainer.step(1)
    after = trainer.snapshot()
    W2 = after.now.W2
    W1 = after.now.W1
    assert W2.ravel() == pytest.approx(
        [0.35891648, 0.408666186, 0.511301270, 0.561370121], abs=1e-8
    )
    assert W1.ravel() == pytest.approx([0.149780716, 0.19956143, 0.24975114, 0.29950229], abs=1e-8)
    assert after.last == pytest.approx((s.loss, s.loss_after), abs=1e-15)


def test_ladder_weights_count_up_by_five_hundredths():
    w = ladder_weights(3, 2, 1)
    flat = np.concatenate([w["W1"].ravel(), w["b1"][:1], w["W2"].ravel(), w["b2"][:1]])
    assert flat == pytest.approx(0.15 + 0.05 * np.arange(10))
    assert (w["b1"] == w["b1"][0]).all() and w["W1"].shape == (2, 3)


@settings(max_examples=25, deadline=None, derandomize=True)
@given(
    st.integers(1, 4),
    st.integers(1, 4),
    st.integers(1, 3),
    st.integers(0, 999),
    st.sampled_from([0.1, 0.5, 2.0]),
)
def test_deltas_and_updates_match_autograd(n_in, hidden, n_out, seed, eta):
    rng = np.random.default_rng(seed)
    cfg = NetConfig(
        x=tuple(rng.uniform(-3, 3, n_in)), t=tuple(rng.uniform(0, 1, n_out)), hidden=hidden,
        init="random", seed=seed, eta=eta,
    )  # fmt: skip
    p = initial_params(cfg)
    x = torch.tensor(cfg.x, dtype=torch.float64)
    t = torch.tensor(cfg.t, dtype=torch.float64)
    s = state(p, x, t, eta)
    assert s.max_delta_error < 1e-14
    leaves = {k: v.clone().requires_grad_(True) for k, v in p.items()}
    error(forward(leaves, x)[3], t).backward()
    assert s.dw1 == pytest.approx(-eta * leaves["W1"].grad.numpy(), abs=1e-14)
    assert s.db1 == pytest.approx(-eta * leaves["b1"].grad.numpy(), abs=1e-14)
    assert s.dw2 == pytest.approx(-eta * leaves["W2"].grad.numpy(), abs=1e-14)
    assert s.db2 == pytest.approx(-eta * leaves["b2"].grad.numpy(), abs=1e-14)


def test_sgd_steps_lower_the_error_and_eta_changes_live():
    trainer = NetworkTrainer(NetConfig())
    s0 = trainer.snapshot().now
    trainer.step(1)
    assert trainer.snapshot().now.loss == pytest.approx(s0.loss_after, rel=1e-12)
    trainer.step(200)
    snap = trainer.snapshot()
    assert snap.now.loss < 0.1 * s0.loss
    assert np.all(np.diff(snap.losses) < 0)  # small steps on one example: E falls every step
    assert snap.steps[-1] == trainer.steps == 201
    trainer.update(NetConfig(eta=2.0))  # a live field: same trainer, same weights
    assert trainer.cfg.eta == 2.0 and trainer.steps == 201


def test_nan_weights_diverge():
    trainer = NetworkTrainer(NetConfig())
    trainer.params["W1"] = trainer.params["W1"] * math.nan
    trainer.step(1)
    assert "loss" in trainer.diverged
