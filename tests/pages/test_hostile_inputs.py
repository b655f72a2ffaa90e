"""Hostile-input sweep over every page (AppTest): random and hostile URL parameters (hypothesis),
every bad file of the foundation corpus in every uploader, and hostile text in every text input.
No exception element may appear, and hostile markup is never rendered as HTML."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from dlcore.catalog import PAGES
from tests.foundation.badfiles import BAD_FILES

ROOT = Path(__file__).resolve().parents[2]
MARK = "<script>alert('dlx')</script>"
HOSTILE_TEXT = [
    "",
    "x" * 100_000,
    "a\x00b\x07c\x1b[31mred\x7f",
    "\u202eevil\u202c \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",
    f"<b>bold</b> {MARK} <img src=x onerror=alert(1)>",
    "😀🎉🧠" * 50,
]
BAD = list(BAD_FILES.items())


def _app(page) -> AppTest:
    return AppTest.from_file(str(ROOT / page.file), default_timeout=120)


def _assert_safe(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    for md in at.markdown:
        if getattr(md, "allow_html", False):
            assert "<script" not in md.value and "onerror" not in md.value


def _field_names(at: AppTest, ns: str) -> list[str]:
    """Config fields of the page, read from its widgets' keys ('<ns>.w.<field>')."""
    prefix = f"{ns}.w."
    widgets = [
        *at.text_input,
        *at.text_area,
        *at.slider,
        *at.select_slider,
        *at.selectbox,
        *at.number_input,
        *at.toggle,
        *at.checkbox,
        *at.radio,
    ]
    keys = {str(w.key) for w in widgets if w.key and str(w.key).startswith(prefix)}
    return sorted(k[len(prefix) :] for k in keys) or ["seed"]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.id)
def test_hostile_text_and_bad_uploads(page):
    at = _app(page).run()
    _assert_safe(at)
    for i, text in enumerate(HOSTILE_TEXT):
        for box in [*at.text_input, *at.text_area]:
            if not box.disabled:
                box.set_value(text)
        name, data = BAD[i % len(BAD)]
        for uploader in at.file_uploader:
            uploader.set_value((name, data, "image/png"))
        at.run()
        _assert_safe(at)


URL_VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["nan", "inf", "-1e308", "1e999", "0", "-0", MARK, "a" * 5000, ",,,", "1,2,x"]),
)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.id)
def test_random_url_parameters(page):
    names = _field_names(_app(page).run(), page.id)

    @settings(
        max_examples=3, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
    )
    @given(st.dictionaries(st.sampled_from([*names, "zz", MARK]), URL_VALUES, max_size=6))
    def check(params):
        at = _app(page)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        _assert_safe(at)

    check()
