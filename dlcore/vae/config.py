"""The VAE page's shareable configuration (round-trips through the URL, dlcore.config).

Structural fields (data, architecture, latent size, likelihood, seed) rebuild the live trainer;
live fields (beta, learning rate, batch, L, and every view setting) do not. Used by pages/vae.py;
the view choices are the keys of the views' registry (dlcore/ui/views/vae.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from dlcore.config import choice, flag, num

BETAS = (0.0, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
LATENT_DIMS = (2, 4, 8, 16)
VIEWS = ("latent map", "interpolation", "reparameterization", "samples & beta", "arithmetic")
SOURCES = ("shipped", "live")  # a shipped checkpoint or the model this session trains
ENDPOINT_KINDS = ("dataset", "draw", "image")  # image = an upload or a camera snapshot
INTERPS = ("linear", "spherical")
INTERP_MODELS = ("sharp", "page")  # the shipped 8-D VAE, or the model of "Model and training"


@dataclass(frozen=True)
class VAEConfig:
    """One VAE experiment; every field is a URL parameter."""

    view: str = choice("latent map", VIEWS, live=True, label="View")
    source: str = choice("shipped", SOURCES, live=True, label="Model")
    dataset: str = choice("digits", ("digits", "mnist"), label="Data")
    arch: str = choice("mlp", ("mlp", "conv"), label="Encoder/decoder")
    latent_dim: int = num(2, options=LATENT_DIMS, label=r"Latent dimension $J$")
    hidden: int = num(256, options=(64, 128, 256, 512), label="Hidden units")
    likelihood: str = choice(
        "bernoulli", ("bernoulli", "gaussian"), label=r"Decoder $p_{\theta}(\mathbf{x}|\mathbf{z})$"
    )
    beta: float = num(1.0, options=BETAS, live=True, label=r"KL weight $\beta$")
    lr: float = num(1e-3, lo=1e-5, hi=0.05, live=True, label="Learning rate")
    batch: int = num(100, lo=8, hi=1000, live=True, label=r"Minibatch size $M$")
    samples: int = num(1, lo=1, hi=16, live=True, label=r"Samples $L$ per image")
    seed: int = num(0, lo=0, hi=2**31 - 1, label="Seed")
    # view settings (live)
    grid_n: int = num(15, lo=3, hi=30, live=True, label=r"Decoded grid $n \times n$")
    grid_range: float = num(2.5, lo=0.5, hi=6.0, live=True, label=r"Grid range $\pm$")
    a_kind: str = choice("dataset", ENDPOINT_KINDS, live=True, label="Input A from")
    b_kind: str = choice("dataset", ENDPOINT_KINDS, live=True, label="Input B from")
    a_index: int = num(12, lo=0, hi=9999, live=True, label="Test image A #")
    b_index: int = num(9, lo=0, hi=9999, live=True, label="Test image B #")
    interp_model: str = choice("sharp", INTERP_MODELS, live=True, label="Interpolate with")
    interp: str = choice("linear", INTERPS, live=True, label="Interpolation")
    n_steps: int = num(10, lo=3, hi=30, live=True, label="Steps")
    decode_sample: bool = flag(False, label=r"Decode a sample $\mathbf{z}$, not $\boldsymbol{\mu}$")
    n_z: int = num(64, lo=4, hi=400, live=True, label=r"Samples of $\mathbf{z}$")
    class_from: int = num(1, lo=0, hi=9, live=True, label="From digit")
    class_to: int = num(7, lo=0, hi=9, live=True, label="To digit")
    alpha: float = num(1.0, lo=-2.0, hi=3.0, live=True, label=r"Step $\alpha$")
