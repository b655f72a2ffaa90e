"""The floor for bench/bench_latency.py: a bare Streamlit page with one slider and the one plotly
chart it drives, on the same server and in the same run as the app's pages.

Run: streamlit run bench/apps/bare.py (the bench starts it for you).
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

st.title("Bare page")
k = st.slider("Frequency", 1, 20, 3, key="bare.k")
x = np.linspace(0, 1, 200)
st.plotly_chart(go.Figure(go.Scatter(x=x, y=np.sin(2 * np.pi * k * x))), key="bare.chart")
