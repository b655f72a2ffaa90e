"""Attention heatmap viewer: where a real model looks. Dates through an encoder-decoder with four
scoring functions and a fixed-context baseline (and one trained live), a pointer network that
sorts, and MiniLM's 6 x 12 heads (models in dlcore/attention, figures in dlcore/viz/attention.py).
The views are in dlcore/ui/views/attention.py."""

from dlcore.attention.config import AttentionConfig
from dlcore.ui.page import Page
from dlcore.ui.views.attention import LABELS, VIEWS

page = Page("attention", AttentionConfig, labels=LABELS)
page.show(VIEWS, label_visibility="collapsed")
page.finish()
