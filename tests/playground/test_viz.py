"""The playground's figures (dlcore/viz/playground.py): every data point can be seen on the
plane, the loss chart keeps accuracy on its own axis, the network is laid out so that links end
at the neuron maps and every input and layer is named."""

import dataclasses

import numpy as np

from dlcore.playground import views as V
from dlcore.playground.config import PlaygroundConfig
from dlcore.playground.trainer import PlaygroundTrainer
from dlcore.viz import playground as P

CFG = PlaygroundConfig()


def _frame(**kw):
    t = PlaygroundTrainer(dataclasses.replace(CFG, **kw))
    t.run_epochs(2)
    return t, V.frame(t)


def _rgb(colour: str) -> np.ndarray:
    colour = colour.lstrip("#")
    if colour in ("white", "black"):
        return np.array([255.0] * 3 if colour == "white" else [0.0] * 3)
    return np.array([int(colour[i : i + 2], 16) for i in (0, 2, 4)], float)


def _background(frame, x: np.ndarray) -> np.ndarray:
    """The plane's colour under each point (N, 3)."""
    g = frame.value.shape[0]
    d = frame.domain
    j = np.clip(np.rint((x[:, 0] + d) / (2 * d) * (g - 1)).astype(int), 0, g - 1)
    i = np.clip(np.rint((d - x[:, 1]) / (2 * d) * (g - 1)).astype(int), 0, g - 1)
    return P.field_rgb(frame.value, frame.probs, False)[i, j].astype(float)


def test_every_lecture_xor_point_stands_out_from_the_plane():
    """The lecture's four XOR points (targets 0, 1, 1, 0) are all visible: each marker's fill or
    its ring differs clearly from the plane under it (targets 0 were white on white: the lesson
    showed two points; issue 24 item 6)."""
    _, f = _frame(dataset="xor4", hidden=(2,), activation="relu", batch=0)
    fig = P.plane_figure(f, show_test=False, discretize=False)
    (train,) = [t for t in fig.data if t.name == "train"]
    assert len(train.x) == 4
    bg = _background(f, np.c_[train.x, train.y])
    fills = np.array([_rgb(c) for c in train.marker.color])
    rings = train.marker.line.color
    rings = [rings] * 4 if isinstance(rings, str) else rings
    ring = np.array([_rgb(c) for c in rings])
    contrast = np.maximum(np.linalg.norm(fills - bg, axis=1), np.linalg.norm(ring - bg, axis=1))
    assert contrast.min() > 120, contrast
