"""Two students on one server: one student's trainer, uploads and URL state never appear in the
other's session."""

from bench.harness import open_app, parse_counter, status_text, wait_idle
from tests.foundation.badfiles import good_png

SLOW_MACHINE_MS = 180_000  # a click or wait on a busy CI machine (Playwright's default: 30 s)


def _student(browser):
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.set_default_timeout(SLOW_MACHINE_MS)  # the checks stay the same; only patience grows
    return page


def test_two_sessions_are_isolated(browser, server):
    a, b = _student(browser), _student(browser)

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
    for student in (a, b):
        student.context.close()
