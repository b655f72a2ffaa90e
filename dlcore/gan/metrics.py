"""Sample-quality metrics for the 2-D GAN, and the lecture's optimal discriminator.

- Jensen-Shannon divergence "by grid": histogram both sample sets on a bins x bins grid and
  compute JS(p || q) in nats (0 for equal, ln 2 for disjoint). GAN losses sit near 2 ln 2 / ln 2
  whatever the quality, so the page plots this beside them. Thousands of samples are needed: with
  a few hundred, even a perfect generator scores far above 0 (anchors, page 7(d)).
- Mode coverage for mixtures: modes hit, share of samples within n_sigma std of a mode.
- D*(x) = p_data(x) / (p_data(x) + p_g(x)) (Proposition 1) estimated from histograms, and
  C(G) = E_pdata[log D*] + E_pg[log(1 - D*)] = -log 4 + 2 JS(p_data || p_g) (Theorem 1).
- Swings of the fake samples' centre across the data's: how an oscillating GAN is measured.
Numpy only. Page: pages/gan.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from dlcore.gan.targets import PLANE_EXTENT

LOG4 = math.log(4.0)


def histogram2d(
    x: np.ndarray, bins: int = 30, extent: tuple[float, float] = PLANE_EXTENT
) -> np.ndarray:
    """Normalised 2-D histogram (bins, bins) indexed [ix, iy]; samples outside are clipped in."""
    pts = np.asarray(x, dtype=np.float64).reshape(-1, 2)
    pts = np.clip(pts[np.isfinite(pts).all(1)], extent[0], extent[1] - 1e-9)  # drop NaN samples
    h, _, _ = np.histogram2d(pts[:, 0], pts[:, 1], bins=bins, range=[extent, extent])
    return h / max(h.sum(), 1.0)


def js_discrete(p: np.ndarray, q: np.ndarray) -> float:
    """JS(p || q) in nats for two discrete distributions of the same shape."""
    p, q = np.asarray(p, float).ravel(), np.asarray(q, float).ravel()
    if p.sum() <= 0 or q.sum() <= 0:  # one side has no (finite) samples: maximally different
        return math.log(2.0)
    p, q = p / p.sum(), q / q.sum()
    m = 0.5 * (p + q)
    return float(0.5 * _kl(p, m) + 0.5 * _kl(q, m))


def _kl(p: np.ndarray, q: np.ndarray) -> float:
    nz = p > 0
    return float(np.sum(p[nz] * np.log(p[nz] / q[nz])))


def js_by_grid(real: np.ndarray, fake: np.ndarray, bins: int = 30) -> float:
    """JS between two sample sets on a bins x bins grid over the plane (nats)."""
    return js_discrete(histogram2d(real, bins), histogram2d(fake, bins))


def value_discrete(d: np.ndarray, p: np.ndarray, q: np.ndarray) -> float:
    """V(D, G) = sum_x p(x) log D(x) + sum_x q(x) log(1 - D(x)) on a discrete space."""
    p, q, d = (np.asarray(a, float).ravel() for a in (p, q, d))
    with np.errstate(divide="ignore", invalid="ignore"):
        real = np.where(p > 0, p * np.log(np.where(p > 0, d, 1.0)), 0.0)
        fake = np.where(q > 0, q * np.log(np.where(q > 0, 1 - d, 1.0)), 0.0)
    return float(real.sum() + fake.sum())


def optimal_d(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """D* = p / (p + q) where p + q > 0, NaN where neither distribution has mass."""
    p, q = np.asarray(p, float), np.asarray(q, float)
    total = p + q
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, p / np.where(total > 0, total, 1.0), np.nan)


def criterion(p: np.ndarray, q: np.ndarray) -> float:
    """C(G) = max_D V(D, G) = V(D*, G) = sum p log(p / (p + q)) + sum q log(q / (p + q));
    equals -log 4 iff p = q, 0 for disjoint p and q.

    Computed from p and q directly, not as V(D*, G): where q is tiny beside p, D* rounds to 1
    and log(1 - D*) would be -inf although q log(q / (p + q)) is a tiny finite number."""
    p, q = (np.asarray(a, float).ravel() for a in (p, q))
    return float(_mass_log_share(p, q).sum() + _mass_log_share(q, p).sum())


def _mass_log_share(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a log(a / (a + b)) elementwise (0 where a = 0), accurate for every ratio b / a: where
    b <= a the share is near 1 and its log is -log1p(b / a); else the share is below 1/2."""
    out = np.zeros_like(a)
    near_one = (a > 0) & (b <= a)
    below_half = (a > 0) & (b > a)
    out[near_one] = -a[near_one] * np.log1p(b[near_one] / a[near_one])
    share = a[below_half] / (a[below_half] + b[below_half])
    out[below_half] = a[below_half] * np.log(share)
    return out


