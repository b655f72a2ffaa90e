"""Dropout as an ensemble, on the shipped digits: the exact geometric-mean ensemble over all 2^n
dropout masks, the weight-scaling inference rule, the arithmetic mean over masks, a Monte Carlo
estimate from sampled masks, and k bagged models, on the same inputs.

Lecture, "Dropout as ensemble" and "Weight scaling inference rule" [Hinton '12, Srivastava '14]:
a mask mu in {0, 1}^n keeps each of n units with probability p; a sub-model predicts
p(y | v; mu) = softmax(W^T (mu (.) v) + b)_y. The ensemble's prediction is the normalised
geometric mean  p_ens(y | v) ~ prod_mu p(y | v; mu)^{p(mu)}  (the lecture's 2^n-th root for
p = 1/2). For a single softmax layer its log is linear in mu, so it equals softmax(W^T (p v) + b):
the weight-scaling rule is exact. With a hidden layer in between it is only an approximation;
the page measures the gap.

Data: the 8 x 8 digits (dlcore.data.digits), each image reduced to its top n principal
components (standardised), so that n input units can be dropped and all 2^n masks enumerated.
Models: a softmax layer (n -> 10) and a network with one ReLU hidden layer (n -> H -> 10), both
trained with dropout on the n inputs (torch, autograd, full batch, Adam, float32; predictions
and every ensemble are computed in float64 numpy). Page:
pages/optimization.py (the dropout view).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import torch

from dlcore.data.digits import train_test_split
from dlcore.device import get_device, to_numpy

KINDS = ("softmax", "hidden")
STEPS, LR = 300, 0.05  # full-batch Adam: both models reach their test accuracy by then
MASK_CHUNK = 256  # masks evaluated at once (bounded memory for n = 12)


@dataclass(frozen=True)
class DigitsTask:
    """Digits as n standardised principal components: train (N, n) and test (M, n)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    images_test: np.ndarray  # (M, 8, 8) for display


def make_task(n: int, seed: int = 0) -> DigitsTask:
    split = train_test_split(0.2, seed)
    flat = split.train.images.reshape(len(split.train.images), -1).astype(np.float64)  # (N, 64)
    mean = flat.mean(0)
    _, _, Vt = np.linalg.svd(flat - mean, full_matrices=False)
    comps = Vt[:n]  # (n, 64)
    train = (flat - mean) @ comps.T
    std = train.std(0)
    test_flat = split.test.images.reshape(len(split.test.images), -1).astype(np.float64)
    test = (test_flat - mean) @ comps.T
    return DigitsTask(
        train / std, split.train.labels, test / std, split.test.labels, split.test.images
    )


@dataclass(frozen=True)
class Net:
    """A trained model's weights (numpy float64): (W (n, 10), b) or (W1, b1, W2, b2)."""

    kind: str
    params: tuple[np.ndarray, ...]


@dataclass(frozen=True)
class Spec:
    """How one model is trained: inputs kept with probability ``keep`` (1 = no dropout), on a
    bootstrap resample of the training set or on all of it, from the initialisation ``seed``."""

    keep: float = 1.0
    bootstrap: bool = False
    seed: int = 0


def _init(sizes: tuple[int, ...], seeds: list[int]) -> list[torch.Tensor]:
    """Stacked weights (G, a, b) and biases (G, 1, b) per layer, each model seeded on its own
    (uniform in +-1/sqrt(a), torch.nn.Linear's default range; zero biases)."""
    params = []
    for a, b in itertools.pairwise(sizes):
        ws = []
        for seed in seeds:
            gen = torch.Generator().manual_seed(seed * 1000 + a * 31 + b)
            ws.append((torch.rand(a, b, generator=gen) * 2 - 1) / np.sqrt(a))
        params += [torch.stack(ws), torch.zeros(len(seeds), 1, b)]
    return params


def _forward(params: list[torch.Tensor], v: torch.Tensor) -> torch.Tensor:
    """Logits of G stacked models: v (G, N, n) -> (G, N, 10)."""
    h = v
    for i in range(0, len(params) - 2, 2):
        h = torch.relu(torch.baddbmm(params[i + 1], h, params[i]))
    return torch.baddbmm(params[-1], h, params[-2])


