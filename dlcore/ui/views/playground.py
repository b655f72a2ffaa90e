"""The decision-boundary playground's views (pages/playground.py): TF Playground's controls and
its MLP trained live, then one section at a time under it, chosen from ``VIEWS`` (the data as
the last hidden layer sees it, universal approximation, the lecture's XOR, share and export).

The math is in dlcore/playground (the trainer follows TF Playground's ``oneStep``; the XOR
section the lecture's slides), what the views show as arrays and text in
dlcore/playground/views.py, the figures in dlcore/viz/playground.py, and the live frame's
numbers (drawn by the browser, dlcore/ui/js/playground_live.js) in dlcore/viz/playground_live.py.

No st.tabs on this page: a tab panel re-scans its content for focusable elements at every redraw
(react-aria), which cost the browser about a third of each live frame (measured); one section
at a time is shown under the playground, and only it is computed.
"""

from __future__ import annotations

import random
from functools import partial

import numpy as np
import streamlit as st

from dlcore.inputs import markdown_literal
from dlcore.playground import analysis
from dlcore.playground.config import HIDEABLE, PlaygroundConfig, hidden_controls
from dlcore.playground.data import DATASETS, DataError, Points, parse_csv, to_csv
from dlcore.playground.export import torch_snippet, weights_bytes
from dlcore.playground.expr import ExprError
from dlcore.playground.features import FEATURES, feature_labels
from dlcore.playground.trainer import PlaygroundTrainer
from dlcore.playground.uat import TARGETS, UatFit, fit_function
from dlcore.playground.views import (
    ACTIVATION_NAMES,
    HIDEABLE_NAMES,
    LINEAR_XOR,
    LIVE_CAPTION,
    OPTION_NAMES,
    SLIDE_XOR,
    all_points,
    control_shown,
    early_stop_text,
    edit_points,
    frame,
    load_slide_solution,
    loss_latex,
    n_own_train,
    neuron_map,
    objective_latex,
    regions_text,
    resized_layers,
    schedule_latex,
    status_line,
    status_parts,
    step_size,
)
from dlcore.ui.live import LivePanel
from dlcore.ui.output import LiveOut
from dlcore.ui.page import Page, View
from dlcore.ui.urlstate import share_box
from dlcore.viz import playground as figures
from dlcore.viz.playground_live import live_payload

PlaygroundPage = Page[PlaygroundConfig]
LABELS = OPTION_NAMES  # Page(labels=...): human names in the choice widgets
DATASET_LABELS = {name: gen[2] for name, gen in DATASETS.items()} | {"custom": "Your own points"}
FUNCTION_LABELS = {name: entry[0] for name, entry in TARGETS.items()} | {"custom": "type your own"}
SLIDER_STEPS = {"noise": 5, "ratio": 10, "batch": 1}
# the training controls, row by row: (where, columns of field names); "more" rows go in the
# expander (optimizer, schedule, dropout, early stopping), the main row under it
CONTROL_ROWS = (
    ("main", (("lr",), ("activation",), ("reg",), ("reg_rate",), ("output",))),
    ("more", (("optimizer",), ("schedule",), ("lr_end",), ("decay_epochs",), ("dropout",))),
    ("more", (("early_stop",), ("patience",), (), (), ())),
)
MAX_LAYERS = 6
OWN_DATA_HINT = (
    "Your own data: click the plane to add points (the choice under the plane picks their "
    "class, and whether they are training or test points), or upload a CSV. Training starts "
    "with two training points."
)
BRUSH_LABELS = {"blue": "Blue (+1)", "orange": "Orange (−1)", "green": "Green (3rd class)"}
BRUSH_LABELS |= {"eraser": "Eraser"}
EDIT_LIMIT = 100.0  # a typed weight or bias stays within +-100
PLANE_GRID = 50  # the interactive plane's heatmap is 50 x 50
CLICK_SPLITS = {"train": "training data", "test": "test data"}
OWN_SPLIT_HELP = "Your points train the model unless you add them as test data."
OWN_RATIO_HELP = (
    "Your own points are not split at random: each one is a training point unless you added "
    "it as a test point."
)
# SGD time a live frame: at 40 frames/s about 10,000 updates/s on a 2-core machine
# (bench/bench_playground.py), over six times TF Playground's ceiling (one epoch of 25 updates
# a 60 Hz frame: 1,500/s); a full class shares the cores through Process.fair_budget
TRAIN_SECONDS_A_FRAME = 0.010


