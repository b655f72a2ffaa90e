"""Pure helpers behind the VAE page's views (dlcore/ui/views/vae.py; no streamlit): which
shipped model a view uses (the 2-D map's model, the 8-D model that interpolates between a
student's digits), the paintable canvas, index clamping, the shipped-beta comparison and
the page's metric texts. Tested in tests/vae/test_views.py."""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from typing import Any

import numpy as np

from dlcore.vae.analysis import ElboBreakdown, GradVariance, Interpolation, Plane, elbo_breakdown
from dlcore.vae.checkpoints import load_shipped, shipped_betas
from dlcore.vae.config import VAEConfig
from dlcore.vae.model import VAE, VAESpec
from dlcore.vae.train import TrainCurves, spec_from_cfg

CANVAS = 16  # drawing grid (normalized to the model's side like the UCI 32x32 -> 8x8 step)
SHARP_J = 8  # latent size of the shipped model that reconstructs a student's digits


@dataclass(frozen=True)
class ModelChoice:
    model: VAE | None
    label: str
    notice: str | None = None
    test: dict[str, float] | None = None  # neg_elbo, recon, kl on the test set (nats per image)


def shipped_choice(cfg: VAEConfig, side: int) -> ModelChoice:
    """The shipped checkpoint for the configured architecture and beta, or a notice why not."""
    spec = spec_from_cfg(cfg, side)
    found = load_shipped(cfg.dataset, spec, float(cfg.beta))
    if found is None:
        have = shipped_betas(cfg.dataset, spec)
        shipped = ", ".join(f"{b:g}" for b in have)
        hint = f" (shipped for it: $\\beta$ = {shipped})" if have else ""
        return ModelChoice(
            None, "", f"No shipped checkpoint for {cfg.dataset} / {cfg.arch} / J={cfg.latent_dim} "
            f"/ {cfg.hidden} hidden / {cfg.likelihood} / $\\beta$ = {cfg.beta:g}{hint}. "
            "Set 'Model' to 'train one live' and press Play to train one.",
        )  # fmt: skip
    model, meta = found
    label = (
        f"shipped checkpoint ({meta['epochs']:.0f} epochs): test -ELBO {meta['test_neg_elbo']:.2f} "
        f"= recon {meta['test_recon']:.2f} + KL {meta['test_kl']:.2f} nats/image, "
        f"5-NN accuracy {meta['knn5']:.2f}"
    )
    test = {k: float(meta[f"test_{k}"]) for k in ("neg_elbo", "recon", "kl")}
    return ModelChoice(model, label, test=test)


def sharp_choice(dataset: str, side: int) -> ModelChoice:
    """The shipped 8-D VAE (beta = 1, default architecture) that interpolation encodes a
    student's digits with: a 2-D latent space reconstructs few of them (a drawn 1 or a
    photographed 3 comes back as a 9), eight dimensions keep them."""
    cfg = dataclasses.replace(VAEConfig(), dataset=dataset, latent_dim=SHARP_J)
    found = load_shipped(dataset, spec_from_cfg(cfg, side), 1.0)
    if found is None:
        return ModelChoice(
            None, "", f"No shipped {SHARP_J}-D model for {dataset}: interpolating with the model "
            "above (Model and training)."
        )  # fmt: skip
    model, meta = found
    label = (
        f"Interpolating with the shipped {SHARP_J}-D VAE (β = 1): test -ELBO "
        f"{meta['test_neg_elbo']:.2f} nats/image, 5-NN accuracy {meta['knn5']:.2f}."
    )
    return ModelChoice(model, label)


def paint(canvas: np.ndarray, points: list[dict[str, Any]], value: float) -> np.ndarray:
    """Set the cells of selected canvas points (plotly selection dicts with x=col, y=row)."""
    out = canvas.copy()
    n = out.shape[0]
    for p in points:
        try:
            r, c = round(float(p["y"])), round(float(p["x"]))
        except (KeyError, TypeError, ValueError):
            continue
        if 0 <= r < n and 0 <= c < n:
            out[r, c] = value
    return out


def clamp_index(i: int, n: int) -> tuple[int, str | None]:
    """A dataset index inside [0, n); a notice when it had to be clamped."""
    if 0 <= i < n:
        return i, None
    j = min(max(i, 0), n - 1)
    return j, f"Image #{i} does not exist (the test set has {n} images); showing #{j}."


@functools.lru_cache(maxsize=8)
def beta_sweep(dataset: str, spec: VAESpec) -> tuple[tuple[float, ...], tuple[ElboBreakdown, ...]]:
    """ELBO halves of every shipped beta for ``spec`` on the test set (cached per process)."""
    from dlcore.vae.train import cached_split

    x = cached_split(dataset).x_test
    betas = tuple(shipped_betas(dataset, spec))
    rows = tuple(elbo_breakdown(load_shipped(dataset, spec, b)[0], x) for b in betas)
    return betas, rows


# ----------------------------------------------------------------------------- page texts
def fmt(values: np.ndarray, digits: int = 3) -> str:
    """'0.123, -1.500': numbers without float32 noise."""
    return ", ".join(f"{float(v):.{digits}f}" for v in np.ravel(values))


