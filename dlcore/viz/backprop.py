"""Figures of the backpropagation page (pages/backprop.py): node-link diagrams of the expression
graph and of the lecture's network, and the charts of depth, softmax and cost.

A ``Diagram`` is drawn twice from the same numbers: as an interactive plotly figure while paused
(hover every node and edge, click a node) and as JSON for the browser's canvas renderer
(dlcore/ui/js/backprop_live.js) while Play walks it, so both show the same picture. Colours:
values in ink, gradients in vermillion (CS231n's circuit diagrams use green and red), the node
being visited outlined in red.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import plotly.graph_objects as go

from dlcore.backprop.cost import CostResult
from dlcore.backprop.depth import DepthResult
from dlcore.backprop.graph import fmt
from dlcore.backprop.layout import Layout
from dlcore.backprop.network import NetState
from dlcore.backprop.softmax import SoftmaxResult
from dlcore.backprop.walk import WalkSnapshot
from dlcore.backprop.walk import edges as graph_edges
from dlcore.viz.common import DIVERGING, PALETTE, style

GRAD = "#d55e00"  # gradients (backward pass)
CURRENT = "#d62728"  # the node being visited and its edges
IDLE_EDGE = "#b8bcc2"
KINDS = {  # fill, border
    "input": ("#e3f4ec", "#009e73"),
    "const": ("#f2f2f2", "#9aa0a6"),
    "op": ("#eaf2fb", "#0877bd"),
    "output": ("#d7e6f5", "#262730"),
    "bias": ("#f7f7f7", "#9aa0a6"),
    "unit": ("#eaf2fb", "#0877bd"),
}
CURRENT_FILL = "#fff1d6"
WIDTH_PX = 1100  # about the chart's width on a wide page: sizes the labels in column units


@dataclass(frozen=True)
class DNode:
    key: int  # what a click on it returns (the node's id)
    x: float
    y: float
    title: str
    lines: tuple[tuple[str, str], ...]  # (text, colour) under the title
    kind: str  # a key of KINDS
    state: str = "idle"  # idle | done | current | selected
    hover: str = ""


@dataclass(frozen=True)
class DEdge:
    path: np.ndarray  # (P, 2) from the source's centre to the target's centre
    label: str = ""  # "\n" separates lines
    state: str = "idle"  # idle | done | current
    hover: str = ""
    color: str | None = None  # overrides the state's colour (a weight's sign)
    width: float | None = None
    label_at: float | None = None  # overrides the diagram's label position
    label_color: str | None = None


@dataclass(frozen=True)
class Diagram:
    nodes: tuple[DNode, ...]
    edges: tuple[DEdge, ...]
    columns: int
    rows: float
    box_w: float = 0.62  # in columns
    box_h: float = 0.8  # in rows
    label_at: float = 0.5  # where along an edge's last visible segment its label sits
    row_px: int = 84  # pixels per row
    font: int | None = None  # text size (default: by the number of columns)
    meta: dict = field(default_factory=dict)


def _font(d: Diagram) -> int:
    if d.font:
        return d.font
    return 17 if d.columns <= 4 else 15 if d.columns <= 6 else 14 if d.columns <= 8 else 12


def _visible(d: Diagram, e: DEdge) -> np.ndarray:
    """The edge's polyline from the source box's right side to the target box's left side."""
    pts = np.array(e.path, dtype=float)
    pts[0, 0] += d.box_w / 2
    pts[-1, 0] -= d.box_w / 2
    return pts


def _point_at(pts: np.ndarray, t: float) -> tuple[float, float]:
    """The point ``t`` of the way along a polyline (by length; rows count half a column)."""
    seg = np.linalg.norm(np.diff(pts, axis=0) * [1.0, 0.5], axis=1)
    ends = np.cumsum(seg)
    at = t * ends[-1]
    k = min(int(np.searchsorted(ends, at)), len(seg) - 1)
    frac = (at - (ends[k] - seg[k])) / max(seg[k], 1e-12)
    xy = pts[k] + frac * (pts[k + 1] - pts[k])
    return float(xy[0]), float(xy[1])


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return max(w, 0.0) * max(h, 0.0)


