"""Figure builders: duplicate characters stay separate cells, hover carries the values, exports
round-trip and are formula-safe."""

import csv
import io
from types import SimpleNamespace

import numpy as np
from PIL import Image

from dlcore.viz import attention as V


def test_alignment_heatmap_keeps_duplicate_labels():
    w = np.array([[0.2, 0.8, 0.0], [0.5, 0.25, 0.25]])
    fig = V.alignment_heatmap(w, ["1", "1", " "], ["2", "0"], selected=(1, 2))
    hm = fig.data[0]
    assert np.asarray(hm.z).shape == (2, 3)
    assert list(fig.layout.xaxis.ticktext) == ["1", "1", "␣"]
    assert "value" in hm.hovertemplate and len(fig.layout.shapes) == 1


def test_csv_round_trip_and_formula_safety():
    m = np.array([[0.125, 0.875]])
    text = V.matrix_csv(m, ["=cmd"], ["a", "+b"])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["", "a", "'+b"] and rows[1][0] == "'=cmd"
    assert float(rows[1][2]) == 0.875


def test_png_export_decodes():
    png = V.matrix_png(np.eye(3), ["a", "b", "😀"], ["x", "y", "z"])
    img = Image.open(io.BytesIO(png))
    assert img.format == "PNG" and img.width > 3 * 18 and img.height > 3 * 18
    signed = V.matrix_png(np.array([[-1.0, 1.0]]), ["r"], ["a", "b"])
    assert Image.open(io.BytesIO(signed)).size[0] > 36


def test_clickable_heatmap_has_one_catcher_point_per_cell():
    w = np.array([[0.2, 0.8, 0.0], [0.5, 0.25, 0.25]])
    fig = V.alignment_heatmap(w, ["a", "b", "c"], ["x", "y"], clickable=True)
    hm, cells = fig.data
    assert hm.hoverinfo == "skip" and cells.mode == "markers"
    cd = np.asarray(cells.customdata)
    assert cd.shape == (6, 2) and {tuple(r) for r in cd} == {
        (t, s) for t in (0, 1) for s in (0, 1, 2)
    }
    np.testing.assert_array_equal(cells.x, cd[:, 1])  # x = column s, y = row t
    np.testing.assert_array_equal(cells.y, cd[:, 0])
    assert "0.8000" in cells.text[1] and "click" in cells.text[1]
    assert len(V.alignment_heatmap(w, ["a", "b", "c"], ["x", "y"]).data) == 1


def test_model_view_and_head_view():
    att = np.random.default_rng(0).random((6, 12, 5, 5))
    att /= att.sum(-1, keepdims=True)
    special = np.array([True, False, False, False, True])
    fig = V.model_view(att, ["[CLS]", "a", "b", "c", "[SEP]"], special, selected=(2, 9))
    image, heads = fig.data
    assert image.type == "image" and image.source.startswith("data:image/png;base64,")
    cd = np.asarray(heads.customdata)
    assert cd.shape == (72, 2) and {tuple(r) for r in cd} == {
        (i, h) for i in range(6) for h in range(12)
    }
    xs, ys = np.asarray(heads.x), np.asarray(heads.y)
    assert (np.diff(xs[:12]) > 0).all() and (
        np.diff(ys[::12]) > 0
    ).all()  # heads across, layers down
    share = att[2, 9][:, special].sum(-1).mean()
    assert f"{share:.0%} to [CLS]/[SEP]" in heads.text[2 * 12 + 9]
    (box,) = fig.layout.shapes
    assert box.x0 < xs[2 * 12 + 9] < box.x1 and box.y0 < ys[2 * 12 + 9] < box.y1
    assert list(fig.layout.xaxis.ticktext) == [str(h) for h in range(12)]
    assert fig.layout.xaxis.title.text == "head" and fig.layout.yaxis.title.text == "layer"
    a = np.zeros((2, 3, 3))
    a[0, 0, 2] = 1.0
    a[0, 1, 1] = 0.5
    a[1, 2, 0] = 0.3
    fig = V.head_view(["x", "y", "z"], a, (4, 9), focus=("from", 1))
    line_traces = [t for t in fig.data if t.mode == "lines"]
    assert len(line_traces) == 3  # three weights above the threshold, in their opacity bands
    colors = {t.name: t.line.color for t in line_traces}
    assert set(colors) == {"head 4", "head 9"} and colors["head 4"] != colors["head 9"]
    labels = [t for t in fig.data if t.mode == "markers+text"]
    assert [list(map(list, t.customdata)) for t in labels] == [
        [[s, i] for i in range(3)] for s in (0, 1)
    ]
    assert "z 1.00 (head 4)" in labels[0].hovertext[0]  # x's strongest line
    assert labels[0].textfont.color[1] != labels[0].textfont.color[0]  # the focused token
    strip = V.head_swatches([0, 5])
    assert strip.shape[0] < strip.shape[1] and strip.dtype == np.uint8
    x5 = 4 + 5 * 34 + 3  # inside swatch 5, beside its number
    assert tuple(strip[10, x5]) != tuple(V.head_swatches([0])[10, x5])


