"""The live output: what a live panel's render draws its frame into.

A live panel calls ``render(trainer, out)`` once when the page is drawn (``out.live`` False: draw
the interactive figures with Streamlit as usual) and then once per frame while playing
(``out.live`` True: draw one picture). While playing, the picture goes through ``out``:

    def render(trainer, out):
        snap = trainer.snapshot()
        if out.live:
            out.png(curves_image(snap))            # or out.image(jpeg, "image/jpeg"), out.json(...)
            out.caption(f"loss {snap.loss:.3f}")   # the text under the frame
            return
        st.plotly_chart(curves_figure(snap))

The panel makes a new ``LiveOut`` for each frame and publishes what the render put in it after
the render returns: over the live-frame channel when the server has one (``dlcore.ui.channel``:
no Streamlit delta a frame), else as ``st.image`` / a canvas element in the panel's placeholder.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import streamlit as st

from dlcore.viz.common import data_url
from dlcore.viz.raster import FramePalette, png_bytes


@dataclass(frozen=True)
class LiveFrame:
    """One frame for the channel: an image, or JSON that a renderer in dlcore/ui/js draws."""

    body: bytes | str
    mime: str
    renderer: str | None = None  # dlcore/ui/js/<renderer>.js draws a JSON frame
    width: int | None = None  # CSS pixels of an image frame (None: its own width)


class LiveOut:
    """One frame's output (see the module docstring). ``frame`` and ``text`` are what the render
    left for the panel to publish."""

    def __init__(
        self,
        live: bool,
        *,
        channel: bool = False,
        palette: FramePalette | None = None,
        key: str = "live",
    ) -> None:
        self.live = live
        self.frame: LiveFrame | None = None
        self.text: str | None = None
        self._channel = channel and live  # frames go over the channel, not as elements
        self._palette = palette
        self._key = key

    def image(self, body: bytes, mime: str, *, width: int | None = None) -> None:
        """An encoded image (PNG or JPEG bytes) as this frame."""
        if self._channel:
            self.frame = LiveFrame(body, mime, None, width)
        else:
            st.image(data_url(body, mime), width=width if width else "content")

    def png(self, rgb: np.ndarray, *, width: int | None = None) -> None:
        """Line art as this frame: a PNG on this session's palette (``FramePalette``)."""
        self.image(png_bytes(rgb, palette=self._palette), "image/png", width=width)

    def json(self, renderer: str, data: dict[str, Any]) -> None:
        """Numbers that ``dlcore/ui/js/<renderer>.js`` draws in the browser as this frame."""
        if self._channel:
            body = json.dumps(data, separators=(",", ":"))
            self.frame = LiveFrame(body, "application/json", renderer)
        else:
            from dlcore.ui.canvas import live_canvas

            live_canvas(renderer, data, key=self._key)

    def caption(self, text: str | None) -> None:
        """The text under the frame (sent with it on the channel; a caption element else)."""
        self.text = text or None
