"""What the VAE page shows, computed from a trained VAE: small frozen dataclasses of numpy arrays.

- latent_map: encoded means coloured by digit + the decoded manifold grid (Kingma & Welling fig. 4)
- interpolate: linear vs spherical paths between two inputs, decoded strip
- reparam_view / grad_variance: z = mu + sigma * eps made visible; REINFORCE (lecture "REINFORCE for
  the variational lower bound") vs reparameterization gradient variance, measured
- elbo_breakdown, reconstruct, prior_samples: the ELBO's two halves, beta and posterior collapse
- class_arithmetic: the mean-mu direction between two digit classes applied to an input
Lecture: the VAE slides of the seed; page: pages/vae.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from dlcore.device import to_numpy
from dlcore.vae.model import VAE, kl_normal_std


def _dev(model: VAE) -> torch.device:
    return next(model.parameters()).device


def _t(model: VAE, x: np.ndarray) -> torch.Tensor:
    return torch.as_tensor(np.asarray(x, dtype=np.float32), device=_dev(model))


def _images(model: VAE, flat: torch.Tensor) -> np.ndarray:
    s = model.spec.side
    return to_numpy(flat).reshape(*flat.shape[:-1], s, s)


@torch.no_grad()
def encode(model: VAE, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x (N, D) -> mu (N, J), sigma (N, J)."""
    mu, logvar = model.encode(_t(model, x).reshape(-1, model.spec.data_dim))
    return to_numpy(mu), to_numpy((0.5 * logvar).exp())


@torch.no_grad()
def decode(model: VAE, z: np.ndarray) -> np.ndarray:
    """z (..., J) -> images (..., side, side) in [0, 1]."""
    return _images(model, model.decode(_t(model, z)))


# ----------------------------------------------------------------------------- latent map
@dataclass(frozen=True)
class Plane:
    """The 2-D plane the map shows: z = center + coords @ basis (identity when J = 2; else the
    top two principal directions of the encoded means)."""

    center: np.ndarray  # (J,)
    basis: np.ndarray  # (2, J), orthonormal rows

    def to_plane(self, z: np.ndarray) -> np.ndarray:
        return (np.asarray(z) - self.center) @ self.basis.T  # (..., 2)

    def to_latent(self, uv: np.ndarray) -> np.ndarray:
        return self.center + np.asarray(uv, dtype=np.float64) @ self.basis  # (..., J)


def fit_plane(mu: np.ndarray) -> Plane:
    """The identity when J = 2, else the top two principal directions of ``mu`` (N, J), computed
    in float64 (a float32 SVD left the basis orthonormal only to 1e-7)."""
    j = mu.shape[1]
    if j == 2:
        return Plane(np.zeros(2), np.eye(2))
    mu = np.asarray(mu, dtype=np.float64)
    center = mu.mean(0)
    _, _, vt = np.linalg.svd(mu - center, full_matrices=False)
    return Plane(center, vt[:2])


@dataclass(frozen=True)
class LatentMap:
    points: np.ndarray  # (N, 2) encoded means in plane coordinates
    labels: np.ndarray  # (N,)
    grid_axis: np.ndarray  # (n,) plane coordinates of the grid cells (both axes)
    grid_images: np.ndarray  # (n, n, side, side): row i = axis[i] on u2 (vertical), col = u1
    plane: Plane
    is_pca: bool


def latent_map(
    model: VAE, x: np.ndarray, y: np.ndarray, grid_n: int = 15, grid_range: float = 2.5
) -> LatentMap:
    """Encoded means coloured by label and the decoded grid over [-r, r]^2 of the same plane."""
    mu, _ = encode(model, x)
    plane = fit_plane(mu)
    axis = np.linspace(-grid_range, grid_range, grid_n)
    uu, vv = np.meshgrid(axis, axis)  # (n, n): row = v, col = u
    z = plane.to_latent(np.stack([uu, vv], -1))  # (n, n, J)
    return LatentMap(
        plane.to_plane(mu), np.asarray(y), axis, decode(model, z), plane, mu.shape[1] != 2
    )


