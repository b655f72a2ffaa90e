"""Figure builders: numpy arrays in, plotly/altair figures (or RGB arrays) out."""
