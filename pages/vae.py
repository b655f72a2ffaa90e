"""VAE latent interpolation: walk the latent map, morph between your own digits, see the
reparameterization trick and the ELBO's two halves, on a shipped checkpoint or a VAE trained live
(dlcore/vae). The views are in dlcore/ui/views/vae.py."""

from dlcore.ui.page import Page
from dlcore.ui.views.vae import LABELS, choose_view, open_model
from dlcore.vae.config import VAEConfig

page = Page("vae", VAEConfig, labels=LABELS)
view = choose_view(page)  # the ELBO, the view and model radios, model and training settings
if open_model(page):  # the data, then the live panel or the shipped checkpoint
    page.draw(view)  # a fragment view reruns alone when its own widgets change
page.finish()
