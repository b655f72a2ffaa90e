"""Figures of the decision-boundary playground: numpy arrays in, RGB arrays / plotly figures out.

The paused page uses interactive plotly figures (click the plane to add a point, hover a link to
read its weight, click a neuron to enlarge its map); live frames are drawn by the browser from
dlcore/viz/playground_live.py's numbers, with this module's colour tables. Colours: TF
Playground's (orange -1, blue +1). Page: pages/playground.py.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from PIL import Image

from dlcore.playground.views import latex_number
from dlcore.viz.common import (
    AXIS_STYLE,
    CATEGORICAL,
    PALETTE,
    cell_rect,
    colormap_rgb,
    disc_offsets,
    figure,
    room,
    smooth_upscale,
    stamp,
    style,
    style_layout,
    upscale,
)

CLASS_RGB = np.array([[245, 147, 34], [8, 119, 189], [0, 158, 115]], dtype=np.float32)
CLASS_HEX = (CATEGORICAL[0], CATEGORICAL[1], CATEGORICAL[2])
BG_LIGHTEN = 0.3  # the background is paler than the points so they stay visible


def _lighten(rgb: np.ndarray, amount: float = BG_LIGHTEN) -> np.ndarray:
    return rgb * (1 - amount) + 255 * amount


def _lut(lighten: float) -> np.ndarray:
    ramp = np.linspace(-1.0, 1.0, 256)[None, :]
    return _lighten(colormap_rgb(ramp, vmin=-1.0, vmax=1.0)[0].astype(np.float32), lighten)


LUT = _lut(BG_LIGHTEN).astype(np.uint8)  # (256, 3): value in [-1, 1] -> pale background colour
LUT_THUMB = _lut(0.1).astype(np.uint8)


def lut_rgb(value: np.ndarray, lut: np.ndarray = LUT) -> np.ndarray:
    """Fast diverging colour map for values in [-1, 1] (NaN -> grey, as TF Playground)."""
    v = np.nan_to_num(np.asarray(value, dtype=np.float32), nan=0.0)
    idx = np.clip((v + 1.0) * 127.5 + 0.5, 0, 255).astype(np.uint8)
    rgb = lut[idx]
    if not np.all(np.isfinite(value)):
        rgb[~np.isfinite(value)] = 160
    return rgb


def field_rgb(value: np.ndarray, probs: np.ndarray | None, discretize: bool) -> np.ndarray:
    """Colour the output over the plane: (G, G) values in [-1, 1] or (G, G, K) class probs."""
    if probs is not None:
        p = np.eye(probs.shape[-1])[probs.argmax(-1)] if discretize else np.nan_to_num(probs)
        return _lighten(p @ CLASS_RGB[: p.shape[-1]]).astype(np.uint8)
    return lut_rgb(np.sign(value) if discretize else value)


TRAIN_RING_PALE = 77  # grey level of the ring of a training point whose colour is pale: a
# regression target near 0 is drawn white, and a white ring on the pale plane made it vanish (the
# lecture's XOR showed 2 of its 4 points); other training points keep TF Playground's white ring,
# test points a black one
PALE_TARGET = 0.3  # |target| under this is drawn nearly white
FEW_POINTS = 20  # a set this small (the lecture's XOR) gets big markers


def ring_grey(y: np.ndarray, n_classes: int, test: bool) -> np.ndarray:
    """(N,) uint8 grey levels (0 black .. 255 white) of the points' rings: test black; training
    white, or dark grey for a regression target near 0 (a pale point)."""
    if test or n_classes:  # class colours are never pale (one array a frame: kept cheap)
        return np.full(len(y), 0 if test else 255, np.uint8)
    return np.where(np.abs(y) < PALE_TARGET, TRAIN_RING_PALE, 255).astype(np.uint8)


def marker_size(n_points: int) -> int:
    """Plotly marker size (px) of the plane's points: large for a handful of points."""
    return 16 if n_points <= FEW_POINTS else 7


def point_colors(y: np.ndarray, n_classes: int) -> np.ndarray:
    """(N, 3) colours: class colours, or the diverging map for regression targets."""
    if n_classes == 0:
        return colormap_rgb(y[None, :], vmin=-1.0, vmax=1.0)[0].astype(np.float32)
    return CLASS_RGB[class_index(y, n_classes)]


def class_index(y: np.ndarray, n_classes: int) -> np.ndarray:
    """Each point's class 0..n-1 (2 classes: the target's sign, -1 -> 0, +1 -> 1)."""
    return (y > 0).astype(int) if n_classes == 2 else y.astype(int)


