"""The layered layout (dlcore/backprop/layout.py): columns kept, nodes of a column never overlap,
long edges pass through every column between their ends, crossings counted right and removed
where an order without them exists."""

import numpy as np

from dlcore.backprop.expr import parse
from dlcore.backprop.layout import crossings, layered
from dlcore.backprop.walk import edges, graph_layout


def test_crossings_of_two_orders():
    links = [(0, 3), (1, 2)]  # column 0: 0, 1; column 1: 2, 3
    assert crossings([[0, 1], [2, 3]], links) == 1
    assert crossings([[0, 1], [3, 2]], links) == 0


def test_an_avoidable_crossing_is_removed():
    # 0 -> 3 and 1 -> 2 cross in the given order; the layout swaps one column
    lay = layered([0, 0, 1, 1], [(0, 3), (1, 2)])
    assert (lay.y[0] < lay.y[1]) == (lay.y[3] < lay.y[2])


def test_columns_gaps_and_long_edges():
    graph = parse("sigmoid(w1*x1 + w2*x2 + b) * tanh(w1*x1 - w2*x2) + exp(-(x1^2 + x2^2)/2)")
    lay = graph_layout(graph)
    cols = graph.layers()
    assert np.array_equal(lay.x, cols.astype(float))
    for c in range(lay.columns):
        ys = np.sort(lay.y[cols == c])
        assert np.all(np.diff(ys) >= 1.0 - 1e-9), c  # node boxes never overlap
    for (a, b), path in zip(edges(graph), lay.paths):
        assert tuple(path[0]) == (lay.x[a], lay.y[a]) and tuple(path[-1]) == (lay.x[b], lay.y[b])
        assert np.array_equal(path[:, 0], np.arange(cols[a], cols[b] + 1))  # one point a column
    assert lay.rows >= lay.y.max() + 1 - 1e-9 and lay.y.min() >= 0