# -- shared, cached results (one copy per server process) ----------------------------------
@st.cache_data(max_entries=32, show_spinner="Fitting the one-hidden-layer network ...")
def uat_fit(fn: str, expr: str, neurons: int, activation: str) -> UatFit:
    """The universal-approximation fit (``dlcore.playground.uat``), cached per setting."""
    return fit_function(fn, expr, neurons, activation)


# -- callbacks (run before the next script run) --------------------------------------------
def use_settings(page: PlaygroundPage, values: dict) -> None:
    """Set controls (a preset, new data) and drop the trainer, so the next run builds a fresh
    one even when the config did not change (new points, the slide's weights)."""
    page.set_widgets(values)
    page.rebuild()


def regenerate(page: PlaygroundPage) -> None:
    use_settings(page, {"seed": random.randrange(2**31 - 1)})


def plane_clicked(page: PlaygroundPage) -> None:
    """A click on the plane adds a point of the brush's class (or erases): the data becomes
    "Your own points", starting from the current data set with its split kept. A new point is a
    training point unless the student chose test data (then "Show test data" turns on, so the
    point shows)."""
    points = page.selection("plane")
    if not points:
        return
    custom, trainer = page.get("custom"), page.get("trainer")
    if page.widget_state("dataset") != "custom" and trainer is not None:
        custom = all_points(trainer)
    brush, test = page.get("brush", "blue"), page.get("click_split", "train") == "test"
    page.set("custom", edit_points(custom, points[0]["x"], points[0]["y"], brush, test=test))
    shown = {"show_test": True} if test and brush != "eraser" else {}
    use_settings(page, {"dataset": "custom", **shown})


def csv_uploaded(page: PlaygroundPage) -> None:
    """An uploaded CSV becomes the data, or leaves a message for the page."""
    upload = page.get("csv")
    if upload is None:
        return
    try:
        points = parse_csv(upload.getvalue())
    except DataError as err:
        page.set("csv_error", f"{upload.name[:60]}: {err}")
        return
    page.set("custom", points)
    page.set("csv_error", None)
    use_settings(page, {"dataset": "custom"})


def clear_points(page: PlaygroundPage) -> None:
    page.set("custom", None)
    use_settings(page, {"dataset": "custom"})


def layers_changed(page: PlaygroundPage, n_layers: int, delta: int) -> None:
    """The +/- buttons (delta 1, -1) or a layer's size typed in (delta 0)."""
    sizes = [int(page.get(f"layer{i}", 2)) for i in range(n_layers)]
    use_settings(page, {"hidden": resized_layers(sizes, delta)})


def load_slide(page: PlaygroundPage) -> None:
    """The lecture's XOR network; the next trainer gets the slide's weights."""
    page.set("load_slide", True)
    use_settings(page, SLIDE_XOR)


def net_clicked(page: PlaygroundPage) -> None:
    """A click on the network picks a neuron (its map goes to the big plot, its bias can be
    edited) or a link (its weight can be edited). Kept in the session: the chart's own
    selection is forgotten whenever the figure changes (each Step)."""
    points = page.selection("net")
    picked = points[0].get("customdata") if points else None
    if picked:
        page.set("picked", tuple(picked))


def unpick(page: PlaygroundPage) -> None:
    page.set("picked", None)


def parameter_typed(page: PlaygroundPage) -> None:
    """The number typed for the picked link's weight (or neuron's bias) goes into the trainer,
    which trains on from it."""
    value = page.get("edit_value")
    with page.trainer() as trainer:
        if trainer is None or value is None:
            return
        picked = figures.picked_valid(page.get("picked"), trainer.net.sizes)
        if picked and picked[0] == "link":
            trainer.set_parameter(picked[1], picked[2], picked[3], value)
        elif picked and picked[1] > 0:  # a neuron's bias b_{layer-1}[unit]
            trainer.set_parameter(picked[1] - 1, None, picked[2], value)


