"""The optimization and regularization lab's views (pages/optimization.py): the optimizer race on
a surface, what the adaptive methods keep, momentum on a quadratic (theory against measurement),
a real network's loss landscape, regularization geometry, and dropout as an ensemble.

The math is in dlcore/optim (optimizers.py matches torch.optim; surfaces.py, race.py,
momentum.py after Goh 2017, landscape.py after Li et al. 2018, regularization.py and
dropout.py after the lecture's regularization slides), the figures in dlcore/viz/optimization.py,
the race's live frame in dlcore/ui/js/optim_race.js.
"""

from __future__ import annotations

import dataclasses
import io
from functools import partial

import numpy as np
import streamlit as st

from dlcore.optim import dropout as drop
from dlcore.optim import momentum as mom
from dlcore.optim import regularization as reg
from dlcore.optim.config import AUTO_LR, LR_OPTIONS, RACERS, OptimConfig, lr_of
from dlcore.optim.landscape import NET_LRS, Landscape, landscape
from dlcore.optim.optimizers import OPTIMIZERS
from dlcore.optim.race import RaceSnapshot, RaceTrainer, safe_config, surface_of
from dlcore.optim.surfaces import quadratic_matrix
from dlcore.ui.output import LiveOut
from dlcore.ui.page import Page, View
from dlcore.viz import optimization as figures

OptimPage = Page[OptimConfig]
SECONDS_PER_ITER = 3e-4  # one iteration of the six racers (measured: 0.2-0.8 ms)
RACE_LIVE = (
    "Live: the surface's contours, every path and its current point (✗: diverged). Pause for "
    "the interactive figures, the formulas with their numbers and the CSV."
)


# -- the race's controls ---------------------------------------------------------------------
def _surface_controls(page: OptimPage) -> None:
    cols = st.columns([2, 2, 2, 1])
    with cols[0]:
        page.widget("surface")
    cfg = page.cfg
    if cfg.surface == "quadratic":
        with cols[1]:
            page.widget(
                "kappa",
                help="$\\kappa = \\lambda_{max} / \\lambda_{min}$ of the Hessian (1: round).",
            )
        with cols[2]:
            page.widget("angle", help="Rotate the valley: the adaptive methods scale x and y.")
    elif cfg.surface == "custom":
        with cols[1]:
            page.widget("expr", help="x, y, numbers, + - * / ^, sin cos tan exp log sqrt abs tanh")
    with cols[3]:
        page.widget("speed", help="Slow it down to explain a step; speed it up for long races.")


def _lr_format(tuned: float):
    def fmt(value: float) -> str:
        return f"auto ({tuned:g})" if value == AUTO_LR else f"{value:g}"

    return fmt


def _lr_widget(page: OptimPage, name: str, tuned: float, **kw) -> None:
    """A racer's learning rate: the config field's select slider, with 'auto' for the value
    tuned for the surface (page.widget shows option values as they are)."""
    st.select_slider(
        f"η ({OPTIMIZERS[name].label})",
        options=list(LR_OPTIONS),
        key=page.widget_key(f"lr_{name}"),
        format_func=_lr_format(tuned),
        help=f"{OPTIMIZERS[name].label}'s learning rate η₀ ('auto': the one tuned for the surface)",
        **kw,
    )


def _racer_controls(page: OptimPage, names: tuple[str, ...], tuned: dict) -> None:
    for col, name in zip(st.columns(len(names)), names):
        with col:
            page.widget(f"use_{name}")
            _lr_widget(page, name, tuned[name], label_visibility="collapsed")


def _use_tuned(page: OptimPage) -> None:
    page.set_widgets({f"lr_{name}": AUTO_LR for name in RACERS})


def _restart_at_surface_start(page: OptimPage) -> None:
    page.set_widgets({"start": ()})


NOISE_PRESETS = (
    (
        "Minibatch noise",
        {"noise": 0.3, "schedule": False, "speed": 200},
        "Noisy gradients at a constant rate: SGD wanders around the minimum and never settles.",
    ),
    (
        "Noise and a decaying rate",
        {"noise": 0.3, "schedule": True, "decay_until": 600, "lr_end": 0.01, "speed": 200},
        "The same noise with the lecture's linear decay to 1 % by iteration 600: the steps "
        "shrink and SGD settles (its loss ends some 60 times lower on the quadratic).",
    ),
)


def _dynamics_controls(page: OptimPage, cfg: OptimConfig) -> None:
    cols = st.columns([2, 2, 2, 2, 2, 2])
    for col, name in zip(cols, ("beta", "rho", "noise", "schedule")):
        with col:
            page.widget(name)
    if cfg.schedule:
        with cols[4]:
            page.widget("decay_until", widget="number", step=10)
        with cols[5]:
            page.widget("lr_end")
    c = st.columns([1, 1, 1, 1])
    c[0].button("Tuned learning rates", on_click=_use_tuned, args=(page,),
                help="Every η back to the value tuned for this surface ('auto').")  # fmt: skip
    c[1].button("Surface's start point", on_click=_restart_at_surface_start, args=(page,),
                disabled=not cfg.start, help="Start where the surface's race starts.")  # fmt: skip
    for col, (text, values, tip) in zip(c[2:], NOISE_PRESETS):
        col.button(text, on_click=page.set_widgets, args=(values,), help=tip)


