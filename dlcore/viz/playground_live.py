"""The playground's live frame as compact data for the in-page canvas renderer.

While Play runs, the browser draws each frame itself (dlcore/ui/js/playground_live.js, the way
TF Playground draws on canvases): the server sends only numbers, ~20-30 KB a frame instead of a
~100 KB JPEG, and skips rasterising and encoding. Measured in headless Chromium on 2 cores: the
browser's cost per frame grows with the image bytes it has to decode, so small payloads are what
keeps 30+ frames/s (bench/bench_playground.py).

Everything here is plain numpy -> JSON-able dict (base64 for the arrays). Page: pages/playground.py.
"""

from __future__ import annotations

import base64

import numpy as np

from dlcore.viz.playground import (
    FEW_POINTS,
    LUT,
    LUT_THUMB,
    field_rgb,
    point_colors,
    ring_grey,
)

PLANE_PX = 300  # the plane canvas is PLANE_PX x PLANE_PX pixels
CURVE_POINTS = 300  # the loss / accuracy curves are thinned to at most this many points


def b64(a: np.ndarray) -> str:
    """A little-endian array's raw bytes, base64 (JS: Uint8Array / Uint16Array over them)."""
    return base64.b64encode(np.ascontiguousarray(a).tobytes()).decode("ascii")


def lut_index(value: np.ndarray) -> np.ndarray:
    """Values in [-1, 1] -> uint8 index into a 256-entry colour table (NaN -> the middle)."""
    v = np.nan_to_num(np.asarray(value, dtype=np.float32), nan=0.0, posinf=1.0, neginf=-1.0)
    return np.clip((v + 1.0) * 127.5 + 0.5, 0, 255).astype(np.uint8)


def _field(frame, discretize: bool) -> dict:
    """The output over the plane: colour-table indices (2 classes, regression) or RGB (3 classes,
    or any non-finite value, which is drawn grey as on the image path)."""
    value = frame.value
    if frame.probs is None and np.all(np.isfinite(value)):
        idx = lut_index(np.sign(value) if discretize else value)
        return {"g": int(value.shape[0]), "field": b64(idx), "lut": b64(LUT)}
    return {"g": int(value.shape[0]), "field": b64(field_rgb(value, frame.probs, discretize))}


def _points(frame, show_test: bool) -> dict:
    """Train (white ring; dark grey for a pale regression target) and test (black ring) points
    in canvas pixels, with their colours and ring grey levels; ``big`` for a handful of points."""
    parts = [(frame.train, False)] + ([(frame.test, True)] if show_test else [])
    xs, ys, rgbs, rings = [], [], [], []
    d = frame.domain
    for (x, y), test in parts:
        if len(x) == 0 or (test and x is frame.train[0]):  # XOR-4: test is the train set
            continue
        xs.append((x[:, 0] + d) / (2 * d) * (PLANE_PX - 1))
        ys.append((d - x[:, 1]) / (2 * d) * (PLANE_PX - 1))
        rgbs.append(point_colors(y, frame.n_classes))
        rings.append(ring_grey(y, frame.n_classes, test))
    if not xs:
        return {"n": 0}
    xy = np.stack([np.concatenate(xs), np.concatenate(ys)], 1)  # (N, 2) pixels
    xy = np.rint(np.clip(xy, 0, PLANE_PX - 1)).astype("<u2")
    rgb = np.clip(np.concatenate(rgbs), 0, 255).astype(np.uint8)
    ring = np.concatenate(rings)
    key = f"{len(xy)}-{int(xy.astype(np.int64).sum())}-{int(rgb.sum())}-{int(ring.sum())}"
    big = len(xy) <= FEW_POINTS
    out = {"n": len(xy), "key": key, "xy": b64(xy), "rgb": b64(rgb), "ring": b64(ring)}
    return out | {"big": big}


def _network(frame) -> dict:
    """Layer sizes, the inputs' names, one g x g map per node (inputs, hidden units, outputs)
    and every weight in link order (layer, then source unit i, then target unit j)."""
    maps = [m for m in frame.maps]
    sizes = [int(m.shape[0]) for m in maps]
    g = int(maps[0].shape[1]) if maps and maps[0].size else 0
    flat = np.concatenate([m.reshape(-1) for m in maps if m.size]) if g else np.zeros(0)
    w = [np.nan_to_num(x, nan=0.0, posinf=9.0, neginf=-9.0).ravel() for x in frame.snap.weights]
    weights = np.round(np.concatenate(w), 3).tolist() if w else []
    return {
        "sizes": sizes,
        "labels": list(frame.labels),  # the inputs' names (X1, X2, X1², ...)
        "mg": g,
        "maps": b64(lut_index(flat)),
        "lut_thumb": b64(LUT_THUMB),
        "w": weights,
    }


def _thin(n: int, k: int = CURVE_POINTS) -> np.ndarray:
    return np.unique(np.linspace(0, n - 1, min(n, k)).astype(int)) if n else np.zeros(0, int)


def _curves(snap) -> dict:
    """Train / test loss and test accuracy per epoch (thinned, float32; NaN where undefined) and
    the early-stopping epoch."""
    e = np.asarray(snap.curve_epoch, float)
    idx = _thin(len(e))

    def f32(a) -> str:
        a = np.asarray(a, float)
        return b64((a[idx] if len(a) == len(e) else np.full(len(idx), np.nan)).astype("<f4"))

    best = float(snap.best_epoch)
    return {
        "n": len(idx),
        "epoch": f32(e),
        "train": f32(snap.curve_train),
        "test": f32(snap.curve_test),
        "acc": f32(snap.curve_test_acc),
        "best": best if np.isfinite(best) else None,
        "test_is_train": bool(snap.test_is_train),  # no test points: one loss curve
    }


def live_payload(frame, show_test: bool, discretize: bool, counter: int) -> dict:
    """Everything one live frame draws, JSON-able. ``counter`` makes each frame's data unique."""
    return {
        "i": int(counter),
        "epoch": float(frame.snap.epoch),
        "discretize": bool(discretize),
        **_field(frame, discretize),
        "pts": _points(frame, show_test),
        "net": _network(frame),
        "curves": _curves(frame.snap),
    }
