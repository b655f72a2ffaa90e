"""Our unrolled cells vs torch.nn.RNN / LSTM / GRU with the same weights: outputs and gradients."""

import pytest
import torch
from torch import nn

from dlcore.rnn.cells import (
    GRU,
    LSTM,
    CellSpec,
    SeqModel,
    VanillaRNN,
    build_cell,
    set_recurrent_scale,
)

CASES = [
    ("rnn-tanh", lambda: VanillaRNN(3, 5, "tanh"), lambda: nn.RNN(3, 5, batch_first=True)),
    (
        "rnn-relu",
        lambda: VanillaRNN(3, 5, "relu"),
        lambda: nn.RNN(3, 5, nonlinearity="relu", batch_first=True),
    ),
    ("lstm", lambda: LSTM(3, 5), lambda: nn.LSTM(3, 5, batch_first=True)),
    ("gru", lambda: GRU(3, 5), lambda: nn.GRU(3, 5, batch_first=True)),
]


@pytest.mark.parametrize("name,ours_f,ref_f", CASES, ids=[c[0] for c in CASES])
def test_cell_matches_torch_outputs_and_gradients(name, ours_f, ref_f):
    torch.manual_seed(0)
    ref, ours = ref_f(), ours_f()
    ours.load_torch(ref)
    x = torch.randn(4, 9, 3, requires_grad=True)
    x2 = x.detach().clone().requires_grad_(True)
    out_ref = ref(x)[0]  # (B, T, H)
    un = ours(x2)
    torch.testing.assert_close(un.stack(), out_ref, atol=1e-6, rtol=1e-5)
    w = torch.randn_like(out_ref)  # a loss touching every step
    (out_ref * w).sum().backward()
    (un.stack() * w).sum().backward()
    torch.testing.assert_close(x2.grad, x.grad, atol=1e-6, rtol=1e-5)
    for p in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        torch.testing.assert_close(
            getattr(ours, p).grad, getattr(ref, f"{p}_l0").grad, atol=1e-5, rtol=1e-5
        )


def test_lstm_cell_state_matches_torch_final_c():
    torch.manual_seed(1)
    ref, ours = nn.LSTM(2, 4, batch_first=True), LSTM(2, 4)
    ours.load_torch(ref)
    x = torch.randn(3, 6, 2)
    _, (_, c_n) = ref(x)
    un = ours(x)
    torch.testing.assert_close(un.cs[-1], c_n[0], atol=1e-6, rtol=1e-5)
    assert set(un.gates) == {"i", "f", "o", "c_tilde"} and len(un.gates["f"]) == 6


def test_lstm_without_forget_gate_keeps_f_one_and_accumulates_cell():
    torch.manual_seed(2)
    cell = LSTM(2, 4, forget_gate=False)
    un = cell(torch.randn(2, 5, 2))
    f = torch.stack(un.gates["f"])
    assert torch.all(f == 1.0)
    # c_t - c_(t-1) = i_t * c_tilde_t exactly (the constant error carousel)
    for t in range(1, 5):
        torch.testing.assert_close(
            un.cs[t] - un.cs[t - 1], un.gates["i"][t] * un.gates["c_tilde"][t]
        )


def test_forget_bias_shifts_only_forget_block():
    torch.manual_seed(3)
    a = LSTM(2, 4, forget_bias=0.0)
    torch.manual_seed(3)
    b = LSTM(2, 4, forget_bias=1.0)
    d = b.bias_ih.detach() - a.bias_ih.detach()
    assert torch.allclose(d[4:8], torch.ones(4)) and torch.all(d[:4] == 0) and torch.all(d[8:] == 0)


def test_gru_keep_bias_shifts_only_update_gate_and_keeps_the_state():
    torch.manual_seed(3)
    a = GRU(2, 4)
    torch.manual_seed(3)
    b = build_cell(CellSpec("gru", forget_bias=5.0), 2, 4)  # the page's keep-gate knob
    d = b.bias_ih.detach() - a.bias_ih.detach()
    assert torch.allclose(d[4:8], torch.full((4,), 5.0)) and torch.all(d[:4] == 0)
    assert torch.all(d[8:] == 0)
    un = b(torch.randn(3, 6, 2))
    assert torch.all(torch.stack(un.gates["z"]) > 0.97)  # z ~ sigma(5): the state is kept


@pytest.mark.parametrize(
    "spec", [CellSpec("rnn"), CellSpec("rnn", "relu"), CellSpec("lstm"), CellSpec("gru")]
)
def test_fused_twin_shares_parameters(spec):
    torch.manual_seed(4)
    m = SeqModel(build_cell(spec, 3, 5), 2)
    x = torch.randn(2, 6, 3)
    with torch.no_grad():
        m.cell.weight_hh.mul_(1.7)  # an in-place change must be seen by the twin
    torch.testing.assert_close(m.fast_forward(x), m(x)[0], atol=1e-6, rtol=1e-5)
    assert len(list(m.parameters())) == 6


@pytest.mark.parametrize("init", ["default", "orthogonal", "identity"])
def test_set_recurrent_scale_sets_largest_singular_value(init):
    cell = VanillaRNN(2, 8)
    set_recurrent_scale(cell, init, 1.3, torch.Generator().manual_seed(0))
    s = torch.linalg.svdvals(cell.weight_hh.detach())
    assert abs(float(s[0]) - 1.3) < 1e-5
    if init != "default":  # orthogonal and identity have all singular values equal
        assert torch.allclose(s, torch.full_like(s, 1.3), atol=1e-5)
