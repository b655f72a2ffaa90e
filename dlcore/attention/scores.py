"""The four attention scoring functions of the lecture, plus the masked, tempered softmax.

    Bahdanau additive  score(h, h_s) = v^T tanh(W h + V h_s)        [Bahdanau et al. 2015]
    Luong dot          score(h, h_s) = h^T h_s                        [Luong et al. 2015]
    Luong general      score(h, h_s) = h^T W_a h_s
    Luong concat       score(h, h_s) = v_a^T tanh(W_a [h; h_s])
    a_t(s) = exp(score(h, h_s) / tau) / sum_s' exp(score(h, h_s') / tau)

Every module maps a query q (B, D) and keys (B, S, K) to scores (B, S), or queries (B, T, D) to
scores (B, T, S) in one call (all decoder steps at once under teacher forcing). ``explain``
recomputes one score in numpy, step by step, for the page's "compute this cell by hand" panel.
Used by dlcore.attention.seq2seq, dlcore.attention.pointer and pages/attention.py.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from dlcore.device import to_numpy


class Additive(nn.Module):
    """Bahdanau: v^T tanh(W h + V h_s)."""

    formula = "v^T tanh(W h + V h_s)"

    def __init__(self, d_query: int, d_key: int, d_attn: int) -> None:
        super().__init__()
        self.W = nn.Linear(d_query, d_attn, bias=False)
        self.V = nn.Linear(d_key, d_attn, bias=True)
        self.v = nn.Linear(d_attn, 1, bias=False)

    def forward(self, q: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        if q.dim() == 2:
            return self(q[:, None], keys)[:, 0]  # (B, S)
        h = self.W(q)[:, :, None, :] + self.V(keys)[:, None, :, :]  # (B, T, S, A)
        return self.v(torch.tanh(h)).squeeze(-1)  # (B, T, S)

    def explain(self, q: np.ndarray, k: np.ndarray) -> list[tuple[str, np.ndarray]]:
        Wq, Vk = to_numpy(self.W.weight) @ q, to_numpy(self.V.weight) @ k + to_numpy(self.V.bias)
        t = np.tanh(Wq + Vk)
        return [
            ("W h", Wq),
            ("V h_s", Vk),
            ("tanh(W h + V h_s)", t),
            ("score = v . tanh(...)", np.array(to_numpy(self.v.weight)[0] @ t)),
        ]


class Dot(nn.Module):
    """Luong dot: h^T h_s (needs equal query and key sizes)."""

    formula = "h^T h_s"

    def __init__(self, d_query: int, d_key: int, d_attn: int) -> None:
        super().__init__()
        if d_query != d_key:
            raise ValueError("dot score needs d_query == d_key")

    def forward(self, q: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        if q.dim() == 2:
            return torch.einsum("bd,bsd->bs", q, keys)  # (B, S)
        return torch.einsum("btd,bsd->bts", q, keys)  # (B, T, S)

    def explain(self, q: np.ndarray, k: np.ndarray) -> list[tuple[str, np.ndarray]]:
        return [("h * h_s (elementwise)", q * k), ("score = sum", np.array(q @ k))]


class General(nn.Module):
    """Luong general: h^T W_a h_s."""

    formula = "h^T W_a h_s"

    def __init__(self, d_query: int, d_key: int, d_attn: int) -> None:
        super().__init__()
        self.W_a = nn.Linear(d_key, d_query, bias=False)

    def forward(self, q: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        if q.dim() == 2:
            return torch.einsum("bd,bsd->bs", q, self.W_a(keys))  # (B, S)
        return torch.einsum("btd,bsd->bts", q, self.W_a(keys))  # (B, T, S)

    def explain(self, q: np.ndarray, k: np.ndarray) -> list[tuple[str, np.ndarray]]:
        Wk = to_numpy(self.W_a.weight) @ k
        return [("W_a h_s", Wk), ("score = h . (W_a h_s)", np.array(q @ Wk))]


class Concat(nn.Module):
    """Luong concat: v_a^T tanh(W_a [h; h_s])."""

    formula = "v_a^T tanh(W_a [h; h_s])"

    def __init__(self, d_query: int, d_key: int, d_attn: int) -> None:
        super().__init__()
        self.W_a = nn.Linear(d_query + d_key, d_attn, bias=False)
        self.v_a = nn.Linear(d_attn, 1, bias=False)

    def forward(self, q: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        if q.dim() == 2:
            return self(q[:, None], keys)[:, 0]  # (B, S)
        # W_a [h; h_s] = W_a[:, :D] h + W_a[:, D:] h_s: the same numbers without the big concat
        D = q.shape[-1]
        Wq, Wk = self.W_a.weight[:, :D], self.W_a.weight[:, D:]
        h = (q @ Wq.T)[:, :, None, :] + (keys @ Wk.T)[:, None, :, :]  # (B, T, S, A)
        return self.v_a(torch.tanh(h)).squeeze(-1)  # (B, T, S)

    def explain(self, q: np.ndarray, k: np.ndarray) -> list[tuple[str, np.ndarray]]:
        t = np.tanh(to_numpy(self.W_a.weight) @ np.concatenate([q, k]))
        return [
            ("[h; h_s]", np.concatenate([q, k])),
            ("tanh(W_a [h; h_s])", t),
            ("score = v_a . tanh(...)", np.array(to_numpy(self.v_a.weight)[0] @ t)),
        ]


SCORES: dict[str, type[nn.Module]] = {
    "additive": Additive,
    "dot": Dot,
    "general": General,
    "concat": Concat,
}
SCORE_LABELS = {
    "additive": "Bahdanau additive",
    "dot": "Luong dot",
    "general": "Luong general",
    "concat": "Luong concat",
}


def attention_weights(
    scores: torch.Tensor, mask: torch.Tensor | None = None, temperature: float = 1.0
) -> torch.Tensor:
    """softmax(scores / tau) over the last axis; masked-out positions (mask False) get exactly 0."""
    z = scores / float(temperature)
    if mask is not None:
        z = z.masked_fill(~mask, float("-inf"))
    return torch.softmax(z, dim=-1)


def renormalize(
    scores: np.ndarray, temperature: float, mask: np.ndarray | None = None
) -> np.ndarray:
    """Numpy twin of attention_weights for stored scores (the page's temperature slider)."""
    z = np.asarray(scores, dtype=np.float64) / float(temperature)
    if mask is not None:
        z = np.where(mask, z, -np.inf)
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)
