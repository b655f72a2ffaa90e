"""Variational autoencoder: Gaussian encoder q_phi(z|x), reparameterization, decoders, the ELBO.

Lecture: "VAE: Gaussian case", "VAE: MLPs for encoder/decoder", "VAE: KL Divergence Term" (Kingma
and Welling 2014, SGVB estimator B): for one example x^(i),

    L(theta, phi; x) ~= 1/2 sum_j (1 + log sigma_j^2 - mu_j^2 - sigma_j^2)       (= -KL, analytic)
                        + 1/L sum_l log p_theta(x | z^(l)),  z^(l) = mu + sigma * eps^(l)

All quantities are in nats per example (summed over pixels and latent dimensions, never averaged
over them). Used by the VAE page (pages/vae.py) through dlcore.vae.train and dlcore.vae.analysis.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass

import torch
from torch import nn
from torch.nn import functional as F

LOG_2PI = math.log(2.0 * math.pi)


# ----------------------------------------------------------------------------- math
def kl_normal_std(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """Analytic KL( N(mu, diag(sigma^2)) || N(0, I) ), summed over the last axis.

    KL = 1/2 sum_j (mu_j^2 + sigma_j^2 - 1 - log sigma_j^2) >= 0, and 0 iff mu=0, sigma=1.
    """
    return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(-1)  # (B,)


def reparameterize(mu: torch.Tensor, logvar: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
    """z = g_phi(eps, x) = mu + sigma * eps, sigma = exp(logvar / 2); eps may be (L, B, J)."""
    return mu + (0.5 * logvar).exp() * eps


def log_normal_diag(z: torch.Tensor, mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """log N(z; mu, diag(exp(logvar))), summed over the last axis."""
    return -0.5 * (LOG_2PI + logvar + (z - mu).pow(2) / logvar.exp()).sum(-1)


def log_bernoulli(x: torch.Tensor, logits: torch.Tensor, log_sigma: torch.Tensor) -> torch.Tensor:
    """sum_i x_i log y_i + (1 - x_i) log(1 - y_i), y = sigmoid(logits) (x may be grey in [0, 1])."""
    del log_sigma
    return -F.binary_cross_entropy_with_logits(logits, x.expand_as(logits), reduction="none").sum(
        -1
    )


def log_gaussian(x: torch.Tensor, mean: torch.Tensor, log_sigma: torch.Tensor) -> torch.Tensor:
    """log N(x; mean, sigma^2 I) with one learned scalar sigma (a Gaussian MLP decoder)."""
    var = (2.0 * log_sigma).exp()
    d = mean.shape[-1]
    return -0.5 * ((x - mean).pow(2).sum(-1) / var + d * (LOG_2PI + 2.0 * log_sigma))


def bernoulli_mean(out: torch.Tensor) -> torch.Tensor:
    return torch.sigmoid(out)


def gaussian_mean(out: torch.Tensor) -> torch.Tensor:
    return out.clamp(0.0, 1.0)


# name -> (log p(x|z) from decoder output, decoder output -> image in [0, 1])
LIKELIHOODS: dict[str, tuple[Callable, Callable]] = {
    "bernoulli": (log_bernoulli, bernoulli_mean),
    "gaussian": (log_gaussian, gaussian_mean),
}

ACTIVATIONS: dict[str, Callable[[], nn.Module]] = {"relu": nn.ReLU, "tanh": nn.Tanh}


# ----------------------------------------------------------------------------- networks
@dataclass(frozen=True)
class VAESpec:
    """Everything needed to rebuild a VAE (stored in checkpoints)."""

    arch: str = "mlp"  # key of ARCHS
    side: int = 8  # images are side x side, flattened to D = side^2
    latent_dim: int = 2
    hidden: int = 256
    likelihood: str = "bernoulli"  # key of LIKELIHOODS
    act: str = "relu"  # key of ACTIVATIONS

    @property
    def data_dim(self) -> int:
        return self.side * self.side

    def to_dict(self) -> dict:
        return asdict(self)


def _mlp_encoder(spec: VAESpec) -> nn.Module:
    return nn.Sequential(
        nn.Linear(spec.data_dim, spec.hidden), ACTIVATIONS[spec.act](),
        nn.Linear(spec.hidden, 2 * spec.latent_dim),
    )  # fmt: skip


def _mlp_decoder(spec: VAESpec) -> nn.Module:
    return nn.Sequential(
        nn.Linear(spec.latent_dim, spec.hidden), ACTIVATIONS[spec.act](),
        nn.Linear(spec.hidden, spec.data_dim),
    )  # fmt: skip


def _n_down(side: int) -> int:
    """How many stride-2 convolutions: 8 -> 4 (one), 28 -> 14 -> 7 (two)."""
    n, s = 0, side
    while s % 2 == 0 and s > 4 and n < 2:
        s, n = s // 2, n + 1
    return n


class ConvEncoder(nn.Module):
    """Conv(16, 3x3) then stride-2 convs (32 channels) -> dense hidden -> (mu, log sigma^2)."""

    def __init__(self, spec: VAESpec) -> None:
        super().__init__()
        act = ACTIVATIONS[spec.act]
        layers: list[nn.Module] = [nn.Conv2d(1, 16, 3, padding=1), act()]
        ch, s = 16, spec.side
        for _ in range(_n_down(spec.side)):
            layers += [nn.Conv2d(ch, 32, 3, stride=2, padding=1), act()]
            ch, s = 32, s // 2
        self.side = spec.side
        self.conv = nn.Sequential(*layers)
        self.head = nn.Sequential(
            nn.Linear(ch * s * s, spec.hidden), act(), nn.Linear(spec.hidden, 2 * spec.latent_dim)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv(x.reshape(-1, 1, self.side, self.side))  # (B, C, s, s)
        return self.head(h.flatten(1))  # (B, 2J)


class ConvDecoder(nn.Module):
    """Dense -> (32, s, s) -> transposed stride-2 convs back to side x side -> 1 channel."""

    def __init__(self, spec: VAESpec) -> None:
        super().__init__()
        act = ACTIVATIONS[spec.act]
        n = _n_down(spec.side)
        self.s = spec.side // (2**n)
        self.fc = nn.Sequential(
            nn.Linear(spec.latent_dim, spec.hidden), act(),
            nn.Linear(spec.hidden, 32 * self.s * self.s), act(),
        )  # fmt: skip
        layers: list[nn.Module] = []
        for _ in range(n):
            layers += [nn.ConvTranspose2d(32, 32, 4, stride=2, padding=1), act()]
        layers.append(nn.Conv2d(32, 1, 3, padding=1))
        self.deconv = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        lead = z.shape[:-1]
        h = self.fc(z.reshape(-1, z.shape[-1])).reshape(-1, 32, self.s, self.s)
        return self.deconv(h).reshape(*lead, -1)  # (..., D)


ARCHS: dict[str, tuple[Callable[[VAESpec], nn.Module], Callable[[VAESpec], nn.Module]]] = {
    "mlp": (_mlp_encoder, _mlp_decoder),
    "conv": (ConvEncoder, ConvDecoder),
}


@dataclass
class ElboTerms:
    """Per-example terms of the (beta-weighted) SGVB estimator, all in nats: shape (B,)."""

    recon: torch.Tensor  # 1/L sum_l log p(x | z_l)   (the reconstruction term, <= 0 for Bernoulli)
    kl: torch.Tensor  # KL(q(z|x) || p(z))
    mu: torch.Tensor  # (B, J)
    logvar: torch.Tensor  # (B, J)

    @property
    def elbo(self) -> torch.Tensor:
        return self.recon - self.kl

    def loss(self, beta: float = 1.0) -> torch.Tensor:
        """Minibatch objective: mean over the batch of -(recon - beta * KL) (nats per example)."""
        return -(self.recon - beta * self.kl).mean()


class VAE(nn.Module):
    """Encoder q_phi(z|x) = N(mu, sigma^2 I), prior N(0, I), decoder p_theta(x|z)."""

    def __init__(self, spec: VAESpec) -> None:
        super().__init__()
        make_enc, make_dec = ARCHS[spec.arch]
        self.spec = spec
        self.encoder = make_enc(spec)
        self.decoder = make_dec(spec)
        # one scalar sigma for the Gaussian decoder (unused by Bernoulli); init sigma = 0.3
        self.log_sigma = nn.Parameter(torch.tensor(math.log(0.3)))
        self._loglik, self._mean = LIKELIHOODS[spec.likelihood]

    def reset_parameters(self, generator: torch.Generator) -> None:
        """PyTorch's default init of every layer (kaiming-uniform weights, uniform biases), in
        construction order, drawn from ``generator``; the decoder's sigma back to 0.3."""
        with torch.no_grad():
            for layer in self.modules():
                if isinstance(layer, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
                    nn.init.kaiming_uniform_(layer.weight, a=math.sqrt(5), generator=generator)
                    fan_in, _ = nn.init._calculate_fan_in_and_fan_out(layer.weight)
                    bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
                    nn.init.uniform_(layer.bias, -bound, bound, generator=generator)
            self.log_sigma.fill_(math.log(0.3))

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """x (B, D) in [0, 1] -> mu (B, J), log sigma^2 (B, J)."""
        mu, logvar = self.encoder(x).chunk(2, dim=-1)
        return mu, logvar.clamp(-12.0, 8.0)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """z (..., J) -> image means in [0, 1] (..., D)."""
        return self._mean(self.decoder(z))

    def log_px_given_z(self, x: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        """log p_theta(x | z) for z (L, B, J) and x (B, D) -> (L, B)."""
        return self._loglik(x, self.decoder(z), self.log_sigma.clamp(-5.0, 2.0))

    def elbo_terms(
        self, x: torch.Tensor, n_samples: int = 1, eps: torch.Tensor | None = None
    ) -> ElboTerms:
        """The SGVB-B estimate: analytic KL plus an L-sample reconstruction term."""
        mu, logvar = self.encode(x)
        if eps is None:
            eps = torch.randn((n_samples, *mu.shape), device=mu.device, dtype=mu.dtype)
        z = reparameterize(mu, logvar, eps)  # (L, B, J)
        recon = self.log_px_given_z(x, z).mean(0)  # (B,)
        return ElboTerms(recon=recon, kl=kl_normal_std(mu, logvar), mu=mu, logvar=logvar)


def build_vae(spec: VAESpec, device: torch.device | None = None, seed: int | None = None) -> VAE:
    """A fresh VAE on ``device`` (validates the registry keys). With ``seed`` its weights come
    from a private generator seeded so, the same numbers as ``torch.manual_seed(seed)`` then
    ``build_vae(spec)``, but torch's process-wide generator is neither read nor reseeded: what
    other sessions of the server draw from it meanwhile changes nothing, and is not reset."""
    for key, reg in ((spec.arch, ARCHS), (spec.likelihood, LIKELIHOODS), (spec.act, ACTIVATIONS)):
        if key not in reg:
            raise ValueError(f"unknown option {key!r}; choose one of {sorted(reg)}")
    device = device or torch.device("cpu")
    if seed is None:
        return VAE(spec).to(device)
    with torch.device("meta"):  # shapes only: nothing drawn from the global generator
        model = VAE(spec)
    model = model.to_empty(device=torch.device("cpu"))
    model.reset_parameters(torch.Generator(device="cpu").manual_seed(int(seed)))
    return model.to(device)
