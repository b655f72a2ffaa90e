"""View glue for pages/attention.py (no Streamlit): checkpoint metadata, the "by hand" equations
of one cell (LaTeX in the lecture's notation, with the cell's numbers), which cell, head or token a
click on a chart selected, the pointer summary, which MiniLM matrix a choice of layer / head /
aggregate shows, the neuron view's equations, and which lines the head view draws."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from dlcore.attention import lengths, minilm, seq2seq
from dlcore.attention.config import MODEL_LABELS
from dlcore.attention.pointer import PointerResult
from dlcore.attention.scores import SCORE_LABELS


@lru_cache(maxsize=8)
def date_meta(score: str) -> dict | None:
    """Loss curve, step count and held-out accuracy of a shipped date model (None if missing)."""
    if not seq2seq.checkpoint_path(score).exists():
        return None
    ck = seq2seq.load_checkpoint(score)
    keep = ("loss_steps", "loss", "length_edges", "accuracy_by_length")
    return {k: np.asarray(ck[k]) for k in keep} | {k: ck[k] for k in ("steps", "test_exact_match")}


@lru_cache(maxsize=1)
def length_report() -> dict | None:
    """The shipped accuracy-by-length report (dlcore.attention.lengths), None if not made yet."""
    return lengths.load()


def length_caption(rep: dict) -> str:
    """The honest reading of the accuracy-by-length chart (numbers from the shipped report)."""
    return (
        lengths.summary(rep, MODEL_LABELS)
        + " None of the models saw blanks like these in training. The fixed context is the"
        " encoder's final state, so it has to carry the date through every later character;"
        " attention reads the digits wherever they are. Made by"
        " `python -m dlcore.pretrain attention lengths`."
    )


def baseline_loss() -> tuple[np.ndarray, np.ndarray] | None:
    """The fixed-context baseline's training loss curve (steps, loss), if shipped."""
    m = date_meta("none")
    return None if m is None else (m["loss_steps"], m["loss"])


# The lecture's notation: decoder state h_t (Bahdanau's query is the previous one, h_{t-1}),
# encoder states bar h_s, alignment a_t(s), context c_t.
H_PREV, H_T, H_S = r"\mathbf{h}_{t-1}", r"\mathbf{h}_t", r"\bar{\mathbf{h}}_s"
H_S1 = r"\bar{\mathbf{h}}_{s'}"
SCORE_TEX = {
    "additive": (
        H_PREV,
        rf"\mathbf{{v}}^\top \tanh\big(\mathbf{{W}}{H_PREV} + \mathbf{{V}}{H_S}\big)",
    ),
    "dot": (H_T, rf"{H_T}^\top {H_S}"),
    "general": (H_T, rf"{H_T}^\top \mathbf{{W}}_a {H_S}"),
    "concat": (H_T, rf"\mathbf{{v}}_a^\top \tanh\big(\mathbf{{W}}_a [{H_T}; {H_S}]\big)"),
}
# the names of the intermediate terms of ``scores.<Score>.explain`` (the last one is the score)
STEP_TEX = {
    "additive": (
        rf"\mathbf{{W}}{H_PREV}",
        rf"\mathbf{{V}}{H_S} + \mathbf{{b}}",
        rf"\tanh(\mathbf{{W}}{H_PREV} + \mathbf{{V}}{H_S} + \mathbf{{b}})",
    ),
    "dot": (rf"{H_T} \odot {H_S}\ \text{{(elementwise)}}",),
    "general": (rf"\mathbf{{W}}_a {H_S}",),
    "concat": (rf"[{H_T}; {H_S}]", rf"\tanh(\mathbf{{W}}_a [{H_T}; {H_S}])"),
}


def scoring_latex(chosen: str) -> str:
    """The four scoring functions of the lecture, the model's own in colour."""
    lines = []
    for name, (query, formula) in SCORE_TEX.items():
        body = rf"\mathrm{{score}}({query}, {H_S}) = {formula}"
        if name == chosen:
            body = rf"\textcolor{{#d62728}}{{{body}}}\quad\leftarrow\ \text{{this model}}"
        lines.append(rf"\text{{{SCORE_LABELS[name]}:}}\quad & {body}")
    return r"\begin{aligned}" + r" \\ ".join(lines) + r"\end{aligned}"


def tex_vec(v: np.ndarray, n: int = 6) -> str:
    """A vector's first entries for LaTeX: [0.615, -0.611, …] (64 values)."""
    if np.ndim(v) == 0:
        return f"{float(v):.4f}"
    body = ", ".join(f"{x:.3f}" for x in np.ravel(v)[:n])
    more = r", \ldots" if np.size(v) > n else ""
    return rf"[{body}{more}]\ \text{{({np.size(v)} values)}}"