def plane_figure(
    frame, show_test: bool, discretize: bool, *, neuron: tuple[np.ndarray, str] | None = None
) -> go.Figure:
    """The interactive plane of a frame (a 50 x 50 heatmap to click on, and the points): the
    network's output, or ``neuron`` = (its 50 x 50 map, its name), as TF Playground shows a
    neuron's map in the big plot."""
    test = frame.test if show_test and frame.test[0] is not frame.train[0] else None
    if neuron is not None:
        title = f"Showing {neuron[1]}"
        return boundary_figure(
            neuron[0], None, frame.domain, frame.train, test, frame.n_classes, title=title
        )
    probs = None if frame.probs is None else frame.probs[::2, ::2]
    return boundary_figure(
        frame.value[::2, ::2],
        probs,
        frame.domain,
        frame.train,
        test,
        frame.n_classes,
        discretize=discretize,
    )


def png_uri(rgb: np.ndarray) -> str:
    return _data_uri(Image.fromarray(rgb))


def _data_uri(img: Image.Image, **save: object) -> str:
    """A PIL picture as a PNG data URI, fast to encode (compress level 1)."""
    buf = io.BytesIO()
    img.save(buf, format="PNG", compress_level=1, **save)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


PICTURE_PX = 480  # pixels of the paused plane's picture (its plot area is ~330 px on screen)
DOT_R2 = {False: (28, 17), True: (121, 81)}  # few points? -> squared radii (ring, fill) in
# picture pixels: the live canvas's 3.6 / 2.8 px dots (7.5 / 6 for a handful) at the picture's scale


def plane_picture(
    value: np.ndarray,
    probs: np.ndarray | None,
    discretize: bool,
    parts: list[tuple[np.ndarray, np.ndarray, bool]],
    n_classes: int,
    domain: float,
    px: int = PICTURE_PX,
) -> np.ndarray:
    """The paused plane as one picture, as the live canvas draws it: the output over the plane
    (blended between grid cells, or crisp when discretized) and every point, a ring (white for
    training, black for test) around its colour. ``parts``: (x (N, 2), y (N,), is_test)."""
    field = field_rgb(value, probs, discretize)  # (G, G, 3), row 0 = largest x2
    if discretize:
        idx = np.arange(px) * field.shape[0] // px
        img = field[idx[:, None], idx[None, :]].copy()
    else:
        img = smooth_upscale(field, px)
    n_shown = sum(len(y) for _, y, _ in parts)
    ring_r2, fill_r2 = DOT_R2[n_shown <= FEW_POINTS]
    ring, fill = disc_offsets(ring_r2), disc_offsets(fill_r2)
    for x, y, test in parts:
        if len(y) == 0:
            continue
        cols = (x[:, 0] + domain) / (2 * domain) * (px - 1)
        rows = (domain - x[:, 1]) / (2 * domain) * (px - 1)
        centres = np.rint(np.stack([cols, rows], 1)).astype(np.int32)
        stamp(img, centres, ring, np.repeat(ring_grey(y, n_classes, test)[:, None], 3, 1))
        stamp(img, centres, fill, np.clip(point_colors(y, n_classes), 0, 255).astype(np.uint8))
    return img


# ----------------------------------------------------------------------------- plane (plotly)
EMPTY = (np.zeros((0, 2)), np.zeros(0))


def boundary_figure(
    value: np.ndarray,
    probs: np.ndarray | None,
    domain: float,
    train: tuple[np.ndarray, np.ndarray],
    test: tuple[np.ndarray, np.ndarray] | None,
    n_classes: int,
    *,
    discretize: bool = False,
    height: int = 420,
    title: str | None = None,
) -> go.Figure:
    """Interactive plane: the output and the points in one picture (``plane_picture``), and an
    invisible grid of points that turns a click into (x1, x2)."""
    g = value.shape[0]
    parts = [(x, y, name == "test") for name, (x, y) in (("train", train), ("test", test or EMPTY))]
    picture = plane_picture(value, probs, discretize, parts, n_classes, domain)
    image = dict(
        source=png_uri(picture),
        x=-domain,
        y=domain,
        sizex=2 * domain,
        sizey=2 * domain,
        xref="x",
        yref="y",
        sizing="stretch",
        layer="below",
    )
    # click catcher: plotly selects scatter points (not heatmap cells) on click, so an invisible
    # 30 x 30 grid of points turns a click into (x1, x2), with the output in the hover text.
    # A text trace with no text: hovered, clicked and selected like markers, but nothing drawn
    # (900 transparent markers cost the browser ~45 ms of styling at every redraw)
    gx = np.linspace(-domain, domain, 30)
    ga, gb = np.meshgrid(gx, gx)
    ii = np.clip(np.rint((domain - gb) / (2 * domain) * (g - 1)).astype(int), 0, g - 1)
    jj = np.clip(np.rint((ga + domain) / (2 * domain) * (g - 1)).astype(int), 0, g - 1)
    catcher = dict(
        type="scatter",
        x=ga.ravel(),
        y=gb.ravel(),
        mode="text",
        name="click",
        customdata=value[ii, jj].ravel(),
        showlegend=False,
        hovertemplate="x1 %{x:.2f}, x2 %{y:.2f}<br>output %{customdata:.3f}"
        "<br>click: add a point<extra></extra>",
    )
    layout = style_layout(height=height, title=title, legend=False)
    axis = dict(range=[-domain, domain], constrain="domain", showgrid=False)
    layout["xaxis"].update(title="x1", **axis)
    layout["yaxis"].update(title="x2", scaleanchor="x", **axis)
    layout.update(
        images=[image],
        # the points are in the picture (hundreds of SVG markers, each styled at every redraw,
        # cost the browser ~0.1 s); the figure says how many it drew
        meta={"points": {"train": len(train[1]), "test": len(parts[1][1])}},
        clickmode="event+select",
        dragmode=False,
    )
    return room(figure([catcher], layout), 74, 12, 50 if title else 20, 72)


