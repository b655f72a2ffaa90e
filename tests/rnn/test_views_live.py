"""dlcore.viz.rnn_live rasters: the train, flow and clip frames show what their numbers say,
and empty, NaN or infinite histories draw without error."""

import dataclasses

import numpy as np
import pytest
import torch

from dlcore.rnn import analysis as A
from dlcore.rnn.analysis import FlowNow
from dlcore.rnn.config import TrainSpec
from dlcore.rnn.gradflow import Spectrum, bound_curve
from dlcore.rnn.trainer import CLIP_PAIR, TaskTrainer, TrainSnapshot
from dlcore.viz import rnn_live as V
from dlcore.viz.common import SERIES

CPU = torch.device("cpu")
LABELS = ("RNN", "LSTM", "GRU")
SPEC = Spectrum(1.5, 1.2, 1.0, np.array([1.5, 0.5]))


def hits(img: np.ndarray, hex_color: str, tol: int = 10) -> np.ndarray:
    """(row, col) of the pixels of one colour."""
    rgb = np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)])
    return np.argwhere(np.abs(img.astype(int) - rgb).sum(axis=2) < tol)


def snapshot(grad_norm, eval_loss=None, flow=None, steps=None, diverged=(False,) * 3):
    a, s = grad_norm.shape
    eval_loss = np.full((a, 3), 0.5) if eval_loss is None else eval_loss
    return TrainSnapshot(
        steps=s,
        labels=LABELS[:a],
        train_steps=np.arange(1, s + 1),
        loss=np.full((a, s), 0.2),
        grad_norm=grad_norm,
        clipped_share=np.array([0.5, 0.0, 0.25])[:a],
        eval_steps=np.arange(eval_loss.shape[1]) * 10 if steps is None else steps,
        eval_loss=eval_loss,
        flow=np.ones((a, eval_loss.shape[1], 6)) if flow is None else flow,
        baseline=1 / 6,
        solved_below=0.01,
        metric="MSE",
        spectrum=SPEC,
        diverged=diverged,
    )


def test_real_trainer_frames_have_their_sizes():
    tr = TaskTrainer(TrainSpec(seq_len=8, hidden=8, batch=8), CPU)
    tr.step(20)
    snap = tr.snapshot()
    for img, shape in (
        (V.train_image(snap, 1.0), (330, V.LIVE_WIDTH, 3)),
        (V.flow_image(A.flow_now(tr), snap), (560, V.LIVE_WIDTH, 3)),
    ):
        assert img.shape == shape and img.dtype == np.uint8
        assert (img < 250).any(axis=2).mean() > 0.05  # something is drawn
    pair = TaskTrainer(TrainSpec(seq_len=8, hidden=8, batch=8, clip="norm"), CPU, arms=CLIP_PAIR)
    pair.step(5)
    assert V.clip_image(pair.snapshot(), 1.0).shape == (300, V.LIVE_WIDTH, 3)


