"""Per-session state under namespaced keys, built in this one place.

Every key a page stores in ``st.session_state`` is ``"<ns>.<name>"`` (``"gan.trainer"``), and the
widget bound to config field ``f`` is ``"<ns>.w.<f>"``. A ``Namespace`` makes those keys; a page
reaches it through its ``Page`` (``dlcore.ui.page``), a live panel through its own.

    ns = Namespace("gan")
    ns.get("phase"); ns.set("phase", view); ns.cached("palette", FramePalette)
    ns.widget_key("lr_d")                        # "gan.w.lr_d"
    ns.ensure_trainer(cfg, PlaneGan)             # rebuilt on a structural change, else updated

Trainers live here; a structural config change builds a new one, a live change is applied with
``trainer.update(cfg)`` so training continues (like TF Playground's learning rate).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from dlcore.config import needs_rebuild
from dlcore.ui.process import process

T = TypeVar("T")
_MISSING = object()


class Namespace:
    """The session keys of one page (or one live panel): ``"<ns>.<name>"``."""

    def __init__(self, ns: str) -> None:
        self.ns = ns

    def key(self, name: str) -> str:
        return f"{self.ns}.{name}"

    def widget_key(self, field: str) -> str:
        """The key of the widget bound to config field ``field``."""
        return self.key(f"w.{field}")

    def child(self, name: str) -> Namespace:
        """A namespace inside this one (a second live panel on a page: ``"rnn.clip"``)."""
        return Namespace(self.key(name))

    def get(self, name: str, default: Any = None) -> Any:
        return st.session_state.get(self.key(name), default)

    def set(self, name: str, value: Any) -> None:
        st.session_state[self.key(name)] = value

    def pop(self, name: str, default: Any = None) -> Any:
        return st.session_state.pop(self.key(name), default)

    def __contains__(self, name: str) -> bool:
        return self.key(name) in st.session_state

    def cached(self, name: str, make: Callable[[], T]) -> T:
        """A per-session value built once (e.g. a fine-tuned copy of a shipped model)."""
        value = st.session_state.get(self.key(name), _MISSING)
        if value is _MISSING:
            value = make()
            st.session_state[self.key(name)] = value
        return value

    def memo(self, name: str, key: Any, make: Callable[[], T]) -> T:
        """``make()``, remembered for this session while ``key`` stays the same (a control of
        another view reruns the page with the same model and grid: nothing is rebuilt)."""
        held = self.get(f"memo.{name}")
        if held is not None and held[0] == key:
            return held[1]
        value = make()
        self.set(f"memo.{name}", (key, value))
        return value

    def due(self, name: str, every: float, *, force: bool = False) -> bool:
        """True at the first call, when ``force``, and once ``every`` seconds have passed since
        the last True: a live page's slower panels (the GAN's curves)."""
        now, last = process().clock(), self.get(name)
        if force or last is None or now - last >= every:
            self.set(name, now)
            return True
        return False

    # -- the session's trainer -----------------------------------------------------------
    @property
    def trainer(self) -> Any:
        return self.get("trainer")

    def ensure_trainer(self, cfg: Any, factory: Callable[[Any], T]) -> T:
        """The trainer for ``cfg``: rebuilt on a structural change, updated on a live one."""
        trainer = self.trainer
        if trainer is None or needs_rebuild(trainer.cfg, cfg):
            trainer = factory(cfg)
            self.set("trainer", trainer)
        elif trainer.cfg != cfg:
            trainer.update(cfg)
        return trainer

    def reset_trainer(self, factory: Callable[[Any], T]) -> T:
        """A fresh trainer from the current trainer's config (the Reset button)."""
        old = self.trainer
        trainer = factory(old.cfg if old is not None else self.get("cfg"))
        self.set("trainer", trainer)
        return trainer
