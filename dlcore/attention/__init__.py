"""Attention: encoder-decoder with four scoring functions, pointer network, MiniLM maps.

Lecture: "Neural encoder-decoder with attention mechanism" (Bahdanau 2015, Luong 2015),
"Attention as generation: pointer networks". Page: pages/attention.py.
"""
