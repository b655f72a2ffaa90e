"""The chart library's preload: it names the module Streamlit itself imports for a chart, and
every page draws it once, in the sidebar, without making a new session look like a reconnect."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from dlcore.ui import preload

ROOT = Path(__file__).resolve().parents[2]


def test_the_chunk_is_streamlits_chart_module_and_its_entry_imports_it():
    chunks = preload.chart_chunks()
    assert len(chunks) == 1 and chunks[0].startswith("PlotlyChart.")
    entry = next((preload.STATIC_JS).glob("index.*.js")).read_text(encoding="utf-8")
    assert f"./{chunks[0]}" in entry  # the same file, next to the entry script


def test_no_chunk_no_element(tmp_path):
    assert preload.chart_chunks(tmp_path) == []


def test_every_page_draws_it_once_in_the_sidebar_and_a_new_session_is_not_a_reconnect():
    at = AppTest.from_file(str(ROOT / "pages" / "convolution.py"), default_timeout=120).run()
    assert not at.exception
    in_sidebar = [e for e in at.sidebar if getattr(e, "key", None) == "dlx_preload"]
    assert len(in_sidebar) == 1
    assert not [i for i in at.info if "Reconnected" in i.value]