def teacher_hid(page: PlaygroundPage) -> None:
    page.set_widgets({"hide": ",".join(page.get("hide_ms", ()))})


# -- the live trainer and its frame ----------------------------------------------------------
def build_trainer(page: PlaygroundPage, cfg: PlaygroundConfig) -> PlaygroundTrainer:
    """A trainer on the config's data set, or on the student's own points."""
    trainer = PlaygroundTrainer(cfg, page.get("custom") if cfg.dataset == "custom" else None)
    if page.get("load_slide"):  # the slide's weights go to the next trainer only, if they fit
        page.set("load_slide", False)
        load_slide_solution(trainer)
    return trainer


def render(page: PlaygroundPage, trainer: PlaygroundTrainer, out: LiveOut) -> None:
    """Playing: the numbers of one frame, drawn by the browser. Paused: the network (click a
    neuron to show its map in the big plot, a link to edit its weight), the loss and accuracy
    curves, and the plane (click it to add a point)."""
    cfg, shown = page.cfg, frame(trainer)
    if out.live:
        n = page.get("frame_no", 0) + 1  # makes each frame's data unique
        page.set("frame_no", n)
        data = live_payload(shown, cfg.show_test, cfg.discretize, n)
        data["status"] = status_parts(shown.snap)
        out.json("playground_live", data)
        out.caption(LIVE_CAPTION)
        return
    snap, sizes = shown.snap, trainer.net.sizes
    picked = figures.picked_valid(page.get("picked"), sizes)
    left, right = st.columns([5, 4])
    with right:
        st.markdown(status_line(snap))
        neuron = None
        if picked and picked[0] == "node":
            name = figures.node_name(shown.labels, sizes, picked[1], picked[2])
            neuron = (neuron_map(trainer, picked[1], picked[2], g=PLANE_GRID), name)
        plane = figures.plane_figure(shown, cfg.show_test, cfg.discretize, neuron=neuron)
        page.chart(plane, "plane", inplace=True, on_select=partial(plane_clicked, page))
    with left:
        net = figures.network_figure(
            shown.maps, snap.weights, snap.biases, shown.labels, picked=picked
        )
        page.chart(net, "net", inplace=True, on_select=partial(net_clicked, page))
        curves = (snap.curve_epoch, snap.curve_train, snap.curve_test)
        loss = figures.loss_figure(
            *curves,
            best_epoch=snap.best_epoch,
            accuracy=snap.curve_test_acc,
            test_is_train=snap.test_is_train,
        )
        page.chart(loss, "loss", inplace=True)
    stopped = early_stop_text(snap, cfg.patience)
    if stopped:
        page.notice(stopped, "success")


def _equations(trainer: PlaygroundTrainer) -> None:
    """What is minimised and with which step size, as the lecture writes it, with this
    moment's numbers (the paused view; the counters above say which step k it is)."""
    st.markdown("**What training minimises** (on the training points), and the step size:")
    for latex in (loss_latex(trainer), objective_latex(trainer), schedule_latex(trainer)):
        st.latex(latex)


def trainer_of(page: PlaygroundPage) -> PlaygroundTrainer | None:
    """The trainer the page shows this run (None while the student's own data is too small)."""
    return page.panel.trainer if page.panel is not None else None


# -- the playground: controls, the live panel, the student's own data ----------------------
def _control(page: PlaygroundPage, hidden: set[str], name: str, **kw) -> None:
    """The widget of config field ``name``, unless a teacher's link hid it or its switch is off."""
    if control_shown(name, page.cfg, hidden):
        page.widget(name, **kw)


def _data_row(page: PlaygroundPage, hidden: set[str]) -> None:
    cols = st.columns([3, 1, 1, 1, 1])
    with cols[0]:
        _control(page, hidden, "dataset", format_func=DATASET_LABELS.get)
    own = page.cfg.dataset == "custom"  # own points keep the split the student gave them
    for col, name in zip(cols[1:4], ("noise", "ratio", "batch")):
        with col:
            extra = {"disabled": True, "help": OWN_RATIO_HELP} if own and name == "ratio" else {}
            _control(page, hidden, name, step=SLIDER_STEPS[name], **extra)
    if "data" in hidden:
        return
    with cols[4]:
        st.button("Regenerate", on_click=regenerate, args=(page,), help="New seed")
        _control(page, hidden, "seed", widget="number", label_visibility="collapsed")


