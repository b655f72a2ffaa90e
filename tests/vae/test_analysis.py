"""Numeric tests for dlcore.vae.analysis: interpolation, gradient estimators, maps, arithmetic."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from dlcore.vae import analysis as A
from dlcore.vae.model import VAESpec, build_vae
from tests.vae.test_model import _FixedEncoder, _linear_gaussian_vae


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(0)
    return build_vae(VAESpec(latent_dim=2, hidden=16)).eval()


@pytest.mark.parametrize("fn", [A.lerp, A.slerp])
@pytest.mark.parametrize("j", [2, 16])
def test_interpolations_hit_both_end_points(fn, j):
    g = torch.Generator().manual_seed(j)
    za, zb = torch.randn(j, generator=g), torch.randn(j, generator=g)
    path = fn(za, zb, torch.linspace(0, 1, 7))
    assert path.shape == (7, j)
    torch.testing.assert_close(path[0], za, atol=1e-5, rtol=0)
    torch.testing.assert_close(path[-1], zb, atol=1e-5, rtol=0)


def test_slerp_keeps_the_norm_and_lerp_does_not():
    za, zb = torch.tensor([3.0, 0.0]), torch.tensor([0.0, 3.0])
    t = torch.linspace(0, 1, 9)
    torch.testing.assert_close(A.slerp(za, zb, t).norm(dim=1), torch.full((9,), 3.0))
    assert float(A.lerp(za, zb, t)[4].norm()) == pytest.approx(3 / math.sqrt(2))
    # parallel vectors: falls back to the straight line
    torch.testing.assert_close(A.slerp(za, 2 * za, t), A.lerp(za, 2 * za, t))


def test_interpolate_strip(model):
    xa, xb = np.zeros(64), np.ones(64)
    it = A.interpolate(model, xa, xb, n_steps=10, method="spherical")
    assert it.images.shape == (10, 8, 8) and it.step_change.shape == (9,)
    np.testing.assert_allclose(it.z[0], it.mu[0], atol=1e-5)
    np.testing.assert_allclose(it.z[-1], it.mu[1], atol=1e-5)
    assert ((it.images >= 0) & (it.images <= 1)).all()
    sampled = A.interpolate(model, xa, xb, n_steps=4, decode_sample=True, seed=3)
    assert not np.allclose(sampled.z[0], sampled.mu[0])


def test_gradient_estimators_agree_with_closed_form_and_reparam_has_less_variance():
    m, w, b, s = _linear_gaussian_vae()
    x = np.array([0.9, 1.5, -0.4, -0.8], dtype=np.float32)
    mu, logvar = torch.tensor([0.3, -0.2]), torch.tensor([-1.0, -0.5])
    m.encoder = _FixedEncoder(mu, logvar)
    gv = A.grad_variance(m, x, n_samples=200_000, seed=0)
    # d/dmu E_q log N(x; Wz+b, s^2) = W^T (x - W mu - b) / s^2
    # d/dlogvar_j = -|W_j|^2 sigma_j^2 / (2 s^2)
    xt = torch.as_tensor(x)
    d_mu = w.T @ (xt - w @ mu - b) / s**2
    d_lv = -0.5 * (w**2).sum(0) * logvar.exp() / s**2
    exact = torch.cat([d_mu, d_lv]).numpy()
    assert gv.names == ("REINFORCE", "REINFORCE + baseline", "reparameterization")
    for e in range(3):  # each mean within 4 standard errors of the exact gradient
        se = np.sqrt(gv.var[e] / gv.n_samples)
        assert np.all(np.abs(gv.mean[e] - exact) < 4 * se + 1e-4), (gv.names[e], gv.mean[e], exact)
    assert gv.total_var[2] < gv.total_var[1] < gv.total_var[0]


def test_latent_map_two_d_and_pca_plane(model):
    x, y = np.random.default_rng(0).random((30, 64)), np.arange(30) % 10
    lm = A.latent_map(model, x, y, grid_n=5, grid_range=2.0)
    assert lm.grid_images.shape == (5, 5, 8, 8) and not lm.is_pca
    np.testing.assert_allclose(lm.points, A.encode(model, x)[0], atol=1e-6)
    np.testing.assert_allclose(
        lm.grid_images[0, 4], A.decode(model, np.array([2.0, -2.0])), atol=1e-6
    )
    big = build_vae(VAESpec(latent_dim=6, hidden=16)).eval()
    lm6 = A.latent_map(big, x, y, grid_n=3)
    assert lm6.is_pca
    np.testing.assert_allclose(lm6.plane.basis @ lm6.plane.basis.T, np.eye(2), atol=1e-8)
    uv = np.array([0.4, -1.1])
    np.testing.assert_allclose(lm6.plane.to_plane(lm6.plane.to_latent(uv)), uv, atol=1e-8)


def test_class_arithmetic(model):
    x_all = np.random.default_rng(1).random((40, 64))
    y_all = np.arange(40) % 4
    ar = A.class_arithmetic(model, x_all, y_all, 1, 3, x_all[0], alpha=1.0, n=5)
    mu_all, _ = A.encode(model, x_all)
    np.testing.assert_allclose(
        ar.direction, mu_all[y_all == 3].mean(0) - mu_all[y_all == 1].mean(0), atol=1e-6
    )
    np.testing.assert_allclose(ar.z[0], mu_all[0], atol=1e-6)
    np.testing.assert_allclose(ar.z[-1], mu_all[0] + ar.direction, atol=1e-6)
    np.testing.assert_allclose(ar.images[0], A.decode(model, mu_all[0]), atol=1e-6)
    with pytest.raises(ValueError, match="no examples of class 9"):
        A.class_arithmetic(model, x_all, y_all, 9, 1, x_all[0])


def test_elbo_breakdown_adds_up(model):
    x = np.random.default_rng(2).random((20, 64))
    eb = A.elbo_breakdown(model, x)
    assert eb.neg_elbo == pytest.approx(eb.recon + eb.kl, rel=1e-5)
    assert eb.kl_per_dim.sum() == pytest.approx(eb.kl, rel=1e-5)
    assert 0 <= eb.active_dims <= 2


def test_reparam_view_and_samples(model):
    rv = A.reparam_view(model, np.full(64, 0.5), n_z=50, seed=1)
    np.testing.assert_allclose(rv.z, rv.mu + rv.sigma * rv.eps, atol=1e-6)
    assert rv.images.shape == (50, 8, 8)
    ps = A.prior_samples(model, 9, seed=0)
    assert ps.shape == (9, 8, 8) and ((ps >= 0) & (ps <= 1)).all()
    rc = A.reconstruct(model, np.random.default_rng(3).random((4, 64)))
    assert rc.recon.shape == rc.originals.shape == (4, 8, 8) and (rc.recon_nll > 0).all()


def test_knn_accuracy_hand_example():
    z_tr = np.array([[0.0, 0], [0.1, 0], [0, 0.1], [5, 5], [5.1, 5], [5, 5.1]])
    y_tr = np.array([0, 0, 0, 1, 1, 1])
    z_te = np.array([[0.05, 0.05], [5.05, 5.0], [4.9, 5.2]])
    assert A.knn_accuracy(z_tr, y_tr, z_te, np.array([0, 1, 1]), k=3) == 1.0
    assert A.knn_accuracy(z_tr, y_tr, z_te, np.array([1, 1, 0]), k=3) == pytest.approx(1 / 3)
    z = np.concatenate([z_tr, z_te])
    y = np.array([0, 0, 0, 1, 1, 1, 0, 1, 1])
    assert A.knn_cv_accuracy(z, y, k=3, folds=3) == 1.0
    assert A.knn_cv_accuracy(z, 1 - y, k=3, folds=3) == 1.0
    assert A.knn_cv_accuracy(z, np.arange(9) % 2, k=3, folds=3) < 0.7
