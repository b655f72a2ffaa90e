"""The backpropagation page's views (pages/backprop.py): a typed expression's graph and its
backward pass node by node (checked by autograd and finite differences), the lecture's two-layer
sigmoid network with its error signals and weight updates, why depth makes gradients vanish,
the softmax layer's gradient p - y, and the cost of reverse mode.

The math is in dlcore/backprop (the lecture's "Backpropagation in General Flow Graph" and
"Backpropagation: error signal / weight update"), the figures in dlcore/viz/backprop.py, the
live frames drawn by dlcore/ui/js/backprop_live.js.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from dlcore.backprop import views as text
from dlcore.backprop.config import ACTIVATIONS, BackpropConfig, net_config, walk_config
from dlcore.backprop.cost import CostResult, cost_study
from dlcore.backprop.depth import DepthResult, depth_study
from dlcore.backprop.expr import describe, format_values
from dlcore.backprop.graph import ExprError, check, fmt, latex_name, walk_order
from dlcore.backprop.network import NetworkTrainer
from dlcore.backprop.softmax import softmax_study
from dlcore.backprop.walk import BackwardWalk, Problem, WalkSnapshot, prepare
from dlcore.ui.output import LiveOut
from dlcore.ui.page import Page, View
from dlcore.viz import backprop as figures

BPPage = Page[BackpropConfig]
EXAMPLES = {
    "lecture": (
        "(a*b + c) * tanh(d)",
        "a = 2, b = -3, c = 10, d = 0.5",
        "The running example: (a·b + c)·tanh(d)",
    ),
    "neuron": (
        "sigmoid(w1*x1 + w2*x2 + b)",
        "w1 = 0.5, x1 = 1, w2 = -1.5, x2 = 2, b = 0.3",
        "One sigmoid neuron: σ(w1·x1 + w2·x2 + b)",
    ),
    "cs231n": (
        "1/(1 + exp(-(w0*x0 + w1*x1 + w2)))",
        "w0 = 2, x0 = -1, w1 = -3, x1 = -2, w2 = -3",
        "CS231n's sigmoid circuit: 1 / (1 + exp(−(w0·x0 + w1·x1 + w2)))",
    ),
    "fanout": ("x*y + sin(x)", "x = 0.8, y = -1.7", "Fan-out: x feeds two nodes (the sum rule)"),
    "square": ("(x + y)^2 / y - x*y", "x = 1.5, y = 2", "Fan-out twice: (x + y)² / y − x·y"),
    "kinks": ("relu(a - b) + max(a, b)", "a = 1, b = 1", "Kinks: relu at 0, a tie in max"),
    "net": (
        "tanh(w1*x + b1)*v1 + tanh(w2*x + b2)*v2 - log(1 + exp(-y*x))",
        "w1 = 0.7, x = 1.2, b1 = -0.4, v1 = 1.3, w2 = -1.1, b2 = 0.5, v2 = 0.8, y = 1",
        "A larger one: two tanh units and a softplus term",
    ),
}
INTRO = (
    "Type an expression over named inputs. The **forward pass** computes every node's value in "
    "topological order (black numbers); the **backward pass** then visits the nodes in reverse "
    "order, starting from $\\frac{\\partial f}{\\partial f} = 1$, and gives each node its gradient "
    "from its successors (red numbers):"
)
CHAIN_RULE = (
    r"\frac{\partial f}{\partial x} = \sum_{i=1}^{n} \frac{\partial f}{\partial y_i}\,"
    r"\frac{\partial y_i}{\partial x} \qquad \{y_1, \dots, y_n\} = \text{successors of } x"
)
LEGEND = (
    "Black: a node's value (forward pass). Red **∂**: its gradient ∂f/∂node (backward pass). "
    "On an edge: local derivative × upstream gradient = what flows back along it. Hover for "
    "every digit; click a node to see its chain rule."
)
RNN_LINK = "RNN gradient explorer: vanishing gradients through time"
TABLE, FUNCTIONS = ":material/table:", ":material/functions:"  # expander icons
SPEEDS = {  # the network's Play speed: LivePanel pacing (watched: every step is shown)
    "slow": {"budget_s": 1e-6, "max_fps": 2.0, "watched": True},
    "medium": {"budget_s": 1e-6, "max_fps": 20.0, "watched": True},
    "fast": {"budget_s": 0.03, "max_fps": 15.0},
}


def _sci(*columns: str) -> dict:
    """Tiny differences in scientific notation (a table would round them to 0)."""
    return {c: st.column_config.NumberColumn(format="%.2e") for c in columns}


# ----------------------------------------------------------------------------- expression graph
def _example_chosen(page: BPPage) -> None:
    key = page.get("example")
    if key in EXAMPLES:
        expr, values, _ = EXAMPLES[key]
        page.set_widgets({"expr": expr, "values": values})
        page.pause("walk")
    page.set("example", None)


def _values_typed(page: BPPage, names: tuple[str, ...]) -> None:
    values = {n: float(page.get(f"value.{n}") or 0.0) for n in names}
    page.set_widgets({"values": format_values(values)})
    page.pause("walk")


def _problem(page: BPPage) -> Problem | None:
    """The parsed, evaluated expression, or None after a message saying what is wrong."""
    try:
        problem = prepare(page.cfg.expr, page.cfg.values)
    except ExprError as err:
        page.notice(f"**Cannot draw this expression.** {err}", "error")
        st.caption(f"For example: {EXAMPLES['lecture'][0]}, or pick one from the examples.")
        return None
    for note in problem.inputs.notes:
        page.notice(f"Input values: {note} Using 1 instead.", "warning")
    return problem


def _value_inputs(page: BPPage, problem: Problem) -> None:
    """One number box per input; they write the config's ``values`` (and so the link)."""
    names = problem.graph.names
    cols = st.columns(min(len(names), 5))
    for k, name in enumerate(names):
        current = problem.inputs.values[name]
        if page.get(f"value.{name}") != current:
            page.set(f"value.{name}", current)
        cols[k % len(cols)].number_input(
            f"${latex_name(name)}$",
            key=page.key(f"value.{name}"),
            step=0.1,
            format="%g",
            on_change=_values_typed,
            args=(page, names),
            min_value=-1e6,
            max_value=1e6,
        )