def _race_cfg(page: OptimPage) -> OptimConfig:
    """The config the race runs with: a bad typed surface or start point gives a message and
    falls back (the student's text stays in its box)."""
    cfg, problem = safe_config(page.cfg)
    if problem:
        page.notice(f"{problem} Showing the default f(x, y) instead.", "error")
    if len(cfg.start) == 1:
        page.notice("The start point needs two numbers, x and y; using the surface's.", "warning")
        cfg = dataclasses.replace(cfg, start=())
    elif len(cfg.start) == 2:
        surface = surface_of(cfg)
        inside = surface.clamp((cfg.start[0], cfg.start[1]))
        if inside != (cfg.start[0], cfg.start[1]):
            page.notice(
                f"The start point ({cfg.start[0]:g}, {cfg.start[1]:g}) is outside the plotted "
                f"square; the race starts at ({inside[0]:g}, {inside[1]:g}).",
                "warning",
            )
    return cfg


def _on_plane_click(page: OptimPage, chart: str) -> None:
    points = page.selection(chart)
    if points:
        x, y = float(points[0]["x"]), float(points[0]["y"])
        page.set_widgets({"start": (round(x, 3), round(y, 3))})
        page.pause()


def _live_args(cfg: OptimConfig) -> dict:
    """Play's pacing: one iteration a frame up to 60 a second, each one shown (watched: a slow
    browser slows the race instead of skipping iterations), more a frame beyond."""
    if cfg.speed <= 60:
        return {"max_fps": float(cfg.speed), "budget_s": 1e-6, "watched": True}
    return {"max_fps": 60.0, "budget_s": cfg.speed / 60.0 * SECONDS_PER_ITER}


# -- the race ------------------------------------------------------------------------------
def _racer_table(snap: RaceSnapshot, names: tuple[str, ...]) -> list[dict]:
    rows = []
    for name in names:
        i = RACERS.index(name)
        out = int(snap.out_at[i])
        last = snap.losses[i][np.isfinite(snap.losses[i])]
        rows.append({
            "optimizer": OPTIMIZERS[name].label,
            "η now": f"{snap.lrs[i]:.4g}",
            "loss": f"{last[-1]:.5g}" if last.size else "—",
            "at": f"({snap.paths[i, len(last) - 1, 0]:.3f}, {snap.paths[i, len(last) - 1, 1]:.3f})",
            "status": f"diverged at k = {out}" if out >= 0 else "racing",
        })  # fmt: skip
    return rows


def trajectories_csv(snap: RaceSnapshot, names: tuple[str, ...]) -> str:
    """Every shown racer's iterates: k, optimizer, x, y, loss (the CSV download)."""
    out = io.StringIO()
    out.write("k,optimizer,x,y,loss\n")
    for name in names:
        i = RACERS.index(name)
        for k in range(snap.k + 1):
            x, y = snap.paths[i, k]
            if np.isfinite(x):
                out.write(f"{k},{name},{x:.10g},{y:.10g},{snap.losses[i, k]:.10g}\n")
    return out.getvalue()


def _schedule_latex(cfg: OptimConfig, snap: RaceSnapshot, name: str) -> None:
    eta_0 = lr_of(cfg, name, snap.surface.lrs)
    T, k = cfg.decay_until, min(snap.k, cfg.decay_until)
    eta_T = eta_0 * cfg.lr_end
    st.latex(
        rf"\eta_k = \Big(1 - \frac{{k}}{{T}}\Big)\eta_0 + \frac{{k}}{{T}}\,\eta_T"
        rf" = \Big(1 - \frac{{{k}}}{{{T}}}\Big)\,{eta_0:g} + \frac{{{k}}}{{{T}}}\,{eta_T:.3g}"
        rf" = {snap.lrs[RACERS.index(name)]:.4g}"
    )
    st.caption(
        f"The lecture's linear decay, shown for {OPTIMIZERS[name].label} at k = {snap.k} "
        f"(every racer decays its own $\\eta_0$ the same way; after $T = {T}$ it stays at "
        "$\\eta_T$). "
        "A decaying rate lets SGD settle where a constant one keeps it wandering with the noise."
    )


UPDATE_RULES = {
    "sgd": r"\theta \leftarrow \theta - \eta\, g",
    "momentum": r"v \leftarrow \beta v + g,\ \ \theta \leftarrow \theta - \eta\, v",
    "nesterov": r"v \leftarrow \beta v + g,\ \ \theta \leftarrow \theta - \eta\,(g + \beta v)",
    "adagrad": r"r \leftarrow r + g \odot g,\ \ \theta \leftarrow \theta - "
    r"\frac{\eta}{\delta + \sqrt{r}} \odot g",
    "rmsprop": r"r \leftarrow \rho r + (1 - \rho)\, g \odot g,\ \ \theta \leftarrow \theta - "
    r"\frac{\eta}{\delta + \sqrt{r}} \odot g",
    "adam": r"s \leftarrow \beta_1 s + (1-\beta_1) g,\ r \leftarrow \beta_2 r + (1-\beta_2)\,"
    r"g \odot g,\ \theta \leftarrow \theta - \eta \frac{\hat s}{\delta + \sqrt{\hat r}}",
}


