"""Live training: Play / Pause / Step / Reset, counters, and the time-budgeted training loop.

Design (measured, DESIGN.md section 2): a fragment with ``run_every`` redraws ~5 times a second;
a loop that trains for a time budget and then redraws into a placeholder reaches 16-26 browser
frames a second. So the loop is used, and it is written so every control keeps working: a click
anywhere makes Streamlit request a rerun, which interrupts the loop at its next drawing call (at
most one tick, ~30-60 ms), and the buttons' callbacks run before the new run starts.

    panel = live_panel("gan", cfg, GanTrainer, render)   # controls + first frame
    ...                                                  # the rest of the page
    panel.loop()                                         # LAST line: trains while playing

``render(trainer, live)`` draws one frame into the panel's placeholder; ``live`` is True inside the
loop (skip widgets there: a keyed widget cannot be drawn twice in one run). A live render may
return a caption (text under the frame). When the frame went through the live-frame channel
(``dlcore.ui.channel``: NTM, VAE, RNN, GAN, playground) the counter line and caption go with it,
with no Streamlit delta. Otherwise each is a delta sent only when it changed, and at most every
CROWDED_STATUS_SECONDS when the class outnumbers the slots; a caption inside the frame's element
cost the browser ~6 ms more on every frame (measured), whatever it said.

A process-wide set of slots caps how many sessions train at the same moment; a slot is taken per
tick and waiting sessions are served in turn (``FairSlots``: one tick each per round, however
cheap or dear their ticks), and see "waiting for a training slot" instead of a frozen page. When
more sessions play than there are slots, each tick's training budget shrinks in proportion
(``fair_budget``), and each session's frame rate is capped at an equal share of the process's
frames (``frame_share``), so every student keeps getting frames. A session whose tab is closed
stops training at its next tick.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

import streamlit as st

from dlcore.trainer import Trainer
from dlcore.ui.channel import send_frame
from dlcore.ui.slots import FairSlots
from dlcore.ui.state import ensure_trainer, ns_get, ns_key, ns_set

MAX_CONCURRENT_TRAINING = int(os.environ.get("DLX_MAX_TRAINING", "0")) or max(
    2, os.cpu_count() or 2
)
TRAINING_SLOTS = FairSlots(MAX_CONCURRENT_TRAINING)  # waiting sessions take turns
MAX_PLAY_SECONDS = float(os.environ.get("DLX_MAX_PLAY_SECONDS", "900"))
# frames a second this process shares out among the sessions playing (a browser spends ~20-30 ms
# on a frame, the server ~10-20 ms): without a share, sessions with cheap frames take the CPU
# and the others starve
FRAMES_PER_S = float(os.environ.get("DLX_FRAMES_PER_CORE", "25")) * (os.cpu_count() or 1)
TRACE_FILE = os.environ.get("DLX_TRACE_TICKS")  # benchmarks: a line per tick (see _trace)
TEST_TICKS = 3  # ticks a Play runs for under AppTest (no server runtime): the run must end
NOTICE_AFTER_S = 1.0  # a session waiting this long for a training slot says so
# ... and keeps saying so until its waits have been short for this long: in a full class the
# waits straddle a second, and a notice shown and cleared at every tick flickered and cost the
# browser two deltas a frame (measured at 20 students: ~40 % of the live deltas)
NOTICE_HOLD_S = 3.0
CROWDED_STATUS_SECONDS = 3.0  # the counter line's cadence in a full class (status_every)
_PLAYING = [0]  # sessions whose live loop runs in this process
_PLAYING_LOCK = threading.Lock()
_RENDERING = threading.local()  # .panel: the LivePanel whose loop is drawing a frame right now


def rendering_panel() -> LivePanel | None:
    """The panel whose live loop is drawing a frame in this thread (dlcore.ui.channel)."""
    return getattr(_RENDERING, "panel", None)


def _session_lock(ns: str) -> threading.RLock:
    """One lock per session and page around every use of its trainer."""
    key = ns_key(ns, "lock")
    lock = st.session_state.get(key)
    if lock is None:
        lock = st.session_state[key] = threading.RLock()
    return lock


def claim(ns: str) -> int:
    """A new script run (or a button's callback) takes the trainer over; returns its generation.

    With Streamlit's fast reruns a click starts a NEW script thread at once, while the old run's
    loop finishes the tick it is in (it stops at its next Streamlit call). Without this, both
    touched the trainer at the same moment (seen: autograd failing on weights an optimizer step
    changed in place). The old loop checks the generation under the lock before each use.
    """
    with _session_lock(ns):
        gen = ns_get(ns, "gen", 0) + 1
        ns_set(ns, "gen", gen)
    return gen


def fair_budget(budget_s: float, slots: int, playing: int) -> float:
    """The training time of one tick: the page's budget while there are at least as many slots
    as playing sessions, shrinking in proportion beyond that, so that when a whole class
    presses Play every session still gets frames often (a slot is held for less time)."""
    return budget_s * min(1.0, slots / max(1, playing))


def frame_share(max_fps: float, frames_per_s: float, playing: int) -> float:
    """A session's frame-rate cap: its page's own cap, or an equal share of the process's
    frames when many sessions play (2 cores, 20 students: 2.5 frames/s each, all of them)."""
    return min(max_fps, frames_per_s / max(1, playing))


def crowded() -> bool:
    """True while more sessions play in this process than there are training slots (a class):
    pages then redraw their slower side panels less often (each redraw is server and browser
    work that the live frames of the other students wait for)."""
    return _PLAYING[0] > MAX_CONCURRENT_TRAINING


def status_every(playing: int) -> float:
    """Seconds between updates of the counter line (and caption) while playing: every frame, or
    every CROWDED_STATUS_SECONDS when more sessions play than there are training slots. Each
    update is one more message the browser renders (~15 ms of its CPU at 20 tabs, as much as the
    live image itself); the live view shows the progress in between."""
    return 0.0 if playing <= MAX_CONCURRENT_TRAINING else CROWDED_STATUS_SECONDS


def _session_alive() -> bool:
    """False once the browser tab of this session is gone (or there is no server runtime)."""
    try:
        from streamlit.runtime import Runtime
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
        return ctx is not None and Runtime.instance().is_active_session(ctx.session_id)
    except Exception:  # private API moved: keep training rather than crash
        return True


def _under_server() -> bool:
    """True under `streamlit run`; False under AppTest (whose Runtime is a mock)."""
    from streamlit import runtime
    from streamlit.runtime import Runtime

    return runtime.exists() and type(Runtime.instance()) is Runtime  # a spec mock passes isinstance


@dataclass
class _Rate:
    """Exponentially smoothed steps per second over wall time (training + drawing)."""

    value: float = 0.0

    def add(self, steps: int, seconds: float) -> None:
        if seconds > 0:
            inst = steps / seconds
            self.value = inst if self.value == 0 else 0.8 * self.value + 0.2 * inst


def _fmt_epoch(epoch: float) -> str:
    return f"{epoch:,.0f}" if epoch >= 10 or float(epoch).is_integer() else f"{epoch:,.2f}"


def status_text(trainer: Trainer, rate: float | None, epoch_label: str = "Epoch") -> str:
    parts = [f"**{epoch_label} {_fmt_epoch(trainer.epoch)}**", f"step {trainer.steps:,}"]
    if rate:
        parts.append(f"{rate:,.0f} steps/s")
    return " · ".join(parts)


def _trace(ns: str, steps: int) -> None:
    """Append when a training tick ended: benchmarks measure how fast Pause stops training and
    how many live frames each session got ("<wall time> <ns> <steps> <session id>")."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    session = getattr(get_script_run_ctx(), "session_id", "-")
    with open(TRACE_FILE, "a", encoding="utf-8") as f:  # type: ignore[arg-type]
        f.write(f"{time.time():.4f} {ns} {steps} {session}\n")


def _nonfinite(metrics: dict[str, float]) -> list[str]:
    return [k for k, v in metrics.items() if isinstance(v, float) and not math.isfinite(v)]


class LivePanel:
    """Controls, counters and the output placeholder of one live page (see module docstring)."""

    def __init__(
        self,
        ns: str,
        cfg: Any,
        factory: Callable[[Any], Trainer],
        render: Callable[[Trainer, bool], str | None],
        *,
        step_size: int = 1,
        budget_s: float = 0.03,
        max_fps: float = 30.0,
        epoch_label: str = "Epoch",
        step_label: str = "Step",
        hide: Collection[str] = (),
        one_element: bool = False,
    ) -> None:
        self.ns, self.factory, self.render = ns, factory, render
        self._gen, self._lock = claim(ns), _session_lock(ns)  # an older run's loop lets go
        self.hide = frozenset(hide)  # of "play", "step", "reset": a teacher's link hid them
        # a live render that draws exactly one element replaces it in place: each delta the
        # browser handles costs it ~4 ms (measured), so a frame is one delta, not a container
        # and its children
        self.one_element = one_element
        self.channel_token: str | None = None  # the frame stream this run's element shows
        self.channel_frame: tuple | None = None  # a frame the render made, for send_frame
        self.step_size, self.budget_s, self.max_fps = max(1, step_size), budget_s, max_fps
        self.epoch_label = epoch_label
        self._step_s = 0.0  # measured by the first tick
        with self._lock:
            self.trainer = ensure_trainer(ns, cfg, factory)
            self._draw_controls(step_label)

    # -- controls (callbacks run before the next script run) ------------------------------
    def _toggle(self) -> None:
        ns_set(self.ns, "playing", not ns_get(self.ns, "playing", False))
        ns_set(self.ns, "error", None)

    def _step(self) -> None:
        ns_set(self.ns, "playing", False)
        claim(self.ns)
        with _session_lock(self.ns), TRAINING_SLOTS:
            trainer = st.session_state[ns_key(self.ns, "trainer")]
            self._check(trainer.step(self.step_size))

    def _reset(self) -> None:
        ns_set(self.ns, "playing", False)
        ns_set(self.ns, "error", None)
        ns_set(self.ns, "rate", 0.0)
        claim(self.ns)
        with _session_lock(self.ns):
            trainer = st.session_state[ns_key(self.ns, "trainer")]
            st.session_state[ns_key(self.ns, "trainer")] = self.factory(trainer.cfg)

    def _owner(self) -> bool:
        """False once a newer script run has claimed the trainer (this loop must let go)."""
        return ns_get(self.ns, "gen", 0) == self._gen

    @property
    def playing(self) -> bool:
        return bool(ns_get(self.ns, "playing", False))

    def _draw_controls(self, step_label: str) -> None:
        c1, c2, c3, c4 = st.columns([1, 1, 1, 5], vertical_alignment="center")
        label, icon = (
            ("Pause", ":material/pause:") if self.playing else ("Play", ":material/play_arrow:")
        )
        buttons = (
            ("play", c1, label, icon, self._toggle, None),
            (
                "step",
                c2,
                step_label,
                ":material/skip_next:",
                self._step,
                f"Train {self.step_size} step(s), then pause.",
            ),
            (
                "reset",
                c3,
                "Reset",
                ":material/restart_alt:",
                self._reset,
                "Start again from fresh weights (same seed).",
            ),
        )
        for name, col, text, icon_, callback, tip in buttons:
            if name not in self.hide:
                col.button(
                    text,
                    icon=icon_,
                    key=f"{self.ns}.btn.{name}",
                    on_click=callback,
                    type="primary" if name == "play" else "secondary",
                    width="stretch",
                    help=tip,
                )
        self._status, self._status_text = c4.empty(), ""  # the counter line, sent when changed
        self._notice = st.empty()
        self._body = st.empty()
        self._caption, self._caption_text = st.empty(), ""  # a live frame's caption (see module)
        self.trainer = st.session_state[ns_key(self.ns, "trainer")]
        self._show_status()
        error = ns_get(self.ns, "error")
        self._notice_on = bool(error)
        if error:
            self._notice.error(error, icon=":material/error:")
        with self._body.container():
            self.render(self.trainer, False)

    @property
    def status_slot(self):
        """The counter line's placeholder beside the buttons (dlcore.ui.channel fills it)."""
        return self._status

    def status_now(self) -> str:
        """The counter line: epoch, step, and steps/s while playing."""
        rate = ns_get(self.ns, "rate", 0.0) if self.playing else None
        return status_text(self.trainer, rate, self.epoch_label)

    def _show_status(self) -> None:
        text = self.status_now()
        if text != self._status_text:  # a delta only when it changed
            self._status.markdown(text)
            self._status_text = text

    def _show_caption(self, text: str | None) -> None:
        if text and text != self._caption_text:  # a delta only when it changed
            self._caption.caption(text)
            self._caption_text = text

    def _check(self, metrics: dict[str, float]) -> bool:
        bad = _nonfinite(metrics)
        if bad:
            ns_set(self.ns, "playing", False)
            ns_set(
                self.ns,
                "error",
                f"Training diverged: {', '.join(bad)} became NaN or infinite. The weights "
                "blew up; lower the learning rate (or add clipping/regularization), then Reset.",
            )
        return not bad

    # -- the loop -------------------------------------------------------------------------
    def _train_tick(self, chunk: int) -> tuple[int, int, dict[str, float]]:
        """Train for about ``budget_s`` in chunks; returns (steps done, next chunk, metrics).

        A trainer whose single step costs more than a full class's fair budget, and that can
        train part of a step (``substep``: the RNN trio trains one arm), trains that part."""
        t0, done, metrics = time.perf_counter(), 0, {}
        budget = fair_budget(self.budget_s, MAX_CONCURRENT_TRAINING, _PLAYING[0])
        substep = getattr(self.trainer, "substep", None)
        if substep is not None and budget < min(self.budget_s, self._step_s):
            before = self.trainer.steps
            metrics = substep()
            return self.trainer.steps - before, chunk, metrics
        while True:
            metrics = self.trainer.step(chunk)
            done += chunk
            elapsed = time.perf_counter() - t0
            if elapsed >= budget or _nonfinite(metrics):
                break
            per_step = elapsed / done
            chunk = max(1, min(chunk * 2, int((budget - elapsed) / per_step) or 1))
        self._step_s = elapsed / done  # seconds a whole step takes (see substep above)
        # the next tick starts with what fits half this budget at the speed just measured
        return done, max(1, int(0.5 * budget * done / max(elapsed, 1e-9))), metrics

    def loop(self) -> None:
        """Train while Play is on. Call as the page's last statement."""
        if not self.playing:
            return
        with _PLAYING_LOCK:
            _PLAYING[0] += 1
        self._ticket = object()  # this loop's place in the line for a training slot
        try:
            self._loop()
        finally:
            TRAINING_SLOTS.leave(self._ticket)
            with _PLAYING_LOCK:
                _PLAYING[0] -= 1

    def _loop(self) -> None:
        rate, chunk, started = _Rate(ns_get(self.ns, "rate", 0.0)), 1, time.monotonic()
        ticks = 0 if _under_server() else TEST_TICKS
        prev, waiting, shown = time.perf_counter(), 0.0, 0.0
        short_since = None  # since when this session's waits for a slot have been short
        while self.playing:
            frame_start = time.perf_counter()
            if time.monotonic() - started > MAX_PLAY_SECONDS or (
                not ticks and not _session_alive()
            ):
                ns_set(self.ns, "playing", False)
                self._notice.info("Paused automatically to share the server. Press Play to go on.")
                break
            if not TRAINING_SLOTS.acquire(self._ticket, timeout=0.25):
                waiting = waiting or time.monotonic()
                if not self._notice_on and time.monotonic() - waiting >= NOTICE_AFTER_S:
                    self._notice.warning(
                        "Waiting for a training slot: many students are training on this "
                        "server right now, so the slots are shared in turn and frames come "
                        "more slowly. Training goes on by itself.",
                        icon=":material/hourglass_top:",
                    )
                    self._notice_on = True
                continue
            now = time.monotonic()
            if waiting and now - waiting >= NOTICE_AFTER_S:
                short_since = None
            elif short_since is None:
                short_since = now
            waiting = 0.0
            try:
                with self._lock:
                    if not self._owner():
                        return
                    done, chunk, metrics = self._train_tick(chunk)
                    if TRACE_FILE:
                        _trace(self.ns, self.trainer.steps)
            finally:
                TRAINING_SLOTS.release()
            # cleared once the waits have been short for a while (see NOTICE_HOLD_S)
            if self._notice_on and short_since is not None and now - short_since >= NOTICE_HOLD_S:
                self._notice.empty()
                self._notice_on = False
            ok = self._check(metrics)
            with self._lock:
                if not self._owner():
                    return
                with self._body if self.one_element else self._body.container():
                    _RENDERING.panel = self
                    try:
                        caption = self.render(self.trainer, True)
                    finally:
                        _RENDERING.panel = None
            now = time.perf_counter()
            rate.add(done, now - prev)  # wall time since the last frame, pauses included
            prev = now
            ns_set(self.ns, "rate", rate.value)
            # a channel frame took the counter line and caption along; else they are deltas
            sent = send_frame(self, self.status_now(), caption)
            if not sent and now - shown >= status_every(_PLAYING[0]):
                self._show_status()
                self._show_caption(caption)
                shown = now
            if not ok:
                self._notice.error(ns_get(self.ns, "error"), icon=":material/error:")
                break
            fps = frame_share(self.max_fps, FRAMES_PER_S, _PLAYING[0])
            spare = 1.0 / fps - (time.perf_counter() - frame_start)
            if spare > 0:
                time.sleep(spare)
            if ticks:
                ticks -= 1
                if ticks == 0:
                    break


def live_panel(
    ns: str,
    cfg: Any,
    factory: Callable[[Any], Trainer],
    render: Callable[[Trainer, bool], str | None],
    **kw: Any,
) -> LivePanel:
    """Draw the shared live-training controls and the first frame; call ``.loop()`` last."""
    return LivePanel(ns, cfg, factory, render, **kw)
