"""Browser test of the attention page against a real server: the deep link shows the full app with
the alignment maps, a typed date is translated, and the transformer view draws MiniLM's maps."""

from bench.harness import wait_idle
from tests.e2e.conftest import EXCEPTION, open_app

CHART = "[data-testid=stPlotlyChart]"


def test_type_a_date_and_see_the_alignment(server, page):
    open_app(page, server.url("attention"), timeout_ms=240000)  # first visit loads torch
    assert page.get_by_text("Attention heatmap viewer").first.is_visible()
    assert page.get_by_text("2026-11-27").first.is_visible()
    assert page.locator(CHART).count() >= 3
    box = page.get_by_label("Date as a person writes it")
    box.fill("31.12.1999")
    box.press("Enter")
    wait_idle(page)
    page.get_by_text("1999-12-31").first.wait_for(timeout=30000)
    assert page.locator(EXCEPTION).count() == 0


def test_transformer_view(server, page):
    open_app(page, server.url("attention?view=transformer&sentence=The+cat+sat+on+the+mat"), 240000)
    page.get_by_text("not an explanation").first.wait_for(timeout=120000)
    wait_idle(page, 120000)
    page.locator(CHART).first.wait_for(timeout=60000)
    assert page.locator("[data-testid=stImage]").count() >= 1
    assert page.locator(CHART).count() >= 2
    box = page.get_by_label("Sentence A")
    box.fill("")
    box.press("Enter")
    wait_idle(page)
    page.get_by_text("Type a sentence").first.wait_for(timeout=30000)
    assert page.locator(EXCEPTION).count() == 0
