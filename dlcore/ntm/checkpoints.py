"""Save / load NTM and LSTM copy-task checkpoints (plain dicts of tensors, ints, floats, strings,
so ``torch.load(..., weights_only=True)`` reads them). Shipped files live in assets/ntm/:

- ``ntm.pt`` / ``lstm.pt``: final model (kind, spec, train spec, sequences seen, training time,
  history of the training curve, state dict).
- ``ntm_scrub.pt``: float16 snapshots saved during training, for the page's checkpoint scrubber.

Used by ``dlcore.ntm.pretrain`` and pages/ntm.py (through ``load_model``).
"""

from __future__ import annotations

import os
from pathlib import Path

import torch
from torch import nn

from dlcore.ntm.model import build_model

ASSET_DIR = Path(__file__).resolve().parents[2] / "assets" / "ntm"


def pack_state(model: nn.Module, dtype: torch.dtype = torch.float32) -> dict[str, torch.Tensor]:
    return {k: v.detach().to("cpu", dtype).clone() for k, v in model.state_dict().items()}


def atomic_save(obj: dict, path: Path) -> None:
    """Write to a temp file then rename, so a reader never sees a half-written checkpoint."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def load_checkpoint(path: Path) -> dict:
    return torch.load(Path(path), map_location="cpu", weights_only=True)


def model_from_checkpoint(ckpt: dict, state: dict | None = None, device=None) -> nn.Module:
    """Build the model a checkpoint describes and load ``state`` (default: its final state)."""
    model = build_model(ckpt["kind"], dict(ckpt["spec"]))
    state = ckpt["state"] if state is None else state
    model.load_state_dict({k: v.float() for k, v in state.items()})
    return model.to(device or "cpu").eval()


def load_model(
    name: str = "ntm", asset_dir: Path = ASSET_DIR, device=None
) -> tuple[nn.Module, dict]:
    """Load a shipped model ("ntm" or "lstm") and its checkpoint dict (history, spec, ...)."""
    ckpt = load_checkpoint(Path(asset_dir) / f"{name}.pt")
    return model_from_checkpoint(ckpt, device=device), ckpt


def load_scrub(asset_dir: Path = ASSET_DIR) -> dict:
    """The training snapshots: {"kind", "spec", "seen": [...], "bits": [...], "states": [...]},
    one per distinct number of sequences seen."""
    scrub = load_checkpoint(Path(asset_dir) / "ntm_scrub.pt")
    keep = [i for i, s in enumerate(scrub["seen"]) if i == 0 or s != scrub["seen"][i - 1]]
    return {**scrub, **{k: [scrub[k][i] for i in keep] for k in ("seen", "bits", "states")}}
