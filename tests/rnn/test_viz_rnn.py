"""dlcore.viz.rnn figures: what a student reads in them is inside the figure (subplot titles not
cut off), a run that diverged still draws what it did and where it blew up, and the cliff shows
the clipped step next to the unclipped one."""

import numpy as np

from dlcore.rnn.clipping import cliff_view
from dlcore.rnn.gradflow import linear_trajectory
from dlcore.viz import rnn as figures

LABELS = ("RNN", "LSTM", "GRU")


def _titles_fit(fig) -> None:
    """Subplot titles sit just above the plot area (paper y = 1, anchored at the bottom): they
    need a top margin of their own, and a legend must not be put in the same place."""
    titles = [a for a in fig.layout.annotations if a.yref == "paper" and a.y == 1]
    assert titles, "no subplot titles"
    assert fig.layout.margin.t >= 30, fig.layout.margin.t
    legend_above = fig.layout.showlegend is not False and (fig.layout.legend.y or 0) >= 1
    assert not legend_above


def test_flow_heatmaps_keep_their_subplot_titles_inside_the_figure():
    flows = np.abs(np.random.default_rng(0).normal(size=(3, 4, 6))) + 1e-3
    fig = figures.flow_heatmaps(flows, np.arange(4) * 10, LABELS)
    assert [a.text for a in fig.layout.annotations][:3] == list(LABELS)
    _titles_fit(fig)


def test_linear_figure_keeps_its_subplot_titles_clear_of_the_legend():
    tr = linear_trajectory(1.05, 0.7, 30.0, (1.0, 1.0), 40)
    _titles_fit(figures.linear_figure(tr.h, tr.components, tr.eigvals, tr.q))


def _blowup():
    """The exploding preset's pair after 5 steps (measured): the unclipped run takes the first
    step (loss 2,228, ||g|| 2.7e5) and is NaN from step 2 on."""
    steps = np.arange(1.0, 6.0)
    loss = np.array([[2228.0, np.nan, np.nan, np.nan, np.nan], [2228.0, 550.0, 59.0, 3.6, 1.5]])
    return steps, loss, ("no clipping", "with clipping"), (2, None)


def test_a_diverged_run_draws_up_to_where_it_blew_up_and_marks_the_step():
    steps, loss, labels, dead_at = _blowup()
    fig = figures.curves_figure(steps, loss, labels, "training MSE", diverged_at=dead_at)
    run = next(t for t in fig.data if t.name == "no clipping")
    assert "markers" in run.mode  # its one finite point is drawn (a line needs two)
    assert np.isfinite(np.asarray(run.y, dtype=float)).sum() == 1
    mark = next(t for t in fig.data if "blew up" in (t.name or ""))
    assert list(mark.x) == [2] and mark.marker.symbol == "x"
    assert mark.y[0] == 2228.0  # at the last value it had, in its colour
    assert mark.marker.color == run.line.color and "step 2" in mark.name
    lines = [s for s in fig.layout.shapes if s.x0 == 2 and s.x1 == 2]
    assert len(lines) == 1 and lines[0].line.color == run.line.color
    kept = next(t for t in fig.data if t.name == "with clipping")
    assert not any("blew up" in (t.name or "") and t.x[0] != 2 for t in fig.data)
    assert np.isfinite(np.asarray(kept.y, dtype=float)).all()


def test_held_out_loss_of_a_diverged_cell_marks_where_it_blew_up():
    eval_loss = np.array([[0.2, np.nan, np.nan], [0.2, 0.1, 0.05], [0.2, 0.1, 0.01]])
    fig = figures.loss_figure(
        np.array([0, 10, 20]), eval_loss, LABELS, 1 / 6, 0.01, "MSE", diverged_at=(7, None, None)
    )
    mark = next(t for t in fig.data if "blew up" in (t.name or ""))
    assert list(mark.x) == [7] and mark.y[0] == 0.2 and mark.name.startswith("RNN")


