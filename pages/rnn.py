"""RNN gradient explorer: real vanishing and exploding gradients, why LSTM and GRU survive, what
clipping does, and what character-level models look at (dlcore/rnn). The views are in
dlcore/ui/views/rnn.py."""

from dlcore.rnn.config import RnnConfig
from dlcore.ui.page import Page
from dlcore.ui.views.rnn import LABELS, VIEWS, sidebar

page = Page("rnn", RnnConfig, labels=LABELS)
sidebar(page)  # presets, task and training, cells
page.show(VIEWS, label_visibility="collapsed")
page.finish()