def test_pointer_and_length_figures():
    fig = V.pointer_figure(
        np.eye(3), np.array([1.0, 2.0, 3.0]), np.array([0, 2, 1]), np.array([True, False, False])
    )
    marker = fig.data[-1].marker
    colors = list(marker.color)
    assert colors[0] != colors[1]
    curve = {"exact": [1.0, None], "char": [1.0, 0.5]}
    rep = {
        "by_length": {"edges": [0, 10, 20], "models": {"dot": curve, "none": curve}},
        "padded": {
            "levels": [0, 5],
            "mean_length": [15.0, 20.0],
            "models": {"dot": curve, "none": curve},
        },
        "spaced": {
            "levels": [1, 2],
            "mean_length": [15.0, 17.0],
            "models": {"dot": curve, "none": curve},
        },
    }
    fig = V.accuracy_by_length(rep, {"none": "No attention"})
    assert len(fig.data) == 12 and sum(t.showlegend for t in fig.data) == 2
    base = [t for t in fig.data if t.name == "No attention"]
    assert len(base) == 6 and all(t.line.dash == "dot" for t in base)
    assert list(fig.data[0].x) == ["0-9", "10-19"] and list(fig.data[0].y) == [100.0, None]
    assert "+5 (20)" in list(fig.data[2].x)


def test_loss_with_baseline_overlay():
    steps, loss = np.arange(5.0), np.linspace(2, 0.1, 5)
    fig = V.loss_with_marker(steps, loss, 3, "t", baseline=(steps, loss * 2))
    assert [t.name for t in fig.data] == ["training loss", "no attention"]
    assert len(V.loss_with_marker(steps, loss, None, "t").data) == 1


def test_live_training_image_draws_the_loss_and_the_alignment():
    pos = np.array([8, 119, 189])  # PALETTE["pos"]: the loss line and a weight of 1
    w = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])  # output 0 reads input 2, output 1 input 0
    steps, loss = np.arange(1.0, 51.0), np.linspace(2.5, 0.05, 50)
    img = V.live_training_image(steps, loss, w, ["a", " ", "b"], ["1", "2"], size=(900, 320))
    assert img.shape == (320, 900, 3) and img.dtype == np.uint8
    blue = (np.abs(img.astype(int) - pos).sum(-1) <= 6).nonzero()  # (rows, cols) of full weight
    left, right = blue[1] < 405, blue[1] >= 405
    assert left.sum() > 50  # the loss curve
    ys, xs = blue[0][right], blue[1][right]
    top, bottom = ys < np.median(ys), ys >= np.median(ys)
    assert xs[top].mean() > xs[bottom].mean() + 50  # rows = outputs top-down, columns = inputs
    nan = V.live_training_image(steps, loss * np.nan, w * np.nan, ["a", " ", "b"], ["1", "2"])
    assert (nan[40:280, 500:880] == 255).mean() > 0.9  # a diverged model: blank cells, no crash
    alone = V.live_training_image(steps, loss, None, [], [], size=(900, 320))
    assert (np.abs(alone[:, 600:].astype(int) - pos).sum(-1) <= 6).sum() > 20  # loss fills it


def test_shared_scale_difference_rows_and_thinned_labels():
    w = np.array([[0.02, 0.08], [0.05, 0.05]])
    hm = V.alignment_heatmap(w, ["a", "b"], ["x", "y"], zmax=1.0).data[0]
    assert (hm.zmin, hm.zmax) == (0.0, 1.0)  # the scale given, not this map's own maximum
    signed = V.alignment_heatmap(w - 0.05, ["a", "b"], ["x", "y"], signed=True, zmax=0.5).data[0]
    assert (signed.zmin, signed.zmax) == (-0.5, 0.5)
    assert V.diff_rows("2031-12-03", "2031-12-31")[-2:] == ["<b>0 ≠ 3</b>", "<b>3 ≠ 1</b>"]
    assert V.diff_rows("20", "20") == ["2 | 2", "0 | 0"]
    assert V.thin_ticks(list("abcdef"), 10.0, 14.0) == ([0, 2, 4], ["a", "c", "e"])
    assert V.thin_ticks(list("abc"), 20.0, 14.0) == ([0, 1, 2], ["a", "b", "c"])
    tokens = [f"token{i}" for i in range(64)]
    fig = V.alignment_heatmap(np.eye(64), tokens, tokens, height=V.map_height(64), width=950)
    assert list(fig.layout.yaxis.tickvals) == list(range(64))  # every row keeps its label
    assert fig.layout.xaxis.tickangle == -90


