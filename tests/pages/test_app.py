"""AppTest: the landing page and a load smoke test of every page file."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dlcore.catalog import PAGES

ROOT = Path(__file__).resolve().parents[2]


def test_home_links_every_page():
    at = AppTest.from_file(str(ROOT / "home.py"), default_timeout=60).run()
    assert not at.exception
    body = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    for page in PAGES:
        assert page.blurb in body
    assert any("Running on" in c.value for c in at.caption)  # the device is shown


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.id)
def test_every_page_loads_without_exception(page):
    at = AppTest.from_file(str(ROOT / page.file), default_timeout=120).run()
    assert not at.exception, at.exception
    assert any(page.title in t.value for t in at.title)
    assert not [i for i in at.info if "Reconnected" in i.value]  # a new session is not a reconnect
