"""Character-level recurrent language models (vanilla RNN, LSTM, GRU) and what they reveal about a
sentence: gradient connectivity, next-character predictions, LSTM gate activations.

Lecture: "Recurrent Language Model" (P(y_t | y_(t-1), ..., y_1), teacher forcing) and the LSTM /
GRU update formulas. Connectivity follows Distill's "Visualizing memorization in RNNs" (Madsen
2019): ||d logit_target(p) / d x_i|| for every earlier input embedding x_i, by autograd.
Checkpoints are trained by `python -m dlcore.pretrain rnn` (dlcore/rnn/pretrain.py) and shipped in
assets/rnn/. Used by pages/rnn.py ("Type a sentence").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from dlcore.device import get_device, to_numpy
from dlcore.rnn.cells import CellSpec, Unroll, build_cell

VOCAB = "\n !\"'(),-.:;?abcdefghijklmnopqrstuvwxyz"
CHAR_TO_ID = {c: i for i, c in enumerate(VOCAB)}
ASSETS = Path(__file__).resolve().parents[2] / "assets" / "rnn"
LM_KINDS = ("rnn", "lstm", "gru")
MAX_CHARS = 200


@dataclass(frozen=True)
class Encoded:
    text: str  # the characters the model actually reads (lower-cased, unknown ones removed)
    ids: np.ndarray  # (T,) int64
    dropped: tuple[str, ...]  # distinct characters that are not in VOCAB
    truncated: bool


def encode(text: str, max_chars: int = MAX_CHARS) -> Encoded:
    """Lower-case, drop characters outside VOCAB (reported), keep the last max_chars."""
    low = text.lower().replace("\r\n", "\n").replace("\t", " ")
    kept = [c for c in low if c in CHAR_TO_ID]
    dropped = tuple(sorted({c for c in low if c not in CHAR_TO_ID}))
    truncated = len(kept) > max_chars
    kept = kept[-max_chars:]
    ids = np.array([CHAR_TO_ID[c] for c in kept], dtype=np.int64)
    return Encoded("".join(kept), ids, dropped, truncated)


class CharLM(nn.Module):
    """Embedding -> recurrent cell -> linear read-out over the next character."""

    def __init__(self, kind: str, hidden: int = 128, emb: int = 16) -> None:
        super().__init__()
        self.kind, self.hidden, self.emb_dim = kind, hidden, emb
        self.emb = nn.Embedding(len(VOCAB), emb)
        self.cell = build_cell(CellSpec(kind), emb, hidden)
        self.readout = nn.Linear(hidden, len(VOCAB))
        self._fused = [self.cell.fused()]

    def refresh_fused(self) -> CharLM:
        self._fused = [self.cell.fused()]
        return self

    def fast_logits(self, ids: torch.Tensor) -> torch.Tensor:
        """Training path: torch's fused loop over the same parameters. (B, T) -> (B, T, V)."""
        hs = self._fused[0](self.emb(ids))[0]  # (B, T, H)
        return self.readout(hs)

    def unroll(self, x_emb: torch.Tensor) -> tuple[torch.Tensor, Unroll]:
        """Analysis path: the explicit cell on given embeddings (B, T, E)."""
        un = self.cell(x_emb)
        return self.readout(un.stack()), un  # (B, T, V)


def checkpoint_path(kind: str) -> Path:
    return ASSETS / f"charlm_{kind}.pt"


def save_charlm(model: CharLM, path: Path, meta: dict) -> None:
    state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
    torch.save(
        {
            "kind": model.kind,
            "hidden": model.hidden,
            "emb": model.emb_dim,
            "vocab": VOCAB,
            "state": state,
            **meta,
        },
        path,
    )


def load_charlm(path: Path, device: torch.device | None = None) -> tuple[CharLM, dict]:
    """Load a checkpoint (weights_only=True), in eval mode, on the device."""
    blob = torch.load(path, map_location="cpu", weights_only=True)
    if blob.get("vocab") != VOCAB:
        raise ValueError(f"{path.name}: vocabulary does not match this version")
    model = CharLM(blob["kind"], blob["hidden"], blob["emb"])
    model.load_state_dict(blob["state"])
    model = model.to(device or get_device()).refresh_fused().eval()
    meta = {k: v for k, v in blob.items() if k not in ("state", "vocab")}
    return model, meta


def shipped_models() -> dict[str, tuple[CharLM, dict]]:
    """The three shipped models (read-only: never train these; the page loads them once per
    server process, dlcore/ui/views/rnn.py)."""
    return {k: load_charlm(checkpoint_path(k)) for k in LM_KINDS}


@dataclass(frozen=True)
class SentenceView:
    """What one model sees in one sentence at one position."""

    kind: str
    chars: tuple[str, ...]  # (T,)
    position: int  # predicting the character after chars[position]
    connectivity: np.ndarray  # (T,) ||d logit_target(p) / d x_i||, zero for i > p
    target: str  # the character whose logit is differentiated (top prediction)
    top_chars: tuple[str, ...]  # top-k next characters
    top_probs: np.ndarray  # (k,)
    gates: dict[str, np.ndarray]  # LSTM: i, f, o, c (T, H); GRU: r, z (T, H)


def analyze(model: CharLM, enc: Encoded, position: int, k: int = 5) -> SentenceView:
    """Connectivity, top-k predictions and gates of one model at `position` (0-indexed)."""
    if len(enc.ids) == 0:
        raise ValueError("empty text")
    p = int(np.clip(position, 0, len(enc.ids) - 1))
    dev = next(model.parameters()).device
    ids = torch.as_tensor(enc.ids, device=dev)[None]  # (1, T)
    x = model.emb(ids).detach().requires_grad_(True)  # (1, T, E): the inputs x_i
    logits, un = model.unroll(x)
    probs = torch.softmax(logits[0, p], dim=-1)
    top = torch.topk(probs, k)
    target = int(top.indices[0])
    (g,) = torch.autograd.grad(logits[0, p, target], x)
    gates = {name: to_numpy(torch.stack(v)[:, 0]) for name, v in un.gates.items() if name != "n"}
    if un.cs:
        gates["c"] = to_numpy(torch.stack(un.cs)[:, 0])
    return SentenceView(
        kind=model.kind,
        chars=tuple(enc.text),
        position=p,
        connectivity=to_numpy(g[0].norm(dim=-1)),
        target=VOCAB[target],
        top_chars=tuple(VOCAB[int(i)] for i in top.indices),
        top_probs=to_numpy(top.values),
        gates=gates,
    )