def _hex(rgb: np.ndarray) -> str:
    r, g, b = (int(v) for v in np.clip(rgb, 0, 255))
    return f"#{r:02x}{g:02x}{b:02x}"


# ----------------------------------------------------------------------------- network
# the network's geometry in map units (a neuron's map is 1 x 1): links run between the maps'
# edges, input names sit left of the inputs, layer names above the columns, all inside the axes
MAP_PITCH = 1.3  # vertical distance between two maps of a layer
NAME_ROOM = 2.3  # room left of the input maps for their names (x1, x1², sin(x1), ...)
TOP_ROOM = 0.9  # room above the maps for the layer names
COLUMN_PX = 480  # about the width of the column the paused network is drawn in (px)
LINK_WIDTHS = ((0, 0.5, 1), (0.5, 1.5, 2.5), (1.5, 3, 4.5), (3, np.inf, 7))  # |w| bins -> px
PICKED = PALETTE["accent"]


@dataclass(frozen=True)
class NetLayout:
    """Where a network's maps go: column centres x, each layer's map centres y (map units)."""

    sizes: tuple[int, ...]
    gap: float  # link length between two columns of maps
    x: np.ndarray  # (L,) column centres
    y: tuple[np.ndarray, ...]  # per layer (n_l,) map centres
    width: float
    height: float

    def link(self, layer: int, i: int, j: int) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1): from the right edge of map i of ``layer`` to the left edge of
        map j of the next layer."""
        return (
            float(self.x[layer] + 0.5),
            float(self.y[layer][i]),
            float(self.x[layer + 1] - 0.5),
            float(self.y[layer + 1][j]),
        )

    def handle(self, layer: int, i: int, j: int) -> tuple[float, float]:
        """The point of link (i, j) that a click picks: links into the same map have their
        handles one above the other, spread along the link by the target (no two coincide)."""
        x0, y0, x1, y1 = self.link(layer, i, j)
        t = 0.3 + 0.4 * (j + 0.5) / self.sizes[layer + 1]
        return x0 + t * (x1 - x0), y0 + t * (y1 - y0)


def net_layout(sizes: Sequence[int]) -> NetLayout:
    """One column per layer, maps centred vertically; shorter links for deep networks so the
    whole network keeps readable maps in the page's column."""
    sizes = tuple(int(n) for n in sizes)
    m, n_cols = max(max(sizes), 1), len(sizes)
    gap = float(np.clip(8.8 / n_cols, 1.3, 2.4))
    x = NAME_ROOM + 0.5 + np.arange(n_cols) * (1.0 + gap)
    y = tuple(TOP_ROOM + MAP_PITCH * (np.arange(n) + 0.5 + (m - n) / 2) for n in sizes)
    return NetLayout(sizes, gap, x, y, float(x[-1] + 0.8), TOP_ROOM + MAP_PITCH * m)


def _thumb(m: np.ndarray) -> np.ndarray:
    return lut_rgb(m, LUT_THUMB)


def node_name(labels: Sequence[str], sizes: Sequence[int], layer: int, k: int) -> str:
    """An input's feature name, a hidden unit h<layer>.<unit> (1-based), or the output."""
    if layer == 0:
        return labels[k] if k < len(labels) else f"input {k + 1}"
    if layer == len(sizes) - 1:
        return "output" if sizes[-1] == 1 else f"output {k + 1}"
    return f"h{layer}.{k + 1}"


def layer_name(layer: int, n_layers: int, narrow: bool) -> str:
    if layer == 0:
        return "input"
    if layer == n_layers - 1:
        return "output"
    return f"h{layer}" if narrow else f"hidden {layer}"


