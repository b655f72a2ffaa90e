"""Recurrent networks: explicit RNN / LSTM / GRU cells, gradient flow through time, long-range
tasks, gradient clipping, and small character-level language models.

Lecture: "Recurrent neural networks" to "Gated Recurrent Units [Cho et al '14]" (classical RNN
update, BPTT, the challenge of long-term dependencies, exploding and vanishing gradients,
gradient clipping, LSTM, GRU, recurrent language model). Page: pages/rnn.py.
"""
