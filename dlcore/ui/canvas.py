"""Live frames drawn by the browser: in-page canvas renderers (Streamlit components v2, no iframe).

A renderer is a JavaScript module in dlcore/ui/js/<name>.js whose default export draws
``component.data`` (a JSON-able dict of numbers; arrays as base64) into ``parentElement``. The
element keeps one key, so the browser mounts it once and calls the renderer again with each new
frame (measured: 1 mount, a call per frame). A live loop draws many frames in one script run,
which Streamlit forbids for a keyed element; ``live_canvas`` forgets the previous frame's
registration first (a private API, guarded: if it moves, every frame gets a fresh key instead,
which still works but re-mounts the element each frame).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import streamlit as st

from dlcore.ui.state import Namespace

JS_DIR = Path(__file__).with_name("js")


@cache
def _renderer(name: str):
    js = (JS_DIR / f"{name}.js").read_text(encoding="utf-8")
    # isolate_styles=False: the canvases join the page's DOM (not a shadow root), so the page's
    # tests and the frame counter in bench/harness.py see each frame
    return st.components.v2.component(f"dlx_{name}", js=js, isolate_styles=False)


def _registries() -> tuple[Any, ...]:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    shared = ctx.shared  # type: ignore[union-attr]
    return shared.widget_user_keys_this_run, shared.widget_ids_this_run


def _forget(registered: tuple[frozenset, ...]) -> None:
    for reg, ids in zip(_registries(), registered):
        with reg._lock:
            for i in ids:
                reg._data.discard(i)


def live_canvas(name: str, data: dict[str, Any], key: str) -> None:
    """Draw one frame with the renderer ``dlcore/ui/js/<name>.js`` (same ``key`` every frame)."""
    memo = Namespace("_dlx").key(f"canvas.{key}")
    try:
        _forget(st.session_state.get(memo, ((), ())))
        before = [r.snapshot() for r in _registries()]
    except Exception:  # private API moved: fall back to a fresh key per frame
        _renderer(name)(data=data, key=f"{key}.{data.get('i', 0)}", height="content")
        return
    _renderer(name)(data=data, key=key, height="content")
    st.session_state[memo] = tuple(r.snapshot() - b for r, b in zip(_registries(), before))
