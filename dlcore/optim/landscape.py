"""A real network's loss landscape with the optimizers' paths on it (Li, Xu, Taylor, Studer &
Goldstein, "Visualizing the Loss Landscape of Neural Nets", NeurIPS 2018).

The network is the playground's (``dlcore.playground.mlp.MLP``: tanh hidden layers, tanh output,
loss 1/2 (o - y)^2, hand-written back-propagation checked against autograd by the playground's
tests) on one of its 2-D data sets. The six optimizers of the race (``dlcore.optim.optimizers``)
train copies of one initialisation with full-batch gradients; then the loss is evaluated on a
plane through the final weights theta_c of one of them:

    L(theta_c + a d1 + b d2)   on a grid of (a, b)

with d1, d2 either two random directions, *filter-normalized* (Li et al. section 4: each
neuron's incoming weights in d are rescaled to the norm of that neuron's weights in theta_c;
biases are not moved), or the top two principal directions of the optimizers' iterates
theta_k - theta_c (Li et al. section 7: a random plane misses the path, the PCA plane captures
most of it). Every path is projected onto the plane by least squares; ``in_plane`` says how much
of each path's displacement the plane holds. Page: pages/optimization.py.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from dlcore.optim.optimizers import OPTIMIZERS, build
from dlcore.playground.data import make_dataset, split
from dlcore.playground.mlp import ACTIVATIONS, HEADS, MLP

# learning rates that train the default network well with full-batch gradients (x the page's
# "learning rates x" control); measured on the circle with hidden layers 8, 8
NET_LRS = {"sgd": 0.1, "momentum": 0.01, "nesterov": 0.01, "adagrad": 0.03, "rmsprop": 0.003,
           "adam": 0.003}  # fmt: skip
ACTIVATION, HEAD = "tanh", "tanh"


@dataclass(frozen=True)
class Task:
    """The network's data: features x (N, 2) and targets y (N, 1) = +-1."""

    x: np.ndarray
    y: np.ndarray
    sizes: tuple[int, ...]


def make_task(data: str, hidden: tuple[int, ...], seed: int) -> Task:
    """The playground's data set ``data`` (no noise), its training half, and the layer sizes."""
    points = split(make_dataset(data, 0, seed), 50, seed).train
    return Task(points.x, points.y[:, None].astype(np.float64), (2, *hidden, 1))


def _layers(sizes: tuple[int, ...], flat: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Split flat parameter vectors (..., P) into (W (..., a, b), bias (..., b)) per layer, in
    the MLP's layout (each layer's weights row-major, then its biases)."""
    out, i, lead = [], 0, flat.shape[:-1]
    for a, b in itertools.pairwise(sizes):
        W = flat[..., i : i + a * b].reshape(*lead, a, b)
        i += a * b
        out.append((W, flat[..., i : i + b]))
        i += b
    return out


def _forward(task: Task, thetas: np.ndarray):
    """Layer inputs a_l (G, N, n_l) of every parameter vector, and the output o (G, N, 1)."""
    act, head = ACTIVATIONS[ACTIVATION].f, HEADS[HEAD]
    layers = _layers(task.sizes, thetas)
    a = [np.broadcast_to(task.x, (len(thetas), *task.x.shape))]  # a_0: (G, N, 2)
    for W, b in layers[:-1]:
        a.append(act(a[-1] @ W + b[:, None, :]))  # (G, N, h_l)
    W, b = layers[-1]
    return layers, a, head.out(a[-1] @ W + b[:, None, :])


def batched_loss(task: Task, thetas: np.ndarray) -> np.ndarray:
    """The network's mean loss for many parameter vectors at once: thetas (G, P) -> (G,)."""
    _, _, o = _forward(task, thetas)
    return 0.5 * np.sum((o - task.y) ** 2, axis=(1, 2)) / len(task.y)


