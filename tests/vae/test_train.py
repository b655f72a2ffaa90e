"""Tests for dlcore.vae.train (the minibatch algorithm as a live trainer) and the checkpoints."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from bench.bench_device import counting_syncs
from dlcore.trainer import RebuildRequired
from dlcore.vae.checkpoints import load_checkpoint_file, save_checkpoint
from dlcore.vae.config import VAEConfig
from dlcore.vae.train import VAETrainer, evaluate

CPU = torch.device("cpu")


@pytest.fixture(scope="module")
def trained():
    tr = VAETrainer(dataclasses.replace(VAEConfig(), hidden=64), device=CPU)
    first = tr.step(1)
    tr.step(59)  # 4 epochs of 15 minibatches
    return tr, first


def test_training_lowers_the_negative_elbo_and_metrics_add_up(trained):
    tr, first = trained
    last = tr.history.last()
    assert tr.steps == 60 and tr.epoch == pytest.approx(4.0)
    assert last["test_neg_elbo"] < first["test_neg_elbo"] - 5.0
    for row in (first, last):
        assert row["train_neg_elbo"] == pytest.approx(
            row["train_recon"] + row["train_kl"], rel=1e-5
        )
    snap = tr.snapshot()
    assert snap.steps == 60 and len(snap.step) == len(snap.train_kl) == 5  # 1, then each epoch
    assert list(snap.step) == [1, 15, 30, 45, 60] and np.isfinite(snap.test_neg_elbo).all()


def test_same_seed_same_run_and_live_updates():
    cfg = dataclasses.replace(VAEConfig(), hidden=64, batch=50)
    a, b = VAETrainer(cfg, device=CPU), VAETrainer(cfg, device=CPU)
    assert a.step(3) == b.step(3)
    a.update(dataclasses.replace(cfg, lr=0.01, beta=4.0, batch=100, samples=2))
    assert a.opt.param_groups[0]["lr"] == 0.01 and a.steps_per_epoch == 15
    a.step(2)  # uses the new beta, batch and L without a rebuild
    with pytest.raises(RebuildRequired):
        a.update(dataclasses.replace(cfg, latent_dim=4))


def test_checkpoint_round_trip(tmp_path, trained):
    tr, _ = trained
    path = save_checkpoint(tr.model, "digits", 1.0, {"note": "test"}, tmp_path)
    model, meta = load_checkpoint_file(path)
    assert meta["beta"] == 1.0 and meta["note"] == "test"
    assert model.spec == tr.model.spec and not model.training
    x = tr.x_test[:20]
    tr.model.eval()
    assert evaluate(model, x) == pytest.approx(evaluate(tr.model, x), rel=1e-6)


def test_pretrain_script_writes_a_loadable_checkpoint(tmp_path):
    from dlcore.pretrain import main

    assert main(["vae", "--quick", "--only", "mlp_j8", "--out", str(tmp_path)]) == 0
    (path,) = tmp_path.glob("*.pt")
    assert path.name == "digits_mlp_j8_h256_bernoulli_relu_b1.pt"
    model, meta = load_checkpoint_file(path)
    assert model.spec.latent_dim == 8 and meta["epochs"] == 5.0
    assert 0.0 <= meta["knn5"] <= 1.0 and np.isfinite(meta["test_neg_elbo"])


def test_diverged_names_the_elbo_terms_that_blew_up():
    tr = VAETrainer(dataclasses.replace(VAEConfig(), hidden=64), device=CPU)
    assert tr.diverged is None  # no step yet
    tr.step(2)
    assert tr.diverged is None and not tr.halted
    for p in tr.model.parameters():
        p.data.fill_(float("nan"))
    tr.step(1)
    assert tr.diverged == "-ELBO, reconstruction, KL became NaN or infinite"
    assert len(tr.history) == 3  # bounded History: the first step, then a row a step() call


def test_the_curves_are_the_same_however_the_steps_were_chunked():
    """Step (10 at a time) or Play (chunks sized by the server's load): the same 45 steps give
    the same weights and the same curves, the test -ELBO measured at step 1 and at each epoch's
    end (issue 24: a result must not depend on an unrelated thing, here the machine's speed)."""
    cfg = dataclasses.replace(VAEConfig(), hidden=64)
    one, chunked = VAETrainer(cfg, device=CPU), VAETrainer(cfg, device=CPU)
    one.step(45)
    for n in (1, 9, 3, 17, 2, 13):  # 45 steps as a loaded server's Play might take them
        chunked.step(n)
    a, b = one.snapshot(), chunked.snapshot()
    for snap in (a, b):
        assert list(snap.step[np.isfinite(snap.test_neg_elbo)]) == [1, 15, 30, 45]
    np.testing.assert_array_equal(
        a.test_neg_elbo[np.isfinite(a.test_neg_elbo)], b.test_neg_elbo[np.isfinite(b.test_neg_elbo)]
    )
    for p, q in zip(one.model.parameters(), chunked.model.parameters()):
        torch.testing.assert_close(p, q, rtol=0, atol=0)


def test_a_trainer_neither_reads_nor_reseeds_the_global_generator():
    """Streamlit runs every session in a thread of one process: a trainer seeded through torch's
    global generator got other sessions' draws mixed into its weights, and reset their streams."""
    cfg = dataclasses.replace(VAEConfig(), hidden=64, seed=3)
    torch.manual_seed(1234)
    state = torch.get_rng_state()
    first = VAETrainer(cfg, device=CPU)
    assert torch.equal(torch.get_rng_state(), state)  # not reseeded to 3
    torch.rand(1000)  # another session draws meanwhile
    again = VAETrainer(cfg, device=CPU)
    for p, q in zip(first.model.parameters(), again.model.parameters()):
        torch.testing.assert_close(p, q, rtol=0, atol=0)


def test_a_training_step_reads_nothing_from_the_device():
    """Issue 25: the train and test metrics stay on the device until a frame reads the history
    (the 16 steps cross an epoch's end, where the test set is measured); reading them at once
    changes nothing."""
    cfg = dataclasses.replace(VAEConfig(), hidden=64)
    quiet, watched = VAETrainer(cfg, device=CPU), VAETrainer(cfg, device=CPU)
    quiet.step(1)
    with counting_syncs() as count:
        m = quiet.step(16)
    assert count[0] == 0
    for n in (1, 14, 2):  # the same stretches (to the epoch's end, then on), read at once
        w = watched.step(n)
        assert np.isfinite(w["train_kl"])
    assert set(m) == {"train_neg_elbo", "train_recon", "train_kl"} and m == w
    assert all(type(v) is float for v in m.values())
    last = quiet.history.last()
    assert {k: last[k] for k in m} == dict(m)
    snap = quiet.snapshot()
    assert list(snap.step) == [1, 15, 17] and list(snap.step[np.isfinite(snap.test_kl)]) == [1, 15]
    for name in ("step", "train_neg_elbo", "train_kl", "test_neg_elbo", "test_recon"):
        np.testing.assert_array_equal(
            quiet.history.array(name), watched.history.array(name), err_msg=name
        )
