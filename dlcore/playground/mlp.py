"""A small fully connected network with explicit, vectorised forward and backward passes.

Lecture: feedforward networks, back-propagation, dropout with the weight-scaling inference rule
[Hinton '12]. The playground trains nets of a few dozen parameters thousands of times a second; at
that size autograd's per-op bookkeeping dominates, so the backward pass is written out by hand in
numpy (float64). Tests check every gradient against ``torch.autograd`` and finite differences,
and ``dlcore.playground.export`` rebuilds the same model as a ``torch.nn.Sequential``.

All parameters live in one flat vector ``theta`` (weights W_l (n_l, n_{l+1}) and biases b_l are
views into it), so an optimizer update is one vector operation. Page: pages/playground.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

ArrayFn = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Activation:
    """f(z) and its derivative written in terms of the output h = f(z)."""

    f: ArrayFn
    dh: ArrayFn  # f'(z) as a function of h = f(z)
    torch_name: str  # the torch.nn module that rebuilds it


LEAK = 0.01


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # overflow-free logistic


ACTIVATIONS: dict[str, Activation] = {
    "relu": Activation(lambda z: np.maximum(z, 0.0), lambda h: (h > 0).astype(h.dtype), "ReLU"),
    "tanh": Activation(np.tanh, lambda h: 1.0 - h * h, "Tanh"),
    "sigmoid": Activation(_sigmoid, lambda h: h * (1.0 - h), "Sigmoid"),
    "linear": Activation(lambda z: z, np.ones_like, "Identity"),
    "leaky_relu": Activation(
        lambda z: np.where(z > 0, z, LEAK * z), lambda h: np.where(h > 0, 1.0, LEAK), "LeakyReLU"
    ),
}


@dataclass(frozen=True)
class Head:
    """Output unit + loss. ``dz`` is dJ/dz for the batch mean of the per-example loss."""

    out: ArrayFn  # z (B, K) -> o (B, K)
    loss: Callable[[np.ndarray, np.ndarray], float]  # (o, Y) -> mean loss
    dz: Callable[[np.ndarray, np.ndarray], np.ndarray]  # (o, Y) -> dJ/dz (B, K)


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def _nll(p: np.ndarray, y_onehot: np.ndarray) -> float:
    return float(-np.sum(y_onehot * np.log(np.maximum(p, 1e-300))) / len(p))


HEADS: dict[str, Head] = {
    # TF Playground: tanh output, loss mean 1/2 (o - y)^2 with y = +-1
    "tanh": Head(
        np.tanh,
        lambda o, y: float(0.5 * np.mean((o - y) ** 2) * o.shape[1]),
        lambda o, y: (o - y) * (1.0 - o * o) / len(o),
    ),
    "linear": Head(
        lambda z: z,
        lambda o, y: float(0.5 * np.mean((o - y) ** 2) * o.shape[1]),
        lambda o, y: (o - y) / len(o),
    ),
    # the lecture's negative log-likelihood of a softmax output; Y is one-hot
    "softmax": Head(_softmax, _nll, lambda p, y: (p - y) / len(p)),
}


class MLP:
    """sizes = (n_in, h_1, ..., h_L, n_out); ``keep`` = probability a hidden unit is kept."""

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str,
        head: str,
        keep: float = 1.0,
        rng: np.random.Generator | None = None,
    ) -> None:
        self.sizes = tuple(int(s) for s in sizes)
        self.act = ACTIVATIONS[activation]
        self.head = HEADS[head]
        self.activation_name, self.head_name, self.keep = activation, head, float(keep)
        n_params = sum(a * b + b for a, b in zip(self.sizes[:-1], self.sizes[1:]))
        self.theta = np.zeros(n_params)
        self.grad = np.zeros(n_params)
        self.wmask = np.zeros(n_params)  # 1 on weights, 0 on biases (regularization)
        self.W, self.b = self._views(self.theta)
        self.gW, self.gb = self._views(self.grad)
        for w in self._views(self.wmask)[0]:
            w[...] = 1.0
        self.init(rng or np.random.default_rng(0))

    def _views(self, flat: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        ws, bs, i = [], [], 0
        for a, b in zip(self.sizes[:-1], self.sizes[1:]):
            ws.append(flat[i : i + a * b].reshape(a, b))
            i += a * b
            bs.append(flat[i : i + b])
            i += b
        return ws, bs

    def init(self, rng: np.random.Generator) -> None:
        """TF Playground's init: weights U(-0.5, 0.5), biases 0.1."""
        for w, b in zip(self.W, self.b):
            w[...] = rng.uniform(-0.5, 0.5, w.shape)
            b[...] = 0.1

    @property
    def n_layers(self) -> int:
        return len(self.W)

    def forward(
        self, x: np.ndarray, masks: Sequence[np.ndarray] | None = None
    ) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Returns (h, a): h_l = f(z_l) per hidden layer, a_l the layer's input (a_0 = x).

        Training passes dropout ``masks`` (one 0/1 array (B, h_l) per hidden layer); without masks
        the weight-scaling rule multiplies each hidden output by ``keep``. The last entry of ``a``
        is the network output o (after the head's output unit).
        """
        a, hs = [x], []
        for li in range(self.n_layers - 1):
            h = self.act.f(a[-1] @ self.W[li] + self.b[li])  # (B, h_l)
            hs.append(h)
            if masks is not None:
                a.append(h * masks[li])
            elif self.keep < 1.0:
                a.append(h * self.keep)
            else:
                a.append(h)
        a.append(self.head.out(a[-1] @ self.W[-1] + self.b[-1]))  # (B, n_out)
        return hs, a

    def backward(
        self,
        hs: list[np.ndarray],
        a: list[np.ndarray],
        y: np.ndarray,
        masks: Sequence[np.ndarray] | None = None,
    ) -> None:
        """Fill ``self.grad`` with dJ/dtheta of the mean loss (back-propagation)."""
        delta = self.head.dz(a[-1], y)  # (B, n_out)
        for li in range(self.n_layers - 1, -1, -1):
            np.matmul(a[li].T, delta, out=self.gW[li])
            np.add.reduce(delta, 0, out=self.gb[li])
            if li:
                delta = (delta @ self.W[li].T) * self.act.dh(hs[li - 1])  # (B, h_l)
                if masks is not None:
                    delta *= masks[li - 1]

    def sample_masks(self, batch: int, rng: np.random.Generator) -> list[np.ndarray] | None:
        if self.keep >= 1.0:
            return None
        return [(rng.random((batch, h)) < self.keep).astype(float) for h in self.sizes[1:-1]]

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Inference output (B, n_out) with the weight-scaling rule."""
        return self.forward(x)[1][-1]

    def predict_display(self, x: np.ndarray) -> np.ndarray:
        """``predict`` in float32, for drawing the output over a grid of the plane (~4x faster;
        the colours cannot show the difference). Training and the losses stay in float64."""
        a = x.astype(np.float32, copy=False)
        for li in range(self.n_layers - 1):
            a = self.act.f(a @ self.W[li].astype(np.float32) + self.b[li].astype(np.float32))
            if self.keep < 1.0:
                a = a * np.float32(self.keep)
        return self.head.out(a @ self.W[-1].astype(np.float32) + self.b[-1].astype(np.float32))

    def loss(self, x: np.ndarray, y: np.ndarray) -> float:
        return self.head.loss(self.predict(x), y)

    def penalty(self, kind: str) -> float:
        """Omega(theta): L2 = 1/2 sum w^2, L1 = sum |w| over the weights (not the biases)."""
        w = self.theta[self.wmask > 0]
        if kind == "l2":
            return float(0.5 * np.sum(w * w))
        if kind == "l1":
            return float(np.sum(np.abs(w)))
        return 0.0

    def add_penalty_grad(self, kind: str, rate: float) -> None:
        """grad += rate * dOmega/dtheta."""
        if kind == "l2" and rate:
            self.grad += rate * self.theta * self.wmask
        elif kind == "l1" and rate:
            self.grad += rate * np.sign(self.theta) * self.wmask
