"""Numeric tests for dlcore.vae.model: analytic KL, reparameterization, likelihoods, ELBO."""

from __future__ import annotations

import math

import pytest
import torch
from torch.distributions import Bernoulli, MultivariateNormal, Normal, kl_divergence

from dlcore.vae.model import (
    VAESpec,
    build_vae,
    kl_normal_std,
    log_bernoulli,
    log_gaussian,
    log_normal_diag,
    reparameterize,
)


def test_kl_matches_torch_distributions():
    g = torch.Generator().manual_seed(0)
    mu, logvar = torch.randn(5, 3, generator=g), torch.randn(5, 3, generator=g)
    ref = kl_divergence(Normal(mu, (0.5 * logvar).exp()), Normal(0.0, 1.0)).sum(-1)
    torch.testing.assert_close(kl_normal_std(mu, logvar), ref)


def test_kl_matches_monte_carlo():
    mu, logvar = torch.tensor([[0.7, -1.2]]), torch.tensor([[-0.5, 0.4]])
    g = torch.Generator().manual_seed(1)
    z = reparameterize(mu, logvar, torch.randn(200_000, 1, 2, generator=g))  # (S, 1, 2)
    mc = (
        log_normal_diag(z, mu, logvar) - log_normal_diag(z, torch.zeros(2), torch.zeros(2))
    ).mean()
    assert float(mc) == pytest.approx(float(kl_normal_std(mu, logvar)), rel=0.01)


def test_kl_zero_exactly_at_prior_and_hand_values():
    assert float(kl_normal_std(torch.zeros(1, 4), torch.zeros(1, 4))) == 0.0
    assert float(kl_normal_std(torch.tensor([[1.0, 0.0]]), torch.zeros(1, 2))) == pytest.approx(0.5)
    # sigma = e, mu = 0: 1/2 (e^2 - 1 - 2)
    assert float(kl_normal_std(torch.zeros(1, 1), torch.full((1, 1), 2.0))) == pytest.approx(
        0.5 * (math.e**2 - 3)
    )
    g = torch.Generator().manual_seed(2)
    kl = kl_normal_std(torch.randn(100, 3, generator=g), torch.randn(100, 3, generator=g))
    assert bool((kl > 0).all())


def test_reparameterized_sample_mean_and_variance():
    mu, logvar = torch.tensor([1.5, -2.0]), torch.tensor([0.2, -1.0])
    g = torch.Generator().manual_seed(3)
    z = reparameterize(mu, logvar, torch.randn(100_000, 2, generator=g))
    sigma = (0.5 * logvar).exp()
    torch.testing.assert_close(z.mean(0), mu, atol=0.01 * sigma.max().item() * 2, rtol=0)
    torch.testing.assert_close(z.std(0), sigma, rtol=0.01, atol=0)


def test_reparameterization_gradients():
    mu = torch.tensor([0.3, -0.7], requires_grad=True)
    logvar = torch.tensor([0.5, -1.5], requires_grad=True)
    eps = torch.tensor([1.2, -0.4])
    reparameterize(mu, logvar, eps).sum().backward()
    torch.testing.assert_close(mu.grad, torch.ones(2))
    torch.testing.assert_close(logvar.grad, 0.5 * (0.5 * logvar.detach()).exp() * eps)


def test_bernoulli_and_gaussian_log_likelihoods_match_torch():
    g = torch.Generator().manual_seed(4)
    x = (torch.rand(3, 10, generator=g) > 0.5).float()
    logits = torch.randn(3, 10, generator=g)
    ref = Bernoulli(logits=logits).log_prob(x).sum(-1)
    torch.testing.assert_close(log_bernoulli(x, logits, torch.tensor(0.0)), ref)
    mean, log_sigma = torch.rand(3, 10, generator=g), torch.tensor(-0.8)
    ref = Normal(mean, log_sigma.exp()).log_prob(x).sum(-1)
    torch.testing.assert_close(log_gaussian(x, mean, log_sigma), ref)


