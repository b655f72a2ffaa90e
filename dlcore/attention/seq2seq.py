"""Character-level encoder-decoder with attention for the date task (lecture: Bahdanau et al. 2015,
Luong et al. 2015), and the fixed-context encoder-decoder baseline (Cho et al. 2014).

Encoder: embedding + bidirectional GRU, keys h_s = [h_fwd; h_bwd] (B, S, 2H).
Decoder flows, chosen by the scoring function:
  "bahdanau" (additive): query s_{t-1}; c_t = sum_s a_t(s) h_s; s_t = GRU([y_{t-1}; c_t], s_{t-1});
                         logits = W_o [s_t; c_t]
  "luong" (dot, general, concat): s_t = GRU(y_{t-1}, s_{t-1}); query s_t;
                         h~_t = tanh(W_c [c_t; s_t]); logits = W_s h~_t  (global attention,
                         no input feeding: under teacher forcing all steps run in one call)
  "none" (baseline):     s_t = GRU([y_{t-1}; c], s_{t-1}), c = final encoder state, no attention.
Used by dlcore.attention.pretrain, dlcore.attention.trainer and pages/attention.py.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence

from dlcore.attention import dates
from dlcore.attention.scores import SCORES, attention_weights
from dlcore.device import get_device, to_numpy

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "attention"
MODELS = ["additive", "dot", "general", "concat", "none"]  # "none" = fixed-context baseline


@dataclass(frozen=True)
class ModelSpec:
    score: str = "additive"
    emb: int = 16
    hidden: int = 32  # per encoder direction; decoder state and keys have 2 * hidden
    attn: int = 32

    @property
    def flow(self) -> str:
        return {"none": "none", "additive": "bahdanau"}.get(self.score, "luong")


@dataclass(frozen=True)
class Trace:
    """Decoder internals for one batch (tensors); ``AttentionMaps`` is its numpy view."""

    logits: torch.Tensor  # (B, T, V)
    scores: torch.Tensor  # (B, T, S)
    weights: torch.Tensor  # (B, T, S)
    queries: torch.Tensor  # (B, T, D)
    contexts: torch.Tensor  # (B, T, K)
    keys: torch.Tensor  # (B, S, K)

    FIELDS = ("logits", "scores", "weights", "queries", "contexts", "keys")


@dataclass(frozen=True)
class AttentionMaps:
    """What the page draws for one translated date."""

    source: tuple[str, ...]  # input characters (columns)
    output: tuple[str, ...]  # output characters (rows)
    scores: np.ndarray  # (T, S) raw scores
    weights: np.ndarray  # (T, S) softmax at tau = 1
    queries: np.ndarray  # (T, D)
    keys: np.ndarray  # (S, K)
    contexts: np.ndarray  # (T, K)
    score: str

    @property
    def text(self) -> str:
        return "".join(self.output)


class Seq2Seq(nn.Module):
    def __init__(self, spec: ModelSpec) -> None:
        super().__init__()
        self.spec = spec
        H, K = spec.hidden, 2 * spec.hidden
        self.src_embed = nn.Embedding(len(dates.SRC_VOCAB), spec.emb, padding_idx=dates.PAD)
        self.encoder = nn.GRU(spec.emb, H, batch_first=True, bidirectional=True)
        self.init = nn.Linear(K, K)
        self.tgt_embed = nn.Embedding(len(dates.TGT_VOCAB), spec.emb)
        if spec.flow == "bahdanau":
            self.cell = nn.GRUCell(spec.emb + K, K)
        else:
            self.rnn = nn.GRU(spec.emb + (K if spec.flow == "none" else 0), K, batch_first=True)
        if spec.flow != "none":
            self.score = SCORES[spec.score](K, K, spec.attn)
        if spec.flow == "luong":
            self.W_c = nn.Linear(2 * K, K)
        self.out = nn.Linear(K if spec.flow == "luong" else 2 * K, len(dates.TGT_VOCAB))

    def encode(self, src: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        e = self.src_embed(src)  # (B, S, E)
        if lengths.device.type != "cpu":  # packing reads the lengths on the host
            lengths = lengths.cpu()
        packed = pack_padded_sequence(e, lengths, batch_first=True, enforce_sorted=False)
        out, h = self.encoder(packed)
        # padded in length order, then put back in batch order here: pad_packed_sequence would
        # also reorder the lengths, reading the order from the device (a wait on a GPU)
        by_length = PackedSequence(out.data, out.batch_sizes)
        keys, _ = pad_packed_sequence(by_length, batch_first=True, total_length=src.shape[1])
        keys = keys.index_select(0, out.unsorted_indices)  # (B, S, K)
        return keys, torch.cat([h[0], h[1]], -1)  # (B, K) final forward + backward states

    def forward(
        self, src: torch.Tensor, lengths: torch.Tensor, tgt: torch.Tensor | None = None
    ) -> Trace:
        """Teacher forcing when ``tgt`` (B, T) is given, greedy decoding otherwise."""
        keys, h_final = self.encode(src, lengths)
        B, S, _ = keys.shape
        mask = (
            torch.arange(S, device=src.device)[None, :] < lengths.to(src.device)[:, None]
        )  # (B, S)
        s = torch.tanh(self.init(h_final))  # (B, K)
        if self.spec.flow != "bahdanau":
            return self._parallel(keys, mask, h_final, s, tgt)
        y = torch.full((B,), dates.SOS, dtype=torch.long, device=src.device)
        rec: dict[str, list[torch.Tensor]] = {
            k: [] for k in ("logits", "scores", "weights", "q", "c")
        }
        for t in range(dates.OUT_LEN):
            ey = self.tgt_embed(y)  # (B, E)
            logits, s, sc, a, q, c = self._step(ey, s, keys, mask)
            for name, v in zip(rec, (logits, sc, a, q, c)):
                rec[name].append(v)
            y = tgt[:, t] if tgt is not None else logits[:, : dates.SOS].argmax(-1)
        st = {k: torch.stack(v, 1) for k, v in rec.items()}
        return Trace(st["logits"], st["scores"], st["weights"], st["q"], st["c"], keys)

    def _step(self, ey, s, keys, mask):
        """One Bahdanau step: the query is the previous state s_{t-1}."""
        q = s
        sc = self.score(q, keys)  # (B, S)
        a = attention_weights(sc, mask)
        c = torch.einsum("bs,bsk->bk", a, keys)  # (B, K)
        s = self.cell(torch.cat([ey, c], -1), s)
        return self.out(torch.cat([s, c], -1)), s, sc, a, q, c

    def _parallel(self, keys, mask, h_final, s0, tgt) -> Trace:
        """Luong and baseline flows: the recurrence does not see the context, so teacher forcing
        runs every step in one GRU call; greedy decoding feeds one step at a time."""
        B = keys.shape[0]
        sos = torch.full((B, 1), dates.SOS, dtype=torch.long, device=keys.device)
        if tgt is not None:
            y_prev = torch.cat([sos, tgt[:, :-1]], 1)  # (B, T)
            states, _ = self.rnn(self._rnn_input(self.tgt_embed(y_prev), h_final), s0[None])
            return self._readout(states, keys, mask, h_final)
        h, y, parts = s0[None], sos, []
        for _ in range(dates.OUT_LEN):
            state, h = self.rnn(self._rnn_input(self.tgt_embed(y), h_final), h)  # (B, 1, K)
            parts.append(self._readout(state, keys, mask, h_final))
            y = parts[-1].logits[:, :, : dates.SOS].argmax(-1)  # (B, 1)
        return Trace(
            *(torch.cat([getattr(p, f) for p in parts], 1) for f in Trace.FIELDS[:5]), keys
        )

    def _rnn_input(self, ey: torch.Tensor, h_final: torch.Tensor) -> torch.Tensor:
        if self.spec.flow == "none":
            return torch.cat([ey, h_final[:, None].expand(-1, ey.shape[1], -1)], -1)
        return ey  # (B, T, E)

    def _readout(self, states, keys, mask, h_final) -> Trace:
        """Scores, weights, contexts and logits for decoder states (B, T, K)."""
        B, T, _ = states.shape
        if self.spec.flow == "none":
            c = h_final[:, None].expand(-1, T, -1)  # fixed context (B, T, K)
            zeros = keys.new_zeros(B, T, keys.shape[1])
            return Trace(self.out(torch.cat([states, c], -1)), zeros, zeros, states, c, keys)
        sc = self.score(states, keys)  # (B, T, S), query is the current state s_t
        a = attention_weights(sc, mask[:, None, :])
        c = a @ keys  # (B, T, K)
        h_tilde = torch.tanh(self.W_c(torch.cat([c, states], -1)))
        return Trace(self.out(h_tilde), sc, a, states, c, keys)


def batch_tensors(pairs: list[tuple[str, str]], device: torch.device):
    """(src ids, lengths, tgt ids) for (source, target) pairs: the ids on ``device``, the lengths
    on the host, where packing the sequences reads them."""
    srcs = [dates.normalize_source(s)[0] for s, _ in pairs]
    ids, lengths = dates.encode_sources(srcs)
    tgt = dates.encode_targets([t for _, t in pairs])
    return (
        torch.as_tensor(ids, device=device),
        torch.as_tensor(lengths),
        torch.as_tensor(tgt, device=device),
    )


def loss_of(model: Seq2Seq, src, lengths, tgt) -> torch.Tensor:
    trace = model(src, lengths, tgt)
    return nn.functional.cross_entropy(
        trace.logits.reshape(-1, trace.logits.shape[-1]), tgt.reshape(-1)
    )


@torch.no_grad()
def translate(model: Seq2Seq, texts: list[str], batch: int = 500) -> list[str]:
    """Greedy outputs for many (raw) inputs."""
    device = next(model.parameters()).device
    out = []
    for i in range(0, len(texts), batch):
        chunk = [dates.normalize_source(t)[0] or " " for t in texts[i : i + batch]]
        ids, lengths = dates.encode_sources(chunk)
        trace = model(torch.as_tensor(ids, device=device), torch.as_tensor(lengths))
        out += dates.decode_targets(to_numpy(trace.logits[..., : dates.SOS].argmax(-1)))
    return out


def exact_match(model: Seq2Seq, pairs: list[tuple[str, str]]) -> np.ndarray:
    """1.0 where the whole output equals the target, per pair."""
    preds = translate(model, [s for s, _ in pairs])
    return np.array([p == t for p, (_, t) in zip(preds, pairs)], dtype=np.float64)


def test_pairs(n: int = 2000, seed: int = 12345) -> list[tuple[str, str]]:
    """The held-out evaluation set: dates from the test split (never in training)."""
    return dates.sample_dates(n, np.random.default_rng(seed), split="test")


def accuracy_by_length(
    model: Seq2Seq, pairs: list[tuple[str, str]], edges: list[int]
) -> np.ndarray:
    """Exact match per source-length bin [edges[i], edges[i+1]); NaN for empty bins."""
    hits = exact_match(model, pairs)
    lens = np.array([len(dates.normalize_source(s)[0]) for s, _ in pairs])
    acc = []
    for lo, hi in itertools.pairwise(edges):
        sel = (lens >= lo) & (lens < hi)
        acc.append(hits[sel].mean() if sel.any() else np.nan)
    return np.array(acc)


@torch.no_grad()
def attend(model: Seq2Seq, text: str) -> AttentionMaps:
    """Translate one date and return its alignment (rows: output chars, columns: input chars)."""
    clean = dates.normalize_source(text)[0] or " "
    device = next(model.parameters()).device
    ids, lengths = dates.encode_sources([clean])
    tr = model(torch.as_tensor(ids, device=device), torch.as_tensor(lengths))
    out = dates.decode_targets(to_numpy(tr.logits[..., : dates.SOS].argmax(-1)))[0]
    return AttentionMaps(
        source=tuple(clean),
        output=tuple(out),
        scores=to_numpy(tr.scores[0]),
        weights=to_numpy(tr.weights[0]),
        queries=to_numpy(tr.queries[0]),
        keys=to_numpy(tr.keys[0]),
        contexts=to_numpy(tr.contexts[0]),
        score=model.spec.score,
    )


@dataclass(frozen=True)
class CellBreakdown:
    """Attention weight a_t(s) computed by hand for one cell (row t, column s)."""

    query: np.ndarray  # (D,)
    key: np.ndarray  # (K,)
    steps: tuple[tuple[str, np.ndarray], ...]  # intermediate terms of the score
    score: float
    row_max: float
    exp_shifted: float  # exp((score - max) / tau)
    normalizer: float  # sum over s' of exp((score_s' - max) / tau)
    weight: float
    context: np.ndarray  # (K,) sum_s a_t(s) h_s at this temperature


def explain_cell(
    model: Seq2Seq, maps: AttentionMaps, t: int, s: int, temperature: float = 1.0
) -> CellBreakdown:
    q, k = maps.queries[t], maps.keys[s]
    steps = tuple(model.score.explain(q.astype(np.float64), k.astype(np.float64)))
    score = float(steps[-1][1])
    z = maps.scores[t].astype(np.float64) / temperature
    e = np.exp(z - z.max())
    w = e / e.sum()
    return CellBreakdown(
        q,
        k,
        steps,
        score,
        float(z.max()),
        float(e[s]),
        float(e.sum()),
        float(w[s]),
        w @ maps.keys.astype(np.float64),
    )


def checkpoint_path(score: str) -> Path:
    return ASSETS / f"dates_{score}.pt"


def load_checkpoint(score: str, path: Path | None = None) -> dict:
    return torch.load(path or checkpoint_path(score), map_location="cpu", weights_only=True)


def model_from_state(spec: ModelSpec, state: dict, device: torch.device | None = None) -> Seq2Seq:
    model = Seq2Seq(spec)
    model.load_state_dict({k: v.float() for k, v in state.items()})
    return model.to(device or get_device()).eval()


def load_model(score: str, snapshot: int | None = None) -> Seq2Seq:
    """Shipped model for ``score`` (final weights, or the training snapshot at ``snapshot``)."""
    ck = load_checkpoint(score)
    spec = ModelSpec(**ck["spec"])
    state = ck["state"] if snapshot is None else ck["snapshots"][str(snapshot)]
    return model_from_state(spec, state)
