"""The live-frame channel: a playing page's frames reach the browser over their own WebSocket,
not as Streamlit deltas.

Why (measured, README "Hosting for a class"): every Streamlit delta makes the browser re-render
the whole app, sidebar included (~1,000 React components a frame on the NTM page), and on a
server shared by a class the students' browsers took as much CPU as the training. Through the
channel a frame is one binary message that a canvas shows (decoded off the page's main thread);
nothing else on the page re-renders.

    server (a live loop)                     browser (components v2, dlcore/ui/js/channel.js)
    live_image(png, "image/png")             WebSocket /dlx/frames/<token>
    send_frame(panel, status, caption)
      HUB.publish(token, png, meta) ------>    {"status", "caption"} (text, when it changed)
                                               the newest frame: decode, show on the canvas
                                <----------    "next" (sent once the frame is on screen)

A page that draws its live frame in the browser from numbers (``live_json``, the playground)
sends one text message a frame instead: {"status", "caption", "frame": <the renderer's data>}.
The counter line beside the buttons and the caption under the frame travel with the frames, so
a playing page sends no Streamlit delta per frame (each one re-renders the whole app in the
browser; measured, README "Hosting for a class").

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
import json
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


Frame = tuple[int, bytes | str, str, str]  # (seq, body, mime, meta): see FrameHub.publish


@dataclass
class _Stream:
    seq: int = 0
    body: bytes | str = b""
    mime: str = "image/png"
    meta: str = ""
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


HUB = FrameHub()
_ROUTED = [False]  # True once app.py mounted the route (see module docstring)


def with_frame(meta: str, frame: str) -> str:
    """One text message: the ``meta`` JSON object with the renderer's JSON added as "frame"."""
    return (meta[:-1] + "," if len(meta) > 2 else "{") + '"frame":' + frame + "}"


async def frames_socket(ws) -> None:
    """WebSocket /dlx/frames/<token>: sends the stream's newest frame, then waits for the
    browser's "next" (it has shown that frame) before sending a newer one. An image frame is one
    binary message, after its text (status, caption) as a text message when that changed; a
    renderer's frame is one text message with both. Closes with code 4404 when the stream is
    unknown or ended (the browser stops)."""
    from starlette.websockets import WebSocketDisconnect

    token = ws.path_params["token"]
    await ws.accept()
    after, sent_meta = 0, ""
    try:
        while True:
            frame = await HUB.next_frame(token, after)
            if frame is None:
                if HUB.exists(token):
                    continue  # nothing new within WAIT_S: keep waiting
                await ws.close(code=ENDED)
                return
            after, body, _, meta = frame
            if isinstance(body, str):
                await ws.send_text(with_frame(meta or "{}", body))
            else:
                if meta and meta != sent_meta:
                    await ws.send_text(meta)
                    sent_meta = meta
                await ws.send_bytes(body)
            await ws.receive_text()  # "next"
    except (WebSocketDisconnect, RuntimeError, OSError):  # the tab closed or navigated away
        return


def routes() -> list:
    """The channel's route, for ``st.App("home.py", routes=routes())`` in app.py."""
    from starlette.routing import WebSocketRoute

    _ROUTED[0] = True
    return [WebSocketRoute(PATH + "/{token}", frames_socket)]


@cache
def _component(renderer: str | None = None):
    """The receiving element; with ``renderer`` (a module in dlcore/ui/js, as ``live_canvas``
    uses) its default export becomes the function that draws a JSON frame."""
    import streamlit as st

    js = JS.read_text(encoding="utf-8")
    if renderer:
        draw = (JS.parent / f"{renderer}.js").read_text(encoding="utf-8")
        js = draw.replace("export default function", "function drawFrame", 1) + "\n" + js
    # isolate_styles=False: the canvas joins the page's DOM, where tests and the frame counter
    # in bench/harness.py see each frame
    name = f"dlx_channel_{renderer}" if renderer else "dlx_channel"
    return st.components.v2.component(name, js=js, isolate_styles=False)


def _channel_panel():
    """The live panel whose frames can go through the channel right now, else None."""
    from dlcore.ui.live import _under_server, rendering_panel

    panel = rendering_panel()
    if panel is None or not panel.one_element or not _ROUTED[0] or not _under_server():
        return None
    return panel


def _attach(panel, body: bytes | str, mime: str, data: dict, renderer: str | None) -> None:
    """Hold the frame for ``send_frame``; on the run's first frame (or a new stream) draw the
    receiving element in the panel's body and the counter line's element beside the buttons."""
    from dlcore.ui.state import ns_get, ns_set

    token = ns_get(panel.ns, "channel")
    if token is None or not HUB.exists(token):
        token = HUB.open()
        ns_set(panel.ns, "channel", token)
    if panel.channel_token != token:
        # keyed by the stream too: a stream reopened within a run (dropped while the session
        # waited) gets new elements instead of a second element with the same key
        panel.channel_token, url, key = token, f"{PATH}/{token}", f"{panel.ns}.channel.{token[:8]}"
        _component(renderer)(data={"url": url, **data}, key=key)
        with panel.status_slot:
            status = {"url": url, "role": "status", "text": panel.status_now()}
            _component()(data=status, key=f"{key}.status")
    panel.channel_frame = (token, body, mime)


def live_image(body: bytes, mime: str, *, width: int | None = None) -> None:
    """Show one live frame (call from a live panel's render, where it would call st.image).

    Inside a one-element panel's live loop under ``streamlit run app.py`` the frame goes through
    the channel: the run's first frame draws the receiving element, and the loop sends every
    frame to the session's stream (``send_frame``), with no delta. Anywhere else (paused,
    AppTest, a container panel that redraws every tick) it is ``st.image`` of an inline data
    URL, as before."""
    panel = _channel_panel()
    if panel is None:
        import streamlit as st

        from dlcore.viz.common import data_url

        st.image(data_url(body, mime), width=width if width else "content")
        return
    _attach(panel, body, mime, {"width": width}, None)


def live_json(renderer: str, data: dict, *, key: str) -> None:
    """A live frame that the browser draws from numbers with ``dlcore/ui/js/<renderer>.js``:
    through the channel like ``live_image``, else ``live_canvas`` (one delta a frame)."""
    panel = _channel_panel()
    if panel is None:
        from dlcore.ui.canvas import live_canvas

        live_canvas(renderer, data, key=key)
        return
    _attach(panel, json.dumps(data, separators=(",", ":")), "application/json", {}, renderer)


def send_frame(panel, status: str, caption: str | None) -> bool:
    """Publish the frame the panel's render just made, with the counter line and caption (the
    live loop calls this after each render). False when the render made no channel frame."""
    frame, panel.channel_frame = panel.channel_frame, None
    if frame is None:
        return False
    token, body, mime = frame
    meta = json.dumps({"status": status, "caption": caption or ""})
    if not HUB.publish(token, body, mime, meta):  # dropped meanwhile: the next frame reopens
        panel.channel_token = None
    return True