def _label_half_size(label: str, font: int, d: Diagram) -> tuple[float, float]:
    """Half the width and height of a label's box, in columns and rows (estimated)."""
    lines = label.split("\n")
    width = max(len(s) for s in lines) * 0.56 * font + 8  # pixels
    height = len(lines) * (font + 2) + 4
    return width / (WIDTH_PX / d.columns) / 2, height / d.row_px / 2


def _place_labels(d: Diagram, paths: list[np.ndarray], font: int) -> list[tuple[float, float]]:
    """Each label's position along its edge: the first of a few spots that covers no node and
    no label placed before it (the current step's labels first), else the least covered."""
    taken = [
        (n.x - d.box_w / 2, n.y - d.box_h / 2, n.x + d.box_w / 2, n.y + d.box_h / 2)
        for n in d.nodes
    ]
    out: list[tuple[float, float]] = [(0.0, 0.0)] * len(d.edges)
    rank = {"current": 0, "done": 1, "idle": 2}
    for i in sorted(range(len(d.edges)), key=lambda k: rank[d.edges[k].state]):
        e = d.edges[i]
        first = d.label_at if e.label_at is None else e.label_at
        if not e.label:
            out[i] = _point_at(paths[i], first)
            continue
        half_w, half_h = _label_half_size(e.label, font, d)
        best, best_cover = None, np.inf
        for t in (first, 0.5, 0.35, 0.65, 0.25, 0.75, 0.15, 0.85):
            x, y = _point_at(paths[i], t)
            box = (x - half_w, y - half_h, x + half_w, y + half_h)
            cover = sum(_overlap(box, other) for other in taken)
            if cover < best_cover:
                best, best_cover = (x, y, box), cover
            if cover == 0:
                break
        x, y, box = best
        taken.append(box)
        out[i] = (x, y)
    return out


def _edge_style(e: DEdge) -> tuple[str, float]:
    color = {"idle": IDLE_EDGE, "done": GRAD, "current": CURRENT}[e.state]
    width = {"idle": 1.4, "done": 2.0, "current": 3.2}[e.state]
    return e.color or color, e.width or width


def _node_style(n: DNode) -> tuple[str, str, float]:
    fill, border = KINDS[n.kind]
    if n.state == "current":
        return CURRENT_FILL, CURRENT, 3.5
    if n.state == "selected":
        return fill, PALETTE["pos"], 3.5
    return fill, border, 1.6 if n.state == "idle" else 2.2


def resolve(d: Diagram) -> dict:
    """Every position and colour, ready to paint (the canvas renderer draws exactly this)."""
    font = _font(d)
    nodes = []
    for n in d.nodes:
        fill, border, bw = _node_style(n)
        lines = [list(t) for t in n.lines]
        nodes.append(
            {
                "x": n.x,
                "y": n.y,
                "title": n.title,
                "lines": lines,
                "fill": fill,
                "border": border,
                "bw": bw,
            }
        )
    paths = [_visible(d, e) for e in d.edges]
    spots = _place_labels(d, paths, font - 1)
    edges = []
    for e, pts, xy in zip(d.edges, paths, spots):
        color, width = _edge_style(e)
        label_color = e.label_color or (PALETTE["ink"] if color == IDLE_EDGE else color)
        edges.append(
            {
                "pts": np.round(pts, 4).tolist(),
                "color": color,
                "width": width,
                "label": e.label,
                "lx": xy[0],
                "ly": xy[1],
                "bold": e.state == "current",
                "label_color": label_color,
            }
        )
    return {
        "columns": d.columns,
        "rows": d.rows,
        "box_w": d.box_w,
        "box_h": d.box_h,
        "font": font,
        "height": diagram_height(d),
        "nodes": nodes,
        "edges": edges,
    }


def diagram_height(d: Diagram) -> int:
    return int(np.clip(d.row_px * d.rows + 30, 200, 1100))