def _links(lay: NetLayout, weights: Sequence[np.ndarray]) -> list[dict]:
    """Blue links for positive weights, orange for negative, wider for larger |w| (one trace
    per colour and width)."""
    traces = []
    for sign, color in ((1, PALETTE["pos"]), (-1, PALETTE["neg"])):
        for lo, hi, width in LINK_WIDTHS:
            xs, ys = [], []
            for li, w in enumerate(weights):
                w = np.nan_to_num(w)
                i, j = np.nonzero((np.sign(w) == sign) & (np.abs(w) >= lo) & (np.abs(w) < hi))
                for ii, jj in zip(i, j):
                    x0, y0, x1, y1 = lay.link(li, ii, jj)
                    xs += [x0, x1, None]
                    ys += [y0, y1, None]
            if xs:
                line = dict(color=color, width=width)
                traces.append(
                    dict(type="scatter", x=xs, y=ys, mode="lines", hoverinfo="skip", line=line)
                )
    return traces


def _maps(lay: NetLayout, maps: Sequence[np.ndarray]) -> tuple[list[dict], list[dict]]:
    """Each neuron's map as an image in a thin grey frame, edges at x +- 0.5: (images, shapes)
    of the layout, set in one go (adding ~20 of each one by one cost ~20 ms a figure)."""
    images, frames = [], []
    line = dict(color="#8a8a8a", width=1)
    for li, m in enumerate(maps):
        for k in range(m.shape[0]):
            cx, cy = lay.x[li], lay.y[li][k]
            images.append(
                dict(
                    source=png_uri(upscale(_thumb(m[k]), 2)),
                    x=cx - 0.5,
                    y=cy - 0.5,
                    sizex=1.0,
                    sizey=1.0,
                    xref="x",
                    yref="y",
                    sizing="stretch",
                    layer="above",
                )
            )
            frames.append(cell_rect((cx, cx), (cy, cy), line=line, layer="above"))
    return images, frames


def _names(lay: NetLayout, labels: Sequence[str], narrow: bool) -> list[dict]:
    """Input names left of the inputs, layer names above the columns (inside the axes): the
    layout's annotations."""
    font = dict(size=14, color=PALETTE["ink"])
    names = []
    for k, y in enumerate(lay.y[0]):
        name = labels[k] if k < len(labels) else f"input {k + 1}"
        names.append(
            dict(x=lay.x[0] - 0.6, y=y, text=name, showarrow=False, xanchor="right", font=font)
        )
    n = len(lay.sizes)
    for li, x in enumerate(lay.x):
        names.append(
            dict(x=x, y=TOP_ROOM / 2, text=layer_name(li, n, narrow), showarrow=False, font=font)
        )
    return names


def _highlight(lay: NetLayout, picked: tuple | None) -> tuple[list[dict], list[dict]]:
    """(shapes, traces): a red frame around the picked neuron, or the picked link redrawn in
    red."""
    if not picked:
        return [], []
    if picked[0] == "node":
        _, li, k = picked
        cx, cy = lay.x[li], lay.y[li][k]
        line = dict(color=PICKED, width=3)
        return [cell_rect((cx, cx), (cy, cy), pad=0.58, line=line, layer="above")], []
    x0, y0, x1, y1 = lay.link(*picked[1:])
    line = dict(color=PICKED, width=4, dash="dot")
    return [], [
        dict(type="scatter", x=[x0, x1], y=[y0, y1], mode="lines", line=line, hoverinfo="skip")
    ]


def picked_valid(picked: tuple | None, sizes: Sequence[int]) -> tuple | None:
    """``picked`` ("node", layer, k) or ("link", layer, i, j) if it names a neuron or link of a
    network of these layer sizes, else None (the network changed since the click)."""
    if not picked or picked[0] not in ("node", "link"):
        return None
    try:
        idx = [int(v) for v in picked[1:]]
    except (TypeError, ValueError):
        return None
    if picked[0] == "node" and len(idx) == 2:
        li, k = idx
        return ("node", li, k) if 0 <= li < len(sizes) and 0 <= k < sizes[li] else None
    if picked[0] == "link" and len(idx) == 3:
        li, i, j = idx
        fits = 0 <= li < len(sizes) - 1 and 0 <= i < sizes[li] and 0 <= j < sizes[li + 1]
        return ("link", li, i, j) if fits else None
    return None


def _pickable(name: str, points: list[tuple], marker: dict) -> list[dict]:
    """Invisible markers a click picks (customdata) and a hover reads (text): [] or one trace."""
    if not points:
        return []
    x, y, text, custom = zip(*points)
    marker = dict(color="rgba(0,0,0,0)", **marker)
    return [
        dict(
            type="scatter",
            x=x,
            y=y,
            mode="markers",
            name=name,
            text=text,
            hoverinfo="text",
            customdata=list(custom),
            marker=marker,
        )
    ]


