"""Explicit, unrolled recurrent cells: vanilla RNN, LSTM (with/without forget gate), GRU.

Lecture: "Classical RNN: Update Formula" (h_t = g(W h_(t-1) + U x_t)), "LSTM: Update Formula"
(i, f, o gates, c_t = f * c_(t-1) + i * c_tilde), "Gated Recurrent Units [Cho et al '14]".
Each cell loops over time in Python so that every hidden state, cell state and gate is an ordinary
tensor a page can inspect (and differentiate against). Parameters use the torch.nn.RNN / LSTM / GRU
layout (weight_ih, weight_hh, bias_ih, bias_hh; gate order i, f, g, o for LSTM and r, z, n for
GRU), so weights load both ways and the parity tests compare against torch directly.
Used by pages/rnn.py (gradient flow, training, char-level language models).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import nn
from torch.nn.utils import skip_init


@dataclass(frozen=True)
class Activation:
    """A vanilla-RNN nonlinearity g and the bound gamma >= |g'(a)| (the lecture's analysis)."""

    fn: Callable[[torch.Tensor], torch.Tensor]
    gamma: float
    label: str


ACTIVATIONS: dict[str, Activation] = {
    "tanh": Activation(torch.tanh, 1.0, "tanh (γ = 1)"),
    "relu": Activation(torch.relu, 1.0, "ReLU (γ = 1)"),
    "identity": Activation(lambda a: a, 1.0, "identity, linear (γ = 1)"),
    "sigmoid": Activation(torch.sigmoid, 0.25, "sigmoid (γ = 1/4)"),
}


@dataclass
class Unroll:
    """Everything one forward pass produced, per time step (lists of (B, H) tensors)."""

    hs: list[torch.Tensor]  # h_1 .. h_T, each (B, H)
    cs: list[torch.Tensor] = field(default_factory=list)  # LSTM cell states c_1 .. c_T
    gates: dict[str, list[torch.Tensor]] = field(default_factory=dict)  # name -> T x (B, H)
    pre: list[torch.Tensor] = field(default_factory=list)  # vanilla pre-activations a_t

    def stack(self) -> torch.Tensor:
        return torch.stack(self.hs, dim=1)  # (B, T, H)


class _Cell(nn.Module):
    """Shared parameter layout: n_gates blocks of H rows, like torch.nn.RNNBase."""

    n_gates = 1
    kind = "base"

    def __init__(
        self, input_size: int, hidden_size: int, gen: torch.Generator | None = None
    ) -> None:
        super().__init__()
        self.input_size, self.hidden_size = input_size, hidden_size
        g = self.n_gates * hidden_size
        self.weight_ih = nn.Parameter(torch.empty(g, input_size))
        self.weight_hh = nn.Parameter(torch.empty(g, hidden_size))
        self.bias_ih = nn.Parameter(torch.empty(g))
        self.bias_hh = nn.Parameter(torch.empty(g))
        self.reset_parameters(gen)

    def reset_parameters(self, gen: torch.Generator | None = None) -> None:
        """torch's default: U(-sqrt(k), sqrt(k)), k = 1 / hidden_size, drawn from ``gen`` (torch's
        global generator when None; a page passes its own: the global one is shared by every
        session's thread). The same seed gives the same numbers either way."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound, generator=gen)

    def h0(self, x: torch.Tensor) -> torch.Tensor:
        return x.new_zeros(x.shape[0], self.hidden_size)  # (B, H)

    def project_inputs(self, x: torch.Tensor) -> torch.Tensor:
        """W_ih x_t + b_ih for all t in one matmul (the recurrence cannot be batched)."""
        return x @ self.weight_ih.T + self.bias_ih  # (B, T, G*H)

    def forward(self, x: torch.Tensor, h0: torch.Tensor | None = None) -> Unroll:
        raise NotImplementedError

    def fused(self) -> nn.Module | None:
        """A torch.nn.RNN/LSTM/GRU that shares this cell's Parameter objects (same function, as the
        parity tests check, but with torch's C++ time loop: used for fast training steps).
        None where torch has no such cell (sigmoid/identity RNN, LSTM without forget gate)."""
        return None

    def _share(self, module: nn.Module) -> nn.Module:
        """``module`` (built on the meta device: its own parameters are never drawn, torch's
        global generator is left alone) on this cell's Parameter objects."""
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            setattr(module, f"{name}_l0", getattr(self, name))  # RNNBase re-flattens on setattr
        return module

    def load_torch(self, module: nn.Module) -> None:
        """Copy weights from a single-layer torch.nn.RNN/LSTM/GRU (names end in _l0)."""
        with torch.no_grad():
            for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                getattr(self, name).copy_(getattr(module, f"{name}_l0"))


