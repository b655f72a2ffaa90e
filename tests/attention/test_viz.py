"""Figure builders: duplicate characters stay separate cells, hover carries the values, exports
round-trip and are formula-safe."""

import csv
import io

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


def test_grid_image_and_head_view():
    att = np.random.default_rng(0).random((6, 12, 5, 5))
    img = V.grid_image(att)
    assert img.dtype == np.uint8 and img.ndim == 3 and img.shape[1] > img.shape[0]
    a = np.zeros((3, 3))
    a[0, 2] = 1.0
    a[1, 1] = 0.5
    fig = V.head_view(["x", "y", "z"], a)
    line_traces = [t for t in fig.data if t.mode == "lines"]
    assert len(line_traces) == 2  # two weights above the threshold, in two opacity bands


def test_pointer_and_length_figures():
    fig = V.pointer_figure(
        np.eye(3), np.array([1.0, 2.0, 3.0]), np.array([0, 2, 1]), np.array([True, False, False])
    )
    marker = fig.data[-1].marker
    colors = list(marker.color)
    assert colors[0] != colors[1]
    fig = V.accuracy_by_length(
        [0, 10, 20], {"additive": np.array([1.0, 0.9]), "no attention": np.array([0.8, 0.5])}
    )
    assert len(fig.data) == 2


def test_loss_with_baseline_overlay():
    steps, loss = np.arange(5.0), np.linspace(2, 0.1, 5)
    fig = V.loss_with_marker(steps, loss, 3, "t", baseline=(steps, loss * 2))
    assert [t.name for t in fig.data] == ["training loss", "no attention"]
    assert len(V.loss_with_marker(steps, loss, None, "t").data) == 1
