"""dlcore.nosync: Adam gives torch.optim.Adam's numbers without reading a tensor a step; Metrics
reads a step's values only when one is looked at (issue 25)."""

import pytest
import torch

from bench.bench_device import counting_syncs
from dlcore.nosync import Adam, Metrics, sum_dtype


def _net() -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(5, 7), torch.nn.Tanh(), torch.nn.Linear(7, 3))


@pytest.mark.parametrize("foreach", [False, True])
@pytest.mark.parametrize("betas", [(0.9, 0.999), (0.5, 0.999)])
def test_adam_gives_torch_adams_numbers_bit_for_bit(foreach, betas):
    ours, theirs = _net(), _net()
    opts = {
        "ours": Adam(ours.parameters(), lr=3e-3, betas=betas),
        "theirs": torch.optim.Adam(theirs.parameters(), lr=3e-3, betas=betas, foreach=foreach),
    }
    gen = torch.Generator().manual_seed(1)
    for i in range(30):
        x = torch.randn(16, 5, generator=gen)
        for net, opt in ((ours, opts["ours"]), (theirs, opts["theirs"])):
            opt.zero_grad()
            net(x).pow(2).mean().backward()
            if i % 7 == 3:
                net[2].bias.grad = None  # a parameter that skips an update keeps its own count
            if i == 20:
                opt.param_groups[0]["lr"] = 1e-2  # a live learning rate
            opt.step()
    for p, q in zip(ours.parameters(), theirs.parameters()):
        torch.testing.assert_close(p, q, rtol=0, atol=0)
        assert opts["ours"].state[p]["step"] == int(opts["theirs"].state[q]["step"])
    assert [opts["ours"].state[p]["step"] for p in ours.parameters()] == [30, 30, 30, 26]


def test_adam_reads_no_tensor_a_step():
    net = _net()
    opt, x = Adam(net.parameters(), lr=1e-3), torch.randn(4, 5)
    net(x).sum().backward()
    opt.step()  # the first step creates the state
    with counting_syncs() as count:
        for _ in range(3):
            net(x).sum().backward()
            opt.step()
    assert count[0] == 0 and opt.state[net[0].weight]["step"] == 4


def test_metrics_are_floats_read_once_and_only_when_looked_at():
    loss, acc = torch.tensor(0.25), torch.tensor(0.75, dtype=torch.float64)
    with counting_syncs() as count:
        m = Metrics({"loss": loss, "acc": acc, "step": 3})
    assert count[0] == 0 and m.raw["loss"] is loss and list(m) == ["loss", "acc", "step"]
    with counting_syncs() as count:
        assert m["loss"] == 0.25 and dict(m) == {"loss": 0.25, "acc": 0.75, "step": 3.0}
    assert count[0] <= 2  # one copy of all the values (.cpu() and .tolist())
    assert all(type(v) is float for v in m.values())
    assert m == Metrics({"loss": 0.25, "acc": torch.tensor(0.75), "step": 3})
    assert m != Metrics({"loss": 0.5, "acc": 0.75, "step": 3})
    assert Metrics({}) == {} and "0.25" in repr(m)


def test_metrics_keep_a_float64_value_whole():
    third = torch.tensor(1.0, dtype=torch.float64) / 3
    assert Metrics({"x": third})["x"] == 1 / 3


def test_sums_are_float64_but_on_mps():
    assert sum_dtype(torch.device("cpu")) == sum_dtype(torch.device("cuda")) == torch.float64
    assert sum_dtype(torch.device("mps")) == torch.float32  # MPS has no float64
