"""The trainer protocol every live page uses.

A trainer is plain Python: ``step(n) -> metrics`` trains n steps and returns the latest metrics,
``snapshot()`` returns a small frozen dataclass of numpy arrays for drawing, ``update(cfg)`` applies
*live* hyper-parameters without losing progress. Structural changes build a new trainer
(``dlcore.config.needs_rebuild`` decides). Tests drive trainers directly, on CPU, in seconds.

The live panel (``dlcore.ui.live``) also asks a trainer when to stop: ``diverged`` names what
became NaN or infinite (the panel pauses and shows it), ``halted`` is True when training ended by
itself (early stopping). ``substep()`` trains the smallest unit of work a trainer has, for a
server so full that a whole step does not fit a frame (the RNN trio trains one of its arms).
Every trainer subclasses ``BaseTrainer``, which gives all of these sensible defaults.
"""

from __future__ import annotations

import math
from typing import Any, Protocol, runtime_checkable

import numpy as np
import torch

from dlcore.config import changed_fields, needs_rebuild
from dlcore.nosync import sum_dtype


@runtime_checkable
class Trainer(Protocol):
    """What ``dlcore.ui.live`` needs from a trainer."""

    cfg: Any
    steps: int  # optimisation steps done so far

    @property
    def epoch(self) -> float: ...  # passes over the training data (steps for stream tasks)

    @property
    def diverged(self) -> str | None: ...  # what became NaN or infinite; None while healthy

    @property
    def halted(self) -> bool: ...  # training ended by itself (early stopping)

    def step(self, n: int = 1) -> dict[str, float]: ...

    def substep(self) -> dict[str, float]: ...  # the smallest unit of work (default: one step)

    def snapshot(self) -> Any: ...

    def update(self, cfg: Any) -> None: ...


class RebuildRequired(ValueError):
    """Raised by ``update`` when the new config changes a structural field."""


class History:
    """Metric curves: append dicts of floats, read aligned numpy arrays (NaN where missing).

    Kept as columns (one growing numpy array a metric), so reading a curve for a frame is a
    slice, not a rebuild from rows (the RNN trio's six curves at 5,000 steps took ~5 ms a frame
    as rows). Bounded: past ``max_points`` rows every other one is dropped.
    """

    def __init__(self, max_points: int = 5000) -> None:
        self.max_points = max_points
        self._cols: dict[str, np.ndarray] = {}  # name -> (capacity,) values, NaN where missing
        self._given: dict[str, np.ndarray] = {}  # name -> (capacity,) True where reported
        self._n, self._cap = 0, 256
        self._pending: list[tuple[str, int, torch.Tensor]] = []  # (name, row, 0-d tensor)

    def append(self, step: int, metrics: dict[str, float | torch.Tensor]) -> None:
        """A row of metrics. A value may be a 0-d tensor on the trainer's device: it is read
        to the host only when the history is read (a frame), with the other pending ones in
        one copy, so a training step on a GPU never waits for the device."""
        if self._n == self._cap:
            self._flush()
            self._grow()
        for name, value in {"step": step, **metrics}.items():
            if name not in self._cols:
                self._cols[name] = np.full(self._cap, np.nan)
                self._given[name] = np.zeros(self._cap, dtype=bool)
            if isinstance(value, torch.Tensor):
                self._pending.append((name, self._n, value.detach().reshape(())))
            else:
                self._cols[name][self._n] = float(value)
            self._given[name][self._n] = True
        self._n += 1
        if self._n > self.max_points:  # keep every other point: bounded memory
            self._flush()
            self._thin()

    def _flush(self) -> None:
        """Read the pending device values to the host in one copy."""
        if not self._pending:
            return
        # in the widest float the device has: a chunk's mean summed in float64 stays float64
        wide = sum_dtype(self._pending[0][2].device)
        values = torch.stack([v.to(wide) for _, _, v in self._pending]).cpu().tolist()
        for (name, row, _), value in zip(self._pending, values):
            self._cols[name][row] = value
        self._pending = []

    def _grow(self) -> None:
        self._cap *= 2
        for name in self._cols:
            self._cols[name] = np.concatenate([self._cols[name], np.full(self._cap // 2, np.nan)])
            self._given[name] = np.concatenate(
                [self._given[name], np.zeros(self._cap // 2, dtype=bool)]
            )

    def _thin(self) -> None:
        kept = len(range(0, self._n, 2))
        for name in self._cols:
            for store, empty in ((self._cols, np.nan), (self._given, False)):
                col = store[name]
                col[:kept] = col[: self._n : 2].copy()
                col[kept : self._n] = empty
        self._n = kept

    def __len__(self) -> int:
        return self._n

    def keys(self) -> list[str]:
        return list(self._cols)

    def array(self, key: str) -> np.ndarray:
        self._flush()
        if key not in self._cols:
            return np.full(self._n, np.nan)
        return self._cols[key][: self._n].copy()

    def rows(self, keys: list[str] | tuple[str, ...]) -> np.ndarray:
        """Several curves as one (len(keys), steps) array."""
        if not keys:
            return np.zeros((0, self._n))
        return np.stack([self.array(k) for k in keys])

    def last(self) -> dict[str, float]:
        """The metrics of the latest row (only those it reported)."""
        self._flush()
        i = self._n - 1
        if i < 0:
            return {}
        return {k: float(c[i]) for k, c in self._cols.items() if self._given[k][i]}


class BaseTrainer:
    """The base of every trainer: counters, history, divergence, and ``update`` for live fields.

    Subclasses implement ``_train(n) -> metrics`` (n optimisation steps) and ``snapshot()``, and
    set ``steps_per_epoch`` when an epoch means a pass over a dataset. Live fields are copied into
    ``self.cfg``; subclasses react in ``_on_update(changed)`` (e.g. set the optimizer's lr). A
    trainer whose step does its own bookkeeping overrides ``step`` (and then appends to
    ``history`` itself).
    """

    steps_per_epoch: int = 1

    def __init__(self, cfg: Any) -> None:
        self.cfg = cfg
        self.steps = 0
        self.history = History()

    @property
    def epoch(self) -> float:
        return self.steps / max(1, self.steps_per_epoch)

    def step(self, n: int = 1) -> dict[str, float]:
        n = max(1, int(n))
        metrics = self._train(n)
        self.steps += n
        self.history.append(self.steps, metrics)
        return metrics

    def substep(self) -> dict[str, float]:
        """The smallest unit of work: one step unless a subclass can do less."""
        return self.step(1)

    @property
    def diverged(self) -> str | None:
        """What became NaN or infinite in the latest metrics, or None."""
        return nonfinite_message(self.history.last())

    @property
    def halted(self) -> bool:
        return False

    def update(self, cfg: Any) -> None:
        if needs_rebuild(self.cfg, cfg):
            raise RebuildRequired("structural change: build a new trainer")
        changed = changed_fields(self.cfg, cfg)
        self.cfg = cfg
        if changed:
            self._on_update(changed)

    # hooks ------------------------------------------------------------------------------
    def _train(self, n: int) -> dict[str, float]:  # pragma: no cover - abstract
        raise NotImplementedError

    def snapshot(self) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def _on_update(self, changed: set[str]) -> None:
        """React to changed live fields (default: nothing, the trainer reads self.cfg)."""


def nonfinite_message(metrics: dict[str, float]) -> str | None:
    """ "loss became NaN or infinite" for the metrics that are not finite numbers, else None."""
    bad = [k for k, v in metrics.items() if isinstance(v, float) and not math.isfinite(v)]
    if not bad:
        return None
    return f"{', '.join(bad)} became NaN or infinite"
