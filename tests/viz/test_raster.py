"""dlcore.viz.raster: the live frames' line and heatmap panels land where their numbers say."""

import base64
import io

import numpy as np
from PIL import Image, ImageDraw

from dlcore.viz import raster as R


def _decode(url: str) -> np.ndarray:
    prefix = "data:image/png;base64,"
    assert url.startswith(prefix)
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(url[len(prefix) :]))).convert("RGB"))


def _hits(img: np.ndarray, hex_color: str) -> np.ndarray:
    rgb = np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)])
    return np.argwhere(np.abs(img.astype(int) - rgb).sum(axis=2) < 10)


def test_png_data_url_exact_or_palette():
    img = np.random.default_rng(0).integers(0, 256, (20, 30, 3), dtype=np.uint8)
    np.testing.assert_array_equal(_decode(R.png_data_url(img, colors=None)), img)
    few = np.zeros((40, 60, 3), np.uint8)  # a frame of four colours: the palette keeps them all
    few[10:], few[:, 20:35], few[30:, 50:] = (8, 119, 189), (245, 147, 34), (255, 255, 255)
    np.testing.assert_array_equal(_decode(R.png_data_url(few)), few)


def test_a_palette_frame_stays_close_to_the_drawing():
    img, draw = R.canvas(400, 240)
    x = np.arange(60.0)
    R.line_panel(draw, (0, 0, 200, 240), [(x, np.sin(x / 5), "#0877bd", "sin")], title="a title")
    R.heat_panel(img, draw, (230, 20, 390, 220), np.linspace(0, 1, 300).reshape(15, 20), "ramp")
    exact = np.asarray(img)
    url = R.png_data_url(exact)
    assert len(url) < 0.8 * len(R.png_data_url(exact, colors=None))  # fewer bytes to send
    err = np.abs(_decode(url).astype(int) - exact.astype(int))
    assert err.mean() < 3 and np.percentile(err, 99) < 40  # anti-aliasing and the ramp's steps


def _frame(phase: float) -> np.ndarray:
    img, draw = R.canvas(400, 240)
    x = np.arange(60.0)
    R.line_panel(draw, (0, 0, 200, 240), [(x, np.sin(x / 5 + phase), "#0877bd", "sin")])
    z = np.linspace(0, 1, 300).reshape(15, 20) ** (1 + phase)
    R.heat_panel(img, draw, (230, 20, 390, 220), z, "ramp", color="#f59322")
    return np.asarray(img)


def _palette(url: str) -> list[int]:
    return Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).getpalette()


def test_a_stream_reuses_its_palette_until_it_is_rebuilt():
    palette = R.FramePalette(refresh_s=1e9)
    first = R.png_data_url(_frame(0.0), palette=palette)
    later = _frame(1.5)  # the next frames: other curves and colours than the first one
    again = R.png_data_url(later, palette=palette)
    assert _palette(again) == _palette(first)  # mapped onto the first frame's palette
    fresh = R.png_data_url(later)
    assert _palette(fresh) != _palette(first)
    for url in (again, fresh):  # as close to the drawing as a palette built for it
        err = np.abs(_decode(url).astype(int) - later.astype(int))
        assert err.mean() < 3 and np.percentile(err, 99) < 40
    other = R.png_data_url(later, palette=R.FramePalette())  # never another stream's palette
    assert _palette(other) == _palette(fresh)
    palette.refresh_s = 0.0  # the stream's palette is too old: rebuilt
    assert _palette(R.png_data_url(later, palette=palette)) == _palette(fresh)


def test_a_palette_is_kept_per_frame_size():
    palette = R.FramePalette(refresh_s=1e9)
    small = _frame(0.0)[:120]
    R.png_data_url(_frame(0.0), palette=palette)
    R.png_data_url(small, palette=palette)
    assert len(palette._built) == 2  # a frame of another size never maps onto the first one


def test_a_rising_line_goes_from_bottom_left_to_top_right():
    img, draw = R.canvas(300, 200)
    x = np.arange(50.0)
    area = R.line_panel(draw, (0, 0, 300, 200), [(x, x, "#ff0000", "up")])
    px = _hits(np.asarray(img), "#ff0000")  # (row, col)
    line = px[px[:, 0] > area[1]]  # below the legend
    left, right = line[line[:, 1].argmin()], line[line[:, 1].argmax()]
    assert left[0] > right[0] + 100  # rows grow downwards: the left end is lower
    assert left[1] <= area[0] + 3 and right[1] >= area[2] - 3


