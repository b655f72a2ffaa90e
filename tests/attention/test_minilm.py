"""MiniLM attentions: 6 layers of (1, 12, T, T), rows sum to 1, the tokenization of the lecture
example, special-token hiding, head aggregation, rollout, and bad inputs."""

import numpy as np
import pytest

from dlcore.attention import minilm as M


@pytest.fixture(scope="module")
def model():
    import torch

    torch.set_num_threads(1)
    return M.load_minilm()


def test_shapes_rows_and_tokens(model):
    tok, m = model
    maps, notes = M.attention_maps(tok, m, "The cat sat on the mat")
    assert notes == []
    assert maps.tokens == ("[CLS]", "the", "cat", "sat", "on", "the", "mat", "[SEP]")
    assert maps.attentions.shape == (6, 12, 8, 8)  # 6 layers of (1, 12, T, T), batch dropped
    np.testing.assert_allclose(maps.attentions.sum(-1), 1.0, atol=1e-5)
    assert maps.special.tolist() == [True] + [False] * 6 + [True]
    share = M.cls_share(maps.attentions, maps.special, maps.tokens)
    assert 0.2 < share < 0.8  # MiniLM parks much of its attention on [CLS]


def test_raw_model_output_has_batch_axis(model):
    import torch

    tok, m = model
    out = m(**tok("The cat sat on the mat", return_tensors="pt"), output_attentions=True)
    assert len(out.attentions) == 6
    assert all(tuple(a.shape) == (1, 12, 8, 8) for a in out.attentions)
    assert all(torch.allclose(a.sum(-1), torch.ones(1, 12, 8), atol=1e-5) for a in out.attentions)


def test_pair_segments(model):
    tok, m = model
    maps, _ = M.attention_maps(tok, m, "The cat sat", "A dog ran")
    assert maps.tokens.count("[SEP]") == 2
    assert maps.segment[0] == 0 and maps.segment[-1] == 1


def test_bad_inputs(model):
    tok, m = model
    maps, notes = M.attention_maps(tok, m, "   ")
    assert maps is None and notes
    maps, notes = M.attention_maps(tok, m, "😀😀😀")
    assert maps.tokens[0] == "[CLS]" and any("[UNK]" in n for n in notes)
    maps, notes = M.attention_maps(tok, m, "word " * 1000)
    assert len(maps.tokens) == M.MAX_TOKENS and any("truncated" in n for n in notes)


def test_hide_special_aggregate_rollout():
    rng = np.random.default_rng(0)
    att = rng.random((6, 12, 5, 5))
    att /= att.sum(-1, keepdims=True)
    special = np.array([True, False, False, False, True])
    hidden = M.hide_special(att, special)
    assert hidden.shape == (6, 12, 3, 3)
    np.testing.assert_allclose(hidden.sum(-1), 1.0)
    np.testing.assert_allclose(
        hidden[0, 0], att[0, 0, 1:4, 1:4] / att[0, 0, 1:4, 1:4].sum(-1, keepdims=True)
    )
    np.testing.assert_allclose(M.aggregate_heads(att[0], "mean"), att[0].mean(0))
    raw_max = att[0].max(0)
    assert (raw_max.sum(-1) > 1.0).all()  # the elementwise max of distributions is not one
    np.testing.assert_allclose(
        M.aggregate_heads(att[0], "max"), raw_max / raw_max.sum(-1, keepdims=True)
    )
    for how in M.HEAD_AGGREGATES:  # every aggregate and the rollout are distributions again
        np.testing.assert_allclose(M.aggregate_heads(att[0], how).sum(-1), 1.0)
        np.testing.assert_allclose(M.aggregate_heads(hidden[0], how).sum(-1), 1.0)
    r = M.rollout(att)
    np.testing.assert_allclose(r.sum(-1), 1.0)
    np.testing.assert_allclose(M.rollout(hidden).sum(-1), 1.0)
    # one layer of uniform attention: rollout = 0.5 * uniform + 0.5 * identity
    uni = np.full((1, 2, 4, 4), 0.25)
    np.testing.assert_allclose(M.rollout(uni), 0.5 * np.full((4, 4), 0.25) + 0.5 * np.eye(4))


def test_neuron_view_recomputes_the_heads_attention_from_the_weights(model):
    """The neuron view's q, k come from the layer's W_Q, W_K: their softmax is the model's map."""
    tok, m = model
    maps, _ = M.attention_maps(tok, m, "The cat sat on the mat", "A dog lay on the rug")
    assert maps.hidden.shape == (
        7,
        len(maps.tokens),
        384,
    )  # the input of each layer, and the output
    for layer, head, i in ((0, 0, 2), (3, 7, 5), (5, 11, 0)):
        n = M.neuron(m, maps, layer, head, i)
        assert n.d == 32 and n.keys.shape == (len(maps.tokens), 32)
        np.testing.assert_allclose(n.weights, maps.attentions[layer, head, i], atol=2e-5)
        np.testing.assert_allclose(n.products.sum(-1) / np.sqrt(32), n.scores, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(n.products, n.q[None] * n.keys, rtol=1e-6)
    other = M.neuron(m, maps, 3, 8, 5)
    assert not np.allclose(other.weights, M.neuron(m, maps, 3, 7, 5).weights)  # heads differ
