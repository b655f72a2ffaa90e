"""One way to write a page: a ``Page`` owns its config, its session keys, its widgets, its views
and its live panel, so that a page file reads as a table of contents.

    from dlcore.ui.page import Page
    from dlcore.ui.views.ntm import VIEWS

    page = Page("ntm", NTMConfig)   # frame, link -> widgets, the config read once (page.cfg)
    page.show(VIEWS)                 # the view radio (fed by the registry), then that view
    page.finish()                    # the link follows the widgets, share box, live loop last

A view is a function of the page, registered under one of the config's view choices
(``View(label, draw)``, in ``dlcore/ui/views/<concept>.py``). Inside it:

    page.cfg.beta                     # the validated config of this run
    page.widget("beta")               # the widget bound to a config field (its key is the page's)
    page.row("k0", "k1", "k2")        # several side by side
    page.chart(fig, "stages")         # a plotly chart with the page's PNG export
    page.get("sandbox"), page.set("sandbox", m)      # session state under "<page>.<name>"
    page.live(NTMLiveTrainer, render, max_fps=8)     # Play / Pause / Step / Reset (dlcore.ui.live)

No page or view builds a session key by hand; they all come from the page's ``Namespace``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import partial
from typing import Any, Generic, TypeVar

import streamlit as st

from dlcore.catalog import PageInfo
from dlcore.config import field_specs, format_value
from dlcore.trainer import Trainer
from dlcore.ui.frame import page_frame
from dlcore.ui.live import LivePanel, Render, forget_trainer, holding_trainer, pause
from dlcore.ui.plot import clicked, inplace_chart
from dlcore.ui.runtime import in_fragment
from dlcore.ui.state import Namespace
from dlcore.ui.urlstate import (
    config_from_state,
    field_widget,
    forget_undrawn,
    share_box,
    sync_url,
    url_config,
)

C = TypeVar("C")
NOTICE_ICONS = {
    "info": ":material/info:",
    "success": ":material/check_circle:",
    "warning": ":material/warning:",
    "error": ":material/error:",
}


@dataclass(frozen=True)
class View(Generic[C]):
    """One entry of a page's view registry: the radio's label and the function that draws it.

    ``fragment=True``: the view reruns alone when one of its own widgets changes (``st.fragment``)
    instead of the whole page, so a slider redraws its own picture quickly. Only for a view with
    no live panel: a live loop runs at the end of a whole run (a view that calls ``page.live`` is
    refused as a fragment)."""

    label: str
    draw: Callable[[Page[C]], None]
    fragment: bool = False


class Page(Generic[C]):
    """A page of the app over its config class ``C`` (see the module docstring)."""

    def __init__(
        self,
        page_id: str,
        config: type[C],
        *,
        labels: Mapping[Any, str] | None = None,
        title: bool = True,
        ns: str | None = None,
    ) -> None:
        self.info: PageInfo = page_frame(page_id, title=title)
        self.id = ns or page_id  # the namespace of its keys and URL state (default: the page id)
        self.state = Namespace(self.id)
        self.config_cls = config
        # what a student reads in a choice widget: option value -> label, or, for one field,
        # field name -> {option value -> label} (two fields may share an option value)
        self.labels = dict(labels or {})
        url_config(config, self.id)  # a link re-seeds the widgets (notices for bad values)
        self.cfg: C = config_from_state(config, self.id)
        self._drawn: set[str] = set()  # config fields whose widget this run drew (finish)
        self.panel: LivePanel | None = None
        self._finished = False  # finish() ran: later calls come from a fragment's own rerun
        self._shared = False  # the share box is drawn

    # -- session state ------------------------------------------------------------------
    def key(self, name: str) -> str:
        """The session key of ``name`` on this page (for a widget that is not a config field)."""
        return self.state.key(name)

    def get(self, name: str, default: Any = None) -> Any:
        return self.state.get(name, default)

    def set(self, name: str, value: Any) -> None:
        self.state.set(name, value)

    def cached(self, name: str, make: Callable[[], Any]) -> Any:
        return self.state.cached(name, make)

    def memo(self, name: str, key: Any, make: Callable[[], Any]) -> Any:
        """``make()`` for this session, built again only when ``key`` changes."""
        return self.state.memo(name, key, make)

    # -- widgets bound to config fields ---------------------------------------------------
    def label(self, value: Any, field: str | None = None) -> str:
        """What a student reads for option ``value`` (of config field ``field``)."""
        own = self.labels.get(field) if field is not None else None
        if isinstance(own, Mapping):
            return own.get(value, str(value))
        shown = self.labels.get(value, value)
        return shown if isinstance(shown, str) else str(value)

    def widget(self, name: str, **kw: Any) -> Any:
        """The widget of config field ``name`` (``dlcore.ui.urlstate.field_widget``); choices
        are shown with the page's labels unless ``format_func`` is given."""
        if self.labels and field_specs(self.config_cls)[name].kind == "choice":
            kw.setdefault("format_func", partial(self.label, field=name))
        self._drawn.add(name)
        return field_widget(self.id, self.config_cls, name, **kw)

    def row(self, *names: str, widths: list[float] | None = None, **options: dict) -> None:
        """Widgets side by side, one per column; ``options[name]`` are that widget's kwargs."""
        for col, name in zip(st.columns(widths or len(names)), names):
            with col:
                self.widget(name, **options.get(name, {}))

    def widget_key(self, name: str) -> str:
        """The session key of config field ``name``'s widget, for a view that draws that widget
        itself (or reads or sets its value during the run: its key is then kept, see finish)."""
        self._drawn.add(name)
        return self.state.widget_key(name)

    def widget_state(self, name: str, default: Any = None) -> Any:
        """The value a config field's widget holds right now (in a callback, before the run);
        for a widget the last run did not draw, the config's value (in the widget's form)."""
        key = self.widget_key(name)
        if key in st.session_state:
            return st.session_state[key]
        cfg = self.state.get("cfg")
        if type(cfg) is not self.config_cls:
            return default
        spec, value = field_specs(self.config_cls)[name], getattr(cfg, name)
        return format_value(value, spec) if spec.kind in ("ints", "floats") else value

    def set_widgets(self, values: Mapping[str, Any]) -> None:
        """Set config widgets (from a callback: a preset, a click); the next run reads them.
        A list field takes a tuple (``(1.0, 0.5)``) or its text form (``"1, 0.5"``)."""
        specs = field_specs(self.config_cls)
        for name, value in values.items():
            spec = specs[name]
            listed = spec.kind in ("ints", "floats") and not isinstance(value, str)
            st.session_state[self.widget_key(name)] = format_value(value, spec) if listed else value

    def refresh(self) -> C:
        """Read the config again, after a view set a widget's value itself during this run (a
        value that does not validate was already reported when the page began)."""
        self.cfg = config_from_state(self.config_cls, self.id, warn=False)
        return self.cfg

    # -- drawing ----------------------------------------------------------------------------
    def chart(
        self, fig: Any, name: str, *, where: Any = None, inplace: bool = False, **kw: Any
    ) -> Any:
        """A plotly chart keyed by ``name``; its camera button saves a 2x PNG named after the
        page and chart (a projector-sized export). ``inplace=True``: a chart a control redraws
        changes in place instead of being rebuilt (``dlcore.ui.plot``; clicks only: ``on_select``
        is called on a click on a point, ``selection`` reads it)."""
        export = {"format": "png", "filename": f"{self.id}_{name}", "scale": 2}
        kw.setdefault("config", {"toImageButtonOptions": export, "displaylogo": False})
        key = self.key(f"chart.{name}")
        if inplace:
            draw = partial(
                inplace_chart, fig, key, config=kw["config"], on_select=kw.get("on_select")
            )
            if where is None:
                return draw()
            with where:
                return draw()
        return (where or st).plotly_chart(fig, key=key, **kw)

    def selection(self, name: str) -> list[dict]:
        """The points selected (or clicked) on chart ``name``, drawn with ``on_select``: read it
        in the chart's callback or later in the run; empty before any selection. Streamlit turns
        a click into a selection only while the chart's drag mode is not lasso or box: a chart
        students click on opens in pan or zoom mode (lasso and box stay in its toolbar)."""
        key = self.key(f"chart.{name}")
        points = clicked(key)  # an in-place chart's click
        if points:
            return points
        event = st.session_state.get(key)
        selection = getattr(event, "selection", None)
        return list(getattr(selection, "points", None) or [])

    def downloads(
        self, name: str, files: Mapping[str, tuple[bytes | str | Callable[[], bytes], str]]
    ) -> None:
        """A row of download buttons, one per format: ``{"csv": (data, "text/csv"), ...}``; data
        may be a function that makes it, called when its button is clicked (not at each run)."""
        for col, (ext, (data, mime)) in zip(st.columns(len(files)), files.items()):
            col.download_button(
                ext.upper(), data, f"{name}.{ext}", mime, key=self.key(f"download.{name}.{ext}")
            )

    def lazy(
        self,
        label: str,
        name: str,
        *,
        icon: str | None = None,
        expanded: bool = False,
    ) -> Any:
        """An expander drawn empty while closed: opening it reruns the page, which then draws its
        content (``with`` the returned expander); None while closed. What only a curious student
        opens (charts, a trainer, a code block, settings most never change) then costs no run and
        no first picture anything: a closed expander's content is still sent and drawn, hidden.
        While it is closed, its widgets' values live in the page's config (see finish)."""
        box = st.expander(label, expanded, icon=icon, key=self.key(name), on_change="rerun")
        return box if box.open else None

    def notice(self, text: str, kind: str = "info", icon: str | None = None) -> None:
        """A message on the page (info, success, warning or error) with its icon."""
        getattr(st, kind)(text, icon=icon or NOTICE_ICONS[kind])

    # -- views ------------------------------------------------------------------------------
    def choose(self, views: Mapping[str, View[C]], field: str = "view", **kw: Any) -> View[C]:
        """The radio of config field ``field``, fed by the registry ``views``; the chosen view."""
        kw.setdefault("widget", "radio")
        chosen = self.widget(field, format_func=lambda k: views[k].label, **kw)
        return views[chosen]

    def show(self, views: Mapping[str, View[C]], field: str = "view", **kw: Any) -> None:
        """Choose a view (``choose``) and draw it (``draw``)."""
        self.draw(self.choose(views, field, **kw))

    def draw(self, view: View[C]) -> None:
        """Draw ``view``; a fragment view reruns alone when its own widgets change: it then
        reads the config again, and the link and its share box follow (they are drawn inside)."""
        if not view.fragment:
            view.draw(self)
            return

        @st.fragment
        def alone() -> None:
            rerun = self._finished  # the page's run is over: this is the view's own rerun
            if rerun:
                self.refresh()
            view.draw(self)
            if rerun:
                sync_url(self.cfg, self.id)
            self._share_box(again=rerun)

        alone()

    # -- live training ------------------------------------------------------------------------
    def live(
        self,
        factory: Callable[[Any], Trainer],
        render: Render,
        *,
        cfg: Any = None,
        name: str | None = None,
        **kw: Any,
    ) -> LivePanel:
        """Play / Pause / Step / Reset and the first frame of a trainer built from ``cfg``
        (default: the page's config); ``name`` gives a second panel its own keys. The page's
        ``finish`` runs its loop."""
        if in_fragment():
            raise RuntimeError("a view with a live panel cannot be View(..., fragment=True)")
        state = self.state.child(name) if name else self.state
        self.panel = LivePanel(state, self.cfg if cfg is None else cfg, factory, render, **kw)
        return self.panel

    def trainer(
        self,
        factory: Callable[[Any], Trainer] | None = None,
        *,
        name: str | None = None,
        cfg: Any = None,
    ) -> AbstractContextManager[Any]:
        """Hold the trainer of the page's live panel (or of its panel ``name``) for work outside
        the panel: ``with page.trainer(TaskTrainer) as trainer: ...`` (built for the page's
        config if need be), or ``with page.trainer() as trainer:`` in a button's callback."""
        state = self.state.child(name) if name else self.state
        return holding_trainer(state, self.cfg if cfg is None else cfg, factory)

    def rebuild(self, name: str | None = None) -> None:
        """Forget the live panel's trainer (or panel ``name``'s): the next run builds a fresh
        one even when the config did not change (the student's new points, a preset's weights)."""
        forget_trainer(self.state.child(name) if name else self.state)

    def pause(self, name: str | None = None) -> None:
        """Stop the live training of the page (or of its panel ``name``); callbacks may call it
        before the panel is drawn."""
        pause(self.state.child(name) if name else self.state)

    def finish(self, *, share: bool = True) -> None:
        """The page's last call: the URL follows the widgets, the keys of the config widgets this
        run did not draw are dropped (their values live in the config: ``forget_undrawn``), the
        share box, then the live loop (it trains until the next interaction, so nothing may come
        after it)."""
        sync_url(self.cfg, self.id)
        forget_undrawn(self.cfg, self.id, self._drawn)
        self._finished = True
        if share:
            self._share_box()
        if self.panel is not None:
            self.panel.loop()

    def _share_box(self, again: bool = False) -> None:
        """The share box, once a run (a fragment view draws it inside, with its own link,
        and again at each of its own reruns)."""
        if self._shared and not again:
            return
        self._shared = True
        # drawn when opened: closed, the link's code block cost every page's first paint ~0.2 s
        # of the browser's time (loading and running its syntax highlighter)
        box = self.lazy("Share this experiment", "share_open", icon=":material/share:")
        if box is not None:
            with box:
                share_box(self.cfg, self.info.url_path)
