"""What the GAN page shows as text and layer sets, with no Streamlit: which layers of the plane to
draw, points added to a drawn distribution, and the one-line readout of losses and quality
(C(G) = -log 4 + 2 JS, the lecture's criterion at the optimal D). Page: pages/gan.py
(views in dlcore/ui/views/gan.py).
"""

from __future__ import annotations

import math

import numpy as np

from dlcore.gan.config import GanConfig
from dlcore.gan.metrics import LOG4
from dlcore.gan.targets import MAX_DRAWN_POINTS, points_from_flat

LAYER_FLAGS = {
    "heatmap": "show_heatmap",
    "manifold": "show_manifold",
    "real": "show_real",
    "fake": "show_fake",
    "grads": "show_grads",
}


def layers(cfg: GanConfig) -> set[str]:
    return {layer for layer, flag in LAYER_FLAGS.items() if getattr(cfg, flag)}


def add_points(flat: str, new: list[tuple[float, float]]) -> str:
    """Append clicked / lassoed points to the text form 'x1,y1,x2,y2' (rounded, capped)."""
    try:
        old = [float(v) for v in flat.split(",") if v.strip()]
    except ValueError:
        old = []
    pts = np.concatenate(
        [points_from_flat(old).reshape(-1, 2), np.asarray(new, float).reshape(-1, 2)]
    )[:MAX_DRAWN_POINTS]
    return ",".join(f"{v:.2f}" for v in points_from_flat(pts.ravel()).ravel())


def readout(snap) -> str:
    """D / G loss, JS and C(G) = -log 4 + 2 JS (the criterion at the optimal D)."""
    last = {k: v[-1] for k, v in snap.hist.items() if len(v)}
    js = last.get("js", math.nan)
    parts = [
        f"JS {js:.3f} nats (floor {snap.js_floor:.3f})",
        f"C(G) ~ {2 * js - LOG4:.3f} (minimum -log 4 = {-LOG4:.3f})",
    ]
    for key, name in (("d_loss", "D loss"), ("g_loss", "G loss")):
        if key in last and math.isfinite(last[key]):
            parts.append(f"{name} {last[key]:.3f}")
    if snap.coverage is not None:
        cov = snap.coverage
        parts.append(
            f"modes hit {cov.modes_hit}/{snap.n_modes}, {100 * cov.share_near:.0f} % within 3 std"
        )
    return " · ".join(parts)
