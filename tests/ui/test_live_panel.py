"""AppTest of the shared live-training panel and URL state, on the toy live page."""

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dlcore.ui import live
from dlcore.ui.process import fair_budget, frame_share, process

DEMO = str(Path(__file__).resolve().parents[2] / "bench" / "apps" / "live_demo.py")


def _app() -> AppTest:
    return AppTest.from_file(DEMO, default_timeout=60)


def _status(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "step " in m.value)


def test_step_advances_and_reset_restarts():
    at = _app().run()
    assert not at.exception
    assert "step 0" in _status(at)
    at.button(key="toy.btn.step").click().run()
    assert "step 20" in _status(at) and "Epoch 1" in _status(at)
    at.button(key="toy.btn.reset").click().run()
    assert "step 0" in _status(at)


def test_play_trains_and_pause_stops():
    at = _app().run()
    at.button(key="toy.btn.play").click().run()  # under AppTest a Play runs a few ticks
    assert not at.exception
    assert at.button(key="toy.btn.play").label == "Pause"
    steps = int(_status(at).split("step ")[1].split()[0].replace(",", ""))
    assert steps > 0
    at.button(key="toy.btn.play").click().run()
    assert at.button(key="toy.btn.play").label == "Play"
    assert f"step {steps:,}" in _status(at)  # paused: no more steps


def test_fair_budget_shrinks_when_more_sessions_play_than_slots():
    assert fair_budget(0.03, 2, 0) == fair_budget(0.03, 2, 1) == 0.03
    assert fair_budget(0.03, 2, 2) == 0.03
    assert fair_budget(0.03, 2, 20) == pytest.approx(0.003)
    assert fair_budget(0.25, 4, 5) == pytest.approx(0.2)


def test_frame_share_splits_the_process_frames_equally_beyond_the_page_cap():
    assert frame_share(40, 50, 0) == frame_share(40, 50, 1) == 40  # one student
    assert frame_share(40, 50, 10) == pytest.approx(5.0)
    assert frame_share(40, 50, 20) == pytest.approx(2.5)
    assert frame_share(4, 50, 10) == 4  # a page's own lower cap stays


def test_counter_line_updates_every_frame_unless_the_class_outnumbers_the_slots(monkeypatch):
    p = process()
    slots = p.settings.max_training
    for playing, every in ((1, 0.0), (slots, 0.0), (slots + 1, p.settings.crowded_status_s)):
        monkeypatch.setattr(p, "_playing", playing)
        assert p.status_every() == every
    assert p.settings.crowded_status_s > 1.0


class _BusySlots:
    """A training-slot semaphore that is busy for the first ``busy`` tries."""

    def __init__(self, busy: int) -> None:
        self.busy, self.tries = busy, 0

    def acquire(self, ticket: object, timeout: float | None = None) -> bool:
        self.tries += 1
        return self.tries > self.busy

    def release(self) -> None:
        pass

    def leave(self, ticket: object) -> None:
        pass


def _sent(monkeypatch, method: str = "warning") -> list[str]:
    """The bodies of every ``st.<method>`` call from now on (the call still draws)."""
    from streamlit.delta_generator import DeltaGenerator

    shown, real = [], getattr(DeltaGenerator, method)
    monkeypatch.setattr(
        DeltaGenerator,
        method,
        lambda self, body, **kw: shown.append(body) or real(self, body, **kw),
    )
    return shown


@pytest.mark.parametrize(("busy", "notice_after", "expected"), [(3, 0.0, 1), (1, 30.0, 0)])
def test_a_long_wait_for_a_slot_shows_a_notice_a_short_one_does_not(
    monkeypatch, settings, busy, notice_after, expected
):
    monkeypatch.setattr(process(), "slots", _BusySlots(busy))
    settings(notice_after_s=notice_after, notice_hold_s=0.0)
    shown = _sent(monkeypatch)
    at = _app().run()
    at.button(key="toy.btn.play").click().run()
    assert not at.exception
    notices = [s for s in shown if s.startswith("Waiting for a training slot")]
    assert len(notices) == expected  # shown once for the whole wait, not once per try
    assert not at.warning  # training resumed: the notice was cleared
    assert "step 0" not in _status(at)


