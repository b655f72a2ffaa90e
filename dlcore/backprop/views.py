"""What the backpropagation page shows as text: the chain rule of one backward step, the local
derivatives and the evaluation trace, in LaTeX with the live numbers (no Streamlit here; the
views of pages/backprop.py put them on the page).
"""

from __future__ import annotations

import math

from dlcore.backprop.cost import CostResult
from dlcore.backprop.depth import DepthResult
from dlcore.backprop.graph import OPS, Graph, Visit, fmt
from dlcore.backprop.network import NetState
from dlcore.backprop.softmax import SoftmaxResult
from dlcore.backprop.walk import Problem


def tex_num(x: float, digits: int = 4) -> str:
    """A number in LaTeX: 4 significant digits, powers of ten written out."""
    if not math.isfinite(x):
        return r"\text{NaN}" if math.isnan(x) else (r"\infty" if x > 0 else r"-\infty")
    if x == 0:
        return "0"
    s = f"{x:.{digits}g}"
    if "e" in s:
        mant, exp = s.split("e")
        return rf"{mant} \times 10^{{{int(exp)}}}"
    return s


SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def sci(x: float, digits: int = 3) -> str:
    """A number in plain text for a caption: 2.78 × 10⁻⁷ (no ASCII exponents)."""
    if x == 0 or not math.isfinite(x) or 1e-3 <= abs(x) < 1e5:
        return fmt(x, digits)
    mant, exp = f"{x:.{digits - 1}e}".split("e")
    return f"{mant.replace('-', '−')} × 10{str(int(exp)).translate(SUPERSCRIPT)}"


def paren(x: float) -> str:
    s = tex_num(x)
    return f"({s})" if x < 0 else s


def grad_symbol(graph: Graph, i: int) -> str:
    """df/dv_i in LaTeX (df/df for the output)."""
    return rf"\frac{{\partial f}}{{\partial {graph.latex_name(i)}}}"


def local_symbol(graph: Graph, j: int, i: int) -> str:
    return rf"\frac{{\partial {graph.latex_name(j)}}}{{\partial {graph.latex_name(i)}}}"


def local_formula(graph: Graph, j: int, i: int) -> str:
    """dv_j/dv_i as a formula over v_j's arguments (slots summed where v_i appears twice)."""
    node = graph.nodes[j]
    op = OPS[node.op]
    names = [graph.latex_name(a) for a in node.args]
    parts = [
        op.local_latex[k].format(*names, v=graph.latex_name(j))
        for k, a in enumerate(node.args)
        if a == i
    ]
    return " + ".join(parts)


def _term_latex(upstream: str, local: str, brace: bool) -> str:
    if brace:
        up = rf"\underbrace{{{upstream}}}_{{\text{{upstream}}}}"
        return rf"{up}\,\underbrace{{{local}}}_{{\text{{local}}}}"
    return rf"{upstream}\,{local}"


def visit_latex(problem: Problem, visit: Visit) -> list[str]:
    """The step in LaTeX: the chain-rule sum with its numbers, then each local derivative."""
    graph = problem.graph
    i = visit.node
    if not visit.terms:
        seed = r"\quad \text{(the seed: the output's gradient is 1)}"
        return [rf"{grad_symbol(graph, i)} = 1 {seed}"]
    brace = len(visit.terms) <= 3  # name the two factors while the line stays short
    symbols = " + ".join(
        _term_latex(grad_symbol(graph, t.consumer), local_symbol(graph, t.consumer, i), brace)
        for t in visit.terms
    )
    numbers = " + ".join(rf"{paren(t.upstream)} \cdot {paren(t.local)}" for t in visit.terms)
    lines = [rf"{grad_symbol(graph, i)} = {symbols} = {numbers} = {tex_num(visit.grad)}"]
    for t in visit.terms:
        formula = local_formula(graph, t.consumer, i)
        value = tex_num(t.local)
        rhs = value if formula == value else f"{formula} = {value}"  # not "1 = 1"
        lines.append(
            rf"{local_symbol(graph, t.consumer, i)} = {rhs}"
            rf" \quad \text{{where }} {graph.definition_latex(t.consumer)}"
        )
    return lines


def visit_text(problem: Problem, visit: Visit) -> str:
    """The step in one line of plain text (the live frame's caption: Unicode, no LaTeX)."""
    graph = problem.graph
    name = graph.short(visit.node)
    if not visit.terms:
        return f"∂f/∂{name} = 1: the seed of the backward pass."
    terms = " + ".join(f"{fmt(t.upstream)} × {fmt(t.local)}" for t in visit.terms)
    names = [graph.short(t.consumer) for t in visit.terms]
    rule = " + ".join(f"∂f/∂{j} · ∂{j}/∂{name}" for j in names)
    return f"∂f/∂{name} = {rule} = {terms} = {fmt(visit.grad)}"


