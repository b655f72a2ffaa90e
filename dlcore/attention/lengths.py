"""Accuracy against input length: attention versus the fixed-context baseline (why attention helps;
Cho et al. 2014 saw the fixed-context encoder-decoder degrade with sentence length, Bahdanau et al.
2015 fixed it with attention).

Held-out dates (days never seen in training) are scored three ways, each as exact match (all ten
output characters right) and per-character accuracy:
  by_length  as generated, binned by input length (6-37 characters: every model nearly perfect);
  padded     the same dates followed by 0-30 blanks (longer than any training input);
  spaced     the same dates with 1-4 blanks between words.
None of the models saw the padded or spaced forms. The fixed context is the encoder's final state,
so it must carry the date through every later character; attention reads the digits wherever they
are. ``python -m dlcore.pretrain attention lengths`` writes assets/attention/length_eval.json from
the shipped checkpoints; pages/attention.py draws it (dlcore.viz.attention.accuracy_by_length).
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import torch

from dlcore.attention import dates
from dlcore.attention.seq2seq import ASSETS, Seq2Seq, test_pairs
from dlcore.device import to_numpy

PATH = ASSETS / "length_eval.json"
EDGES = [0, 10, 13, 18, 24, 30, dates.MAX_SRC + 1]  # input-length bins of the dates as generated
PADDED = (0, 5, 10, 20, 30)  # blanks appended after the date
SPACED = (1, 2, 3, 4)  # blanks between words
FAMILIES = ("padded", "spaced")


@torch.no_grad()
def score_sources(
    model: Seq2Seq, sources: list[str], targets: list[str], batch: int = 1000
) -> tuple[np.ndarray, np.ndarray]:
    """(exact match (N,), per-character accuracy (N,)) for normalized sources read in full
    (no truncation to MAX_SRC, no collapsing of blanks)."""
    device = next(model.parameters()).device
    preds: list[str] = []
    for i in range(0, len(sources), batch):
        ids, lengths = dates.encode_sources(sources[i : i + batch])
        tr = model(torch.as_tensor(ids, device=device), torch.as_tensor(lengths, device=device))
        preds += dates.decode_targets(to_numpy(tr.logits[..., : dates.SOS].argmax(-1)))
    exact = np.array([p == t for p, t in zip(preds, targets)], dtype=np.float64)
    char = np.array([np.mean([a == b for a, b in zip(p, t)]) for p, t in zip(preds, targets)])
    return exact, char


def binned(values: np.ndarray, lengths: np.ndarray, edges: list[int]) -> list[float | None]:
    """Mean of ``values`` per length bin [edges[i], edges[i+1]); None for an empty bin."""
    out = []
    for lo, hi in itertools.pairwise(edges):
        sel = (lengths >= lo) & (lengths < hi)
        out.append(float(values[sel].mean()) if sel.any() else None)
    return out


def variants(clean: list[str], family: str, level: int) -> list[str]:
    """The held-out sources of one family at one level (blanks appended or between words)."""
    if family == "padded":
        return [dates.stretch(s, trailing=level) for s in clean]
    return [dates.stretch(s, spacing=level) for s in clean]


def evaluate(models: dict[str, Seq2Seq], n: int = 2000, seed: int = 12345) -> dict:
    """The whole report (JSON-ready) for ``models`` (name -> model) on ``n`` held-out dates."""
    pairs = test_pairs(n, seed)
    clean = [dates.normalize_source(s)[0] for s, _ in pairs]
    targets = [t for _, t in pairs]
    lengths = np.array([len(s) for s in clean])
    rep: dict = {"n": n, "seed": seed, "longest_as_generated": int(lengths.max())}
    rep["by_length"] = {
        "edges": EDGES,
        "counts": [
            int(((lengths >= a) & (lengths < b)).sum()) for a, b in itertools.pairwise(EDGES)
        ],
        "models": {},
    }
    for family, levels in zip(FAMILIES, (PADDED, SPACED)):
        mean_len = [float(np.mean([len(s) for s in variants(clean, family, k)])) for k in levels]
        rep[family] = {"levels": list(levels), "mean_length": mean_len, "models": {}}
    for name, model in models.items():
        exact, char = score_sources(model, clean, targets)
        rep["by_length"]["models"][name] = {
            "exact": binned(exact, lengths, EDGES),
            "char": binned(char, lengths, EDGES),
        }
        for family in FAMILIES:
            res = [
                score_sources(model, variants(clean, family, k), targets)
                for k in rep[family]["levels"]
            ]
            rep[family]["models"][name] = {
                "exact": [float(e.mean()) for e, _ in res],
                "char": [float(c.mean()) for _, c in res],
            }
    return rep


def save(rep: dict, path: Path = PATH) -> None:
    path.write_text(json.dumps(rep, indent=1))


def load(path: Path = PATH) -> dict | None:
    """The shipped report, or None when it has not been made yet."""
    return json.loads(path.read_text()) if path.exists() else None


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def summary(
    rep: dict, labels: dict[str, str] | None = None, baseline: str = "none", level: int = 20
) -> str:
    """What the numbers say, in words (all numbers read from ``rep``)."""
    byl, pad, name = rep["by_length"]["models"], rep["padded"], (labels or {}).get
    attn = [m for m in byl if m != baseline]
    if baseline not in byl or not attn:
        return "The report needs the baseline and at least one attention model."
    overall = {
        m: np.average([x or 0 for x in byl[m]["exact"]], weights=rep["by_length"]["counts"])
        for m in byl
    }
    k = pad["levels"].index(level) if level in pad["levels"] else len(pad["levels"]) - 1
    best = max(attn, key=lambda m: pad["models"][m]["exact"][k])
    worst = min(attn, key=lambda m: pad["models"][m]["exact"][k])
    base_p, best_p, worst_p = (pad["models"][m] for m in (baseline, best, worst))
    return (
        f"As generated ({rep['n']:,} held-out dates, at most {rep['longest_as_generated']} "
        f"characters) there is little to see: the baseline gets {_pct(overall[baseline])} exact, "
        f"the attention models {_pct(min(overall[m] for m in attn))} to "
        f"{_pct(max(overall[m] for m in attn))}. With {pad['levels'][k]} blanks after the date "
        f"(longer than any training input), the baseline falls to {_pct(base_p['exact'][k])} exact "
        f"({_pct(base_p['char'][k])} of characters), while attention keeps "
        f"{_pct(worst_p['exact'][k])} ({name(worst, worst)}) to {_pct(best_p['exact'][k])} "
        f"({name(best, best)}) exact, "
        f"{_pct(worst_p['char'][k])} to {_pct(best_p['char'][k])} of characters."
    )
