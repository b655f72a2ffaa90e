"""The latest live frame of every playing page in this process, and the requests waiting for
the next one (the server side of the live-frame channel, ``dlcore.ui.channel``).

``publish`` runs in a script thread (a live loop), ``next_frame`` on the server's event loop. A
stream holds only its latest frame and is dropped ``idle_s`` after its last one, so a closed tab
leaves nothing behind. No Streamlit here: the one hub lives in ``dlcore.ui.process``.
"""

from __future__ import annotations

import asyncio
import secrets
import threading
import time
from dataclasses import dataclass, field

WAIT_S = 10.0  # how long one wait for a new frame lasts before it checks the stream still exists
STREAM_IDLE_S = 120.0  # a stream with no new frame for this long is dropped (its loop ended)

Frame = tuple[int, bytes | str, str, str]  # (seq, body, mime, meta): see FrameHub.publish


@dataclass
class _Stream:
    seq: int = 0
    body: bytes | str = b""
    mime: str = "image/png"
    meta: str = ""
    shown: int = 0  # the newest frame the browser said it has on screen ("next")
    touched: float = field(default_factory=time.monotonic)  # opened or last published
    waiters: list = field(default_factory=list)  # (event loop, future) of waiting requests


class FrameHub:
    """The latest frame of every live stream in this process, and the requests waiting for the
    next one. ``publish`` runs in a script thread, ``next_frame`` on the server's event loop."""

    def __init__(self, idle_s: float = STREAM_IDLE_S) -> None:
        self.idle_s = idle_s
        self._streams: dict[str, _Stream] = {}
        self._lock = threading.Lock()

    def open(self) -> str:
        """A new stream; returns its token (the secret part of its URL)."""
        token = secrets.token_urlsafe(16)
        with self._lock:
            self._sweep()
            self._streams[token] = _Stream()
        return token

    def publish(self, token: str, body: bytes | str, mime: str, meta: str = "") -> bool:
        """Make ``body`` the stream's latest frame and wake its waiting requests. ``body`` is an
        image (bytes) or a renderer's JSON (str); ``meta`` a JSON object of the text around it
        (status, caption). False when the stream is gone (idle too long): the caller opens a
        new one."""
        with self._lock:
            s = self._streams.get(token)
            if s is None:
                return False
            s.seq, s.body, s.mime, s.meta = s.seq + 1, body, mime, meta
            s.touched = time.monotonic()
            waiters, s.waiters = s.waiters, []
        for loop, fut in waiters:
            loop.call_soon_threadsafe(_wake, fut)
        return True

    def latest(self, token: str, after: int) -> Frame | None:
        """(seq, body, mime, meta) when the stream has a frame newer than ``after``."""
        with self._lock:
            s = self._streams.get(token)
            if s is None or s.seq <= after:
                return None
            return s.seq, s.body, s.mime, s.meta

    def showed(self, token: str, seq: int) -> None:
        """The browser has frame ``seq`` of the stream on screen (its "next")."""
        with self._lock:
            s = self._streams.get(token)
            if s is not None:
                s.shown = max(s.shown, seq)

    def unseen(self, token: str) -> bool:
        """True while the stream's latest frame is not yet on the browser's screen."""
        with self._lock:
            s = self._streams.get(token)
            return s is not None and s.seq > s.shown

    def exists(self, token: str) -> bool:
        with self._lock:
            return token in self._streams

    async def next_frame(self, token: str, after: int, timeout: float = WAIT_S) -> Frame | None:
        """The first frame newer than ``after``, waiting up to ``timeout`` seconds for it."""
        loop = asyncio.get_running_loop()
        with self._lock:
            s = self._streams.get(token)
            if s is None:
                return None
            if s.seq > after:
                return s.seq, s.body, s.mime, s.meta
            fut = loop.create_future()
            s.waiters.append((loop, fut))
        try:
            await asyncio.wait_for(fut, timeout)
        except TimeoutError:
            with self._lock:
                s.waiters = [(lp, f) for lp, f in s.waiters if f is not fut]
                self._sweep()
        return self.latest(token, after)

    def close(self, token: str) -> None:
        with self._lock:
            s = self._streams.pop(token, None)
        for loop, fut in s.waiters if s else ():
            loop.call_soon_threadsafe(_wake, fut)

    def __len__(self) -> int:
        with self._lock:
            return len(self._streams)

    def _sweep(self) -> None:  # under the lock
        now = time.monotonic()
        for token in [t for t, s in self._streams.items() if now - s.touched > self.idle_s]:
            self._streams.pop(token)


def _wake(fut: asyncio.Future) -> None:
    if not fut.done():
        fut.set_result(None)
