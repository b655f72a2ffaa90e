"""A minimal live page on the shared loop (toy MLP), to measure the foundation's frame rate and
to show the page recipe of CONTRIBUTING.md in one screen.

Run: streamlit run bench/apps/live_demo.py  (bench/bench_foundation.py does this for you).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import streamlit as st  # noqa: E402

from dlcore.toy import ToyConfig, ToyTrainer  # noqa: E402
from dlcore.ui.output import LiveOut  # noqa: E402
from dlcore.ui.page import Page  # noqa: E402
from dlcore.viz.common import colormap_rgb, upscale  # noqa: E402

page = Page("home", ToyConfig, ns="toy", title=False)
st.title("Live loop demo")
with st.sidebar:
    page.widget("lr", widget="number", format="%.4f")
    page.widget("hidden")
    page.widget("grid")


def render(trainer: ToyTrainer, out: LiveOut) -> None:
    snap = trainer.snapshot()
    st.image(upscale(colormap_rgb(snap.grid, vmin=-1, vmax=1), 4), caption=f"loss {snap.loss:.4f}")


page.live(ToyTrainer, render, step_size=20)
page.finish(share=False)
