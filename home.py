"""Deep Learning Explorer: the landing page (served by app.py: `streamlit run app.py`)."""

import streamlit as st

from dlcore.catalog import PAGES
from dlcore.ui.frame import page_frame

page_frame("home", title=False)
st.title(":material/explore: Deep Learning Explorer")
st.markdown(
    "See deep learning work. Every page trains or runs a **real PyTorch model** live while you "
    "watch and poke at it, and shows the lecture's equations with their live numbers. "
    "Pick a page below or in the sidebar; every page's settings live in its link, so a teacher "
    "can set up an experiment and share it."
)

# three cards a row, each as tall as the tallest of its row: the full title fits on one line
for start in range(0, len(PAGES), 3):
    for col, page in zip(st.columns(3), PAGES[start : start + 3]):
        with col.container(border=True, height="stretch"):
            if page.thumb.exists():
                st.image(str(page.thumb), width="stretch")
            st.page_link(page.file, label=f"**{page.title}**", icon=page.icon)
            st.caption(page.blurb)
            st.caption(f":material/menu_book: {page.topic}")

st.divider()
st.caption(
    "Based on the lecture *Deep Learning: Overview*. Data: generated toy sets and the UCI 8x8 "
    "handwritten digits (CC BY 4.0). Nothing is downloaded while you use the app, except MNIST "
    "when you press its button on the VAE or GAN page."
)
