"""The server process's shared state, in one object: its settings (read once from the
environment), the training slots, the live-frame hub, and how many sessions are playing.

Everything here is shared by every student on the server; what belongs to one student lives in
their session (``dlcore.ui.state.Namespace``). Nothing else in dlcore keeps mutable state at
module level: tests replace an attribute of ``process()`` (``monkeypatch.setattr``) instead of
patching module globals.

    p = process()
    p.settings.max_training        # DLX_MAX_TRAINING, read when the process first asked
    with p.playing_session():      # a live loop runs: counted for the fair shares below
        p.fair_budget(0.03), p.frame_share(40.0), p.crowded()
"""

from __future__ import annotations

import dataclasses
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

from dlcore.ui.hub import FrameHub
from dlcore.ui.slots import FairSlots


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    try:
        return float(env.get(name, "") or default)
    except ValueError:  # a typo in a deployment's environment: the default, not a crash
        return default


@dataclass(frozen=True)
class Settings:
    """How this server shares itself out (README "Hosting for a class")."""

    cores: int = 2
    max_training: int = 2  # sessions training at the same moment (DLX_MAX_TRAINING)
    max_play_s: float = 900.0  # a Play pauses itself after this long (DLX_MAX_PLAY_SECONDS)
    # frames a second each core shares out among the playing sessions (DLX_FRAMES_PER_CORE): a
    # browser spends ~20-30 ms on a frame, the server ~10-20 ms; without a share, sessions with
    # cheap frames take the CPU and the others starve
    frames_per_core: float = 25.0
    trace_file: str | None = None  # benchmarks: a line per live tick (DLX_TRACE_TICKS)
    replica: str = ""  # this replica's name in the sidebar (DLX_REPLICA)
    notice_after_s: float = 1.0  # a session waiting this long for a training slot says so
    # ... and keeps saying so until its waits have been short for this long: in a full class the
    # waits straddle a second, and a notice shown and cleared at every tick flickered and cost
    # the browser two deltas a frame (measured at 20 students: ~40 % of the live deltas)
    notice_hold_s: float = 3.0
    crowded_status_s: float = 3.0  # the counter line's cadence in a full class (as deltas)
    test_ticks: int = 3  # ticks a Play runs for under AppTest (no server runtime): runs must end

    @property
    def frames_per_s(self) -> float:
        return self.frames_per_core * self.cores

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        cores = os.cpu_count() or 1
        return cls(
            cores=cores,
            max_training=int(_number(env, "DLX_MAX_TRAINING", 0)) or max(2, cores),
            max_play_s=_number(env, "DLX_MAX_PLAY_SECONDS", 900.0),
            frames_per_core=_number(env, "DLX_FRAMES_PER_CORE", 25.0),
            trace_file=env.get("DLX_TRACE_TICKS") or None,
            replica=env.get("DLX_REPLICA", ""),
        )

    def replace(self, **changes: object) -> Settings:
        return dataclasses.replace(self, **changes)


class Process:
    """The one holder of process-wide state (see the module docstring)."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self.slots = FairSlots(self.settings.max_training)  # waiting sessions take turns
        self.hub = FrameHub()  # the latest live frame of every playing page
        self.routed = False  # app.py mounted the live-frame route (dlcore.ui.channel.routes)
        self.clock: Callable[[], float] = time.monotonic  # per-session timers (tests replace it)
        self._playing = 0
        self._lock = threading.Lock()

    # -- sessions playing -------------------------------------------------------------------
    @property
    def playing(self) -> int:
        """Sessions whose live loop runs in this process right now."""
        return self._playing

    @contextmanager
    def playing_session(self) -> Iterator[None]:
        with self._lock:
            self._playing += 1
        try:
            yield
        finally:
            with self._lock:
                self._playing -= 1

    def crowded(self) -> bool:
        """True while more sessions play than there are training slots (a class): pages then
        redraw their slower side panels less often (each redraw is server and browser work that
        the live frames of the other students wait for)."""
        return self._playing > self.settings.max_training

    # -- fair shares ---------------------------------------------------------------------------
    def fair_budget(self, budget_s: float) -> float:
        return fair_budget(budget_s, self.settings.max_training, self._playing)

    def frame_share(self, max_fps: float) -> float:
        return frame_share(max_fps, self.settings.frames_per_s, self._playing)

    def status_every(self) -> float:
        """Seconds between counter-line deltas while playing: every frame, or every
        ``crowded_status_s`` in a full class (each delta re-renders the student's whole app; the
        live frame shows the progress in between)."""
        return self.settings.crowded_status_s if self.crowded() else 0.0


def fair_budget(budget_s: float, slots: int, playing: int) -> float:
    """The training time of one tick: the page's budget while there are at least as many slots
    as playing sessions, shrinking in proportion beyond that, so that when a whole class
    presses Play every session still gets frames often (a slot is held for less time)."""
    return budget_s * min(1.0, slots / max(1, playing))


def frame_share(max_fps: float, frames_per_s: float, playing: int) -> float:
    """A session's frame-rate cap: its page's own cap, or an equal share of the process's
    frames when many sessions play (2 cores, 20 students: 2.5 frames/s each, all of them)."""
    return min(max_fps, frames_per_s / max(1, playing))


@cache
def process() -> Process:
    """This server process's shared state, made (and the environment read) on first use."""
    return Process()
