"""Exported PyTorch model reproduces our network; the snippet runs; UAT contributions add up."""

import dataclasses
import io

import numpy as np
import pytest
import torch

from dlcore.playground.config import PlaygroundConfig
from dlcore.playground.export import to_torch, torch_snippet, weights_bytes
from dlcore.playground.trainer import PlaygroundTrainer
from dlcore.playground.uat import fit_function

torch.set_num_threads(1)


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"dropout": 0.3, "activation": "relu", "x1x2": True},
        {"dataset": "spiral3", "activation": "leaky_relu"},
    ],
)
def test_export_matches_numpy_and_snippet_runs(tmp_path, kw):
    t = PlaygroundTrainer(dataclasses.replace(PlaygroundConfig(), **kw))
    t.run_epochs(3)
    model = to_torch(t.net, torch.device("cpu"))
    ours = t.net.predict(t.x_test)
    with torch.no_grad():
        theirs = model(torch.tensor(t.x_test)).numpy()
    assert np.allclose(ours, theirs, atol=1e-12)
    state = torch.load(io.BytesIO(weights_bytes(t.net)), weights_only=True)
    path = tmp_path / "w.pt"
    torch.save(state, path)
    code = torch_snippet(t.net, t.features, str(path))
    scope: dict = {}
    exec(compile(code, "snippet", "exec"), scope)  # the generated user script, run as-is
    pts = torch.tensor(t.data.test.x[:5])
    with torch.no_grad():
        out = scope["model"](scope["features"](pts)).numpy()
    assert np.allclose(out, ours[:5], atol=1e-12)


def test_uat_contributions_sum_to_fit_and_more_units_fit_better():
    few = fit_function("sine", "", 2, "tanh", steps=800)
    many = fit_function("sine", "", 12, "tanh", steps=800)
    assert np.allclose(many.contributions.sum(0) + many.bias, many.fit)
    assert many.contributions.shape == (12, len(many.x))
    assert many.loss < few.loss and many.loss < 0.01
    custom = fit_function("custom", "abs(x) - 1", 8, "relu", steps=500)
    assert np.allclose(custom.target, np.abs(custom.x) - 1)
