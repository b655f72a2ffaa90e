"""The live 2-D GAN trainer: Algorithm 1's k steps, step modes, slow motion, views, live updates."""

import dataclasses

import numpy as np
import pytest
import torch

from bench.bench_device import twin_steps
from dlcore.config import needs_rebuild
from dlcore.gan import plane
from dlcore.gan.config import GanConfig, plane_config
from dlcore.gan.plane import PlaneGan
from dlcore.gan.targets import TooFewPoints

SMALL = dict(g_neurons=16, d_neurons=16, batch=64)


def make(**kw) -> PlaneGan:
    return PlaneGan(dataclasses.replace(GanConfig(), **{**SMALL, **kw}), torch.device("cpu"))


def adam_steps(opt: torch.optim.Optimizer) -> int:
    return int(next(iter(opt.state.values()))["step"])


@pytest.mark.parametrize("k_d,k_g", [(1, 1), (3, 1), (5, 2)])
def test_k_discriminator_steps_per_generator_step(k_d, k_g):
    t = make(k_d=k_d, k_g=k_g)
    t.step(4)
    # count the optimizer's own updates, not only our counters
    assert adam_steps(t.opt_d) == 4 * k_d == t.d_updates
    assert adam_steps(t.opt_g) == 4 * k_g == t.g_updates
    assert t.steps == 4


def test_step_modes_update_only_the_chosen_net():
    t = make(step_mode="d", k_d=2)
    g_before = [p.clone() for p in t.G.parameters()]
    d_before = [p.clone() for p in t.D.parameters()]
    t.step(3)
    assert all(torch.equal(a, b) for a, b in zip(g_before, t.G.parameters()))
    assert not all(torch.equal(a, b) for a, b in zip(d_before, t.D.parameters()))
    assert (t.d_updates, t.g_updates) == (6, 0)
    t.update(dataclasses.replace(t.cfg, step_mode="g"))
    d_before = [p.clone() for p in t.D.parameters()]
    t.step(2)
    assert all(torch.equal(a, b) for a, b in zip(d_before, t.D.parameters()))
    assert (t.d_updates, t.g_updates) == (6, 2)


def test_seeded_and_deterministic():
    a, b = make(seed=3), make(seed=3)
    a.step(20)
    b.step(20)
    np.testing.assert_array_equal(a.snapshot().fake, b.snapshot().fake)
    c = make(seed=4)
    c.step(20)
    assert not np.array_equal(a.snapshot().fake, c.snapshot().fake)


def test_slow_motion_phases_match_a_full_iteration():
    """Ten phases (5 for D, 5 for G) do exactly what one step() does, with the same batches."""
    a, b = make(seed=1), make(seed=1)
    views = [a.phase_step() for _ in range(10)]
    b.step(1)
    assert [(v.who, v.index) for v in views] == [("D", i) for i in range(1, 6)] + [
        ("G", i) for i in range(1, 6)
    ]
    assert [v.done for v in views] == [False] * 9 + [True]
    assert views[1].d_real is not None and views[0].d_real is None
    assert views[2].loss is not None and views[3].grad_norm > 0
    assert views[8].push is not None and views[8].push.shape == (64, 2)
    for p, q in zip(a.G.parameters(), b.G.parameters()):
        torch.testing.assert_close(p, q)
    for p, q in zip(a.D.parameters(), b.D.parameters()):
        torch.testing.assert_close(p, q)
    assert a.steps == b.steps == 1 and a.d_updates == 1 and a.g_updates == 1


def test_snapshot_shapes_and_ranges():
    t = make(show_dstar=True, noise="uniform1")
    t.step(10)
    s = t.snapshot()
    assert s.real.shape == s.fake.shape == s.grads.shape == (500, 2)
    assert s.heat.shape == (60, 60) and s.heat.min() >= 0 and s.heat.max() <= 1
    assert s.manifold.shape[0] == 1 and s.manifold.shape[2] == 2  # 1-D noise: one curve
    assert s.dstar.shape == (40, 40) and s.n_modes == 8 and s.coverage is not None
    assert s.hist["q_step"][0] == 0 and np.isfinite(s.hist["js"]).all()
    assert 0 <= s.js_floor < 0.05


def test_gradient_arrows_point_where_g_loss_decreases():
    t = make()
    t.step(5)
    s = t.snapshot()
    x = torch.tensor(s.fake, requires_grad=True)
    eps = 1e-3
    before = t.loss.g_loss(t.D(x)).item()
    after = t.loss.g_loss(t.D(x + eps * torch.tensor(s.grads))).item()
    assert after < before


def test_live_learning_rate_and_optimizer_change_keep_progress():
    t = make()
    t.step(5)
    w = [p.clone() for p in t.G.parameters()]
    t.update(dataclasses.replace(t.cfg, g_lr=0.01, d_opt="sgd"))
    assert t.opt_g.param_groups[0]["lr"] == 0.01
    assert isinstance(t.opt_d, torch.optim.SGD) and t.opt_d.param_groups[0]["momentum"] == 0.9
    assert all(torch.equal(a, b) for a, b in zip(w, t.G.parameters())) and t.steps == 5


def test_drawn_distribution_needs_enough_points():
    with pytest.raises(TooFewPoints, match="at least 5 points"):
        make(target="drawn", points=(0.1, 0.2, 0.5, 0.5))
    t = make(target="drawn", points=(0.0, 0.0, 1.0, 1.0, -1.0, 1.0, 0.5, -0.5, 1.5, 0.0))
    t.step(2)
    assert np.abs(t.snapshot().real).max() < 2.0


def test_ring_trains_towards_modes():
    """A short real run: JS drops well below its start and modes get covered (seed fixed)."""
    t = make(g_neurons=64, d_neurons=64, batch=128, seed=0)
    js0 = t.quality.last()["js"]
    t.step(600)
    q = t.quality.last()
    assert q["js"] < 0.75 * js0 and q["modes_hit"] >= 6


