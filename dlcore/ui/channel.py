"""The live-frame channel: a playing page's frames reach the browser over their own WebSocket,
not as Streamlit deltas.

Why (measured, README "Hosting for a class"): every Streamlit delta makes the browser re-render
the whole app, sidebar included (~1,000 React components a frame on the NTM page), and on a
server shared by a class the students' browsers took as much CPU as the training. Through the
channel a frame is one binary message that a canvas shows (decoded off the page's main thread);
nothing else on the page re-renders.

    server (a live loop)                     browser (components v2, dlcore/ui/js/channel.js)
    render(trainer, out): out.png(rgb)       WebSocket /dlx/frames/<token>
    Channel.send(out.frame, status, caption)
      hub.publish(token, png, meta) ------>    {"status", "caption"} (text, when it changed)
                                               the newest frame: decode, show on the canvas
                                <----------    "next" (sent once the frame is on screen)

A page that draws its live frame in the browser from numbers (``out.json``, the playground)
sends one text message a frame instead: {"status", "caption", "frame": <the renderer's data>}.
The counter line beside the buttons and the caption under the frame travel with the frames, so
a playing page sends no Streamlit delta per frame (each one re-renders the whole app in the
browser; measured, README "Hosting for a class").

The browser pulls: the server sends the newest frame only after the browser showed the last
one, so a slow browser skips frames instead of queueing them. A panel whose every step is
meant to be seen (the backward pass walking its graph node by node) waits instead: its next step
comes once the browser has shown the last frame (``Channel.unseen``). The token is this session's
secret (128 random bits, sent only to its own browser), so no student can see another's
frames. The streams live in the process's ``FrameHub`` (``dlcore.ui.hub``).

The route exists when app.py serves the app (``st.App("home.py", routes=routes())``); under
AppTest, or a page run on its own, a live panel's ``LiveOut`` draws ``st.image`` instead
(``dlcore.ui.output``). The live panel owns one ``Channel`` and calls it after each render:
this module never reaches back into the panel.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from dlcore.ui.process import process
from dlcore.ui.runtime import under_server
from dlcore.ui.state import Namespace

PATH = "/dlx/frames"
ENDED = 4404  # WebSocket close code: the stream is unknown or ended
JS = Path(__file__).with_name("js") / "channel.js"


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

    hub = process().hub
    token = ws.path_params["token"]
    await ws.accept()
    after, sent_meta = 0, ""
    try:
        while True:
            frame = await hub.next_frame(token, after)
            if frame is None:
                if hub.exists(token):
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
            await ws.receive_text()  # "next": the frame is on screen
            hub.showed(token, after)
    except (WebSocketDisconnect, RuntimeError, OSError):  # the tab closed or navigated away
        return


def routes() -> list:
    """The channel's route, for ``st.App("home.py", routes=routes())`` in app.py."""
    from starlette.routing import WebSocketRoute

    process().routed = True
    return [WebSocketRoute(PATH + "/{token}", frames_socket)]


def available() -> bool:
    """True where live frames can go over the channel: app.py mounted the route and this run is
    under a real server (not AppTest, not a page run on its own)."""
    return process().routed and under_server()


@cache
def _component(renderer: str | None = None):
    """The receiving element; with ``renderer`` (a module in dlcore/ui/js) its default export
    becomes the function that draws a JSON frame."""
    import streamlit as st

    js = JS.read_text(encoding="utf-8")
    if renderer:
        draw = (JS.parent / f"{renderer}.js").read_text(encoding="utf-8")
        js = draw.replace("export default function", "function drawFrame", 1) + "\n" + js
    # isolate_styles=False: the canvas joins the page's DOM, where tests and the frame counter
    # in bench/harness.py see each frame
    name = f"dlx_channel_{renderer}" if renderer else "dlx_channel"
    return st.components.v2.component(name, js=js, isolate_styles=False)


class Channel:
    """The sending side of one live panel's frames: its stream in the process's hub (token kept
    in the session), and the receiving elements, drawn on the first frame of a stream."""

    def __init__(self, state: Namespace) -> None:
        self.state = state
        self._drawn: str | None = None  # the stream whose elements this script run drew

    def send(
        self, frame: Any, status: str, caption: str | None, body: Any, status_slot: Any
    ) -> bool:
        """Publish ``frame`` (a ``dlcore.ui.output.LiveFrame``) with the counter line and
        caption. ``body`` and ``status_slot`` are the panel's placeholders for the elements.
        True when this frame drew the receiving elements (the first of a stream in this run)."""
        hub = process().hub
        token = self.state.get("channel")
        if token is None or not hub.exists(token):
            token = hub.open()
            self.state.set("channel", token)
        drew = self._drawn != token
        if drew:
            self._draw(token, frame, status, body, status_slot)
        meta = json.dumps({"status": status, "caption": caption or ""})
        if not hub.publish(token, frame.body, frame.mime, meta):  # dropped: the next reopens
            self._drawn = None
        return drew

    def unseen(self) -> bool:
        """True while the last frame sent is not yet on the browser's screen."""
        token = self.state.get("channel")
        return token is not None and process().hub.unseen(token)

    def _draw(self, token: str, frame: Any, status: str, body: Any, status_slot: Any) -> None:
        # keyed by the stream too: a stream reopened within a run (dropped while the session
        # waited) gets new elements instead of a second element with the same key
        url, key = f"{PATH}/{token}", self.state.key(f"channel.{token[:8]}")
        with body:
            _component(frame.renderer)(data={"url": url, "width": frame.width}, key=key)
        with status_slot:
            data = {"url": url, "role": "status", "text": status}
            _component()(data=data, key=f"{key}.status")
        self._drawn = token
