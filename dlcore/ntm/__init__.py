"""Neural Turing Machine (Graves, Wayne & Danihelka 2014; lecture slides "Neural Turing Machine").

Submodules:
- ``addressing``: the four named addressing stages (content, interpolation, shift, sharpening).
- ``memory``: blurry read and erase-then-add write on an N x M memory.
- ``model``: the NTM (feed-forward or LSTM controller, one read + one write head) and an
  LSTM baseline.
- ``task``: the copy task (8-bit vectors, delimiter channel) and its bits-wrong metric.
- ``train``: a seeded, batched trainer used by the pretrain script and the page's Train button.
- ``analysis``: numpy-only results for the page (tape traces, length generalisation, playground).

Page: pages/ntm.py.
"""