def diagram_figure(d: Diagram) -> go.Figure:
    """The diagram as an interactive plotly figure: hover a node or an edge's label for every
    number; clicking a node selects it (its ``key`` is the point's customdata).

    Drawn with a few scatter traces (boxes as filled polygons, arrowheads as rotated markers,
    texts as text traces), no layout shapes or annotations, and the figure is built in one call
    from plain dicts: a 40-node graph as shapes and annotations added one by one cost ~100 ms
    to build (measured), this ~20 ms, and less to draw in the browser."""
    r = resolve(d)
    traces = [*_edge_traces(r["edges"]), *_box_traces(r["nodes"], d.box_w, d.box_h)]
    traces += _label_traces(r["edges"], r["font"] - 1, d)
    traces.append(
        _scatter(
            [n["x"] for n in r["nodes"]],
            [n["y"] for n in r["nodes"]],
            mode="text",
            text=[_node_text(n) for n in r["nodes"]],
            name="node text",
            textfont=dict(size=r["font"], color=PALETTE["ink"]),
        )
    )
    hover = [(e, re_) for e, re_ in zip(d.edges, r["edges"]) if e.hover]
    if hover:
        traces.append(
            _scatter(
                [re_["lx"] for _, re_ in hover],
                [re_["ly"] for _, re_ in hover],
                mode="markers",
                marker=dict(size=18, color="rgba(0,0,0,0)"),
                hovertext=[e.hover for e, _ in hover],
                hoverinfo="text",
                name="edges",
            )
        )
    traces.append(
        _scatter(
            [n.x for n in d.nodes],
            [n.y for n in d.nodes],
            mode="markers",
            marker=dict(size=36, symbol="square", color="rgba(0,0,0,0)"),
            customdata=[n.key for n in d.nodes],
            hovertext=[n.hover for n in d.nodes],
            hoverinfo="text",
            name="nodes",
        )
    )
    axis = dict(visible=False, fixedrange=True)
    layout = dict(
        height=diagram_height(d),
        margin=dict(l=4, r=4, t=4, b=4),
        template=None,
        paper_bgcolor="white",
        plot_bgcolor="white",
        showlegend=False,
        font=dict(size=13, color=PALETTE["ink"]),
        hoverlabel=dict(bgcolor="white", font_size=14),
        clickmode="event+select",
        dragmode=False,
        xaxis=dict(range=[-0.5, d.columns - 0.5], **axis),
        yaxis=dict(range=[d.rows - 0.5, -0.5], **axis),
    )
    return go.Figure(data=traces, layout=layout)


def _scatter(x: list, y: list, **kw: object) -> dict:
    """A scatter trace as a dict; coordinates as float arrays (None -> NaN, a gap), which plotly
    checks and sends as one binary block instead of element by element (measured ~25 ms)."""
    xy = {k: np.array([np.nan if v is None else v for v in vs], dtype=float)
          for k, vs in (("x", x), ("y", y))}  # fmt: skip
    return {"type": "scatter", **xy, "hoverinfo": "skip", **kw}