def _rules(cfg: OptimConfig, snap: RaceSnapshot, names: tuple[str, ...]) -> None:
    values = {"momentum": rf"\beta = {cfg.beta:g}", "nesterov": rf"\beta = {cfg.beta:g}",
              "rmsprop": rf"\rho = {cfg.rho:g}", "adagrad": r"\delta = 10^{-10}",
              "adam": r"\beta_1 = 0.9,\ \beta_2 = 0.999"}  # fmt: skip
    for name in names:
        i = RACERS.index(name)
        extra = values.get(name)
        numbers = rf"\eta = {snap.lrs[i]:.4g}" + (rf",\ {extra}" if extra else "")
        st.latex(rf"\textbf{{{OPTIMIZERS[name].label}}}\quad {UPDATE_RULES[name]}\qquad {numbers}")


def _noise_latex(cfg: OptimConfig, trainer: RaceTrainer) -> None:
    st.latex(
        rf"\tilde g = \nabla f(\theta) + \sigma\, s\, \xi,\quad \xi \sim \mathcal N(0, I),\quad"
        rf"\sigma = {cfg.noise:g},\ s = {trainer.noise_unit:.3g}"
    )
    st.caption(
        "The minibatch-noise slider: s is the surface's typical gradient size (the median "
        "gradient norm over the square), so σ = 1 is noise as large as a typical gradient."
    )


def _render_race(page: OptimPage, trainer: RaceTrainer, out: LiveOut) -> None:
    snap = trainer.snapshot()
    names = snap.shown or RACERS
    if out.live:  # numbers only: the browser draws the frame (Pause: the interactive figures)
        counter = page.get("frame", 0) + 1
        page.set("frame", counter)
        out.json("optim_race", figures.race_payload(snap, names, counter, _bg_key(trainer)))
        out.caption(RACE_LIVE)
        return
    left, right = st.columns([5, 4])
    click = partial(_on_plane_click, page, "race")
    fig = figures.race_figure(snap, names)
    page.chart(fig, "race", where=left, on_select=click, selection_mode="points")
    left.caption("Click the plane to start the race there. ★ a minimum, ○ the start.")
    with right:
        page.chart(figures.loss_figure(snap, names), "race_loss")
        # a static table: a data grid's own module (a canvas) competed with the chart module
        # for the browser's main thread on the page's first load
        st.table(_racer_table(snap, names), hide_index=True)
        page.downloads("race_trajectories", {"csv": (trajectories_csv(snap, names), "text/csv")})
    with st.expander("The update rules with their numbers", expanded=True,
                     icon=":material/functions:"):  # fmt: skip
        st.latex(snap.surface.latex)
        _rules(trainer.cfg, snap, names)
        _noise_latex(trainer.cfg, trainer)
        if trainer.cfg.schedule:
            _schedule_latex(trainer.cfg, snap, names[0])


def _bg_key(trainer: RaceTrainer) -> str:
    s = trainer.surface
    return f"{s.key}|{s.text}|{s.box}"


def race(page: OptimPage) -> None:
    st.markdown(
        "Six optimizers start from one point, each with its own learning rate η, and take one "
        "step per iteration with the exact gradient: who zig-zags, overshoots, crawls, stalls?"
    )
    _surface_controls(page)
    cfg = _race_cfg(page)
    tuned = surface_of(cfg).lrs
    _racer_controls(page, RACERS, tuned)
    busy = cfg.noise > 0 or cfg.schedule
    # drawn only when open (closed, its widgets would cost every run and the first picture);
    # open from the start when the link sets noise or a schedule
    box = page.lazy("Momentum β, RMSProp's ρ, minibatch noise, learning-rate schedule",
                    "dynamics_open", icon=":material/tune:", expanded=busy)  # fmt: skip
    if box is not None:
        with box:
            _dynamics_controls(page, cfg)
    render = partial(_render_race, page)
    page.live(RaceTrainer, render, cfg=cfg, one_element=True, epoch_label="Iteration",
              **_live_args(cfg))  # fmt: skip


# -- what the adaptive methods keep -------------------------------------------------------------
def _accumulator_latex(cfg: OptimConfig, snap: RaceSnapshot) -> None:
    for name in figures.ADAPTIVE:
        i = RACERS.index(name)
        r, g = snap.r[i], snap.grads[i]
        s = snap.scales[i, snap.k - 1] if snap.k else np.full(2, np.nan)
        rule = (
            r"r \leftarrow r + g \odot g"
            if name == "adagrad"
            else rf"r \leftarrow {cfg.rho:g}\, r + {1 - cfg.rho:.3g}\, g \odot g"
        )
        st.latex(
            rf"\textbf{{{OPTIMIZERS[name].label}}}\ (k = {snap.k}):\quad {rule},\quad "
            rf"g = ({g[0]:.3g},\ {g[1]:.3g}),\quad r = ({r[0]:.4g},\ {r[1]:.4g})"
        )
        st.latex(
            rf"\frac{{\eta}}{{\delta + \sqrt{{r}}}} = \frac{{{snap.lrs[i]:.3g}}}"
            rf"{{\delta + \sqrt{{r}}}} = ({s[0]:.4g},\ {s[1]:.4g})"
        )


