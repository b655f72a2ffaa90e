"""Test configuration: the repository root is importable (pyproject's pythonpath); torch is kept
to one thread so the suite behaves the same on a 2-core CI machine."""

import os

import torch

os.environ.setdefault("DLX_DEVICE", "cpu")
torch.set_num_threads(1)