def smooth(h: np.ndarray, sigma_cells: float = 1.0) -> np.ndarray:
    """Separable Gaussian blur of a histogram (a cheap density estimate for D*)."""
    r = max(1, int(3 * sigma_cells))
    k = np.exp(-0.5 * (np.arange(-r, r + 1) / sigma_cells) ** 2)
    k /= k.sum()
    out = np.apply_along_axis(lambda v: np.convolve(v, k, mode="same"), 0, h)
    return np.apply_along_axis(lambda v: np.convolve(v, k, mode="same"), 1, out)


def optimal_d_from_samples(real: np.ndarray, fake: np.ndarray, bins: int = 40) -> np.ndarray:
    """D*(x) on a bins x bins grid from (smoothed) histograms; NaN where both densities vanish."""
    p, q = smooth(histogram2d(real, bins)), smooth(histogram2d(fake, bins))
    floor = 1e-4 / bins**2  # ignore blur tails: D* is undefined where there is no data at all
    return optimal_d(np.where(p > floor, p, 0), np.where(q > floor, q, 0))


@dataclass(frozen=True)
class Coverage:
    """Mode coverage of a sample set against K mixture modes."""

    counts: np.ndarray  # (K,) samples within n_sigma std of each mode
    modes_hit: int  # modes with at least min_share of their fair share N/K
    share_near: float  # fraction of all samples within n_sigma std of some mode


def mode_coverage(
    x: np.ndarray, modes: np.ndarray, std: float, n_sigma: float = 3.0, min_share: float = 0.25
) -> Coverage:
    """Assign each sample to its nearest mode if within n_sigma * std; count per mode.

    A mode is hit when it holds at least ``min_share`` of its fair share len(x) / K.
    """
    x, modes = np.asarray(x, float), np.asarray(modes, float)
    dist = np.linalg.norm(x[:, None, :] - modes[None, :, :], axis=-1)  # (N, K)
    nearest = dist.argmin(1)
    near = dist[np.arange(len(x)), nearest] <= n_sigma * std
    counts = np.bincount(nearest[near], minlength=len(modes))
    fair = len(x) / len(modes)
    return Coverage(counts, int((counts >= min_share * fair).sum()), float(near.mean()))


def swings(offsets: np.ndarray, reach: float) -> int:
    """How many times a path of 2-D offsets (K, 2) of the fake samples' centre from the data's
    goes from beyond ``reach`` on one side of the data's centre to beyond ``reach`` on the
    other, along the path's main direction (its first principal axis). A GAN that oscillates
    swings across the data again and again; one that settles stays within ``reach``."""
    path = np.asarray(offsets, float).reshape(-1, 2)
    if len(path) < 2:
        return 0
    axis = np.linalg.svd(path - path.mean(0), full_matrices=False)[2][0]
    along = path @ axis  # (K,) signed distance from the data's centre
    sides = np.sign(along) * (np.abs(along) > reach)  # -1 / +1 beyond reach, 0 within
    beyond = sides[sides != 0]
    return int(np.sum(beyond[1:] != beyond[:-1]))
