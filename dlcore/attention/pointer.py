"""Pointer network that sorts numbers (lecture: "Attention as generation: output vocabulary is the
set of given source words"; Vinyals et al. 2015, Ptr-Net).

Encoder: bidirectional LSTM over the numbers; decoder: LSTM fed with the number picked last; the
output distribution at each step is the additive attention over the inputs (already picked inputs
masked out), and the pick is its argmax. Trained on lists of 2..10 numbers in [0, 100).
Page: pages/attention.py (pointer-network tab).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from dlcore.attention.scores import Additive
from dlcore.device import get_device, seed_everything, to_numpy

MIN_LEN, MAX_LEN = 2, 10
LO, HI = 0.0, 100.0
TOP = 99.99  # the largest number read: HI itself is outside the trained range [LO, HI)
EXAMPLE = "42, 7, 93, 15, 61, 28"


@dataclass(frozen=True)
class PointerSpec:
    hidden: int = 32


class PointerNet(nn.Module):
    def __init__(self, spec: PointerSpec = PointerSpec()) -> None:
        super().__init__()
        H = spec.hidden
        self.spec = spec
        self.embed = nn.Sequential(nn.Linear(1, H), nn.Tanh(), nn.Linear(H, H))
        self.encoder = nn.LSTM(H, H, batch_first=True, bidirectional=True)
        self.decoder = nn.LSTMCell(H, 2 * H)
        self.start = nn.Parameter(torch.zeros(H))
        self.score = Additive(2 * H, 2 * H, H)

    def forward(self, x: torch.Tensor, target: torch.Tensor | None = None):
        """x (B, N) scaled to [0, 1); teacher forcing with ``target`` (B, N) indices.

        Returns scores (B, N, N) with picked inputs at -inf, and picks (B, N)."""
        B, N = x.shape
        e = self.embed(x[..., None])  # (B, N, H)
        keys, (h, c) = self.encoder(e)  # (B, N, 2H)
        state = (torch.cat([h[0], h[1]], -1), torch.cat([c[0], c[1]], -1))  # (B, 2H) each
        inp = self.start.expand(B, -1)
        free = torch.ones(B, N, dtype=torch.bool, device=x.device)
        rows, picks = [], []
        for t in range(N):
            state = self.decoder(inp, state)
            sc = self.score(state[0], keys).masked_fill(~free, float("-inf"))  # (B, N)
            pick = target[:, t] if target is not None else sc.argmax(-1)
            rows.append(sc)
            picks.append(pick)
            free = free.scatter(1, pick[:, None], False)
            inp = e[torch.arange(B, device=x.device), pick]  # (B, H)
        return torch.stack(rows, 1), torch.stack(picks, 1)


@dataclass(frozen=True)
class PointerResult:
    values: np.ndarray  # (N,) the numbers as typed
    weights: np.ndarray  # (N, N) row t = attention over inputs at output step t
    picks: np.ndarray  # (N,) input index chosen at each step
    correct: np.ndarray  # (N,) bool: picked value equals the t-th smallest
    accuracy: float  # share of correct steps


def parse_numbers(text: str) -> tuple[np.ndarray | None, list[str]]:
    """Numbers separated by commas/spaces -> values in [LO, TOP] (outside ones clipped, and the
    notice names each clipped number and what it became), with notices; None if unusable."""
    notices = []
    tokens = [t for t in re.split(r"[,;\s]+", text.strip()) if t]
    vals = []
    for tok in tokens:
        try:
            v = float(tok)
        except ValueError:
            continue
        if np.isfinite(v):
            vals.append(v)
    if len(vals) < len(tokens):
        notices.append(f"Ignored {len(tokens) - len(vals)} item(s) that are not numbers.")
    if len(vals) > MAX_LEN:
        notices.append(f"Only the first {MAX_LEN} numbers are used (got {len(vals)}).")
        vals = vals[:MAX_LEN]
    arr = np.array(vals, dtype=np.float64)
    outside = (arr < LO) | (arr > TOP)
    if outside.any():
        clipped = np.clip(arr, LO, TOP)
        moves = ", ".join(f"{a:g} → {b:g}" for a, b in zip(arr[outside], clipped[outside]))
        notices.append(
            f"The network was trained on numbers from {LO:g} to below {HI:g}, so these are"
            f" clipped to {LO:g}…{TOP:g}: {moves}."
        )
        arr = clipped
    if arr.size < MIN_LEN:
        notices.append(f"Type at least {MIN_LEN} numbers, e.g. {EXAMPLE}.")
        return None, notices
    return arr, notices


@torch.no_grad()
def sort_numbers(model: PointerNet, values: np.ndarray) -> PointerResult:
    device = next(model.parameters()).device
    x = torch.as_tensor((values - LO) / (HI - LO), dtype=torch.float32, device=device)[None]
    sc, picks = model(x)
    w = torch.softmax(sc[0], -1)  # masked (picked) inputs get exactly 0
    picks_np = to_numpy(picks[0])
    correct = values[picks_np] == np.sort(values)
    return PointerResult(values, to_numpy(w), picks_np, correct, float(correct.mean()))


def sample_lists(
    n: int, length: int, rng: np.random.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """Random lists scaled to [0, 1) (B, length) and their sorting permutations."""
    x = rng.random((n, length))
    return torch.as_tensor(x, dtype=torch.float32), torch.as_tensor(np.argsort(x, 1, kind="stable"))


def evaluate(model: PointerNet, n: int = 1000, seed: int = 777) -> dict[str, float]:
    """Share of fully sorted lists and of correct picks, lengths MIN_LEN..MAX_LEN."""
    rng = np.random.default_rng(seed)
    device = next(model.parameters()).device
    full, steps = [], []
    with torch.no_grad():
        for length in range(MIN_LEN, MAX_LEN + 1):
            x, perm = sample_lists(n // (MAX_LEN - MIN_LEN + 1), length, rng)
            _, picks = model(x.to(device))
            ok = picks.cpu() == perm
            full.append(ok.all(1).float().mean().item())
            steps.append(ok.float().mean().item())
    return {"list_accuracy": float(np.mean(full)), "step_accuracy": float(np.mean(steps))}


def train_pointer(steps: int, seed: int = 0, batch: int = 128, lr: float = 3e-3) -> PointerNet:
    seed_everything(seed)
    device = get_device()
    model = PointerNet().to(device)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    rng = np.random.default_rng(seed)
    t0 = time.time()
    for i in range(steps):
        x, perm = sample_lists(batch, int(rng.integers(MIN_LEN, MAX_LEN + 1)), rng)
        x, perm = x.to(device), perm.to(device)
        sc, _ = model(x, perm)
        loss = nn.functional.cross_entropy(sc.reshape(-1, sc.shape[-1]), perm.reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if i == steps * 2 // 3:
            for g in opt.param_groups:
                g["lr"] = lr / 3
        if (i + 1) % 500 == 0:
            from dlcore.pretrain import report  # the training script's progress line

            report(f"pointer step {i + 1} loss {loss.item():.4f} ({time.time() - t0:.0f}s)")
    return model.eval()


def pointer_path():
    from dlcore.attention.seq2seq import ASSETS

    return ASSETS / "pointer.pt"


def pretrain_pointer(seed: int = 0, steps: int = 1500) -> dict:
    """Train, evaluate the float16-rounded weights, and save assets/attention/pointer.pt."""
    model = train_pointer(steps, seed)
    state = {k: v.detach().cpu().half() for k, v in model.state_dict().items()}
    shipped = load_pointer_state(state, torch.device("cpu"))
    metrics = evaluate(shipped)
    torch.save(
        {"state": state, "hidden": model.spec.hidden, "steps": steps, "seed": seed, **metrics},
        pointer_path(),
    )
    return {"model": "pointer", "steps": steps, **metrics}


def load_pointer_state(state: dict, device: torch.device | None = None) -> PointerNet:
    model = PointerNet()
    model.load_state_dict({k: v.float() for k, v in state.items()})
    return model.to(device or get_device()).eval()


def load_pointer() -> PointerNet:
    """The shipped pointer network (eval mode)."""
    ck = torch.load(pointer_path(), map_location="cpu", weights_only=True)
    return load_pointer_state(ck["state"])