def _colour_bar_column(img: np.ndarray, low: np.ndarray, high: np.ndarray) -> int | None:
    """x of a column right of the image's middle along which the colour runs from ``high`` (top)
    to ``low`` (bottom) through 200 or more rows, every shade in between (a colour bar)."""
    w = img.shape[1]
    span = (high - low).astype(float)
    for x in range(w // 2, w):
        col = img[:, x].astype(float)
        t = ((col - low) @ span) / (span @ span)  # position between low (0) and high (1)
        on_line = np.abs(col - (low + t[:, None] * span)).max(1) < 12
        top = np.flatnonzero(on_line & (t > 0.97))
        if not top.size:
            continue
        run, ok = t[top[0] :], on_line[top[0] :]
        stop = int(np.argmin(ok)) if not ok.all() else len(run)  # first row off the colour line
        run = run[:stop]
        if len(run) >= 200 and run.min() < 0.05 and (np.diff(run) <= 0.02).all():
            return x
    return None


def test_png_export_is_projector_sized_with_colour_bar_and_axis_titles():
    """Issue 24 item 11: the export was 293 x 203 pixels, with no colour bar."""
    w = np.random.default_rng(0).dirichlet(np.ones(15), size=10)  # a date's (10, 15) map
    bare = V.matrix_png(w, list("2026-11-27"), list("fri 27 nov 2026"))
    img = np.asarray(Image.open(io.BytesIO(bare)).convert("RGB"))
    assert img.shape[1] >= 1000 and img.shape[0] >= 600
    white, blue = np.array([255, 255, 255]), np.array([8, 119, 189])
    assert _colour_bar_column(img, white, blue) is not None
    kw = dict(title="Bahdanau additive, tau = 1", row_title="output", col_title="input")
    png = V.matrix_png(w, list("2026-11-27"), list("fri 27 nov 2026"), **kw)
    titled = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    assert titled.shape[0] > img.shape[0] and titled.shape[1] > img.shape[1]  # room for titles
    assert (titled[:40] < 128).any()  # the title is written above the cells
    signed = V.matrix_png(w - w.mean(), list("2026-11-27"), list("fri 27 nov 2026"), **kw)
    img = np.asarray(Image.open(io.BytesIO(signed)).convert("RGB"))
    orange = np.array([245, 147, 34])
    assert _colour_bar_column(img, np.array([247, 247, 247]), blue) is not None  # 0 .. max
    assert _colour_bar_column(img[::-1], np.array([247, 247, 247]), orange) is not None  # min


def test_neuron_view_columns():
    rng = np.random.default_rng(0)
    q, keys = rng.normal(size=4), rng.normal(size=(3, 4))
    scores = keys @ q / 2.0
    weights = np.exp(scores) / np.exp(scores).sum()
    neuron = SimpleNamespace(
        layer=1, head=2, query=1, q=q, keys=keys, products=q * keys, scores=scores, weights=weights
    )
    fig = V.neuron_view(neuron, ["[CLS]", "cat", "[SEP]"])
    assert fig.layout.title.text == "Neuron view: layer 1, head 2"
    q_row, keys_map, prod, score, soft = fig.data
    np.testing.assert_allclose(np.asarray(keys_map.z), keys)
    np.testing.assert_allclose(np.asarray(q_row.z), q[None])
    np.testing.assert_allclose(np.asarray(prod.z), q * keys)
    np.testing.assert_allclose(np.asarray(score.z).ravel(), scores)
    np.testing.assert_allclose(np.asarray(soft.z).ravel(), weights)
    assert (soft.zmin, soft.zmax) == (0.0, 1.0) and score.zmin == -score.zmax
    assert "<b>cat</b>" in list(fig.layout.yaxis2.ticktext)  # the query's own key row stands out


def test_alignment_heatmap_built_without_validation_is_valid_and_styled():
    """The heatmap is built from plain dicts (no validation at each typed date): plotly still
    accepts every property, and it keeps the page's look (no default template, projector fonts,
    margins from its labels, the selected cell outlined)."""
    import plotly.graph_objects as go

    w = np.array([[0.2, 0.8, 0.0], [0.5, 0.25, 0.25]])
    for kw in ({"clickable": True, "selected": (1, 2), "title": "A"}, {"signed": True}):
        fig = V.alignment_heatmap(w, ["a", "b", " "], ["x", "<b>y ≠ z</b>"], **kw)
        checked = go.Figure(fig.to_dict())  # validates: raises on any unknown property or value
        layout = checked.layout
        assert fig.to_dict()["layout"]["template"] == {} and layout.font.size == V.FONT
        assert layout.xaxis.tickfont.size == V.TICK_FONT == layout.yaxis.tickfont.size
        assert layout.xaxis.ticklabeloverflow == "allow"  # margins fit: no per-label check
        assert layout.margin.l > 64 and layout.margin.r == 102
    assert (fig.layout.title.text, fig.data[0].zmin) == (None, -0.8)
    clicked = V.alignment_heatmap(w, ["a", "b", "c"], ["x", "y"], clickable=True, selected=(1, 2))
    (frame,) = clicked.layout.shapes
    assert (frame.x0, frame.x1, frame.y0, frame.y1) == (1.5, 2.5, 0.5, 1.5)
    assert clicked.data[0].customdata is None  # hover and clicks: the catcher's markers
