"""Tests for dlcore.conv.model and dlcore.conv.train: checkpoint, analysis, live training."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from bench.bench_device import twin_steps
from dlcore.config import needs_rebuild
from dlcore.conv import images, model, train
from dlcore.data.digits import train_test_split


def test_shipped_checkpoint_is_accurate():
    net = model.pretrained()
    split = train_test_split(0.2, seed=0)
    with torch.no_grad():
        pred = net(torch.as_tensor(np.array(split.test.images))[:, None]).argmax(1).numpy()
    assert (pred == split.test.labels).mean() > 0.95
    assert not any(p.requires_grad for p in net.parameters())


def test_analyze_shapes_and_probabilities():
    view = model.analyze(model.pretrained(), images.digit(0)[0])
    shapes = [lm.maps.shape for lm in view.layers]
    assert shapes == [(1, 8, 8), (8, 8, 8), (16, 8, 8), (16, 4, 4)]
    assert view.probs.shape == (10,) and view.probs.sum() == pytest.approx(1.0, abs=1e-5)
    assert view.pred == 0  # the first shipped digit is a 0
    assert (view.layers[1].maps >= 0).all()  # after ReLU


def test_layer_table_counts_match_module():
    net = model.pretrained()
    rows = model.layer_table(net)
    assert sum(r.params for r in rows) == sum(p.numel() for p in net.parameters())
    assert [r.params for r in rows] == [0, 80, 1168, 0, 2570]


def test_first_layer_kernels():
    k = model.first_layer_kernels(model.pretrained())
    assert k.shape == (8, 3, 3)
    np.testing.assert_array_equal(k, model.pretrained().conv1.weight[:, 0].numpy())


def test_to_digit_inverts_and_centres_a_drawn_digit():
    d = images.digit(5)[0]
    big = np.kron(1.0 - d, np.ones((12, 12), np.float32))  # dark ink on white paper, 96x96
    canvas = np.ones((1, 140, 120), np.float32)
    canvas[0, 30:126, 10:106] = big
    small = model.to_digit(canvas)
    assert small.shape == (8, 8) and small.max() == pytest.approx(1.0)
    assert small[0].mean() < small[2:6].mean()  # ink in the middle, not on the border
    assert model.analyze(model.pretrained(), small).pred == int(
        model.analyze(model.pretrained(), d).pred
    )


def test_to_digit_blank_image():
    assert not model.to_digit(np.ones((3, 20, 20), np.float32)).any()


def test_trainer_learns_and_is_deterministic():
    cfg = train.TrainConfig(seed=3, lr=0.01)
    a, b = train.DigitsTrainer(cfg), train.DigitsTrainer(cfg)
    acc0 = a.test_accuracy()
    ma, mb = a.step(60), b.step(60)
    assert ma == mb  # same seed, same run
    snap = a.snapshot()
    assert snap.steps == 60 and snap.kernels.shape == (8, 3, 3)
    assert snap.test_acc > max(0.5, acc0 + 0.3)
    assert len(snap.loss_curve) == 1 and snap.epoch == pytest.approx(60 / (1437 // 64), rel=0.05)


def test_trainer_live_update_changes_lr_not_weights():
    t = train.DigitsTrainer(train.TrainConfig(seed=1))
    t.step(2)
    before = t.model.conv1.weight.detach().clone()
    new = train.TrainConfig(seed=1, lr=0.001)
    assert not needs_rebuild(t.cfg, new)
    t.update(new)
    assert t.opt.param_groups[0]["lr"] == 0.001
    assert torch.equal(before, t.model.conv1.weight)
    assert needs_rebuild(t.cfg, train.TrainConfig(seed=2))


def test_trainer_from_pretrained_copies_weights():
    t = train.DigitsTrainer(train.TrainConfig(init="pretrained"))
    assert t.test_accuracy() > 0.95
    t.step(1)
    assert not torch.equal(t.model.conv1.weight, model.pretrained().conv1.weight)  # a copy


def test_pretrain_script_small_run(tmp_path):
    from dlcore.conv import pretrain

    out = tmp_path / "w.pt"
    assert pretrain.main(["--steps", "10", "--out", str(out)]) == 0
    net = model.load_state(out)
    assert net.conv1.weight.shape == (8, 1, 3, 3)


def test_adam_first_steps_match_hand_formula():
    p = torch.nn.Parameter(torch.tensor([1.0, -2.0, 0.5]))
    opt = train.Adam([p], lr=0.1)
    grads = [torch.tensor([0.3, -4.0, 1e-3]), torch.tensor([0.1, 2.0, -1.0])]
    p.grad = grads[0].clone()
    opt.step()  # step 1: m_hat = g, v_hat = g^2 -> moves by lr * sign(g)
    np.testing.assert_allclose(p.detach().numpy(), [0.9, -1.9, 0.4], atol=1e-5)
    p.grad = grads[1].clone()
    opt.step()
    g1, g2 = (g.numpy().astype(np.float64) for g in grads)
    m = (0.9 * 0.1 * g1 + 0.1 * g2) / (1 - 0.9**2)
    v = (0.999 * 0.001 * g1**2 + 0.001 * g2**2) / (1 - 0.999**2)
    np.testing.assert_allclose(
        p.detach().numpy(), [0.9, -1.9, 0.4] - 0.1 * m / (np.sqrt(v) + 1e-8), atol=1e-5
    )


def test_a_new_model_neither_reseeds_nor_draws_the_global_generator():
    """The same seed gives the same CNN whatever else the process does (issue 24: the same
    settings give the same numbers). The init called torch.manual_seed, resetting the generator
    every page and session shares, and drew from it: a draw by another session's thread in
    between changed this session's weights."""
    torch.manual_seed(1234)
    before = torch.get_rng_state()
    a = model.new_model(7)
    assert torch.equal(torch.get_rng_state(), before)
    torch.manual_seed(99)  # another session seeds and draws in between
    torch.rand(1000)
    b = model.new_model(7)
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        assert torch.equal(p, q)
    c = model.new_model(8)
    assert not torch.equal(a.conv1.weight, c.conv1.weight)
    for layer in (a.conv1, a.conv2, a.fc):  # PyTorch's default init: U(-1/sqrt(fan_in), ...)
        bound = 1 / layer.weight[0].numel() ** 0.5
        for p in (layer.weight, layer.bias):
            assert p.abs().max() <= bound and p.abs().max() > 0.8 * bound
    state = torch.get_rng_state()
    model.load_state(model.CHECKPOINT)  # loading the shipped weights draws nothing either
    assert torch.equal(torch.get_rng_state(), state)


