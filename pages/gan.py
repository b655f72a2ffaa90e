"""Live GAN trainer: GAN Lab's views trained live in PyTorch, the optimal discriminator D*, a real
quality metric (JS by grid, mode coverage), lesson presets, and a digits GAN.
The views are in dlcore/ui/views/gan.py."""

from dlcore.gan.config import GanConfig
from dlcore.ui.page import Page
from dlcore.ui.views.gan import LABELS, VIEWS, objective

page = Page("gan", GanConfig, labels=LABELS)
objective()  # the min-max game, above both panels
page.show(VIEWS, field="panel")  # the 2-D GAN or the digits GAN
page.finish()
