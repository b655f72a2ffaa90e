"""Decision-boundary playground: TF Playground's MLP trained live, plus the lecture's lessons."""

import random

import numpy as np
import streamlit as st

from dlcore.playground import analysis as A
from dlcore.playground import views as V
from dlcore.playground.config import HIDEABLE, PlaygroundConfig, hidden_controls
from dlcore.playground.data import DATASETS, DataError, parse_csv, to_csv
from dlcore.playground.export import torch_snippet, weights_bytes
from dlcore.playground.expr import ExprError
from dlcore.playground.features import FEATURES
from dlcore.playground.trainer import PlaygroundTrainer
from dlcore.playground.uat import TARGETS, fit_function
from dlcore.ui.frame import page_frame
from dlcore.ui.live import live_panel
from dlcore.ui.state import ensure_trainer, ns_get, ns_set
from dlcore.ui.urlstate import config_from_state, field_widget, share_box, sync_url, url_config
from dlcore.ui.urlstate import wkey as _wkey
from dlcore.viz import playground as P

NS, C = "playground", PlaygroundConfig
page_frame(NS)
cfg = url_config(C, NS)


def wkey(name):
    return _wkey(NS, name)


def w(name, **kw):  # a control, unless a teacher's link hides it
    group = {
        "x1": "features",
        "lr_end": "schedule",
        "decay_epochs": "schedule",
        "reg_rate": "reg",
        "patience": "early_stop",
    }.get(name, name)
    return None if group in hide else field_widget(NS, C, name, **kw)


def set_widgets(values, rebuild=True):  # callbacks: change controls before the next run
    for k, v in values.items():
        st.session_state[wkey(k)] = v
    if rebuild:
        ns_set(NS, "trainer", None)


def pending(name):  # a control's value as the user just set it (cfg is one run behind)
    return V.widget_value(C, name, st.session_state.get(wkey(name)), getattr(cfg, name))


hide = hidden_controls(pending("hide"))


def factory(c):
    t = PlaygroundTrainer(c, ns_get(NS, "custom") if c.dataset == "custom" else None)
    if ns_get(NS, "load_slide") and V.load_slide_solution(t):
        ns_set(NS, "load_slide", False)
    return t


def on_plane_click():
    pts = st.session_state[f"{NS}.plane"].selection.points
    if not pts:
        return
    trainer = ns_get(NS, "trainer")
    base = ns_get(NS, "custom") if cfg.dataset == "custom" else V.all_points(trainer)
    edited = V.edit_points(base, pts[0]["x"], pts[0]["y"], st.session_state[f"{NS}.brush"])
    ns_set(NS, "custom", edited)
    set_widgets({"dataset": "custom"})


def on_upload():
    f = st.session_state[f"{NS}.csv"]
    if f is None:
        return
    try:
        ns_set(NS, "custom", parse_csv(f.getvalue()))
        ns_set(NS, "csv_error", None)
        set_widgets({"dataset": "custom"})
    except DataError as err:
        ns_set(NS, "csv_error", f"{f.name[:60]}: {err}")


def layers_changed(delta=0, layer=None):
    sizes = [st.session_state.get(f"{NS}.layer{i}", 2) for i in range(len(pending("hidden")))]
    sizes = sizes + [2] if delta > 0 else (sizes[:-1] if delta < 0 else sizes)
    set_widgets({"hidden": ",".join(str(int(s)) for s in sizes[:6])})


