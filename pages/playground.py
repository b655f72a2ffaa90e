"""Decision-boundary playground: TF Playground's MLP trained live, plus the lecture's lessons."""

import random

import numpy as np
import streamlit as st

from dlcore.playground import analysis as A
from dlcore.playground import views as V
from dlcore.playground.config import HIDEABLE, SECTIONS, PlaygroundConfig, hidden_controls
from dlcore.playground.data import DATASETS, to_csv
from dlcore.playground.export import torch_snippet, weights_bytes
from dlcore.playground.expr import ExprError
from dlcore.playground.features import FEATURES
from dlcore.playground.trainer import PlaygroundTrainer
from dlcore.playground.uat import TARGETS, fit_function
from dlcore.ui.channel import live_json
from dlcore.ui.frame import page_frame
from dlcore.ui.live import live_panel
from dlcore.ui.state import ensure_trainer, ns_get, ns_set
from dlcore.ui.urlstate import config_from_state, field_widget, share_box, sync_url, url_config
from dlcore.viz import playground as P
from dlcore.viz.playground_live import live_payload

NS, C, S = V.NS, PlaygroundConfig, st.session_state
page_frame(NS)
cfg = url_config(C, NS)


def pending(name):  # a control's value as just set by the user (cfg is one run behind)
    return V.widget_value(C, name, S.get(V.wkey(name)), getattr(cfg, name))


hide = hidden_controls(pending("hide"))


def w(name, **kw):  # a control, unless a teacher's link hides it
    if V.CONTROL_GROUP.get(name, name) not in hide:
        field_widget(NS, C, name, **kw)


def factory(c):
    t = PlaygroundTrainer(c, ns_get(NS, "custom") if c.dataset == "custom" else None)
    if ns_get(NS, "load_slide") and V.load_slide_solution(t):
        ns_set(NS, "load_slide", False)
    return t


def on_click():
    pts = S[f"{NS}.plane"].selection.points
    if pts:
        V.click(S, pts[0]["x"], pts[0]["y"])


def on_upload():
    if S[f"{NS}.csv"] is not None:
        V.upload(S, S[f"{NS}.csv"].name, S[f"{NS}.csv"].getvalue())


def render(trainer, live):
    if live and trainer.halted:  # early stopping ended training: leave Play mode
        ns_set(NS, "playing", False)
        st.rerun()
    f = V.frame(trainer)
    if live:  # one element a frame, numbers only: the browser draws it; Pause for the figures
        S[f"{NS}.frame_no"] = n = S.get(f"{NS}.frame_no", 0) + 1
        data = live_payload(f, cfg.show_test, cfg.discretize, n)
        data.update(status=V.status_parts(f.snap), caption=V.LIVE_CAPTION)
        live_json("playground_live", data, key=f"{NS}.live")
        return
    left, right = st.columns([5, 4])
    with right:
        st.markdown(V.status_line(f.snap))
        fig = P.plane_figure(f, cfg.show_test, cfg.discretize)
        st.plotly_chart(fig, key=f"{NS}.plane", on_select=on_click, selection_mode="points")
    with left:
        fig = P.network_figure(f.maps, f.snap.weights, f.snap.biases, f.labels)
        st.plotly_chart(fig, key=f"{NS}.net", on_select="rerun", selection_mode="points")
        curves = (f.snap.curve_epoch, f.snap.curve_train, f.snap.curve_test)
        acc = f.snap.curve_test_acc
        st.plotly_chart(P.loss_figure(*curves, best_epoch=f.snap.best_epoch, accuracy=acc))
    msg = V.banner(f.snap, cfg.patience)
    if msg:
        getattr(st, msg[0])(msg[1])


