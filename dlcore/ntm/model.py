"""NTM with one read head and one write head, and the LSTM baseline (NTM paper section 4; lecture
"Neural Turing Machine", "NTM vs. LSTM: Copy task").

Per time step t (batch-first tensors):
    h_t = controller([x_t, r_{t-1}])                     feed-forward or LSTM controller
    read head:  k, beta, g, s, gamma -> w_r (4 stages)   r_t = sum_i w_r(i) M_{t-1}(i)
    write head: k, beta, g, s, gamma, e, a -> w_w        M_t = erase-then-add(M_{t-1}, w_w, e, a)
    (both heads address M_{t-1}; they are computed together along a head axis of size 2)
    y_t = sigmoid(W_o [h_t, r_t])

Memory starts as a constant 1e-6 (Collier & Beel 2018: constant init trains fastest); both heads
start focused on location 0. Used by ``dlcore.ntm.train``, ``dlcore.ntm.analysis`` and pages/ntm.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from dlcore.ntm import memory as mem
from dlcore.ntm.addressing import (
    NO_ABLATION,
    Ablation,
    address,
    apply_ablation,
    head_param_size,
    split_head_params,
)

MEM_INIT = 1e-6
EVAL_SLOTS = 128  # memory size for copies longer than training (paper: N = 128)
HEAD_KEYS = ("w_c", "w_g", "w_tilde", "w", "key", "beta", "g", "s", "gamma")


@dataclass(frozen=True)
class NTMSpec:
    """Architecture of an NTM (stored inside every checkpoint)."""

    n_in: int = 9
    n_out: int = 8
    n_slots: int = 32  # N used in training (grown for long tapes, see NTM.slots_for)
    width: int = 20  # M
    hidden: int = 100
    controller: str = "ff"  # "ff" | "lstm"


@dataclass(frozen=True)
class LSTMSpec:
    """Architecture of the LSTM baseline."""

    n_in: int = 9
    n_out: int = 8
    hidden: int = 256
    layers: int = 1


class FFController(nn.Module):
    """Feed-forward controller: h_t = tanh(W [x_t, r_{t-1}] + b); the state is unused."""

    def __init__(self, n_in: int, hidden: int) -> None:
        super().__init__()
        self.fc = nn.Linear(n_in, hidden)

    def initial_state(self, batch: int, ref: torch.Tensor) -> tuple[torch.Tensor, ...]:
        return ()

    def forward(self, inp: torch.Tensor, state: tuple) -> tuple[torch.Tensor, tuple]:
        return torch.tanh(self.fc(inp)), state


class LSTMController(nn.Module):
    """LSTM controller (one LSTMCell), state (h, c) starting at zero."""

    def __init__(self, n_in: int, hidden: int) -> None:
        super().__init__()
        self.cell = nn.LSTMCell(n_in, hidden)

    def initial_state(self, batch: int, ref: torch.Tensor) -> tuple[torch.Tensor, ...]:
        zeros = ref.new_zeros(batch, self.cell.hidden_size)
        return (zeros, zeros)

    def forward(self, inp: torch.Tensor, state: tuple) -> tuple[torch.Tensor, tuple]:
        h, c = self.cell(inp, state)
        return h, (h, c)


CONTROLLERS = {"lstm": LSTMController, "ff": FFController}


class NTM(nn.Module):
    """Neural Turing Machine with one read and one write head."""

    def __init__(self, spec: NTMSpec = NTMSpec()) -> None:
        super().__init__()
        self.spec = spec
        m = spec.width
        self.controller = CONTROLLERS[spec.controller](spec.n_in + m, spec.hidden)
        # one layer emits both heads' addressing params (read, write) plus erase and add
        self.heads_fc = nn.Linear(spec.hidden, 2 * head_param_size(m) + 2 * m)
        self.out_fc = nn.Linear(spec.hidden + m, spec.n_out)

    def slots_for(self, steps: int) -> int:
        """Memory size for a tape of ``steps`` steps (L = steps // 2 vectors). Lengths seen in
        training keep the trained N; longer copies get N = max(128, 2L + 8) (the paper's 128
        locations), so the write head never comes near wrapping around. The weights do not
        depend on N; a memory only a few rows longer than L made long copies fail."""
        length = steps // 2
        if length + 12 <= self.spec.n_slots:
            return self.spec.n_slots
        return max(EVAL_SLOTS, 2 * length + 8)

    def initial(
        self, batch: int, ref: torch.Tensor, n_slots: int | None = None
    ) -> dict[str, torch.Tensor]:
        """Memory (B, N, M) = 1e-6, both weightings (B, 2, N) one-hot at 0, read vector 0."""
        n, m = n_slots or self.spec.n_slots, self.spec.width
        w0 = ref.new_zeros(batch, 2, n)  # head 0 = read, head 1 = write
        w0[:, :, 0] = 1.0
        return {
            "memory": ref.new_full((batch, n, m), MEM_INIT),
            "w": w0,
            "r": ref.new_zeros(batch, m),
        }

    def _head(self, raw: torch.Tensor, w_prev, memory, ablation: Ablation) -> dict:
        p = split_head_params(raw, self.spec.width)
        g, s, gamma = apply_ablation(p["g"], p["s"], p["gamma"], ablation)
        p.update(g=g, s=s, gamma=gamma)
        p.update(address(p["key"], p["beta"], g, s, gamma, w_prev, memory))
        return p

    def forward(
        self,
        x: torch.Tensor,
        ablation: Ablation = NO_ABLATION,
        trace: bool = False,
        n_slots: int | None = None,
    ) -> tuple[torch.Tensor, dict[str, torch.Tensor] | None]:
        """x (B, T, n_in) -> logits (B, T, n_out); with ``trace`` every intermediate (B, T, ...).

        ``n_slots`` overrides the memory size N (default ``slots_for(T)``)."""
        batch, steps, _ = x.shape
        m, hp = self.spec.width, head_param_size(self.spec.width)
        st = self.initial(batch, x, n_slots or self.slots_for(steps))
        ctrl = self.controller.initial_state(batch, x)
        hs, rs, rec = [], [], {}
        for t in range(steps):
            h, ctrl = self.controller(torch.cat([x[:, t], st["r"]], dim=-1), ctrl)
            raw = self.heads_fc(h)  # (B, 2 * hp + 2M)
            heads = self._head(raw[:, : 2 * hp].view(batch, 2, hp), st["w"], st["memory"], ablation)
            w = heads["w"]  # (B, 2, N): both heads address M_{t-1}
            r = mem.read(st["memory"], w[:, 0])  # (B, M)
            e = torch.sigmoid(raw[:, 2 * hp : 2 * hp + m])
            a = torch.tanh(raw[:, 2 * hp + m :])
            memory = mem.write(st["memory"], w[:, 1], e, a)
            hs.append(h)
            rs.append(r)
            st = {"memory": memory, "w": w, "r": r}
            if trace:
                _record(rec, heads, e, a, r, memory)
        # y_t = W_o [h_t, r_t] for every t at once, after the loop: (B, T, hidden + M)
        logits = self.out_fc(torch.cat([torch.stack(hs, 1), torch.stack(rs, 1)], dim=-1))
        return logits, ({k: torch.stack(v, dim=1) for k, v in rec.items()} if trace else None)


def _record(rec: dict, heads: dict, e, a, r, memory) -> None:
    for k in HEAD_KEYS:
        rec.setdefault("read_" + k, []).append(heads[k][:, 0])
        rec.setdefault("write_" + k, []).append(heads[k][:, 1])
    for k, v in (("erase", e), ("add", a), ("read", r), ("memory", memory)):
        rec.setdefault(k, []).append(v)


class LSTMBaseline(nn.Module):
    """Plain LSTM (no external memory) reading the same input tape."""

    def __init__(self, spec: LSTMSpec = LSTMSpec()) -> None:
        super().__init__()
        self.spec = spec
        self.lstm = nn.LSTM(spec.n_in, spec.hidden, spec.layers, batch_first=True)
        self.out_fc = nn.Linear(spec.hidden, spec.n_out)

    def forward(self, x: torch.Tensor, ablation: Ablation = NO_ABLATION, trace: bool = False, **_):
        """x (B, T, n_in) -> logits (B, T, n_out); ablation/trace/n_slots do not apply."""
        h, _ = self.lstm(x)  # (B, T, H)
        return self.out_fc(h), None


def build_model(kind: str, spec: dict) -> nn.Module:
    """Rebuild a model from a checkpoint's kind ("ntm" | "lstm") and spec dict."""
    return MODELS[kind][0](MODELS[kind][1](**spec))


MODELS = {"ntm": (NTM, NTMSpec), "lstm": (LSTMBaseline, LSTMSpec)}
