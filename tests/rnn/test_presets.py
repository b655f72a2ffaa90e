"""The page's presets: they parse and build, their baselines are the closed forms, and short seeded
runs move the metrics the way the preset promises. Timings belong to bench/bench_rnn.py."""

import math
from dataclasses import replace

import numpy as np
import pytest
import torch

from dlcore.config import parse_config
from dlcore.rnn.config import PRESETS, RnnConfig, preset_values
from dlcore.rnn.tasks import COPY_A, COPY_K, LATCH_K
from dlcore.rnn.trainer import CLIP_PAIR, Arm, TaskTrainer

CPU = torch.device("cpu")
CLOSED_FORM = {
    "adding": lambda t: 1 / 6,
    "latch": lambda t: math.log(LATCH_K),
    "copy": lambda t: COPY_K * math.log(COPY_A) / (t + 2 * COPY_K),
}


def preset(prefix: str) -> RnnConfig:
    name = next(n for n in PRESETS if n.startswith(prefix))
    return replace(RnnConfig(), **preset_values(name))


@pytest.mark.parametrize("name", list(PRESETS))
def test_preset_parses_builds_and_reports_its_closed_form_baseline(name):
    values = preset_values(name)
    parsed = parse_config(RnnConfig, {k: str(v) for k, v in values.items()})
    assert parsed.notices == ()
    cfg = replace(RnnConfig(), **values)
    assert parsed.config == cfg
    tr = TaskTrainer(cfg, CPU)
    snap = tr.snapshot()
    assert snap.baseline == pytest.approx(CLOSED_FORM[cfg.task](cfg.seq_len), abs=1e-12)
    assert np.all(np.isfinite(snap.eval_loss[:, 0]))


def test_latch_and_copy_baselines_are_what_a_memoryless_net_gets_on_the_presets_data():
    lat = TaskTrainer(preset("latch"), CPU).held_out
    uniform = torch.zeros(lat.y.shape[0], LATCH_K)
    ce = float(torch.nn.functional.cross_entropy(uniform, lat.y))
    assert ce == pytest.approx(math.log(LATCH_K), abs=1e-6)
    cfg = preset("delayed copy")
    tr = TaskTrainer(cfg, CPU)
    y = tr.held_out.y  # (B, T + 2K)
    logits = torch.full((*y.shape, COPY_A + 2), -1e9)
    logits[:, :-COPY_K, COPY_A] = 0.0  # blank where the target is certain ...
    logits[:, -COPY_K:, :COPY_A] = 0.0  # ... uniform over the alphabet at recall
    assert float(tr.task.loss(logits, y)) == pytest.approx(tr.task.baseline(cfg.seq_len), abs=1e-5)


def test_latch_preset_gru_learns_while_the_vanilla_rnn_stays_at_ln_k():
    """The preset itself (T = 60, its seed), two of its three cells, 150 steps."""
    cfg = preset("latch")
    tr = TaskTrainer(cfg, CPU, arms=(Arm("RNN", "rnn"), Arm("GRU", "gru")))
    tr.probe_every = 75  # probes only read the weights: fewer of them, same training
    tr.step(150)
    rnn, gru = tr.snapshot().eval_loss[:, -1]
    base = math.log(LATCH_K)
    assert gru < 0.2 * base  # remembers the first symbol over 60 steps
    assert rnn > 0.95 * base  # no better than guessing


def test_copy_preset_cells_first_learn_the_blanks():
    """Every cell leaves the uniform start (ln 10 per step) for the no-memory baseline."""
    cfg = preset("delayed copy")
    tr = TaskTrainer(replace(cfg, seq_len=5), CPU)
    tr.probe_every = 60
    tr.step(60)
    s = tr.snapshot()
    assert np.all(s.eval_loss[:, 0] > 1.5)  # about ln(A + 2) at init
    assert np.all(s.eval_loss[:, -1] < 0.5 * s.eval_loss[:, 0])


def test_exploding_preset_explodes_and_clipping_tames_it():
    cfg = preset("exploding")
    tr = TaskTrainer(cfg, CPU, arms=CLIP_PAIR)
    flow = tr.probes[0].flow[0]  # no clipping: ||dL/dh_t|| at init, t = 0 .. T-1
    assert tr.probe_spectrum.product > 1  # lambda_1 gamma > 1: exploding is possible ...
    assert flow[0] > 100 * flow[-1]  # ... and happens: the norm grows going back in time
    assert np.all(np.diff(np.log(flow)) < 0)
    tr.step(5)
    s = tr.snapshot()
    assert s.grad_norm[0, 0] > 1e3 * cfg.clip_v  # the first gradient is huge for both
    assert s.diverged == (True, False)  # unclipped SGD blows up; clipped SGD keeps going
    assert s.clipped_share[1] > 0.5 and np.all(np.isfinite(s.loss[1]))
    assert s.loss[1, -1] < 0.01 * s.loss[1, 0]


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_has_its_note(name):
    from dlcore.rnn.texts import preset_note

    assert len(preset_note(name)) > 80
