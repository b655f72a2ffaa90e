"""Streamlit's own scripts, sent compressed (an ASGI middleware for ``st.App`` in app.py).

Streamlit's ASGI server sends its frontend files as they are on disk. The chart library alone
(``static/js/PlotlyChart.*.js``) is 4.7 MB: 0.2 s on the loopback, seconds for a class on one
Wi-Fi, and too big for a browser's memory cache, so every new tab of a private window loads it
again. Compressed once per process and kept in memory it is 0.9 MB. The files are immutable (their
names carry a hash), so the compressed copy never goes stale.
"""

from __future__ import annotations

import asyncio
import gzip
import threading
from pathlib import Path

import streamlit

STATIC = Path(streamlit.__file__).parent / "static"  # the server's root: /static/js/x is here
KINDS = {".js": "application/javascript", ".css": "text/css"}
MIN_BYTES = 1024  # smaller files gain nothing


class _Store:
    """URL path below the root -> its gzip bytes, made on first request, one file at a time."""

    def __init__(self) -> None:
        self._files: dict[str, bytes] = {}  # only real files: made-up paths are not kept
        self._lock = threading.Lock()

    def get(self, rel: str) -> bytes | None:
        if rel in self._files:
            return self._files[rel]
        with self._lock:
            if rel not in self._files:
                body = _compress(rel)
                if body is None:
                    return None
                self._files[rel] = body
            return self._files[rel]


def _compress(rel: str) -> bytes | None:
    """The gzip of static/<rel>, or None for a file that is not ours to send this way."""
    path = (STATIC / rel).resolve()
    if STATIC.resolve() not in path.parents or path.suffix not in KINDS or not path.is_file():
        return None
    raw = path.read_bytes()
    return gzip.compress(raw, compresslevel=6, mtime=0) if len(raw) >= MIN_BYTES else None


def _accepts_gzip(scope: dict) -> bool:
    for name, value in scope.get("headers", []):
        if name == b"accept-encoding":
            return b"gzip" in value
    return False


class CompressedStatic:
    """Answers GET /static/<file>.js|.css from the compressed store when the browser takes gzip;
    everything else (pages, websockets, the live-frame route) goes to the app unchanged."""

    def __init__(self, app) -> None:
        self.app = app
        self.store = _Store()

    async def __call__(self, scope, receive, send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if scope.get("method") in ("GET", "HEAD") and path.startswith("/static/"):
            # off the event loop: the first request of the chart library compresses 0.13 s
            rel = path.lstrip("/")
            body = await asyncio.to_thread(self.store.get, rel) if _accepts_gzip(scope) else None
            if body is not None:
                await _send(send, body, KINDS[Path(path).suffix], scope["method"] == "HEAD")
                return
        await self.app(scope, receive, send)


async def _send(send, body: bytes, kind: str, head_only: bool) -> None:
    headers = [
        (b"content-type", kind.encode()),
        (b"content-encoding", b"gzip"),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"public, immutable, max-age=31536000"),
        (b"vary", b"Accept-Encoding"),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head_only else body})
