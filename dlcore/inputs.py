"""Validation of untrusted inputs: uploaded or camera images, and typed text. Bad input never
shows a traceback: it gets a clear message, and the session keeps working.

Images are validated by content, never by file name: Pillow decodes them, byte and pixel counts
are capped before decoding (a decompression-bomb guard), and every mode is converted explicitly
(RGBA/LA over white, palette, 16-bit and float, CMYK, EXIF orientation, animated GIF first frame).
Every failure raises ``InputError`` whose message is shown to the student as is.
Used by ``dlcore.ui.inputs`` on every page that takes an image or a sentence.
"""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024  # 10 MB, the same cap as .streamlit/config.toml maxUploadSize
MAX_PIXELS = 25_000_000  # decoded pixels; a 20000x20000 header is refused before decoding
ALLOWED_FORMATS = ("PNG", "JPEG", "GIF", "BMP", "WEBP", "TIFF")


class InputError(ValueError):
    """A user-facing reason why an input was refused."""


@dataclass(frozen=True)
class LoadedImage:
    """A clean image: uint8 (H, W, 3) for RGB or (H, W) for grayscale, plus what was done to it."""

    pixels: np.ndarray
    format: str
    original_size: tuple[int, int]  # (width, height) as stored in the file
    notices: tuple[str, ...] = ()


def _open(data: bytes, max_pixels: int) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            im = Image.open(io.BytesIO(data))
        except (
            UnidentifiedImageError,
            Image.DecompressionBombError,
            Image.DecompressionBombWarning,
        ) as err:
            if isinstance(err, UnidentifiedImageError):
                raise InputError(
                    "This file is not an image Pillow can read (PNG, JPEG, GIF, BMP, WebP or TIFF)."
                ) from None
            raise InputError(
                "This image is far too large to decode safely "
                f"(the limit is {max_pixels:,} pixels)."
            ) from None
        except Exception:  # any decoder failure is a bad file
            raise InputError("This file could not be read as an image.") from None
    w, h = im.size
    if w < 1 or h < 1:
        raise InputError("This image has no pixels.")
    if w * h > max_pixels:
        raise InputError(
            f"This image is {w}x{h} pixels; the limit is {max_pixels:,} pixels. "
            "Please upload a smaller image."
        )
    if im.format not in ALLOWED_FORMATS:
        raise InputError(f"{im.format} images are not supported; use PNG, JPEG, GIF, BMP or WebP.")
    return im


def _decode(im: Image.Image, notices: list[str]) -> Image.Image:
    if getattr(im, "n_frames", 1) > 1:
        im.seek(0)
        notices.append("Animated image: using its first frame.")
    try:
        im.load()
        im = ImageOps.exif_transpose(im) or im
    except Exception:  # truncated or corrupt data
        raise InputError("This image file is damaged or truncated.") from None
    return im


def _high_depth_to_8bit(im: Image.Image, notices: list[str]) -> Image.Image:
    arr = np.asarray(im, dtype=np.float64)
    if im.mode.startswith("I;16") or (im.mode == "I" and arr.max(initial=0) <= 65535):
        top = 65535.0 if arr.max(initial=0) > 255 else 255.0
        scaled = arr / top
    else:  # 32-bit int or float: stretch to the observed range
        lo, hi = float(arr.min()), float(arr.max())
        scaled = (arr - lo) / (hi - lo) if hi > lo else np.zeros_like(arr)
    notices.append("High bit-depth image converted to 8 bits.")
    return Image.fromarray(np.clip(np.rint(scaled * 255), 0, 255).astype(np.uint8), "L")


def _to_rgb(im: Image.Image, notices: list[str]) -> Image.Image:
    mode = im.mode
    if mode in ("I", "F") or mode.startswith("I;16"):
        im = _high_depth_to_8bit(im, notices)
    elif mode == "CMYK":
        notices.append("CMYK image converted to RGB.")
        im = im.convert("RGB")
    if im.mode == "P":
        im = im.convert("RGBA") if "transparency" in im.info else im.convert("RGB")
    if im.mode in ("RGBA", "LA", "PA", "La", "RGBa"):
        rgba = im.convert("RGBA")
        if rgba.getextrema()[3][0] < 255:
            notices.append("Transparent pixels were placed on a white background.")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        im = Image.alpha_composite(background, rgba)
    return im.convert("RGB")


def _downscale(im: Image.Image, max_side: int | None, notices: list[str]) -> Image.Image:
    if max_side and max(im.size) > max_side:
        w, h = im.size
        scale = max_side / max(w, h)
        new = (max(1, round(w * scale)), max(1, round(h * scale)))
        notices.append(f"Image downscaled from {w}x{h} to {new[0]}x{new[1]} pixels.")
        im = im.resize(new, Image.Resampling.LANCZOS)
    return im


def load_image(
    data: bytes,
    *,
    mode: str = "RGB",
    max_bytes: int = MAX_BYTES,
    max_pixels: int = MAX_PIXELS,
    max_side: int | None = None,
) -> LoadedImage:
    """Decode untrusted image bytes into a clean uint8 array, or raise ``InputError``.

    ``mode`` is "RGB" -> (H, W, 3) or "L" -> (H, W). ``max_side`` downscales larger images.
    """
    if mode not in ("RGB", "L"):
        raise ValueError("mode must be 'RGB' or 'L'")
    if not data:
        raise InputError("The file is empty.")
    if len(data) > max_bytes:
        raise InputError(
            f"The file is {len(data) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB."
        )
    notices: list[str] = []
    im = _open(data, max_pixels)
    fmt, size = im.format or "?", im.size
    im = _to_rgb(_decode(im, notices), notices)
    im = _downscale(im, max_side, notices)
    if mode == "L":
        im = im.convert("L")
    return LoadedImage(np.asarray(im, dtype=np.uint8).copy(), fmt, size, tuple(notices))


@dataclass(frozen=True)
class CleanText:
    text: str
    notices: tuple[str, ...] = ()


_KEEP_CONTROL = {"\n", "\t"}
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]<>$~|#])")


def markdown_literal(text: str) -> str:
    """A student's text (a typed formula, a file name) to show as typed inside a message that
    Streamlit reads as markdown: ``__import__`` would otherwise show as a bold "import"."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)


def clean_text(
    raw: str | None, *, max_chars: int = 500, allow_empty: bool = False, single_line: bool = True
) -> CleanText:
    """Normalise typed text: NFC, control characters removed, capped at ``max_chars``.

    Raises ``InputError`` for empty text unless ``allow_empty``.
    """
    s = unicodedata.normalize("NFC", raw or "")
    notices = []
    kept = "".join(
        ch
        for ch in s
        if ch in _KEEP_CONTROL or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co")
    )
    if kept != s:
        notices.append("Invisible control characters were removed.")
    if single_line:
        kept = " ".join(kept.split())
    else:
        kept = kept.strip()
    if len(kept) > max_chars:
        notices.append(
            f"Text truncated to its first {max_chars} characters (it had {len(kept):,})."
        )
        kept = kept[:max_chars]
    if not kept and not allow_empty:
        raise InputError("Please type some text first.")
    return CleanText(kept, tuple(notices))