@dataclass(frozen=True)
class CellMath:
    """The by-hand panel of one cell: a heading, the vectors (markdown with inline TeX) and the
    equations (LaTeX) of its score, its alignment weight and the context vector."""

    heading: str
    vectors: str
    equations: list[str]


def cell_math(
    model: seq2seq.Seq2Seq, maps: seq2seq.AttentionMaps, t: int, s: int, tau: float
) -> CellMath:
    """The weight of cell (t, s) computed from the query and the key, step by step, with this
    cell's numbers, in the lecture's notation."""
    c = seq2seq.explain_cell(model, maps, t, s, tau)
    query, formula = SCORE_TEX[maps.score]
    out_ch, in_ch = maps.output[t], maps.source[s].replace(" ", "␣")
    heading = f"**Cell t = {t} (output `{out_ch}`), s = {s} (input `{in_ch}`)**"
    names = (
        (f"query ${query}$ (decoder state)", c.query),
        (f"key ${H_S}$ (encoder state)", c.key),
        *((f"${tex}$", value) for tex, (_, value) in zip(STEP_TEX[maps.score], c.steps)),
    )
    vectors = "\n".join(f"- {name} = ${tex_vec(value)}$" for name, value in names)
    top = c.row_max * tau  # the row's largest score (subtracted before exp: same weights)
    score = rf"\mathrm{{score}}({query}, {H_S}) = {formula} = {c.score:.4f}"
    weight = (
        rf"a_t(s) = \frac{{\exp\big(\mathrm{{score}}({query}, {H_S})/\tau\big)}}"
        rf"{{\sum_{{s'}} \exp\big(\mathrm{{score}}({query}, {H_S1})/\tau\big)}}"
        rf" = \frac{{e^{{({c.score:.4f} - {top:.4f})/{tau:g}}}}}"
        rf"{{\sum_{{s'}} e^{{(\mathrm{{score}}_{{s'}} - {top:.4f})/{tau:g}}}}}"
        rf" = \frac{{{c.exp_shifted:.4g}}}{{{c.normalizer:.4g}}} = {c.weight:.4f}"
    )
    context = rf"c_t = \sum_s a_t(s)\,{H_S} = {tex_vec(c.context)}"
    return CellMath(heading, vectors, [score, weight, context])


def temperature_caption(tau: float) -> str:
    """What the temperature τ does to the alignment, for the value chosen."""
    effect = (
        "the model's own softmax"
        if tau == 1
        else "sharper than the model's own: the largest score takes more weight"
        if tau < 1
        else "flatter than the model's own: the weights spread out"
    )
    return (
        rf"Every score is divided by the temperature $\tau = {tau:g}$ before the softmax"
        f" ({effect}); subtracting the row's largest score first changes no weight."
    )


POINTER_CAPTION = (
    "The output vocabulary is the input itself: each row is a softmax over the input "
    "positions; a circle marks the pick (green right, red wrong); picked inputs are masked."
)
MODEL_VIEW_CAPTION = (
    "Each small square is one head's attention map (rows: query tokens, columns: key tokens),"
    " all on one colour scale: white 0, darkest blue 1. Hover a head for where its attention"
    " goes; click it to show it in the map, the neuron view and the head view below."
)


POINTER_LATEX = (
    r"p(\text{pick } j \mid \text{step } i) = \mathrm{softmax}_j\big(\mathbf{v}^\top"
    r" \tanh(\mathbf{W}\mathbf{d}_i + \mathbf{V}\mathbf{e}_j)\big),\quad"
    r"\text{inputs } j \text{ already picked are masked out}"
)
"""The pointer network's output distribution (Vinyals et al. 2015): additive attention of the
decoder state d_i over the encoder states e_j is itself the prediction."""


def pointer_labels(res: PointerResult) -> tuple[list[str], list[str]]:
    """(row labels = the picked values in order, column labels = the inputs) for the export."""
    return [f"{res.values[p]:g}" for p in res.picks], [f"{v:g}" for v in res.values]


def minilm_caption(maps: minilm.MiniLMMaps) -> str:
    share = minilm.cls_share(maps.attentions, maps.special, maps.tokens)
    return (
        f"[CLS] receives {share:.0%} of all attention here. Attention weights are not an "
        "explanation: they show where a head reads from, not why the model decides "
        "(Jain & Wallace 2019); use saliency or ablation to explain predictions."
    )


