"""Side-by-side training of a vanilla RNN, an LSTM and a GRU on one long-range task.

Same task, same data batches, same seed for the three cells; optional gradient clipping (none,
norm, value) applied to each; every few steps the gradient flow ||dL/dh_t|| is probed on a fixed
batch so the page can draw it as a heat map of time step against training step.
Lecture: "The Challenge of Long-Term Dependencies", "Gradient clipping [Pascanu' 13]", LSTM / GRU
slides. Used by pages/rnn.py (views in dlcore/ui/views/rnn.py: live training, clipping) and
bench/bench_rnn.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import torch

from dlcore.device import get_device
from dlcore.rnn.cells import CellSpec, SeqModel, VanillaRNN, build_cell, set_recurrent_scale
from dlcore.rnn.clipping import CLIPPERS
from dlcore.rnn.gradflow import GradFlow, Spectrum, grad_flow, spectrum
from dlcore.rnn.tasks import TASKS, Batch
from dlcore.trainer import BaseTrainer, History

if TYPE_CHECKING:  # the config imports this module (OPTIMIZERS)
    from dlcore.rnn.config import TrainSpec

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
class TrainSnapshot:
    steps: int
    labels: tuple[str, ...]  # one per arm (A arms)
    train_steps: np.ndarray  # (S,) the training step of each column below (thinned past a cap)
    loss: np.ndarray  # (A, S) training loss per step (NaN: an arm that has not trained it yet)
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
    diverged_at: tuple[int | None, ...] = ()  # per arm: the step whose loss or ||g|| blew up


@dataclass(frozen=True)
class Probe:
    """What the trainer measured on its fixed batches at one training step."""

    step: int
    eval_loss: np.ndarray  # (A,) loss of each arm on the held-out batch
    flow: np.ndarray  # (A, T) ||dL/dh_t|| of each arm on the probe batch


def build_model(spec: TrainSpec, kind: str, device: torch.device) -> SeqModel:
    """A cell + read-out for the task; the init depends only on (seed, kind), drawn from a
    generator of its own (torch's global one is shared by every session's script thread)."""
    task = TASKS[spec.task]
    init = torch.Generator().manual_seed(spec.seed * 1000 + KINDS.index(kind))
    cs = CellSpec(kind, spec.activation, spec.forget_gate, spec.forget_bias)
    cell = build_cell(cs, task.n_in(spec.seq_len), spec.hidden, init)
    model = SeqModel(cell, task.n_out, task.every_step, init)
    if kind == "rnn":
        gen = torch.Generator().manual_seed(spec.seed)
        lam = spec.lambda_1 if spec.lambda_1 > 0 else None
        set_recurrent_scale(model.cell, spec.rnn_init, lam, gen)
    return model.to(device).refresh_fused()


class TaskTrainer(BaseTrainer):
    """Trains several cells (arms) in lock-step on the same batches (a ``BaseTrainer``).

    Per step, each arm's training loss and pre-clip gradient norm go to ``history`` (bounded);
    every ``probe_every`` steps a ``Probe`` is taken (at most ``max_probes`` kept, thinned like
    the history). An arm whose loss or gradient becomes NaN or infinite stops training (its
    curves go on as NaN) while the others go on: that is what the page shows, per arm.
    ``diverged`` names a problem only once every arm has diverged."""

    probe_every = 10
    max_probes = 500  # heat-map rows (every other one dropped past this)

    def __init__(
        self, spec: TrainSpec, device: torch.device | None = None, arms: tuple[Arm, ...] = TRIO
    ) -> None:
        super().__init__(spec)
        self.device, self.arms = device or get_device(), arms
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
        self.history = History()
        self._next_arm, self._batch = 0, None  # the arm a substep trains next, on this batch
        self._pending: dict[str, float] = {}  # the arms' metrics of the step under way
        self.clipped: dict[str, int] = dict.fromkeys(labels, 0)
        self.dead: dict[str, bool] = dict.fromkeys(labels, False)  # diverged arms
        self.dead_at: dict[str, int | None] = dict.fromkeys(labels)  # ... and the step it was
        self.probes: list[Probe] = []
        self._spec_key, self._spec = None, None
        self._probe()

    # --- protocol ---------------------------------------------------------------------------
    @property
    def epoch(self) -> float:
        """Tasks are streams of fresh sequences: the page shows sequences seen instead."""
        return float(self.steps * self.cfg.batch)

    @property
    def diverged(self) -> str | None:
        """A message once every arm has diverged (one arm blowing up while the others train is
        the lesson: the page shows it per arm), else None."""
        if not all(self.dead.values()):
            return None
        return f"the loss of every run became NaN or infinite ({', '.join(self.dead)})"

    def _on_update(self, changed: set[str]) -> None:
        """Live fields (learning rate, clipping) apply without touching the weights; clipping
        is read from ``cfg`` at every step."""
        for opt in self.opts.values():
            for g in opt.param_groups:
                g["lr"] = self.cfg.lr

    def step(self, n: int = 1) -> dict[str, float]:
        while self._next_arm:  # a step that substeps began: finish it first
            self.substep()
        for _ in range(max(1, int(n))):
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
            self.history.append(self.steps, self._pending)
            self._pending = {}
            if self.steps % self.probe_every == 0:
                self._probe()
        return self._metrics()

    def _metrics(self) -> dict[str, float]:
        """The latest loss of each arm that still trains."""
        latest = {**self.history.last(), **self._pending}
        return {
            f"loss {k}": latest[f"loss {k}"]
            for k in self.models
            if f"loss {k}" in latest and not self.dead[k]
        }

    def snapshot(self) -> TrainSnapshot:
        labels, a = tuple(self.models), len(self.models)
        keys = [f"{m} {k}" for m in ("loss", "norm") for k in labels]
        steps, curves = self.history.array("step"), self.history.rows(keys)  # (2A, S)
        if self._pending:  # a step under way: its column holds the arms trained so far
            steps = np.append(steps, self.steps + 1)
            now = [self._pending.get(k, math.nan) for k in keys]
            curves = np.concatenate([curves, np.array(now)[:, None]], axis=1)
        return TrainSnapshot(
            steps=self.steps,
            labels=labels,
            train_steps=steps,
            loss=curves[:a].copy(),
            grad_norm=curves[a:].copy(),
            clipped_share=np.array([self.clipped[k] / max(self.steps, 1) for k in labels]),
            eval_steps=np.array([p.step for p in self.probes]),
            eval_loss=np.stack([p.eval_loss for p in self.probes], axis=1),
            flow=np.stack([p.flow for p in self.probes], axis=1),
            baseline=self.task.baseline(self.cfg.seq_len),
            solved_below=self.task.solved_below,
            metric=self.task.metric,
            spectrum=self._spectrum(),
            diverged=tuple(self.dead[k] for k in labels),
            diverged_at=tuple(self.dead_at[k] for k in labels),
        )

    def _spectrum(self) -> Spectrum:
        """The RNN cell's spectrum, recomputed only when W changed (an SVD and an eigensolve
        each frame; with one arm trained per frame, W changes every third frame)."""
        w = self.rnn_cell().weight_hh
        key = (id(w), w._version)  # the optimizer's in-place updates bump _version
        if self._spec_key != key:
            self._spec_key, self._spec = key, spectrum(self.rnn_cell())
        return self._spec

    def rnn_cell(self) -> VanillaRNN:
        """The first vanilla RNN cell among the arms (for the spectral analysis)."""
        return next(self.models[a.label].cell for a in self.arms if a.kind == "rnn")

    # --- internals --------------------------------------------------------------------------
    def _train_one(self, arm: Arm, batch: Batch) -> None:
        label = arm.label
        if self.dead[label]:
            self._pending.update({f"loss {label}": math.nan, f"norm {label}": math.nan})
            return
        model, opt = self.models[label], self.opts[label]
        opt.zero_grad(set_to_none=True)
        loss = self.task.loss(model.fast_forward(batch.x), batch.y)
        loss.backward()
        res = CLIPPERS[arm.clip or self.cfg.clip](model.parameters(), self.cfg.clip_v)
        if not (math.isfinite(float(loss.detach())) and math.isfinite(res.pre_norm)):
            self.dead[label] = True  # the page shows "diverged (NaN/inf)" instead of grey plots
            self.dead_at[label] = self.steps + 1  # the step under way
        else:
            opt.step()
        self.clipped[label] += int(res.clipped)
        self._pending.update({f"loss {label}": float(loss.detach()), f"norm {label}": res.pre_norm})

    def _probe(self) -> None:
        self.probe_spectrum = spectrum(self.rnn_cell())  # the weights the flows below belong to
        evals, flows = [], []
        for k, m in self.models.items():
            with torch.no_grad():  # the fused twin: same function, cheaper
                out = m.fast_forward(self.held_out.x)
                evals.append(float(self.task.loss(out, self.held_out.y)))
            flows.append(self.flow_now(k).h_norms)
        self.probes.append(Probe(self.steps, np.array(evals), np.stack(flows)))
        if len(self.probes) > self.max_probes:  # keep every other probe: bounded memory
            self.probes = self.probes[::2]

    def flow_now(self, label: str) -> GradFlow:
        return grad_flow(self.models[label], self.probe, self.task)
