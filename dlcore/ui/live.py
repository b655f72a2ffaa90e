"""Live training: Play / Pause / Step / Reset, counters, and the time-budgeted training loop.

Design (measured; README "Hosting for a class"): a fragment with
``run_every`` redraws ~5 times a second; a loop that trains for a time budget and then redraws
into a placeholder reaches 16-40 browser frames a second. So the loop is used, and it is written
so every control keeps working: a click anywhere makes Streamlit request a rerun, which
interrupts the loop at its next drawing call (at most one tick, ~30-60 ms), and the buttons'
callbacks run before the new run starts.

    panel = page.live(PlaneGan, render)    # controls + first frame (dlcore.ui.page)
    ...                                    # the rest of the page
    page.finish()                          # LAST: shares the link, then trains while playing

``render(trainer, out)`` draws one frame (``dlcore.ui.output.LiveOut``): the page's figures when
``out.live`` is False, one picture through ``out`` when True. The panel publishes what the
render left in ``out`` once it returns: over the live-frame channel with the counter line and
caption (``dlcore.ui.channel``: no Streamlit delta a frame), else as deltas, each sent only when
it changed, and at most every ``crowded_status_s`` when the class outnumbers the slots.

The trainer tells the panel when to stop (``dlcore.trainer.Trainer``): ``diverged`` (a message:
the panel pauses and shows it, Reset starts again) and ``halted`` (training ended by itself, e.g.
early stopping: the panel pauses). This is the one place a diverged model becomes a message.

The process's training slots cap how many sessions train at the same moment; a slot is taken
per tick and waiting sessions are served in turn (``FairSlots``), and see "waiting for a
training slot" instead of a frozen page. When more sessions play than there are slots, each
tick's training budget shrinks in proportion and each session's frame rate is capped at an
equal share of the process's frames (``dlcore.ui.process``), so every student keeps getting
frames. A session whose tab is closed stops training at its next tick.

A ``watched`` panel is an animation whose every step is meant to be seen (the backward pass
walking its graph node by node): over the channel its next step waits until the browser has
shown the last frame, so a slow first connection or a busy browser slows the walk instead of
skipping nodes. A frame not shown within ``WATCH_WAIT_S`` (a proxy that blocks the channel's
WebSocket) lets the loop run free for the rest of the run.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import streamlit as st

from dlcore.trainer import Trainer
from dlcore.ui.channel import Channel, available
from dlcore.ui.output import LiveOut
from dlcore.ui.process import Settings, process
from dlcore.ui.runtime import rerun_waiting, session_alive, session_id, under_server
from dlcore.ui.state import Namespace
from dlcore.viz.raster import FramePalette

Render = Callable[[Any, LiveOut], None]
WATCH_WAIT_S = 15.0  # how long a watched panel waits for the browser to show a frame
DIVERGED = (
    "**Training diverged**: {what}. The weights blew up; lower the learning rate (or add "
    "clipping or regularization), then press Reset."
)


def session_lock(state: Namespace) -> threading.RLock:
    """One lock per session and panel around every use of its trainer."""
    return state.cached("lock", threading.RLock)


def claim(state: Namespace) -> int:
    """A new script run (or a button's callback) takes the trainer over; returns its generation.

    With Streamlit's fast reruns a click starts a NEW script thread at once, while the old run's
    loop finishes the tick it is in (it stops at its next Streamlit call). Without this, both
    touched the trainer at the same moment (seen: autograd failing on weights an optimizer step
    changed in place). The old loop checks the generation under the lock before each use.
    """
    with session_lock(state):
        gen = state.get("gen", 0) + 1
        state.set("gen", gen)
    return gen


@contextmanager
def holding_trainer(
    state: Namespace, cfg: Any = None, factory: Callable[[Any], Trainer] | None = None
) -> Iterator[Any]:
    """The session's trainer of the panel whose keys are ``state``, held for work outside the
    panel (a view that reads it, a slow-motion button): an older run's loop still finishing
    its tick lets go first, and the trainer is locked while held. With ``factory`` the trainer
    is built or updated for ``cfg`` as a panel would; without it the one there is held (None
    when there is none yet)."""
    claim(state)
    with session_lock(state):
        yield state.trainer if factory is None else state.ensure_trainer(cfg, factory)


def forget_trainer(state: Namespace) -> None:
    """Drop the trainer of the panel whose keys are ``state``: its next run builds a new one."""
    claim(state)  # a loop still finishing its tick lets go
    state.pop("trainer")


def pause(state: Namespace) -> None:
    """Stop the live loop of the panel whose keys are ``state`` (its next tick ends it)."""
    state.set("playing", False)


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


class _SlotNotice:
    """The "waiting for a training slot" notice of one live loop: up once a wait has lasted
    ``notice_after_s``, down once the waits have been short for ``notice_hold_s`` (in a full
    class the waits straddle the threshold; a notice shown and cleared every tick flickered)."""

    TEXT = (
        "Waiting for a training slot: many students are training on this server right now, so "
        "the slots are shared in turn and frames come more slowly. Training goes on by itself."
    )

    def __init__(self, slot: Any, settings: Settings, shown: bool) -> None:
        self.slot, self.settings, self.shown = slot, settings, shown
        self.waiting_since = 0.0  # monotonic time of the first failed try of this wait
        self.short_since: float | None = None  # since when the waits have been short

    def missed(self) -> None:
        now = time.monotonic()
        self.waiting_since = self.waiting_since or now
        if not self.shown and now - self.waiting_since >= self.settings.notice_after_s:
            self.slot.warning(self.TEXT, icon=":material/hourglass_top:")
            self.shown = True

    def served(self) -> None:
        now = time.monotonic()
        long_wait = self.waiting_since and now - self.waiting_since >= self.settings.notice_after_s
        if long_wait:
            self.short_since = None
        elif self.short_since is None:
            self.short_since = now
        self.waiting_since = 0.0

    def clear_if_short(self) -> None:
        """Called after the tick: take the notice down once the waits have been short a while."""
        if not self.shown or self.short_since is None:
            return
        if time.monotonic() - self.short_since >= self.settings.notice_hold_s:
            self.slot.empty()
            self.shown = False


class LivePanel:
    """Controls, counters and the output placeholder of one live view (see module docstring)."""

    def __init__(
        self,
        state: Namespace,
        cfg: Any,
        factory: Callable[[Any], Trainer],
        render: Render,
        *,
        step_size: int = 1,
        budget_s: float = 0.03,
        max_fps: float = 30.0,
        epoch_label: str = "Epoch",
        step_label: str = "Step",
        hide: Collection[str] = (),
        one_element: bool = False,
        watched: bool = False,
        step_help: str | None = None,
        reset_help: str = "Start again from fresh weights (same seed).",
    ) -> None:
        self.state, self.factory, self.render = state, factory, render
        self.step_help = step_help or f"Train {max(1, step_size)} step(s), then pause."
        self.reset_help = reset_help
        self._gen, self._lock = claim(state), session_lock(state)  # an older run's loop lets go
        self.hide = frozenset(hide)  # of "play", "step", "reset": a teacher's link hid them
        # a live render that draws exactly one element replaces it in place: each delta the
        # browser handles costs it ~4 ms (measured), so a frame is one delta, not a container
        # and its children; only such a panel's frames can go over the channel
        self.one_element = one_element
        self.watched = watched  # each step waits until the browser showed the last frame
        self.channel = Channel(state)
        self.palette = state.cached("palette", FramePalette)  # this student's frame palette
        self.step_size, self.budget_s, self.max_fps = max(1, step_size), budget_s, max_fps
        self.epoch_label = epoch_label
        self._step_s = 0.0  # seconds one whole step takes, measured by the ticks
        with self._lock:
            self.trainer = state.ensure_trainer(cfg, factory)
            self._draw_controls(step_label)

    # -- controls (callbacks run before the next script run) ------------------------------
    @property
    def playing(self) -> bool:
        return bool(self.state.get("playing", False))

    def pause(self) -> None:
        pause(self.state)

    def _toggle(self) -> None:
        self.state.set("playing", not self.playing)
        self.state.set("error", None)

    def _step(self) -> None:
        self.pause()
        claim(self.state)
        with session_lock(self.state), process().slots:
            self.state.trainer.step(self.step_size)
            self._stop_reason(self.state.trainer)

    def _reset(self) -> None:
        self.pause()
        self.state.set("error", None)
        self.state.set("rate", 0.0)
        claim(self.state)
        with session_lock(self.state):
            self.state.reset_trainer(self.factory)

    def _owner(self) -> bool:
        """False once a newer script run has claimed the trainer (this loop must let go)."""
        return self.state.get("gen", 0) == self._gen

    def _stop_reason(self, trainer: Trainer) -> bool:
        """True when the trainer says training must stop: diverged (the message is kept for the
        page, which shows it until Play or Reset) or halted by itself."""
        what = trainer.diverged
        if what:
            self.pause()
            self.state.set("error", DIVERGED.format(what=what))
        elif trainer.halted:
            self.pause()
        return bool(what) or trainer.halted

    def _draw_controls(self, step_label: str) -> None:
        c1, c2, c3, c4 = st.columns([1, 1, 1, 5], vertical_alignment="center")
        label, icon = (
            ("Pause", ":material/pause:") if self.playing else ("Play", ":material/play_arrow:")
        )
        buttons = (
            ("play", c1, label, icon, self._toggle, None),
            ("step", c2, step_label, ":material/skip_next:", self._step, self.step_help),
            ("reset", c3, "Reset", ":material/restart_alt:", self._reset, self.reset_help),
        )  # fmt: skip
        for name, col, text, icon_, callback, tip in buttons:
            if name not in self.hide:
                col.button(
                    text,
                    icon=icon_,
                    key=self.state.key(f"btn.{name}"),
                    on_click=callback,
                    type="primary" if name == "play" else "secondary",
                    width="stretch",
                    help=tip,
                )
        self._status, self._status_text = c4.empty(), ""  # the counter line, sent when changed
        self._notice = st.empty()
        self._body = st.empty()
        self._caption, self._caption_text = st.empty(), ""  # a live frame's caption
        self.trainer = self.state.trainer
        self._show_status()
        error = self.state.get("error")
        if error:
            self._notice.error(error, icon=":material/error:")
        self._notice_on = bool(error)
        out = LiveOut(False, palette=self.palette, key=self.state.key("live"))
        with self._body.container():
            self.render(self.trainer, out)
        self._show_caption(out.text)

    def status_now(self) -> str:
        """The counter line: epoch, step, and steps/s while playing."""
        rate = self.state.get("rate", 0.0) if self.playing else None
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

    # -- the loop -------------------------------------------------------------------------
    def _train_tick(self, chunk: int) -> tuple[int, int]:
        """Train for about the fair budget in chunks; returns (steps done, next chunk).

        A trainer whose single step costs more than a full class's fair budget trains its
        smallest unit instead (``substep``: the RNN trio trains one arm)."""
        trainer, t0, done = self.trainer, time.perf_counter(), 0
        budget = process().fair_budget(self.budget_s)
        if budget < min(self.budget_s, self._step_s):
            before = trainer.steps
            trainer.substep()
            return trainer.steps - before, chunk
        while True:
            trainer.step(chunk)
            done += chunk
            elapsed = time.perf_counter() - t0
            if elapsed >= budget or trainer.diverged or trainer.halted:
                break
            per_step = elapsed / done
            chunk = max(1, min(chunk * 2, int((budget - elapsed) / per_step) or 1))
        self._step_s = elapsed / done
        # the next tick starts with what fits half this budget at the speed just measured
        return done, max(1, int(0.5 * budget * done / max(elapsed, 1e-9)))

    def loop(self) -> None:
        """Train while Play is on. Runs last on the page (``Page.finish`` calls it)."""
        if not self.playing:
            return
        ticket = object()  # this loop's place in the line for a training slot
        with process().playing_session():
            try:
                self._loop(ticket)
            finally:
                process().slots.leave(ticket)

    def _frames_left(self) -> int | None:
        """Frames this run may still draw: unlimited under a server, where a click interrupts
        the loop; a few without one (AppTest), where nothing would end it."""
        return None if under_server() else process().settings.test_ticks

    def _loop(self, ticket: object) -> None:
        proc = process()
        rate, chunk = _Rate(self.state.get("rate", 0.0)), 1
        started, frames_left = time.monotonic(), self._frames_left()
        last_frame, last_status, ticks = time.perf_counter(), 0.0, 0
        notice = _SlotNotice(self._notice, proc.settings, self._notice_on)
        while self.playing:
            frame_start = time.perf_counter()
            if self._auto_pause(started, frames_left is None):
                break
            if not proc.slots.acquire(ticket, timeout=0.25):
                notice.missed()
                continue
            notice.served()
            try:
                with self._lock:
                    if not self._owner():
                        return
                    done, chunk = self._train_tick(chunk)
                    if proc.settings.trace_file:
                        self._trace(proc.settings.trace_file)
            finally:
                proc.slots.release()
            notice.clear_if_short()
            stop = self._stop_reason(self.trainer)
            with self._lock:
                if not self._owner():
                    return
                out = self._render_live()
            now = time.perf_counter()
            if ticks:  # wall time from one frame to the next, waits included (the first frame
                rate.add(done, now - last_frame)  # had no wait before it: it would read high)
            ticks, last_frame = ticks + 1, now
            self.state.set("rate", rate.value)
            last_status = self._publish(out, last_status)
            if self.watched and out.frame is not None:
                self.watched = self._wait_until_shown()
            if stop or rerun_waiting():
                # stop: the paused page, with the message (or the halted view); a waiting rerun:
                # a widget inside a fragment view, whose own rerun would wait for this loop
                st.rerun()
            spare = 1.0 / proc.frame_share(self.max_fps) - (time.perf_counter() - frame_start)
            if spare > 0:
                time.sleep(spare)
            if frames_left is not None:
                frames_left -= 1
                if frames_left <= 0:
                    break

    def _wait_until_shown(self) -> bool:
        """Wait until the browser shows the frame just sent; a click (a rerun waiting) or a
        newer run ends the wait. False when the frame was not shown within WATCH_WAIT_S."""
        deadline = time.monotonic() + WATCH_WAIT_S
        while self.channel.unseen():
            if rerun_waiting() or not self._owner():
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def _auto_pause(self, started: float, check_tab: bool) -> bool:
        """Pause after ``max_play_s`` of Play, or when the session's tab has closed."""
        too_long = time.monotonic() - started > process().settings.max_play_s
        if not too_long and not (check_tab and not session_alive()):
            return False
        self.pause()
        self._notice.info("Paused automatically to share the server. Press Play to go on.")
        return True

    def _render_live(self) -> LiveOut:
        out = LiveOut(
            True, channel=self.one_element and available(), palette=self.palette,
            key=self.state.key("live"),
        )  # fmt: skip
        with self._body if self.one_element else self._body.container():
            self.render(self.trainer, out)
        return out

    def _publish(self, out: LiveOut, last_status: float) -> float:
        """Send what the render made: a channel frame carries the counter line and caption;
        else they are deltas, at the process's cadence. Returns when the text was last sent."""
        if out.frame is not None:
            drew = self.channel.send(
                out.frame, self.status_now(), out.text, self._body, self._status
            )
            if drew and self._caption_text:  # the channel shows the caption under its frames
                self._caption.empty()
                self._caption_text = ""
            return last_status
        now = time.monotonic()
        if now - last_status < process().status_every():
            return last_status
        self._show_status()
        self._show_caption(out.text)
        return now

    def _trace(self, path: str) -> None:
        """Append when a training tick ended: benchmarks measure how fast Pause stops training
        and how many live frames each session got ("<wall time> <ns> <steps> <session id>")."""
        with open(path, "a", encoding="utf-8") as f:
            f.write(f"{time.time():.4f} {self.state.ns} {self.trainer.steps} {session_id()}\n")