def _render_adaptive(page: OptimPage, trainer: RaceTrainer, out: LiveOut) -> None:
    snap = trainer.snapshot()
    if out.live:
        counter = page.get("frame", 0) + 1
        page.set("frame", counter)
        out.json("optim_race", figures.adaptive_payload(snap, counter, _bg_key(trainer)))
        out.caption(
            "Live: each cross's arms are the step AdaGrad or RMSProp would take along x and y "
            "for a unit gradient, η / (δ + √r). Pause for the numbers."
        )
        return
    left, right = st.columns([5, 4])
    click = partial(_on_plane_click, page, "adaptive")
    fig = figures.adaptive_figure(snap)
    page.chart(fig, "adaptive", where=left, on_select=click, selection_mode="points")
    left.caption(
        "Crosses: the per-coordinate step η / (δ + √r) at points of each path, all to one "
        "scale (the few largest capped). "
        "AdaGrad's r only grows, so its crosses shrink until it stalls; RMSProp's r is a "
        "moving average, so its steps stay the size of η / |recent g|."
    )
    with right:
        page.chart(figures.step_figure(snap), "adaptive_steps")
        _accumulator_latex(trainer.cfg, snap)


ADAPTIVE_PRESETS = (
    (
        "AdaGrad stalls (Rosenbrock)",
        {"surface": "rosenbrock", "lr_adagrad": AUTO_LR, "lr_rmsprop": AUTO_LR, "noise": 0.0},
        "In the long curved valley AdaGrad's r keeps the steep early gradients for ever: its "
        "steps shrink while RMSProp's recover.",
    ),
    (
        "Noisy gradients",
        {"surface": "quadratic", "lr_adagrad": AUTO_LR, "lr_rmsprop": AUTO_LR, "noise": 0.5},
        "Noise adds to r at every step: AdaGrad's steps fall like 1/√k, RMSProp's stay level.",
    ),
)


def adaptive(page: OptimPage) -> None:
    st.markdown(
        "AdaGrad and RMSProp keep a running record r of squared gradients, **one number per "
        "coordinate**, and divide each coordinate's step by δ + √r. AdaGrad sums every g²; "
        "RMSProp forgets with decay ρ. The same race as the first view, seen through these two."
    )
    _surface_controls(page)
    cfg = _race_cfg(page)
    tuned = surface_of(cfg).lrs
    c = st.columns([1, 1, 1, 1])
    for col, name in zip(c[:2], figures.ADAPTIVE):
        with col:
            _lr_widget(page, name, tuned[name])
    with c[2]:
        page.widget("rho")
    with c[3]:
        page.widget("noise")
    c = st.columns([1, 1, 2])
    for col, (text, values, tip) in zip(c, ADAPTIVE_PRESETS):
        col.button(text, on_click=page.set_widgets, args=(values,), help=tip)
    render = partial(_render_adaptive, page)
    page.live(RaceTrainer, render, cfg=cfg, one_element=True, epoch_label="Iteration",
              **_live_args(cfg))  # fmt: skip


# -- momentum on a quadratic --------------------------------------------------------------------
ETAS = np.linspace(0.01, 4.0, 120)
BETAS = np.linspace(0.0, 0.99, 100)


def _set_momentum(page: OptimPage, eta: float, beta: float, digits: int | None = None) -> None:
    """Set the step and momentum sliders (exactly for the optimum: the rate is sharp there; a
    click is rounded to ``digits``)."""
    if digits is not None:
        eta, beta = round(eta, digits), round(beta, digits)
    values = {"m_eta": float(np.clip(eta, 0.01, 4.0)), "m_beta": float(np.clip(beta, 0.0, 0.99))}
    page.set_widgets(values)


def _on_rate_click(page: OptimPage) -> None:
    points = page.selection("rate_map")
    if points:
        _set_momentum(page, float(points[0]["x"]), float(points[0]["y"]), digits=2)


def _momentum_numbers(run: mom.MomentumRun) -> None:
    lam_min, lam_max = float(run.lams[0]), float(run.lams[-1])
    kappa = lam_max / lam_min
    best = run.best
    st.latex(
        rf"R = \begin{{pmatrix}} \beta & \lambda \\ -\eta\beta & 1 - \eta\lambda \end{{pmatrix}},"
        rf"\quad \rho = \max_{{\lambda \in \{{{lam_min:.3g},\ {lam_max:.3g}\}}}} |\sigma(R)|"
        rf" = {run.predicted:.4f}\ \text{{(predicted)}}\quad\text{{vs}}\quad "
        rf"{run.measured:.4f}\ \text{{(measured)}}"
    )
    st.latex(
        rf"\eta^* = \Big(\frac{{2}}{{\sqrt{{\lambda_{{min}}}} + \sqrt{{\lambda_{{max}}}}}}\Big)^2"
        rf" = {best.eta:.3f},\quad \beta^* = \Big(\frac{{\sqrt\kappa - 1}}{{\sqrt\kappa + 1}}"
        rf"\Big)^2 = {best.beta:.3f},\quad \rho^* = \frac{{\sqrt\kappa - 1}}{{\sqrt\kappa + 1}}"
        rf" = {best.rate:.4f}\quad (\kappa = {kappa:g})"
    )
    st.latex(
        rf"\text{{gradient descent: }} \eta = \frac{{2}}{{\lambda_{{min}} + \lambda_{{max}}}}"
        rf" = {best.gd_eta:.3f},\quad \rho = \frac{{\kappa - 1}}{{\kappa + 1}} = "
        rf"{best.gd_rate:.4f}\ \text{{(measured {run.gd_measured:.4f})}}"
    )