def trace_rows(problem: Problem, grads: list[float] | None = None) -> list[dict]:
    """One row per node: its name, definition, forward value and (when known) gradient."""
    graph = problem.graph
    rows = []
    for node in graph.nodes:
        kind = {"input": "input", "const": "constant"}.get(node.op, "operation")
        row = {
            "node": graph.short(node.id),
            "kind": kind,
            "definition": graph.text(node.id) if node.args else graph.short(node.id),
            "value": float(problem.values[node.id]),
        }
        if grads is not None:
            row["df/dnode"] = grads[node.id]
        rows.append(row)
    return rows


# ------------------------------------------------------------------------ the lecture's network
def output_delta_latex(s: NetState, k: int) -> str:
    """delta_k = f'(net_k)(o_k - t_k) with its numbers (output unit k, 0-based)."""
    o, t = s.o_o[k], s.t[k]
    n = k + 1
    return (
        rf"\delta_{{{n}}}^{{o}} = f'(\mathrm{{net}}_{{{n}}})\,(o_{{{n}}} - t_{{{n}}})"
        rf" = o_{{{n}}}(1 - o_{{{n}}})(o_{{{n}}} - t_{{{n}}})"
        rf" = {tex_num(o)}\,(1 - {tex_num(o)})\,({tex_num(o)} - {tex_num(t)})"
        rf" = {tex_num(s.delta_o[k])}"
    )


def hidden_delta_latex(s: NetState, j: int) -> str:
    """delta_j = f'(net_j) sum_k delta_k w_kj with its numbers (hidden unit j, 0-based)."""
    o = s.o_h[j]
    n = j + 1
    terms = " + ".join(
        rf"{paren(s.delta_o[k])} \cdot {paren(s.W2[k, j])}" for k in range(len(s.delta_o))
    )
    return (
        rf"\delta_{{{n}}}^{{h}} = f'(\mathrm{{net}}_{{{n}}}) \sum_k \delta_k^{{o}} w_{{k{n}}}"
        rf" = {tex_num(o)}\,(1 - {tex_num(o)})\,\big({terms}\big) = {tex_num(s.delta_h[j])}"
    )


def update_latex(s: NetState, layer: str, target: int, source: int) -> str:
    """Delta w_ij = -eta delta_j o_i for one link (0-based units; the last source is the bias)."""
    if layer == "output":
        delta, o, dw = s.delta_o[target], s.o_h, s.dw2
        src = rf"o^{{h}}_{{{source + 1}}}" if source < len(o) else "1"
        d_sym = rf"\delta^{{o}}_{{{target + 1}}}"
    else:
        delta, o, dw = s.delta_h[target], s.x, s.dw1
        src = rf"x_{{{source + 1}}}" if source < len(o) else "1"
        d_sym = rf"\delta^{{h}}_{{{target + 1}}}"
    value = o[source] if source < len(o) else 1.0
    change = (
        dw[target, source] if source < len(o) else (s.db2 if layer == "output" else s.db1)[target]
    )
    return (
        rf"\Delta w = -\eta\,{d_sym}\,{src} = -{tex_num(s.eta)} \cdot {paren(delta)} \cdot "
        rf"{paren(value)} = {tex_num(change)}"
    )


def error_latex(s: NetState) -> str:
    """E = 1/2 sum_k (t_k - o_k)^2 with its numbers, and after the update."""
    terms = " + ".join(rf"({tex_num(t)} - {tex_num(o)})^2" for t, o in zip(s.t, s.o_o))
    return (
        rf"E = \tfrac12 \sum_k (t_k - o_k)^2 = \tfrac12\big({terms}\big) = {tex_num(s.loss, 6)}"
        rf" \;\longrightarrow\; {tex_num(s.loss_after, 6)} \text{{ after the update}}"
    )


def weight_rows(s: NetState) -> list[dict]:
    """One row per link: where it goes, w, the delta and output it uses, Delta w, w + Delta w."""
    rows = []
    layers = (
        ("input", "hidden", s.x, s.W1, s.b1, s.delta_h, s.dw1, s.db1),
        ("hidden", "output", s.o_h, s.W2, s.b2, s.delta_o, s.dw2, s.db2),
    )
    for src, dst, o, W, b, delta, dw, db in layers:
        for j in range(W.shape[0]):
            for i in range(W.shape[1] + 1):
                bias = i == W.shape[1]
                w, d = (b[j], db[j]) if bias else (W[j, i], dw[j, i])
                rows.append(
                    {
                        "from": "bias (+1)" if bias else f"{src} {i + 1}",
                        "to": f"{dst} {j + 1}",
                        "w": float(w),
                        "oᵢ": 1.0 if bias else float(o[i]),
                        "δⱼ": float(delta[j]),
                        "Δw = −η δⱼ oᵢ": float(d),
                        "w + Δw": float(w + d),
                    }
                )
    return rows


