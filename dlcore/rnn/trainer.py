"""Side-by-side training of a vanilla RNN, an LSTM and a GRU on one long-range task.

Same task, same data batches, same seed for the three cells; optional gradient clipping (none,
norm, value) applied to each; every few steps the gradient flow ||dL/dh_t|| is probed on a fixed
batch so the page can draw it as a heat map of time step against training step.
Lecture: "The Challenge of Long-Term Dependencies", "Gradient clipping [Pascanu' 13]", LSTM / GRU
slides. Used by pages/rnn.py (live training, clipping) and bench/bench_rnn.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from dlcore.rnn._dev import get_device
from dlcore.rnn.cells import CellSpec, SeqModel, build_cell, set_recurrent_scale
from dlcore.rnn.clipping import CLIPPERS
from dlcore.rnn.gradflow import GradFlow, Spectrum, grad_flow, spectrum
from dlcore.rnn.tasks import TASKS, Batch

KINDS = ("rnn", "lstm", "gru")


@dataclass(frozen=True)
class Arm:
    """One model trained in lock-step: a label, a cell kind and a clipping mode (None: the
    config's live choice)."""

    label: str
    kind: str
    clip: str | None = None


TRIO = (Arm("RNN", "rnn"), Arm("LSTM", "lstm"), Arm("GRU", "gru"))
CLIP_PAIR = (Arm("no clipping", "rnn", "none"), Arm("with clipping", "rnn"))

OPTIMIZERS: dict[str, Callable[..., torch.optim.Optimizer]] = {
    "adam": lambda p, lr: torch.optim.Adam(p, lr=lr),
    "rmsprop": lambda p, lr: torch.optim.RMSprop(p, lr=lr),
    "sgd": lambda p, lr: torch.optim.SGD(p, lr=lr, momentum=0.9),
}


@dataclass(frozen=True)
class TrainSpec:
    """Everything that defines a run. lr, clip and clip_v are live (no rebuild needed)."""

    task: str = "adding"
    seq_len: int = 50
    hidden: int = 32
    batch: int = 32
    optimizer: str = "adam"
    lr: float = 0.01
    clip: str = "norm"
    clip_v: float = 1.0
    activation: str = "tanh"
    rnn_init: str = "default"
    lambda_1: float = 0.0  # 0 = keep the init's own scale
    forget_gate: bool = True
    forget_bias: float = 1.0
    seed: int = 0


@dataclass(frozen=True)
class TrainSnapshot:
    steps: int
    labels: tuple[str, ...]  # one per arm (A arms)
    loss: np.ndarray  # (A, S) training loss per step
    grad_norm: np.ndarray  # (A, S) pre-clip global gradient norm per step
    clipped_share: np.ndarray  # (A,) share of steps that were clipped
    eval_steps: np.ndarray  # (P,)
    eval_loss: np.ndarray  # (A, P) loss on a fixed held-out batch
    flow: np.ndarray  # (A, P, T) ||dL/dh_t|| on the probe batch at each probe
    baseline: float
    solved_below: float
    metric: str
    spectrum: Spectrum  # of the vanilla RNN's current W_hh
    diverged: tuple[bool, ...]


def build_model(spec: TrainSpec, kind: str, device: torch.device) -> SeqModel:
    """A cell + read-out for the task; the init depends only on (seed, kind)."""
    task = TASKS[spec.task]
    torch.manual_seed(spec.seed * 1000 + KINDS.index(kind))
    cs = CellSpec(kind, spec.activation, spec.forget_gate, spec.forget_bias)
    model = SeqModel(
        build_cell(cs, task.n_in(spec.seq_len), spec.hidden), task.n_out, task.every_step
    )
    if kind == "rnn":
        gen = torch.Generator().manual_seed(spec.seed)
        lam = spec.lambda_1 if spec.lambda_1 > 0 else None
        set_recurrent_scale(model.cell, spec.rnn_init, lam, gen)
    return model.to(device).refresh_fused()


class TaskTrainer:
    """Trains several cells (arms) in lock-step on the same batches; implements the foundation's
    Trainer protocol (step, snapshot, update, cfg, steps, epoch)."""

    probe_every = 10

    def __init__(
        self, spec: TrainSpec, device: torch.device | None = None, arms: tuple[Arm, ...] = TRIO
    ) -> None:
        self.cfg, self.device, self.arms = spec, device or get_device(), arms
        self.task = TASKS[spec.task]
        labels = [a.label for a in arms]
        self.models = {a.label: build_model(spec, a.kind, self.device) for a in arms}
        self.opts = {
            k: OPTIMIZERS[spec.optimizer](m.parameters(), spec.lr) for k, m in self.models.items()
        }
        self.gen = torch.Generator().manual_seed(spec.seed + 12345)
        fixed = torch.Generator().manual_seed(spec.seed + 999)
        self.probe = self.task.sample(16, spec.seq_len, fixed, self.device)
        self.held_out = self.task.sample(256, spec.seq_len, fixed, self.device)
        self.steps = 0
        self._next_arm, self._batch = 0, None  # the arm a substep trains next, on this batch
        self.loss: dict[str, list[float]] = {k: [] for k in labels}
        self.norms: dict[str, list[float]] = {k: [] for k in labels}
        self.clipped: dict[str, int] = dict.fromkeys(labels, 0)
        self.diverged: dict[str, bool] = dict.fromkeys(labels, False)
        self.eval_steps: list[int] = []
        self.eval_loss: dict[str, list[float]] = {k: [] for k in labels}
        self.flow: dict[str, list[np.ndarray]] = {k: [] for k in labels}
        self._probe()

    # --- protocol ---------------------------------------------------------------------------
    @property
    def epoch(self) -> float:
        """Tasks are streams of fresh sequences: the page shows sequences seen instead."""
        return float(self.steps * self.cfg.batch)

    def update(self, spec: TrainSpec) -> None:
        """Apply live fields (learning rate, clipping, views) without touching weights."""
        self.cfg = spec
        for opt in self.opts.values():
            for g in opt.param_groups:
                g["lr"] = self.cfg.lr

    def step(self, n: int = 1) -> dict[str, float]:
        while self._next_arm:  # a step that substeps began: finish it first
            self.substep()
        for _ in range(n):
            for _ in self.arms:
                self.substep()
        return self._metrics()

    def substep(self) -> dict[str, float]:
        """Train ONE arm on the current batch: a step is one substep per arm, all on the same
        batch, so the arms still train in lock-step. Under a full class the live loop trains a
        substep a frame: a third of a step's cost (one arm of the trio is ~18 ms on one core),
        so the RNN page draws as often as the others."""
        if self._next_arm == 0:
            self._batch = self.task.sample(self.cfg.batch, self.cfg.seq_len, self.gen, self.device)
        self._train_one(self.arms[self._next_arm], self._batch)
        self._next_arm = (self._next_arm + 1) % len(self.arms)
        if self._next_arm == 0:
            self.steps += 1
            if self.steps % self.probe_every == 0:
                self._probe()
        return self._metrics()

    def _metrics(self) -> dict[str, float]:
        return {
            f"loss {k}": self.loss[k][-1]
            for k in self.models
            if self.loss[k] and not self.diverged[k]
        }

    def snapshot(self) -> TrainSnapshot:
        s, labels, a = max(self.steps, 1), list(self.models), len(self.models)
        return TrainSnapshot(
            steps=self.steps,
            labels=tuple(labels),
            loss=_aligned([self.loss[k] for k in labels]).reshape(a, -1),
            grad_norm=_aligned([self.norms[k] for k in labels]).reshape(a, -1),
            clipped_share=np.array([self.clipped[k] / s for k in labels]),
            eval_steps=np.array(self.eval_steps),
            eval_loss=_aligned([self.eval_loss[k] for k in labels]),
            flow=np.stack([np.stack(self.flow[k]) for k in labels]),
            baseline=self.task.baseline(self.cfg.seq_len),
            solved_below=self.task.solved_below,
            metric=self.task.metric,
            spectrum=self._spectrum(),
            diverged=tuple(self.diverged[k] for k in labels),
        )

    def _spectrum(self) -> Spectrum:
        """The RNN cell's spectrum, recomputed only when W changed (an SVD and an eigensolve
        each frame; with one arm trained per frame, W changes every third frame)."""
        w = self.rnn_cell().weight_hh
        key = (id(w), w._version)  # the optimizer's in-place updates bump _version
        if getattr(self, "_spec_key", None) != key:
            self._spec_key, self._spec = key, spectrum(self.rnn_cell())
        return self._spec

    def rnn_cell(self):
        """The first vanilla RNN cell among the arms (for the spectral analysis)."""
        return next(self.models[a.label].cell for a in self.arms if a.kind == "rnn")

    # --- internals --------------------------------------------------------------------------
    def _train_one(self, arm: Arm, batch: Batch) -> None:
        kind = arm.label
        if self.diverged[kind]:
            self.loss[kind].append(math.nan)
            self.norms[kind].append(math.nan)
            return
        model, opt = self.models[kind], self.opts[kind]
        opt.zero_grad(set_to_none=True)
        loss = self.task.loss(model.fast_forward(batch.x), batch.y)
        loss.backward()
        res = CLIPPERS[arm.clip or self.cfg.clip](model.parameters(), self.cfg.clip_v)
        if not (math.isfinite(float(loss.detach())) and math.isfinite(res.pre_norm)):
            self.diverged[kind] = True  # the page shows "diverged (NaN/inf)" instead of grey plots
        else:
            opt.step()
        self.clipped[kind] += int(res.clipped)
        self.loss[kind].append(float(loss.detach()))
        self.norms[kind].append(res.pre_norm)

    def _probe(self) -> None:
        self.probe_spectrum = spectrum(self.rnn_cell())  # the weights the flows below belong to
        self.eval_steps.append(self.steps)
        for k, m in self.models.items():
            with torch.no_grad():  # the fused twin: same function, cheaper
                out = m.fast_forward(self.held_out.x)
                self.eval_loss[k].append(float(self.task.loss(out, self.held_out.y)))
            self.flow[k].append(self.flow_now(k).h_norms)

    def flow_now(self, kind: str) -> GradFlow:
        return grad_flow(self.models[kind], self.probe, self.task)


def _aligned(rows: list[list[float]]) -> np.ndarray:
    """Histories of the arms as one (A, n) array, aligned at the latest step (NaN-padded in front:
    an arm that joined later, or missed a record, has a shorter history)."""
    n = max((len(r) for r in rows), default=0)
    out = np.full((len(rows), n), np.nan)
    for i, r in enumerate(rows):
        if len(r):
            out[i, n - len(r) :] = np.asarray(r, dtype=np.float64)
    return out