def train_models(task: DigitsTask, kind: str, specs: list[Spec], *, hidden: int = 32) -> list[Net]:
    """Train one model per spec with full-batch Adam, all of them at once (stacked along a
    model axis: each model's loss and gradient are its own, so this equals training them one by
    one). A model with keep < 1 drops each input of each example with probability 1 - keep at
    every step (a fresh mask each time); ``bootstrap`` resamples the training set (bagging)."""
    device, dtype = get_device(), torch.float32  # training needs no more; predictions are float64
    N, n = task.x_train.shape
    idx = np.stack([
        np.random.default_rng(s.seed).integers(0, N, N) if s.bootstrap else np.arange(N)
        for s in specs
    ])  # fmt: skip
    v = torch.as_tensor(task.x_train[idx], dtype=dtype, device=device)  # (G, N, n)
    target = torch.as_tensor(task.y_train[idx], device=device).reshape(-1)  # (G * N,)
    keep = torch.tensor([s.keep for s in specs]).reshape(-1, 1, 1)
    sizes = (n, 10) if kind == "softmax" else (n, hidden, 10)
    params = [p.to(device, dtype).requires_grad_() for p in _init(sizes, [s.seed for s in specs])]
    opt = torch.optim.Adam(params, lr=LR)
    gen = torch.Generator().manual_seed(specs[0].seed + 7)
    for _ in range(STEPS):
        mask = torch.rand(v.shape, generator=gen) < keep  # (G, N, n)
        z = _forward(params, v * mask.to(device, dtype))  # (G, N, 10)
        # the sum over models of each model's mean loss: every model gets its own gradient
        loss = torch.nn.functional.cross_entropy(z.reshape(-1, 10), target) * len(specs)
        opt.zero_grad()
        loss.backward()
        opt.step()
    arrays = [to_numpy(p).astype(np.float64) for p in params]
    return [
        Net(kind, tuple(a[g] if a.ndim == 3 and j % 2 == 0 else a[g, 0]
                        for j, a in enumerate(arrays)))
        for g in range(len(specs))
    ]  # fmt: skip


def train(
    task: DigitsTask,
    kind: str,
    *,
    hidden: int = 32,
    keep: float = 1.0,
    bootstrap: bool = False,
    seed: int = 0,
) -> Net:
    """One model (``train_models`` with one spec)."""
    return train_models(task, kind, [Spec(keep, bootstrap, seed)], hidden=hidden)[0]


# ----------------------------------------------------------------------------- predictions
def _log_softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(-1, keepdims=True)
    return z - np.log(np.exp(z).sum(-1, keepdims=True))


def logits(net: Net, v: np.ndarray) -> np.ndarray:
    """The model's logits for inputs v (..., n) -> (..., 10)."""
    p = net.params
    if net.kind == "softmax":
        return v @ p[0] + p[1]
    return np.maximum(v @ p[0] + p[1], 0.0) @ p[2] + p[3]


def predict(net: Net, v: np.ndarray) -> np.ndarray:
    return np.exp(_log_softmax(logits(net, v)))


def weight_scaled(net: Net, v: np.ndarray, keep: float) -> np.ndarray:
    """The weight-scaling rule: the weights out of each dropped unit times p (here: v times p)."""
    return predict(net, keep * v)


def all_masks(n: int) -> np.ndarray:
    """Every mask in {0, 1}^n: (2^n, n)."""
    return ((np.arange(2**n)[:, None] >> np.arange(n)) & 1).astype(np.float64)


def mask_log_weights(masks: np.ndarray, keep: float) -> np.ndarray:
    """log p(mu) of each mask (independent units kept with probability ``keep``)."""
    return masks @ np.full(masks.shape[1], np.log(keep)) + (1 - masks) @ np.full(
        masks.shape[1], np.log1p(-keep)
    )