def graph_view(page: BPPage) -> None:
    st.markdown(INTRO)
    st.latex(CHAIN_RULE)
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    with left:
        page.widget("expr", on_change=page.pause, args=("walk",))
    right.selectbox(
        "Examples",
        list(EXAMPLES),
        index=None,
        key=page.key("example"),
        format_func=lambda k: EXAMPLES[k][2],
        placeholder="Load an example…",
        on_change=_example_chosen,
        args=(page,),
    )
    problem = _problem(page)
    if problem is None:
        return
    _value_inputs(page, problem)
    st.caption(describe(problem.graph))
    page.row("speed", "h")
    total = len(walk_order(problem.graph))
    page.live(
        BackwardWalk,
        partial(_render_walk, page),
        cfg=walk_config(page.cfg),
        name="walk",
        budget_s=1e-6,
        max_fps=page.cfg.speed,
        epoch_label=f"Backward pass ({total} nodes): node",
        step_label="Step",
        one_element=True,
        watched=True,
        step_help="Take one node of the backward pass: its local derivative times the upstream "
        "gradient, summed over its consumers.",
        reset_help="Go back to the end of the forward pass: no gradient computed yet.",
    )
    _tables(page, page.panel.trainer.snapshot())


def _selected(page: BPPage, snap: WalkSnapshot) -> int | None:
    """The node the student clicked in the graph, if it belongs to this graph."""
    state = page.get("chart.graph")
    points = getattr(getattr(state, "selection", None), "points", None) or []
    keys = [p.get("customdata") for p in points if isinstance(p.get("customdata"), int)]
    n = len(snap.problem.graph.nodes)
    return keys[0] if keys and 0 <= keys[0] < n else None


def _render_walk(page: BPPage, trainer: BackwardWalk, out: LiveOut) -> None:
    snap = trainer.snapshot()
    if out.live:  # one picture a frame, drawn by the browser
        diagram = figures.graph_diagram(snap, trainer.layout)
        out.json("backprop_live", figures.diagram_payload(diagram))
        if snap.current:
            out.caption(text.visit_text(snap.problem, snap.current))
        return
    selected = _selected(page, snap)
    fig = figures.diagram_figure(figures.graph_diagram(snap, trainer.layout, selected))
    page.chart(fig, "graph", on_select="rerun", selection_mode="points")
    st.caption(LEGEND)
    _explain_step(page, snap)
    if selected is not None:
        _explain_selected(snap, selected)
    if snap.done:
        _check(page, snap)