def _polygons(boxes: list[tuple[float, float, float, float]]) -> tuple[list, list]:
    """Closed rectangles (x0, y0, x1, y1) as one polyline with gaps (filled one by one)."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    for x0, y0, x1, y1 in boxes:
        xs += [x0, x1, x1, x0, x0, None]
        ys += [y0, y0, y1, y1, y0, None]
    return xs, ys


def _edge_traces(edges: list[dict]) -> list[dict]:
    """One line trace and one arrowhead trace per colour and width."""
    groups: dict[tuple[str, float], tuple[list, list, list, list, list]] = {}
    for e in edges:
        xs, ys, ax, ay, angle = groups.setdefault((e["color"], e["width"]), ([], [], [], [], []))
        pts = np.array(e["pts"])
        xs += [*pts[:, 0].tolist(), None]
        ys += [*pts[:, 1].tolist(), None]
        (x0, y0), (x1, y1) = pts[-2], pts[-1]
        ax.append(float(x1))
        ay.append(float(y1))
        # marker angles are clockwise from up, on screen (rows point down)
        angle.append(float(np.degrees(np.arctan2((x1 - x0) * 2.0, -(y1 - y0)))))
    out = []
    for (color, width), (xs, ys, ax, ay, angle) in groups.items():
        out.append(_scatter(xs, ys, mode="lines", line=dict(color=color, width=width)))
        head = dict(
            symbol="triangle-up",
            size=7 + 2.5 * width,
            color=color,
            angle=angle,
            standoff=2,
            line=dict(width=0),
        )
        out.append(_scatter(ax, ay, mode="markers", marker=head))
    return out


def _box_traces(nodes: list[dict], box_w: float, box_h: float) -> list[dict]:
    """The node boxes as filled polygons, one trace per look."""
    groups: dict[tuple[str, str, float], list] = {}
    for n in nodes:
        box = (n["x"] - box_w / 2, n["y"] - box_h / 2, n["x"] + box_w / 2, n["y"] + box_h / 2)
        groups.setdefault((n["fill"], n["border"], n["bw"]), []).append(box)
    return [
        _scatter(
            *_polygons(boxes),
            mode="lines",
            fill="toself",
            fillcolor=fill,
            line=dict(color=border, width=bw),
        )
        for (fill, border, bw), boxes in groups.items()
    ]


def _label_traces(edges: list[dict], font: int, d: Diagram) -> list[dict]:
    """Edge labels: white backgrounds (one polygon trace), then the texts (one text trace)."""
    labelled = [e for e in edges if e["label"]]
    if not labelled:
        return []
    boxes = []
    for e in labelled:
        w, h = _label_half_size(e["label"], font, d)
        boxes.append((e["lx"] - w, e["ly"] - h, e["lx"] + w, e["ly"] + h))
    texts = [e["label"].replace("\n", "<br>") for e in labelled]
    texts = [f"<b>{t}</b>" if e["bold"] else t for t, e in zip(texts, labelled)]
    return [
        _scatter(
            *_polygons(boxes),
            mode="lines",
            fill="toself",
            line=dict(width=0),
            fillcolor="rgba(255,255,255,0.9)",
        ),
        _scatter(
            [e["lx"] for e in labelled],
            [e["ly"] for e in labelled],
            mode="text",
            text=texts,
            name="edge labels",
            textfont=dict(size=font, color=[e["label_color"] for e in labelled]),
        ),
    ]


def _node_text(n: dict) -> str:
    lines = [f"<b>{n['title']}</b>"]
    lines += [f"<span style='color:{color}'>{text}</span>" for text, color in n["lines"]]
    return "<br>".join(lines)


def diagram_payload(d: Diagram, **extra: object) -> dict:
    """The diagram as JSON for dlcore/ui/js/backprop_live.js (plus ``extra`` keys)."""
    return {**resolve(d), **extra}


# ----------------------------------------------------------------------------- expression graph
def graph_diagram(snap: WalkSnapshot, layout: Layout, selected: int | None = None) -> Diagram:
    """The expression graph with every forward value, the gradients found so far and the
    current step's edges labelled local x upstream = product."""
    problem = snap.problem
    graph = problem.graph
    current = snap.current.node if snap.current else None
    visited = {v.node: v for v in snap.visits}
    nodes = []
    for node in graph.nodes:
        i = node.id
        kind = _KIND.get(node.op, "output" if i == graph.output else "op")
        name = graph.short(i)
        if node.op == "input":
            title = name
        elif node.op == "const":
            title = "const"
        else:
            title = f"{_SYMBOL[node.op]}  {name}"
        lines = [(fmt(problem.values[i], 3), PALETTE["ink"])]
        if i in visited:
            lines.append((f"∂ {fmt(snap.grads[i], 3)}", GRAD))
        state = _state(i, current, selected, visited)
        nodes.append(
            DNode(
                i,
                float(layout.x[i]),
                float(layout.y[i]),
                title,
                tuple(lines),
                kind,
                state,
                _node_hover(snap, i),
            )
        )
    edges = []
    for (a, j), path in zip(graph_edges(graph), layout.paths):
        terms = visited[a].terms if a in visited else ()
        term = next((t for t in terms if t.consumer == j), None)
        if term is None:
            edges.append(DEdge(path, hover=_edge_hover(snap, a, j, None)))
            continue
        state = "current" if a == current else "done"
        label = (
            f"{fmt(term.local, 3)} × {fmt(term.upstream, 3)}\n= {fmt(term.product, 3)}"
            if state == "current"
            else fmt(term.product, 3)
        )
        edges.append(DEdge(path, label, state, _edge_hover(snap, a, j, term)))
    return Diagram(tuple(nodes), tuple(edges), layout.columns, layout.rows)