@pytest.mark.parametrize("arch", ["mlp", "conv"])
@pytest.mark.parametrize("side", [8, 28])
def test_shapes(arch, side):
    spec = VAESpec(arch=arch, side=side, latent_dim=3, hidden=32)
    m = build_vae(spec)
    x = torch.rand(5, side * side)
    mu, logvar = m.encode(x)
    assert mu.shape == logvar.shape == (5, 3)
    assert m.decode(torch.randn(4, 5, 3)).shape == (4, 5, side * side)
    t = m.elbo_terms(x, n_samples=3)
    assert t.recon.shape == t.kl.shape == (5,)
    torch.testing.assert_close(t.loss(0.0), -t.recon.mean())
    torch.testing.assert_close(t.loss(1.0), -t.elbo.mean())


def test_unknown_option_is_rejected():
    with pytest.raises(ValueError, match="unknown option"):
        build_vae(VAESpec(arch="transformer"))


class _FixedEncoder(torch.nn.Module):
    """Returns the given (mu, logvar) for every input (a hand-set q(z|x))."""

    def __init__(self, mu, logvar):
        super().__init__()
        self.out = torch.cat([mu, logvar])

    def forward(self, x):
        return self.out.expand(len(x), -1)


def _linear_gaussian_vae():
    """z ~ N(0, I_2), x | z ~ N(W z + b, s^2 I_4): log p(x) = log N(x; b, W W^T + s^2 I)."""
    m = build_vae(VAESpec(latent_dim=2, side=2, likelihood="gaussian"))
    w = torch.tensor([[1.0, 0.0], [0.0, 2.0], [1.0, 0.0], [0.0, -1.0]])  # orthogonal columns
    b, s = torch.tensor([0.1, -0.2, 0.3, 0.0]), 0.5
    dec = torch.nn.Linear(2, 4)
    with torch.no_grad():
        dec.weight.copy_(w)
        dec.bias.copy_(b)
        m.log_sigma.fill_(math.log(s))
    m.decoder = dec
    m._mean = lambda out: out  # a Gaussian decoder with unclamped mean
    return m, w, b, s


@torch.no_grad()
def test_elbo_is_at_most_log_px_and_tight_at_true_posterior():
    m, w, b, s = _linear_gaussian_vae()
    x = torch.tensor([[0.9, 1.5, -0.4, -0.8]])
    log_px = MultivariateNormal(b, w @ w.T + s**2 * torch.eye(4)).log_prob(x[0])
    # exact posterior: Sigma = (I + W^T W / s^2)^-1 (diagonal: W has orthogonal columns)
    prec = torch.eye(2) + w.T @ w / s**2
    cov = torch.linalg.inv(prec)
    mu_post = cov @ w.T @ (x[0] - b) / s**2
    eps = torch.randn(400_000, 1, 2, generator=torch.Generator().manual_seed(5))
    m.encoder = _FixedEncoder(mu_post, torch.log(torch.diagonal(cov)))
    exact = m.elbo_terms(x, eps=eps).elbo
    assert float(exact) == pytest.approx(float(log_px), abs=0.02)
    for mu_q, lv_q in [
        ([0.0, 0.0], [0.0, 0.0]),
        ([1.0, 0.5], [-2.0, -2.0]),
        (mu_post.tolist(), [0.5, 0.5]),
    ]:
        m.encoder = _FixedEncoder(torch.tensor(mu_q), torch.tensor(lv_q))
        elbo = m.elbo_terms(x, eps=eps).elbo
        assert float(elbo) < float(log_px) - 0.05


@pytest.mark.parametrize("arch", ["mlp", "conv"])
def test_a_seeded_build_draws_the_weights_of_the_global_seed_privately(arch):
    """build_vae(spec, seed=s) gives the weights of torch.manual_seed(s) then build_vae(spec)
    (the shipped checkpoints stay reproducible) and leaves the global generator alone."""
    spec = VAESpec(arch=arch, latent_dim=3, hidden=32)
    torch.manual_seed(7)
    reference = build_vae(spec)
    state = torch.get_rng_state()
    seeded = build_vae(spec, seed=7)
    assert torch.equal(state, torch.get_rng_state())
    for (name, p), q in zip(reference.state_dict().items(), seeded.state_dict().values()):
        torch.testing.assert_close(p, q, rtol=0, atol=0, msg=name)