def test_a_training_step_reads_nothing_from_the_device():
    """Issue 25: the loss and accuracy stay on the device until a frame reads the history, and
    the shifted batches are cut there; reading them every step changes nothing."""
    quiet, watched = (train.DigitsTrainer(train.TrainConfig(seed=2)) for _ in range(2))
    syncs, m, w = twin_steps(quiet, watched)
    assert syncs == 0 and isinstance(w["loss"], float)
    assert dict(m) == dict(w) and set(m) == {"loss", "batch_acc"}
    assert quiet.history.last()["loss"] == m["loss"] == quiet.snapshot().train_loss
    for p, q in zip(quiet.model.parameters(), watched.model.parameters()):
        torch.testing.assert_close(p, q, rtol=0, atol=0)


@pytest.mark.parametrize("channels", [1, 2])
def test_random_shift_moves_each_image_by_its_drawn_offset(channels):
    x = torch.arange(5 * channels * 64, dtype=torch.float32).reshape(5, channels, 8, 8)
    out = train.random_shift(x, torch.Generator().manual_seed(0))
    offs = torch.randint(0, 3, (5, 2), generator=torch.Generator().manual_seed(0))
    pad = torch.nn.functional.pad(x, (1, 1, 1, 1))
    for i, (dy, dx) in enumerate(offs.tolist()):
        torch.testing.assert_close(out[i], pad[i, :, dy : dy + 8, dx : dx + 8], rtol=0, atol=0)
    # plain row-major strides: a batch that looks channels-last takes another conv kernel
    assert out.stride() == torch.empty(out.shape).stride()