def _training_controls(page: PlaygroundPage, hidden: set[str]) -> None:
    # drawn only when open: closed, its widgets would still cost every run and the first picture
    more = page.lazy("More: optimizer, learning-rate schedule, dropout, early stopping", "more")
    for where, row in CONTROL_ROWS:
        if where == "more" and more is None:
            continue
        for col, names in zip((more if where == "more" else st).columns(len(row)), row):
            with col:
                for name in names:
                    rates = name in ("lr", "reg_rate")  # 1e-05 rather than 0.00001
                    _control(page, hidden, name, **({"format_func": str} if rates else {}))


def _features(page: PlaygroundPage, hidden: set[str]) -> None:
    if "features" in hidden:
        return
    cols = st.columns(1 + len(FEATURES))
    cols[0].markdown("**Features**")
    for col, name in zip(cols[1:], FEATURES):
        with col:
            page.widget(name, widget="checkbox")


def _network(page: PlaygroundPage, hidden: set[str]) -> None:
    """The hidden layers: +/- buttons and one size box per layer (TF Playground's network)."""
    if "network" in hidden:
        return
    sizes = page.cfg.hidden
    cols = st.columns([2, 1, 1, *([1] * MAX_LAYERS)])
    cols[0].markdown(f"**{len(sizes)} hidden layer(s)**")
    for col, delta, icon in ((cols[1], 1, "add"), (cols[2], -1, "remove")):
        col.button(
            "",
            icon=f":material/{icon}:",
            key=page.key(f"layers{delta}"),
            disabled=not 0 <= len(sizes) + delta <= MAX_LAYERS,
            on_click=layers_changed,
            args=(page, len(sizes), delta),
        )
    for i, n in enumerate(sizes):
        page.set(f"layer{i}", n)  # the boxes follow the config (a link, the +/- buttons)
        cols[3 + i].number_input(
            f"layer {i + 1}",
            1,
            8,
            key=page.key(f"layer{i}"),
            on_change=layers_changed,
            args=(page, len(sizes), 0),
        )


def _live(page: PlaygroundPage, hidden: set[str]) -> LivePanel | None:
    """The live panel (Play / Pause / Step / Reset, one epoch a Step), or an empty plane to click
    while the student's own data has fewer than two points."""
    cfg, custom = page.cfg, page.get("custom")
    if cfg.dataset == "custom" and n_own_train(custom) < 2:
        st.info(OWN_DATA_HINT)
        _first_points(page, custom)
        return None
    panel = page.live(
        partial(build_trainer, page),
        partial(render, page),
        step_size=step_size(cfg, custom),
        budget_s=TRAIN_SECONDS_A_FRAME,
        max_fps=40,
        hide=hidden,
        one_element=True,
    )
    _picked(page, panel.trainer)
    return panel


def _first_points(page: PlaygroundPage, custom: Points | None) -> None:
    """The empty plane to click until two training points are there, with the points so far."""
    if custom is None:
        custom = Points(np.zeros((0, 2)), np.zeros(0), 2)
    test = custom.test_mask
    train_part, test_part = (custom.x[~test], custom.y[~test]), (custom.x[test], custom.y[test])
    empty = figures.boundary_figure(
        np.zeros((50, 50)), None, 6.0, train_part, test_part, custom.n_classes
    )
    left, _ = st.columns([5, 4])
    page.chart(
        empty, "plane", where=left, on_select=partial(plane_clicked, page), selection_mode="points"
    )


