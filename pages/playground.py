"""Decision-boundary playground: TF Playground's MLP trained live (dlcore/playground), then one
section at a time under it: the hidden space, universal approximation, the lecture's XOR, share
and export. The views are in dlcore/ui/views/playground.py."""

from dlcore.playground.config import PlaygroundConfig
from dlcore.ui.page import Page
from dlcore.ui.views.playground import LABELS, VIEWS, playground

page = Page("playground", PlaygroundConfig, labels=LABELS)
playground(page)  # data, controls, features, network, the live panel, your own points
page.show(VIEWS, field="section")  # "Look closer": the chosen section under the playground
page.finish(share=False)  # the share box is the "Share & export" section