tab_play, tab_hidden, tab_uat, tab_xor, tab_share = st.tabs(
    ["Playground", "Hidden space", "Universal approximation", "Lecture: XOR", "Share & export"]
)
with tab_play:
    c = st.columns([3, 1, 1, 1, 1])
    with c[0]:
        w("dataset", format_func=lambda k: DATASETS[k][2] if k in DATASETS else "Your own points")
    with c[1]:
        w("noise", step=5)
    with c[2]:
        w("ratio", step=10)
    with c[3]:
        w("batch", help="Points per update (0 = full batch).")
    if "data" not in hide:
        c[4].button(
            "Regenerate",
            icon=":material/casino:",
            on_click=set_widgets,
            args=({"seed": random.randrange(2**31 - 1)},),
            help="New data, new seed.",
        )
    c = st.columns(5)
    for col, names in zip(
        c,
        [
            ("lr", "schedule"),
            ("optimizer", "lr_end"),
            ("activation", "decay_epochs"),
            ("output", "reg"),
            ("reg_rate", "dropout"),
        ],
    ):
        with col:
            for n in names:
                if n not in ("lr_end", "decay_epochs") or pending("schedule") == "linear":
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
        c[1].button(
            "",
            icon=":material/add:",
            key=f"{NS}.addl",
            on_click=layers_changed,
            args=(1,),
            disabled=len(hidden) >= 6,
            help="Add a hidden layer",
        )
        c[2].button(
            "",
            icon=":material/remove:",
            key=f"{NS}.dell",
            on_click=layers_changed,
            args=(-1,),
            disabled=not hidden,
            help="Remove the last hidden layer",
        )
        for i, n in enumerate(hidden):
            st.session_state[f"{NS}.layer{i}"] = n
            c[3 + i].number_input(
                f"layer {i + 1}", 1, 8, key=f"{NS}.layer{i}", on_change=layers_changed
            )
    c = st.columns(4)
    with c[0]:
        w("show_test")
    with c[1]:
        w("discretize")
    with c[2]:
        w("early_stop")
    with c[3]:
        if pending("early_stop"):
            w("patience")
    cfg = config_from_state(C, NS)
    sync_url(cfg, NS)
    custom = ns_get(NS, "custom")
    if cfg.dataset == "custom" and (custom is None or len(custom.y) < 2):
        st.info(
            "Your own data: click the plane below (or upload a CSV) to add at least two "
            "points, using the brush to pick the class."
        )
        empty = np.zeros((50, 50))
        st.plotly_chart(
            P.boundary_figure(empty, None, 6.0, (np.zeros((0, 2)), None), None, 2),
            key=f"{NS}.plane",
            on_select=on_plane_click,
            selection_mode="points",
        )
        panel = None
    else:
        trainer = ensure_trainer(NS, cfg, factory)
        spe = V.epoch_steps(cfg, V.n_points(cfg, custom))

        def render(trainer, live):
            f = V.frame(trainer)
            s = f.snap
            acc = f" · accuracy {s.test_acc:.1%}" if np.isfinite(s.test_acc) else ""
            left, right = st.columns([5, 4])
            with right:
                st.markdown(
                    f"Test loss **{s.test_loss:.3f}** · Training loss **{s.train_loss:.3f}**{acc}"
                )
                layer = V.points_layer(trainer, cfg.show_test)
                if live:
                    st.image(P.boundary_rgb(f.value, f.probs, layer, discretize=cfg.discretize))
                else:
                    te = trainer.data.test
                    fig = P.boundary_figure(
                        f.value[::2, ::2],
                        None if f.probs is None else f.probs[::2, ::2],
                        trainer.data.train.domain,
                        (trainer.data.train.x, trainer.data.train.y),
                        (te.x, te.y) if cfg.show_test else None,
                        trainer.n_classes,
                        discretize=cfg.discretize,
                    )
                    st.plotly_chart(
                        fig, key=f"{NS}.plane", on_select=on_plane_click, selection_mode="points"
                    )
            with left:
                if live:
                    st.image(P.network_rgb(f.maps, s.weights))
                else:
                    st.plotly_chart(
                        P.network_figure(f.maps, s.weights, s.biases, f.labels),
                        key=f"{NS}.net",
                        on_select="rerun",
                        selection_mode="points",
                    )
                st.plotly_chart(
                    P.loss_figure(
                        s.curve_epoch, s.curve_train, s.curve_test, best_epoch=s.best_epoch
                    )
                )
            if s.diverged:
                st.error(
                    "The weights became NaN or infinite (training diverged). Lower the "
                    "learning rate or the regularization rate, then press Reset."
                )
            elif s.stopped:
                st.success(
                    f"Early stopping: the test loss has not improved for {cfg.patience} "
                    f"epochs; the best model (epoch {s.best_epoch:.0f}) is kept."
                )

        panel = live_panel(NS, cfg, factory, render, step_size=spe, budget_s=0.012, max_fps=60)
        sel = st.session_state.get(f"{NS}.net")
        if sel and sel.selection.points and sel.selection.points[0].get("customdata"):
            li, k = sel.selection.points[0]["customdata"]
            grid = A.boundary(trainer, 60, 60)
            maps = [grid.inputs, *grid.neurons, grid.value[None]]
            if li < len(maps) and k < len(maps[li]):
                st.image(
                    P.upscale(P.lut_rgb(maps[li][k]), 4),
                    caption=f"Layer {li}, unit {k + 1} over the plane (large)",
                )
    with st.expander("Your own data: click the plane to add points, or upload a CSV"):
        st.radio("Click adds", list(V.BRUSHES), key=f"{NS}.brush", horizontal=True)
        st.file_uploader(
            "CSV with columns x1, x2, label",
            type=["csv", "txt"],
            key=f"{NS}.csv",
            on_change=on_upload,
        )
        if ns_get(NS, "csv_error"):
            st.error(f"Could not use this file. {ns_get(NS, 'csv_error')}")
        st.button(
            "Clear all points",
            on_click=lambda: (ns_set(NS, "custom", None), set_widgets({"dataset": "custom"})),
        )
        st.caption("Your own points are not part of the shared link; download them as CSV.")

