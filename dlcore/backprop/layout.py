"""A layered left-to-right layout for small directed acyclic graphs (the expression graphs and the
lecture's network on pages/backprop.py), so that the interactive figure and the live frame draw
the same picture.

Sugiyama's scheme, kept small: each node has a column (given), an edge that spans several
columns passes through dummy points (one per column) so that it is routed around the nodes, the
order inside each column is improved by barycenter sweeps (fewest edge crossings kept), and the
vertical positions are pulled toward the neighbours' while keeping a minimum gap.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Layout:
    """Node centres (column, row) and each edge's polyline through its dummy points."""

    x: np.ndarray  # (N,) column of each node
    y: np.ndarray  # (N,) vertical position (0 at the top, 1 between neighbours)
    paths: tuple[np.ndarray, ...]  # per edge: (P, 2) points from the source to the target
    columns: int
    rows: float  # the height in row units (max y + 1)


def crossings(order: Sequence[Sequence[int]], links: Sequence[tuple[int, int]]) -> int:
    """Edge crossings between neighbouring columns for the given order of each column."""
    pos = {v: i for col in order for i, v in enumerate(col)}
    col_of = {v: c for c, col in enumerate(order) for v in col}
    by_col: dict[int, list[tuple[int, int]]] = {}
    for a, b in links:
        by_col.setdefault(col_of[a], []).append((pos[a], pos[b]))
    total = 0
    for pairs in by_col.values():
        p = np.array(pairs)
        if len(p) < 2:
            continue
        da = p[:, None, 0] - p[None, :, 0]
        db = p[:, None, 1] - p[None, :, 1]
        total += int(np.sum((da * db) < 0)) // 2
    return total


def _split(
    columns: Sequence[int], edges: Sequence[tuple[int, int]]
) -> tuple[list[int], list[tuple[int, int]], list[list[int]]]:
    """Columns of the nodes and dummies, the unit-length links, and each edge's chain."""
    col = list(columns)
    links, chains = [], []
    for a, b in edges:
        chain = [a]
        for c in range(col[a] + 1, col[b]):
            col.append(c)
            chain.append(len(col) - 1)
        chain.append(b)
        links.extend(itertools.pairwise(chain))
        chains.append(chain)
    return col, links, chains


def _order(col: list[int], links: list[tuple[int, int]], sweeps: int = 8) -> list[list[int]]:
    """Each column's top-to-bottom order: barycenter sweeps, the order with fewest crossings."""
    n_cols = max(col) + 1
    order = [[v for v in range(len(col)) if col[v] == c] for c in range(n_cols)]
    preds: dict[int, list[int]] = {}
    succs: dict[int, list[int]] = {}
    for a, b in links:
        succs.setdefault(a, []).append(b)
        preds.setdefault(b, []).append(a)
    best, best_x = [list(c) for c in order], crossings(order, links)
    for sweep in range(sweeps):
        down = sweep % 2 == 0
        cols = range(1, n_cols) if down else range(n_cols - 2, -1, -1)
        for c in cols:
            ref = order[c - 1] if down else order[c + 1]
            pos = {v: i for i, v in enumerate(ref)}
            near = preds if down else succs
            old = {v: i for i, v in enumerate(order[c])}

            def key(v: int, near=near, pos=pos, old=old) -> float:
                ns = [pos[u] for u in near.get(v, []) if u in pos]
                return sum(ns) / len(ns) if ns else float(old[v])

            order[c] = sorted(order[c], key=key)
        x = crossings(order, links)
        if x < best_x:
            best, best_x = [list(c) for c in order], x
    return best


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)  # plain Python: np.mean costs ~20 us a call, 1000s of calls


def _place(order: list[list[int]], links: list[tuple[int, int]], gap: Sequence[float]) -> dict:
    """Vertical positions: start evenly, then pull each point toward its neighbours' mean
    while keeping the column's order and a minimum gap (``gap[v]`` below point v)."""
    y = {}
    for col in order:
        for i, v in enumerate(col):
            y[v] = float(i)
    nbrs: dict[int, list[int]] = {}
    for a, b in links:
        nbrs.setdefault(a, []).append(b)
        nbrs.setdefault(b, []).append(a)
    for _ in range(12):
        for col in order:
            want = [_mean([y[u] for u in nbrs.get(v, [v])]) for v in col]
            placed = list(want)
            for i in range(1, len(col)):
                min_gap = (gap[col[i - 1]] + gap[col[i]]) / 2
                placed[i] = max(placed[i], placed[i - 1] + min_gap)
            shift = _mean([w - p for w, p in zip(want, placed)])  # re-centre on the wishes
            for v, p in zip(col, placed):
                y[v] = p + shift
    low = min(y.values())
    return {v: p - low for v, p in y.items()}


def layered(
    columns: Sequence[int],
    edges: Sequence[tuple[int, int]],
    *,
    dummy_gap: float = 0.45,
) -> Layout:
    """Lay out nodes 0..N-1 in the given columns; ``edges`` go from a lower column to a higher
    one. Rows are 1 apart for nodes, ``dummy_gap`` for the points of long edges."""
    n = len(columns)
    col, links, chains = _split(columns, edges)
    order = _order(col, links)
    gap = [1.0 if v < n else dummy_gap for v in range(len(col))]
    y = _place(order, links, gap)
    xs = np.array([float(col[v]) for v in range(n)])
    ys = np.array([y[v] for v in range(n)])
    paths = tuple(np.array([[col[v], y[v]] for v in chain], dtype=float) for chain in chains)
    return Layout(xs, ys, paths, max(col) + 1, float(max(y.values())) + 1.0)
