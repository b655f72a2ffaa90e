"""The backward pass as a live trainer: each step visits one node of the expression graph in
reverse topological order and computes its gradient from its successors' (the lecture's
"Bprop: visit nodes in reverse order"), so Play / Step / Reset of the live panel walk it.

    walk = BackwardWalk(WalkConfig("(a*b + c) * tanh(d)", "a = 2, b = -3, c = 10, d = 0.5"))
    walk.step()      # the output: df/df = 1
    walk.step()      # the next node: sum over its successors of upstream x local
    walk.snapshot()  # what the drawing needs

Used by the expression-graph view of pages/backprop.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from dlcore.backprop.config import WalkConfig
from dlcore.backprop.expr import Values, parse, parse_values
from dlcore.backprop.graph import Graph, Term, Visit, backward, forward, walk_order
from dlcore.backprop.layout import Layout, layered
from dlcore.trainer import BaseTrainer


@dataclass(frozen=True)
class Problem:
    """A parsed expression with its inputs, forward values and full backward pass."""

    graph: Graph
    inputs: Values
    values: np.ndarray  # (N,) forward value of every node
    visits: tuple[Visit, ...]  # the whole backward pass, in walk order


def edges(graph: Graph) -> list[tuple[int, int]]:
    """(argument, consumer) once per pair: the graph's drawn edges."""
    return [(a, n.id) for n in graph.nodes for a in dict.fromkeys(n.args)]


def graph_layout(graph: Graph) -> Layout:
    """The drawing's layout: inputs in the first column, f in the last."""
    return layered(graph.layers().tolist(), edges(graph))


def prepare(expr: str, values: str) -> Problem:
    """Parse, evaluate and differentiate; raises ExprError with a message for the student."""
    graph = parse(expr)
    inputs = parse_values(values, graph.names)
    vals = forward(graph, inputs.values)
    return Problem(graph, inputs, vals, tuple(backward(graph, vals)))


@dataclass(frozen=True)
class WalkSnapshot:
    """The walk so far: the gradients found (NaN where not yet) and the latest visit."""

    problem: Problem
    grads: np.ndarray  # (N,)
    visits: tuple[Visit, ...]  # done so far, in order
    total: int  # visits in the whole pass

    @property
    def current(self) -> Visit | None:
        return self.visits[-1] if self.visits else None

    @property
    def done(self) -> bool:
        return len(self.visits) == self.total


class BackwardWalk(BaseTrainer):
    """One step = one node's gradient (see the module docstring). Stepping past the end starts
    the pass again."""

    def __init__(self, cfg: WalkConfig) -> None:
        super().__init__(cfg)
        self.problem = prepare(cfg.expr, cfg.values)
        self.order = walk_order(self.problem.graph)
        # the local derivatives are fixed by the forward values: dv_j/dv_i for each edge
        self.local = {(t.consumer, v.node): t.local for v in self.problem.visits for t in v.terms}
        self.consumers = self.problem.graph.consumers()
        self.layout = graph_layout(self.problem.graph)  # the drawing: the same for every step
        self.steps_per_epoch = len(self.order)
        self._restart()

    def _restart(self) -> None:
        self.grads = np.full(len(self.problem.graph.nodes), np.nan)
        self.visits: list[Visit] = []
        self.steps = 0

    def step(self, n: int = 1) -> dict[str, float]:
        if self.steps >= len(self.order):
            self._restart()
        metrics: dict[str, float] = {}
        for _ in range(max(1, int(n))):
            if self.steps >= len(self.order):
                break
            metrics = self._visit(self.order[self.steps])
            self.steps += 1
        self.history.append(self.steps, metrics)
        return metrics

    def _visit(self, i: int) -> dict[str, float]:
        graph = self.problem.graph
        if i == graph.output:
            visit = Visit(i, (), 1.0)  # the seed: df/df = 1
        else:
            terms = []
            for j in self.consumers[i]:
                up, local = float(self.grads[j]), self.local[(j, i)]
                terms.append(Term(j, up, local, up * local))
            visit = Visit(i, tuple(terms), math.fsum(t.product for t in terms))
        self.grads[i] = visit.grad
        self.visits.append(visit)
        return {"gradient": visit.grad}

    @property
    def halted(self) -> bool:
        """The pass reached the inputs: the panel pauses (Play again starts it over)."""
        return self.steps >= len(self.order)

    @property
    def epoch(self) -> float:
        return float(self.steps)

    def snapshot(self) -> WalkSnapshot:
        return WalkSnapshot(self.problem, self.grads.copy(), tuple(self.visits), len(self.order))