def _curves(t: PlaneGan) -> dict[str, np.ndarray]:
    return {k: t.history.array(k) for k in ("step", "d_loss", "g_loss", "g_grad")}


def test_the_curves_do_not_depend_on_how_the_iterations_were_chunked():
    """Live frames train as many iterations as fit the time budget: the same iterations must
    give the same curves whether they came as one chunk or one at a time (or in slow motion)."""
    chunked, single, slow = make(seed=5, k_d=2), make(seed=5, k_d=2), make(seed=5, k_d=2)
    chunked.step(13)
    for _ in range(13):
        single.step(1)
    for _ in range(12):
        slow.step(1)
    while slow.steps < 13:
        slow.phase_step()  # the 13th iteration, one phase at a time
    for got in (_curves(single), _curves(slow)):
        for name, want in _curves(chunked).items():
            np.testing.assert_allclose(got[name], want, rtol=1e-6, err_msg=name)
    assert len(chunked.history) == 13  # one row an iteration


def test_g_gradient_norm_is_logged_for_every_iteration():
    t = make(seed=2, k_g=2)
    t.step(3)
    grads = t.history.array("g_grad")
    assert grads.shape == (3,) and (grads > 0).all()
    z = t.noise.sample(64, torch.Generator().manual_seed(0), torch.device("cpu"))
    t.G.zero_grad()
    t.loss.g_loss(t.D(t.G(z))).backward()  # a fresh batch: the same order of magnitude
    norm = torch.stack([p.grad.pow(2).sum() for p in t.G.parameters()]).sum().sqrt().item()
    assert 0.1 * norm < grads[-1] < 10 * norm


def test_an_iteration_reads_nothing_from_the_device():
    """Issue 25: losses and G's gradient norm stay on the device until a frame reads the history
    (the quality, measured every METRIC_EVERY iterations, is not due in these 8); reading the
    latest row at every iteration gives the same curves."""
    quiet, watched = make(seed=6, k_d=2, k_g=3), make(seed=6, k_d=2, k_g=3)
    syncs, m, w = twin_steps(quiet, watched)
    assert syncs == 0 and w["d_loss"] > 0
    assert dict(m) == dict(w) and set(m) == {"step", "d_loss", "g_loss", "g_grad"}
    assert m["step"] == 9 and m["g_grad"] == pytest.approx(quiet.history.last()["g_grad"])
    for name, want in _curves(watched).items():
        np.testing.assert_array_equal(_curves(quiet)[name], want, err_msg=name)


def test_the_row_means_are_np_means_of_the_values_bit_for_bit():
    """The curves' means over an iteration's k updates, taken on the device, are the numbers
    np.mean gave when each update's value was read to a Python float (k is 1 to 10)."""
    from dlcore.gan.plane import _mean

    rng = np.random.default_rng(0)
    for k in [*range(1, 11), 17]:
        for _ in range(20):
            x = (rng.standard_normal(k) * 10.0 ** rng.uniform(-3, 3)).astype(np.float32)
            want = np.mean([float(v) for v in x])
            assert _mean([torch.tensor(v) for v in x]).item() == want


def test_view_toggles_and_the_other_panel_do_not_touch_the_2d_gan():
    """The fields the 2-D GAN does not train on (view toggles, the digits panel's, drawn points
    of another target) neither rebuild it nor change its numbers."""
    base = dataclasses.replace(GanConfig(), **SMALL, seed=4)
    cfg = plane_config(base)
    other = plane_config(
        dataclasses.replace(
            base,
            panel="digits",
            digits_start="scratch",
            digits_lr=0.001,
            digits_data="mnist",
            points=(0.0, 0.0, 1.0, 1.0),
            show_dstar=True,
            show_real=False,
            show_grads=True,
        )
    )
    assert other == cfg and not needs_rebuild(cfg, other)
    drawn = dataclasses.replace(base, target="drawn", points=(0.0, 0.0) * 5)
    assert plane_config(drawn).points == drawn.points  # the drawing is what it trains on


def test_a_config_built_again_starts_from_the_same_measured_numbers(monkeypatch):
    """The JS noise floor and the quality at iteration 0 are measured once per config and device
    (_STARTS): a trainer built again shows exactly what a first build measured, its model is
    still its own fresh one, and the quality after training is measured anew."""
    cfg = plane_config(GanConfig(target="ring8", seed=3))
    monkeypatch.setattr(plane, "_STARTS", type(plane._STARTS)())
    first = PlaneGan(cfg)
    assert len(plane._STARTS) == 1
    measured = first.quality.last(), first.js_floor, first.last_coverage.counts.copy()
    first.step(plane.METRIC_EVERY)  # the first trainer's training touches nothing cached
    again = PlaneGan(cfg)
    assert again.quality.last() == measured[0] and again.js_floor == measured[1]
    np.testing.assert_array_equal(again.last_coverage.counts, measured[2])
    assert not again.last_coverage.counts.flags.writeable  # shared: nobody may change it
    row, cov = again._quality()  # what a build without the cache measures
    np.testing.assert_array_equal(cov.counts, measured[2])
    assert row == {k: v for k, v in measured[0].items() if k != "step"}
    assert again.G is not first.G and again.steps == 0
    for a, b in zip(again.G.parameters(), PlaneGan(cfg).G.parameters()):
        assert torch.equal(a, b)  # seeded: the same fresh weights
    assert first.quality.last() != measured[0]  # iteration 100's quality, measured
    other = PlaneGan(dataclasses.replace(cfg, seed=4))
    assert len(plane._STARTS) == 2 and other.js_floor != first.js_floor