def network_figure(
    maps: list[np.ndarray],
    weights: tuple[np.ndarray, ...],
    biases: tuple[np.ndarray, ...],
    labels: list[str],
    *,
    picked: tuple | None = None,
) -> go.Figure:
    """The paused network: every neuron's map over the plane, links between the maps' edges
    (blue +, orange -, wider = larger |w|), inputs and layers named. Click a neuron (customdata
    ["node", layer, unit]) to show its map in the big plot and edit its bias, or a link's
    handle (customdata ["link", layer, i, j]) to edit its weight; hover either to read it."""
    sizes = [m.shape[0] for m in maps]
    lay = net_layout(sizes)
    px = COLUMN_PX / lay.width  # about how many pixels a map unit gets
    nodes, handles = [], []  # (x, y, hover text, customdata) of what a click picks
    for li, m in enumerate(maps):
        for k in range(m.shape[0]):
            bias = f"<br>bias is {biases[li - 1][k]:.3f}" if li > 0 else ""
            what = "show its map in the big plot" + (", edit its bias" if li else "")
            text = f"{node_name(labels, sizes, li, k)}{bias}<br>click: {what}"
            nodes.append((lay.x[li], lay.y[li][k], text, ["node", li, k]))
    for li, w in enumerate(weights):
        for i, j in np.ndindex(*w.shape):
            src, dst = node_name(labels, sizes, li, i), node_name(labels, sizes, li + 1, j)
            text = f"Weight is {w[i, j]:.3f}<br>{src} → {dst}<br>click: edit it"
            handles.append((*lay.handle(li, i, j), text, ["link", li, i, j]))
    images, shapes = _maps(lay, maps)
    marked, red_link = _highlight(lay, picked_valid(picked, sizes))
    traces = (
        _links(lay, weights)
        + _pickable("neurons", nodes, dict(size=max(12, int(px)), symbol="square"))
        + _pickable("links", handles, dict(size=9))
        + red_link
    )
    height = int(np.clip(px * lay.height + 40, 240, 580))
    layout = style_layout(height=height, legend=False)
    layout["xaxis"].update(visible=False, range=[0, lay.width], constrain="domain", fixedrange=True)
    layout["yaxis"].update(
        visible=False, range=[lay.height, 0], scaleanchor="x", constrain="domain", fixedrange=True
    )
    layout.update(
        images=images,
        shapes=shapes + marked,
        annotations=_names(lay, labels, narrow=px * (1 + lay.gap) < 80),
        clickmode="event+select",
        dragmode=False,
        hoverdistance=12,
    )
    layout["margin"]["t"] = 30  # room above the layer names for the chart's toolbar
    return figure(traces, layout)


# ----------------------------------------------------------------------------- charts
def _thin(x: np.ndarray, *ys: np.ndarray, n: int = 400):
    idx = np.unique(np.linspace(0, len(x) - 1, min(len(x), n)).astype(int)) if len(x) else []
    return (x[idx], *(y[idx] for y in ys))


PANEL_GAP = 0.1  # the loss chart's two panels: the gap between them, as a share of the height
ACCURACY_TOP = 0.342  # the accuracy panel's top: 0.38 of the height less the gap