def _momentum_table(run: mom.MomentumRun) -> list[dict]:
    best = run.best
    rows = (
        ("your η, β", run.eta, run.beta, run.predicted, run.measured),
        ("Goh's optimum", best.eta, best.beta, best.rate, float("nan")),
        ("gradient descent, best η", best.gd_eta, 0.0, best.gd_rate, run.gd_measured),
    )
    return [
        {
            "run": name,
            "η": f"{eta:.3f}",
            "β": f"{beta:.3f}",
            "predicted ρ": f"{rho:.4f}",
            "measured ρ": "—" if np.isnan(meas) else f"{meas:.4f}",
            "iterations to 10⁻³": f"{mom.iterations_to(rho):.0f}",
        }
        for name, eta, beta, rho, meas in rows
    ]


def momentum(page: OptimPage) -> None:
    st.markdown(
        "On the race's quadratic, momentum's error shrinks like ρᵏ, and ρ follows from the "
        "Hessian's eigenvalues alone (Goh, *Why Momentum Really Works*, Distill 2017). Pick η "
        "and β (or click the map), and compare the prediction with the measured run."
    )
    page.row("kappa", "angle", "m_steps", widths=[2, 2, 1])
    fine = {"step": 0.001, "format": "%.3f"}
    page.row("m_eta", "m_beta", m_eta=fine, m_beta=fine)
    cfg = page.cfg
    surface = surface_of(dataclasses.replace(cfg, surface="quadratic"))
    H = quadratic_matrix(cfg.kappa, cfg.angle)
    start = surface.start if len(cfg.start) != 2 else surface.clamp(cfg.start)
    run = mom.run(surface, H, start, cfg.m_eta, cfg.m_beta, cfg.m_steps)
    c = st.columns([1, 1, 3])
    c[0].button("Goh's optimum", on_click=_set_momentum, args=(page, run.best.eta, run.best.beta),
                icon=":material/star:")  # fmt: skip
    c[1].button("Plain gradient descent", on_click=_set_momentum,
                args=(page, run.best.gd_eta, 0.0))  # fmt: skip
    left, right = st.columns([1, 1])
    R = mom.rate_map(run.lams, ETAS, BETAS)
    click = partial(_on_rate_click, page)
    fig = figures.rate_map_figure(ETAS, BETAS, R, run)
    page.chart(fig, "rate_map", where=left, on_select=click, selection_mode="points")
    left.caption("ρ for every (η, β) on this quadratic; white: diverges. Click to choose.")
    page.chart(figures.momentum_error_figure(run), "momentum_error", where=right)
    right.caption("Measured error (solid) against the predicted ρᵏ (dotted).")
    _momentum_numbers(run)
    st.dataframe(_momentum_table(run), hide_index=True, width="stretch")
    page.chart(figures.momentum_path_figure(surface, run), "momentum_path")


# -- a real network's landscape -------------------------------------------------------------------
@st.cache_data(max_entries=16, show_spinner="Training six networks and mapping their loss ...")
def _landscape(
    data: str, hidden: tuple, dirs: str, centre: str, steps: int, res: int, lr: float, seed: int
) -> Landscape:
    return landscape(data, hidden, dirs, centre, steps, res, lr, seed)


def landscape_csv(land: Landscape) -> str:
    out = io.StringIO()
    out.write("a,b,loss\n")
    for j, b in enumerate(land.b):
        for i, a in enumerate(land.a):
            out.write(f"{a:.6g},{b:.6g},{land.loss[j, i]:.6g}\n")
    return out.getvalue()


def _landscape_table(land: Landscape, scale: float) -> list[dict]:
    return [
        {"optimizer": OPTIMIZERS[name].label, "η": f"{NET_LRS[name] * scale:g}",
         "final training loss": f"{land.path_loss[name][-1]:.4g}",
         "path on the plane": f"{100 * land.in_plane.get(name, float('nan')):.1f} %"}
        for name in land.path_loss
    ]  # fmt: skip


