"""View glue: a chart click maps to a cell or a token, the head view keeps only the chosen heads,
the A -> B / B -> A lines of a sentence pair, or one focused token's lines; head aggregates shown
on the page are distributions (rows sum to 1)."""

import numpy as np

from dlcore.attention import minilm as M
from dlcore.attention import views as W


def test_cell_from_points():
    assert W.cell_from_points([{"x": 5, "y": 3, "customdata": [3, 5]}], (10, 40)) == (3, 5)
    assert W.cell_from_points([{"customdata": [3.0, 5.0]}], (10, 40)) == (3, 5)
    # plotly typed arrays reach Streamlit's selection as objects (seen in Chromium)
    assert W.cell_from_points([{"customdata": {"1": 4, "0": 3}}], (10, 40)) == (3, 4)
    assert W.cell_from_points([], (10, 40)) is None
    assert W.cell_from_points([{"x": 1, "y": 2}], (10, 40)) is None  # not from the click catcher
    assert W.cell_from_points([{"customdata": [10, 0]}], (10, 40)) is None  # out of range
    assert W.cell_from_points([{"customdata": ["a", "b"]}], (10, 40)) is None
    assert W.cell_from_points([{"customdata": 7}], (10, 40)) is None


def test_token_from_points():
    assert W.token_from_points([{"customdata": [0, 2]}], 8) == ("from", 2)
    assert W.token_from_points([{"customdata": [1, 7]}], 8) == ("to", 7)
    assert W.token_from_points([{"customdata": [2, 1]}], 8) is None
    assert W.token_from_points([{"customdata": [0, 8]}], 8) is None


def _pair_maps() -> M.MiniLMMaps:
    tokens = ("[CLS]", "the", "cat", "[SEP]", "a", "dog", "[SEP]")
    rng = np.random.default_rng(1)
    att = rng.random((2, 12, 7, 7))
    att /= att.sum(-1, keepdims=True)
    special = np.array([t in M.SPECIAL for t in tokens])
    return M.MiniLMMaps(tokens, att, special, np.array([0, 0, 0, 0, 1, 1, 1]))


def test_head_lines_heads_pairs_and_focus():
    maps = _pair_maps()
    hl = W.head_lines(maps, 1, (3, 7, 3, 99), hide=False)
    assert hl.heads == (3, 7) and hl.weights.shape == (2, 7, 7)  # duplicates and 99 dropped
    np.testing.assert_allclose(hl.weights[1], maps.attentions[1, 7])
    ab = W.head_lines(maps, 1, (3,), hide=False, lines="ab").weights[0]
    assert (ab[:4, 4:] > 0).all() and ab[4:].sum() == 0 and ab[:, :4].sum() == 0
    ba = W.head_lines(maps, 1, (3,), hide=False, lines="ba").weights[0]
    assert (ba[4:, :4] > 0).all() and ba[:4].sum() == 0 and ba[:, 4:].sum() == 0
    hidden = W.head_lines(maps, 1, (3,), hide=True, lines="ab")
    assert hidden.tokens == ["the", "cat", "a", "dog"]
    w = hidden.weights[0]
    assert (w[:2, 2:] > 0).all() and w[2:].sum() == 0 and w[:, :2].sum() == 0
    out = W.head_lines(maps, 1, (3, 7), hide=False, focus=("from", 2)).weights
    assert (out[:, 2] > 0).all() and out.sum() == out[:, 2].sum()
    into = W.head_lines(maps, 1, (3, 7), hide=False, focus=("to", 5)).weights
    assert (into[:, :, 5] > 0).all() and into.sum() == into[:, :, 5].sum()


def test_single_sentence_pair_filter_gives_a_notice():
    maps = _pair_maps()
    single = M.MiniLMMaps(maps.tokens, maps.attentions, maps.special, np.zeros(7, int))
    hl = W.head_lines(single, 0, (0,), hide=False, lines="ab")
    assert hl.notice and "sentence pair" in hl.notice
    np.testing.assert_allclose(hl.weights[0], maps.attentions[0, 0])  # nothing filtered


def test_page_matrices_are_distributions():
    maps = _pair_maps()
    for agg in ("head", "mean", "max", "rollout"):
        for hide in (False, True):
            _, mat, tokens, _ = W.minilm_matrix(maps, 1, 4, agg, hide)
            assert mat.shape == (len(tokens), len(tokens))
            np.testing.assert_allclose(mat.sum(-1), 1.0, atol=1e-9)
    assert "re-normalized" in W.minilm_matrix(maps, 1, 4, "max", False)[3]


def test_head_from_points_and_shown_indices():
    assert W.head_from_points([{"customdata": [4, 7]}], 6, 12) == (4, 7)
    assert W.head_from_points([{"customdata": {"0": 5, "1": 11}}], 6, 12) == (5, 11)
    assert W.head_from_points([{"customdata": [6, 0]}], 6, 12) is None
    assert W.head_from_points([{"x": 3}], 6, 12) is None
    maps = _pair_maps()
    assert W.shown_indices(maps, hide=False) == list(range(7))
    assert W.shown_indices(maps, hide=True) == [1, 2, 4, 5]


def test_neuron_latex_carries_the_numbers_and_escapes_tokens():
    rng = np.random.default_rng(2)
    q, keys = rng.normal(size=32), rng.normal(size=(4, 32))
    scores = keys @ q / np.sqrt(32)
    weights = np.exp(scores - scores.max()) / np.exp(scores - scores.max()).sum()
    n = M.Neuron(1, 2, 1, q, keys, q * keys, scores, weights)
    tokens = ("[CLS]", "##ing_", "cat", "[SEP]")
    text = "\n".join(W.neuron_latex(n, tokens))
    j = int(np.argmax(weights))
    assert f"= {float(q @ keys[j]):.3f}" in text and f"= {weights[j]:.4f}" in text
    assert r"\text{\#\#ing\_}" in text and r"\sqrt{32}" in text
    assert W.tex_text("a$b{c}") == r"a\$b\{c\}"


def test_head_lines_focus_is_a_model_token_whether_or_not_specials_are_hidden():
    maps = _pair_maps()  # [CLS] the cat [SEP] a dog [SEP]
    shown = W.head_lines(maps, 1, (3,), hide=False, focus=("from", 2))
    hidden = W.head_lines(maps, 1, (3,), hide=True, focus=("from", 2))
    assert shown.focus == ("from", 2) and hidden.focus == ("from", 1)  # 'cat' both times
    assert hidden.tokens[hidden.focus[1]] == shown.tokens[shown.focus[1]] == "cat"
    rows = hidden.weights[0].sum(-1)  # the focused token's row alone keeps its weights
    assert rows[1] > 0 and np.delete(rows, 1).sum() == 0
    gone = W.head_lines(maps, 1, (3,), hide=True, focus=("to", 0))  # [CLS] is hidden
    assert gone.focus is None and "[CLS] is hidden" in gone.notice


def test_temperature_caption_is_tex():
    text = W.temperature_caption(0.5)
    assert r"$\tau = 0.5$" in text and "\t" not in text and "sharper" in text
    assert "flatter" in W.temperature_caption(2.0) and "own softmax" in W.temperature_caption(1)