def _picked(page: PlaygroundPage, trainer: PlaygroundTrainer) -> None:
    """Under the panel, for the neuron or link clicked in the network: its bias or weight in a
    number box (typing a value sets exactly that parameter; training goes on from it), and a
    button to let go (the big plot shows the network's output again)."""
    sizes = trainer.net.sizes
    picked = figures.picked_valid(page.get("picked"), sizes)
    if picked is None:
        return
    labels = feature_labels(trainer.features)
    kind, layer = picked[0], picked[1]
    cols = st.columns([3, 2, 2], vertical_alignment="bottom")
    if kind == "link":
        src = figures.node_name(labels, sizes, layer, picked[2])
        dst = figures.node_name(labels, sizes, layer + 1, picked[3])
        label, value = f"Weight {src} → {dst}", trainer.net.W[layer][picked[2], picked[3]]
        cols[0].markdown(f"Editing the weight of the link **{src} → {dst}** (drawn dotted red).")
        done = "Done"
    else:
        name = figures.node_name(labels, sizes, layer, picked[2])
        cols[0].markdown(f"The big plot shows the map of **{name}** over the plane.")
        label = f"Bias of {name}"
        value = trainer.net.b[layer - 1][picked[2]] if layer else None
        done = "Show the network's output"
    if value is not None:
        _number(page, cols[1], label, float(value))
    cols[2].button(done, key=page.key("unpick"), on_click=unpick, args=(page,))


def _number(page: PlaygroundPage, where, label: str, value: float) -> None:
    """The picked parameter's box, showing its current value (a NaN cannot be edited)."""
    if not np.isfinite(value):
        where.markdown(f"{label}: **{value}** (Reset to start again)")
        return
    page.set("edit_value", float(np.clip(np.round(value, 4), -EDIT_LIMIT, EDIT_LIMIT)))
    where.number_input(
        label,
        -EDIT_LIMIT,
        EDIT_LIMIT,
        step=0.1,
        format="%.3f",
        key=page.key("edit_value"),
        on_change=parameter_typed,
        args=(page,),
        help="Type a value and press Enter: the network takes it and trains on from it.",
    )


def _own_data(page: PlaygroundPage) -> None:
    """What a click on the plane adds (class, training or test data), and the CSV upload."""
    brush, split = st.columns([3, 2])
    for where, label, names, name, tip in (
        (brush, "A click on the plane adds", BRUSH_LABELS, "brush", None),
        (split, "as", CLICK_SPLITS, "click_split", OWN_SPLIT_HELP),
    ):
        where.radio(
            label, list(names), format_func=names.get, key=page.key(name), horizontal=True, help=tip
        )
    custom = page.get("custom") if page.cfg.dataset == "custom" else None
    if custom is not None:
        n_test = int(custom.test_mask.sum())
        st.caption(f"Your points: {len(custom.y) - n_test} training, {n_test} test.")
    box = page.lazy("Upload your own data (CSV), or clear your points", "own_data")
    if box is None:  # closed: its uploader is not drawn (see Page.lazy)
        return
    with box:
        st.file_uploader(
            "CSV: x1, x2, label, and optionally split (train or test)",
            key=page.key("csv"),
            on_change=csv_uploaded,
            args=(page,),
        )
        error = page.get("csv_error")
        if error:
            st.error(f"Could not use this file. {markdown_literal(error)}")
        st.button("Clear all points", on_click=clear_points, args=(page,))
        st.caption("Your own points are not part of the shared link; download them as CSV.")


def playground(page: PlaygroundPage) -> None:
    """TF Playground: data, training controls, features, the network, the live panel."""
    hidden = hidden_controls(page.cfg.hide)
    _data_row(page, hidden)
    _training_controls(page, hidden)
    _features(page, hidden)
    _network(page, hidden)
    cols = st.columns(4)
    for col, name in zip(cols, ("show_test", "discretize")):
        with col:
            _control(page, hidden, name)
    panel = _live(page, hidden)
    _own_data(page)
    if panel is not None and not panel.playing:  # the equations' numbers are the paused model's
        _equations(panel.trainer)
    st.divider()


# -- the sections under the playground (the registry VIEWS) ---------------------------------
def hidden_space(page: PlaygroundPage) -> None:
    trainer = trainer_of(page)
    if trainer is None:
        return
    cfg, diverged = page.cfg, trainer.diverged
    st.markdown(
        "The data as the **last hidden layer** sees it: classes that were not "
        "linearly separable in the input often become separable here."
    )
    if not diverged:
        hidden = analysis.hidden_space(trainer)
        page.chart(figures.hidden_figure(hidden, trainer.n_classes), "hidden", inplace=True)
    count = 1
    counted = cfg.activation in ("relu", "leaky_relu") and cfg.hidden and not diverged
    if counted:
        regions = analysis.linear_regions(trainer.net, trainer.features, trainer.data.train.domain)
        count = regions.count
    st.markdown(regions_text(count, cfg.activation, len(cfg.hidden), diverged))
    if counted and count > 1:
        st.image(figures.regions_rgb(regions.region_id))


