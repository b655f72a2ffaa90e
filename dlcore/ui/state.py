"""Per-session state under namespaced keys (``"gan.trainer"``), and trainer (re)building.

Trainers live in ``st.session_state``; a structural config change builds a new one, a live change
is applied with ``trainer.update(cfg)`` so training continues (like TF Playground's learning rate).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from dlcore.config import needs_rebuild

T = TypeVar("T")
CLOCK = time.monotonic  # read at each call of ``due`` (tests replace it)


def ns_key(ns: str, name: str) -> str:
    return f"{ns}.{name}"


def ns_get(ns: str, name: str, default: Any = None) -> Any:
    return st.session_state.get(ns_key(ns, name), default)


def ns_set(ns: str, name: str, value: Any) -> None:
    st.session_state[ns_key(ns, name)] = value


def ns_cached(ns: str, name: str, make: Callable[[], T]) -> T:
    """A per-session value built once (e.g. a fine-tuned copy of a shipped model)."""
    key = ns_key(ns, name)
    if key not in st.session_state:
        st.session_state[key] = make()
    return st.session_state[key]


def due(ns: str, name: str, every: float, *, force: bool = False) -> bool:
    """Per session: True at the first call, when ``force``, and once ``every`` seconds have
    passed since the last True (a live page's slower panels, e.g. the GAN's curves)."""
    now, last = CLOCK(), ns_get(ns, name)
    if force or last is None or now - last >= every:
        ns_set(ns, name, now)
        return True
    return False


def frame_stream(ns: str) -> str:
    """This session's name for the live frames of page ``ns``: their PNG palette is built from
    and used for this student's frames only (``dlcore.viz.raster.png_data_url``)."""
    return ns_cached(ns, "frame_stream", lambda: f"{ns}.{uuid.uuid4().hex}")


def ensure_trainer(ns: str, cfg: Any, factory: Callable[[Any], T]) -> T:
    """The session's trainer for ``cfg``: rebuilt on a structural change, updated on a live one."""
    key = ns_key(ns, "trainer")
    trainer = st.session_state.get(key)
    if trainer is None or needs_rebuild(trainer.cfg, cfg):
        trainer = factory(cfg)
        st.session_state[key] = trainer
    elif trainer.cfg != cfg:
        trainer.update(cfg)
    return trainer


def reset_trainer(ns: str, factory: Callable[[Any], T]) -> T:
    """Build a fresh trainer from the current trainer's config (the Reset button)."""
    key = ns_key(ns, "trainer")
    old = st.session_state.get(key)
    cfg = old.cfg if old is not None else ns_get(ns, "cfg")
    st.session_state[key] = factory(cfg)
    return st.session_state[key]


def clear_namespace(ns: str) -> None:
    """Forget everything a page stored for this session (frees its trainer)."""
    for key in [k for k in st.session_state if str(k).startswith(f"{ns}.")]:
        del st.session_state[key]
