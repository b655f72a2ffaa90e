"""The pages' views: one module per page, each a registry ``VIEWS = {choice: View(label, draw)}``
keyed by the page config's view choices, whose ``draw(page)`` functions draw one view with
Streamlit (``dlcore.ui.page``). The math they show lives in ``dlcore/<concept>``, the figures in
``dlcore/viz``; a view only arranges them and their widgets.
"""