def decode_at(model: VAE, plane: Plane, uv: tuple[float, float]) -> np.ndarray:
    """Decode one clicked map position -> (side, side)."""
    return decode(model, plane.to_latent(np.asarray(uv, dtype=np.float64)))


# ----------------------------------------------------------------------------- interpolation
def lerp(z_a: torch.Tensor, z_b: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """(1 - t) z_a + t z_b for t (T,) -> (T, J)."""
    t = t[:, None]
    return (1 - t) * z_a + t * z_b


def slerp(z_a: torch.Tensor, z_b: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Spherical interpolation (White 2016): follows the great circle between the directions,
    sin((1-t) w)/sin w z_a + sin(t w)/sin w z_b, w = angle(z_a, z_b); lerp when w ~ 0 or ~ pi."""
    cos = torch.dot(z_a, z_b) / (z_a.norm() * z_b.norm()).clamp_min(1e-12)
    omega = torch.arccos(cos.clamp(-1.0, 1.0))
    s = torch.sin(omega)
    if s.abs() < 1e-6:
        return lerp(z_a, z_b, t)
    t = t[:, None]
    return torch.sin((1 - t) * omega) / s * z_a + torch.sin(t * omega) / s * z_b


INTERPOLATIONS = {"linear": lerp, "spherical": slerp}


@dataclass(frozen=True)
class Interpolation:
    t: np.ndarray  # (T,)
    z: np.ndarray  # (T, J)
    images: np.ndarray  # (T, side, side)
    step_change: np.ndarray  # (T-1,) mean |pixel change| between neighbours
    mu: np.ndarray  # (2, J) encodings of A and B
    sigma: np.ndarray  # (2, J)
    inputs: np.ndarray  # (2, side, side) the normalized inputs


@torch.no_grad()
def interpolate(
    model: VAE, x_a: np.ndarray, x_b: np.ndarray, n_steps: int = 10, method: str = "linear",
    decode_sample: bool = False, seed: int = 0,
) -> Interpolation:  # fmt: skip
    """Encode both inputs (mu), walk ``method`` between them in n_steps, decode each point.

    With ``decode_sample`` each end point is a reparameterized sample z = mu + sigma * eps
    instead of mu (shows why a VAE's interpolations are not unique)."""
    x = _t(model, np.stack([np.ravel(x_a), np.ravel(x_b)]))  # (2, D)
    mu, logvar = model.encode(x)
    ends = mu
    if decode_sample:
        g = torch.Generator().manual_seed(seed)
        ends = mu + (0.5 * logvar).exp() * torch.randn(mu.shape, generator=g).to(mu.device)
    t = torch.linspace(0.0, 1.0, n_steps, device=mu.device)
    z = INTERPOLATIONS[method](ends[0], ends[1], t)  # (T, J)
    imgs = _images(model, model.decode(z))
    change = np.abs(np.diff(imgs, axis=0)).mean(axis=(1, 2))
    s = model.spec.side
    return Interpolation(
        to_numpy(t), to_numpy(z), imgs, change, to_numpy(mu), to_numpy((0.5 * logvar).exp()),
        to_numpy(x).reshape(2, s, s),
    )  # fmt: skip


# ----------------------------------------------------------------------------- reparameterization
@dataclass(frozen=True)
class ReparamView:
    mu: np.ndarray  # (J,)
    sigma: np.ndarray  # (J,)
    eps: np.ndarray  # (K, J)
    z: np.ndarray  # (K, J) = mu + sigma * eps
    images: np.ndarray  # (K, side, side) decodings of the samples
    mean_image: np.ndarray  # (side, side) decoding of mu


@torch.no_grad()
def reparam_view(model: VAE, x: np.ndarray, n_z: int = 64, seed: int = 0) -> ReparamView:
    """For one input: its q(z|x), K samples z = mu + sigma * eps (eps ~ N(0, I)), decodings."""
    mu, logvar = model.encode(_t(model, x).reshape(1, -1))
    g = torch.Generator().manual_seed(seed)
    eps = torch.randn((n_z, model.spec.latent_dim), generator=g).to(mu.device)  # (K, J)
    sigma = (0.5 * logvar).exp()
    z = mu + sigma * eps
    return ReparamView(
        to_numpy(mu[0]), to_numpy(sigma[0]), to_numpy(eps), to_numpy(z),
        _images(model, model.decode(z)), _images(model, model.decode(mu))[0],
    )  # fmt: skip


@dataclass(frozen=True)
class GradVariance:
    """Single-sample estimators of d/d(mu, log sigma^2) E_q[log p(x|z)] for one input."""

    names: tuple[str, ...]  # estimator names
    mean: np.ndarray  # (E, 2J) mean gradient [d/dmu, d/dlogvar]
    var: np.ndarray  # (E, 2J) per-component variance of one-sample estimates
    total_var: np.ndarray  # (E,) sum of the variances
    n_samples: int


def grad_variance(model: VAE, x: np.ndarray, n_samples: int = 2000, seed: int = 0) -> GradVariance:
    """REINFORCE f(z) grad log q(z) (with and without a mean baseline) vs reparameterization
    grad_z f(mu + sigma eps), f(z) = log p(x|z). All three have the same expectation."""
    with torch.no_grad():
        mu, logvar = model.encode(_t(model, x).reshape(1, -1))
    mu, logvar = mu[0], logvar[0]  # (J,)
    g = torch.Generator().manual_seed(seed)
    eps = torch.randn((n_samples, mu.numel()), generator=g).to(mu.device)  # (S, J)
    sigma = (0.5 * logvar).exp()
    z = (mu + sigma * eps).requires_grad_(True)  # (S, J)
    f = model.log_px_given_z(_t(model, x).reshape(1, -1), z[:, None, :])[:, 0]  # (S,)
    (df_dz,) = torch.autograd.grad(f.sum(), z)  # per-sample (independent rows)
    f, z = f.detach(), z.detach()
    score = torch.cat([(z - mu) / sigma**2, 0.5 * ((z - mu) ** 2 / sigma**2 - 1)], 1)  # grad log q
    est = {
        "REINFORCE": f[:, None] * score,
        "REINFORCE + baseline": (f - f.mean())[:, None] * score,
        "reparameterization": torch.cat([df_dz, df_dz * 0.5 * sigma * eps], 1),
    }
    stack = torch.stack(list(est.values()))  # (E, S, 2J)
    var = stack.var(1)
    return GradVariance(
        tuple(est), to_numpy(stack.mean(1)), to_numpy(var), to_numpy(var.sum(1)), n_samples
    )


# ----------------------------------------------------------------------------- ELBO, beta
@dataclass(frozen=True)
class ElboBreakdown:
    neg_elbo: float  # nats per example
    recon: float  # -E_q log p(x|z)
    kl: float
    kl_per_dim: np.ndarray  # (J,) mean KL of each latent dimension
    active_dims: int  # dims with mean KL > 0.01 nats (the rest collapsed to the prior)


@torch.no_grad()
def elbo_breakdown(model: VAE, x: np.ndarray, n_samples: int = 10, seed: int = 0) -> ElboBreakdown:
    xt = _t(model, x).reshape(-1, model.spec.data_dim)
    g = torch.Generator().manual_seed(seed)
    eps = torch.randn((n_samples, len(xt), model.spec.latent_dim), generator=g).to(xt.device)
    t = model.elbo_terms(xt, eps=eps)
    per_dim = to_numpy((0.5 * (t.mu.pow(2) + t.logvar.exp() - 1 - t.logvar)).mean(0))
    return ElboBreakdown(
        float(-t.elbo.mean()), float(-t.recon.mean()), float(t.kl.mean()), per_dim,
        int((per_dim > 0.01).sum()),
    )  # fmt: skip


@dataclass(frozen=True)
class Reconstructions:
    originals: np.ndarray  # (K, side, side)
    recon: np.ndarray  # (K, side, side) decoding of mu
    recon_nll: np.ndarray  # (K,) -log p(x|z=mu) nats
    kl: np.ndarray  # (K,)


@torch.no_grad()
def reconstruct(model: VAE, x: np.ndarray) -> Reconstructions:
    xt = _t(model, x).reshape(-1, model.spec.data_dim)
    mu, logvar = model.encode(xt)
    nll = -model.log_px_given_z(xt, mu[None])[0]
    return Reconstructions(
        _images(model, xt),
        _images(model, model.decode(mu)),
        to_numpy(nll),
        to_numpy(kl_normal_std(mu, logvar)),
    )


@torch.no_grad()
def prior_samples(model: VAE, n: int = 16, seed: int = 0) -> np.ndarray:
    """Decodings of z ~ p(z) = N(0, I) -> (n, side, side)."""
    g = torch.Generator().manual_seed(seed)
    z = torch.randn((n, model.spec.latent_dim), generator=g).to(_dev(model))
    return _images(model, model.decode(z))


# ----------------------------------------------------------------------------- arithmetic
@dataclass(frozen=True)
class Arithmetic:
    direction: np.ndarray  # (J,) mean mu of class_to - mean mu of class_from
    centroids: np.ndarray  # (2, J)
    alphas: np.ndarray  # (K,)
    z: np.ndarray  # (K, J) = mu(x) + alpha * direction
    images: np.ndarray  # (K, side, side)


def class_arithmetic(
    model: VAE, x_all: np.ndarray, y_all: np.ndarray, class_from: int, class_to: int,
    x: np.ndarray, alpha: float = 1.0, n: int = 7,
) -> Arithmetic:  # fmt: skip
    """z(alpha) = mu(x) + alpha (c_to - c_from), alpha from 0 to ``alpha`` in n steps."""
    mu_all, _ = encode(model, x_all)
    cents = []
    for c in (class_from, class_to):
        sel = mu_all[np.asarray(y_all) == c]
        if len(sel) == 0:
            raise ValueError(f"no examples of class {c} in the data")
        cents.append(sel.mean(0))
    direction = cents[1] - cents[0]
    mu_x, _ = encode(model, np.ravel(x)[None])
    alphas = np.linspace(0.0, alpha, n)
    z = mu_x[0] + alphas[:, None] * direction
    return Arithmetic(direction, np.stack(cents), alphas, z, decode(model, z))


# ----------------------------------------------------------------------------- evaluation
def knn_accuracy(
    z_train: np.ndarray, y_train: np.ndarray, z_test: np.ndarray, y_test: np.ndarray, k: int = 5
) -> float:
    """k-nearest-neighbour accuracy (Euclidean, majority vote, ties -> smallest label)."""
    d = ((z_test[:, None, :] - z_train[None, :, :]) ** 2).sum(-1)  # (N_test, N_train)
    nn_idx = np.argpartition(d, k - 1, axis=1)[:, :k]
    votes = np.asarray(y_train)[nn_idx]  # (N_test, k)
    pred = np.array([np.bincount(v, minlength=10).argmax() for v in votes])
    return float((pred == np.asarray(y_test)).mean())


def knn_cv_accuracy(
    z: np.ndarray, y: np.ndarray, k: int = 5, folds: int = 5, seed: int = 0
) -> float:
    """Mean k-NN accuracy over ``folds`` seeded folds of all points (the anchors' method)."""
    parts = np.array_split(np.random.default_rng(seed).permutation(len(z)), folds)
    accs = []
    for test in parts:
        train = np.setdiff1d(np.arange(len(z)), test)
        accs.append(knn_accuracy(z[train], y[train], z[test], y[test], k))
    return float(np.mean(accs))