class VanillaRNN(_Cell):
    """a_t = W_ih x_t + b_ih + W_hh h_(t-1) + b_hh ; h_t = g(a_t)."""

    kind = "rnn"

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        activation: str = "tanh",
        gen: torch.Generator | None = None,
    ) -> None:
        super().__init__(input_size, hidden_size, gen)
        self.activation = activation
        self.act = ACTIVATIONS[activation]

    def fused(self) -> nn.Module | None:
        if self.activation not in ("tanh", "relu"):
            return None
        mod = nn.RNN(
            self.input_size,
            self.hidden_size,
            nonlinearity=self.activation,
            batch_first=True,
            device="meta",
        )
        return self._share(mod)

    def forward(self, x: torch.Tensor, h0: torch.Tensor | None = None) -> Unroll:
        xp = self.project_inputs(x)  # (B, T, H)
        h = self.h0(x) if h0 is None else h0
        out = Unroll(hs=[])
        for t in range(x.shape[1]):
            a_t = xp[:, t] + h @ self.weight_hh.T + self.bias_hh  # (B, H)
            h = self.act.fn(a_t)
            out.pre.append(a_t)
            out.hs.append(h)
        return out


class LSTM(_Cell):
    """i, f, o = sigma(.), c_tilde = tanh(.); c_t = f * c_(t-1) + i * c_tilde; h_t = o * tanh(c_t).

    forget_gate=False gives the 1997 LSTM (f = 1: the constant error carousel).
    """

    n_gates = 4
    kind = "lstm"

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        forget_gate: bool = True,
        forget_bias: float = 0.0,
        gen: torch.Generator | None = None,
    ) -> None:
        super().__init__(input_size, hidden_size, gen)
        self.forget_gate = forget_gate
        if forget_bias:
            with torch.no_grad():  # Keras-style unit_forget_bias: shift the f block's bias
                self.bias_ih[hidden_size : 2 * hidden_size] += forget_bias

    def fused(self) -> nn.Module | None:
        if not self.forget_gate:
            return None
        mod = nn.LSTM(self.input_size, self.hidden_size, batch_first=True, device="meta")
        return self._share(mod)

    def forward(self, x: torch.Tensor, h0: torch.Tensor | None = None) -> Unroll:
        xp = self.project_inputs(x)  # (B, T, 4H)
        h = self.h0(x) if h0 is None else h0
        c = torch.zeros_like(h)
        out = Unroll(hs=[], gates={"i": [], "f": [], "o": [], "c_tilde": []})
        for t in range(x.shape[1]):
            z = xp[:, t] + h @ self.weight_hh.T + self.bias_hh  # (B, 4H)
            zi, zf, zg, zo = z.chunk(4, dim=1)
            i_t, o_t, c_tilde = torch.sigmoid(zi), torch.sigmoid(zo), torch.tanh(zg)
            f_t = torch.sigmoid(zf) if self.forget_gate else torch.ones_like(zf)
            c = f_t * c + i_t * c_tilde  # the additive path of the lecture's highway slide
            h = o_t * torch.tanh(c)
            for name, v in (("i", i_t), ("f", f_t), ("o", o_t), ("c_tilde", c_tilde)):
                out.gates[name].append(v)
            out.cs.append(c)
            out.hs.append(h)
        return out


class GRU(_Cell):
    """r, z = sigma(.); n = tanh(W_in x + b_in + r * (W_hn h + b_hn)); h_t = (1 - z) * n + z * h.

    z is the GRU's keep gate (the LSTM's f): keep_bias shifts its bias so that at init the state
    is kept (z near 1) for about 1 / (1 - sigma(keep_bias)) steps, like the LSTM forget bias.
    """

    n_gates = 3
    kind = "gru"

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        keep_bias: float = 0.0,
        gen: torch.Generator | None = None,
    ) -> None:
        super().__init__(input_size, hidden_size, gen)
        if keep_bias:
            with torch.no_grad():  # gate order r, z, n: the z block is the second
                self.bias_ih[hidden_size : 2 * hidden_size] += keep_bias

    def fused(self) -> nn.Module | None:
        mod = nn.GRU(self.input_size, self.hidden_size, batch_first=True, device="meta")
        return self._share(mod)

    def forward(self, x: torch.Tensor, h0: torch.Tensor | None = None) -> Unroll:
        xp = self.project_inputs(x)  # (B, T, 3H)
        h = self.h0(x) if h0 is None else h0
        out = Unroll(hs=[], gates={"r": [], "z": [], "n": []})
        for t in range(x.shape[1]):
            xr, xz, xn = xp[:, t].chunk(3, dim=1)
            hr, hz, hn = (h @ self.weight_hh.T + self.bias_hh).chunk(3, dim=1)
            r_t, z_t = torch.sigmoid(xr + hr), torch.sigmoid(xz + hz)
            n_t = torch.tanh(xn + r_t * hn)
            h = (1.0 - z_t) * n_t + z_t * h
            for name, v in (("r", r_t), ("z", z_t), ("n", n_t)):
                out.gates[name].append(v)
            out.hs.append(h)
        return out


