"""What the GAN page shows as text and layer sets, with no Streamlit: which layers of the plane to
draw, points added to a drawn distribution, the one-line readout under the live frame (plain
words: it travels as the frame's caption), and the lecture's equations in LaTeX with this run's
numbers (V(D, G), the optimal D*, C(G) = -log 4 + 2 JSD, the generator's loss in use). Page:
pages/gan.py (views in dlcore/ui/views/gan.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

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


def _last(snap) -> dict[str, float]:
    """The latest finite value of each curve (a NaN from a diverged net is left out)."""
    last = {k: float(v[-1]) for k, v in snap.hist.items() if len(v)}
    return {k: v for k, v in last.items() if math.isfinite(v)}


def readout(snap) -> str:
    """The numbers under the live frame, in plain words (they travel as the frame's caption):
    JS, C(G) = 2 JS - log 4 (the criterion at the optimal D), the losses, G's gradient and the
    mode coverage."""
    last = _last(snap)
    js = last.get("js", math.nan)
    parts = [
        f"JS {js:.3f} nats (noise floor {snap.js_floor:.3f})",
        f"C(G) = 2 JS \u2212 log 4 = {_num(2 * js - LOG4)} (best: {_num(-LOG4)})",
    ]
    for key, name, fmt in (
        ("d_loss", "D loss", ".3f"),
        ("g_loss", "G loss", ".3f"),
        ("g_grad", "norm of G's gradient", ".2g"),
    ):
        if key in last:
            parts.append(f"{name} {_num(last[key], fmt)}")
    if snap.coverage is not None:
        cov = snap.coverage
        parts.append(
            f"modes hit {cov.modes_hit}/{snap.n_modes}, {100 * cov.share_near:.0f} % within 3 std"
        )
    return " \u00b7 ".join(parts)


def _num(value: float, fmt: str = ".3f") -> str:
    """A number with a true minus sign (a hyphen reads as a dash on a projector), and no sign
    on a value that rounds to zero (C(G) of disjoint supports is 0.000, not -0.000)."""
    return _fmt(value, fmt).replace("-", "\u2212")


def _fmt(value: float, fmt: str) -> str:
    text = format(value, fmt)
    return format(0.0, fmt) if math.isfinite(value) and float(text) == 0 else text


@dataclass(frozen=True)
class Equation:
    """One of the lecture's equations in LaTeX, and what this run's numbers say about it
    (markdown, with $...$ for symbols)."""

    title: str
    latex: str
    note: str


E_DATA = r"\mathbb{E}_{\boldsymbol{x} \sim p_{\text{data}}}"
E_NOISE = r"\mathbb{E}_{\boldsymbol{z} \sim p_{\boldsymbol{z}}}"
P_EQUAL = r"$p_g = p_{\text{data}}$"
G_LOSSES = {  # the generator's objective of each loss, and the factor its gradient carries
    "minimax": (
        r"\min_G\; " + E_NOISE + r"\left[\log\left(1 - D(G(\boldsymbol{z}))\right)\right]",
        "its gradient carries the factor $D(G(z))$ = {d_fake}: it vanishes when D rejects the "
        "fakes with certainty (the loss saturates)",
    ),
    "nonsaturating": (
        r"\max_G\; " + E_NOISE + r"\left[\log D(G(\boldsymbol{z}))\right]",
        "its gradient carries the factor $1 - D(G(z))$ = {one_minus}: strongest when D rejects "
        "the fakes, so G learns early (Goodfellow et al. 2014, section 3)",
    ),
    "least_squares": (
        r"\min_G\; \tfrac{1}{2}\,"
        + E_NOISE
        + r"\left[\left(D(G(\boldsymbol{z})) - 1\right)^2\right]",
        "LSGAN (Mao et al. 2017): D's output is a score, pulled to 1 on real and 0 on fake "
        "samples; mean $D(G(z))$ = {d_fake}",
    ),
}


def equations(snap, loss: str, dstar_shown: bool = False) -> list[Equation]:
    """The lecture's equations with this run's numbers: V(D, G), the optimal discriminator
    (``dstar_shown``: the page shows it), C(G) = -log 4 + 2 JSD, and the generator's loss in
    use with the factor in its gradient."""
    last = _last(snap)
    js = last.get("js", math.nan)
    value = (
        f" \\approx {_tex(snap.value)}"
        if snap.value is not None and math.isfinite(snap.value)
        else ""
    )
    g_latex, g_note = G_LOSSES[loss]
    grad = last.get("g_grad")
    g_note = g_note.format(d_fake=_num(snap.d_fake), one_minus=_num(1 - snap.d_fake))
    if grad is not None:
        g_note += f"; norm of G's gradient now {_num(grad, '.2g')}"
    return [
        Equation(
            "The game (value function)",
            r"V(D, G) = "
            + E_DATA
            + r"[\log D(\boldsymbol{x})] + "
            + E_NOISE
            + r"[\log(1 - D(G(\boldsymbol{z})))]"
            + value,
            f"This run, on 500 real and 500 fake samples: $D(x)$ averages {_num(snap.d_real)} "
            f"on real samples and $D(G(z))$ {_num(snap.d_fake)} on fakes (1/2 and 1/2 at the "
            "equilibrium).",
        ),
        Equation(
            "The optimal discriminator (Proposition 1)",
            r"D_G^*(\boldsymbol{x}) = \frac{p_{\text{data}}(\boldsymbol{x})}"
            r"{p_{\text{data}}(\boldsymbol{x}) + p_g(\boldsymbol{x})}",
            (
                "Shown above beside the learned $D$"
                if dstar_shown
                else "Turn on **Optimal D\\*** to see it beside the learned $D$"
            )
            + "; once "
            + P_EQUAL
            + " it is $\\tfrac{1}{2}$ everywhere (white).",
        ),
        Equation(
            "The criterion at the optimal D (Theorem 1)",
            r"C(G) = \max_D V(G, D) = -\log 4 + 2\,\mathrm{JSD}(p_{\text{data}} \,\|\, p_g)"
            + f" = -\\log 4 + 2 \\times {_tex(js)} = {_tex(2 * js - LOG4)}",
            f"JSD by grid on 10,000 samples a side (noise floor {_num(snap.js_floor)}); the "
            f"minimum $-\\log 4 = {_tex(-LOG4)}$ is reached only when " + P_EQUAL + ".",
        ),
        Equation("The generator's loss (in use)", g_latex, g_note[0].upper() + g_note[1:] + "."),
    ]


def _tex(value: float) -> str:
    return "\\text{n/a}" if not math.isfinite(value) else _fmt(value, ".3f")
