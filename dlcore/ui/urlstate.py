"""Shareable links: a page's config <-> ``st.query_params`` <-> its widgets.

    cfg = url_config(GanConfig, "gan")          # link -> session -> widget state (notices shown)
    field_widget("gan", GanConfig, "lr_d")      # the right widget for a field, bound to its key
    cfg = config_from_state(GanConfig, "gan")   # widget state -> validated config
    sync_url(cfg, "gan")                        # config -> URL (only non-default values)

Opening a link (or editing the URL) re-seeds the widgets; otherwise the widgets are the truth and
the URL follows them. All parsing lives in ``dlcore.config`` and is re-validated here, because
widget bounds are enforced only in the browser.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from dlcore.config import FieldSpec, coerce, field_specs, format_value, parse_config, to_query
from dlcore.ui.state import Namespace


def wkey(ns: str, name: str) -> str:
    """The session-state key of the widget bound to config field ``name``."""
    return Namespace(ns).widget_key(name)


def _canonical(params: Mapping[str, Any]) -> str:
    return urlencode(sorted((str(k), str(v)) for k, v in params.items()))


def _widget_value(spec: FieldSpec, value: Any) -> Any:
    return format_value(value, spec) if spec.kind in ("ints", "floats") else value


def _seed_widgets(cls: type, ns: str, cfg: Any, *, force: bool) -> None:
    for name, spec in field_specs(cls).items():
        key = wkey(ns, name)
        if force or key not in st.session_state:
            st.session_state[key] = _widget_value(spec, getattr(cfg, name))


_ECHO_MEMORY = 32  # URLs this session wrote recently


def _is_echo(cls: type, ns: str, canon: str) -> bool:
    """True when ``canon`` is a URL this session wrote itself, arriving late with a widget change.

    Every rerun carries the browser's query string. A click sent before the browser applied the
    URL of the previous run brings that older URL back; re-seeding from it would undo the click
    (seen as a radio that did not switch after a quick slider move). Such a rerun carries a
    widget value newer than the last config, so the widgets win. The browser's Back button also
    brings back a URL we wrote, but with no widget changed: that one still restores the settings.
    """
    keys = Namespace(ns)
    if canon not in keys.get("_written", ()):
        return False
    last = keys.get("cfg")
    if type(last) is not cls:
        return False
    for name, spec in field_specs(cls).items():
        key = wkey(ns, name)
        if key in st.session_state and st.session_state[key] != _widget_value(
            spec, getattr(last, name)
        ):
            return True
    return False


def url_config(cls: type, ns: str) -> Any:
    """The config to start this run from; shows notices for bad link values."""
    keys = Namespace(ns)
    params = st.query_params.to_dict()
    canon = _canonical(params)
    if params and canon != keys.get("_url") and not _is_echo(cls, ns, canon):
        parsed = parse_config(cls, params)
        cfg = parsed.config
        _seed_widgets(cls, ns, cfg, force=True)
        keys.set("cfg", cfg)
        keys.set("_notices", parsed.notices)
        keys.set("_url", canon)
    else:
        cfg = keys.get("cfg")
        if type(cfg) is not cls:
            cfg = cls()
        _seed_widgets(cls, ns, cfg, force=False)
    notices = keys.get("_notices", ())
    if notices:
        st.warning(
            "Some link settings were not valid and use their defaults:\n\n"
            + "\n".join(f"- {n}" for n in notices),
            icon=":material/link:",
        )
    return cfg


def config_from_state(cls: type, ns: str, *, warn: bool = True) -> Any:
    """Validated config from the widgets (missing widgets keep the last config's value); a value
    that does not validate keeps the previous one, with a warning unless ``warn`` is False."""
    keys = Namespace(ns)
    previous = keys.get("cfg")
    base = previous if type(previous) is cls else cls()
    values, problems = {}, []
    for name, spec in field_specs(cls).items():
        key = wkey(ns, name)
        if key not in st.session_state:
            values[name] = getattr(base, name)
            continue
        try:
            values[name] = coerce(st.session_state[key], spec)
        except ValueError as err:
            problems.append(f"{spec.label or name}: {err}")
            values[name] = getattr(base, name)
    for p in problems if warn else ():
        st.warning(f"{p}. Keeping the previous value.", icon=":material/warning:")
    cfg = cls(**values)
    keys.set("cfg", cfg)
    return cfg


def forget_undrawn(cfg: Any, ns: str, drawn: set[str]) -> None:
    """Drop the session keys of the config's widgets this run did not draw (another view's, a
    closed expander's, a switched-off option's); their values live on in the config.

    A key set in a run that draws no widget for it (the seeding above, a callback's preset) is
    kept by Streamlit as a plain value; once its widget is drawn and then not drawn again, that
    old value comes back and the next run would read it (a setting reverting after a view switch).
    A key whose value is not the config's (set during this run, not yet read) is kept."""
    for name, spec in field_specs(type(cfg)).items():
        key = wkey(ns, name)
        if name in drawn or key not in st.session_state:
            continue
        try:
            same = coerce(st.session_state[key], spec) == getattr(cfg, name)
        except ValueError:
            continue
        if same:
            del st.session_state[key]


def sync_url(cfg: Any, ns: str) -> None:
    """Write the non-default fields of ``cfg`` to the URL (a teacher copies the link)."""
    keys = Namespace(ns)
    params = to_query(cfg)
    canon = _canonical(params)
    if canon != _canonical(st.query_params.to_dict()):
        st.query_params.from_dict(params)
    if canon != keys.get("_url"):
        keys.set("_notices", ())  # the student has moved on from the old link
    keys.set("_url", canon)
    written = [u for u in keys.get("_written", ()) if u != canon]
    keys.set("_written", [*written, canon][-_ECHO_MEMORY:])


def share_link(cfg: Any, page_path: str) -> str:
    """The full link that reproduces ``cfg`` on this page (shown in a copyable box)."""
    base = (st.context.url or "").split("?")[0].rstrip("/") if hasattr(st, "context") else ""
    if not base.endswith(page_path):
        base = f"{base}/{page_path}" if base else f"/{page_path}"
    query = urlencode(to_query(cfg))
    return f"{base}?{query}" if query else base


def share_box(cfg: Any, page_path: str) -> None:
    """A 'copy link' box: st.code has a copy button."""
    st.caption("Share this exact experiment (configuration and seed):")
    st.code(share_link(cfg, page_path), language=None)


# ----------------------------------------------------------------------------- widgets
def _num_widget(spec: FieldSpec, label: str, key: str, widget: str | None, kw: dict) -> Any:
    if spec.options is not None:
        return st.select_slider(label, options=list(spec.options), key=key, **kw)
    is_int = isinstance(spec.default, int)
    cast = int if is_int else float
    bounds = {}
    if spec.lo is not None:
        bounds["min_value"] = cast(spec.lo)
    if spec.hi is not None:
        bounds["max_value"] = cast(spec.hi)
    for name in ("min_value", "max_value"):  # a view may narrow them (an index into its output)
        if name in kw:
            bounds[name] = cast(kw.pop(name))
    if widget == "slider" or (widget is None and len(bounds) == 2):
        return st.slider(label, key=key, **bounds, **kw)
    return st.number_input(label, key=key, **bounds, **kw)


def field_widget(
    ns: str,
    cls: type,
    name: str,
    label: str | None = None,
    *,
    widget: str | None = None,
    format_func: Callable[[Any], str] | None = None,
    **kw: Any,
) -> Any:
    """Draw the widget for one config field (bound to its session key) and return its value.

    ``widget``: "toggle" (default for flags) or "checkbox"; "selectbox" (default for choices) or
    "radio"; "slider"/"number" for numbers; "area" for long text. Extra kwargs go to Streamlit.
    """
    spec = field_specs(cls)[name]
    label = label or spec.label or name.replace("_", " ").capitalize()
    key = wkey(ns, name)
    if spec.help and "help" not in kw:
        kw["help"] = spec.help
    if spec.kind == "flag":
        return (st.checkbox if widget == "checkbox" else st.toggle)(label, key=key, **kw)
    if format_func is not None and (spec.kind == "choice" or spec.options is not None):
        kw["format_func"] = format_func  # how a choice or a number from a list reads
    if spec.kind == "choice":
        if widget == "radio":
            return st.radio(label, options=list(spec.options), key=key, horizontal=True, **kw)
        return st.selectbox(label, options=list(spec.options), key=key, **kw)
    if spec.kind == "num":
        return _num_widget(spec, label, key, widget, kw)
    if spec.kind in ("ints", "floats"):
        kw.setdefault("help", f"Comma-separated, {spec.min_len} to {spec.max_len} values.")
        return st.text_input(label, key=key, **kw)
    if widget == "area":
        return st.text_area(label, key=key, max_chars=spec.max_len, **kw)
    return st.text_input(label, key=key, max_chars=spec.max_len, **kw)
