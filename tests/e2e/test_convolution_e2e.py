"""Browser test of the convolution page: upload a PNG, pick a Sobel kernel, see the output image
(decoded from what the browser received: a signed edge map with both signs present)."""

import base64
import io

import numpy as np
from PIL import Image
from playwright.sync_api import expect

from bench.harness import wait_idle
from tests.e2e.conftest import EXCEPTION, open_app

PICKER = "[data-testid=stPlotlyChart]"


def _png(tmp_path):
    img = np.zeros((60, 80, 3), np.uint8)
    img[:, 40:] = 255  # a vertical step edge: dark left, white right
    img[20:40, 10:30] = (200, 30, 30)  # and a red square
    path = tmp_path / "edge.png"
    Image.fromarray(img).save(path)
    return path


def _output_image(page):
    fig = page.locator("[data-testid=stImage]", has_text="output").first
    src = fig.locator("img").get_attribute("src")
    if src.startswith("data:"):  # an inline image
        data = base64.b64decode(src.split(",", 1)[1])
    else:
        data = page.request.get(
            src if src.startswith("http") else page.url.split("/convolution")[0] + src
        ).body()
    return fig.inner_text(), np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=int)


def test_upload_png_pick_sobel_see_output(server, page, tmp_path):
    page.set_default_timeout(90000)
    open_app(page, server.url("convolution?source=upload"), timeout_ms=90000)
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(_png(tmp_path)))
    page.get_by_text("output 78x58").wait_for()
    wait_idle(page, 90000)
    page.get_by_role("combobox", name="Kernel", exact=True).click()
    page.get_by_role("option", name="Sobel horizontal", exact=True).click()
    wait_idle(page, 90000)
    page.get_by_text("Horizontal edges").wait_for()
    caption, rgb = _output_image(page)
    assert "output 78x58" in caption and "orange < 0 < blue" in caption
    rgb = rgb[: 58 * 3]  # the map (enlarged x3), not the colour bar under it
    orange = (rgb[..., 0] > 200) & (rgb[..., 2] < 120)
    blue = (rgb[..., 2] > 150) & (rgb[..., 0] < 100)
    assert orange.any() and blue.any()  # the red square's top and bottom edges, both signs
    assert page.locator(EXCEPTION).count() == 0
    assert "kernel=sobel_h" in page.url


def _click_input_pixel(page, row: int, col: int, height: int, width: int) -> None:
    """Click the inner-product view's input image over input pixel (row, col)."""
    plot = page.locator(PICKER).first.locator(".js-plotly-plot")
    plot.scroll_into_view_if_needed()
    box = plot.locator(".nsewdrag").first.bounding_box()
    x = box["x"] + box["width"] * (col + 0.5) / width
    y = box["y"] + box["height"] * (row + 0.5) / height
    page.mouse.move(x, y)
    page.wait_for_timeout(200)
    page.mouse.click(x, y)
    page.wait_for_timeout(300)
    wait_idle(page, 90000)


def test_click_the_input_image_to_choose_the_window(server, page):
    """A student clicks where the window should go: the output pixel whose window is centred
    there is selected (number boxes, caption, equation and the red box all follow)."""
    page.set_default_timeout(90000)
    open_app(page, server.url("convolution?view=inner+product&source=step+edge"), 90000)
    page.get_by_text("output pixel (0, 0) looks at input rows 0..2").wait_for()
    _click_input_pixel(page, 40, 20, 64, 64)  # 3x3 valid: window (39, 19) is centred there
    page.get_by_text("output pixel (39, 19) looks at input rows 39..41, columns 19..21").wait_for()
    assert page.get_by_label("Output row").input_value() == "39"
    assert page.get_by_label("Output column").input_value() == "19"
    assert "row=39" in page.url and "col=19" in page.url
    _click_input_pixel(page, 5, 60, 64, 64)  # near the right edge
    page.get_by_text("output pixel (4, 59) looks at input rows 4..6").wait_for()
    assert page.locator(EXCEPTION).count() == 0


def test_type_a_number_into_the_custom_grid(server, page):
    """The custom kernel's grid is a surface a student clicks: double-click a cell, type a
    number, and the kernel K table (and the link) hold it."""
    page.set_default_timeout(90000)
    open_app(page, server.url("convolution?kernel=custom"), 90000)
    kernel = page.get_by_text("kernel K").locator("xpath=..").locator("table")
    assert kernel.locator("td").first.inner_text() == "0"  # the identity grid to start from
    grid = page.locator("[data-testid=stDataFrame]").first
    grid.scroll_into_view_if_needed()
    page.wait_for_timeout(1500)  # the grid's canvas takes keys once it has drawn
    box = grid.bounding_box()
    page.mouse.dblclick(box["x"] + box["width"] / 6, box["y"] + 35 * 1.5)  # row 0, column 0
    editor = page.locator("#portal textarea, #portal input").first  # the cell's editor
    editor.wait_for()
    editor.fill("5")
    editor.press("Enter")
    wait_idle(page, 90000)
    expect(kernel.locator("td").first).to_have_text("5", timeout=90000)
    assert "custom=5.0%2C0.0%2C0.0%2C0.0%2C1.0%2C0.0" in page.url
    assert page.locator(EXCEPTION).count() == 0
