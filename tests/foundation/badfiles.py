"""A corpus of good and bad image files, generated (never shipped): shared by the input tests,
the pages' upload tests and the hostile-input sweep."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from PIL import Image


def _png(im: Image.Image) -> bytes:
    buf = io.BytesIO()
    im.save(buf, format="PNG")
    return buf.getvalue()


def gradient_rgb(w: int = 32, h: int = 24) -> Image.Image:
    x = np.linspace(0, 255, w, dtype=np.uint8)[None, :].repeat(h, 0)
    y = np.linspace(0, 255, h, dtype=np.uint8)[:, None].repeat(w, 1)
    return Image.fromarray(np.stack([x, y, 255 - x], axis=2), "RGB")


def good_png() -> bytes:
    return _png(gradient_rgb())


def huge_header_png(w: int = 20000, h: int = 20000) -> bytes:
    """A tiny file whose IHDR claims w x h pixels (a decompression bomb's header)."""
    data = bytearray(_png(Image.new("L", (1, 1))))
    ihdr = 8  # after the signature: length(4) type(4) data(13) crc(4)
    data[ihdr + 8 : ihdr + 16] = struct.pack(">II", w, h)
    crc = zlib.crc32(bytes(data[ihdr + 4 : ihdr + 21])) & 0xFFFFFFFF
    data[ihdr + 21 : ihdr + 25] = struct.pack(">I", crc)
    return bytes(data)


def cmyk_jpeg() -> bytes:
    buf = io.BytesIO()
    gradient_rgb().convert("CMYK").save(buf, format="JPEG")
    return buf.getvalue()


def png16() -> bytes:
    arr = np.linspace(0, 65535, 32 * 24).reshape(24, 32).astype(np.uint16)
    return _png(Image.fromarray(arr))  # uint16 -> mode I;16


def palette_gif() -> bytes:
    buf = io.BytesIO()
    gradient_rgb().convert("P", palette=Image.Palette.ADAPTIVE, colors=16).save(buf, format="GIF")
    return buf.getvalue()


def animated_gif() -> bytes:
    frames = [Image.new("RGB", (16, 16), color=c) for c in ("red", "green", "blue")]
    buf = io.BytesIO()
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:], duration=50)
    return buf.getvalue()


def rgba_png() -> bytes:
    im = gradient_rgb().convert("RGBA")
    a = np.asarray(im).copy()
    a[:, :16, 3] = 0  # left half fully transparent
    return _png(Image.fromarray(a, "RGBA"))


def exif_rotated_jpeg() -> bytes:
    """A 32x24 JPEG whose EXIF orientation (6) says: rotate 90 degrees clockwise to display."""
    exif = Image.Exif()
    exif[0x0112] = 6
    buf = io.BytesIO()
    gradient_rgb().save(buf, format="JPEG", exif=exif.tobytes())
    return buf.getvalue()


BAD_FILES: dict[str, bytes] = {
    "zero_bytes.png": b"",
    "truncated.png": good_png()[:60],
    "text_renamed.png": b"this is not an image, just text renamed to .png\n" * 5,
    "huge_header.png": huge_header_png(),
    "html.png": b"<html><script>alert(1)</script></html>",
}

ODD_BUT_VALID: dict[str, bytes] = {
    "cmyk.jpg": cmyk_jpeg(),
    "16bit.png": png16(),
    "palette.gif": palette_gif(),
    "animated.gif": animated_gif(),
    "rgba.png": rgba_png(),
    "exif_rotated.jpg": exif_rotated_jpeg(),
}
