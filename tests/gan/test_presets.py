"""Every lesson preset is a valid, shareable config that builds a trainer; the failure lessons
show what they promise on their seeded runs (vanishing gradients, oscillation)."""

import dataclasses

import numpy as np
import pytest
import torch

from dlcore.config import parse_config, to_query
from dlcore.gan.config import GanConfig
from dlcore.gan.metrics import swings
from dlcore.gan.plane import PlaneGan
from dlcore.gan.presets import PRESETS, matching_preset

CPU = torch.device("cpu")


@pytest.mark.parametrize("name", list(PRESETS))
def test_preset_round_trips_through_the_url_and_builds(name):
    cfg = PRESETS[name].config()
    parsed = parse_config(GanConfig, to_query(cfg))
    assert parsed.config == cfg and not parsed.notices
    assert PRESETS[name].explain and PRESETS[name].label
    PlaneGan(cfg, torch.device("cpu")).step(1)


def _moved(t: PlaneGan, iterations: int) -> float:
    """Mean distance the fixed-noise fake samples move in ``iterations`` more iterations."""
    before = t.sample(t.z_view)
    t.step(iterations)
    return float(np.linalg.norm(t.sample(t.z_view) - before, axis=1).mean())


def _d_on_fakes(t: PlaneGan) -> float:
    with torch.no_grad():
        return t.loss.prob(t.D(t.G(t.z_view))).mean().item()


def test_the_minimax_preset_stalls_g_where_the_non_saturating_loss_learns():
    """The lecture's point, on the preset's seeded run: D wins early, log(1 - D(G(z)))
    saturates and G's gradient vanishes; the same run with -log D(G(z)) moves at once."""
    cfg = PRESETS["saturating"].config()
    assert cfg.loss == "minimax"
    stalled = PlaneGan(cfg, CPU)
    learns = PlaneGan(dataclasses.replace(cfg, loss="nonsaturating"), CPU)
    for t in (stalled, learns):
        t.step(100)
    moved = {id(t): _moved(t, 100) for t in (stalled, learns)}  # iterations 100 to 200
    grad = {id(t): float(np.median(t.history.array("g_grad")[-100:])) for t in (stalled, learns)}
    # D wins early: it calls every fake sample fake, and G's gradient has all but vanished
    assert _d_on_fakes(stalled) < 0.01 and grad[id(stalled)] < 0.01  # measured 0.000, 1.1e-3
    assert moved[id(stalled)] < 0.01  # G stalls (samples moved ~1e-3 in 100 iterations)
    assert stalled.quality.last()["js"] > 0.68 and stalled.quality.last()["modes_hit"] == 0
    # the non-saturating loss, every other setting the same: a gradient thousands of times
    # larger, the samples move onto the ring and D stops calling them all fake
    assert grad[id(learns)] > 1000 * grad[id(stalled)]  # measured 6.7 vs 1.1e-3
    assert moved[id(learns)] > 10 * moved[id(stalled)]
    assert _d_on_fakes(learns) > 0.05  # measured 0.17
    assert learns.quality.last()["js"] < stalled.quality.last()["js"] - 0.05  # 0.58 vs 0.69


def test_the_oscillation_preset_swings_across_the_data_where_adam_settles():
    """Measured on the preset's seeded run: over iterations 500-1,000 the fake samples' centre
    keeps swinging from one side of the data to the other, far from it on average, and the GAN
    never fits the data; Adam's defaults on the same target settle close to it."""
    preset = PRESETS["oscillation"].config()
    for cfg, oscillates in ((preset, True), (GanConfig(target=preset.target), False)):
        t = PlaneGan(cfg, CPU)
        t.step(500)
        path = t.centre_path(500, every=10)  # (50, 2) offsets from the data's centre
        offset = float(np.linalg.norm(path, axis=1).mean())
        js = t.quality.last()["js"]
        if oscillates:  # measured: 4 swings, offset 0.62, JS 0.62
            assert swings(path, 0.25) >= 3 and offset > 0.4 and js > 0.4
            assert np.isfinite(path).all()  # it swings, it does not diverge
        else:  # measured: offset 0.13, JS 0.07
            assert offset < 0.25 and js < 0.2


def test_swings_counts_crossings_beyond_the_reach_only():
    t = np.linspace(0, 4 * np.pi, 200)
    circle = np.stack([np.cos(t), np.sin(t)], 1)  # two turns round the data: 4 crossings
    assert swings(0.6 * circle, 0.25) == 4
    assert swings(0.1 * circle, 0.25) == 0  # a jitter within the reach is no swing
    line = np.stack([[0.5, -0.5, 0.5, 0.1, -0.1, 0.5], np.zeros(6)], 1)
    assert swings(line, 0.25) == 2  # 0.1 and -0.1 stay within reach
    assert swings(np.zeros((1, 2)), 0.25) == 0


def test_a_config_matches_the_preset_it_came_from_whatever_is_shown():
    for key, preset in PRESETS.items():
        assert matching_preset(preset.config()) == key
        shown = dataclasses.replace(
            preset.config(), show_real=False, show_dstar=True, panel="digits", digits_lr=0.001
        )  # view toggles and the other panel change no training setting
        assert matching_preset(shown) == key
    assert matching_preset(GanConfig(target="moons")) == "moons"  # a link that loads the moons
    assert matching_preset(GanConfig(target="moons", g_lr=0.003)) is None  # settings of one's own
