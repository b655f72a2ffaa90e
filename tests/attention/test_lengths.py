"""Accuracy against input length: the longer variants of the generator, the per-bin and
per-character scores, the shipped report (recomputed for the baseline), and its caption."""

import numpy as np
import pytest

from dlcore.attention import dates as D
from dlcore.attention import lengths as L
from dlcore.attention.seq2seq import checkpoint_path, load_model
from dlcore.attention.seq2seq import test_pairs as held_out_pairs


def test_stretch_makes_longer_variants_that_normalize_back():
    assert D.stretch("fri 27 nov 2026", spacing=3) == "fri   27   nov   2026"
    assert D.stretch("27/11/26", trailing=4) == "27/11/26    "
    long = D.stretch("friday the 27th of november, 2026", spacing=2, trailing=30)
    assert len(long) == 33 + 5 + 30 > D.MAX_SRC
    assert D.normalize_source(D.stretch("fri 27 nov 2026", 4, 9))[0] == "fri 27 nov 2026"


def test_binned_and_per_character_scores():
    vals, lens = np.array([1.0, 0.0, 1.0, 1.0]), np.array([3, 4, 12, 30])
    assert L.binned(vals, lens, [0, 10, 20, 40]) == [0.5, 1.0, 1.0]
    assert L.binned(vals, lens, [0, 10, 20, 25, 40])[2] is None  # empty bin


@pytest.fixture(scope="module")
def baseline():
    if not checkpoint_path("none").exists():
        pytest.skip("no shipped baseline checkpoint")
    return load_model("none").cpu()


def test_score_sources_exact_and_char(baseline):
    exact, char = L.score_sources(
        baseline, ["27/11/26", "31.12.1999"], ["2026-11-27", "1999-01-01"]
    )
    assert exact.tolist()[1] == 0.0 and 0.5 < char[1] < 1.0  # year right, month/day wrong
    assert (char >= exact).all()


def test_shipped_report_matches_a_recomputation(baseline):
    rep = L.load()
    if rep is None:
        pytest.skip("no shipped report")
    n = rep["n"]
    assert sum(rep["by_length"]["counts"]) == n
    assert rep["longest_as_generated"] <= D.MAX_SRC
    for part in ("by_length", "padded", "spaced"):
        for m in rep[part]["models"].values():
            for e, c in zip(m["exact"], m["char"]):
                assert e is None or 0.0 <= e <= c <= 1.0  # a right date has every character right
    pairs = held_out_pairs(n, rep["seed"])
    clean = [D.normalize_source(s)[0] for s, _ in pairs]
    k = rep["padded"]["levels"].index(20)
    exact, char = L.score_sources(baseline, L.variants(clean, "padded", 20), [t for _, t in pairs])
    stored = rep["padded"]["models"]["none"]
    assert abs(exact.mean() - stored["exact"][k]) < 0.005
    assert abs(char.mean() - stored["char"][k]) < 0.005
    assert np.mean([len(s) for s in L.variants(clean, "padded", 20)]) == pytest.approx(
        rep["padded"]["mean_length"][k]
    )


def test_summary_reads_its_numbers_from_the_report():
    model = {"exact": [0.9, 1.0], "char": [0.95, 1.0]}
    rep = {
        "n": 10,
        "longest_as_generated": 30,
        "by_length": {
            "edges": [0, 10, 41],
            "counts": [4, 6],
            "models": {"none": model, "dot": model},
        },
        "padded": {
            "levels": [0, 20],
            "models": {
                "none": {"exact": [1.0, 0.123], "char": [1.0, 0.456]},
                "dot": {"exact": [1.0, 0.789], "char": [1.0, 0.987]},
            },
        },
    }
    text = L.summary(rep, {"dot": "Luong dot"})
    assert "96.0 %" in text  # (0.9 * 4 + 1.0 * 6) / 10
    assert "falls to 12.3 % exact (45.6 % of characters)" in text
    assert "78.9 % (Luong dot)" in text and "98.7 %" in text
