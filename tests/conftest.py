"""Test configuration: the repository root is importable (pyproject's pythonpath); torch is kept
to one thread so the suite behaves the same on a 2-core CI machine."""

import os

import torch

os.environ.setdefault("DLX_DEVICE", "cpu")
torch.set_num_threads(1)


import pytest  # noqa: E402


@pytest.fixture
def settings(monkeypatch):
    """Change this process's settings (``dlcore.ui.process``) for one test:
    ``settings(max_training=0, test_ticks=24)``."""
    from dlcore.ui.process import process

    def change(**changes):
        monkeypatch.setattr(process(), "settings", process().settings.replace(**changes))

    return change
