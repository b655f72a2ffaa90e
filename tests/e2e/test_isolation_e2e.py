"""Two students on one server: one student's trainer, uploads and URL state never appear in the
other's session."""

from bench.harness import open_app, parse_counter, status_text, wait_idle
from tests.foundation.badfiles import good_png


def test_two_sessions_are_isolated(browser, server):
    a = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    b = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()

    open_app(a, server.url("playground?seed=7"))
    a.get_by_role("button", name="Step").first.click()
    wait_idle(a)
    assert parse_counter(status_text(a))[1] > 0
    assert "seed=7" in a.url

    open_app(b, server.url("playground"))
    assert parse_counter(status_text(b))[1] == 0  # B's trainer is its own
    assert "seed=7" not in b.url  # and so is its link

    open_app(a, server.url("convolution?source=upload"))
    a.locator("[data-testid=stFileUploaderDropzoneInput]").first.set_input_files(
        files=[{"name": "secret-homework.png", "mimeType": "image/png", "buffer": good_png()}]
    )
    wait_idle(a)
    assert "secret-homework.png" in a.locator("[data-testid=stFileUploader]").first.inner_text()

    open_app(b, server.url("convolution?source=upload"))
    assert "secret-homework.png" not in b.locator("[data-testid=stMain]").inner_text()
    assert b.locator("[data-testid=stException]").count() == 0