def test_log_axis_spaces_decades_evenly_and_skips_zeros():
    img, draw = R.canvas(300, 200)
    x = np.arange(4.0)
    y = np.array([1e-4, 1e-2, 1.0, 0.0])  # the zero cannot sit on a log axis: not drawn
    area = R.line_panel(draw, (0, 0, 300, 200), [(x, y, "#00ff00", "g")], log_y=True)
    line = _hits(np.asarray(img), "#00ff00")
    line = line[line[:, 0] > area[1]]
    cols = {c: line[line[:, 1] == c][:, 0].mean() for c in np.unique(line[:, 1])}
    xs = sorted(cols)
    third = area[0] + (area[2] - area[0]) * 2 / 3  # x = 2 is the last drawn point
    assert max(xs) <= third + 3
    mid = area[0] + (area[2] - area[0]) / 3
    y_at = [cols[min(xs, key=lambda c: abs(c - t))] for t in (area[0], mid, third)]
    assert abs((y_at[0] - y_at[1]) - (y_at[1] - y_at[2])) < 4  # equal steps per 100x


def test_empty_and_nonfinite_series_draw_without_error():
    img, draw = R.canvas(200, 120)
    R.line_panel(draw, (0, 0, 200, 120), [])
    R.line_panel(draw, (0, 0, 200, 120), [(np.zeros(0), np.zeros(0), "#000000", "none")])
    R.line_panel(draw, (0, 0, 200, 120), [(np.arange(3.0), np.full(3, np.nan), "#000000", "nan")])
    R.line_panel(
        draw, (0, 0, 200, 120), [(np.arange(3.0), np.zeros(3), "#000000", "0")], log_y=True
    )
    assert np.asarray(img).shape == (120, 200, 3)


def test_heat_panel_puts_the_largest_cell_where_it_is():
    img, draw = R.canvas(200, 100)
    z = np.zeros((2, 4))
    z[1, 3] = 1.0  # bottom right is high: black on the white-to-black map
    R.heat_panel(img, draw, (0, 0, 200, 100), z)
    a = np.asarray(img)
    assert a[95, 190].sum() < 30 and a[5, 10].sum() > 700


def test_heat_panel_colour_ramp_and_blank_nan():
    img, draw = R.canvas(100, 50)
    z = np.array([[np.nan, 1.0]])
    R.heat_panel(img, draw, (0, 0, 100, 50), z, color="#7f3c8d", vmin=0.0, vmax=1.0)
    a = np.asarray(img)
    assert tuple(a[25, 90]) == (0x7F, 0x3C, 0x8D) and tuple(a[25, 10]) == (255, 255, 255)


def test_cached_labels_match_pillow_text_pixel_for_pixel():
    for anchor in ("la", "ra", "rm", "rb", "ma"):
        a, da = R.canvas(160, 40)
        b, db = R.canvas(160, 40)
        da.text((80, 20), "loss 0.167", fill="#0877bd", font=R.font(), anchor=anchor)
        R.text(db, (80, 20), "loss 0.167", "#0877bd", anchor=anchor)
        R.text(db, (80, 20), "", "#000000")  # an empty label draws nothing
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_the_live_frames_font_writes_greek_and_subscripts():
    """A live frame can write λ₁, γ and σ² (Pillow's own font has no such glyphs)."""
    f = R.font(14)
    assert getattr(f, "path", "").endswith("DejaVuSans-subset.ttf")

    def ink(text: str) -> bytes:
        img = Image.new("L", (40, 30), 0)
        ImageDraw.Draw(img).text((2, 2), text, fill=255, font=f)
        return img.tobytes()

    missing = ink("\uffff")  # a code point the subset lacks: drawn as the missing glyph
    for ch in "λ₁γσ²":
        assert any(ink(ch)) and ink(ch) != missing, ch


def test_a_live_frames_white_stays_pure_white():
    frame = _frame(0.3)  # a white canvas with lines and a heat panel
    for palette in (None, R.FramePalette()):
        decoded = _decode(R.png_data_url(frame, palette=palette))
        white = (frame == 255).all(axis=2)
        assert (decoded[white] == 255).all()  # was 253: a faint grey box on a white page


def test_line_panel_text_grows_with_size():
    x = np.arange(10.0)
    areas = {}
    for size in (12, 18):
        _, draw = R.canvas(400, 240)
        areas[size] = R.line_panel(draw, (0, 0, 400, 240), [(x, x, "#0877bd", "loss")], size=size)
    assert areas[18][0] > areas[12][0] and areas[18][1] > areas[12][1]  # room for bigger labels
