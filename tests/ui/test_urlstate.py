"""AppTest of dlcore.ui.urlstate: a link seeds the widgets, the URL follows the widgets, a late
URL from this session's own past does not undo a click, and Back still restores settings."""

from streamlit.testing.v1 import AppTest


def _script():
    import streamlit as st

    from dlcore.ntm.config import NTMConfig as Cfg  # any page config; view and g are used here
    from dlcore.ui.urlstate import config_from_state, field_widget, sync_url, url_config

    url_config(Cfg, "t")
    field_widget("t", Cfg, "view", widget="radio")
    field_widget("t", Cfg, "g", widget="slider")
    cfg = config_from_state(Cfg, "t")
    st.write(f"cfg view={cfg.view} g={cfg.g}")
    sync_url(cfg, "t")


def _shown(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("cfg "))


def _app(**params) -> AppTest:
    at = AppTest.from_function(_script, default_timeout=30)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def test_link_seeds_and_url_follows_widgets():
    at = _app(g="0.75")
    assert _shown(at) == "cfg view=addressing g=0.75"
    at.slider(key="t.w.g").set_value(0.9).run()
    assert at.query_params["g"] == "0.9"
    assert not at.exception


def test_late_url_does_not_undo_a_click():
    at = _app()
    at.slider(key="t.w.g").set_value(0.8).run()  # writes ?g=0.8
    at.slider(key="t.w.g").set_value(0.9).run()  # writes ?g=0.9
    # The radio click leaves the browser before it applied ?g=0.9: the rerun carries ?g=0.8.
    at.query_params.clear()
    at.query_params["g"] = "0.8"
    at.radio(key="t.w.view").set_value("write").run()
    assert _shown(at) == "cfg view=write g=0.9"
    assert at.query_params["view"] == "write" and at.query_params["g"] == "0.9"


def test_back_button_restores_earlier_settings():
    at = _app()
    at.slider(key="t.w.g").set_value(0.8).run()
    at.slider(key="t.w.g").set_value(0.9).run()
    at.query_params.clear()
    at.query_params["g"] = "0.8"  # Back: an earlier URL, no widget changed
    at.run()
    assert _shown(at) == "cfg view=addressing g=0.8"
