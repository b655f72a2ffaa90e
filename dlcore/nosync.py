"""Training steps that never read a tensor's value on the host (issue 25).

On a GPU every ``.item()``, ``float(t)`` or ``.cpu()`` is a device-to-host copy that waits for the
queue; the design reads values only when a frame is drawn (``dlcore.trainer.History`` keeps 0-d
device tensors until it is read). Two things a trainer's step needs for that:

- ``Metrics``: what ``step()`` returns, a mapping of metric names to floats whose values stay
  0-d tensors until one is looked at (the live loop never looks; a test or a script does).
- ``Adam``: ``torch.optim.Adam``'s update, number for number, with each parameter's step count a
  Python int. Torch keeps it in a CPU tensor and reads it with ``.item()`` for every parameter at
  every step (22 reads a step for the date translator): no wait for the device, but a tensor read
  a step all the same, which ``bench/bench_device.py`` counts with the others.

Used by every torch trainer of a live page (``dlcore/attention``, ``conv``, ``gan``, ``ntm``,
``rnn``, ``vae``); ``History`` reads its device values in ``sum_dtype``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

import torch


def sum_dtype(device: torch.device) -> torch.dtype:
    """The dtype to sum metrics in on ``device``: float64, as the Python floats they used to be
    read into, except on Apple's MPS, which has no float64 (float32 there)."""
    return torch.float32 if device.type == "mps" else torch.float64


class Metrics(Mapping[str, float]):
    """A step's metrics: floats, read from the device (all at once, in one copy) only when a
    value is first looked at. ``raw`` is what the trainer measured, tensors and all, for
    ``History.append``."""

    def __init__(self, raw: Mapping[str, float | torch.Tensor]) -> None:
        self.raw = dict(raw)
        self._floats: dict[str, float] | None = None

    def _read(self) -> dict[str, float]:
        if self._floats is None:
            tensors = {k: v for k, v in self.raw.items() if isinstance(v, torch.Tensor)}
            values = []
            if tensors:
                dtype = sum_dtype(next(iter(tensors.values())).device)
                flat = [v.detach().reshape(()).to(dtype) for v in tensors.values()]
                values = torch.stack(flat).cpu().tolist()  # one copy for them all
            read = dict(zip(tensors, values))
            self._floats = {k: read[k] if k in read else float(v) for k, v in self.raw.items()}
        return self._floats

    def __getitem__(self, key: str) -> float:
        return self._read()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.raw)

    def __len__(self) -> int:
        return len(self.raw)

    def __repr__(self) -> str:
        return f"Metrics({self._read()!r})"


class Adam(torch.optim.Adam):
    """``torch.optim.Adam`` (no weight decay, no AMSGrad) computing the same numbers with the
    step count kept on the host as a Python int: per parameter, with t its updates so far,
    m <- lerp(m, g, 1 - beta1), v <- beta2 v + (1 - beta2) g^2,
    p <- p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps).
    The moments are updated with ``torch._foreach_*`` calls (one launch a group on a GPU, the
    per-tensor ops on the CPU), the same operations torch's Adam runs."""

    def __init__(
        self,
        params: Iterable[torch.nn.Parameter],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ) -> None:
        super().__init__(params, lr=lr, betas=betas, eps=eps)

    @torch.no_grad()
    def step(self, closure=None):  # type: ignore[override]
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            lr, eps = group["lr"], group["eps"]
            groups: dict[tuple, list[torch.Tensor]] = {}  # (device, dtype) -> params with grads
            for p in group["params"]:
                if p.grad is not None:
                    groups.setdefault((p.device, p.dtype), []).append(p)
            for params in groups.values():
                self._update(params, lr, beta1, beta2, eps)
        return loss

    def _update(
        self, params: list[torch.Tensor], lr: float, beta1: float, beta2: float, eps: float
    ) -> None:
        states = [self.state[p] for p in params]
        for p, st in zip(params, states):
            if not st:  # lazily, as torch does
                st["step"] = 0
                st["exp_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                st["exp_avg_sq"] = torch.zeros_like(p, memory_format=torch.preserve_format)
            st["step"] += 1
        grads = [p.grad for p in params]
        m = [st["exp_avg"] for st in states]
        v = [st["exp_avg_sq"] for st in states]
        torch._foreach_lerp_(m, grads, 1 - beta1)
        torch._foreach_mul_(v, beta2)
        torch._foreach_addcmul_(v, grads, grads, 1 - beta2)
        step_size = [-(lr / (1 - beta1 ** st["step"])) for st in states]
        denom = torch._foreach_sqrt(v)
        torch._foreach_div_(denom, [(1 - beta2 ** st["step"]) ** 0.5 for st in states])
        torch._foreach_add_(denom, eps)
        torch._foreach_addcdiv_(params, m, denom, step_size)
