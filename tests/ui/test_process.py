"""Process-wide state (dlcore/ui/process.py): settings read once from the environment, with
defaults for missing or broken values, and the playing count behind the fair shares."""

import pytest

from dlcore.ui.process import Process, Settings


def test_settings_from_the_environment():
    s = Settings.from_env(
        {
            "DLX_MAX_TRAINING": "5",
            "DLX_MAX_PLAY_SECONDS": "60",
            "DLX_FRAMES_PER_CORE": "10",
            "DLX_TRACE_TICKS": "/tmp/ticks.txt",
            "DLX_REPLICA": "B",
        }
    )
    assert (s.max_training, s.max_play_s, s.frames_per_core) == (5, 60.0, 10.0)
    assert s.trace_file == "/tmp/ticks.txt" and s.replica == "B"
    assert s.frames_per_s == pytest.approx(10.0 * s.cores)


def test_missing_or_broken_settings_fall_back_to_defaults():
    s = Settings.from_env({"DLX_MAX_TRAINING": "many", "DLX_FRAMES_PER_CORE": ""})
    assert s.max_training == max(2, s.cores)  # default: every core, at least 2
    assert s.frames_per_core == 25.0 and s.max_play_s == 900.0
    assert s.trace_file is None and s.replica == ""


def test_playing_sessions_are_counted_and_shares_follow():
    p = Process(Settings(cores=2, max_training=2, frames_per_core=25.0))
    assert p.playing == 0 and not p.crowded() and p.frame_share(40) == 40
    with p.playing_session(), p.playing_session(), p.playing_session():
        assert p.playing == 3 and p.crowded()  # more playing than the 2 slots
        assert p.fair_budget(0.03) == pytest.approx(0.02)
        assert p.frame_share(40) == pytest.approx(50 / 3)
        assert p.status_every() == p.settings.crowded_status_s
    assert p.playing == 0


def test_a_loop_that_fails_still_leaves():
    p = Process(Settings())
    with pytest.raises(RuntimeError), p.playing_session():
        raise RuntimeError("a render failed")
    assert p.playing == 0
