"""The copy task (NTM paper 4.1; lecture "NTM vs. LSTM: Copy task").

Input tape, width bits + 1: the L random bit vectors (delimiter channel 0), then one delimiter
step (only the delimiter channel on), then L blank steps while the model must output the L
vectors. Total T = 2L + 1 steps; only the last L outputs are scored. Cost = bits wrong per
sequence after thresholding at 0.5; chance = bits * L / 2 (4 L for 8-bit vectors).
Used by ``dlcore.ntm.train``, ``dlcore.ntm.analysis`` and pages/ntm.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

BITS = 8
MAX_PATTERN_LEN = 120


def make_tape(seq: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """seq (B, L, bits) of 0/1 -> input tape x (B, 2L+1, bits+1) and target (B, L, bits)."""
    batch, length, bits = seq.shape
    x = seq.new_zeros(batch, 2 * length + 1, bits + 1)
    x[:, :length, :bits] = seq
    x[:, length, bits] = 1.0  # delimiter
    return x, seq


def random_batch(
    batch: int, length: int, gen: torch.Generator, bits: int = BITS, device=None
) -> tuple[torch.Tensor, torch.Tensor]:
    """A batch of copy examples of one length (random bits from ``gen``)."""
    seq = torch.randint(0, 2, (batch, length, bits), generator=gen).float()
    x, y = make_tape(seq)
    return x.to(device), y.to(device)


def output_part(logits: torch.Tensor, length: int) -> torch.Tensor:
    """The scored outputs: the last L steps of (B, 2L+1, bits) -> (B, L, bits)."""
    return logits[:, length + 1 :, :]


def bits_wrong(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Wrong bits per sequence, sigmoid thresholded at 0.5 (logit 0): (B, L, bits) -> (B,)."""
    return ((logits > 0).float() != target).float().sum(dim=(1, 2))


def chance_bits(length: float, bits: int = BITS) -> float:
    """Expected wrong bits per sequence when guessing: half of the L * bits output bits."""
    return bits * length / 2.0


@dataclass(frozen=True)
class TypedPattern:
    """A typed pattern as the model's input, and what was cut from it (for the page)."""

    bits: np.ndarray  # (L, bits)
    notice: str | None  # set when the pattern was longer than max_len vectors


def read_pattern(text: str, bits: int = BITS, max_len: int = MAX_PATTERN_LEN) -> TypedPattern:
    """``parse_pattern`` for a page: a pattern longer than ``max_len`` vectors is cut to its first
    ``max_len`` (with a notice saying so) instead of refused; other mistakes raise ValueError."""
    words = [w for w in text.replace(",", " ").replace(";", " ").split() if w]
    if len(words) <= max_len:
        return TypedPattern(parse_pattern(text, bits, max_len), None)
    notice = f"Your pattern has {len(words)} vectors; the first {max_len} are copied."
    return TypedPattern(parse_pattern(" ".join(words[:max_len]), bits, max_len), notice)


def parse_pattern(text: str, bits: int = BITS, max_len: int = MAX_PATTERN_LEN) -> np.ndarray:
    """Parse a typed bit pattern: one vector per line or per space/comma-separated word.

    Each vector is exactly ``bits`` characters of 0/1. Raises ValueError with a message a
    student can act on (bad characters, wrong width, empty, too long).
    """
    words = [w for w in text.replace(",", " ").replace(";", " ").split() if w]
    if not words:
        raise ValueError("Type at least one vector, e.g. 10110010 01100111.")
    if len(words) > max_len:
        raise ValueError(f"At most {max_len} vectors (got {len(words)}).")
    rows = []
    for n, word in enumerate(words, start=1):
        bad = sorted({c for c in word if c not in "01"})
        if bad:
            shown = " ".join(repr(c) for c in bad[:5])
            raise ValueError(f"Vector {n} contains characters other than 0 and 1: {shown}.")
        if len(word) != bits:
            raise ValueError(f"Vector {n} has {len(word)} bits; every vector needs exactly {bits}.")
        rows.append([int(c) for c in word])
    return np.asarray(rows, dtype=np.float32)  # (L, bits)