# no st.tabs on this page: a tab panel re-scans its content for focusable elements at every
# redraw (react-aria), which cost the browser about a third of each live frame (measured);
# one section at a time is shown under the playground, and only it is computed
with st.container():
    c = st.columns([3, 1, 1, 1, 1])
    with c[0]:
        w("dataset", format_func=lambda k: DATASETS[k][2] if k in DATASETS else "Your own points")
    for col, name in zip(c[1:4], ("noise", "ratio", "batch")):
        with col:
            w(name, step={"noise": 5, "ratio": 10}.get(name, 1))
    if "data" not in hide:
        seed = {"seed": random.randrange(2**31 - 1)}
        c[4].button("Regenerate", on_click=V.set_widgets, args=(S, seed), help="New seed")
        with c[4]:
            w("seed", widget="number", label_visibility="collapsed")
    more = st.expander("More: optimizer, learning-rate schedule, dropout, early stopping")
    for where, row in V.CONTROL_ROWS:
        for col, names in zip((more if where == "more" else st).columns(len(row)), row):
            with col:
                for n in names:
                    if V.shown(n, pending("schedule"), pending("early_stop")):
                        w(n, **({"format_func": str} if n in ("lr", "reg_rate") else {}))
    if "features" not in hide:
        c = st.columns(8)
        c[0].markdown("**Features**")
        for col, name in zip(c[1:], FEATURES):
            with col:
                w(name, widget="checkbox")
    if "network" not in hide:
        hidden = pending("hidden")
        c = st.columns([2, 1, 1, 1, 1, 1, 1, 1, 1])
        c[0].markdown(f"**{len(hidden)} hidden layer(s)**")
        for col, d, icon in ((c[1], 1, "add"), (c[2], -1, "remove")):
            ok = 0 <= len(hidden) + d <= 6
            col.button(
                "",
                icon=f":material/{icon}:",
                key=f"{NS}.layers{d}",
                disabled=not ok,
                on_click=V.resize_layers,
                args=(S, len(hidden), d),
            )
        for i, n in enumerate(hidden):
            S[f"{NS}.layer{i}"] = n
            cb = {"on_change": V.resize_layers, "args": (S, len(hidden), 0)}
            c[3 + i].number_input(f"layer {i + 1}", 1, 8, key=f"{NS}.layer{i}", **cb)
    c = st.columns(4)
    for col, name in zip(c, ("show_test", "discretize")):
        with col:
            w(name)
    cfg = config_from_state(C, NS)
    sync_url(cfg, NS)
    custom = ns_get(NS, "custom")
    panel = trainer = None
    if cfg.dataset == "custom" and (custom is None or len(custom.y) < 2):
        st.info(
            "Your own data: click the plane (brush below picks the class) or upload a CSV "
            "to add at least two points."
        )
        empty = P.boundary_figure(np.zeros((50, 50)), None, 6.0, (np.zeros((0, 2)), None), None, 2)
        st.plotly_chart(empty, key=f"{NS}.plane", on_select=on_click, selection_mode="points")
    else:
        trainer = ensure_trainer(NS, cfg, factory)
        spe = V.epoch_steps(cfg, V.n_points(cfg, custom))
        panel = live_panel(
            NS,
            cfg,
            factory,
            render,
            step_size=spe,
            budget_s=0.004,
            max_fps=40,
            hide=hide,
            one_element=True,
        )
        sel = S.get(f"{NS}.net")
        node = sel.selection.points[0].get("customdata") if sel and sel.selection.points else None
        big = V.neuron_map(trainer, *node) if node else None
        if big is not None:
            st.image(P.upscale(P.lut_rgb(big), 4), caption=f"Layer {node[0]}, unit {node[1] + 1}")
    with st.expander("Your own data: click the plane to add points, or upload a CSV"):
        st.radio("Click adds", list(V.BRUSHES), key=f"{NS}.brush", horizontal=True)
        st.file_uploader("CSV: x1, x2, label", key=f"{NS}.csv", on_change=on_upload)
        if ns_get(NS, "csv_error"):
            st.error(f"Could not use this file. {ns_get(NS, 'csv_error')}")
        st.button(
            "Clear all points",
            on_click=lambda: (ns_set(NS, "custom", None), V.set_widgets(S, {"dataset": "custom"})),
        )
        st.caption("Your own points are not part of the shared link; download them as CSV.")

st.divider()
w("section", widget="radio", format_func=SECTIONS.get)
if cfg.section == "hidden" and trainer is not None:
    hs = A.hidden_space(trainer)
    st.markdown(
        "The data as the **last hidden layer** sees it: classes that were not "
        "linearly separable in the input often become separable here."
    )
    st.plotly_chart(P.hidden_figure(hs, trainer.n_classes))
    if cfg.activation in ("relu", "leaky_relu") and cfg.hidden:
        reg = A.linear_regions(trainer.net, trainer.features, trainer.data.train.domain)
        st.markdown(f"**{reg.count} linear regions** over the plane (ReLU on/off patterns).")
        st.image(P.regions_rgb(reg.region_id))
    else:
        st.caption("Choose ReLU to count the network's linear regions (deep vs shallow).")

if cfg.section == "uat":
    st.markdown("One hidden layer of N units fits f(x) as the sum of the units' contributions.")
    c = st.columns(3)
    with c[0]:
        w("fn", format_func=lambda k: TARGETS[k][0] if k in TARGETS else "type your own")
    with c[1]:
        w("uat_neurons")
    if cfg.fn == "custom":
        with c[2]:
            w("expr")
    try:
        fit = st.cache_data(max_entries=32)(fit_function)(
            cfg.fn, cfg.expr, cfg.uat_neurons, cfg.activation
        )
        st.caption(f"{cfg.activation} units, {fit.steps} Adam steps, loss {fit.loss:.2e}")
        st.plotly_chart(P.uat_figure(fit.x, fit.target, fit.fit, fit.contributions, fit.bias))
    except ExprError as err:
        st.error(str(err))

if cfg.section == "xor":
    st.markdown("The lecture's FNN f(x) = wᵀ max{0, Wᵀx + c} + b on the design matrix:")
    st.latex(P.xor_latex(A.xor_slide_steps()))
    st.markdown(V.linear_xor_text(A.xor_linear_least_squares()))
    c = st.columns(2)
    c[0].button(
        "Load the slide's solution",
        on_click=lambda: (ns_set(NS, "load_slide", True), V.set_widgets(S, V.SLIDE_XOR)),
    )
    c[1].button("Train a linear model on XOR", on_click=V.set_widgets, args=(S, V.LINEAR_XOR))
    if trainer is not None and cfg.dataset == "xor4":
        out = np.round(trainer.net.predict(trainer.x_train)[:, 0], 3)
        st.markdown(f"Current model on X: `{out}` · weights `{np.round(trainer.net.theta, 3)}`")

if cfg.section == "share":
    share_box(cfg, "playground")
    S[f"{NS}.hide_ms"] = sorted(hide)
    st.multiselect(
        "Teacher: hide these controls in the shared link",
        HIDEABLE,
        key=f"{NS}.hide_ms",
        on_change=lambda: V.set_widgets(S, {"hide": ",".join(S[f"{NS}.hide_ms"])}, rebuild=False),
    )
    if trainer is not None:
        st.download_button("Download weights (state_dict)", weights_bytes(trainer.net), "pg.pt")
        st.code(torch_snippet(trainer.net, trainer.features, "pg.pt"), language="python")
        st.download_button("Download the data (CSV)", to_csv(V.all_points(trainer)), "pg.csv")

if panel is not None:
    panel.loop()