def _vec(v) -> str:
    return r"\begin{pmatrix}" + r" \\ ".join(tex_num(x, 3) for x in v) + r"\end{pmatrix}"


def _mat(m) -> str:
    rows = [" & ".join(tex_num(x, 3) for x in row) for row in m]
    return r"\begin{pmatrix}" + r" \\ ".join(rows) + r"\end{pmatrix}"


def matrix_latex(s: NetState) -> list[str]:
    """delta^h = g'(z) o U^T delta^o and dJ/dW = delta^h x^T (the lecture's matrix form, with
    the lecture's sign: its deltas are minus ours), one line each."""
    g_prime = s.o_h * (1 - s.o_h)
    return [
        rf"\delta^{{h}} = g'(z) \circ U^{{\top}} \delta^{{o}} = {_vec(g_prime)} \circ "
        rf"{_mat(s.W2.T)} {_vec(-s.delta_o)} = {_vec(-s.delta_h)}",
        rf"\frac{{\partial J}}{{\partial W}} = \delta^{{h}} x^{{\top}} = {_vec(-s.delta_h)}"
        rf"{_vec(s.x)}^{{\top}} = {_mat(s.dw1 / s.eta)}",
    ]


# ----------------------------------------------------------------------------- depth
def depth_caption(r: DepthResult, n: int) -> str:
    """What the curve says at depth ``n``, in numbers."""
    k = n - 1
    power = str(n).translate(SUPERSCRIPT)
    bound = f" against (¼){power} = {sci(r.bound[k])}" if r.act == "sigmoid" else ""
    weights = (
        f"every weight is {fmt(r.weights[0], 3)}"
        if r.width == 1
        else f"the weights' spectral norms are about {fmt(float(r.weights.mean()), 3)}"
    )
    return (
        f"Real gradients from torch.autograd, one chain per depth (the first n layers of one "
        f"seeded chain). At depth {n}: the error signal reaching layer 1 is "
        f"{sci(r.grad_first[k])}, the product of the local slopes {sci(r.local_product[k])}"
        f"{bound}; {weights}. With one unit per layer and weights of 1 the two curves coincide."
    )


# ----------------------------------------------------------------------------- softmax
def softmax_latex(r: SoftmaxResult) -> list[str]:
    """The loss and the gradient with the student's numbers."""
    g = r.g
    p = ", ".join(tex_num(v, 3) for v in r.p)
    grad = ", ".join(tex_num(v, 3) for v in r.grad_formula)
    return [
        rf"p = \mathrm{{softmax}}(y) = ({p}), \qquad J = -\log p_{{{g}}} = -\log {tex_num(r.p[g])}"
        rf" = {tex_num(r.loss)}",
        rf"\frac{{\partial J}}{{\partial y}} = p - \mathbb{{1}}_{{{g}}} = ({grad}), \qquad "
        rf"\max_i \left| \text{{autograd}} - (p - y) \right| = {tex_num(r.max_error, 2)}",
    ]


def softmax_chain_latex(r: SoftmaxResult) -> str:
    chain = ", ".join(tex_num(v, 3) for v in r.grad_chain)
    dp = ", ".join(tex_num(v, 3) for v in r.dloss_dp)
    return (
        rf"\frac{{\partial J}}{{\partial y}} = J_{{\mathrm{{softmax}}}}^{{\top}}\, "
        rf"\frac{{\partial J}}{{\partial p}} = J_{{\mathrm{{softmax}}}}^{{\top}} ({dp}) = ({chain})"
    )


def softmax_rows(r: SoftmaxResult) -> list[dict]:
    return [
        {
            "class i": i,
            "logit yᵢ": float(r.logits[i]),
            "pᵢ": float(r.p[i]),
            "target": float(r.onehot[i]),
            "∂J/∂yᵢ (autograd)": float(r.grad_autograd[i]),
            "pᵢ − yᵢ (formula)": float(r.grad_formula[i]),
            "|difference|": float(abs(r.grad_autograd[i] - r.grad_formula[i])),
        }
        for i in range(len(r.p))
    ]


# ----------------------------------------------------------------------------- cost
def cost_caption(r: CostResult) -> str:
    passes = "2n" if r.kind == "central" else "n + 1"
    return (
        f"n = {r.n}: one forward pass is {r.forward_flops:,} operations (the multiply-adds of "
        f"the matrix products, counted by torch.utils.flop_counter). Reverse mode: "
        f"{r.reverse_flops / r.forward_flops:.1f}× that, whatever n. Finite differences: "
        f"{passes} = {r.fd_flops // r.forward_flops:,} passes. Both gradients agree to "
        f"{sci(r.max_diff)} (finite differences' own error). Times are medians on this server, "
        f"which other students share: expect noise."
    )
