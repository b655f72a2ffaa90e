"""Numpy-only results for pages/ntm.py: the addressing playground, the erase/add sandbox, a traced
copy run (tape view), length generalisation, checkpoint scrubbing and training curves.

Every function returns a small frozen dataclass of numpy arrays and floats; the one tensor ->
numpy conversion is ``dlcore.device.to_numpy``. Lecture slides "Addressing", "Read/Write
Operations for Memory", "NTM vs. LSTM: Copy task".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from dlcore.device import to_numpy
from dlcore.ntm import memory as mem
from dlcore.ntm.addressing import NO_ABLATION, SHIFTS, Ablation, address, cosine_similarity
from dlcore.ntm.task import BITS, bits_wrong, chance_bits, make_tape, output_part

ABLATIONS: dict[str, str] = {
    "no_content": "No content addressing (g = 0)",
    "no_interp": "No interpolation (g = 1)",
    "no_shift": "No shift (s = identity)",
    "no_sharpen": "No sharpening (gamma = 1)",
}


def _row(x) -> torch.Tensor:
    return torch.as_tensor(np.asarray(x, dtype=np.float32)).unsqueeze(0)


# ---------------------------------------------------------------- addressing playground
@dataclass(frozen=True)
class AddressingResult:
    cosine: np.ndarray  # (N,) K[k, M(i)]
    w_c: np.ndarray  # (N,) content weighting
    w_g: np.ndarray  # (N,) after interpolation
    w_tilde: np.ndarray  # (N,) after the shift
    w: np.ndarray  # (N,) after sharpening
    read: np.ndarray  # (M,) r = sum_i w(i) M(i)


def run_addressing(
    memory: np.ndarray,
    key: np.ndarray,
    beta: float,
    g: float,
    s: np.ndarray,
    gamma: float,
    w_prev: np.ndarray,
) -> AddressingResult:
    """The four stages on a hand-set memory (N, M); s is over SHIFTS = (-1, 0, +1)."""
    s = np.clip(np.asarray(s, dtype=np.float32), 0.0, None)
    s = s / s.sum() if s.sum() > 0 else np.array([0, 1, 0], dtype=np.float32)
    w_prev = np.asarray(w_prev, dtype=np.float32)
    w_prev = w_prev / w_prev.sum() if w_prev.sum() > 0 else np.full_like(w_prev, 1 / len(w_prev))
    m = _row(memory)  # (1, N, M)
    out = address(
        _row(key), _row([beta]), _row([g]), _row(s), _row([max(gamma, 1.0)]), _row(w_prev), m
    )
    return AddressingResult(
        cosine=to_numpy(cosine_similarity(_row(key), m))[0],
        read=to_numpy(mem.read(m, out["w"]))[0],
        **{k: to_numpy(v)[0] for k, v in out.items()},
    )


def shift_distribution(p_minus: float, p_zero: float, p_plus: float) -> np.ndarray:
    """Normalised s over SHIFTS = (-1, 0, +1) from three non-negative slider values."""
    s = np.clip(np.array([p_minus, p_zero, p_plus], dtype=np.float32), 0.0, None)
    return s / s.sum() if s.sum() > 0 else np.array([0.0, 1.0, 0.0], dtype=np.float32)


def default_memory(n: int = 8, m: int = 4, seed: int = 0) -> np.ndarray:
    """A small readable memory: rows are rounded random vectors in [-1, 1] (seeded)."""
    rng = np.random.default_rng(seed)
    return np.round(rng.uniform(-1, 1, size=(n, m)), 1).astype(np.float32)


# ---------------------------------------------------------------- erase / add sandbox
@dataclass(frozen=True)
class WriteResult:
    before: np.ndarray  # (N, M)
    erased: np.ndarray  # (N, M) M_tilde after the erase
    after: np.ndarray  # (N, M) after the add
    diff: np.ndarray  # (N, M) after - before


def run_write(memory: np.ndarray, w: np.ndarray, e: np.ndarray, a: np.ndarray) -> WriteResult:
    """One NTM write (erase then add) on a hand-set memory."""
    m, w_, e_, a_ = _row(memory), _row(w), _row(np.clip(e, 0, 1)), _row(a)
    erased = mem.erase(m, w_, e_)
    after = mem.add(erased, w_, a_)
    before = np.asarray(memory, dtype=np.float32)
    after_np = to_numpy(after)[0]
    return WriteResult(
        before=before, erased=to_numpy(erased)[0], after=after_np, diff=after_np - before
    )


def focus_weighting(n: int, centre: int, spread: float) -> np.ndarray:
    """A weighting over n locations peaked at ``centre`` (circular Gaussian; spread 0 = one-hot)."""
    idx = np.arange(n)
    dist = np.minimum(np.abs(idx - centre % n), n - np.abs(idx - centre % n)).astype(np.float32)
    if spread <= 0:
        return (dist == 0).astype(np.float32)
    w = np.exp(-0.5 * (dist / spread) ** 2)
    return (w / w.sum()).astype(np.float32)


# ---------------------------------------------------------------- traced copy run
@dataclass(frozen=True)
class NTMTrace:
    """One copy example through a model. T = 2L + 1 steps; delimiter at step L."""

    inputs: np.ndarray  # (T, bits + 1)
    target: np.ndarray  # (L, bits)
    output: np.ndarray  # (T, bits) sigmoid probabilities
    length: int
    bits_wrong: float
    write_w: np.ndarray | None = None  # (T, N)
    read_w: np.ndarray | None = None  # (T, N)
    memory: np.ndarray | None = None  # (T, N, M) after each step's write
    read_params: dict | None = None  # name -> (T, ...) beta, g, s, gamma, key
    write_params: dict | None = None  # name -> (T, ...) plus erase, add

    @property
    def delimiter(self) -> int:
        return self.length

    @property
    def steps(self) -> int:
        return int(self.inputs.shape[0])


@torch.no_grad()
def trace_copy(
    model: nn.Module, seq: np.ndarray, ablation: Ablation = NO_ABLATION, n_slots: int | None = None
) -> NTMTrace:
    """Run one bit sequence (L, bits) through ``model`` and keep everything the page draws."""
    model.eval()
    dev = next(model.parameters()).device
    x, y = make_tape(torch.as_tensor(np.asarray(seq, dtype=np.float32), device=dev).unsqueeze(0))
    kwargs = {"n_slots": n_slots} if n_slots else {}
    logits, rec = model(x, ablation=ablation, trace=True, **kwargs)
    length = int(y.shape[1])
    wrong = float(bits_wrong(output_part(logits, length), y)[0])
    base = dict(
        inputs=to_numpy(x)[0],
        target=to_numpy(y)[0],
        output=to_numpy(torch.sigmoid(logits))[0],
        length=length,
        bits_wrong=wrong,
    )
    if rec is None:  # LSTM baseline: no memory to show
        return NTMTrace(**base)
    params = ("beta", "g", "s", "gamma", "key")
    return NTMTrace(
        **base,
        write_w=to_numpy(rec["write_w"])[0],
        read_w=to_numpy(rec["read_w"])[0],
        memory=to_numpy(rec["memory"])[0],
        read_params={p: to_numpy(rec["read_" + p])[0] for p in params},
        write_params={
            **{p: to_numpy(rec["write_" + p])[0] for p in params},
            "erase": to_numpy(rec["erase"])[0],
            "add": to_numpy(rec["add"])[0],
        },
    )


def random_sequence(length: int, seed: int, bits: int = BITS) -> np.ndarray:
    """A seeded random bit sequence (L, bits) for the tape view."""
    gen = torch.Generator().manual_seed(int(seed))
    return to_numpy(torch.randint(0, 2, (int(length), bits), generator=gen).float())


def changed_cells(memory: np.ndarray, t: int, tol: float = 0.05) -> np.ndarray:
    """Boolean (N, M): cells whose value changed by more than ``tol`` at step t."""
    prev = memory[t - 1] if t > 0 else np.zeros_like(memory[0])
    return np.abs(memory[t] - prev) > tol


# ---------------------------------------------------------------- length generalisation
@dataclass(frozen=True)
class LengthResult:
    lengths: np.ndarray  # (K,)
    bits: dict  # model name -> (K,) mean wrong bits per sequence
    chance: np.ndarray  # (K,) 4 L for 8-bit vectors


@torch.no_grad()
def length_generalization(
    models: dict[str, nn.Module],
    lengths: list[int],
    n_per_length: int = 16,
    seed: int = 2024,
    ablation: Ablation = NO_ABLATION,
) -> LengthResult:
    """Mean wrong bits per sequence at each length, the same seeded sequences for every model."""
    from dlcore.ntm.train import evaluate  # local: train imports analysis-free modules only

    bits = {}
    for name, model in models.items():
        res = evaluate(model, lengths, n_per_length, seed=seed, ablation=ablation)
        bits[name] = np.array([res[int(k)] for k in lengths], dtype=np.float32)
    lens = np.asarray(lengths, dtype=np.int64)
    return LengthResult(lengths=lens, bits=bits, chance=np.array([chance_bits(k) for k in lens]))


# ---------------------------------------------------------------- training curves
@dataclass(frozen=True)
class Curve:
    seen: np.ndarray  # sequences seen
    bits: np.ndarray  # mean wrong bits per sequence, lengths 1-20 (held-out sample)
    chance: float  # 4 x 10.5 = 42 for lengths U(1, 20)


def training_curve(ckpt: dict) -> Curve:
    hist = ckpt.get("history", {})
    return Curve(
        seen=np.asarray(hist.get("seen", []), dtype=np.float64),
        bits=np.asarray(hist.get("bits", []), dtype=np.float64),
        chance=chance_bits(10.5),
    )


def shift_labels() -> list[str]:
    return [f"{k:+d}" if k else "0" for k in SHIFTS]