def _explain_step(page: BPPage, snap: WalkSnapshot) -> None:
    graph = snap.problem.graph
    if snap.current is None:
        page.notice(
            "Forward pass done: every node shows its value. Press **Next node** to start the "
            "backward pass at f, or **Play** to watch all of it.",
            "info",
            icon=":material/arrow_back:",
        )
        return
    visit = snap.current
    name = graph.short(visit.node)
    st.markdown(f"**Step {len(snap.visits)} of {snap.total}: node {name}**")
    for line in text.visit_latex(snap.problem, visit):
        st.latex(line)
    if len(visit.terms) > 1:
        page.notice(
            f"**Sum rule.** {name} feeds {len(visit.terms)} nodes, so {len(visit.terms)} paths "
            f"lead from it to f: its gradient is the **sum** of what flows back along each "
            f"({' + '.join(fmt(t.product) for t in visit.terms)} = {fmt(visit.grad)}).",
            "success",
            icon=":material/call_merge:",
        )


def _explain_selected(snap: WalkSnapshot, i: int) -> None:
    graph = snap.problem.graph
    name = graph.short(i)
    visit = next((v for v in snap.visits if v.node == i), None)
    with st.container(border=True):
        st.markdown(
            f"**You clicked {name}**" + (f" = {graph.text(i)}" if graph.nodes[i].args else "")
        )
        if graph.nodes[i].op == "const":
            st.caption("A constant: nothing learns it, so the backward pass skips it.")
        elif visit is None:
            step = walk_order(graph).index(i) + 1
            st.caption(f"No gradient yet: the backward pass reaches {name} at step {step}.")
        else:
            for line in text.visit_latex(snap.problem, visit):
                st.latex(line)


def _check(page: BPPage, snap: WalkSnapshot) -> None:
    problem = snap.problem
    res = check(problem.graph, problem.inputs.values, page.cfg.h)
    st.markdown("**The inputs' gradients, checked against PyTorch**")
    table = pd.DataFrame(figures.check_table(res.names, res.ours, res.autograd, res.fd))
    diffs = ("|backprop − autograd|", "|backprop − finite diff.|")
    st.dataframe(table, hide_index=True, width="stretch", column_config=_sci(*diffs))
    st.latex(
        rf"\max_x \left|\text{{backprop}} - \text{{autograd}}\right| = "
        rf"{text.tex_num(res.max_autograd_error, 2)}, \qquad \text{{finite differences: }}"
        rf"\frac{{f(x + h) - f(x - h)}}{{2h}},\ h = {text.tex_num(res.h)}"
    )
    for kink in res.kinks:
        page.notice(
            f"{kink}. Finite differences straddle the kink and see the average of both slopes.",
            "warning",
        )
    page.downloads("backprop_gradient_check", {"csv": (table.to_csv(index=False), "text/csv")})


def _tables(page: BPPage, snap: WalkSnapshot) -> None:
    box = page.lazy("Every node as a table (the evaluation trace)", "trace_open", icon=TABLE)
    if box is None:  # closed: no table sent (see Page.lazy)
        return
    with box:
        grads = [float(g) for g in snap.grads]
        table = pd.DataFrame(text.trace_rows(snap.problem, grads))
        table = table.rename(columns={"df/dnode": "∂f/∂node (so far)"})
        st.dataframe(table, hide_index=True, width="stretch")
        page.downloads("backprop_nodes", {"csv": (table.to_csv(index=False), "text/csv")})


