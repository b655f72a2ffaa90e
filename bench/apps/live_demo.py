"""A minimal live page on the shared loop (toy MLP), to measure the foundation's frame rate.

Run: streamlit run bench/apps/live_demo.py  (bench/bench_foundation.py does this for you).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import streamlit as st  # noqa: E402

from dlcore.toy import ToyConfig, ToyTrainer  # noqa: E402
from dlcore.ui.frame import page_frame  # noqa: E402
from dlcore.ui.live import live_panel  # noqa: E402
from dlcore.ui.urlstate import config_from_state, field_widget, sync_url, url_config  # noqa: E402
from dlcore.viz.common import colormap_rgb, upscale  # noqa: E402

page_frame("home", title=False)
st.title("Live loop demo")
url_config(ToyConfig, "toy")
with st.sidebar:
    field_widget("toy", ToyConfig, "lr", widget="number", format="%.4f")
    field_widget("toy", ToyConfig, "hidden")
    field_widget("toy", ToyConfig, "grid")
cfg = config_from_state(ToyConfig, "toy")
sync_url(cfg, "toy")


def render(trainer: ToyTrainer, live: bool) -> None:
    snap = trainer.snapshot()
    st.image(upscale(colormap_rgb(snap.grid, vmin=-1, vmax=1), 4), caption=f"loss {snap.loss:.4f}")


panel = live_panel("toy", cfg, ToyTrainer, render, step_size=20)
panel.loop()