def network_landscape(page: OptimPage) -> None:
    st.markdown(
        "The playground's network (tanh, full-batch gradients) trained from one initialisation "
        "by each of the six optimizers; the loss is then drawn on a plane of weight space "
        "through the final weights of one of them, with every path projected on it "
        "(Li et al., *Visualizing the Loss Landscape of Neural Nets*, 2018)."
    )
    page.row("land_data", "land_hidden", "land_centre", "land_steps", widths=[1, 1, 1, 1])
    page.widget("land_dirs", widget="radio")
    page.row("land_res", "land_lr", "seed", widths=[1, 1, 1], seed={"widget": "number"})
    cfg = page.cfg
    try:
        land = _landscape(cfg.land_data, tuple(cfg.land_hidden), cfg.land_dirs, cfg.land_centre,
                          cfg.land_steps, cfg.land_res, cfg.land_lr, cfg.seed)  # fmt: skip
    except ValueError as err:
        page.notice(f"No landscape: {err}.", "error")
        return
    left, right = st.columns([5, 4])
    page.chart(figures.landscape_figure(land), "landscape", where=left)
    with right:
        page.chart(figures.landscape_loss_figure(land), "landscape_loss")
        st.dataframe(_landscape_table(land, cfg.land_lr), hide_index=True, width="stretch")
    if land.dirs == "pca":
        left.caption(
            f"{land.n_params} weights. PC 1 and PC 2 hold {100 * land.explained[0]:.1f} % and "
            f"{100 * land.explained[1]:.1f} % of the paths' spread around the centre "
            f"({OPTIMIZERS[land.centre].label}'s final weights)."
        )
    else:
        left.caption(
            f"{land.n_params} weights. Two random directions, each neuron's weights rescaled to "
            "that neuron's norm (filter normalization). A random plane holds almost none of the "
            "paths (see the table): that is why Li et al. use PCA directions for trajectories."
        )
    st.latex(
        r"L(a, b) = L(\theta_c + a\, \delta_1 + b\, \delta_2),\qquad"
        r"\delta_{i,j} \leftarrow \frac{\delta_{i,j}}{\|\delta_{i,j}\|}\,\|\theta_{c,i,j}\|"
        r"\ \text{(random, per neuron } j \text{ of layer } i\text{)}"
    )
    page.downloads("landscape", {"csv": (landscape_csv(land), "text/csv")})


# -- regularization geometry -------------------------------------------------------------------
ALPHA_PATH = np.concatenate([[0.0], np.logspace(-3, 1.5, 80)])


def _on_weight_click(page: OptimPage) -> None:
    points = page.selection("penalty")
    if points:
        x, y = (float(np.clip(points[0][k], -3.0, 3.0)) for k in ("x", "y"))
        page.set_widgets({"reg_w1": round(x, 2), "reg_w2": round(y, 2)})


def _vec(w: np.ndarray) -> str:
    return rf"({w[0]:.3f},\ {w[1]:.3f})"


def _penalty_numbers(problem: reg.Problem, alpha: float, w_l2, w_l1) -> None:
    lam = np.linalg.eigvalsh(problem.H)
    diag = reg.l1_diagonal(problem.H, problem.w_star, alpha)
    st.latex(
        rf"\boldsymbol{{w}}^* = {_vec(problem.w_star)},\quad \boldsymbol{{H}} = "
        rf"\begin{{pmatrix}} {problem.H[0, 0]:.3f} & {problem.H[0, 1]:.3f} \\ "
        rf"{problem.H[1, 0]:.3f} & {problem.H[1, 1]:.3f} \end{{pmatrix}},\quad "
        rf"\lambda = ({lam[0]:.3f},\ {lam[1]:.3f})"
    )
    st.latex(
        rf"\tilde{{\boldsymbol{{w}}}}_{{L2}} = (\boldsymbol{{H}} + \alpha \boldsymbol{{I}})^{{-1}}"
        rf"\boldsymbol{{H}}\boldsymbol{{w}}^* = {_vec(w_l2)},\quad \frac{{\lambda_i}}"
        rf"{{\lambda_i + \alpha}} = ({lam[0] / (lam[0] + alpha):.3f},\ "
        rf"{lam[1] / (lam[1] + alpha):.3f})"
    )
    st.latex(
        rf"\tilde{{\boldsymbol{{w}}}}_{{L1}} = {_vec(w_l1)}\quad\text{{(exact)}},\qquad "
        rf"\operatorname{{sign}}(w^*_i)\max\Big\{{|w^*_i| - \frac{{\alpha}}{{H_{{i,i}}}},\ 0"
        rf"\Big\}} = {_vec(diag)}\quad\text{{(lecture, diagonal }}\boldsymbol{{H}})"
    )
    zeros = [f"w{'₁₂'[i]}" for i in range(2) if w_l1[i] == 0.0]
    if zeros:
        st.caption(
            f"L1 sets {' and '.join(zeros)} exactly to zero: the solution sits on a corner of "
            "the diamond (the lecture's sparsity). L2 only shrinks: its disc has no corners."
        )
    if abs(problem.H[0, 1]) > 0.05 * np.sqrt(problem.H[0, 0] * problem.H[1, 1]):
        st.caption(
            "The features are correlated, so H is not diagonal and the lecture's L1 formula "
            "is an approximation; set the correlation to 0 to see it agree."
        )


