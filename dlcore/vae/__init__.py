"""Variational autoencoders (Kingma & Welling 2014; the seed's VAE slides) for pages/vae.py.

    from dlcore.vae.checkpoints import load_shipped
    from dlcore.vae.model import VAESpec
    from dlcore.vae.train import cached_split
    from dlcore.vae import analysis
    model, meta = load_shipped("digits", VAESpec(), 1.0)
    x = cached_split("digits").x_test
    strip = analysis.interpolate(model, x[0], x[1], n_steps=10, method="spherical")

Modules: model (encoder/decoder/ELBO), data (digits, MNIST on request), train (live trainer),
analysis (what the page shows), preprocess (user images), checkpoints, pretrain, config.
"""
