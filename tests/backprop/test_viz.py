"""The page's figures (dlcore/viz/backprop.py): the graph diagram marks the current step and
labels its edges local x upstream = product, the plotly figure and the canvas payload carry the
same drawing, labels do not pile up, and the network diagram has a unit per neuron and a label
per link."""

import json

import numpy as np

from dlcore.backprop.config import NetConfig, WalkConfig
from dlcore.backprop.cost import cost_study
from dlcore.backprop.depth import depth_study
from dlcore.backprop.network import NetworkTrainer
from dlcore.backprop.softmax import softmax_study
from dlcore.backprop.walk import BackwardWalk
from dlcore.viz import backprop as figures

BIG = "tanh(w1*x + b1)*v1 + tanh(w2*x + b2)*v2 - log(1 + exp(-y*x))"


def _label_boxes(payload, font, width_px=figures.WIDTH_PX):
    px_col = width_px / payload["columns"]
    boxes = []
    for e in payload["edges"]:
        if e["label"]:
            lines = e["label"].split("\n")
            w = (max(len(s) for s in lines) * 0.56 * font + 8) / px_col / 2
            h = (len(lines) * (font + 2) + 4) / 84 / 2
            boxes.append((e["lx"] - w, e["ly"] - h, e["lx"] + w, e["ly"] + h))
    return boxes


def test_graph_diagram_marks_the_step():
    walk = BackwardWalk(WalkConfig("x*y + sin(x)", "x = 0.8, y = -1.7"))
    for _ in range(4):
        walk.step()
    snap = walk.snapshot()
    d = figures.graph_diagram(snap, walk.layout)
    current = snap.current.node
    states = {n.key: n.state for n in d.nodes}
    assert states[current] == "current"
    assert sum(s == "current" for s in states.values()) == 1
    labels = [e.label for e in d.edges if e.state == "current"]
    assert labels and all("×" in lab and "=" in lab for lab in labels)
    payload = figures.diagram_payload(d)
    json.dumps(payload)  # the canvas renderer's data is plain JSON
    fig = figures.diagram_figure(d)
    nodes = next(t for t in fig.data if t.name == "nodes")
    assert list(nodes.customdata) == [n.key for n in d.nodes]
    boxes = [t for t in fig.data if t.fill == "toself" and t.name != "edge labels"]
    gaps = sum(int(np.isnan(t.x).sum()) for t in boxes[:-1])  # the last: label backgrounds
    assert gaps == len(d.nodes)  # one closed rectangle per node
    (text,) = [t for t in fig.data if t.name == "node text"]
    assert len(text.text) == len(d.nodes) and not fig.layout.annotations


def test_labels_of_a_larger_graph_do_not_pile_up():
    walk = BackwardWalk(WalkConfig(BIG, "w1 = 0.7, x = 1.2, y = 1"))
    walk.step(len(walk.order))
    payload = figures.diagram_payload(figures.graph_diagram(walk.snapshot(), walk.layout))
    boxes = _label_boxes(payload, payload["font"] - 1)
    assert len(boxes) >= 20
    overlaps = sum(
        1
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])
    )
    assert overlaps <= 1


def test_network_diagram_units_and_links():
    s = NetworkTrainer(NetConfig(x=(0.1, 0.2, 0.3), hidden=3, t=(0.5, 0.2))).snapshot().now
    d = figures.network_diagram(s)
    assert len(d.nodes) == 3 + 1 + 3 + 1 + 2
    assert len(d.edges) == (3 + 1) * 3 + (3 + 1) * 2
    assert all(e.label.startswith("Δw ") for e in d.edges)
    deltas = [line for n in d.nodes for line, _ in n.lines if line.startswith("δ ")]
    assert len(deltas) == 3 + 2
    payload = figures.diagram_payload(d, curve={"x": [0], "y": [s.loss], "title": "E"})
    assert json.loads(json.dumps(payload))["curve"]["y"] == [s.loss]


def test_charts_build():
    r = depth_study("sigmoid", 12, 1)
    fig = figures.depth_figure(r, {"tanh instead": depth_study("tanh", 12, 1)})
    assert {t.name for t in fig.data} >= {"tanh instead", "‖δ₁‖ = ‖∂y/∂z₁‖ (autograd)"}
    assert fig.layout.yaxis.type == "log"
    soft = softmax_study([1.0, 2.0, 0.5], 2)
    assert len(figures.softmax_figure(soft).data) == 4
    assert np.allclose(figures.jacobian_figure(soft).data[0].z, soft.jacobian)
    cost = cost_study(40, 8, 1)
    mark = figures.cost_figure(cost).data[-1]
    assert list(mark.x) == [40, 40]