def _early_stopping(page: OptimPage, problem: reg.Problem) -> None:
    st.subheader("Early stopping acts as L2")
    page.row("reg_eps", "reg_tau", widths=[1, 2])
    cfg = page.cfg
    es = reg.early_stop(problem.H, problem.w_star, cfg.reg_eps, cfg.reg_tau)
    path_gd = reg.gd_path(problem.H, problem.w_star, cfg.reg_eps, max(cfg.reg_tau, 1))
    alphas = 1.0 / (cfg.reg_eps * np.arange(1, max(cfg.reg_tau, 200) + 1))
    path_l2 = np.stack([reg.l2_solution(problem.H, problem.w_star, a) for a in alphas])
    left, right = st.columns([2, 3])
    page.chart(figures.early_stop_figure(problem, path_gd, path_l2, es), "early_stop", where=left)
    with right:
        st.latex(
            rf"\boldsymbol{{Q}}^\top \boldsymbol{{w}}^{{(\tau)}} = [\boldsymbol{{I}} - "
            rf"(\boldsymbol{{I}} - \epsilon \boldsymbol{{\Lambda}})^\tau]\, \boldsymbol{{Q}}^\top"
            rf"\boldsymbol{{w}}^*,\quad \boldsymbol{{w}}^{{({es.tau})}} = {_vec(es.w_gd)}"
        )
        alpha = "\\infty" if not np.isfinite(es.alpha) else f"{es.alpha:.4g}"
        st.latex(
            rf"\alpha \approx \frac{{1}}{{\tau \epsilon}} = \frac{{1}}{{{es.tau} \cdot "
            rf"{es.eps:g}}} = {alpha},\quad \tilde{{\boldsymbol{{w}}}}_{{L2}} = {_vec(es.w_l2)}"
        )
        rows = [
            {"eigen-direction": f"λ{'₁₂'[i]} = {es.lam[i]:.3f}", "ελ": f"{es.eps * es.lam[i]:.3f}",
             "kept by early stopping": f"{es.gd_factor[i]:.4f}",
             "kept by L2": f"{es.l2_factor[i]:.4f}"}
            for i in range(2)
        ]  # fmt: skip
        st.latex(
            r"\text{kept by early stopping: } 1 - (1 - \epsilon\lambda_i)^\tau,\qquad"
            r"\text{kept by L2: } \frac{\lambda_i}{\lambda_i + \alpha}"
        )
        st.dataframe(rows, hide_index=True, width="stretch")
        st.caption(
            "Each column is the share of w* kept along an eigenvector of H. They agree when "
            "ελ is small (the lecture's condition); a long flat direction keeps little of w* "
            "under both."
        )
        if not es.stable:
            page.notice(
                "$\\epsilon\\,\\lambda_{max} \\geq 2$: gradient descent diverges at this step.",
                "warning",
            )


def regularization(page: OptimPage) -> None:
    st.markdown(
        "A linear model with two weights on a small data set: its loss J(w) is a quadratic "
        "bowl around w*. Penalties pull the solution toward 0: L2 (weight decay) along a "
        "smooth path, L1 onto the axes. Click the plane to move the true weights."
    )
    page.row("reg_alpha", "reg_rho", "reg_scale", widths=[2, 1, 1])
    page.row("reg_w1", "reg_w2", "reg_noise", "reg_n", widths=[1, 1, 1, 1])
    cfg = page.cfg
    problem = reg.make_problem((cfg.reg_w1, cfg.reg_w2), cfg.reg_rho, cfg.reg_scale,
                               cfg.reg_noise, cfg.reg_n, cfg.seed)  # fmt: skip
    alpha = cfg.reg_alpha
    w_l2 = reg.l2_solution(problem.H, problem.w_star, alpha)
    w_l1 = reg.l1_solution(problem.H, problem.w_star, alpha)
    path_l2, path_l1 = reg.penalty_paths(problem.H, problem.w_star, ALPHA_PATH)
    left, right = st.columns([5, 4])
    fig = figures.penalty_figure(problem, alpha, w_l2, w_l1, path_l2, path_l1)
    click = partial(_on_weight_click, page)
    page.chart(fig, "penalty", where=left, on_select=click, selection_mode="points")
    left.caption(
        "Dotted: where each solution goes as α grows from 0. The shaded disc and diamond are "
        "the constraint regions the penalized solutions sit on: the loss contour through each "
        "solution just touches its region."
    )
    page.chart(figures.weights_figure(ALPHA_PATH, path_l2, path_l1, alpha), "reg_path",
               where=right)  # fmt: skip
    right.caption("Each weight against α: L2 shrinks every weight smoothly, L1 sets them to 0.")
    _penalty_numbers(problem, alpha, w_l2, w_l1)
    rows = np.column_stack([ALPHA_PATH, path_l2, path_l1])
    csv = "alpha,l2_w1,l2_w2,l1_w1,l1_w2\n" + "\n".join(
        ",".join(f"{v:.6g}" for v in r) for r in rows
    )
    page.downloads("regularization_paths", {"csv": (csv, "text/csv")})
    _early_stopping(page, problem)


# -- dropout as an ensemble ----------------------------------------------------------------------
METHODS = {
    "geo": "geometric mean, all 2ⁿ masks",
    "scaled": "weight scaling",
    "arith": "arithmetic mean, all masks",
    "mc": "geometric mean, sampled masks",
    "bag": "bagging, k models",
    "plain": "one model, no dropout",
}


@st.cache_resource(max_entries=8, show_spinner="Training the dropout, plain and bagged models ...")
def _dropout_models(n: int, keep: float, hidden: int, k: int, seed: int):
    task = drop.make_task(n, seed)
    return task, drop.train_all(task, keep, hidden, k, seed)


@st.cache_data(max_entries=16, show_spinner="Enumerating every dropout mask ...")
def _dropout_study(n: int, keep: float, hidden: int, k: int, mc: int, seed: int):
    task, nets = _dropout_models(n, keep, hidden, k, seed)
    return task, {kind: drop.compare(task, nets[kind], keep, mc, seed) for kind in drop.KINDS}