def universal_approximation(page: PlaygroundPage) -> None:
    st.markdown(
        "Universal approximation (Hornik '89): one hidden layer of enough units approximates "
        "any continuous $f^*$ on a closed interval. Here $N$ units fit $f^*$ on $[-3, 3]$, the "
        "fit being the sum of the units' contributions $w_j\\, g(W_j x + c_j)$ (drawn "
        "underneath) plus $b$:"
    )
    cols = st.columns(3)
    with cols[0]:
        page.widget("fn", format_func=FUNCTION_LABELS.get)
    with cols[1]:
        page.widget("uat_neurons")
    cfg = page.cfg
    if cfg.fn == "custom":
        with cols[2]:
            page.widget("expr")
    try:
        fit = uat_fit(cfg.fn, cfg.expr, cfg.uat_neurons, cfg.activation)
    except ExprError as err:
        st.error(markdown_literal(str(err)))
        return
    st.latex(figures.uat_latex(cfg.uat_neurons, cfg.activation, len(fit.x), fit.loss))
    st.caption(
        f"{cfg.uat_neurons} {ACTIVATION_NAMES[cfg.activation]} units (the playground's "
        f"activation), fitted by {fit.steps} Adam steps."
    )
    fig = figures.uat_figure(fit.x, fit.target, fit.fit, fit.contributions, fit.bias)
    page.chart(fig, "uat")


def lecture_xor(page: PlaygroundPage) -> None:
    st.markdown("The lecture's FNN with one hidden layer of ReLUs,")
    st.latex(figures.FNN_LATEX)
    st.markdown(
        "with the slide's $\\boldsymbol{W}, \\boldsymbol{c}, \\boldsymbol{w}, b$, step by step "
        "on the design matrix $\\boldsymbol{X}$ of the four XOR points:"
    )
    st.latex(figures.xor_latex(analysis.xor_slide_steps()))
    st.markdown(
        "A linear model cannot represent XOR: its least-squares fit predicts $\\tfrac{1}{2}$ "
        "everywhere,"
    )
    st.latex(figures.linear_xor_latex(analysis.xor_linear_least_squares()))
    cols = st.columns(2)
    cols[0].button("Load the slide's solution", on_click=load_slide, args=(page,))
    cols[1].button("Train a linear model on XOR", on_click=use_settings, args=(page, LINEAR_XOR))
    trainer = trainer_of(page)
    if trainer is not None and page.cfg.dataset == "xor4":
        out = trainer.net.predict(trainer.x_train)[:, 0]
        st.markdown("The playground's current model on $\\boldsymbol{X}$:")
        net = trainer.net
        st.latex(figures.current_xor_latex(out, trainer.data.train.y, net.W, net.b))
        st.caption(
            "The playground's training loss is half of this $J$: it averages "
            "$\\tfrac{1}{2}(f - y)^2$, as TF Playground does."
        )


def share(page: PlaygroundPage) -> None:
    """The page's share box, the teacher's hidden controls, and the model and data to take away."""
    share_box(page.cfg, page.info.url_path)
    page.set("hide_ms", sorted(hidden_controls(page.cfg.hide)))
    st.multiselect(
        "Teacher: hide these controls in the shared link",
        HIDEABLE,
        format_func=HIDEABLE_NAMES.get,
        key=page.key("hide_ms"),
        on_change=teacher_hid,
        args=(page,),
    )
    trainer = trainer_of(page)
    if trainer is None:
        return
    st.download_button("Download weights (state_dict)", weights_bytes(trainer.net), "pg.pt")
    st.code(torch_snippet(trainer.net, trainer.features, "pg.pt"), language="python")
    st.download_button("Download the data (CSV)", to_csv(all_points(trainer)), "pg.csv")


VIEWS: dict[str, View[PlaygroundConfig]] = {
    "hidden": View("Hidden space", hidden_space),
    "uat": View("Universal approximation", universal_approximation),
    "xor": View("Lecture: XOR", lecture_xor),
    "share": View("Share & export", share),
}