with tab_hidden:
    if panel is not None:
        hs = A.hidden_space(trainer)
        st.markdown(
            "The data as the **last hidden layer** sees it: classes that were not "
            "linearly separable in the input often become separable here."
        )
        st.plotly_chart(
            P.hidden_figure(hs.z, hs.classes, hs.is_test, trainer.n_classes, hs.method, hs.line)
        )
        if cfg.activation in ("relu", "leaky_relu") and cfg.hidden:
            reg = A.linear_regions(trainer.net, trainer.features, trainer.data.train.domain)
            st.markdown(f"**{reg.count} linear regions** over the plane (ReLU patterns).")
            st.image(P.regions_rgb(reg.region_id))
        else:
            st.caption("Choose ReLU to count the network's linear regions (deep vs shallow).")

with tab_uat:
    st.markdown("One hidden layer of N units fits f(x) as a sum of the units' contributions.")
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
        st.caption(f"{cfg.activation} units, {fit.steps} Adam steps, loss {fit.loss:.4f}")
        st.plotly_chart(P.uat_figure(fit.x, fit.target, fit.fit, fit.contributions, fit.bias))
    except ExprError as err:
        st.error(str(err))

with tab_xor:
    s = A.xor_slide_steps()
    st.markdown("The lecture's FNN f(x) = wᵀ max{0, Wᵀx + c} + b on the design matrix:")
    st.latex(
        r"X="
        + P.bmatrix(s.X)
        + r"\;XW="
        + P.bmatrix(s.XW)
        + r"\;XW+c="
        + P.bmatrix(s.XW_c)
        + r"\;\max\{0,\cdot\}="
        + P.bmatrix(s.relu)
        + r"\;\cdot w="
        + P.bmatrix(s.out[:, None])
    )
    lin = A.xor_linear_least_squares()
    st.markdown(
        f"A linear model x^T w + b minimising the MSE ends at w = {lin.w.round(6) + 0}, "
        f"b = {lin.b:.3f} (loss {lin.loss:.3f}): it cannot represent XOR."
    )
    c = st.columns(2)
    c[0].button(
        "Load the slide's solution",
        on_click=lambda: (ns_set(NS, "load_slide", True), set_widgets(V.SLIDE_XOR)),
    )
    c[1].button("Train a linear model on XOR", on_click=set_widgets, args=(V.LINEAR_XOR,))
    if panel is not None and cfg.dataset == "xor4":
        t = ns_get(NS, "trainer")
        st.markdown(f"Current model outputs on X: `{np.round(t.net.predict(t.x_train)[:, 0], 3)}`")

with tab_share:
    share_box(cfg, "playground")
    st.session_state[f"{NS}.hide_ms"] = sorted(hide)
    st.multiselect(
        "Teacher: hide these controls in the shared link",
        HIDEABLE,
        key=f"{NS}.hide_ms",
        on_change=lambda: set_widgets(
            {"hide": ",".join(st.session_state[f"{NS}.hide_ms"])}, rebuild=False
        ),
    )
    if panel is not None:
        st.download_button(
            "Download weights (PyTorch state_dict)", weights_bytes(trainer.net), "playground.pt"
        )
        st.code(torch_snippet(trainer.net, trainer.features), language="python")
        st.download_button(
            "Download the data (CSV)", to_csv(V.all_points(trainer)), "playground.csv"
        )

if panel is not None:
    panel.loop()