def _dropout_table(study: dict, n: int) -> list[dict]:
    rows = [{"": f"test accuracy: {METHODS[m]}",
             **{LABEL_KIND[kind]: f"{100 * c.accuracy[m]:.1f} %" for kind, c in study.items()}}
            for m in METHODS]  # fmt: skip
    rows.append(
        {
            "": "gap: mean KL(geometric ‖ weight scaling)",
            **{LABEL_KIND[kind]: f"{c.gap_kl:.2e}" for kind, c in study.items()},
        }
    )
    rows.append(
        {
            "": "gap: largest |Δp| (geometric − weight scaling)",
            **{LABEL_KIND[kind]: f"{c.gap_max:.2e}" for kind, c in study.items()},
        }
    )
    rows.append(
        {
            "": f"Monte Carlo vs all {2**n} masks: largest |Δp|",
            **{LABEL_KIND[kind]: f"{c.mc_gap:.2e}" for kind, c in study.items()},
        }
    )
    return rows  # fmt: skip


LABEL_KIND = {"softmax": "one softmax layer", "hidden": "one hidden layer"}


def _pick(n_test: int, pick: int, count: int = 6) -> np.ndarray:
    return np.random.default_rng(pick).choice(n_test, size=count, replace=False)


def dropout_view(page: OptimPage) -> None:
    st.markdown(
        "Dropout trains an ensemble of 2ⁿ sub-networks that share weights. Each digit is "
        "reduced to n principal components, the n input units that dropout keeps with "
        "probability p. Both models below were trained with dropout; we predict with the "
        "exact ensemble over every mask, with the weight-scaling rule, by sampling masks, and "
        "compare with bagging k independently trained models."
    )
    page.row("drop_n", "drop_p", "drop_hidden", "drop_k", widths=[2, 2, 1, 2])
    page.row("drop_mc", "drop_model", "drop_pick", widths=[1, 1, 1],
             drop_pick={"widget": "number"})  # fmt: skip
    cfg = page.cfg
    task, study = _dropout_study(cfg.drop_n, cfg.drop_p, cfg.drop_hidden, cfg.drop_k,
                                 cfg.drop_mc, cfg.seed)  # fmt: skip
    soft, deep = study["softmax"], study["hidden"]
    st.latex(
        r"\tilde p_{\text{ens}}(y \mid \boldsymbol v) = \prod_{\boldsymbol\mu} "
        r"p(y \mid \boldsymbol v; \boldsymbol\mu)^{p(\boldsymbol\mu)}\quad\text{and, for one "
        r"softmax layer,}\quad p_{\text{ens}}(y \mid \boldsymbol v) = \operatorname{softmax}"
        rf"\big(\boldsymbol W^\top (p\,\boldsymbol v) + \boldsymbol b\big)_y,"
        rf"\quad p = {cfg.drop_p:g}"
    )
    st.markdown(
        f"Measured on {len(task.y_test)} test digits: weight scaling differs from the exact "
        f"geometric mean by at most **{soft.gap_max:.1e}** for the softmax layer (exact up to "
        f"rounding) and by up to **{deep.gap_max:.2f}** with a hidden layer "
        f"(mean KL {deep.gap_kl:.3f} nats): there it is only an approximation."
    )
    st.dataframe(_dropout_table(study, cfg.drop_n), hide_index=True, width="stretch")
    chosen = study[cfg.drop_model]
    idx = _pick(len(task.y_test), cfg.drop_pick)
    probs = {"geo": chosen.ens.geo[idx], "scaled": chosen.ens.scaled[idx],
             "arith": chosen.ens.arith[idx], "mc": chosen.ens.mc_geo[idx],
             "bag": chosen.bag[idx]}  # fmt: skip
    fig = figures.dropout_figure(task.images_test[idx], task.y_test[idx], probs, METHODS)
    page.chart(fig, "dropout_examples")
    st.caption(
        f"Bars: the probability of each class 0-9 for the same six test digits under every "
        f"prediction rule ({LABEL_KIND[cfg.drop_model]}; "
        "change 'Which test digits' for others). Sampled masks: "
        f"{cfg.drop_mc}; bagging: {cfg.drop_k} models, each trained on a bootstrap resample."
    )
    page.downloads("dropout_predictions", {"csv": (_dropout_csv(task, chosen), "text/csv")})


def _dropout_csv(task: drop.DigitsTask, c: drop.Comparison) -> str:
    out = io.StringIO()
    out.write("digit,label,method," + ",".join(f"p{j}" for j in range(10)) + "\n")
    probs = {"geo": c.ens.geo, "scaled": c.ens.scaled, "arith": c.ens.arith,
             "mc": c.ens.mc_geo, "bag": c.bag, "plain": c.plain}  # fmt: skip
    for i, label in enumerate(task.y_test):
        for m, p in probs.items():
            out.write(f"{i},{label},{m}," + ",".join(f"{v:.5f}" for v in p[i]) + "\n")
    return out.getvalue()


VIEWS: dict[str, View[OptimConfig]] = {
    "race": View("Race on a surface", race),
    "adaptive": View("What AdaGrad and RMSProp keep", adaptive),
    "momentum": View("Momentum: theory vs measurement", momentum),
    "landscape": View("A network's landscape", network_landscape),
    "regularization": View("Regularization geometry", regularization),
    "dropout": View("Dropout as an ensemble", dropout_view),
}
