"""Convolution filter lab: kernels on your images, the arithmetic made visible, pooling, the
algebra of convolution, and the filters a small CNN learns. The views are in
dlcore/ui/views/conv.py."""

from dlcore.conv.config import ConvConfig
from dlcore.ui.page import Page
from dlcore.ui.views.conv import LABELS, VIEWS, controls

page = Page("conv", ConvConfig, labels=LABELS)  # human labels in every choice widget
view = page.choose(VIEWS, label="Look at")  # the view radio, above the controls they share
controls(page)  # image, kernel, operation: what every view works on
view.draw(page)
page.finish()
