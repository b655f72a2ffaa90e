"""Shipped VAE checkpoints (assets/vae/*.pt): naming, saving, and cached read-only loading.

Made by ``python -m dlcore.pretrain vae`` (dlcore/vae/pretrain.py); loaded with
``torch.load(weights_only=True)``. Used by pages/vae.py ("shipped" model source) and bench/.
"""

from __future__ import annotations

import functools
from pathlib import Path

import torch

from dlcore.vae.model import VAE, VAESpec, build_vae

ASSET_DIR = Path(__file__).resolve().parents[2] / "assets" / "vae"


def checkpoint_name(dataset: str, spec: VAESpec, beta: float) -> str:
    """e.g. digits_mlp_j2_h256_bernoulli_relu_b1.pt"""
    return (
        f"{dataset}_{spec.arch}_j{spec.latent_dim}_h{spec.hidden}_{spec.likelihood}_{spec.act}"
        f"_b{float(beta):g}.pt"
    )


def save_checkpoint(
    model: VAE, dataset: str, beta: float, meta: dict, folder: Path = ASSET_DIR
) -> Path:
    """Write spec + weights + training metadata (floats/strings only) to ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / checkpoint_name(dataset, model.spec, beta)
    state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
    torch.save(
        {"spec": model.spec.to_dict(), "state_dict": state, "beta": float(beta), "meta": meta}, path
    )
    return path


def load_checkpoint_file(path: Path, device: torch.device | None = None) -> tuple[VAE, dict]:
    """A VAE in eval mode plus the checkpoint's metadata."""
    blob = torch.load(path, map_location="cpu", weights_only=True)
    model = build_vae(VAESpec(**blob["spec"]))
    model.load_state_dict(blob["state_dict"])
    model.eval().requires_grad_(False)
    return model.to(device or torch.device("cpu")), {"beta": blob["beta"], **blob.get("meta", {})}


@functools.lru_cache(maxsize=32)
def load_shipped(dataset: str, spec: VAESpec, beta: float) -> tuple[VAE, dict] | None:
    """The shipped checkpoint for this combination (read-only, once per process) or None."""
    path = ASSET_DIR / checkpoint_name(dataset, spec, beta)
    if not path.is_file():
        return None
    return load_checkpoint_file(path)


def shipped_betas(dataset: str, spec: VAESpec) -> list[float]:
    """The beta values that have a shipped checkpoint for this architecture."""
    stem = checkpoint_name(dataset, spec, 0.0).rsplit("_b", 1)[0]
    return sorted(float(p.stem.rsplit("_b", 1)[1]) for p in ASSET_DIR.glob(stem + "_b*.pt"))
