"""Backpropagation on a computational graph: type an expression, walk its backward pass node by
node (checked by torch.autograd and finite differences), the lecture's sigmoid network with its
error signals and updates, why depth hurts, softmax's p - y, and the cost of reverse mode.
The views are in dlcore/ui/views/backprop.py."""

from dlcore.backprop.config import LABELS, BackpropConfig
from dlcore.ui.page import Page
from dlcore.ui.views.backprop import VIEWS

page = Page("backprop", BackpropConfig, labels=LABELS)
page.show(VIEWS, label_visibility="collapsed")
page.finish()
