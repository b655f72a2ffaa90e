"""The live-frame channel (dlcore/ui/channel.py): the hub's streams, the long-poll route, and
the fallback to st.image wherever the route is not mounted."""

import threading
import time

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from dlcore.ui import channel
from dlcore.ui.hub import FrameHub
from dlcore.ui.output import LiveFrame
from dlcore.ui.process import process
from tests.ui.aio import run


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
    monkeypatch.setattr(process(), "hub", hub)
    monkeypatch.setattr(process(), "routed", False)
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


class _Session(dict):
    """A stand-in for st.session_state (the channel keeps its token there)."""


@pytest.fixture
def session(monkeypatch):
    state = _Session()
    monkeypatch.setattr("streamlit.session_state", state)
    return state


@pytest.fixture
def drawn(monkeypatch):
    shown = []
    monkeypatch.setattr(
        channel, "_component", lambda renderer=None: lambda data, key: shown.append((key, data))
    )
    return shown


def _slots():
    import contextlib

    return contextlib.nullcontext(), contextlib.nullcontext()


def test_send_publishes_the_frame_with_the_counter_line(monkeypatch, session, drawn):
    import json

    from dlcore.ui.state import Namespace

    hub = FrameHub()
    monkeypatch.setattr(process(), "hub", hub)
    sender = channel.Channel(Namespace("gan"))
    sender.send(LiveFrame(b"png", "image/png"), "**Epoch 1** · step 5", "loss 0.3", *_slots())
    token = session["gan.channel"]
    seq, body, mime, meta = hub.latest(token, 0)
    assert (seq, body, mime) == (1, b"png", "image/png")
    assert json.loads(meta) == {"status": "**Epoch 1** · step 5", "caption": "loss 0.3"}
    hub.close(token)  # the stream ended meanwhile: the next frame opens a new one
    sender.send(LiveFrame(b"png2", "image/png"), "step 6", None, *_slots())
    assert session["gan.channel"] != token
    assert hub.latest(session["gan.channel"], 0)[1] == b"png2"


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
    monkeypatch.setattr(process(), "routed", False)
    (route,) = channel.routes()
    assert route.path == channel.PATH + "/{token}" and process().routed


def test_app_py_mounts_the_channel_on_streamlits_asgi_app():
    import ast
    from pathlib import Path

    src = (Path(__file__).resolve().parents[2] / "app.py").read_text()
    call = next(n for n in ast.walk(ast.parse(src)) if isinstance(n, ast.Call))
    assert ast.unparse(call.func) == "st.App" and ast.unparse(call.args[0]) == "'home.py'"
    keywords = {k.arg: ast.unparse(k.value) for k in call.keywords}
    assert keywords["routes"] == "routes()"
    assert keywords["middleware"] == "[Middleware(CompressedStatic)]"  # dlcore/ui/compress.py


def test_elements_are_drawn_once_per_stream_and_anew_for_a_reopened_one(
    monkeypatch, session, drawn
):
    from dlcore.ui.state import Namespace

    hub = FrameHub()
    monkeypatch.setattr(process(), "hub", hub)
    sender = channel.Channel(Namespace("gan"))
    frame = LiveFrame(b"one", "image/png", width=320)
    assert sender.send(frame, "**Iteration 3** · step 3", None, *_slots())  # drew the elements
    assert not sender.send(frame, "**Iteration 4** · step 4", None, *_slots())  # same stream
    (_, element), (_, status) = drawn
    assert element == {"url": f"{channel.PATH}/{session['gan.channel']}", "width": 320}
    assert status == {"url": element["url"], "role": "status", "text": "**Iteration 3** · step 3"}
    hub.close(session["gan.channel"])  # dropped while the session waited: new stream, new elements
    sender.send(frame, "step 5", None, *_slots())
    assert len(drawn) == 4 and len({key for key, _ in drawn}) == 4  # no key drawn twice
    assert drawn[2][1]["url"] == f"{channel.PATH}/{session['gan.channel']}" != element["url"]


def test_the_channel_is_available_only_with_the_route_under_a_server(monkeypatch):
    monkeypatch.setattr(process(), "routed", False)
    assert not channel.available()
    monkeypatch.setattr(process(), "routed", True)
    assert not channel.available()  # a test run: no real Streamlit server
    monkeypatch.setattr(channel, "under_server", lambda: True)
    assert channel.available()


def test_a_frame_is_unseen_until_the_browser_says_next(client, monkeypatch, session):
    from dlcore.ui.state import Namespace

    c, hub = client
    sender = channel.Channel(Namespace("backprop.walk"))
    assert not sender.unseen()  # nothing sent yet
    monkeypatch.setattr(channel, "_component", lambda renderer=None: lambda data, key: None)
    sender.send(LiveFrame('{"node": 1}', "application/json"), "node 1", None, *_slots())
    token = session["backprop.walk.channel"]
    assert sender.unseen() and hub.unseen(token)
    with c.websocket_connect(f"{channel.PATH}/{token}") as ws:
        ws.receive_text()  # sent, not yet on screen
        assert sender.unseen()
        ws.send_text("next")
        deadline = time.monotonic() + 5
        while sender.unseen() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not sender.unseen()  # shown
        sender.send(LiveFrame('{"node": 2}', "application/json"), "node 2", None, *_slots())
        assert sender.unseen()
    hub.showed(token, 1)  # an older frame's "next" does not mark the newer one shown
    assert hub.unseen(token)
    hub.close(token)
    assert not hub.unseen(token)  # an ended stream waits for nothing