def test_the_cliff_shows_the_clipped_step_next_to_the_plain_one():
    """Issue 24 item 10: the whole map draws the plain step as an arrow off the map (no point
    pinned to the border) and frames the zoom window; the zoom draws the clipped step, a
    visible part of its width, beside the plain step's arrow leaving the window."""
    cv = cliff_view(w0=4.5, lr=0.01, v=1.0)
    whole = figures.cliff_figure(cv)
    plain = next(t for t in whole.data if (t.name or "").startswith("no clipping"))
    inside = (cv.ws[0] <= cv.path_plain[:, 0]) & (cv.path_plain[:, 0] <= cv.ws[-1])
    inside &= (cv.bs[0] <= cv.path_plain[:, 1]) & (cv.path_plain[:, 1] <= cv.bs[-1])
    assert len(plain.x) == inside.sum() == 1  # only the start: the step lands off the map
    arrow = next(a for a in whole.layout.annotations if a.showarrow)
    assert (arrow.ax, arrow.ay) == tuple(cv.start) and arrow.axref == "x"
    assert arrow.x == cv.ws[-1] or arrow.y == cv.bs[-1]  # to the border, towards (18.4, 20.6)
    assert any("(18.4, 20.6)" in (a.text or "") for a in whole.layout.annotations)
    window = next(s for s in whole.layout.shapes if s.type == "rect")
    assert window.x0 == cv.zoom_ws[0] and window.x1 == cv.zoom_ws[-1]
    zoom = figures.cliff_zoom_figure(cv)
    clipped = next(t for t in zoom.data if (t.name or "").startswith("clipped step"))
    first = np.hypot(clipped.x[1] - clipped.x[0], clipped.y[1] - clipped.y[0])
    assert first / (cv.zoom_ws[-1] - cv.zoom_ws[0]) > 0.15
    leaving = next(a for a in zoom.layout.annotations if a.showarrow)
    assert (leaving.ax, leaving.ay) == tuple(cv.start)
    assert any("plain step" in (a.text or "") for a in zoom.layout.annotations)
    tip = np.array([leaving.x, leaving.y]) - cv.start
    assert tip @ -cv.grad > 0.99 * np.linalg.norm(tip) * np.linalg.norm(cv.grad)  # along -g


def test_the_connectivity_map_is_clickable_and_readable_on_a_projector():
    """Every character of every model row carries its index for a click (plotly selects points,
    not heat-map cells), the characters are drawn large enough, and the columns are the text's
    own indices (a window of a long text keeps them)."""
    chars = tuple("the river bank")
    conn = np.abs(np.random.default_rng(1).normal(size=(3, len(chars))))
    fig = figures.connectivity_figure(chars, conn, ["RNN", "LSTM", "GRU"], 20, offset=10)
    heat = fig.data[0]
    assert list(heat.x) == list(range(10, 10 + len(chars)))
    assert heat.textfont.size >= 14
    catcher = next(t for t in fig.data if t.name == "characters")
    picked = sorted({int(c[0]) for c in catcher.customdata})
    assert picked == list(range(10, 10 + len(chars))) and len(catcher.x) == 3 * len(chars)
    assert fig.layout.font.size >= 14


def test_the_sentence_window_keeps_the_position_and_a_few_characters_after_it():
    from dlcore.rnn.analysis import CHAR_WINDOW, char_window

    assert char_window(30, 29) == (0, 30)  # short: everything
    lo, hi = char_window(200, 199)
    assert (lo, hi) == (200 - CHAR_WINDOW, 200)
    lo, hi = char_window(200, 50)
    assert lo <= 50 < hi and hi - lo == CHAR_WINDOW and hi >= 51 + 8 - 1


def test_the_cliff_map_offers_starts_on_the_wall_to_click():
    """A click on one of the marked points of the wall starts the descent there (each carries
    its w; the view sets the slider)."""
    from dlcore.rnn.clipping import WALL_WS, wall_point

    cv = cliff_view(w0=4.5, lr=0.01, v=1.0)
    fig = figures.cliff_figure(cv, wall=(WALL_WS, tuple(wall_point(w) for w in WALL_WS)))
    starts = next(t for t in fig.data if (t.name or "").startswith("click"))
    assert [c[0] for c in starts.customdata] == list(WALL_WS)
    assert list(starts.y) == [wall_point(w) for w in WALL_WS]
    assert WALL_WS[0] == 4.2 and WALL_WS[-1] == 5.0  # the slider's range
    xy = np.array([list(starts.x), list(starts.y)]).T / [7.0, 5.0]  # the map's w and b ranges
    gaps = np.linalg.norm(np.diff(xy, axis=0), axis=1)
    assert gaps.min() * 400 > starts.marker.size + 2  # on a ~400-px map they never overlap