def head_view_caption(layer: int) -> str:
    return (
        f"Layer {layer}: one colour per head, darker and thicker = more weight. Hover a token for "
        "its strongest lines; click it (or pick it under Focus token) to see only its lines."
    )


def pointer_summary(res: PointerResult) -> str:
    picked = ", ".join(
        f"{res.values[p]:g}" + ("" if ok else " ✗") for p, ok in zip(res.picks, res.correct)
    )
    return f"**Network's order:** {picked} — {int(res.correct.sum())}/{len(res.values)} picks right"


def minilm_matrix(
    maps: minilm.MiniLMMaps, layer: int, head: int, agg: str, hide: bool
) -> tuple[np.ndarray, np.ndarray, list[str], str]:
    """(all layers (L, H, T, T), shown matrix (T, T), tokens, title) for the chosen view."""
    att, tokens = maps.attentions, list(maps.tokens)
    if hide and (~maps.special).any():
        att = minilm.hide_special(att, maps.special)
        tokens = [t for t, sp in zip(tokens, maps.special) if not sp]
    if agg == "head":
        return att, att[layer, head], tokens, f"layer {layer}, head {head}"
    if agg == "rollout":
        return att, minilm.rollout(att), tokens, "rollout over layers 0-5"
    title = f"layer {layer}, {agg} over heads" + (", rows re-normalized" if agg == "max" else "")
    return att, minilm.aggregate_heads(att[layer], agg), tokens, title


AGG_LATEX = {
    "head": r"A^{(l,h)} = \mathrm{softmax}\Big(\frac{Q K^\top}{\sqrt{d}}\Big)",
    "mean": r"\bar{A}^{(l)} = \frac{1}{12} \sum_{h=0}^{11} A^{(l,h)}",
    "max": r"M^{(l)}_{ij} = \frac{\max_h A^{(l,h)}_{ij}}{\sum_{j'} \max_h A^{(l,h)}_{ij'}}",
    "rollout": r"\begin{gathered} R = \tilde{A}^{(5)} \tilde{A}^{(4)} \cdots \tilde{A}^{(0)} \\"
    r" \tilde{A}^{(l)} = \tfrac12 \bar{A}^{(l)} + \tfrac12 I\ \ \text{(rows re-normalized)}"
    r" \end{gathered}",
}
"""What MiniLM's map shows for each choice of "Show"."""


def _point_ints(points, n: int) -> list[int] | None:
    """The first ``n`` ints of the first selected point's customdata (None if absent or odd)."""
    if not points:
        return None
    cd = points[0].get("customdata") if isinstance(points[0], dict) else None
    if isinstance(cd, dict):  # a typed array arrives as {"0": a, "1": b}
        cd = [cd[k] for k in sorted(cd, key=lambda k: int(k) if str(k).isdigit() else -1)]
    try:
        vals = [int(v) for v in list(cd)[:n]]
    except (TypeError, ValueError):
        return None
    return vals if len(vals) == n else None


def cell_from_points(points, shape: tuple[int, int]) -> tuple[int, int] | None:
    """(row t, column s) of a click on the alignment heatmap (``st.plotly_chart`` selection points,
    whose customdata is [t, s]); None when nothing valid is selected."""
    vals = _point_ints(points, 2)
    if vals is None or not (0 <= vals[0] < shape[0] and 0 <= vals[1] < shape[1]):
        return None
    return vals[0], vals[1]


def head_from_points(points, n_layers: int, n_heads: int) -> tuple[int, int] | None:
    """(layer, head) of a click on the model view (customdata [layer, head]); None if invalid."""
    vals = _point_ints(points, 2)
    if vals is None or not (0 <= vals[0] < n_layers and 0 <= vals[1] < n_heads):
        return None
    return vals[0], vals[1]


def shown_indices(maps: minilm.MiniLMMaps, hide: bool) -> list[int]:
    """The model's token indices of the tokens shown (all, or all but [CLS]/[SEP] if hidden)."""
    if hide and (~maps.special).any():
        return [int(i) for i in np.flatnonzero(~maps.special)]
    return list(range(len(maps.tokens)))


TEX_TEXT = {
    "\\": r"\textbackslash{}",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
    **{ch: "\\" + ch for ch in "#$%&_{}"},
}


def tex_text(s: str) -> str:
    """``s`` to go inside a LaTeX \\text{...}: its special characters escaped."""
    return "".join(TEX_TEXT.get(ch, ch) for ch in s)