# ------------------------------------------------------------------------ the lecture's network
NET_INTRO = (
    "The lecture's two-layer network of sigmoid units "
    "$f(\\mathrm{net}) = 1/(1 + e^{-\\mathrm{net}})$ "
    "with the squared error $E = \\tfrac12 \\sum_k (t_k - o_k)^2$ on one example you choose. "
    "The **error signal** $\\delta_j = \\partial E / \\partial \\mathrm{net}_j$ of a unit comes "
    "from the error signals of the units it feeds, and every link's **update** is the learning "
    "rate times the delta at its end times the output at its start:"
)
MATRIX_INTRO = (
    "The slides name the hidden pre-activations $z$, the hidden outputs $h = g(z)$ and the "
    "output weights $U$, and differentiate the log-likelihood $J$, whose error signal is "
    "the negative of ours "
    "($\\delta_{\\text{lecture}} = -\\partial E/\\partial \\mathrm{net}$). "
    "In vectors, with this network's numbers:"
)
NET_RULES = (
    r"\delta_j = f'(\mathrm{net}_j) \sum_k \delta_k\, w_{kj}, \qquad "
    r"\Delta w_{ij} = -\eta\, \delta_j\, o_i, \qquad f'(\mathrm{net}) = o\,(1 - o)"
)


def network_view(page: BPPage) -> None:
    st.markdown(NET_INTRO)
    st.latex(NET_RULES)
    page.row("x", "t", "hidden", "init", widths=[2, 2, 1, 2], init={"format_func": page.label})
    page.row("eta", "net_speed", "seed", widths=[2, 2, 1], seed={"widget": "number"})
    speed = SPEEDS[page.cfg.net_speed]
    page.live(
        NetworkTrainer,
        partial(_render_net, page),
        cfg=net_config(page.cfg),
        name="net",
        epoch_label="Epoch (one example)",
        step_label="SGD step",
        one_element=True,
        **speed,
    )


def _render_net(page: BPPage, trainer: NetworkTrainer, out: LiveOut) -> None:
    snap = trainer.snapshot()
    s = snap.now
    if out.live:
        curve = {"x": snap.steps.tolist(), "y": snap.losses.tolist(), "title": "E after each step"}
        out.json("backprop_live", figures.diagram_payload(figures.network_diagram(s), curve=curve))
        out.caption(f"E = {s.loss:.6f} after {trainer.steps} SGD steps (η = {s.eta:g})")
        return
    page.chart(figures.diagram_figure(figures.network_diagram(s)), "network")
    st.caption(
        "Links: blue for positive weights, orange for negative, wider for larger |w|; the red "
        "label is the update Δw the next SGD step makes. Hover a link or a unit for every digit."
    )
    before, after = snap.last if snap.last else (s.loss, s.loss)
    c = st.columns(3)
    c[0].metric("Error E now", f"{s.loss:.6f}", help="½ Σ (t − o)² on your example")
    if snap.last:
        c[1].metric("Last step", f"{after:.6f}", f"{after - before:+.3g}", delta_color="inverse")
    c[2].metric(
        "After the next step",
        f"{s.loss_after:.6f}",
        f"{s.loss_after - s.loss:+.3g}",
        delta_color="inverse",
    )
    _net_formulas(s)
    _net_check(page, s)
    if len(snap.steps) > 1:
        page.chart(figures.loss_figure(snap.steps, snap.losses), "loss")


def _net_formulas(s) -> None:
    st.markdown("**The error signals, output layer first** (the deltas on the units above)")
    for k in range(len(s.o_o)):
        st.latex(text.output_delta_latex(s, k))
    for j in range(len(s.o_h)):
        st.latex(text.hidden_delta_latex(s, j))
    st.markdown("**Two of the updates** (all of them in the table below)")
    st.latex(r"\text{hidden 1} \to \text{output 1:}\quad " + text.update_latex(s, "output", 0, 0))
    st.latex(r"x_1 \to \text{hidden 1:}\quad " + text.update_latex(s, "hidden", 0, 0))
    st.markdown("**The error before and after this update**")
    st.latex(text.error_latex(s))


def _net_check(page: BPPage, s) -> None:
    """The weights and updates, the deltas against autograd, the matrix form: each in an
    expander drawn only when open (closed, a table still costs the run and the browser)."""
    title = "Every weight and its update, and the deltas checked by autograd"
    box = page.lazy(title, "weights_open", icon=TABLE)
    if box is not None:
        with box:
            _net_tables(page, s)
    box = page.lazy("The same in the lecture's matrix notation", "matrix_open", icon=FUNCTIONS)
    if box is not None:
        with box:
            st.markdown(MATRIX_INTRO)
            for line in text.matrix_latex(s):
                st.latex(line)


