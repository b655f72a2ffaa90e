"""NTM memory operations (lecture "Read/Write Operations for Memory"; NTM paper 3.1-3.2).

    read:   r = sum_i w(i) M(i)
    erase:  M_tilde(i) = M_prev(i) * (1 - w(i) e)
    add:    M(i) = M_tilde(i) + w(i) a

Batched: memory (B, N, M), weighting (B, N), erase/add (B, M). Used by ``dlcore.ntm.model``
and the erase/add sandbox on pages/ntm.py.
"""

from __future__ import annotations

import torch


def read(memory: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    """Blurry read r = sum_i w(i) M(i): (B, N, M), (B, N) -> (B, M)."""
    return torch.bmm(w.unsqueeze(1), memory).squeeze(1)  # (B, 1, N) @ (B, N, M)


def erase(memory: torch.Tensor, w: torch.Tensor, e: torch.Tensor) -> torch.Tensor:
    """M_tilde = M * (1 - w e^T): each row i loses the fraction w(i) e of its content."""
    return memory * (1.0 - w.unsqueeze(-1) * e.unsqueeze(-2))  # (B, N, M)


def add(memory: torch.Tensor, w: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
    """M = M_tilde + w a^T."""
    return memory + w.unsqueeze(-1) * a.unsqueeze(-2)  # (B, N, M)


def write(memory: torch.Tensor, w: torch.Tensor, e: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
    """One write: an erase followed by an add."""
    return add(erase(memory, w, e), w, a)
