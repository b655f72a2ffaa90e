"""The race trainer: each racer's path is its optimizer run alone, the noise is seeded, a racer
that diverges drops out while the others go on, the panel's message comes only when every racer
shown is out, live changes apply without a restart, and bad surfaces and start points fall
back."""

import dataclasses

import numpy as np
import pytest

from dlcore.config import needs_rebuild
from dlcore.optim.config import RACERS, OptimConfig
from dlcore.optim.optimizers import build, linear_decay
from dlcore.optim.race import (
    MAX_ITERS,
    RaceTrainer,
    gradient_scale,
    safe_config,
    start_of,
    surface_of,
)
from dlcore.optim.surfaces import DEFAULT_EXPR


def alone(surface, name, start, lr, steps, beta=0.9, rho=0.9):
    theta, opt = np.array(start, dtype=np.float64), build(name, 2, beta=beta, rho=rho)
    out = [theta.copy()]
    for _ in range(steps):
        _, g = surface.value_grad(theta[None])
        opt.step(theta, g[0], lr)
        out.append(theta.copy())
    return np.stack(out)


@pytest.mark.parametrize("surface", ["quadratic", "rosenbrock", "saddle"])
def test_each_path_is_its_optimizer_run_alone(surface):
    t = RaceTrainer(OptimConfig(surface=surface))
    t.step(40)
    t.step(20)  # two calls: the iterations continue where they were
    snap = t.snapshot()
    assert snap.k == 60 and snap.paths.shape == (6, 61, 2)
    for i, name in enumerate(RACERS):
        ref = alone(t.surface, name, t.start, t.surface.lrs[name], 60)
        np.testing.assert_allclose(snap.paths[i], ref, rtol=1e-13, atol=1e-13)
        np.testing.assert_allclose(snap.losses[i], t.surface.value(ref), rtol=1e-13)
    assert snap.losses[:, -1].max() < snap.losses[:, 0].min()  # everyone went downhill


def test_noise_is_seeded_and_moves_the_racers():
    cfg = OptimConfig(noise=0.5, seed=3)
    a, b, c = RaceTrainer(cfg), RaceTrainer(cfg), RaceTrainer(dataclasses.replace(cfg, seed=4))
    for t in (a, b, c):
        t.step(30)
    np.testing.assert_array_equal(a.snapshot().paths, b.snapshot().paths)
    assert not np.allclose(a.snapshot().paths, c.snapshot().paths)
    quiet = RaceTrainer(OptimConfig())
    quiet.step(30)
    assert not np.allclose(a.snapshot().paths, quiet.snapshot().paths)
    assert gradient_scale(a.surface) == pytest.approx(a.noise_unit)


def test_a_diverging_racer_drops_out_and_the_race_goes_on():
    cfg = OptimConfig(surface="rosenbrock", lr_sgd=0.1)  # far too large for SGD here
    t = RaceTrainer(cfg)
    t.step(50)
    snap = t.snapshot()
    sgd = RACERS.index("sgd")
    assert 0 < snap.out_at[sgd] <= 50
    assert np.all(snap.out_at[[i for i in range(6) if i != sgd]] == -1)
    assert np.all(np.isnan(snap.paths[sgd, snap.out_at[sgd] :]))
    assert np.all(np.isfinite(snap.paths[sgd, : snap.out_at[sgd]]))
    assert t.diverged is None  # the others race on: no panel message
    only_sgd = RaceTrainer(dataclasses.replace(cfg, **{f"use_{n}": n == "sgd" for n in RACERS}))
    only_sgd.step(50)
    assert "NaN or infinite" in only_sgd.diverged  # every racer shown is out


def test_nan_weights_make_every_racer_drop_out():
    t = RaceTrainer(OptimConfig())
    t.step(3)
    t.pos[:] = np.nan
    t.step(1)
    assert np.all(t.snapshot().out_at == 4)
    assert t.diverged is not None


def test_live_changes_apply_without_a_restart():
    cfg = OptimConfig(lr_sgd=0.1)
    t = RaceTrainer(cfg)
    t.step(10)
    faster = dataclasses.replace(cfg, lr_sgd=0.5, beta=0.5, rho=0.99, noise=0.0)
    assert not needs_rebuild(cfg, faster)
    t.update(faster)
    assert t.opts[RACERS.index("momentum")].beta == 0.5
    assert t.opts[RACERS.index("rmsprop")].rho == 0.99
    before = t.snapshot().paths[0, -1].copy()
    t.step(1)
    _, g = t.surface.value_grad(before[None])
    np.testing.assert_allclose(t.snapshot().paths[0, -1], before - 0.5 * g[0])
    for field, value in (("surface", "beale"), ("kappa", 50), ("start", (1.0, 1.0)), ("seed", 9)):
        assert needs_rebuild(cfg, dataclasses.replace(cfg, **{field: value})), field


def test_schedule_decays_every_racer_linearly():
    cfg = OptimConfig(schedule=True, decay_until=20, lr_end=0.01)
    t = RaceTrainer(cfg)
    t.step(10)
    snap = t.snapshot()
    for i, name in enumerate(RACERS):
        eta_0 = t.surface.lrs[name]
        assert snap.lrs[i] == pytest.approx(linear_decay(10, 20, eta_0, 0.01 * eta_0))
    sgd = RACERS.index("sgd")
    np.testing.assert_allclose(snap.scales[sgd, :10, 0], [t.lr(sgd, k) for k in range(10)])


def test_the_race_halts_at_the_last_iteration():
    t = RaceTrainer(OptimConfig(surface="saddle"))
    t.step(MAX_ITERS + 50)
    assert t.steps == MAX_ITERS and t.halted


def test_a_bad_typed_surface_falls_back_with_the_message():
    cfg, problem = safe_config(OptimConfig(surface="custom", expr="x + "))
    assert cfg.expr == DEFAULT_EXPR and "not a valid expression" in problem
    assert safe_config(OptimConfig(surface="custom", expr="x^2+y^2"))[1] is None


def test_start_point_is_moved_into_the_box():
    cfg = OptimConfig(surface="rosenbrock", start=(10.0, -10.0))
    surface = surface_of(cfg)
    assert start_of(cfg, surface) == (2.0, -1.0)
    assert start_of(OptimConfig(surface="rosenbrock"), surface) == surface.start
    assert RaceTrainer(cfg).snapshot().paths[0, 0].tolist() == [2.0, -1.0]