class _PatternSlots(_BusySlots):
    """A training-slot semaphore whose tries succeed or fail in a given order."""

    def __init__(self, pattern: list[bool]) -> None:
        super().__init__(0)
        self.pattern = pattern

    def acquire(self, ticket: object, timeout: float | None = None) -> bool:
        self.tries += 1
        return self.pattern[self.tries - 1] if self.tries <= len(self.pattern) else True


@pytest.mark.parametrize(("hold", "times_shown"), [(30.0, 1), (0.0, 2)])
def test_the_notice_stays_up_while_long_and_short_waits_alternate(
    monkeypatch, settings, hold, times_shown
):
    # ticks: after a wait, at once, after a wait (a full class: waits straddle the threshold)
    monkeypatch.setattr(process(), "slots", _PatternSlots([False, True, True, False, True]))
    settings(notice_after_s=0.0, notice_hold_s=hold)
    shown = _sent(monkeypatch)
    at = _app().run()
    at.button(key="toy.btn.play").click().run()
    assert not at.exception
    notices = [s for s in shown if s.startswith("Waiting for a training slot")]
    assert len(notices) == times_shown  # held: shown once, not cleared and shown again
    assert at.warning  # the last tick waited: the notice is up


def test_an_unchanged_counter_line_is_not_sent_again(monkeypatch):
    sent = _sent(monkeypatch, "markdown")
    monkeypatch.setattr(live, "status_text", lambda trainer, rate, label="Epoch": "same")
    at = _app().run()
    at.button(key="toy.btn.play").click().run()
    assert not at.exception
    assert sent.count("same") == 2  # once per script run (two runs), not once per tick


def test_a_playing_loop_is_counted_shares_frames_and_is_released(monkeypatch):
    seen, shares = [], []
    p = process()
    real, real_share = p.fair_budget, p.frame_share
    monkeypatch.setattr(p, "fair_budget", lambda b: seen.append(p.playing) or real(b))
    monkeypatch.setattr(p, "frame_share", lambda m: shares.append(p.playing) or real_share(m))
    at = _app().run()
    at.button(key="toy.btn.play").click().run()
    assert seen and all(n >= 1 for n in seen)  # each tick saw this session playing
    assert len(shares) == p.settings.test_ticks and all(n >= 1 for n in shares)  # its share
    assert p.playing == 0  # the loop ended: released


def test_url_sets_controls_and_garbage_gives_notice():
    at = _app()
    at.query_params["lr"] = "0.5"
    at.query_params["hidden"] = "16"
    at.query_params["grid"] = "lots"
    at.run()
    assert not at.exception
    assert at.number_input(key="toy.w.lr").value == 0.5
    assert at.slider(key="toy.w.hidden").value == 16
    assert at.slider(key="toy.w.grid").value == 40
    assert any("Grid resolution" in w.value for w in at.warning)


def test_live_change_keeps_training_and_structural_change_rebuilds():
    at = _app().run()
    at.button(key="toy.btn.step").click().run()
    at.number_input(key="toy.w.lr").set_value(0.25).run()
    assert "step 20" in _status(at)  # learning rate is live: progress kept
    assert at.query_params["lr"] in ("0.25", ["0.25"])
    at.slider(key="toy.w.hidden").set_value(4).run()
    assert "step 0" in _status(at)  # architecture is structural: rebuilt


def test_each_run_and_button_claims_the_trainer_so_an_older_loop_lets_go():
    at = _app().run()
    first = at.session_state["toy.gen"]
    at.run()
    assert at.session_state["toy.gen"] == first + 1  # a new script run took the trainer over
    at.button(key="toy.btn.step").click().run()  # the callback claims it too, then the run
    assert at.session_state["toy.gen"] == first + 3
    lock = at.session_state["toy.lock"]
    assert lock.acquire(blocking=False)  # nothing holds it once the run is over
    lock.release()


