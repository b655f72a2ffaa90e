"""Encoder-decoder with attention: shapes, row sums, padding gets 0, hand-computed cell equals the
model's own numbers, the live trainer learns, and the shipped checkpoints translate dates."""

import numpy as np
import pytest
import torch

from bench.bench_device import counting_syncs
from dlcore.attention import dates as D
from dlcore.attention.scores import SCORES
from dlcore.attention.seq2seq import (
    MODELS,
    ModelSpec,
    Seq2Seq,
    attend,
    batch_tensors,
    checkpoint_path,
    exact_match,
    explain_cell,
    load_checkpoint,
    load_model,
    translate,
)
from dlcore.attention.seq2seq import (
    test_pairs as held_out_pairs,
)
from dlcore.attention.trainer import DateTrainCfg, DateTrainer

torch.set_num_threads(1)
SMALL = dict(emb=8, hidden=8, attn=8)


def small(score: str) -> Seq2Seq:
    torch.manual_seed(0)
    return Seq2Seq(ModelSpec(score=score, **SMALL)).eval()


@pytest.mark.parametrize("score", list(SCORES))
def test_padding_gets_zero_weight_and_rows_sum_to_one(score):
    m = small(score)
    src, lengths, tgt = batch_tensors(
        [("27/11/26", "2026-11-27"), ("Friday, May 1, 1970", "1970-05-01")], torch.device("cpu")
    )
    tr = m(src, lengths, tgt)
    assert tr.weights.shape == (2, D.OUT_LEN, src.shape[1])
    torch.testing.assert_close(tr.weights.sum(-1), torch.ones(2, D.OUT_LEN))
    assert (tr.weights[0, :, 8:] == 0).all()  # "27/11/26" has 8 characters, the rest is padding


@pytest.mark.parametrize("score", list(SCORES))
def test_context_is_weighted_sum_and_cell_by_hand(score):
    m = small(score)
    maps = attend(m, "Fri 27 Nov 2026")
    np.testing.assert_allclose(maps.contexts, maps.weights @ maps.keys, atol=1e-5)
    cell = explain_cell(m, maps, 3, 5)
    assert cell.score == pytest.approx(float(maps.scores[3, 5]), abs=1e-5)
    assert cell.weight == pytest.approx(float(maps.weights[3, 5]), abs=1e-6)
    assert cell.exp_shifted / cell.normalizer == pytest.approx(cell.weight)
    np.testing.assert_allclose(cell.context, maps.contexts[3], atol=1e-5)
    hot = explain_cell(m, maps, 3, 5, temperature=0.1)
    assert abs(hot.weight - 1 / len(maps.source)) >= abs(cell.weight - 1 / len(maps.source)) - 1e-9


def test_baseline_has_no_attention_but_translates():
    m = small("none")
    out = translate(m, ["27/11/26", ""])
    assert len(out) == 2 and all(len(o) == D.OUT_LEN for o in out)


def test_live_trainer_lowers_the_loss():
    tr = DateTrainer(DateTrainCfg(score="dot", batch=32, lr=1e-2), ModelSpec(score="dot", **SMALL))
    first = tr.step(1)["loss"]
    for _ in range(3):
        last = tr.step(5)["loss"]
    assert last < first
    snap = tr.snapshot()
    assert tr.steps == 16 and len(snap.loss) == 4
    assert snap.maps is not None and snap.maps.weights.shape[0] == D.OUT_LEN
    tr.update(DateTrainCfg(score="dot", batch=32, lr=1e-3))
    assert tr.opt.param_groups[0]["lr"] == pytest.approx(1e-3)


def test_live_trainer_reads_only_its_fields_and_reports_divergence():
    from dlcore.attention.config import AttentionConfig

    page_cfg = AttentionConfig(score="dot", lr=1e-3, batch=32, temperature=0.5, view="pointer")
    assert DateTrainCfg.of(page_cfg) == DateTrainCfg(score="dot", lr=1e-3, batch=32)
    tr = DateTrainer(DateTrainCfg(score="dot", batch=8), ModelSpec(score="dot", **SMALL))
    tr.step(1)
    assert tr.diverged is None
    for p in tr.model.parameters():
        p.data.fill_(float("nan"))
    tr.step(1)
    assert "loss" in tr.diverged
    assert tr.snapshot().output  # a diverged model still draws (its map is NaN)


def test_a_training_step_reads_nothing_from_the_device():
    """Issue 25: the loss stays on the device until a frame reads the history. The one read
    left is PyTorch's own: nn.GRU reads a packed batch's sizes, which live on the host."""
    cfg, spec = DateTrainCfg(score="additive", batch=8), ModelSpec(score="additive", **SMALL)
    quiet, watched = DateTrainer(cfg, spec), DateTrainer(cfg, spec)
    quiet.step(1)
    with counting_syncs() as count:
        m = quiet.step(8)
    assert count[0] <= 8  # one a step: int(batch_sizes[0]) in nn.GRU's argument check
    losses = [watched.step(1)["loss"] for _ in range(9)]
    total = 0.0
    for loss in losses[1:]:
        total += loss
    assert m["loss"] == total / 8  # the mean of the chunk's losses, as before, in float64
    assert quiet.history.last()["loss"] == pytest.approx(m["loss"], rel=1e-7)
    assert list(quiet.snapshot().loss_steps) == [1, 9]
    for p, q in zip(quiet.model.parameters(), watched.model.parameters()):
        torch.testing.assert_close(p, q, rtol=0, atol=0)


def _shipped(score):
    if not checkpoint_path(score).exists():
        pytest.skip("checkpoint not trained yet: python -m dlcore.pretrain attention")
    return load_model(score)


@pytest.mark.parametrize("score", MODELS[:4])
def test_shipped_checkpoint_translates_held_out_dates(score):
    m = _shipped(score)
    acc = exact_match(m, held_out_pairs(300, seed=4242)).mean()
    assert acc >= 0.98
    assert (
        translate(m, ["Fri 27 Nov 2026", "November 27th, 2026", "27/11/26"]) == ["2026-11-27"] * 3
    )
    ck = load_checkpoint(score)
    assert ck["test_exact_match"] >= 0.99
    assert {"0", "100", "300"} <= set(ck["snapshots"]) and ck["steps"] >= 300
    early = attend(load_model(score, snapshot=0), "27/11/26").weights
    late = attend(m, "27/11/26").weights
    ent = lambda w: -(w * np.log(w + 1e-12)).sum(-1).mean()  # noqa: E731
    assert ent(late) < ent(early)  # the alignment sharpens during training


def test_shipped_baseline_is_reported():
    m = _shipped("none")
    ck = load_checkpoint("none")
    assert 0.0 <= ck["test_exact_match"] <= 1.0
    assert len(ck["accuracy_by_length"]) == len(ck["length_edges"]) - 1
    assert isinstance(translate(m, ["27/11/26"])[0], str)