def _net_tables(page: BPPage, s) -> None:
    weights = pd.DataFrame(text.weight_rows(s))
    st.dataframe(weights, hide_index=True, width="stretch")
    page.downloads("backprop_network_updates", {"csv": (weights.to_csv(index=False), "text/csv")})
    layers = (("output", s.delta_o, s.auto_delta_o), ("hidden", s.delta_h, s.auto_delta_h))
    rows = [
        {
            "unit": f"{layer} {i + 1}",
            "δ (formula)": float(d),
            "∂E/∂net (autograd)": float(a),
            "|difference|": float(abs(d - a)),
        }
        for layer, ds, auto in layers
        for i, (d, a) in enumerate(zip(ds, auto))
    ]
    st.dataframe(
        pd.DataFrame(rows), hide_index=True, width="stretch", column_config=_sci("|difference|")
    )
    st.caption(
        f"Largest difference between the formula and autograd: {text.sci(s.max_delta_error)}."
    )


# ----------------------------------------------------------------------------- why depth hurts
@st.cache_data(max_entries=64, show_spinner=False)
def _depth(act: str, depth: int, width: int, gain: float, seed: int, inspect: int) -> DepthResult:
    return depth_study(act, depth, width, gain, seed, inspect)


def depth_view(page: BPPage) -> None:
    st.markdown(
        "Backpropagation through a chain of layers multiplies **one local derivative per "
        "layer**. The sigmoid's slope is at most ¼, so through n sigmoid layers the error "
        "signal that reaches the first layer shrinks roughly like $(\\tfrac14)^n$: the first "
        "layers hardly learn. With one unit per layer and weights $w_l$:"
    )
    st.latex(
        r"\delta_1 = \frac{\partial y}{\partial z_1} = f'(z_1) \prod_{l=2}^{n} w_l\, f'(z_l), "
        r"\qquad \sigma'(z) = \sigma(z)\,(1 - \sigma(z)) \le \tfrac14"
    )
    page.row("act", "width", "gain", widths=[2, 1, 2])
    page.row("depth", "show_n", "seed", widths=[2, 2, 1], seed={"widget": "number"})
    cfg = page.cfg
    inspect = min(cfg.show_n, cfg.depth)
    if cfg.show_n > cfg.depth:
        page.notice(f"The chains go up to {cfg.depth} layers: looking inside depth {inspect}.")
    r = _depth(cfg.act, cfg.depth, cfg.width, cfg.gain, cfg.seed, inspect)
    others = {
        f"{page.label(act)} instead (autograd)": _depth(
            act, cfg.depth, cfg.width, cfg.gain, cfg.seed, inspect
        )
        for act in ACTIVATIONS
        if act != cfg.act
    }
    page.chart(figures.depth_figure(r, others), "depth")
    st.caption(text.depth_caption(r, inspect))
    st.markdown(f"**Inside the chain of depth {inspect}**: the error signal layer by layer")
    page.chart(figures.layers_figure(r), "layers")
    table = pd.DataFrame(
        {
            "depth n": r.depths,
            "|δ1| (autograd)": r.grad_first,
            "product of f'(z_l)": r.local_product,
            "max(f')^n": r.bound,
        }
    )
    page.downloads("backprop_depth", {"csv": (table.to_csv(index=False), "text/csv")})
    st.markdown(
        "The same product, with **one weight matrix repeated at every time step**, is why plain "
        "RNNs forget: their gradients vanish (or explode) through time."
    )
    try:
        st.page_link("pages/rnn.py", label=RNN_LINK, icon=":material/replay:")
    except StreamlitAPIException:  # run outside the app (AppTest of this page alone)
        st.markdown(f"[{RNN_LINK}](/rnn)")


