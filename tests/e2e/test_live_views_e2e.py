"""Every live view of every page, in a real browser: press Play, let it train for a few seconds,
press Pause. The counter advances while playing and stops on Pause, no exception element appears,
and the server's log holds no traceback (a crash inside a live loop shows in one of them)."""

import re
import time

import pytest

from bench.harness import EXCEPTION, open_app, parse_counter, status_text, wait_idle

# (page URL, the expander to open first or None): each live panel of the app
LIVE_VIEWS = [
    ("playground", None),
    ("convolution?view=learned+filters", None),
    ("rnn?view=flow", None),
    ("rnn?view=train", None),
    ("rnn?view=clip", None),
    ("attention", "Train a fresh model live"),
    ("ntm?view=train", None),
    ("vae?source=live", None),
    ("gan", None),
    ("gan?show_dstar=1", None),
    ("gan?panel=digits", None),
]
PLAY_SECONDS = 4.0


def _steps(page) -> int:
    return parse_counter(status_text(page))[1]


def _tracebacks(server) -> list[str]:
    text = server.log_path.read_text(encoding="utf-8", errors="replace")
    return re.findall(r"Traceback \(most recent call last\)", text)


@pytest.mark.parametrize(("path", "expander"), LIVE_VIEWS)
def test_play_trains_and_pause_stops_without_an_exception(server, page, path, expander):
    before = len(_tracebacks(server))
    open_app(page, server.url(path))
    if expander:
        page.get_by_text(expander).click()
    play = page.get_by_role("button", name="Play")
    play.click()
    page.get_by_role("button", name="Pause").wait_for(timeout=60000)
    start = _steps(page)
    deadline = time.monotonic() + 60
    while _steps(page) == start and time.monotonic() < deadline:  # the first frame can be slow
        time.sleep(0.2)
    time.sleep(PLAY_SECONDS)
    assert _steps(page) > start, "training did not advance while playing"
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Play").wait_for(timeout=60000)
    wait_idle(page)
    paused = _steps(page)
    time.sleep(1.5)
    assert _steps(page) == paused, "training went on after Pause"
    assert page.locator(EXCEPTION).count() == 0
    assert len(_tracebacks(server)) == before, server.log_path.read_text()[-3000:]
