"""Side-by-side training of a vanilla RNN, an LSTM and a GRU on one long-range task.

Same task, same data batches, same seed for the three cells; optional gradient clipping (none,
norm, value) applied to each; every few steps the gradient flow ||dL/dh_t|| is probed on a fixed
batch so the page can draw it as a heat map of time step against training step. A training step
reads nothing from the device (issue 25): losses, gradient norms, clipping and divergence flags and
the probes stay tensors until a frame reads them (``snapshot``, ``diverged``, ``probes``).
Lecture: "The Challenge of Long-Term Dependencies", "Gradient clipping [Pascanu' 13]", LSTM / GRU
slides. Used by pages/rnn.py (views in dlcore/ui/views/rnn.py: live training, clipping) and
bench/bench_rnn.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import torch

from dlcore.device import get_device, to_numpy
from dlcore.nosync import Adam, Metrics
from dlcore.rnn.cells import CellSpec, SeqModel, VanillaRNN, build_cell, set_recurrent_scale
from dlcore.rnn.clipping import CLIPPERS
from dlcore.rnn.gradflow import (
    GradFlow,
    Spectrum,
    flow_tensors,
    grad_flow,
    spectrum,
    spectrum_of,
)
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
    "adam": lambda p, lr: Adam(p, lr=lr),  # torch's numbers, its step count on the host
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


class ArmLosses(Metrics):
    """What a step returns: the latest loss of each arm that still trains, read from the device
    (losses and flags in one copy) only when looked at. An arm whose loss or gradient blew up is
    left out, which is known only once its flag is read, so the keys are read too."""

    def __init__(self, losses: dict[str, torch.Tensor], alive: dict[str, torch.Tensor]) -> None:
        super().__init__({**losses, **{f"alive {k}": a for k, a in alive.items()}})
        self._keys: list[str] | None = None

    def _kept(self) -> list[str]:
        if self._keys is None:
            read = self._read()
            loss = [k for k in self.raw if k.startswith("loss ")]
            self._keys = [k for k in loss if read[f"alive {k.removeprefix('loss ')}"]]
        return self._keys

    def __getitem__(self, key: str) -> float:
        if key not in self._kept():
            raise KeyError(key)
        return self._read()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._kept())

    def __len__(self) -> int:
        return len(self._kept())

    def __repr__(self) -> str:
        return f"ArmLosses({dict(self)!r})"


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
    ``diverged`` names a problem only once every arm has diverged.

    Nothing is read from the device while training: the test "did this arm blow up?" is a
    device flag (``_alive``) that masks the arm's update and curves, read when a frame asks
    (``snapshot``, ``diverged``); from then on the host skips the dead arm's work."""

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
        self._pending: dict[str, float | torch.Tensor] = {}  # the arms' metrics of the step
        self._latest: dict[str, torch.Tensor] = {}  # each arm's latest loss (what step returns)
        dev = self.device
        # per arm, on the device: no NaN/inf yet, steps clipped, the step it blew up at (0: not)
        self._alive = {k: torch.ones((), dtype=torch.bool, device=dev) for k in labels}
        self._clipped = {k: torch.zeros((), dtype=torch.long, device=dev) for k in labels}
        self._dead_at = {k: torch.zeros((), dtype=torch.long, device=dev) for k in labels}
        self._nan = torch.full((), math.nan, device=dev)  # a curve's value once its arm blew up
        self.clipped: dict[str, int] = dict.fromkeys(labels, 0)  # as of the last read
        self.dead: dict[str, bool] = dict.fromkeys(labels, False)  # diverged arms, as read
        self.dead_at: dict[str, int | None] = dict.fromkeys(labels)  # ... and the step it was
        self._probes: list[Probe | tuple[int, torch.Tensor]] = []  # read, or (step, unread)
        self._probe_w: torch.Tensor | None = None  # the vanilla W_hh at the latest probe
        self._probe_spectrum: Spectrum | None = None
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
        self._read_flags()
        if not all(self.dead.values()):
            return None
        return f"the loss of every run became NaN or infinite ({', '.join(self.dead)})"

    def _on_update(self, changed: set[str]) -> None:
        """Live fields (learning rate, clipping) apply without touching the weights; clipping
        is read from ``cfg`` at every step."""
        for opt in self.opts.values():
            for g in opt.param_groups:
                g["lr"] = self.cfg.lr

    def step(self, n: int = 1) -> ArmLosses:
        while self._next_arm:  # a step that substeps began: finish it first
            self.substep()
        for _ in range(max(1, int(n))):
            for _ in self.arms:
                self.substep()
        return self._metrics()

    def substep(self) -> ArmLosses:
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

    def _metrics(self) -> ArmLosses:
        """The latest loss of each arm that still trains (read when looked at)."""
        live = [k for k in self.models if k in self._latest and not self.dead[k]]
        return ArmLosses(
            {f"loss {k}": self._latest[k] for k in live}, {k: self._alive[k] for k in live}
        )

    def snapshot(self) -> TrainSnapshot:
        labels, a = tuple(self.models), len(self.models)
        self._read_flags()
        keys = [f"{m} {k}" for m in ("loss", "norm") for k in labels]
        steps, curves = self.history.array("step"), self.history.rows(keys)  # (2A, S)
        if self._pending:  # a step under way: its column holds the arms trained so far
            steps = np.append(steps, self.steps + 1)
            now = [self._pending.get(k, math.nan) for k in keys]
            now = to_numpy(torch.stack([torch.as_tensor(v, device=self.device) for v in now]))
            curves = np.concatenate([curves, now.astype(curves.dtype)[:, None]], axis=1)
        probes = self.probes
        return TrainSnapshot(
            steps=self.steps,
            labels=labels,
            train_steps=steps,
            loss=curves[:a].copy(),
            grad_norm=curves[a:].copy(),
            clipped_share=np.array([self.clipped[k] / max(self.steps, 1) for k in labels]),
            eval_steps=np.array([p.step for p in probes]),
            eval_loss=np.stack([p.eval_loss for p in probes], axis=1),
            flow=np.stack([p.flow for p in probes], axis=1),
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

    @property
    def probes(self) -> list[Probe]:
        """The probes taken so far (oldest first); those taken since the last read are read
        from the device now, in one copy."""
        unread = [i for i, p in enumerate(self._probes) if isinstance(p, tuple)]
        if unread:
            values = to_numpy(torch.stack([self._probes[i][1] for i in unread]))  # (U, A, 1+T)
            for i, v in zip(unread, values):
                # as measured before: eval losses as Python floats (float64), flows float32
                self._probes[i] = Probe(self._probes[i][0], v[:, 0].astype(np.float64), v[:, 1:])
        return self._probes  # type: ignore[return-value]

    @property
    def probe_spectrum(self) -> Spectrum:
        """The spectrum of the vanilla RNN's W_hh at the latest probe (the weights the latest
        flows belong to), computed when first asked for."""
        if self._probe_spectrum is None:
            self._probe_spectrum = spectrum_of(self._probe_w, self.rnn_cell().activation)
        return self._probe_spectrum

    # --- internals --------------------------------------------------------------------------
    def _read_flags(self) -> None:
        """Read the arms' device flags (alive, step it blew up at, steps clipped) in one copy:
        the host then knows which arms diverged and stops training them."""
        labels = list(self.models)
        flags = [d[k].long() for d in (self._alive, self._dead_at, self._clipped) for k in labels]
        alive, dead_at, clipped = np.split(to_numpy(torch.stack(flags)), 3)
        for k, ok, at, c in zip(labels, alive, dead_at, clipped):
            self.dead[k], self.dead_at[k], self.clipped[k] = not ok, (int(at) or None), int(c)

    def _train_one(self, arm: Arm, batch: Batch) -> None:
        label = arm.label
        if self.dead[label]:  # known on the host: its work is skipped
            self._pending.update({f"loss {label}": math.nan, f"norm {label}": math.nan})
            return
        model, opt = self.models[label], self.opts[label]
        opt.zero_grad(set_to_none=True)
        loss = self.task.loss(model.fast_forward(batch.x), batch.y)
        loss.backward()
        loss = loss.detach()
        res = CLIPPERS[arm.clip or self.cfg.clip](model.parameters(), self.cfg.clip_v)
        alive = self._alive[label]  # no NaN/inf before this step
        ok = alive & torch.isfinite(loss) & torch.isfinite(res.pre_norm)
        self._update(model, opt, ok)
        self._clipped[label] = self._clipped[label] + (alive & res.clipped)
        # the page shows "diverged (NaN/inf)" from the step under way, instead of grey plots
        self._dead_at[label] = torch.where(alive & ~ok, self.steps + 1, self._dead_at[label])
        self._alive[label] = ok
        self._latest[label] = torch.where(alive, loss, self._nan)  # the blow-up's values, then NaN
        norm = torch.where(alive, res.pre_norm, self._nan)
        self._pending.update({f"loss {label}": self._latest[label], f"norm {label}": norm})

    @staticmethod
    def _update(model: SeqModel, opt: torch.optim.Optimizer, ok: torch.Tensor) -> None:
        """``opt.step()`` where ``ok``, none where not (a NaN/inf loss or gradient): the step is
        taken and the old weights put back under the flag, so the host never reads it."""
        params = [p for p in model.parameters() if p.grad is not None]
        before = [p.detach().clone() for p in params]
        opt.step()
        with torch.no_grad():
            for p, old in zip(params, before):
                p.copy_(torch.where(ok, p, old))

    def _probe(self) -> None:
        """Eval loss and gradient flow of every arm, kept on the device until ``probes`` is
        read; the vanilla W_hh is copied for ``probe_spectrum``."""
        self._probe_w, self._probe_spectrum = self.rnn_cell().weight_hh.detach().clone(), None
        rows = []
        for m in self.models.values():
            with torch.no_grad():  # the fused twin: same function, cheaper
                out = m.fast_forward(self.held_out.x)
                evals = self.task.loss(out, self.held_out.y)
            h_norms, _, _ = flow_tensors(m, self.probe, self.task)  # (T,)
            rows.append(torch.cat([evals.reshape(1), h_norms]))
        self._probes.append((self.steps, torch.stack(rows)))  # (A, 1 + T)
        if len(self._probes) > self.max_probes:  # keep every other probe: bounded memory
            self._probes = self._probes[::2]

    def flow_now(self, label: str) -> GradFlow:
        return grad_flow(self.models[label], self.probe, self.task)