def mask_means(
    net: Net, v: np.ndarray, masks: np.ndarray, log_w: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The normalised weighted geometric mean and the arithmetic mean of p(y | v; mu) over
    ``masks`` with weights exp(log_w) (normalised to sum to 1): (B, 10) each."""
    w = np.exp(log_w - log_w.max())
    w = w / w.sum()
    geo = np.zeros((len(v), 10))
    arith = np.zeros((len(v), 10))
    for i in range(0, len(masks), MASK_CHUNK):
        m, wi = masks[i : i + MASK_CHUNK], w[i : i + MASK_CHUNK]
        logp = _log_softmax(logits(net, m[:, None, :] * v[None]))  # (c, B, 10)
        geo += np.einsum("c,cbk->bk", wi, logp)
        arith += np.einsum("c,cbk->bk", wi, np.exp(logp))
    return np.exp(_log_softmax(geo)), arith


@dataclass(frozen=True)
class Ensembles:
    """One dropout model's ensemble predictions on inputs v (B, 10) each."""

    geo: np.ndarray  # exact: normalised geometric mean over all 2^n masks
    arith: np.ndarray  # exact: arithmetic mean over all masks
    scaled: np.ndarray  # the weight-scaling rule
    mc_geo: np.ndarray  # from sampled masks
    mc_arith: np.ndarray


def ensembles(net: Net, v: np.ndarray, keep: float, mc: int, seed: int = 0) -> Ensembles:
    """Every ensemble prediction of the dropout model ``net`` on inputs ``v`` (B, n)."""
    n = v.shape[1]
    masks = all_masks(n)
    geo, arith = mask_means(net, v, masks, mask_log_weights(masks, keep))
    sampled = (np.random.default_rng(seed).random((mc, n)) < keep).astype(np.float64)
    mc_geo, mc_arith = mask_means(net, v, sampled, np.zeros(mc))
    return Ensembles(geo, arith, weight_scaled(net, v, keep), mc_geo, mc_arith)


def bagged(nets: list[Net], v: np.ndarray) -> np.ndarray:
    """The lecture's bagging prediction: 1/k sum_i p^(i)(y | v)."""
    return np.mean([predict(net, v) for net in nets], axis=0)


def kl(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """KL(p || q) per row (nats; rounding can make an exact 0 slightly negative: clipped)."""
    p = np.clip(p, 1e-300, 1.0)
    q = np.clip(q, 1e-300, 1.0)
    return np.maximum(np.sum(p * (np.log(p) - np.log(q)), axis=-1), 0.0)


def accuracy(probs: np.ndarray, labels: np.ndarray) -> float:
    return float(np.mean(probs.argmax(1) == labels))


# ----------------------------------------------------------------------------- the study
def train_all(
    task: DigitsTask, keep: float, hidden: int, k: int, seed: int = 0
) -> dict[str, list[Net]]:
    """For each kind of model: [the dropout model, a model without dropout, k bagged models]."""
    specs = [Spec(keep, False, seed), Spec(1.0, False, seed + 1)]
    specs += [Spec(1.0, True, seed + 10 + i) for i in range(k)]
    return {kind: train_models(task, kind, specs, hidden=hidden) for kind in KINDS}


@dataclass(frozen=True)
class Comparison:
    """Every prediction of one kind of model on the whole test set, and how they compare."""

    kind: str
    ens: Ensembles
    bag: np.ndarray  # (M, 10) the k bagged models' arithmetic mean
    plain: np.ndarray  # (M, 10) the model trained without dropout
    accuracy: dict[str, float]  # method -> test accuracy
    gap_kl: float  # mean KL(geometric mean || weight scaling) over the test set (nats)
    gap_max: float  # the largest |geometric mean - weight scaling| of any class probability
    mc_gap: float  # the largest |Monte Carlo geometric mean - exact|


def compare(task: DigitsTask, nets: list[Net], keep: float, mc: int, seed: int = 0) -> Comparison:
    """The ensembles of ``nets[0]`` (trained with dropout), the bagged mean of ``nets[2:]`` and
    the plain ``nets[1]`` on the test digits."""
    v, y = task.x_test, task.y_test
    ens = ensembles(nets[0], v, keep, mc, seed)
    bag, plain = bagged(nets[2:], v), predict(nets[1], v)
    probs = {"geo": ens.geo, "scaled": ens.scaled, "arith": ens.arith, "mc": ens.mc_geo,
             "bag": bag, "plain": plain}  # fmt: skip
    return Comparison(
        nets[0].kind, ens, bag, plain, {m: accuracy(p, y) for m, p in probs.items()},
        float(kl(ens.geo, ens.scaled).mean()), float(np.abs(ens.geo - ens.scaled).max()),
        float(np.abs(ens.mc_geo - ens.geo).max()),
    )  # fmt: skip
