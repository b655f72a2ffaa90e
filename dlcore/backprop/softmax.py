"""The softmax layer with the cross-entropy loss: the gradient with respect to the logits is p - y.

The lecture's typical setting for classification: scores y_i, the softmax layer
p_i = exp(y_i) / sum_j exp(y_j) (the lecture's y~_i), and the negative log-likelihood of the
correct class g, J = -log p_g = -y_g + log sum_j exp(y_j). Then

    dJ/dy_i = p_i - 1[i = g]          (p - y with y the one-hot target)

The lecture writes the error signal of the log-likelihood, delta^o = 1_g - p: the same vector
with the opposite sign. By the chain rule the same number comes through the softmax's Jacobian,
dJ/dy = J_softmax^T dJ/dp with J_softmax = diag(p) - p p^T and dJ/dp = -y / p. Every gradient here
is torch.autograd's beside the formula. Used by the softmax view of pages/backprop.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from dlcore.backprop import reference_device
from dlcore.device import to_numpy


@dataclass(frozen=True)
class SoftmaxResult:
    logits: np.ndarray  # (K,) y
    p: np.ndarray  # (K,) softmax(y)
    onehot: np.ndarray  # (K,) 1[i = g]
    g: int
    loss: float  # -log p_g
    grad_autograd: np.ndarray  # (K,) dJ/dy by torch.autograd
    grad_formula: np.ndarray  # (K,) p - y
    jacobian: np.ndarray  # (K, K) dp_i/dy_j by torch.autograd
    dloss_dp: np.ndarray  # (K,) dJ/dp = -y / p
    grad_chain: np.ndarray  # (K,) J^T dJ/dp

    @property
    def max_error(self) -> float:
        return float(np.abs(self.grad_autograd - self.grad_formula).max())


def softmax_study(logits: Sequence[float], g: int) -> SoftmaxResult:
    """The loss and its gradient for the student's logits and correct class ``g``."""
    device = reference_device()
    y = torch.tensor(list(logits), dtype=torch.float64, device=device, requires_grad=True)
    onehot = torch.zeros_like(y).detach()
    onehot[g] = 1.0
    p = torch.softmax(y, dim=0)
    loss = torch.nn.functional.cross_entropy(y[None], torch.tensor([g], device=device))
    (grad,) = torch.autograd.grad(loss, y)
    jac = torch.autograd.functional.jacobian(lambda v: torch.softmax(v, dim=0), y.detach())
    p_ = p.detach()
    dloss_dp = -onehot / p_
    return SoftmaxResult(
        logits=to_numpy(y),
        p=to_numpy(p_),
        onehot=to_numpy(onehot),
        g=g,
        loss=float(loss.detach()),
        grad_autograd=to_numpy(grad),
        grad_formula=to_numpy(p_ - onehot),
        jacobian=to_numpy(jac),
        dloss_dp=to_numpy(dloss_dp),
        grad_chain=to_numpy(jac.T @ dloss_dp),
    )