def loss_figure(
    epochs: np.ndarray,
    train: np.ndarray,
    test: np.ndarray,
    *,
    best_epoch: float = float("nan"),
    height: int | None = None,
    log_y: bool = False,
    accuracy: np.ndarray | None = None,
    test_is_train: bool = False,
) -> go.Figure:
    """Train (grey) and test (black) loss per epoch, TF Playground style, early stopping marked;
    the test accuracy (classification) in its own panel under it, with its own axis (0-100 %).
    ``test_is_train``: no test points, so only the training loss is drawn."""
    e, tr, te = _thin(np.asarray(epochs), np.asarray(train), np.asarray(test))
    acc = None if accuracy is None else np.asarray(accuracy, float)
    has_acc = acc is not None and len(acc) == len(epochs) and bool(np.isfinite(acc).any())
    if len(e) < 2:  # a fresh network: one point draws no line, so its values are left out and
        # the chart is the same whatever they are (a control that rebuilds it leaves it alone)
        tr, te = np.full(len(e), np.nan), np.full(len(e), np.nan)
        acc = None if acc is None else np.full(len(acc), np.nan)
    layout = style_layout(height=height or (300 if has_acc else 220))
    loss_axis = dict(title="loss", type="log" if log_y else "linear", rangemode="tozero")
    layout["xaxis"].update(anchor="y", domain=[0.0, 1.0])
    layout["yaxis"].update(anchor="x", domain=[0.0, 1.0], **loss_axis)
    traces = [_line(e, tr, "training loss", "#777777")]
    if not test_is_train:
        traces.append(_line(e, te, "test loss", "#000000"))
    if has_acc:
        name = "training accuracy" if test_is_train else "test accuracy"
        ea, acc = _thin(np.asarray(epochs), acc)
        traces.append(_line(ea, acc, name, CATEGORICAL[2], panel="2"))
        # two panels sharing the epoch axis (as make_subplots(rows=2, shared_xaxes=True) lays
        # them out, with row heights 0.62 / 0.38 and a gap of 0.1)
        layout["xaxis"].update(matches="x2", showticklabels=False)
        layout["yaxis"]["domain"] = [ACCURACY_TOP + PANEL_GAP, 1.0]
        accuracy_axis = dict(title=name.replace(" ", "<br>"), range=[0, 1.05], tickvals=[0, 0.5, 1])
        layout["xaxis2"] = dict(anchor="y2", domain=[0.0, 1.0], **AXIS_STYLE)
        layout["yaxis2"] = dict(
            anchor="x2", domain=[0.0, ACCURACY_TOP], tickformat=".0%", **accuracy_axis, **AXIS_STYLE
        )
    layout["xaxis2" if has_acc else "xaxis"]["title"] = "epoch"  # under the lowest panel
    if np.isfinite(best_epoch):
        line = dict(color=PALETTE["accent"], dash="dash")
        panels = ("", "2") if has_acc else ("",)
        layout["shapes"] = [
            dict(type="line", x0=best_epoch, x1=best_epoch, xref=f"x{p}", y0=0, y1=1,
                 yref=f"y{p} domain", line=line)
            for p in panels
        ]  # fmt: skip
        layout["annotations"] = [
            dict(
                x=best_epoch,
                y=1,
                xref="x",
                yref="y domain",
                text=f"early stop: best epoch {best_epoch:.0f}",
                showarrow=False,
                xanchor="left",
                yanchor="top",
                font=dict(color=PALETTE["accent"]),
            )
        ]
    return room(figure(traces, layout), 104 if has_acc else 82, 16, 44, 70)


def _line(x: np.ndarray, y: np.ndarray, name: str, color: str, panel: str = "") -> dict:
    """A curve of the loss chart, in its top panel or (``panel`` "2") the accuracy panel."""
    line = dict(color=color, width=2)
    return dict(
        type="scatter", x=x, y=y, name=name, mode="lines", line=line,
        xaxis=f"x{panel}", yaxis=f"y{panel}",
    )  # fmt: skip


HIDDEN_SIZE = (640, 360)  # the hidden-space chart (px): a fixed size, so its picture of the
HIDDEN_MARGIN = dict(l=80, r=12, t=46, b=70)  # points fills the plot area pixel for pixel
HIDDEN_DOT_R2 = 36  # a dot's squared radius in picture pixels (2 per screen pixel): 6 px across


def _padded(v: np.ndarray) -> tuple[float, float]:
    """An axis range around values ``v``, 6 % of their span (or 0.1) of room each side."""
    lo, hi = float(v.min()), float(v.max())
    pad = 0.06 * (hi - lo) if hi - lo > 1e-6 else 0.1
    return lo - pad, hi + pad


def hidden_picture(
    z: np.ndarray, index: np.ndarray, xr: tuple[float, float], yr: tuple[float, float]
) -> np.ndarray:
    """The points z (N, 2) as dots of palette colours ``index`` (N,) (1..255; 0 is no point)
    on a picture of the plot area at 2 pixels per screen pixel (H, W): x across (xr), y up."""
    w = 2 * (HIDDEN_SIZE[0] - HIDDEN_MARGIN["l"] - HIDDEN_MARGIN["r"])
    h = 2 * (HIDDEN_SIZE[1] - HIDDEN_MARGIN["t"] - HIDDEN_MARGIN["b"])
    img = np.zeros((h, w, 1), np.uint8)
    cols = (z[:, 0] - xr[0]) / (xr[1] - xr[0]) * (w - 1)
    rows = (yr[1] - z[:, 1]) / (yr[1] - yr[0]) * (h - 1)
    centres = np.rint(np.stack([cols, rows], 1)).astype(np.int32)
    stamp(img, centres, disc_offsets(HIDDEN_DOT_R2), index[:, None].astype(np.uint8))
    return img[:, :, 0]


def point_palette(y: np.ndarray, n_classes: int) -> tuple[np.ndarray, np.ndarray]:
    """Each point's palette index (N,) and the palette (K + 1, 3) whose entry 0 is no point:
    the class colours, or the regression target's colour in 254 steps over [-1, 1]."""
    if n_classes:
        return class_index(y, n_classes) + 1, np.r_[np.zeros((1, 3)), CLASS_RGB]
    levels = np.linspace(-1.0, 1.0, 254)
    steps = np.rint((np.clip(np.nan_to_num(y), -1, 1) + 1) / 2 * 253).astype(int)
    return steps + 1, np.r_[np.zeros((1, 3)), point_colors(levels, 0)]