_KIND = {"input": "input", "const": "const"}


def _state(i: int, current: int | None, selected: int | None, visited: dict) -> str:
    if i == current:
        return "current"
    if i == selected:
        return "selected"
    return "done" if i in visited else "idle"


_SYMBOL = {
    "add": "+",
    "sub": "−",
    "mul": "×",
    "div": "÷",
    "pow": "^",
    "neg": "−",
    "exp": "exp",
    "log": "log",
    "tanh": "tanh",
    "sigmoid": "σ",
    "relu": "relu",
    "max": "max",
    "sin": "sin",
}


def _node_hover(snap: WalkSnapshot, i: int) -> str:
    graph = snap.problem.graph
    name = graph.short(i)
    lines = [f"<b>{name}</b>" + (f" = {graph.text(i)}" if graph.nodes[i].args else "")]
    lines.append(f"value {snap.problem.values[i]:.10g}")
    if graph.nodes[i].op == "const":
        lines.append("a constant: no gradient needed")
    elif np.isfinite(snap.grads[i]):
        lines.append(f"∂f/∂{name} = {snap.grads[i]:.10g}")
    else:
        lines.append(f"∂f/∂{name}: not reached yet")
    return "<br>".join(lines)


def _edge_hover(snap: WalkSnapshot, a: int, j: int, term) -> str:
    graph = snap.problem.graph
    na, nj = graph.short(a), graph.short(j)
    head = f"<b>{na} → {nj}</b>"
    if term is None:
        return head + ("<br>backward pass not here yet" if graph.nodes[a].op != "const" else "")
    return "<br>".join(
        [
            head,
            f"local ∂{nj}/∂{na} = {term.local:.10g}",
            f"upstream ∂f/∂{nj} = {term.upstream:.10g}",
            f"product = {term.product:.10g}",
        ]
    )


def check_table(names: Sequence[str], ours, auto, fd) -> list[dict]:
    """Rows of the gradient check (the difference columns are absolute values)."""
    rows = []
    for k, name in enumerate(names):
        rows.append(
            {
                "input": name,
                "backprop (this page)": float(ours[k]),
                "torch.autograd": float(auto[k]),
                "finite differences": float(fd[k]),
                "|backprop − autograd|": float(abs(ours[k] - auto[k])),
                "|backprop − finite diff.|": float(abs(ours[k] - fd[k])),
            }
        )
    return rows


# ------------------------------------------------------------------------ the lecture's network
def _column_y(m: int, rows: int) -> list[float]:
    return [(rows - m) / 2 + i for i in range(m)]


