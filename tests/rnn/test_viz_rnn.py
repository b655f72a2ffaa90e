"""dlcore.viz.rnn figures: what a student reads in them is inside the figure (subplot titles not
cut off), a run that diverged still draws what it did and where it blew up, and the cliff shows
the clipped step next to the unclipped one."""

import numpy as np

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
