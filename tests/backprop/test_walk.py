"""The backward pass as a live trainer (dlcore/backprop/walk.py): one node a step in walk order,
the gradients equal the whole backward pass, the pass halts at the inputs and starts again, and
a NaN gradient is reported as divergence."""

import math

import numpy as np

from dlcore.backprop.config import WalkConfig
from dlcore.backprop.graph import gradients, walk_order
from dlcore.backprop.walk import BackwardWalk


def test_one_node_a_step_then_halt_and_restart():
    walk = BackwardWalk(WalkConfig("x*y + sin(x)", "x = 0.8, y = -1.7"))
    graph = walk.problem.graph
    order = walk_order(graph)
    assert walk.snapshot().current is None and np.isnan(walk.grads).all()
    walk.step()
    snap = walk.snapshot()
    assert snap.current.node == graph.output and snap.current.grad == 1.0
    assert walk.epoch == 1 and not walk.halted
    for k in range(1, len(order)):
        walk.step()
        assert walk.snapshot().current.node == order[k]
    assert walk.halted and walk.snapshot().done
    full = gradients(graph, walk.problem.values)
    assert np.array_equal(np.nan_to_num(walk.grads), np.nan_to_num(full))
    walk.step()  # past the end: the pass starts again
    assert walk.steps == 1 and walk.snapshot().current.node == graph.output


def test_step_n_and_divergence():
    walk = BackwardWalk(WalkConfig())
    walk.step(3)
    assert walk.steps == 3 and len(walk.snapshot().visits) == 3
    walk.grads[:] = math.nan  # the upstream gradients blew up
    walk.step()
    assert "gradient" in walk.diverged