def network_diagram(s: NetState) -> Diagram:
    """Inputs, hidden and output units with net, o and delta; every link labelled with its
    update Delta w = -eta delta_j o_i, coloured by the weight's sign, wider for larger |w|."""
    n_in, n_h, n_out = len(s.x), len(s.o_h), len(s.o_o)
    rows = max(n_in + 1, n_h + 1, n_out)
    ys = [_column_y(n_in + 1, rows), _column_y(n_h + 1, rows), _column_y(n_out, rows)]
    ink = PALETTE["ink"]
    nodes = [
        DNode(
            i,
            0,
            ys[0][i],
            f"x{i + 1}",
            ((f"= {fmt(s.x[i], 4)}", ink),),
            "input",
            hover=f"input x{i + 1} = {s.x[i]:.10g}",
        )
        for i in range(n_in)
    ]
    nodes.append(DNode(n_in, 0, ys[0][n_in], "+1", (("bias", PALETTE["muted"]),), "bias"))
    for j in range(n_h):
        lines = (
            (f"net {fmt(s.net_h[j], 4)}", ink),
            (f"o {fmt(s.o_h[j], 4)}", ink),
            (f"δ {fmt(s.delta_h[j], 3)}", GRAD),
        )
        nodes.append(
            DNode(
                n_in + 1 + j,
                1,
                ys[1][j],
                f"hidden {j + 1}",
                lines,
                "unit",
                hover=_unit_hover(s, "hidden", j),
            )
        )
    nodes.append(DNode(n_in + 1 + n_h, 1, ys[1][n_h], "+1", (("bias", PALETTE["muted"]),), "bias"))
    first_out = n_in + n_h + 2
    for k in range(n_out):
        lines = (
            (f"net {fmt(s.net_o[k], 4)}", ink),
            (f"o {fmt(s.o_o[k], 4)}", ink),
            (f"t {fmt(s.t[k], 4)}", PALETTE["muted"]),
            (f"δ {fmt(s.delta_o[k], 3)}", GRAD),
        )
        nodes.append(
            DNode(
                first_out + k,
                2,
                ys[2][k],
                f"output {k + 1}",
                lines,
                "output",
                hover=_unit_hover(s, "output", k),
            )
        )
    edges = []
    layers = (
        (0, n_in, n_in + 1, n_h, s.W1, s.b1, s.dw1, s.db1, "x", "hidden"),
        (n_in + 1, n_h, first_out, n_out, s.W2, s.b2, s.dw2, s.db2, "hidden", "output"),
    )
    every = np.abs(np.concatenate([s.W1.ravel(), s.b1, s.W2.ravel(), s.b2]))
    w_max = float(np.nanmax(every)) if np.isfinite(every).any() else 1.0  # NaN: diverged
    for src0, n_src, dst0, n_dst, W, b, dW, db, src_name, dst_name in layers:
        for a in range(n_src + 1):  # the last source is the bias unit
            for c in range(n_dst):
                w, dw = (W[c, a], dW[c, a]) if a < n_src else (b[c], db[c])
                src = nodes[src0 + a]
                dst = nodes[dst0 + c]
                name = f"{src_name} {a + 1}" if a < n_src else "bias"
                if src_name == "x" and a < n_src:
                    name = f"x{a + 1}"
                edges.append(
                    DEdge(
                        np.array([[src.x, src.y], [dst.x, dst.y]]),
                        f"Δw {fmt(dw, 3)}",
                        "idle",
                        f"<b>{name} → {dst_name} {c + 1}</b><br>w = {w:.10g}<br>Δw = {dw:.10g}"
                        f"<br>w + Δw = {w + dw:.10g}",
                        color=PALETTE["pos"] if w >= 0 else PALETTE["neg"],
                        width=_link_width(w, w_max),
                        label_at=0.18 + 0.64 * (c + 0.5) / n_dst,
                        label_color=GRAD,
                    )
                )
    return Diagram(tuple(nodes), tuple(edges), 3, rows, box_w=0.32, box_h=0.86, row_px=112, font=14)


def _link_width(w: float, w_max: float) -> float:
    """1 to 5 pixels by |w| (1 for a weight that is not a number)."""
    return 1.0 + 4.0 * abs(w) / max(w_max, 1e-12) if np.isfinite(w) else 1.0


def _unit_hover(s: NetState, layer: str, i: int) -> str:
    if layer == "hidden":
        net, o, d, auto = s.net_h[i], s.o_h[i], s.delta_h[i], s.auto_delta_h[i]
    else:
        net, o, d, auto = s.net_o[i], s.o_o[i], s.delta_o[i], s.auto_delta_o[i]
    return (
        f"<b>{layer} unit {i + 1}</b><br>net = {net:.10g}<br>o = f(net) = {o:.10g}"
        f"<br>δ = {d:.10g}<br>autograd ∂E/∂net = {auto:.10g}"
    )


