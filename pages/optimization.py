"""Optimization and regularization lab: SGD, momentum, Nesterov, AdaGrad, RMSProp and Adam race
live on 2-D surfaces; the adaptive methods' accumulators, momentum's predicted rate against the
measured one, a real network's loss landscape, L1/L2 geometry with early stopping, and dropout
as an ensemble (dlcore/optim). The views are in dlcore/ui/views/optimization.py."""

from dlcore.optim.config import LABELS, OptimConfig
from dlcore.ui.page import Page
from dlcore.ui.views.optimization import VIEWS

page = Page("optimization", OptimConfig, labels=LABELS)
page.show(VIEWS, label_visibility="collapsed")
page.finish()
