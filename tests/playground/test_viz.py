"""The playground's figures (dlcore/viz/playground.py): every data point can be seen on the
plane, the loss chart keeps accuracy on its own axis, the network is laid out so that links end
at the neuron maps and every input and layer is named."""

import base64
import dataclasses
import io
import math

import numpy as np
import pytest
from PIL import Image

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


def _picture(fig) -> np.ndarray:
    (image,) = fig.layout.images
    raw = base64.b64decode(image.source.split(",", 1)[1])
    return np.asarray(Image.open(io.BytesIO(raw)).convert("RGB")).astype(float)


def _at(x: np.ndarray, r: int, domain: float, px: int = P.PICTURE_PX):
    """(rows, cols) of the picture r pixels right of the centres of points x (N, 2)."""
    cols = np.rint((x[:, 0] + domain) / (2 * domain) * (px - 1)).astype(int) + r
    rows = np.rint((domain - x[:, 1]) / (2 * domain) * (px - 1)).astype(int)
    return rows, cols


def test_every_lecture_xor_point_stands_out_from_the_plane():
    """The lecture's four XOR points (targets 0, 1, 1, 0) are all visible: each point's fill or
    its ring differs clearly from the plane under it (targets 0 were white on white: the lesson
    showed two points; issue 24 item 6). The points are drawn in the plane's picture."""
    _, f = _frame(dataset="xor4", hidden=(2,), activation="relu", batch=0)
    fig = P.plane_figure(f, show_test=False, discretize=False)
    assert fig.layout.meta["points"] == {"train": 4, "test": 0}
    x = f.train[0]
    assert len(x) == 4
    img, bg = _picture(fig), _background(f, x)
    fill = img[_at(x, 0, f.domain)]
    ring = img[_at(x, 10, f.domain)]  # between the fill (radius 9) and the ring's edge (11)
    contrast = np.maximum(np.linalg.norm(fill - bg, axis=1), np.linalg.norm(ring - bg, axis=1))
    assert contrast.min() > 120, contrast


def test_the_plane_picture_draws_every_point_with_its_colour_and_ring():
    """Every training point is its class colour with a white ring, every test point with a
    black ring, at its place in the picture."""
    _, f = _frame()
    fig = P.plane_figure(f, show_test=True, discretize=False)
    assert fig.layout.meta["points"] == {"train": len(f.train[1]), "test": len(f.test[1])}
    img = _picture(fig)
    for (x, y), ring in ((f.train, 255.0), (f.test, 0.0)):
        fill = img[_at(x, 0, f.domain)]
        want = P.point_colors(y, f.n_classes)
        # the last point drawn at a spot shows: most points are not covered by another one
        assert (np.abs(fill - want).max(1) < 2).mean() > 0.8
        rim = img[_at(x, 5, f.domain)]  # between the fill (radius 4.1) and the ring's edge (5.3)
        assert (np.abs(rim - ring).max(1) < 2).mean() > 0.6
    hidden = P.plane_figure(f, show_test=False, discretize=False)
    assert hidden.layout.meta["points"]["test"] == 0


def test_a_click_anywhere_on_the_plane_hits_a_grid_point_that_draws_nothing():
    """The click catcher: a 30 x 30 grid over the plane whose hover reads the output there;
    a text trace with no text (clicked and selected like markers, nothing to draw)."""
    _, f = _frame()
    fig = P.plane_figure(f, show_test=False, discretize=False)
    (grid,) = [t for t in fig.data if t.name == "click"]
    assert grid.mode == "text" and grid.text is None
    assert len(grid.x) == 900 and min(grid.x) == -f.domain and max(grid.y) == f.domain
    assert np.isfinite(np.asarray(grid.customdata, float)).all()
    assert fig.layout.clickmode == "event+select"


def _map_boxes(fig):
    """(x0, x1, y0, y1) of every neuron map (the figure's images)."""
    return [(im.x, im.x + im.sizex, im.y, im.y + im.sizey) for im in fig.layout.images]


def _segments(fig):
    """Every link as ((x0, y0), (x1, y1)), from the figure's line traces."""
    out = []
    for t in fig.data:
        if t.mode != "lines" or t.x is None:
            continue
        xs, ys = list(t.x), list(t.y)
        for k in range(0, len(xs) - 1):
            if None not in (xs[k], xs[k + 1]):
                out.append(((xs[k], ys[k]), (xs[k + 1], ys[k + 1])))
    return out


@pytest.mark.parametrize("hidden", [(8, 8, 8), (8,) * 6, (4, 2)])
def test_network_links_end_at_the_maps_and_every_input_and_layer_is_named(hidden):
    """Issue 24 item 8: in wide and deep nets the links were drawn over the neuron maps, the
    inputs had no names and the layer labels were clipped under the figure."""
    features = {"x1sq": True, "x2sq": True, "x1x2": True, "sinx1": True}
    _, f = _frame(hidden=hidden, activation="relu", **features)
    fig = P.network_figure(f.maps, f.snap.weights, f.snap.biases, f.labels)
    boxes = _map_boxes(fig)
    assert len(boxes) == sum(m.shape[0] for m in f.maps)
    segments = _segments(fig)
    assert len(segments) == sum(w.size for w in f.snap.weights)
    eps = 1e-6
    for (x0, y0), (x1, y1) in segments:
        for t in np.linspace(0, 1, 41):  # no point of a link inside a map
            x, y = x0 + t * (x1 - x0), y0 + t * (y1 - y0)
            for bx0, bx1, by0, by1 in boxes:
                assert not (bx0 + eps < x < bx1 - eps and by0 + eps < y < by1 - eps), (x, y)
    texts = {a.text: a for a in fig.layout.annotations}
    for name in f.labels:  # X1, X2, X1², X2², X1·X2, sin(X1)
        assert name in texts, name
    n = len(f.maps)
    y_lo, y_hi = sorted(fig.layout.yaxis.range)
    layer_names = [a for a in fig.layout.annotations if a.text not in f.labels]
    assert len(layer_names) == n
    for a in layer_names + [texts[name] for name in f.labels]:
        assert a.yref in (None, "y") and y_lo <= a.y <= y_hi, a.text  # inside the axes
        assert a.font.size >= 13, a.text