def loss_figure(steps: np.ndarray, losses: np.ndarray) -> go.Figure:
    mode = "lines+markers" if len(steps) < 60 else "lines"
    fig = go.Figure(
        go.Scatter(
            x=steps,
            y=losses,
            mode=mode,
            line=dict(color=PALETTE["pos"], width=2.5),
            name="E",
            hovertemplate="step %{x}: E = %{y:.6g}<extra></extra>",
        )
    )
    style(fig, height=260, legend=False)
    fig.update_xaxes(title="SGD steps on this example")
    fig.update_yaxes(title="E = ½ Σ (t − o)²", type="log")
    return fig


# ----------------------------------------------------------------------------- depth
OTHER_COLORS = ("#009e73", "#cc79a7")


def depth_figure(r: DepthResult, others: Mapping[str, DepthResult] | None = None) -> go.Figure:
    """The error signal reaching the first layer against the depth n (log axis); ``others``
    (name -> result) are drawn thin for comparison (the other activations)."""
    fig = go.Figure()
    for (name, o), color in zip((others or {}).items(), OTHER_COLORS):
        fig.add_trace(
            go.Scatter(
                x=o.depths,
                y=o.grad_first,
                mode="lines",
                name=name,
                line=dict(color=color, width=1.5),
            )
        )
    if r.act == "sigmoid":
        bound = "(¼)ⁿ: σ′ ≤ ¼ at every layer"
        fig.add_trace(
            go.Scatter(
                x=r.depths,
                y=r.bound,
                mode="lines",
                name=bound,
                line=dict(color=PALETTE["muted"], width=2, dash="dash"),
            )
        )
    mean = " (mean over the units)" if r.width > 1 else ""
    fig.add_trace(
        go.Scatter(
            x=r.depths,
            y=r.local_product,
            mode="lines",
            name=f"product of the local slopes f′(zₗ){mean}",
            line=dict(color=GRAD, width=5),
        )
    )
    fig.add_trace(
        go.Scatter(
            x=r.depths,
            y=r.grad_first,
            mode="markers",
            name="‖δ₁‖ = ‖∂y/∂z₁‖ (autograd)",
            marker=dict(color=PALETTE["pos"], size=8),
        )
    )
    style(fig, height=400)
    _legend_on_top(fig)
    fig.update_xaxes(title="depth n (layers)")
    fig.update_yaxes(title="size (log scale)", type="log", exponentformat="power")
    return fig


def _legend_on_top(fig: go.Figure) -> None:
    fig.update_layout(
        legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom"), margin=dict(t=40)
    )


def layers_figure(r: DepthResult) -> go.Figure:
    """Layer by layer in the chain of the inspected depth: the error signal and the slope."""
    layer = np.arange(1, len(r.layer_grad) + 1)
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=layer,
            y=r.layer_grad,
            name="‖δₗ‖ = ‖∂y/∂zₗ‖ (autograd)",
            marker_color=PALETTE["pos"],
        )
    )
    fig.add_trace(
        go.Scatter(
            x=layer,
            y=r.layer_slope,
            mode="lines+markers",
            name="f′(zₗ)",
            line=dict(color=GRAD, width=2.5),
        )
    )
    style(fig, height=320)
    _legend_on_top(fig)
    fig.update_xaxes(
        title="layer l (1 = first, next to the input)", dtick=1 if len(layer) <= 20 else None
    )
    fig.update_yaxes(type="log", exponentformat="power")
    return fig