def train_line(last: dict[str, float], beta: float, *, bold: bool = True) -> str:
    """The live panel's metric line: the three numbers always add up. ``bold``: markdown, the
    -ELBO in bold and beta rendered (paused); plain text under a live frame."""
    star = "**" if bold else ""
    weight = f"$\\beta = {beta:g}$" if bold else f"β = {beta:g}"
    return (
        f"Minibatch average: {star}-ELBO {last['train_neg_elbo']:.2f}{star} = reconstruction "
        f"{last['train_recon']:.2f} + KL {last['train_kl']:.2f} nats per image "
        f"({weight} weights the KL in the training loss only)."
    )


# the lecture's notation ("VAE: KL Divergence Term", "VAE: Gaussian case") in LaTeX
Q = r"q_{\phi}(\mathbf{z}|\mathbf{x})"
MU, SIGMA, EPS = r"\boldsymbol{\mu}", r"\boldsymbol{\sigma}", r"\boldsymbol{\epsilon}"
NEG_ELBO = r"-\mathcal{L}(\boldsymbol{\theta}, \boldsymbol{\phi}; \mathbf{x})"
RECON_TERM = rf"-\mathbb{{E}}_{{{Q}}}\left[\log p_{{\theta}}(\mathbf{{x}}|\mathbf{{z}})\right]"
KL_TERM = rf"D_{{KL}}\left({Q}\,\|\,p_{{\theta}}(\mathbf{{z}})\right)"


def elbo_latex(numbers: dict[str, float] | None = None, where: str = "") -> str:
    """-L(theta, phi; x) = reconstruction + KL in the lecture's notation; with ``numbers``
    (neg_elbo, recon, kl in nats per image) each term has its value under it."""
    if not numbers:
        return f"{NEG_ELBO} = {RECON_TERM} + {KL_TERM}"
    unit = rf"\text{{ nats per {where + ' ' if where else ''}image}}"
    neg, recon, kl = (f"{numbers[k]:.2f}" for k in ("neg_elbo", "recon", "kl"))
    return (
        rf"\underbrace{{{NEG_ELBO}}}_{{{neg}}}"
        rf" = \underbrace{{{RECON_TERM}}}_{{\text{{reconstruction }} {recon}}}"
        rf" + \underbrace{{{KL_TERM}}}_{{\text{{KL }} {kl}}}{unit}"
    )


def vector_latex(values: np.ndarray, digits: int = 2) -> str:
    """A column vector as LaTeX: (0.12, -1.50)^T."""
    return "(" + ", ".join(f"{float(v):.{digits}f}" for v in np.ravel(values)) + r")^{\top}"


def reparam_latex(mu: np.ndarray, sigma: np.ndarray) -> str:
    """z = mu + sigma (.) eps with this input's mu and sigma under their symbols."""
    return (
        rf"\mathbf{{z}} = \underbrace{{{vector_latex(mu)}}}_{{{MU}}}"
        rf" + \underbrace{{{vector_latex(sigma)}}}_{{{SIGMA}}} \odot {EPS},"
        rf"\quad {EPS} \sim \mathcal{{N}}(\mathbf{{0}}, \mathbf{{I}})"
    )


GRADIENT_LATEX = (
    rf"\nabla_{{{MU},\,\log{SIGMA}^2}}\,\mathbb{{E}}_{{{Q}}}\left[f(\mathbf{{z}})\right],\;"
    r"f(\mathbf{z}) = \log p_{\theta}(\mathbf{x}|\mathbf{z}):\quad"
    rf"\underbrace{{f(\mathbf{{z}})\,\nabla \log {Q}}}_{{\text{{REINFORCE}}}}"
    r"\quad\text{vs.}\quad"
    rf"\underbrace{{\nabla f({MU} + {SIGMA} \odot {EPS})}}_{{\text{{reparameterization}}}}"
)


def arithmetic_caption(class_from: int, class_to: int, alpha: float) -> str:
    """The latent arithmetic the strip shows, as markdown with LaTeX."""
    mean = rf"\bar{{{MU}}}"
    return (
        rf"$\mathbf{{z}} = {MU}(\mathbf{{x}}) + \alpha\,({mean}_{{{class_to}}} - "
        rf"{mean}_{{{class_from}}})$, $\alpha$ from 0 to {alpha:g}, left to right; "
        rf"${mean}_c$ is the mean ${MU}$ of the training images of digit $c$."
    )


def curve_series(snap: TrainCurves) -> dict[str, np.ndarray]:
    return {
        "train -ELBO": snap.train_neg_elbo,
        "train reconstruction": snap.train_recon,
        "train KL": snap.train_kl,
        "test -ELBO": snap.test_neg_elbo,
    }


def elbo_line(eb: ElboBreakdown) -> str:
    return (
        f"Test set: -ELBO **{eb.neg_elbo:.2f}** = reconstruction {eb.recon:.2f} + KL {eb.kl:.2f} "
        f"nats/image; {eb.active_dims} of {len(eb.kl_per_dim)} latent dimensions active "
        "(mean KL > 0.01 nats; the others collapsed onto the prior)."
    )


def grad_caption(gv: GradVariance) -> str:
    ratio = gv.total_var[0] / max(gv.total_var[2], 1e-30)
    return (
        f"{gv.n_samples} samples of ε. All three estimators have the same expectation; "
        f"REINFORCE's variance is {ratio:,.0f} times the reparameterization estimator's."
    )


def plane_ellipses(it: Interpolation, plane: Plane) -> list[tuple[np.ndarray, np.ndarray]]:
    """(centre, radii) of the end points' q(z|x) 1-sigma ellipses in map coordinates."""
    return [(plane.to_plane(m), s @ np.abs(plane.basis.T)) for m, s in zip(it.mu, it.sigma)]
