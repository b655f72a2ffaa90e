"""Streamlit's scripts go out compressed (dlcore/ui/compress.py): the chart library's 4.7 MB
arrive as gzip that decompresses to the file on disk; pages, other methods, a browser that
takes no gzip and paths outside static/ reach the app unchanged."""

import gzip

from dlcore.ui.compress import STATIC, CompressedStatic
from tests.ui.aio import run

PLOTLY = next((STATIC / "static" / "js").glob("PlotlyChart.*.js"))


def _get(path: str, method: str = "GET", encoding: bytes = b"gzip, deflate, br") -> tuple:
    """(status, headers, body, whether the app was reached) of one request through it."""
    reached, sent = [], []

    async def app(scope, receive, send):
        reached.append(scope["path"])

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "headers": [(b"accept-encoding", encoding)] if encoding else [],
    }
    run(CompressedStatic(app)(scope, None, send))
    if not sent:
        return None, {}, b"", bool(reached)
    headers = dict(sent[0]["headers"])
    return sent[0]["status"], headers, sent[1]["body"], bool(reached)


def test_the_chart_library_goes_out_compressed():
    status, headers, body, reached = _get(f"/static/js/{PLOTLY.name}")
    raw = PLOTLY.read_bytes()
    assert status == 200 and not reached
    assert headers[b"content-encoding"] == b"gzip"
    assert headers[b"content-type"] == b"application/javascript"
    assert int(headers[b"content-length"]) == len(body) < len(raw) / 3
    assert gzip.decompress(body) == raw
    assert b"immutable" in headers[b"cache-control"]


def test_a_head_request_gets_the_headers_only():
    status, headers, body, _ = _get(f"/static/js/{PLOTLY.name}", method="HEAD")
    assert status == 200 and body == b"" and int(headers[b"content-length"]) > 0


def test_everything_else_reaches_the_app():
    for path, kw in [
        ("/playground", {}),  # a page
        (f"/static/js/{PLOTLY.name}", {"encoding": b""}),  # a browser that takes no gzip
        (f"/static/js/{PLOTLY.name}", {"method": "POST"}),
        ("/static/js/no-such-file.js", {}),
        ("/static/../../../etc/passwd", {}),  # outside static/
        ("/static/static/../index.html", {}),  # not a script or a style sheet
    ]:
        assert _get(path, **kw)[3], path


def test_websockets_pass_through():
    reached = []

    async def app(scope, receive, send):
        reached.append(scope["type"])

    run(CompressedStatic(app)({"type": "websocket", "path": "/static/js/x.js"}, None, None))
    assert reached == ["websocket"]