# ----------------------------------------------------------------------------- softmax
def softmax_figure(r: SoftmaxResult) -> go.Figure:
    """p, the one-hot target and the gradient: autograd's bars, p − y's diamonds."""
    k = [f"class {i}" + (" (g)" if i == r.g else "") for i in range(len(r.p))]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=k, y=r.p, name="p = softmax(y)", marker_color=PALETTE["pos"]))
    fig.add_trace(go.Bar(x=k, y=r.onehot, name="target y (one-hot)", marker_color=PALETTE["muted"]))
    fig.add_trace(go.Bar(x=k, y=r.grad_autograd, name="∂J/∂y (autograd)", marker_color=GRAD))
    fig.add_trace(
        go.Scatter(
            x=k,
            y=r.grad_formula,
            mode="markers",
            name="p − y (formula)",
            marker=dict(
                symbol="diamond", size=14, color=PALETTE["ink"], line=dict(color="white", width=1.5)
            ),
        )
    )
    style(fig, height=360)
    fig.update_layout(barmode="group")
    fig.update_yaxes(zeroline=True, zerolinecolor=PALETTE["ink"], zerolinewidth=1)
    return fig


def jacobian_figure(r: SoftmaxResult) -> go.Figure:
    """dp_i/dy_j = p_i (1[i = j] − p_j), with its numbers."""
    n = len(r.p)
    lim = float(np.abs(r.jacobian).max()) or 1.0
    names = [str(i) for i in range(n)]
    fig = go.Figure(
        go.Heatmap(
            z=r.jacobian,
            x=names,
            y=names,
            zmin=-lim,
            zmax=lim,
            colorscale=DIVERGING,
            text=[[fmt(v, 3) for v in row] for row in r.jacobian],
            texttemplate="%{text}",
            hovertemplate="∂p<sub>%{y}</sub>/∂y<sub>%{x}</sub> = %{z:.6g}<extra></extra>",
            showscale=False,
        )
    )
    style(fig, height=80 + 44 * n, legend=False)
    fig.update_xaxes(title="logit yⱼ", side="top")
    fig.update_yaxes(title="probability pᵢ", autorange="reversed")
    return fig


# ----------------------------------------------------------------------------- cost
def cost_figure(r: CostResult) -> go.Figure:
    """Counted operations against n (log-log), the student's n marked."""
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=r.sweep_n,
            y=r.sweep_reverse,
            mode="lines+markers",
            name="reverse mode: 1 forward + 1 backward pass",
            line=dict(color=PALETTE["pos"], width=3),
        )
    )
    passes = "2n" if r.kind == "central" else "n + 1"
    fig.add_trace(
        go.Scatter(
            x=r.sweep_n,
            y=r.sweep_fd,
            mode="lines+markers",
            name=f"finite differences ({passes} forward passes)",
            line=dict(color=PALETTE["neg"], width=3),
        )
    )
    k = int(np.flatnonzero(r.sweep_n == r.n)[0])
    fig.add_trace(
        go.Scatter(
            x=[r.n, r.n],
            y=[r.sweep_reverse[k], r.sweep_fd[k]],
            mode="markers+text",
            marker=dict(size=14, color=PALETTE["ink"], symbol="circle-open", line=dict(width=3)),
            text=[f"your n = {r.n}", f"{r.sweep_fd[k] / r.sweep_reverse[k]:,.0f}× more"],
            textposition="middle left",
            name="your network",
        )
    )
    style(fig, height=400)
    _legend_on_top(fig)
    fig.update_xaxes(title="inputs n", type="log", dtick=1)
    fig.update_yaxes(
        title="floating-point operations (counted)", type="log", exponentformat="power", dtick=1
    )
    return fig


def time_figure(r: CostResult) -> go.Figure:
    """Measured seconds of both ways at the student's n."""
    names = ["reverse mode", "finite differences"]
    times = [r.reverse_s * 1e3, r.fd_s * 1e3]
    fig = go.Figure(
        go.Bar(
            x=times,
            y=names,
            orientation="h",
            marker_color=[PALETTE["pos"], PALETTE["neg"]],
            text=[f"{t:.3g} ms" for t in times],
            textposition="auto",
            hovertemplate="%{y}: %{x:.4g} ms<extra></extra>",
        )
    )
    style(fig, height=200, legend=False)
    fig.update_xaxes(title="milliseconds on this server", rangemode="tozero")
    return fig
