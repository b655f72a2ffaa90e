"""Gradient flow through time, measured with autograd, and the lecture's bounds beside it.

Lecture: "Exploding and vanishing gradients [Bengio '94; Pascanu '13]": delta_k =
(prod_(k<i<=T) Diag(g'(z_(i-1))) W^T) delta_T, ||Diag(g')|| <= gamma, lambda_1 = largest singular
value of W; lambda_1 < 1/gamma is sufficient for vanishing, lambda_1 > 1/gamma necessary for
exploding. "The Challenge of Long-Term Dependencies": h_t = W^T h_(t-1) = Q^T Lambda^t Q h_0.
"LSTM vs. Vanilla RNN: Backpropagation": the additive forget-gate term f_t in delta c_(t-1).
Every number here is a real autograd gradient (no constant decay factor).
Used by pages/rnn.py (gradient-flow, linear-case and highway views).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from dlcore.device import to_numpy
from dlcore.rnn.cells import ACTIVATIONS, LSTM, SeqModel, VanillaRNN, _Cell
from dlcore.rnn.tasks import Batch, Task


@dataclass(frozen=True)
class GradFlow:
    """||dL/dh_t|| (mean over the batch of per-sequence norms) for a loss at the last step."""

    h_norms: np.ndarray  # (T,)
    c_norms: np.ndarray | None  # (T,) LSTM only
    loss: float


def last_step_loss(model: SeqModel, batch: Batch, task: Task) -> tuple[torch.Tensor, list]:
    """Sum over the batch of the loss at the final time step (so per-sequence grads do not
    shrink with the batch size), and the unrolled states."""
    out, un = model(batch.x)
    if task.every_step:
        out, y = out[:, -1], batch.y[:, -1]  # (B, O), (B,)
    else:
        y = batch.y
    loss = task.loss(out, y) * batch.x.shape[0]
    return loss, un


def flow_tensors(
    model: SeqModel, batch: Batch, task: Task
) -> tuple[torch.Tensor, torch.Tensor | None, torch.Tensor]:
    """``grad_flow`` on the model's device, nothing read to the host: ||dL/dh_t|| (T,),
    ||dL/dc_t|| (T,) for an LSTM (else None), and the summed last-step loss (0-d)."""
    loss, un = last_step_loss(model, batch, task)
    targets = un.hs + un.cs
    grads = torch.autograd.grad(loss, targets, allow_unused=True)
    norms = [g.norm(dim=1).mean() if g is not None else loss.new_zeros(()) for g in grads]
    t = len(un.hs)
    c = torch.stack(norms[t:]) if un.cs else None
    return torch.stack(norms[:t]), c, loss.detach()


def grad_flow(model: SeqModel, batch: Batch, task: Task) -> GradFlow:
    h, c, loss = flow_tensors(model, batch, task)
    c_norms = to_numpy(c) if c is not None else None
    return GradFlow(to_numpy(h), c_norms, float(loss) / batch.x.shape[0])


@dataclass(frozen=True)
class Spectrum:
    lambda_1: float  # largest singular value of W_hh
    rho: float  # spectral radius (largest |eigenvalue|)
    gamma: float  # bound on |g'|
    singular_values: np.ndarray  # (H,)

    @property
    def product(self) -> float:
        return self.lambda_1 * self.gamma

    @property
    def regime(self) -> str:
        if not np.isfinite(self.product):
            return "undefined: W is no longer finite (training diverged)"
        if self.product < 1.0:
            return "vanishing guaranteed"
        return "exploding possible; vanishing still possible"


def spectrum(cell: VanillaRNN) -> Spectrum:
    """lambda_1, the spectral radius and gamma of a vanilla cell; NaN once W is not finite (a
    diverged model: LAPACK's eigensolver can crash the whole process on NaN input)."""
    return spectrum_of(cell.weight_hh, cell.activation)


def spectrum_of(w: torch.Tensor, activation: str) -> Spectrum:
    """``spectrum`` of a recurrent matrix W (H, H) under an activation (a name in ACTIVATIONS)."""
    w = w.detach()
    gamma = ACTIVATIONS[activation].gamma
    if not bool(torch.isfinite(w).all()):
        return Spectrum(math.nan, math.nan, gamma, np.full(w.shape[0], math.nan))
    sv = torch.linalg.svdvals(w)
    rho = torch.linalg.eigvals(w).abs().max()
    return Spectrum(float(sv[0]), float(rho), gamma, to_numpy(sv))


def bound_curve(last_norm: float, lambda_1: float, gamma: float, t_len: int) -> np.ndarray:
    """||dL/dh_t|| <= ||dL/dh_(T-1)|| (lambda_1 gamma)^(T-1-t), t = 0 .. T-1 (0-indexed)."""
    k = np.arange(t_len - 1, -1, -1, dtype=np.float64)
    with np.errstate(over="ignore"):
        return last_norm * (lambda_1 * gamma) ** k


# --- state-to-state Jacobians -----------------------------------------------------------------


def spectral_norms(m: torch.Tensor) -> torch.Tensor:
    """||m||_2 of each matrix in the last two dimensions; NaN for a matrix with a non-finite
    entry (the SVD refuses one: a diverged model's Jacobians)."""
    ok = torch.isfinite(m).flatten(-2).all(-1)  # (...)
    out = torch.full(ok.shape, math.nan, dtype=m.dtype, device=m.device)
    if bool(ok.any()):
        out[ok] = torch.linalg.matrix_norm(m[ok], ord=2)
    return out


def jacobian_norms(cell: _Cell, x: torch.Tensor) -> np.ndarray:
    """||d h_(T-1) / d h_t||_2 (spectral norm) for t = 0 .. T-1, first sequence of x, by autograd.

    One backward pass: the sequence is repeated H times in the batch, and copy j back-propagates
    only from unit j of h_(T-1), so row j of every Jacobian lands in batch row j."""
    n_h = cell.hidden_size
    un = cell(x[:1].expand(n_h, *x.shape[1:]))  # (H, T, I): H identical copies
    pick = torch.eye(n_h, device=x.device)  # copy j keeps unit j
    grads = torch.autograd.grad((un.hs[-1] * pick).sum(), un.hs, allow_unused=True)
    zero = torch.zeros(n_h, n_h, device=x.device)
    jac = torch.stack([zero if g is None else g for g in grads])  # (T, H_out, H_in)
    return to_numpy(spectral_norms(jac))


def vanilla_jacobian_products(cell: VanillaRNN, x: torch.Tensor) -> np.ndarray:
    """The lecture's product prod_(t<i<=T-1) Diag(g'(a_i)) W, built explicitly (first sequence):
    its spectral norm for every t = 0 .. T-1. Matches jacobian_norms for a vanilla cell."""
    with torch.enable_grad():
        un = cell(x[:1])
    t_len, w = len(un.hs), cell.weight_hh.detach()
    prod = torch.eye(cell.hidden_size, device=w.device)
    out = [1.0]
    for i in range(t_len - 1, 0, -1):
        a = un.pre[i][0].detach().requires_grad_(True)
        (gprime,) = torch.autograd.grad(cell.act.fn(a).sum(), a)  # g'(a_i), (H,)
        prod = prod @ (torch.diag(gprime) @ w)
        out.append(float(spectral_norms(prod)))
    return np.array(out[::-1])


@dataclass(frozen=True)
class Highway:
    """LSTM forget gates along a path vs the vanilla RNN's product of Jacobians."""

    f: np.ndarray  # (T, H) forget-gate values of the LSTM for the first sequence
    f_running: np.ndarray  # (T,) mean over units of prod_(t<k<=T-1) f_k
    lstm_jac: np.ndarray  # (T,) ||d h_(T-1) / d h_t|| for the LSTM
    rnn_jac: np.ndarray  # (T,) ||prod Diag(g') W|| for the vanilla RNN


def highway(rnn: VanillaRNN, lstm: LSTM, x: torch.Tensor) -> Highway:
    with torch.no_grad():
        f = torch.stack(lstm(x[:1]).gates["f"], dim=0)[:, 0]  # (T, H)
    # running product from the end: prod_{k=t+1}^{T-1} f_k (empty product = 1 at t = T-1)
    shifted = torch.cat([f[1:], f.new_ones(1, f.shape[1])], dim=0)  # (T, H)
    running = torch.flip(torch.cumprod(torch.flip(shifted, [0]), dim=0), [0])
    return Highway(
        to_numpy(f),
        to_numpy(running.mean(dim=1)),
        jacobian_norms(lstm, x),
        vanilla_jacobian_products(rnn, x),
    )


# --- linear case: eigen-decomposition view ----------------------------------------------------


@dataclass(frozen=True)
class LinearTrajectory:
    h: np.ndarray  # (T+1, 2) by repeated multiplication h_t = W^T h_(t-1)
    h_eig: np.ndarray  # (T+1, 2) by the closed form Q^T Lambda^t Q h_0
    components: np.ndarray  # (T+1, 2) coordinates Q h_t along the eigenvectors
    eigvals: np.ndarray  # (2,)
    q: np.ndarray  # (2, 2) rows = eigenvectors
    w: np.ndarray  # (2, 2)


def linear_trajectory(
    lam1: float, lam2: float, angle_deg: float, h0: tuple[float, float], steps: int
) -> LinearTrajectory:
    """Symmetric W = Q^T diag(lam1, lam2) Q with Q a rotation by angle_deg (float64 on CPU:
    a tiny 2x2 analysis, not training)."""
    a = np.deg2rad(angle_deg)
    q = torch.tensor([[np.cos(a), np.sin(a)], [-np.sin(a), np.cos(a)]], dtype=torch.float64)
    lam = torch.tensor([lam1, lam2], dtype=torch.float64)
    w = q.T @ torch.diag(lam) @ q
    h = torch.tensor(h0, dtype=torch.float64)
    traj = [h]
    for _ in range(steps):
        traj.append(w.T @ traj[-1])
    ts = torch.arange(steps + 1, dtype=torch.float64)[:, None]
    comps = (lam[None, :] ** ts) * (q @ torch.tensor(h0, dtype=torch.float64))[None, :]
    return LinearTrajectory(
        to_numpy(torch.stack(traj)),
        to_numpy(comps @ q),
        to_numpy(comps),
        to_numpy(lam),
        to_numpy(q),
        to_numpy(w),
    )