@dataclass(frozen=True)
class CellSpec:
    """Which cell to build: kind in CELLS plus its options (forget_bias: the bias of the gate
    that keeps the state, the LSTM's f and the GRU's z)."""

    kind: str
    activation: str = "tanh"
    forget_gate: bool = True
    forget_bias: float = 0.0


Gen = torch.Generator | None


def _build_rnn(spec: CellSpec, n_in: int, n_h: int, gen: Gen = None) -> _Cell:
    return VanillaRNN(n_in, n_h, spec.activation, gen)


def _build_lstm(spec: CellSpec, n_in: int, n_h: int, gen: Gen = None) -> _Cell:
    return LSTM(n_in, n_h, spec.forget_gate, spec.forget_bias, gen)


def _build_gru(spec: CellSpec, n_in: int, n_h: int, gen: Gen = None) -> _Cell:
    return GRU(n_in, n_h, spec.forget_bias, gen)


CELLS: dict[str, Callable[[CellSpec, int, int, Gen], _Cell]] = {
    "rnn": _build_rnn,
    "lstm": _build_lstm,
    "gru": _build_gru,
}


def build_cell(
    spec: CellSpec, input_size: int, hidden_size: int, gen: torch.Generator | None = None
) -> _Cell:
    """Build a cell from the CELLS registry (parameters on the caller's device afterwards),
    its initial weights drawn from ``gen`` (torch's global generator when None)."""
    return CELLS[spec.kind](spec, input_size, hidden_size, gen)


def linear(n_in: int, n_out: int, gen: torch.Generator | None = None) -> nn.Linear:
    """nn.Linear with torch's default init (kaiming uniform weight, uniform bias), drawn from
    ``gen``: the same numbers as ``nn.Linear`` after ``torch.manual_seed`` of the same seed."""
    if gen is None:
        return nn.Linear(n_in, n_out)
    layer = skip_init(nn.Linear, n_in, n_out)
    with torch.no_grad():
        nn.init.kaiming_uniform_(layer.weight, a=math.sqrt(5), generator=gen)
        bound = 1.0 / math.sqrt(n_in) if n_in > 0 else 0.0
        nn.init.uniform_(layer.bias, -bound, bound, generator=gen)
    return layer


class SeqModel(nn.Module):
    """A cell plus a linear read-out o_t = c + V h_t, at the last step or at every step."""

    def __init__(
        self,
        cell: _Cell,
        n_out: int,
        every_step: bool = False,
        gen: torch.Generator | None = None,
    ) -> None:
        super().__init__()
        self.cell = cell
        self.readout = linear(cell.hidden_size, n_out, gen)
        self.every_step = every_step
        self._fused = [cell.fused()]  # a list hides the twin from .parameters()/.to()

    def refresh_fused(self) -> SeqModel:
        """Rebuild the fused twin (after .to(device)) so it flattens the moved parameters."""
        self._fused = [self.cell.fused()]
        return self

    def fast_forward(self, x: torch.Tensor) -> torch.Tensor:
        """Outputs only, through torch's fused loop when available (same parameters)."""
        twin = self._fused[0]
        if twin is None:
            return self(x)[0]
        hs = twin(x)[0]  # (B, T, H)
        return self.readout(hs if self.every_step else hs[:, -1])

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, Unroll]:
        un = self.cell(x)
        if self.every_step:
            return self.readout(un.stack()), un  # (B, T, O)
        return self.readout(un.hs[-1]), un  # (B, O)


def set_recurrent_scale(
    cell: _Cell, init: str, lambda_1: float | None, gen: torch.Generator
) -> None:
    """Re-initialise a vanilla RNN's W_hh ('default', 'orthogonal', 'identity') and optionally
    rescale it so its largest singular value is lambda_1 (the lecture's spectral knob)."""
    w = cell.weight_hh
    with torch.no_grad():
        if init == "orthogonal":
            q, r = torch.linalg.qr(torch.randn(w.shape, generator=gen).to(w.device))
            w.copy_(q * torch.sign(torch.diagonal(r)))
        elif init == "identity":
            w.copy_(torch.eye(w.shape[0], device=w.device))
        if lambda_1 is not None:
            s1 = torch.linalg.matrix_norm(w, ord=2)
            w.mul_(lambda_1 / s1.clamp_min(1e-12))


INITS = ("default", "orthogonal", "identity")
