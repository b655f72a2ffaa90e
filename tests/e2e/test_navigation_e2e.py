"""The full app (shared navigation, titles) on the first visit of every deep link after a server
start, and no exception element on any page (dlcore/ui/frame.py says why)."""

import pytest

from dlcore.catalog import HOME, PAGES
from tests.e2e.conftest import EXCEPTION, open_app

ALL = (HOME, *PAGES)


def _nav_titles(page) -> list[str]:
    links = page.locator("[data-testid=stSidebar] [data-testid=stPageLink]")
    links.nth(len(ALL) - 1).wait_for(timeout=30000)  # page links render lazily (skeletons first)
    return links.all_inner_texts()


@pytest.mark.parametrize("info", ALL, ids=lambda p: p.id)
def test_first_visit_to_deep_link_shows_full_app(fresh_server, page, info):
    server = fresh_server()
    open_app(page, server.url(info.url_path))
    titles = " ".join(_nav_titles(page))
    for other in ALL:
        assert other.title in titles  # our navigation, with every entry
    # Streamlit's legacy file-name menu is hidden (it would list 'convolution', 'gan', ...)
    assert page.locator("[data-testid=stSidebarNav]").count() == 0
    assert info.title in page.locator("h1").first.inner_text()
    assert page.locator(EXCEPTION).count() == 0


def test_every_page_opens_without_exception(server, page):
    for info in ALL:
        open_app(page, server.url(info.url_path))
        assert page.locator(EXCEPTION).count() == 0, info.id
        assert page.locator("h1").count() >= 1


def test_sidebar_link_navigates(server, page):
    open_app(page, server.url(""))
    nav = page.locator("[data-testid=stSidebar] [data-testid=stPageLink]")
    nav.filter(has_text=PAGES[-1].title).click()
    page.wait_for_url(f"**/{PAGES[-1].url_path}")
    page.wait_for_selector("h1")
    assert PAGES[-1].title in page.locator("h1").first.inner_text()


def test_no_page_asks_anything_of_another_host(server, page):
    """The app works offline: no font, icon or script comes from a CDN (a Material icon as the
    tab icon was fetched from fonts.gstatic.com)."""
    outside = []
    local = ("http://127.0.0.1", "http://localhost", "ws://127.0.0.1", "ws://localhost", "data:")
    local += tuple(f"blob:{origin}" for origin in local[:2])  # in-page scripts (components v2)
    page.on("request", lambda r: None if r.url.startswith(local) else outside.append(r.url))
    for info in ALL:
        open_app(page, server.url(info.url_path))
        page.wait_for_timeout(500)
    assert outside == []


def test_home_card_titles_are_shown_whole(server, page):
    open_app(page, server.url(""))
    links = page.locator("[data-testid=stMain] [data-testid=stPageLink] p")
    links.nth(len(PAGES) - 1).wait_for(timeout=30000)
    for i in range(links.count()):
        cut = links.nth(i).evaluate("el => el.scrollWidth > el.clientWidth + 1")
        assert not cut, links.nth(i).inner_text()