def indexed_png_uri(index: np.ndarray, palette: np.ndarray) -> str:
    """A palette picture (index 0 transparent) as a PNG data URI: one byte a pixel, so a
    1,000 x 500 picture of dots encodes in a few ms."""
    img = Image.fromarray(index, mode="P")
    img.putpalette(np.clip(palette, 0, 255).astype(np.uint8).ravel().tolist())
    return _data_uri(img, transparency=0)


def hidden_figure(hs, n_classes: int) -> go.Figure:
    """The data in the last hidden layer's coordinates (with the output unit's line if exact).

    ``hs``: a ``dlcore.playground.analysis.HiddenSpace`` (z (N, 2), classes, method, line). The
    ~500 points are one picture over fixed axes (as SVG markers they cost the browser ~100 ms at
    each redraw); the legend names the classes, the dashed line is a curve.
    """
    z, classes, method, line = hs.z, hs.classes, hs.method, hs.line
    xr, yr = _padded(z[:, 0]), _padded(z[:, 1])
    index, palette = point_palette(np.asarray(classes, float), n_classes)
    picture = dict(
        source=indexed_png_uri(hidden_picture(z, index, xr, yr), palette), x=xr[0], y=yr[1],
        sizex=xr[1] - xr[0], sizey=yr[1] - yr[0], xref="x", yref="y",
        sizing="stretch", layer="above",
    )  # fmt: skip
    names = [f"class {c}" for c in range(max(2, n_classes))] if n_classes else ["target"]
    colours = CLASS_HEX if n_classes else (PALETTE["ink"],)
    traces = [  # legend entries only: the points are in the picture
        dict(type="scatter", x=[None], y=[None], mode="markers", name=name,
             marker=dict(size=6, color=colour, line=dict(width=0)))
        for name, colour in zip(names, colours)
    ]  # fmt: skip
    if line is not None and abs(line[1]) > 1e-9:
        w1, w2, b = line
        xs = np.array(xr)
        dash = dict(color="black", dash="dash")
        y = -(w1 * xs + b) / w2
        traces.append(dict(type="scatter", x=xs, y=y, mode="lines", name="output = 0", line=dash))
    axis = {
        "units": ("h<sub>1</sub>", "h<sub>2</sub>"),
        "pca": ("PC 1", "PC 2"),
        "unit+zero": ("h<sub>1</sub>", ""),
        "input": ("feature 1", "feature 2"),
    }[method]
    layout = style_layout(height=HIDDEN_SIZE[1])
    layout.update(width=HIDDEN_SIZE[0], margin=HIDDEN_MARGIN, images=[picture])
    layout["xaxis"].update(title=axis[0], range=list(xr))
    layout["yaxis"].update(title=axis[1], range=list(yr))
    return figure(traces, layout)


def regions_rgb(region_id: np.ndarray, size: int = 300) -> np.ndarray:
    """Each linear region in its own colour (a fixed pseudo-random palette)."""
    rng = np.random.default_rng(7)
    colors = rng.uniform(60, 245, (int(region_id.max()) + 1, 3))
    img = colors[region_id]
    f = max(1, size // region_id.shape[0])
    return upscale(img, f).astype(np.uint8)


CONTRIBUTION = "w<sub>j</sub> g(W<sub>j</sub>x + c<sub>j</sub>)"  # a unit's part of the fit


def uat_figure(
    x: np.ndarray,
    target: np.ndarray,
    fit: np.ndarray,
    contributions: np.ndarray,
    bias: float,
    height: int = 420,
) -> go.Figure:
    """Target and fit on top; every hidden unit's contribution w_j h_j(x) drawn underneath."""
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=x, y=target, name="target f(x)", mode="lines", line=dict(color="black", width=3)
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=fit,
            name="network",
            mode="lines",
            line=dict(color=PALETTE["accent"], width=2, dash="dash"),
        )
    )
    for j, c in enumerate(contributions):
        fig.add_trace(
            go.Scatter(
                x=x,
                y=c,
                mode="lines",
                name=f"unit {j + 1}",
                showlegend=False,
                yaxis="y2",
                line=dict(width=1.2, color=CATEGORICAL[j % len(CATEGORICAL)]),
                hovertemplate=f"unit {j + 1}: %{{y:.3f}}<extra></extra>",
            )
        )
    style(fig, height=height)
    fig.update_layout(
        yaxis=dict(domain=[0.45, 1.0], title="f(x)"),
        yaxis2=dict(domain=[0.0, 0.38], title=CONTRIBUTION, anchor="x"),
        xaxis=dict(title="x", anchor="y2"),
    )
    fig.add_annotation(
        text=f"output bias b = {bias:.3f}",
        xref="paper",
        yref="paper",
        x=1,
        y=0.4,
        showarrow=False,
        font=dict(size=11),
    )
    return fig


