"""The live-frame channel (dlcore/ui/channel.py): the hub's streams, the long-poll route, and
the fallback to st.image wherever the route is not mounted."""

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from dlcore.ui import channel
from dlcore.ui.channel import FrameHub


def run(coro):
    """Run ``coro`` on a fresh event loop in its own thread (Playwright's browser tests leave a
    loop running in the main thread)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def test_publish_then_next_frame_returns_the_latest_only():
    hub = FrameHub()
    token = hub.open()
    assert run(hub.next_frame(token, 0, timeout=0.05)) is None  # nothing yet: the wait times out
    assert hub.publish(token, b"one", "image/png")
    assert hub.publish(token, b"two", "image/jpeg", '{"status": "step 2"}')
    assert run(hub.next_frame(token, 0, timeout=0.05)) == (
        2,
        b"two",
        "image/jpeg",
        '{"status": "step 2"}',
    )
    assert run(hub.next_frame(token, 2, timeout=0.05)) is None  # nothing newer than 2


def test_a_waiting_request_wakes_when_another_thread_publishes():
    hub = FrameHub()
    token = hub.open()

    def later():
        time.sleep(0.2)
        hub.publish(token, b"frame", "image/png")

    async def wait():
        t0 = time.perf_counter()
        frame = await hub.next_frame(token, 0, timeout=5)
        return frame, time.perf_counter() - t0

    threading.Thread(target=later).start()
    frame, waited = run(wait())
    assert frame == (1, b"frame", "image/png", "")
    assert 0.1 < waited < 2  # woken by the publish, not by the 5 s timeout


def test_streams_are_separate_and_tokens_unguessable():
    hub = FrameHub()
    a, b = hub.open(), hub.open()
    assert a != b and len(a) >= 22  # 128 random bits, URL-safe base64
    hub.publish(a, b"for a", "image/png")
    assert run(hub.next_frame(b, 0, timeout=0.05)) is None
    assert run(hub.next_frame("not-a-token", 0, timeout=0.05)) is None
    assert not hub.publish("not-a-token", b"x", "image/png")  # no stream made by a stranger


def test_idle_streams_are_dropped_and_close_wakes_waiters():
    hub = FrameHub(idle_s=0.05)
    old = hub.open()
    time.sleep(0.1)
    hub.open()  # opening sweeps the idle ones
    assert not hub.exists(old) and len(hub) == 1
    token = hub.open()

    async def wait():
        t0 = time.perf_counter()
        frame = await hub.next_frame(token, 0, timeout=5)
        return frame, time.perf_counter() - t0

    threading.Timer(0.1, hub.close, args=(token,)).start()
    frame, waited = run(wait())
    assert frame is None and waited < 2 and not hub.exists(token)


@pytest.fixture
def client(monkeypatch):
    hub = FrameHub()
    monkeypatch.setattr(channel, "HUB", hub)
    monkeypatch.setattr(channel, "_ROUTED", [False])
    app = Starlette(routes=channel.routes())
    with TestClient(app) as c:
        yield c, hub


def test_socket_sends_the_newest_frame_after_each_next(client):
    c, hub = client
    token = hub.open()
    hub.publish(token, b"\x89PNG one", "image/png")
    with c.websocket_connect(f"{channel.PATH}/{token}") as ws:
        assert ws.receive_bytes() == b"\x89PNG one"
        hub.publish(token, b"two", "image/png")
        hub.publish(token, b"three", "image/png")  # the browser is slow: "two" is skipped
        ws.send_text("next")
        assert ws.receive_bytes() == b"three"
        threading.Timer(0.2, hub.publish, args=(token, b"four", "image/jpeg")).start()
        ws.send_text("next")
        assert ws.receive_bytes() == b"four"  # waited for it


def test_socket_sends_the_text_before_its_image_only_when_it_changed(client):
    c, hub = client
    token = hub.open()
    hub.publish(token, b"one", "image/png", '{"status": "step 1"}')
    with c.websocket_connect(f"{channel.PATH}/{token}") as ws:
        assert ws.receive_text() == '{"status": "step 1"}'
        assert ws.receive_bytes() == b"one"
        hub.publish(token, b"two", "image/png", '{"status": "step 1"}')  # same text: not resent
        ws.send_text("next")
        assert ws.receive_bytes() == b"two"
        hub.publish(token, b"three", "image/png", '{"status": "step 3"}')
        ws.send_text("next")
        assert ws.receive_text() == '{"status": "step 3"}'
        assert ws.receive_bytes() == b"three"


def test_a_renderers_frame_is_one_text_message_with_its_text(client):
    import json

    c, hub = client
    token = hub.open()
    hub.publish(token, '{"i":1,"w":[0.5]}', "application/json", '{"status": "**Epoch 1**"}')
    with c.websocket_connect(f"{channel.PATH}/{token}") as ws:
        msg = json.loads(ws.receive_text())
        assert msg == {"status": "**Epoch 1**", "frame": {"i": 1, "w": [0.5]}}
        hub.publish(token, '{"i":2}', "application/json")  # no text at all
        ws.send_text("next")
        assert json.loads(ws.receive_text()) == {"frame": {"i": 2}}


def test_send_frame_publishes_the_renders_frame_with_the_counter_line(monkeypatch):
    import json
    from types import SimpleNamespace

    hub = FrameHub()
    monkeypatch.setattr(channel, "HUB", hub)
    token = hub.open()
    panel = SimpleNamespace(channel_frame=None, channel_token=token)
    assert not channel.send_frame(panel, "step 1", None)  # the render drew no channel frame
    panel.channel_frame = (token, b"png", "image/png")
    assert channel.send_frame(panel, "**Epoch 1** · step 5", "loss 0.3")
    seq, body, mime, meta = hub.latest(token, 0)
    assert (seq, body, mime) == (1, b"png", "image/png") and panel.channel_frame is None
    assert json.loads(meta) == {"status": "**Epoch 1** · step 5", "caption": "loss 0.3"}
    hub.close(token)  # the stream ended meanwhile: the next frame opens a new one
    panel.channel_frame = (token, b"png", "image/png")
    assert channel.send_frame(panel, "step 6", None) and panel.channel_token is None


def test_socket_closes_4404_for_a_strangers_token_and_an_ended_stream(client):
    from starlette.websockets import WebSocketDisconnect

    c, hub = client
    with c.websocket_connect(f"{channel.PATH}/someone-elses") as ws:
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_bytes()
        assert closed.value.code == channel.ENDED
    token = hub.open()
    hub.publish(token, b"frame", "image/png")
    with c.websocket_connect(f"{channel.PATH}/{token}") as ws:
        assert ws.receive_bytes() == b"frame"
        threading.Timer(0.2, hub.close, args=(token,)).start()
        ws.send_text("next")
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_bytes()
        assert closed.value.code == channel.ENDED


def test_routes_marks_the_channel_mounted(monkeypatch):
    monkeypatch.setattr(channel, "_ROUTED", [False])
    (route,) = channel.routes()
    assert route.path == channel.PATH + "/{token}" and channel._ROUTED[0]


def test_app_py_mounts_the_channel_on_streamlits_asgi_app():
    import ast
    from pathlib import Path

    src = (Path(__file__).resolve().parents[2] / "app.py").read_text()
    call = next(n for n in ast.walk(ast.parse(src)) if isinstance(n, ast.Call))
    assert ast.unparse(call) == "st.App('home.py', routes=routes())"


def test_elements_are_drawn_once_per_stream_and_anew_for_a_reopened_one(monkeypatch):
    import contextlib
    from types import SimpleNamespace

    hub, drawn, state = FrameHub(), [], {}
    monkeypatch.setattr(channel, "HUB", hub)
    monkeypatch.setattr(
        channel, "_component", lambda renderer=None: lambda data, key: drawn.append((key, data))
    )
    monkeypatch.setattr("dlcore.ui.state.ns_get", lambda ns, k, d=None: state.get(k, d))
    monkeypatch.setattr("dlcore.ui.state.ns_set", lambda ns, k, v: state.__setitem__(k, v))
    panel = SimpleNamespace(
        ns="gan",
        channel_token=None,
        channel_frame=None,
        status_slot=contextlib.nullcontext(),
        status_now=lambda: "**Iteration 3** · step 3",
    )
    channel._attach(panel, b"one", "image/png", {"width": 320}, None)
    channel._attach(panel, b"two", "image/png", {"width": 320}, None)  # the same stream
    (_, frame), (_, status) = drawn
    assert frame == {"url": f"{channel.PATH}/{state['channel']}", "width": 320}
    assert status == {"url": frame["url"], "role": "status", "text": "**Iteration 3** · step 3"}
    assert panel.channel_frame == (state["channel"], b"two", "image/png")
    hub.close(state["channel"])  # dropped while the session waited: a new stream, new elements
    channel._attach(panel, b"three", "image/png", {"width": 320}, None)
    assert len(drawn) == 4 and len({key for key, _ in drawn}) == 4  # no key drawn twice
    assert drawn[2][1]["url"] == f"{channel.PATH}/{state['channel']}" != frame["url"]