def test_larger_gradient_norm_is_drawn_higher():
    g = np.stack([np.full(50, 100.0), np.full(50, 0.01), np.full(50, 1.0)])
    img = V.train_image(snapshot(g), clip_v=1.0)
    right = img[40:295, V.LIVE_WIDTH // 2 + 70 :]  # the ||g|| panel, below its legend
    rows = {lab: hits(right, SERIES[lab])[:, 0].mean() for lab in LABELS}
    assert rows["RNN"] < rows["GRU"] < rows["LSTM"]  # rows grow downwards
    swapped = V.train_image(snapshot(g[[1, 0, 2]]), clip_v=1.0)[40:295, V.LIVE_WIDTH // 2 + 70 :]
    assert hits(swapped, SERIES["RNN"])[:, 0].mean() > hits(swapped, SERIES["LSTM"])[:, 0].mean()


def test_falling_loss_goes_down_and_status_says_solved():
    loss = np.stack([np.full(5, 0.3), np.full(5, 0.3), np.geomspace(1.0, 0.001, 5)])
    snap = snapshot(np.ones((3, 10)), eval_loss=loss)
    img = V.train_image(snap, clip_v=1.0)[40:295, 60 : V.LIVE_WIDTH // 2 - 10]
    gru = hits(img, SERIES["GRU"])
    left, right = gru[gru[:, 1].argmin()], gru[gru[:, 1].argmax()]
    assert right[0] > left[0] + 100
    texts = [t for t, _ in V.train_status(snap)]
    assert texts[2] == "GRU: 0.0010 solved, 25% of steps clipped"
    assert texts[0] == "RNN: 0.3000 not solved, 50% of steps clipped"


def test_status_reports_divergence():
    snap = snapshot(np.full((2, 4), np.nan), diverged=(True, False))
    assert V.clip_status(snap)[0][0] == "RNN: diverged (NaN/inf), 50% of steps clipped"
    assert V.clip_status(snap)[1][0] == "LSTM: loss 0.2, 0% of steps clipped"


@pytest.mark.parametrize("fill", [np.nan, np.inf, 0.0])
def test_empty_and_nonfinite_histories_draw(fill):
    empty = snapshot(np.zeros((3, 0)), eval_loss=np.zeros((3, 0)), flow=np.zeros((3, 0, 6)))
    bad = snapshot(
        np.full((3, 7), fill), eval_loss=np.full((3, 2), fill), flow=np.full((3, 2, 6), fill)
    )
    for snap in (empty, bad):
        assert V.train_image(snap, 1.0).shape == (330, V.LIVE_WIDTH, 3)
        assert V.clip_image(snap, 1.0).shape == (300, V.LIVE_WIDTH, 3)
        now = FlowNow(LABELS, np.full((3, 6), fill), np.full(6, fill), SPEC)
        assert V.flow_image(now, snap).shape == (560, V.LIVE_WIDTH, 3)
    empty_now = FlowNow(LABELS, np.zeros((3, 0)), np.zeros(0), SPEC)
    assert V.flow_image(empty_now, empty).shape == (560, V.LIVE_WIDTH, 3)


def flow_now(bound: bool) -> FlowNow:
    flows = np.stack([np.full(20, np.nan), np.full(20, 1e-3), np.full(20, 1e-2)])
    b = bound_curve(1.0, 1.5, 1.0, 20) if bound else np.full(20, np.nan)
    return FlowNow(LABELS, flows, b, SPEC)


def test_flow_image_draws_the_dashed_bound_falling_towards_the_last_step():
    snap = snapshot(np.ones((3, 5)))
    plot = (slice(36, 270), slice(60, 600))  # the curves panel, below its legend and key
    with_bound = hits(V.flow_image(flow_now(True), snap)[plot], SERIES["RNN"])
    without = hits(V.flow_image(flow_now(False), snap)[plot], SERIES["RNN"])
    assert len(without) == 0 and len(with_bound) > 200  # the RNN curve itself is NaN here
    left, right = with_bound[with_bound[:, 1].argmin()], with_bound[with_bound[:, 1].argmax()]
    assert left[0] < right[0] - 60  # 1.5^19 at t = 0 high above 1 at t = T-1
    cols = np.unique(with_bound[:, 1])
    assert len(cols) < 0.8 * (cols.max() - cols.min())  # dashed: gaps along the way


def test_flow_heatmaps_put_the_latest_probe_on_top_in_viridis():
    flow = np.ones((3, 4, 6))
    flow[0, -1, -1] = 1e3  # latest probe, last time step of the RNN: the maximum
    flow[0, 0, 0] = 1e-3  # first probe, first time step: the minimum
    img = V.flow_image(flow_now(True), snapshot(np.ones((3, 5)), flow=flow))
    heat = img[310:, :330]  # the RNN map (the colour bar on the right has both ends too)
    yellow, purple = hits(heat, "#fde725", 25), hits(heat, "#440154", 25)
    assert len(yellow) and len(purple)
    assert yellow[:, 0].mean() < purple[:, 0].mean()  # newest row on top
    assert yellow[:, 1].min() > purple[:, 1].max()  # last t on the right


def test_viridis_map_ends_and_missing_cells():
    z = np.array([[0.0, 1.0, np.nan]])
    rgb = V.viridis_rgb(z, 0.0, 1.0)
    assert tuple(rgb[0, 0]) == (0x44, 0x01, 0x54) and tuple(rgb[0, 1]) == (0xFD, 0xE7, 0x25)
    assert tuple(rgb[0, 2]) == tuple(V.NAN_CELL)


def test_a_diverged_run_is_drawn_up_to_its_blow_up_with_a_mark_there():
    """Issue 24 item 10: the unclipped run of the exploding preset has one finite point (step 1)
    before it is NaN: the live frame draws that point large enough to see and a vertical mark
    in the run's colour at the step where it blew up, in both panels."""
    steps = np.arange(1.0, 41.0)
    loss = np.stack([np.r_[2228.0, np.full(39, np.nan)], np.geomspace(2228.0, 1.0, 40)])
    norm = np.stack([np.r_[2.7e5, np.full(39, np.nan)], np.geomspace(2.7e5, 1.0, 40)])
    snap = snapshot(norm, steps=np.arange(3) * 10)
    snap = dataclasses.replace(
        snap,
        labels=("no clipping", "with clipping"),
        train_steps=steps,
        loss=loss,
        diverged=(True, False),
        diverged_at=(2, None),
    )
    img = V.clip_image(snap, 1.0)
    red = hits(img[40:270], V.arm_color("no clipping", 0))
    for lo, hi in ((0, V.LIVE_WIDTH // 2), (V.LIVE_WIDTH // 2, V.LIVE_WIDTH)):
        own = red[(red[:, 1] >= lo) & (red[:, 1] < hi)]
        assert len(own) > 60  # the point and the mark, not one 4-pixel dot
        tall = np.ptp(own[:, 0])
        assert tall > 120  # a vertical mark through the panel at step 2
