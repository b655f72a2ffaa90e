"""View glue for pages/attention.py (no Streamlit): checkpoint metadata, the "by hand" text of one
cell, the pointer summary, and which MiniLM matrix a choice of layer / head / aggregate shows."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from dlcore.attention import minilm as M
from dlcore.attention import seq2seq as S2S
from dlcore.attention.config import MODEL_LABELS
from dlcore.attention.pointer import PointerResult


@lru_cache(maxsize=8)
def date_meta(score: str) -> dict | None:
    """Loss curve, step count and held-out accuracy of a shipped date model (None if missing)."""
    if not S2S.checkpoint_path(score).exists():
        return None
    ck = S2S.load_checkpoint(score)
    keep = ("loss_steps", "loss", "length_edges", "accuracy_by_length")
    return {k: np.asarray(ck[k]) for k in keep} | {k: ck[k] for k in ("steps", "test_exact_match")}


def length_curves() -> dict[str, np.ndarray]:
    """Accuracy-by-length of every shipped model, labelled with its overall exact match."""
    out = {}
    for k in S2S.MODELS:
        m = date_meta(k)
        if m is not None:
            out[f"{MODEL_LABELS[k]} ({m['test_exact_match']:.1%})"] = m["accuracy_by_length"]
    return out


def baseline_loss() -> tuple[np.ndarray, np.ndarray] | None:
    """The fixed-context baseline's training loss curve (steps, loss), if shipped."""
    m = date_meta("none")
    return None if m is None else (m["loss_steps"], m["loss"])


def vec(v: np.ndarray, n: int = 6) -> str:
    """A vector's first entries (or a scalar) for the by-hand panel."""
    if np.ndim(v) == 0:
        return f"{float(v):.4f}"
    body = ", ".join(f"{x:.3f}" for x in np.ravel(v)[:n])
    return f"[{body}{', …' if np.size(v) > n else ''}] ({np.size(v)} values)"


def cell_markdown(model: S2S.Seq2Seq, maps: S2S.AttentionMaps, t: int, s: int, tau: float) -> str:
    """Markdown that computes the weight of cell (t, s) from the query and key, step by step."""
    c = S2S.explain_cell(model, maps, t, s, tau)
    out_ch, in_ch = maps.output[t], maps.source[s].replace(" ", "␣")
    lines = [
        f"**Cell t = {t} (output `{out_ch}`), s = {s} (input `{in_ch}`)**, "
        f"score(h, h_s) = {model.score.formula}",
        f"- query h (decoder state) = {vec(c.query)}",
        f"- key h_s (encoder state) = {vec(c.key)}",
        *[f"- {name} = {vec(val)}" for name, val in c.steps],
        f"- exp((score − max_s' score)/τ) = exp(({c.score:.4f} − {c.row_max * tau:.4f}) / {tau:g})"
        f" = {c.exp_shifted:.4g}",
        f"- normalizer Σ_s' exp((score_s' − max)/τ) = {c.normalizer:.4g}",
        f"- weight a_t(s) = {c.exp_shifted:.4g} / {c.normalizer:.4g} = **{c.weight:.4f}**",
        f"- context c_t = Σ_s a_t(s) h_s = {vec(c.context)}",
    ]
    return "\n".join(lines)


def pointer_summary(res: PointerResult) -> str:
    picked = ", ".join(
        f"{res.values[p]:g}" + ("" if ok else " ✗") for p, ok in zip(res.picks, res.correct)
    )
    return f"**Network's order:** {picked} — {int(res.correct.sum())}/{len(res.values)} picks right"


def minilm_matrix(
    maps: M.MiniLMMaps, layer: int, head: int, agg: str, hide: bool
) -> tuple[np.ndarray, np.ndarray, list[str], str]:
    """(all layers (L, H, T, T), shown matrix (T, T), tokens, title) for the chosen view."""
    att, tokens = maps.attentions, list(maps.tokens)
    if hide and (~maps.special).any():
        att = M.hide_special(att, maps.special)
        tokens = [t for t, sp in zip(tokens, maps.special) if not sp]
    if agg == "head":
        return att, att[layer, head], tokens, f"layer {layer}, head {head}"
    if agg == "rollout":
        return att, M.rollout(att), tokens, "rollout over layers 0-5"
    return att, M.aggregate_heads(att[layer], agg), tokens, f"layer {layer}, {agg} over heads"