def bmatrix(a: np.ndarray) -> str:
    """A numpy array as a LaTeX bmatrix (for the XOR design-matrix walk-through)."""
    a = np.atleast_2d(a)
    rows = [" & ".join(f"{v:g}" for v in row) for row in a]
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


def xor_latex(s) -> str:
    """The lecture's design-matrix walk-through X -> XW -> XW + c -> ReLU -> times w (XorSteps)."""
    X, W, c, w = (rf"\boldsymbol{{{name}}}" for name in ("X", "W", "c", "w"))
    return (
        rf"{X}={bmatrix(s.X)}\;{X}{W}={bmatrix(s.XW)}\;{X}{W}+{c}={bmatrix(s.XW_c)}"
        rf"\;\max\{{0,\cdot\}}={bmatrix(s.relu)}\;\cdot {w}={bmatrix(s.out[:, None])}"
    )


# the lecture's notation (LaTeX) for the sections under the playground
ACTIVATION_LATEX = {
    "relu": r"g(z) = \max\{0, z\}",
    "tanh": r"g(z) = \tanh z",
    "sigmoid": r"g(z) = \sigma(z)",
    "linear": r"g(z) = z",
    "leaky_relu": r"g(z) = \max\{0.01z, z\}",
}
FNN_LATEX = (
    r"f(\boldsymbol{x}; \boldsymbol{W}, \boldsymbol{c}, \boldsymbol{w}, b) = "
    r"\boldsymbol{w}^{\top} \max\{0, \boldsymbol{W}^{\top} \boldsymbol{x} + \boldsymbol{c}\} + b"
)
XOR_MSE = (
    r"J(\boldsymbol{\theta}) = \frac{1}{4} \sum_{\boldsymbol{x} \in \mathbb{X}}"
    r"\big(f^*(\boldsymbol{x}) - f(\boldsymbol{x}; \boldsymbol{\theta})\big)^2"
)


def uat_latex(n_units: int, activation: str, n_points: int, loss: float) -> str:
    """One hidden layer of N units as a sum of the units' contributions, with the fit's error
    over the P fitted points."""
    return (
        rf"f(x) = \sum_{{j=1}}^{{N}} w_j\, g(W_j x + c_j) + b,\quad N = {n_units},\ "
        rf"{ACTIVATION_LATEX[activation]},\quad \frac{{1}}{{P}}\sum_{{p=1}}^{{P}} \tfrac{{1}}{{2}}"
        rf"\big(f(x_p) - f^*(x_p)\big)^2 = {latex_number(loss)}\ \ (P = {n_points})"
    )


def linear_xor_latex(lin) -> str:
    """The lecture's linear model on XOR and its least-squares solution (a ``LinearFit``)."""
    w = np.round(lin.w, 6) + 0.0
    model = r"f(\boldsymbol{x}; \boldsymbol{w}, b) = \boldsymbol{x}^{\top}\boldsymbol{w} + b"
    return (
        rf"{model}:\ \min {XOR_MSE} \;\Rightarrow\; \boldsymbol{{w}} = {bmatrix(w[:, None])},"
        rf"\ b = {latex_number(lin.b)},\ J = {latex_number(lin.loss)}"
    )


def current_xor_latex(out: np.ndarray, y: np.ndarray, weights, biases) -> str:
    """The current model on the design matrix X, its J(theta), and its parameters in the slide's
    names when it is the lecture's (2, 2, 1) network or a linear model."""
    mse = float(np.mean((y - out) ** 2))
    text = rf"f(\boldsymbol{{X}}; \boldsymbol{{\theta}}) = {bmatrix(np.round(out, 3)[:, None])},\ "
    text += rf"J(\boldsymbol{{\theta}}) = {latex_number(mse)}"
    shapes = [w.shape for w in weights]
    if shapes == [(2, 2), (2, 1)]:
        W, c, w, b = weights[0], biases[0], weights[1][:, 0], biases[1][0]
        text += (
            rf",\quad \boldsymbol{{W}} = {bmatrix(np.round(W, 3))},\ "
            rf"\boldsymbol{{c}} = {bmatrix(np.round(c, 3)[:, None])},\ "
            rf"\boldsymbol{{w}} = {bmatrix(np.round(w, 3)[:, None])},\ b = {latex_number(b)}"
        )
    elif shapes == [(2, 1)]:
        w, b = weights[0][:, 0], biases[0][0]
        w_tex = bmatrix(np.round(w, 3)[:, None])
        text += rf",\quad \boldsymbol{{w}} = {w_tex},\ b = {latex_number(b)}"
    return text