# ----------------------------------------------------------------------------- softmax
def softmax_view(page: BPPage) -> None:
    st.markdown(
        "The lecture's classification setting: the output layer gives **scores** $y_i$, the "
        "**softmax layer** turns them into probabilities, and the loss is the negative "
        "log-likelihood of the correct class $g$. Its gradient with respect to the scores is "
        "strikingly simple: **p − y**, the probabilities minus the one-hot target."
    )
    st.latex(
        r"p_i = \frac{e^{y_i}}{\sum_j e^{y_j}}, \qquad J = -\log p_g = -y_g + \log \sum_j e^{y_j}, "
        r"\qquad \frac{\partial J}{\partial y_i} = p_i - \mathbb{1}[i = g]"
    )
    page.row("logits", "target", widths=[3, 1], target={"widget": "number"})
    cfg = page.cfg
    g = cfg.target
    if g >= len(cfg.logits):
        g = len(cfg.logits) - 1
        page.notice(
            f"There are only {len(cfg.logits)} classes (0 to {g}): using class {g}.", "warning"
        )
    r = softmax_study(cfg.logits, g)
    for line in text.softmax_latex(r):
        st.latex(line)
    page.chart(figures.softmax_figure(r), "softmax")
    table = pd.DataFrame(text.softmax_rows(r))
    st.dataframe(table, hide_index=True, width="stretch", column_config=_sci("|difference|"))
    page.downloads("backprop_softmax", {"csv": (table.to_csv(index=False), "text/csv")})
    st.markdown(
        "**The same number by the chain rule through the softmax.** The softmax's Jacobian is "
        "$\\partial p_i / \\partial y_j = p_i(\\mathbb{1}[i = j] - p_j)$, and "
        "$\\partial J / \\partial p = -y / p$ is zero except at the correct class:"
    )
    c = st.columns([2, 3])
    page.chart(figures.jacobian_figure(r), "jacobian", where=c[0])
    with c[1]:
        st.latex(text.softmax_chain_latex(r))
        st.caption(
            "The lecture writes the error signal of the log-likelihood, "
            "$\\delta^o = \\mathbb{1}_g - p$: the same vector with the opposite sign."
        )


# ----------------------------------------------------------------------------- cost
@st.cache_data(max_entries=32, show_spinner="Counting and timing both ways …")
def _cost(n: int, hidden: int, layers: int, kind: str, seed: int) -> CostResult:
    return cost_study(n, hidden, layers, kind, seed)


def cost_view(page: BPPage) -> None:
    st.markdown(
        "For $f: \\mathbb{R}^n \\to \\mathbb{R}$ (a loss of n parameters), **one backward pass** "
        "gives all n partial derivatives for a small multiple of one forward pass. Finite "
        "differences need one forward pass per input (two for central differences). Size a "
        "network and count both:"
    )
    st.latex(
        r"\text{reverse mode: } \mathrm{cost}(\nabla f) \approx c \cdot \mathrm{cost}(f),\ "
        r"c \approx 2\text{–}3 \qquad \text{finite differences: } "
        r"\mathrm{cost}(\nabla f) = 2n \cdot \mathrm{cost}(f)"
    )
    page.row("n_in", "cost_hidden", "cost_layers", "fd_kind", widths=[2, 2, 1, 2])
    cfg = page.cfg
    r = _cost(cfg.n_in, cfg.cost_hidden, cfg.cost_layers, cfg.fd_kind, cfg.seed)
    c = st.columns(3)
    counted = "One forward and one backward pass, counted by torch's FlopCounterMode"
    c[0].metric("Operations, reverse mode", f"{r.reverse_flops:,}", help=counted)
    c[1].metric(
        "Operations, finite differences",
        f"{r.fd_flops:,}",
        f"{r.fd_flops / r.reverse_flops:,.0f}× more",
        delta_color="off",
    )
    c[2].metric(
        "Time on this server",
        f"{r.reverse_s * 1e3:.3g} ms vs {r.fd_s * 1e3:.3g} ms",
        f"{r.ratio:,.0f}× faster" if r.ratio >= 1 else f"{1 / r.ratio:,.1f}× slower",
        delta_color="off",
    )
    st.caption(text.cost_caption(r))
    page.chart(figures.cost_figure(r), "cost")
    page.chart(figures.time_figure(r), "time")
    table = pd.DataFrame(
        {
            "n": r.sweep_n,
            "reverse mode (operations)": r.sweep_reverse,
            "finite differences (operations)": r.sweep_fd,
        }
    )
    page.downloads("backprop_cost", {"csv": (table.to_csv(index=False), "text/csv")})


VIEWS: dict[str, View[BackpropConfig]] = {
    "graph": View("Expression graph", graph_view),
    "network": View("The lecture's network", network_view),
    "depth": View("Why depth hurts", depth_view),
    "softmax": View("Softmax and cross-entropy", softmax_view),
    "cost": View("Cost of reverse mode", cost_view),
}