def test_accuracy_has_its_own_axis_and_the_legend_leaves_the_axis_titles_free():
    """Issue 24 item 8: accuracy was drawn on an axis titled "loss" (ticks 0/37/74 %)."""
    t = PlaygroundTrainer(CFG)
    t.run_epochs(12)
    s = t.snapshot()
    fig = P.loss_figure(s.curve_epoch, s.curve_train, s.curve_test, accuracy=s.curve_test_acc)
    layout = fig.layout
    (acc,) = [tr for tr in fig.data if "accuracy" in tr.name]
    losses = [tr for tr in fig.data if "loss" in tr.name]
    acc_axis = layout["yaxis" + (acc.yaxis or "y")[1:]]
    assert "accuracy" in acc_axis.title.text and "loss" not in acc_axis.title.text
    assert acc_axis.tickformat == ".0%" and acc_axis.range[0] >= 0 and acc_axis.range[1] <= 1.05
    assert acc_axis.overlaying is None  # a panel of its own, not drawn over the loss
    for tr in losses:
        loss_axis = layout["yaxis" + (tr.yaxis or "y")[1:]]
        assert loss_axis.title.text == "loss" and (tr.yaxis or "y") != (acc.yaxis or "y")
    titled = [k for k in layout if k.startswith("xaxis") and layout[k].title.text == "epoch"]
    assert titled  # the x axis keeps its title ...
    assert layout.legend.y >= 1 and layout.legend.yanchor == "bottom"  # ... the legend is above
    assert np.allclose(acc.y, s.curve_test_acc)


def _decoded(uri: str) -> Image.Image:
    return Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))


@pytest.mark.parametrize("n_classes", [2, 3, 0])
def test_the_hidden_space_picture_puts_each_point_where_its_axes_say_in_its_colour(n_classes):
    from dlcore.playground.analysis import HiddenSpace

    z = np.array([[-1.0, 2.0], [0.5, -0.5], [3.0, 1.0]])
    y = {2: np.array([-1.0, 1.0, 1.0]), 3: np.array([0, 1, 2]), 0: np.array([-1.0, 0.0, 0.9])}
    hs = HiddenSpace(z, y[n_classes], np.zeros(3, bool), "units", (1.0, -2.0, 0.5))
    fig = P.hidden_figure(hs, n_classes)
    (image,) = fig.layout.images
    xr, yr = fig.layout.xaxis.range, fig.layout.yaxis.range
    assert xr[0] < -1 and xr[1] > 3 and yr[0] < -0.5 and yr[1] > 2  # every point in view
    assert (image.x, image.y) == (xr[0], yr[1]) and image.sizing == "stretch"
    assert math.isclose(image.sizex, xr[1] - xr[0]) and math.isclose(image.sizey, yr[1] - yr[0])
    pic = _decoded(image.source).convert("RGBA")
    w, h = pic.size  # 2 pixels per screen pixel of the fixed plot area
    m = P.HIDDEN_MARGIN
    assert (w, h) == (
        2 * (fig.layout.width - m["l"] - m["r"]),
        2 * (fig.layout.height - m["t"] - m["b"]),
    )
    expected = P.point_colors(y[n_classes].astype(float), n_classes)
    for (zx, zy), colour in zip(z, expected):
        col = round((zx - xr[0]) / (xr[1] - xr[0]) * (w - 1))
        row = round((yr[1] - zy) / (yr[1] - yr[0]) * (h - 1))
        r, g, b, a = pic.getpixel((col, row))
        assert a == 255 and np.abs(np.array([r, g, b]) - colour).max() <= 3
    assert pic.getpixel((w // 2, 2))[3] == 0  # no point: transparent, the grid shows through
    names = [t.name for t in fig.data]
    classes = [f"class {c}" for c in range(max(2, n_classes))] if n_classes else ["target"]
    assert names == [*classes, "output = 0"]  # legend entries, then the output unit's line
    line = fig.data[-1]
    assert np.allclose(1.0 * np.asarray(line.x) - 2.0 * np.asarray(line.y) + 0.5, 0)


def test_a_fresh_networks_loss_chart_is_the_same_whatever_its_first_loss():
    import plotly.io as pio

    def chart(activation: str, epochs: int):
        t = PlaygroundTrainer(dataclasses.replace(CFG, activation=activation))
        t.run_epochs(epochs)
        s = V.frame(t).snap
        return P.loss_figure(
            s.curve_epoch, s.curve_train, s.curve_test, accuracy=s.curve_test_acc,
            best_epoch=s.best_epoch, test_is_train=s.test_is_train,
        )  # fmt: skip

    # one point draws no line: the same chart, nothing for the browser to redraw
    assert pio.to_json(chart("tanh", 0)) == pio.to_json(chart("relu", 0))
    trained = chart("tanh", 2)
    assert all(len(t.y) >= 2 and np.isfinite(t.y).all() for t in trained.data)  # drawn, valued
    assert pio.to_json(trained) != pio.to_json(chart("relu", 2))
