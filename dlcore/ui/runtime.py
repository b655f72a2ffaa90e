"""Probes of the Streamlit runtime a script runs under, in one place (they read private APIs,
each guarded so that a Streamlit upgrade degrades to a safe answer instead of a crash).

    under_server()      True under `streamlit run`, False under AppTest or a bare script
    session_id()        this browser session's id ("-" outside a session)
    session_alive()     False once the session's browser tab is gone
    resumed_elsewhere() the browser asked to resume a session this server does not have
"""

from __future__ import annotations


def under_server() -> bool:
    """True under `streamlit run`; False under AppTest (whose Runtime is a mock)."""
    try:
        from streamlit import runtime
        from streamlit.runtime import Runtime

        return runtime.exists() and type(Runtime.instance()) is Runtime  # a mock passes isinstance
    except Exception:  # private API moved: behave as a test run (frames as st.image)
        return False


def session_id() -> str:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    return getattr(get_script_run_ctx(), "session_id", "-")


def session_alive() -> bool:
    """False once the browser tab of this session is gone (or there is no server runtime)."""
    try:
        from streamlit.runtime import Runtime
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
        return ctx is not None and Runtime.instance().is_active_session(ctx.session_id)
    except Exception:  # private API moved: keep training rather than crash
        return True


def resumed_elsewhere() -> bool:
    """True when the browser asked to resume a session this server does not have.

    Streamlit's client sends its previous session id as the third entry of the websocket's
    Sec-WebSocket-Protocol header when it reconnects; a new visit sends none.
    """
    try:
        import streamlit as st
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        raw = st.context.headers.get("Sec-Websocket-Protocol") or ""
        parts = [p.strip() for p in raw.split(",")]
        previous = parts[2] if len(parts) >= 3 else ""
        ctx = get_script_run_ctx()
        return bool(previous) and ctx is not None and previous != ctx.session_id
    except Exception:  # header or private API missing: no notice rather than a crash
        return False


def rerun_waiting() -> bool:
    """True when a rerun request waits for this script run to end. A widget inside a fragment
    asks for a rerun of its fragment only, which does not interrupt a run in progress (a live
    loop): the loop calls ``st.rerun()`` then, so the click is handled at once."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx
        from streamlit.runtime.scriptrunner_utils.script_requests import ScriptRequestType

        requests = getattr(get_script_run_ctx(), "script_requests", None)
        return requests is not None and requests._state == ScriptRequestType.RERUN
    except Exception:  # private API moved: the loop ends at the next full rerun as before
        return False


def in_fragment() -> bool:
    """True while a fragment's function runs (inside the page's run or in its own rerun)."""
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState

        return ThreadState.get().fragment_id is not None
    except Exception:  # private API moved: nothing is checked
        return False
