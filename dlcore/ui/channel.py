"""The live-frame channel: a playing page's frames reach the browser over their own WebSocket,
not as Streamlit deltas.

Why (measured, README "Hosting for a class"): every Streamlit delta makes the browser re-render
the whole app, sidebar included (~1,000 React components a frame on the NTM page), and on a
server shared by a class the students' browsers took as much CPU as the training. Through the
channel a frame is one binary message that a canvas shows (decoded off the page's main thread);
nothing else on the page re-renders.

    server (a live loop)                     browser (components v2, dlcore/ui/js/channel.js)
    live_image(png, "image/png")             WebSocket /dlx/frames/<token>
      HUB.publish(token, png)   ---------->    the newest frame: decode, show on the canvas
                                <----------    "next" (sent once the frame is on screen)

The browser pulls: the server sends the newest frame only after the browser showed the last
one, so a slow browser skips frames instead of queueing them. The token is this session's
secret (128 random bits, sent only to its own browser), so no student can see another's
frames. A stream holds only its latest frame and is dropped STREAM_IDLE_S after its last one,
so a closed tab leaves nothing behind.

The route exists when app.py serves the app (``st.App("home.py", routes=routes())``); under
AppTest, or a page run on its own, ``live_image`` falls back to ``st.image`` of a data URL.
"""

from __future__ import annotations

import asyncio
import base64
import secrets
import threading
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

PATH = "/dlx/frames"
ENDED = 4404  # WebSocket close code: the stream is unknown or ended
WAIT_S = 10.0  # how long one wait for a new frame lasts before it checks the stream still exists
STREAM_IDLE_S = 120.0  # a stream with no new frame for this long is dropped (its loop ended)
JS = Path(__file__).with_name("js") / "channel.js"


@dataclass
class _Stream:
    seq: int = 0
    body: bytes = b""
    mime: str = "image/png"
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

    def publish(self, token: str, body: bytes, mime: str) -> bool:
        """Make ``body`` the stream's latest frame and wake its waiting requests. False when the
        stream is gone (idle too long): the caller opens a new one."""
        with self._lock:
            s = self._streams.get(token)
            if s is None:
                return False
            s.seq, s.body, s.mime, s.touched = s.seq + 1, body, mime, time.monotonic()
            waiters, s.waiters = s.waiters, []
        for loop, fut in waiters:
            loop.call_soon_threadsafe(_wake, fut)
        return True

    def latest(self, token: str, after: int) -> tuple[int, bytes, str] | None:
        """(seq, body, mime) when the stream has a frame newer than ``after``."""
        with self._lock:
            s = self._streams.get(token)
            if s is None or s.seq <= after:
                return None
            return s.seq, s.body, s.mime

    def exists(self, token: str) -> bool:
        with self._lock:
            return token in self._streams

    async def next_frame(
        self, token: str, after: int, timeout: float = WAIT_S
    ) -> tuple[int, bytes, str] | None:
        """The first frame newer than ``after``, waiting up to ``timeout`` seconds for it."""
        loop = asyncio.get_running_loop()
        with self._lock:
            s = self._streams.get(token)
            if s is None:
                return None
            if s.seq > after:
                return s.seq, s.body, s.mime
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


HUB = FrameHub()
_ROUTED = [False]  # True once app.py mounted the route (see module docstring)


async def frames_socket(ws) -> None:
    """WebSocket /dlx/frames/<token>: sends the stream's newest frame (one binary message), then
    waits for the browser's "next" (it has shown that frame) before sending a newer one. Closes
    with code 4404 when the stream is unknown or ended (the browser stops)."""
    from starlette.websockets import WebSocketDisconnect

    token = ws.path_params["token"]
    await ws.accept()
    after = 0
    try:
        while True:
            frame = await HUB.next_frame(token, after)
            if frame is None:
                if HUB.exists(token):
                    continue  # nothing new within WAIT_S: keep waiting
                await ws.close(code=ENDED)
                return
            after = frame[0]
            await ws.send_bytes(frame[1])
            await ws.receive_text()  # "next"
    except (WebSocketDisconnect, RuntimeError, OSError):  # the tab closed or navigated away
        return


def routes() -> list:
    """The channel's route, for ``st.App("home.py", routes=routes())`` in app.py."""
    from starlette.routing import WebSocketRoute

    _ROUTED[0] = True
    return [WebSocketRoute(PATH + "/{token}", frames_socket)]


def data_url(body: bytes, mime: str) -> str:
    return f"data:{mime};base64," + base64.b64encode(body).decode("ascii")


@cache
def _component():
    import streamlit as st

    js = JS.read_text(encoding="utf-8")
    # isolate_styles=False: the <img> joins the page's DOM, where tests and the frame counter
    # in bench/harness.py see each frame
    return st.components.v2.component("dlx_channel", js=js, isolate_styles=False)


def live_image(body: bytes, mime: str, *, width: int | None = None) -> None:
    """Show one live frame (call from a live panel's render, where it would call st.image).

    Inside a one-element panel's live loop under ``streamlit run app.py`` the frame goes through
    the channel: the run's first frame draws the receiving element, and every frame is published
    to the session's stream, with no delta. Anywhere else (paused, AppTest, a container panel
    that redraws every tick) it is ``st.image`` of an inline data URL, as before."""
    import streamlit as st

    from dlcore.ui.live import _under_server, rendering_panel
    from dlcore.ui.state import ns_get, ns_set

    panel = rendering_panel()
    if panel is None or not panel.one_element or not _ROUTED[0] or not _under_server():
        st.image(data_url(body, mime), width=width if width else "content")
        return
    token = ns_get(panel.ns, "channel")
    if token is None or not HUB.publish(token, body, mime):
        token = HUB.open()
        ns_set(panel.ns, "channel", token)
        HUB.publish(token, body, mime)
    if panel.channel_token != token:  # first frame of this run (or a new stream): the element
        panel.channel_token = token
        data = {"url": f"{PATH}/{token}", "width": width}
        _component()(data=data, key=f"{panel.ns}.channel")