def test_a_diverged_trainer_pauses_with_the_message_and_reset_recovers():
    import math

    at = _app().run()
    trainer = at.session_state["toy.trainer"]
    for p in trainer.net.parameters():  # the weights blew up
        p.data.fill_(math.nan)
    at.button(key="toy.btn.play").click().run()
    assert not at.exception
    assert at.button(key="toy.btn.play").label == "Play"  # paused itself after one frame
    (error,) = at.error
    assert error.value.startswith("**Training diverged**: loss became NaN or infinite")
    at.button(key="toy.btn.reset").click().run()
    assert not at.error and at.session_state["toy.trainer"] is not trainer
    at.button(key="toy.btn.step").click().run()
    assert not at.error and math.isfinite(at.session_state["toy.trainer"].history.last()["loss"])


def test_a_trainer_that_halts_by_itself_pauses_the_panel(monkeypatch):
    from dlcore.toy import ToyTrainer

    monkeypatch.setattr(ToyTrainer, "halted", property(lambda self: self.steps >= 20))
    at = _app().run()
    at.button(key="toy.btn.play").click().run()
    assert not at.exception and not at.error
    assert at.button(key="toy.btn.play").label == "Play"
    assert at.session_state["toy.trainer"].steps >= 20


def test_holding_the_trainer_claims_it_and_locks_it(monkeypatch):
    from dlcore.toy import ToyConfig, ToyTrainer
    from dlcore.ui.state import Namespace

    monkeypatch.setattr("streamlit.session_state", {})
    state = Namespace("toy")
    with live.holding_trainer(state) as nothing:
        assert nothing is None  # no panel built one yet
    gen = state.get("gen")
    with live.holding_trainer(state, ToyConfig(), ToyTrainer) as trainer:
        assert isinstance(trainer, ToyTrainer) and state.trainer is trainer
        assert state.get("gen") == gen + 1  # an older run's loop lets go at its next tick
        lock = state.get("lock")
        assert lock._is_owned()  # held while the work runs
    assert not lock._is_owned()


def test_forgetting_the_trainer_claims_it_and_a_new_one_is_built(monkeypatch):
    from dlcore.toy import ToyConfig, ToyTrainer
    from dlcore.ui.state import Namespace

    monkeypatch.setattr("streamlit.session_state", {})
    state = Namespace("toy")
    old = state.ensure_trainer(ToyConfig(), ToyTrainer)
    live.forget_trainer(state)
    assert state.trainer is None and state.get("gen") == 1  # an older loop lets go
    assert state.ensure_trainer(ToyConfig(), ToyTrainer) is not old  # same config, new trainer


def test_the_rate_counts_the_wait_between_frames_from_the_first_frame_on(monkeypatch):
    p = process()
    monkeypatch.setattr(p, "frame_share", lambda max_fps: 5.0)  # a frame every 0.2 s at most
    at = _app().run()
    at.button(key="toy.btn.play").click().run()  # under AppTest: 3 frames
    steps, rate = at.session_state["toy.trainer"].steps, at.session_state["toy.rate"]
    assert 0 < rate < 2 * steps / (3 * 0.2)  # ~steps per 0.2 s, not per training burst


class _Watching:
    """What ``LivePanel._wait_until_shown`` reads: the channel's unseen frame and the owner."""

    def __init__(self, shown_after: float, owner: bool = True) -> None:
        self.until, self.owner = time.monotonic() + shown_after, owner
        self.channel = self

    def unseen(self) -> bool:
        return time.monotonic() < self.until

    def _owner(self) -> bool:
        return self.owner


def test_a_watched_panel_waits_until_the_browser_shows_the_frame(monkeypatch):
    monkeypatch.setattr(live, "rerun_waiting", lambda: False)
    t0 = time.monotonic()
    assert live.LivePanel._wait_until_shown(_Watching(0.2))  # shown: the walk goes on
    assert time.monotonic() - t0 >= 0.2
    monkeypatch.setattr(live, "WATCH_WAIT_S", 0.1)
    assert not live.LivePanel._wait_until_shown(_Watching(60))  # never shown: run free
    t0 = time.monotonic()
    assert live.LivePanel._wait_until_shown(_Watching(60, owner=False))  # a newer run: let go
    monkeypatch.setattr(live, "rerun_waiting", lambda: True)
    assert live.LivePanel._wait_until_shown(_Watching(60))  # a click: handle it at once
    assert time.monotonic() - t0 < 0.1
