"""Date-normalization toy task: human-written dates -> ISO "YYYY-MM-DD", generated in code.

The classic teaching task for attention (datalogue/keras-attention, deeplearning.ai "NMT with
attention"): the alignment is monotone but not diagonal, and words like the weekday are ignored.
Train and test dates are split by day (ordinal % 10), so a test date never appears in training in
any format. Used by dlcore.attention.seq2seq and the page pages/attention.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np

YEAR_MIN, YEAR_MAX = 1950, 2049  # two-digit years: 50-99 -> 19xx, 00-49 -> 20xx
MAX_SRC = 40  # longest source the models read (characters); longer input is truncated
OUT_LEN = 10  # "YYYY-MM-DD"
PAD, UNK = 0, 1
SRC_CHARS = " abcdefghijklmnopqrstuvwxyz0123456789,./-'"
SRC_VOCAB = ["<pad>", "<unk>", *SRC_CHARS]
SRC_INDEX = {c: i for i, c in enumerate(SRC_VOCAB)}
SOS = 11
TGT_VOCAB = [*"0123456789-", "<sos>"]
TGT_INDEX = {c: i for i, c in enumerate(TGT_VOCAB)}

DAY_ORD0 = dt.date(YEAR_MIN, 1, 1).toordinal()
DAY_ORD1 = dt.date(YEAR_MAX, 12, 31).toordinal()


def _ordinal_suffix(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def _d(d: dt.date, pad: bool) -> str:
    return f"{d.day:02d}" if pad else str(d.day)


def _m(d: dt.date, pad: bool) -> str:
    return f"{d.month:02d}" if pad else str(d.month)


# Each format: (date, pad-leading-zeros flag) -> text. The registry is what the tests iterate over.
FORMATS: dict[str, Callable[[dt.date, bool], str]] = {
    "Fri 27 Nov 2026": lambda d, p: f"{d:%a} {_d(d, p)} {d:%b %Y}",
    "27/11/26": lambda d, p: f"{_d(d, p)}/{_m(d, p)}/{d:%y}",
    "November 27th, 2026": lambda d, p: f"{d:%B} {d.day}{_ordinal_suffix(d.day)}, {d.year}",
    "27.11.2026": lambda d, p: f"{_d(d, p)}.{_m(d, p)}.{d.year}",
    "2026-11-27": lambda d, p: d.isoformat(),
    "27 November 2026": lambda d, p: f"{_d(d, p)} {d:%B %Y}",
    "Friday, November 27, 2026": lambda d, p: f"{d:%A, %B} {d.day}, {d.year}",
    "Nov 27, 2026": lambda d, p: f"{d:%b} {d.day}, {d.year}",
    "27-Nov-2026": lambda d, p: f"{_d(d, p)}-{d:%b-%Y}",
    "the 27th of November 2026": lambda d, p: f"the {d.day}{_ordinal_suffix(d.day)} of {d:%B %Y}",
    "Friday 27 November 2026": lambda d, p: f"{d:%A} {_d(d, p)} {d:%B %Y}",
    "27 nov 26": lambda d, p: f"{_d(d, p)} {d:%b %y}",
    "2026/11/27": lambda d, p: f"{d.year}/{_m(d, p)}/{_d(d, p)}",
    "Friday the 27th of November, 2026": lambda d, p: (
        f"{d:%A} the {d.day}{_ordinal_suffix(d.day)} of {d:%B}, {d.year}"
    ),
}
CASES: dict[str, Callable[[str], str]] = {
    "lower": str.lower,
    "upper": str.upper,
    "title": str.title,
    "as is": lambda s: s,
}
EXAMPLES = [
    "Fri 27 Nov 2026",
    "27/11/26",
    "November 27th, 2026",
    "saturday, march 4, 1961",
    "the 1st of january 2000",
    "31.12.1999",
    "Sep 9, 2041",
]


def render(date: dt.date, fmt: str, case: str = "as is", pad: bool = True) -> str:
    """One human-written form of ``date``."""
    return CASES[case](FORMATS[fmt](date, pad))


def stretch(clean: str, spacing: int = 1, trailing: int = 0) -> str:
    """A longer variant of a normalized source: ``spacing`` blanks between words and ``trailing``
    blanks after the date (inputs longer than any in training, for the accuracy-by-length test;
    the page itself collapses blanks, so only the evaluation reads these)."""
    return (" " * spacing).join(clean.split(" ")) + " " * trailing


def iso(date: dt.date) -> str:
    return date.isoformat()


def split_of(date: dt.date) -> str:
    """'test' for one day in ten (by ordinal), else 'train'."""
    return "test" if date.toordinal() % 10 == 0 else "train"


def sample_dates(n: int, rng: np.random.Generator, split: str = "train") -> list[tuple[str, str]]:
    """``n`` (source, target) pairs from the given split, random format, case and zero padding."""
    fmts, cases = list(FORMATS), list(CASES)
    out = []
    while len(out) < n:
        date = dt.date.fromordinal(int(rng.integers(DAY_ORD0, DAY_ORD1 + 1)))
        if split_of(date) != split:
            continue
        src = render(
            date,
            fmts[rng.integers(len(fmts))],
            cases[rng.integers(len(cases))],
            bool(rng.integers(2)),
        )
        out.append((src, iso(date)))
    return out


def normalize_source(text: str) -> tuple[str, list[str]]:
    """Lower-case, strip, truncate to MAX_SRC; return the text and notices for the student."""
    notices = []
    clean = " ".join(text.strip().lower().split())
    if len(clean) > MAX_SRC:
        notices.append(f"Input truncated to the first {MAX_SRC} characters (was {len(clean)}).")
        clean = clean[:MAX_SRC]
    unknown = sorted({c for c in clean if c not in SRC_INDEX})
    if unknown:
        notices.append(f"{len(unknown)} character(s) the model never saw are read as <unk>.")
    return clean, notices


def encode_sources(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Pad ids (B, S) and lengths (B,). Texts must already be normalized (non-empty)."""
    lengths = np.array([max(1, len(t)) for t in texts], dtype=np.int64)
    ids = np.full((len(texts), int(lengths.max())), PAD, dtype=np.int64)
    for b, t in enumerate(texts):
        ids[b, : len(t)] = [SRC_INDEX.get(c, UNK) for c in t]
        if not t:
            ids[b, 0] = UNK
    return ids, lengths


def encode_targets(targets: list[str]) -> np.ndarray:
    """Target ids (B, OUT_LEN)."""
    return np.array([[TGT_INDEX[c] for c in t] for t in targets], dtype=np.int64)


def decode_targets(ids: np.ndarray) -> list[str]:
    return ["".join(TGT_VOCAB[i] for i in row) for row in ids]
