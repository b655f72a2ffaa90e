import numpy as np
import pytest

from dlcore.inputs import InputError, clean_text, load_image
from tests.foundation.badfiles import BAD_FILES, ODD_BUT_VALID, good_png


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_are_refused_with_a_message(name):
    with pytest.raises(InputError) as err:
        load_image(BAD_FILES[name])
    assert len(str(err.value)) > 10


def test_huge_header_is_refused_before_decoding():
    with pytest.raises(InputError, match=r"too large|20000x20000"):
        load_image(BAD_FILES["huge_header.png"])


def test_byte_cap():
    with pytest.raises(InputError, match="limit"):
        load_image(good_png(), max_bytes=100)


@pytest.mark.parametrize("name", sorted(ODD_BUT_VALID))
@pytest.mark.parametrize("mode", ["RGB", "L"])
def test_odd_modes_become_clean_uint8(name, mode):
    img = load_image(ODD_BUT_VALID[name], mode=mode)
    assert img.pixels.dtype == np.uint8
    assert img.pixels.ndim == (3 if mode == "RGB" else 2)
    if mode == "RGB":
        assert img.pixels.shape[2] == 3


def test_sixteen_bit_keeps_its_range():
    px = load_image(ODD_BUT_VALID["16bit.png"], mode="L").pixels
    assert px.min() == 0 and px.max() == 255
    assert any("8 bits" in n for n in load_image(ODD_BUT_VALID["16bit.png"]).notices)


def test_cmyk_is_converted():
    img = load_image(ODD_BUT_VALID["cmyk.jpg"])
    assert img.format == "JPEG" and any("CMYK" in n for n in img.notices)
    assert img.pixels.shape == (24, 32, 3)


def test_animated_gif_uses_first_frame():
    img = load_image(ODD_BUT_VALID["animated.gif"])
    assert any("first frame" in n for n in img.notices)
    assert img.pixels.shape == (16, 16, 3)


def test_transparent_pixels_become_white():
    px = load_image(ODD_BUT_VALID["rgba.png"]).pixels
    assert (px[:, :16] == 255).all()
    assert not (px[:, 16:] == 255).all()


def test_exif_orientation_is_applied():
    assert load_image(ODD_BUT_VALID["exif_rotated.jpg"]).pixels.shape == (32, 24, 3)


def test_downscale_to_cap_with_notice():
    img = load_image(good_png(), max_side=16)
    assert max(img.pixels.shape[:2]) == 16 and any("downscaled" in n for n in img.notices)


def test_text_cleaning():
    assert clean_text("  hello   world ").text == "hello world"
    with pytest.raises(InputError):
        clean_text("   ")
    assert clean_text("", allow_empty=True).text == ""
    long = clean_text("x" * 1000, max_chars=10)
    assert long.text == "x" * 10 and "truncated" in long.notices[0]
    ctl = clean_text("a\x00b\u202ec")
    assert ctl.text == "abc" and ctl.notices
    assert clean_text("😀🎉").text == "😀🎉"
    tag = "<script>alert(1)</script>"
    assert clean_text(tag).text == tag  # kept as text; pages show it escaped


def test_markdown_literal_shows_typed_text_as_typed():
    from dlcore.inputs import markdown_literal

    assert markdown_literal("__import__('os')") == r"\_\_import\_\_('os')"
    assert markdown_literal("x*y [a](b) $x$") == r"x\*y \[a\](b) \$x\$"
    assert markdown_literal("plain text 1.5") == "plain text 1.5"