NEURON_FORMULA = (
    r"a_{ij} = \frac{\exp\big(\mathbf{q}_i\cdot\mathbf{k}_j/\sqrt{d}\big)}"
    r"{\sum_{j'} \exp\big(\mathbf{q}_i\cdot\mathbf{k}_{j'}/\sqrt{d}\big)}"
)
QK_FORMULA = (
    r"\mathbf{q}_i = W_Q\,\mathbf{x}_i + \mathbf{b}_Q,\qquad"
    r"\mathbf{k}_j = W_K\,\mathbf{x}_j + \mathbf{b}_K"
)


def neuron_latex(n: minilm.Neuron, tokens: tuple[str, ...] | list[str]) -> list[str]:
    """The neuron view's equations: the softmax of scaled dot products and where q and k come
    from, then this head's numbers for the query token and the key it attends to most."""
    j = int(np.argmax(n.weights))
    qi, kj = tex_text(tokens[n.query]), tex_text(tokens[j])
    dot, top = float(n.products[j].sum()), float(n.scores.max())
    e = np.exp(n.scores - top)
    return [
        NEURON_FORMULA,
        QK_FORMULA,
        (
            rf"i = \text{{{qi}}},\ j = \text{{{kj}}}:\quad"
            rf"\mathbf{{q}}_i\cdot\mathbf{{k}}_j = \sum_{{m=1}}^{{{n.d}}} q_{{i,m}}\,k_{{j,m}}"
            rf" = {dot:.3f}"
        ),
        (
            rf"s_{{ij}} = \frac{{\mathbf{{q}}_i\cdot\mathbf{{k}}_j}}{{\sqrt{{{n.d}}}}}"
            rf" = {n.scores[j]:.3f}"
        ),
        (
            rf"a_{{ij}} = \frac{{e^{{{n.scores[j]:.3f} - {top:.3f}}}}}"
            rf"{{\sum_{{j'}} e^{{s_{{ij'}} - {top:.3f}}}}}"
            rf" = \frac{{{e[j]:.4f}}}{{{e.sum():.4f}}} = {n.weights[j]:.4f}"
        ),
    ]


def token_from_points(points, n_tokens: int) -> tuple[str, int] | None:
    """("from" | "to", token index) of a click on a head-view token label (customdata [side, i])."""
    vals = _point_ints(points, 2)
    if vals is None or vals[0] not in (0, 1) or not 0 <= vals[1] < n_tokens:
        return None
    return ("from", "to")[vals[0]], vals[1]


@dataclass(frozen=True)
class HeadLines:
    """What the head view draws: weights[i] (T, T) of head heads[i], zero where filtered out;
    ``focus``: the focused token as (side, position among the tokens shown)."""

    tokens: list[str]
    heads: tuple[int, ...]
    weights: np.ndarray  # (n_heads, T, T)
    notice: str | None = None
    focus: tuple[str, int] | None = None


def head_lines(
    maps: minilm.MiniLMMaps,
    layer: int,
    heads: tuple[int, ...],
    hide: bool,
    lines: str = "all",
    focus: tuple[str, int] | None = None,
) -> HeadLines:
    """The chosen heads of one layer, with special tokens hidden (rows re-normalized) if asked,
    only sentence A -> B (or B -> A) lines for a pair, and only a focused token's lines
    (``focus``: (side, the model's token index), so that it stays the same token whether or not
    [CLS]/[SEP] are hidden)."""
    att, tokens = maps.attentions[layer], list(maps.tokens)  # (H, T, T)
    segment, keep = np.asarray(maps.segment), np.ones(len(tokens), bool)
    if hide and (~maps.special).any():
        keep = ~maps.special
        att, tokens = minilm.hide_special(att, maps.special), [t for t, k in zip(tokens, keep) if k]
    segment, notice = segment[keep], None
    heads = tuple(h for h in dict.fromkeys(heads) if 0 <= h < att.shape[0])
    w = att[list(heads)].copy()  # (n, T, T)
    if lines != "all":
        if not (segment == 1).any():
            notice = "The A → B filter needs a sentence pair: type sentence B."
        else:
            src, dst = (0, 1) if lines == "ab" else (1, 0)
            w *= ((segment == src)[:, None] & (segment == dst)[None, :])[None]
    at = np.flatnonzero(np.flatnonzero(keep) == focus[1]) if focus is not None else []
    if len(at):
        only = np.zeros(len(tokens), bool)
        only[at[0]] = True
        w *= (only[:, None] if focus[0] == "from" else only[None, :])[None]
        return HeadLines(tokens, heads, w, notice, (focus[0], int(at[0])))
    if focus is not None and 0 <= focus[1] < len(maps.tokens):
        notice = f"The focus token {maps.tokens[focus[1]]} is hidden: all lines are shown."
    return HeadLines(tokens, heads, w, notice)
