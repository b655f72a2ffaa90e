"""The live output (dlcore/ui/output.py): what a live render leaves for the panel to publish."""

import io
import json

import numpy as np
from PIL import Image

from dlcore.ui.output import LiveFrame, LiveOut
from dlcore.viz.raster import FramePalette


def _rgb() -> np.ndarray:
    rgb = np.full((40, 60, 3), 255, np.uint8)
    rgb[10:30, 5:50] = (8, 119, 189)
    return rgb


def test_an_image_on_the_channel_becomes_the_frame():
    out = LiveOut(True, channel=True)
    out.image(b"\xff\xd8jpeg", "image/jpeg", width=320)
    assert out.frame == LiveFrame(b"\xff\xd8jpeg", "image/jpeg", None, 320)


def test_png_encodes_on_the_sessions_palette():
    palette = FramePalette(refresh_s=1e9)
    out = LiveOut(True, channel=True, palette=palette)
    out.png(_rgb(), width=60)
    assert out.frame.mime == "image/png" and out.frame.width == 60
    decoded = np.asarray(Image.open(io.BytesIO(out.frame.body)).convert("RGB"))
    assert np.abs(decoded.astype(int) - _rgb().astype(int)).max() <= 2
    assert len(palette._built) == 1  # the palette was built from this frame and kept


def test_json_names_its_renderer():
    out = LiveOut(True, channel=True)
    out.json("playground_live", {"i": 3, "w": [0.5, 1.0]})
    assert out.frame.renderer == "playground_live" and out.frame.mime == "application/json"
    assert json.loads(out.frame.body) == {"i": 3, "w": [0.5, 1.0]}


def test_the_caption_is_kept_for_the_panel():
    out = LiveOut(True, channel=True)
    out.caption("loss 0.31")
    assert out.text == "loss 0.31" and out.frame is None
    out.caption("")
    assert out.text is None


def test_a_paused_output_never_makes_a_channel_frame():
    out = LiveOut(False, channel=True)  # paused: the page's figures, not a frame
    assert out.live is False and out._channel is False
