"""Browser test of Page.lazy (dlcore/ui/page.py): the settings expanders of four pages send their
widgets only while open. A page opens with them closed and none of their widgets in the page; a
click on the expander draws them, a second click takes them out again, and a value set while open
is still there when it is opened again (it lives in the page's config and the link)."""

import pytest

from bench.harness import wait_idle
from tests.e2e.conftest import EXCEPTION, open_app

# (page URL, the expander's title, the label of a widget inside it)
FOLDED = [
    ("vae", "Model and training", "Latent dimension"),
    ("gan", "Model and training settings", "k: D steps per iteration"),
    ("playground", "More: optimizer", "Optimizer"),
    ("optimization", "Momentum β", "Minibatch noise σ"),
]
WIDGET = "[data-testid=stWidgetLabel]"
GONE = "([sel, text]) => ![...document.querySelectorAll(sel)].some(e => e.innerText.includes(text))"


def _toggle(page, title: str) -> None:
    page.locator("[data-testid=stExpander] summary", has_text=title).first.click()
    page.wait_for_timeout(300)
    wait_idle(page)


@pytest.mark.parametrize(("path", "title", "label"), FOLDED)
def test_a_folded_expander_draws_its_widgets_only_while_open(server, page, path, title, label):
    open_app(page, server.url(path))
    inside = page.locator(WIDGET, has_text=label)
    assert inside.count() == 0  # closed: not drawn at all (not merely hidden)
    _toggle(page, title)
    inside.first.wait_for(timeout=30000)
    _toggle(page, title)
    page.wait_for_function(GONE, arg=[WIDGET, label], timeout=30000)
    assert page.locator(EXCEPTION).count() == 0


def test_a_value_set_while_open_is_kept_when_closed(server, page):
    open_app(page, server.url("gan"))
    _toggle(page, "Model and training settings")
    slider = page.locator("[data-testid=stSlider]", has_text="k: D steps per iteration").first
    thumb = slider.locator("input[type=range]")  # the thumb's (visually hidden) input
    thumb.wait_for(state="attached", timeout=30000)
    assert thumb.input_value() == "1"
    for k in (2, 3):  # one step at a time: a key pressed while the page reruns can be lost
        thumb.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"() => location.search.includes('k_d={k}')", timeout=30000)
        wait_idle(page)
    _toggle(page, "Model and training settings")  # closed: the slider is gone
    page.wait_for_function(GONE, arg=[WIDGET, "D steps per iteration"], timeout=30000)
    assert "k_d=3" in page.url
    _toggle(page, "Model and training settings")
    thumb.wait_for(state="attached", timeout=30000)
    assert thumb.input_value() == "3"
    assert page.locator(EXCEPTION).count() == 0
