"""Export a trained playground network as a PyTorch model: weights file + a code snippet.

Rebuilds the same function as ``torch.nn.Sequential`` (Linear + activation per hidden layer, the
output unit last). Dropout is folded in with the weight-scaling inference rule (outgoing weights
multiplied by the keep probability), so the exported model is the inference-time network.
TF Playground users asked for this (#39 export as code, #23 save/load). Page: pages/playground.py.
"""

from __future__ import annotations

import io

import torch
from torch import nn

from dlcore.device import get_device
from dlcore.playground.features import FEATURES
from dlcore.playground.mlp import ACTIVATIONS, MLP

HEAD_MODULES = {"tanh": "nn.Tanh()", "linear": "nn.Identity()", "softmax": "nn.Softmax(dim=1)"}


def _act_module(name: str) -> nn.Module:
    if name == "leaky_relu":
        return nn.LeakyReLU(0.01)
    return getattr(nn, ACTIVATIONS[name].torch_name)()


def to_torch(net: MLP, device: torch.device | None = None) -> nn.Sequential:
    """The inference-time network as nn.Sequential (float64) on ``device`` (get_device())."""
    device = device or get_device()
    layers: list[nn.Module] = []
    for li, (w, b) in enumerate(zip(net.W, net.b)):
        lin = nn.Linear(w.shape[0], w.shape[1], dtype=torch.float64, device=device)
        scale = net.keep if li > 0 else 1.0  # weight scaling rule for dropped hidden units
        with torch.no_grad():
            lin.weight.copy_(torch.as_tensor(w.T * scale, device=device))
            lin.bias.copy_(torch.as_tensor(b, device=device))
        layers.append(lin)
        if li < net.n_layers - 1:
            layers.append(_act_module(net.activation_name))
    layers.append(
        {"tanh": nn.Tanh(), "linear": nn.Identity(), "softmax": nn.Softmax(dim=1)}[net.head_name]
    )
    return nn.Sequential(*layers)


def weights_bytes(net: MLP) -> bytes:
    """The state_dict of ``to_torch(net)`` saved with torch.save (load with weights_only=True)."""
    buf = io.BytesIO()
    torch.save(to_torch(net, torch.device("cpu")).state_dict(), buf)
    return buf.getvalue()


FEATURE_CODE = {
    "x1": "x1",
    "x2": "x2",
    "x1sq": "x1 * x1",
    "x2sq": "x2 * x2",
    "x1x2": "x1 * x2",
    "sinx1": "torch.sin(x1)",
    "sinx2": "torch.sin(x2)",
}
ACT_CODE = {
    "relu": "nn.ReLU()",
    "tanh": "nn.Tanh()",
    "sigmoid": "nn.Sigmoid()",
    "linear": "nn.Identity()",
    "leaky_relu": "nn.LeakyReLU(0.01)",
}


def torch_snippet(net: MLP, features: tuple[str, ...], weights_file: str = "playground.pt") -> str:
    """A short, runnable PyTorch script that rebuilds the model and loads the weights."""
    feats = [n for n in FEATURES if n in features]
    layers = []
    for li, (w_in, w_out) in enumerate(zip(net.sizes[:-1], net.sizes[1:])):
        layers.append(f"    nn.Linear({w_in}, {w_out}, dtype=torch.float64),")
        if li < net.n_layers - 1:
            layers.append(f"    {ACT_CODE[net.activation_name]},")
    layers.append(f"    {HEAD_MODULES[net.head_name]},")
    cols = ", ".join(FEATURE_CODE[f] for f in feats)
    return "\n".join(
        [
            "import torch",
            "from torch import nn",
            "",
            "model = nn.Sequential(",
            *layers,
            ")",
            f'model.load_state_dict(torch.load("{weights_file}", weights_only=True))',
            "model.eval()",
            "",
            "",
            "def features(x):  # x: (N, 2) points in [-6, 6]^2",
            "    x1, x2 = x[:, 0], x[:, 1]",
            f"    return torch.stack([{cols}], dim=1)",
            "",
            "",
            "x = torch.tensor([[1.0, 2.0]], dtype=torch.float64)",
            "print(model(features(x)))  # tanh output in [-1, 1] (or class probabilities)",
            "",
        ]
    )
