"""Character-level language models: encoding of typed text, causal connectivity, gates,
checkpoint round trip, and the shipped checkpoints beating a uniform guess."""

import math

import numpy as np
import pytest
import torch

from dlcore.rnn.analysis import sentence_report
from dlcore.rnn.charlm import (
    LM_KINDS,
    MAX_CHARS,
    VOCAB,
    CharLM,
    analyze,
    checkpoint_path,
    encode,
    load_charlm,
    save_charlm,
    shipped_models,
)


def test_encode_lowercases_drops_unknown_and_truncates():
    enc = encode("Héllo, Wörld 😀!")
    assert enc.text == "hllo, wrld !" and set(enc.dropped) == {"é", "ö", "😀"}
    assert not enc.truncated and len(enc.ids) == len(enc.text)
    long = encode("ab" * 300)
    assert long.truncated and len(long.ids) == MAX_CHARS and long.text == ("ab" * 300)[-MAX_CHARS:]
    assert len(encode("").ids) == 0 and len(encode("😀😀").ids) == 0


@pytest.mark.parametrize("kind", LM_KINDS)
def test_connectivity_is_causal_and_explicit_cell_matches_fused(kind):
    torch.manual_seed(0)
    model = CharLM(kind, hidden=12, emb=4).eval()
    enc = encode("the river is high today.")
    ids = torch.as_tensor(enc.ids)[None]
    with torch.no_grad():
        fused = model.fast_logits(ids)
        explicit, _ = model.unroll(model.emb(ids))
    torch.testing.assert_close(explicit, fused, atol=1e-5, rtol=1e-4)
    v = analyze(model, enc, position=10, k=5)
    assert v.position == 10 and len(v.chars) == len(enc.text)
    assert np.all(v.connectivity[11:] == 0.0)  # the future cannot influence the prediction
    assert v.connectivity[10] > 0 and v.connectivity[0] > 0
    assert np.all(np.diff(v.top_probs) <= 0) and v.top_probs.sum() <= 1.0 + 1e-6
    assert v.target == v.top_chars[0]
    p = torch.softmax(fused[0, 10], -1)
    assert abs(float(p.max()) - float(v.top_probs[0])) < 1e-5
    for g in v.gates.values():
        assert g.shape == (len(enc.text), 12)
    if kind == "lstm":
        assert set(v.gates) == {"i", "f", "o", "c_tilde", "c"}
        assert all(np.all((v.gates[n] >= 0) & (v.gates[n] <= 1)) for n in "ifo")


def test_connectivity_matches_finite_differences():
    torch.manual_seed(1)
    model = CharLM("gru", hidden=8, emb=3).double().eval()
    enc = encode("abcab")
    v = analyze(model, enc, position=4)
    target = VOCAB.index(v.target)
    x = model.emb(torch.as_tensor(enc.ids)[None]).detach()
    eps, i, grad = 1e-6, 1, []
    for d in range(3):
        xp, xm = x.clone(), x.clone()
        xp[0, i, d] += eps
        xm[0, i, d] -= eps
        lp, lm = model.unroll(xp)[0][0, 4, target], model.unroll(xm)[0][0, 4, target]
        grad.append(float((lp - lm).detach() / (2 * eps)))
    assert abs(np.linalg.norm(grad) - v.connectivity[i]) < 1e-6


def test_checkpoint_round_trip(tmp_path):
    torch.manual_seed(2)
    model = CharLM("lstm", hidden=6, emb=3)
    save_charlm(model, tmp_path / "m.pt", {"val_loss": 1.0})
    loaded, meta = load_charlm(tmp_path / "m.pt", torch.device("cpu"))
    ids = torch.as_tensor(encode("hello").ids)[None]
    torch.testing.assert_close(loaded.fast_logits(ids), model.fast_logits(ids))
    assert meta["val_loss"] == 1.0 and meta["kind"] == "lstm"


def test_shipped_checkpoints_are_small_and_beat_uniform():
    uniform = math.log(len(VOCAB))
    for kind, (model, meta) in shipped_models().items():
        assert checkpoint_path(kind).stat().st_size < 400_000
        assert meta["val_loss"] < 0.5 * uniform, kind  # real learning, not a uniform guess
        assert not model.training
    # the trained LSTM completes a frequent corpus word
    v = analyze(shipped_models()["lstm"][0], encode("the teache"), position=9)
    assert v.top_chars[0] == "r"


def test_sentence_report_messages():
    assert "Type a sentence" in sentence_report("", -1).message
    rep = sentence_report("😀😀😀", -1)
    assert rep.views == () and "left out" in rep.message
    rep = sentence_report("Über the river" + " x" * 300, -1)
    assert "left out" in rep.message and f"last {MAX_CHARS}" in rep.message
    assert len(rep.views) == 3 and rep.views[0].position == MAX_CHARS - 1


def test_a_text_over_400_characters_is_cut_to_its_first_400_with_a_message():
    """Issue 24 item 10: a long paste is cut and the student is told, not ignored."""
    long = "the river bank. " * 100  # 1,600 characters
    rep = sentence_report(long, -1)
    assert "1,600 characters" in rep.message and "first 400" in rep.message
    assert "last 200" in rep.message  # what the models then read, as before
    assert rep.text == encode(long[:400]).text


def test_a_click_reads_the_value_its_marker_carries():
    from dlcore.rnn.analysis import clicked_value

    assert clicked_value([{"customdata": [12]}], 0, 399) == 12
    assert clicked_value([{"customdata": {"0": 4.25}}], 4.2, 5.0) == 4.25  # a typed array
    assert clicked_value([{"x": 1}, {"customdata": [7]}], 0, 399) == 7  # the star: no data
    assert clicked_value([{"customdata": [1000]}], 0, 399) is None  # out of range
    assert clicked_value([{"customdata": ["x"]}], 0, 399) is None
    assert clicked_value([], 0, 399) is None and clicked_value(None, 0, 1) is None