def batched_grad(task: Task, thetas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Loss (G,) and its gradient (G, P) for G parameter vectors at once: the MLP's
    back-propagation (``MLP.backward``) batched over networks (tests compare the two)."""
    layers, a, o = _forward(task, thetas)
    loss = 0.5 * np.sum((o - task.y) ** 2, axis=(1, 2)) / len(task.y)
    grad = np.zeros_like(thetas)
    delta = (o - task.y) * (1.0 - o * o) / len(task.y)  # dJ/dz of the tanh output: (G, N, 1)
    for li in range(len(layers) - 1, -1, -1):
        gW, gb = _layers(task.sizes, grad)[li]
        gW[...] = np.swapaxes(a[li], 1, 2) @ delta  # (G, n_l, n_l+1)
        gb[...] = delta.sum(1)
        if li:
            delta = (delta @ np.swapaxes(layers[li][0], 1, 2)) * (1.0 - a[li] * a[li])
    return loss, grad


def train_paths(
    task: Task, steps: int, lr_scale: float, seed: int, names: tuple[str, ...] = tuple(OPTIMIZERS)
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Each optimizer trains the same initial network (the playground's initialisation) for
    ``steps`` full-batch steps, all networks batched in one forward and backward pass.
    Returns name -> iterates (steps + 1, P) and name -> training loss per iterate."""
    theta0 = MLP(task.sizes, ACTIVATION, HEAD, rng=np.random.default_rng(seed)).theta
    thetas = np.tile(theta0, (len(names), 1))  # (G, P)
    opts = [build(name, len(theta0)) for name in names]
    paths = np.empty((len(names), steps + 1, len(theta0)))
    losses = np.empty((len(names), steps + 1))
    with np.errstate(all="ignore"):  # a diverging optimizer's network overflows: NaN, kept out
        for k in range(steps + 1):
            loss, grad = batched_grad(task, thetas)
            paths[:, k], losses[:, k] = thetas, loss
            if k < steps:
                for i, (name, opt) in enumerate(zip(names, opts)):
                    opt.step(thetas[i], grad[i], NET_LRS[name] * lr_scale)
    return dict(zip(names, paths)), dict(zip(names, losses))


def filter_normalized(
    sizes: tuple[int, ...], theta: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """A Gaussian direction with each neuron's incoming weights rescaled to that neuron's norm
    in ``theta`` (Li et al.'s filter normalization; biases get 0)."""
    d = rng.standard_normal(theta.shape)
    for (W, bias), (Wt, _) in zip(_layers(sizes, d), _layers(sizes, theta)):
        W *= np.linalg.norm(Wt, axis=0) / np.maximum(np.linalg.norm(W, axis=0), 1e-12)  # (a, b)
        bias[...] = 0.0
    return d


def pca_directions(
    paths: dict[str, np.ndarray], centre: np.ndarray
) -> tuple[np.ndarray, np.ndarray, tuple[float, float]]:
    """The top two principal directions of every iterate minus the centre, and the share of
    the variance each explains."""
    M = np.concatenate([p - centre for p in paths.values()])  # (S, P)
    evals, evecs = np.linalg.eigh(M.T @ M)  # the scatter matrix (P, P): cheaper than an SVD
    order = np.argsort(evals)[::-1]
    var = np.maximum(evals[order], 0.0) / max(float(np.sum(np.maximum(evals, 0.0))), 1e-300)
    return evecs[:, order[0]], evecs[:, order[1]], (float(var[0]), float(var[1]))


def project(
    points: np.ndarray, centre: np.ndarray, d1: np.ndarray, d2: np.ndarray
) -> tuple[np.ndarray, float]:
    """Least-squares coordinates (S, 2) of ``points`` on the plane centre + a d1 + b d2, and the
    share of the points' squared displacement the plane holds (1 = all of it)."""
    D = np.stack([d1, d2], 1)  # (P, 2)
    rel = points - centre  # (S, P)
    coords = np.linalg.lstsq(D, rel.T, rcond=None)[0].T  # (S, 2)
    total = float(np.sum(rel**2))
    held = float(np.sum((coords @ D.T) ** 2))
    return coords, (held / total if total > 0 else 1.0)


@dataclass(frozen=True)
class Landscape:
    """The loss over a plane of weight space and the optimizers' paths on it."""

    a: np.ndarray  # (R,) grid coordinates along d1
    b: np.ndarray  # (R,) along d2
    loss: np.ndarray  # (R, R) training loss, rows along b
    paths: dict[str, np.ndarray]  # name -> (S + 1, 2) projected iterates
    path_loss: dict[str, np.ndarray]  # name -> (S + 1,) the true training loss of each iterate
    in_plane: dict[str, float]  # name -> share of the path's displacement on the plane
    explained: tuple[float, float] | None  # PCA: variance share of d1, d2
    centre: str
    dirs: str
    n_params: int


def _extent(coords: list[np.ndarray], floor: float) -> tuple[float, float, float, float]:
    allc = np.concatenate(coords)
    lo, hi = allc.min(0), allc.max(0)
    span = np.maximum(hi - lo, 1e-6)
    lo, hi = lo - 0.15 * span, hi + 0.15 * span
    lo, hi = np.minimum(lo, -floor), np.maximum(hi, floor)
    return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])


def landscape(
    data: str = "circle",
    hidden: tuple[int, ...] = (8, 8),
    dirs: str = "pca",
    centre: str = "adam",
    steps: int = 300,
    res: int = 31,
    lr_scale: float = 1.0,
    seed: int = 0,
) -> Landscape:
    """Train the six optimizers, choose the plane, evaluate the loss on a res x res grid."""
    task = make_task(data, hidden, seed)
    paths, path_loss = train_paths(task, steps, lr_scale, seed)
    finite = {n: p for n, p in paths.items() if np.all(np.isfinite(p))}
    if not finite:
        raise ValueError("every optimizer diverged: lower the learning rates")
    centre = centre if centre in finite else next(iter(finite))
    theta_c = paths[centre][-1]
    explained = None
    if dirs == "pca":
        d1, d2, explained = pca_directions(finite, theta_c)
    else:
        rng = np.random.default_rng(seed + 1)
        d1 = filter_normalized(task.sizes, theta_c, rng)
        d2 = filter_normalized(task.sizes, theta_c, rng)
    coords, held = {}, {}
    for name, p in finite.items():
        coords[name], held[name] = project(p, theta_c, d1, d2)
    a0, a1, b0, b1 = _extent(list(coords.values()), 1.0 if dirs == "random" else 1e-3)
    a, b = np.linspace(a0, a1, res), np.linspace(b0, b1, res)
    ga, gb = np.meshgrid(a, b)  # (R, R) rows along b
    thetas = theta_c + ga.reshape(-1, 1) * d1 + gb.reshape(-1, 1) * d2  # (R*R, P)
    with np.errstate(over="ignore", invalid="ignore"):
        loss = batched_loss(task, thetas).reshape(res, res)
    return Landscape(a, b, loss, coords, path_loss, held, explained, centre, dirs, len(theta_c))
