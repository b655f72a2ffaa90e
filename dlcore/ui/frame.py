"""The shared frame of every page: page config, sidebar navigation with icons, device badge.

The app uses Streamlit's classic ``pages/`` mechanism with the auto-generated menu switched off
(``client.showSidebarNavigation = false``) and this frame drawn by every page itself. That way a
deep link (``/gan``) opened first on a fresh server shows exactly the same app as a click from the
landing page: with ``st.navigation`` and a folder named ``pages/`` the first visit to a deep link
bypasses ``app.py`` and shows the legacy file-name menu (seen on Streamlit 1.67;
tests/e2e/test_navigation_e2e.py checks every deep link on a fresh server).
"""

from __future__ import annotations

# pandas first, here, while this module's import lock makes every other session wait: plotly
# and Streamlit import it lazily, and 20 sessions drawing their first chart at once on a fresh
# server raced on it ("partially initialized module 'pandas' has no attribute 'Series'", seen
# by bench/bench_load.py at N=20)
import pandas  # noqa: F401  (imported for its side effect: fully loaded before any page runs)
import streamlit as st
from streamlit.errors import StreamlitAPIException

from dlcore.catalog import BY_ID, HOME, PAGES, ROOT, PageInfo
from dlcore.device import device_label, set_threads
from dlcore.ui.process import process
from dlcore.ui.runtime import resumed_elsewhere
from dlcore.ui.state import Namespace

FAVICON = ROOT / "assets" / "favicon.png"  # drawn by python -m dlcore.thumbs


@st.cache_resource(show_spinner=False)
def _process_setup() -> int:
    """Once per server process: cap torch threads so a class shares the cores (app.py warms the
    shared caches in the background at server start: dlcore/ui/warm.py)."""
    return set_threads()


def _sidebar(current: PageInfo) -> None:
    with st.sidebar:
        st.markdown("## :material/explore: Deep Learning Explorer")
        try:
            for page in (HOME, *PAGES):
                st.page_link(page.file, label=page.title, icon=page.icon, disabled=page is current)
        except StreamlitAPIException:
            # Run from another entrypoint (AppTest of a single page, a bench app): plain links.
            st.markdown("\n".join(f"- {p.icon} [{p.title}](/{p.url_path})" for p in (HOME, *PAGES)))
        st.divider()
        st.caption(f":material/developer_board: Running on **{device_label()}**")
        st.caption("Every number on these pages comes from a real PyTorch model.")
        replica = process().settings.replica  # several replicas serve: say which one this is
        if replica:
            st.caption(f":material/dns: Server replica **{replica}**")


def _session_start_notice() -> None:
    """On the first run of a server session, tell a student who was moved to a new server.

    A browser that reconnects after its replica restarted (or the balancer moved it) asks for
    its old session, which this server does not have. Settings come back from the link and the
    widgets; trainers lived in the old server's memory, so live training starts again.
    """
    app = Namespace("dlx")
    if "session" in app:
        return
    reconnected = len(st.session_state) > 0 or resumed_elsewhere()
    app.set("session", process().settings.replica or "1")
    if reconnected:
        st.info(
            "**Reconnected.** The server you were on restarted or you were moved to another one. "
            "Your settings were kept; live training starts again from fresh weights.",
            icon=":material/sync:",
        )


def page_frame(page_id: str, *, title: bool = True) -> PageInfo:
    """Call first on every page: config, sidebar navigation, title and device line."""
    info = BY_ID[page_id]
    st.set_page_config(
        page_title=f"{info.title} · Deep Learning Explorer",
        page_icon=str(FAVICON),  # a file: a Material icon here is fetched from a font CDN
        layout="wide",
        initial_sidebar_state="expanded",
    )
    _process_setup()
    _sidebar(info)
    _session_start_notice()  # before any keyed element: it reads an empty session as new
    if title:
        st.title(f"{info.icon} {info.title}")
        st.caption(f"Lecture: {info.topic} · device: {device_label()}")
    return info
