"""The divergence path every live panel shares, checked on a page under AppTest.

    trainer, fresh = diverge_and_reset(at, "ntm", nan_parameters("model"), says="loss")

The session's trainer is made to diverge (``poison``, e.g. its weights filled with NaN), then:
Step shows the panel's "Training diverged" message, once, and no other error or exception; Play
stops at once; Reset builds a fresh trainer (step 0, no error); Step trains it again, healthy.
Returns the poisoned and the fresh trainer for the page's own checks.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

DIVERGED = "Training diverged"


def nan_parameters(*modules: str) -> Callable[[object], None]:
    """A poison: every parameter of the trainer's ``modules`` (attribute names) becomes NaN;
    a name that holds a dict of models poisons each of them."""

    def poison(trainer: object) -> None:
        for name in modules:
            held = getattr(trainer, name)
            models: Iterable = held.values() if isinstance(held, dict) else (held,)
            for model in models:
                for p in model.parameters():
                    p.data.fill_(math.nan)

    return poison


def _messages(at) -> list[str]:
    return [e.value for e in at.error if DIVERGED in e.value]


def diverge_and_reset(
    at,
    ns: str,
    poison: Callable[[object], None],
    *,
    says: str = "",
    play: bool = True,
    while_diverged: Callable[[object], None] | None = None,
) -> tuple[object, object]:
    """Check the divergence path of the panel whose keys are ``ns`` (see the module docstring);
    ``says`` must appear in the message (what diverged); ``while_diverged(at)`` checks the rest
    of the page while the message is up."""
    trainer = at.session_state[f"{ns}.trainer"]
    poison(trainer)
    at.button(key=f"{ns}.btn.step").click().run()
    assert not at.exception
    (message,) = (e.value for e in at.error)  # the panel's message, once, and nothing else
    assert DIVERGED in message and says in message, message
    if while_diverged is not None:
        while_diverged(at)
    if play:
        at.button(key=f"{ns}.btn.play").click().run()  # Play on a diverged model stops at once
        assert not at.exception and at.button(key=f"{ns}.btn.play").label == "Play"
        assert _messages(at)
    at.button(key=f"{ns}.btn.reset").click().run()
    assert not at.exception and not at.error
    fresh = at.session_state[f"{ns}.trainer"]
    assert fresh is not trainer and fresh.steps == 0
    at.button(key=f"{ns}.btn.step").click().run()
    assert not at.exception and not at.error and fresh.steps > 0
    assert fresh.diverged is None
    return trainer, fresh
