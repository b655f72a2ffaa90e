"""Neural Turing Machine: move beta, g, s and gamma through every addressing stage, write with
erase/add, and watch a trained NTM (dlcore/ntm, shipped in assets/ntm) copy and generalise.
The views are in dlcore/ui/views/ntm.py."""

from dlcore.ntm.config import NTMConfig
from dlcore.ui.page import Page
from dlcore.ui.views.ntm import VIEWS

page = Page("ntm", NTMConfig)
page.show(VIEWS, label_visibility="collapsed")
page.finish()
