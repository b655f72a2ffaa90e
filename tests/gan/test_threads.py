"""The GAN trainers run their tiny nets on one intra-op thread and give the process its thread
count back afterwards (many threads only spin on a busy machine, see dlcore.gan.nets)."""

import dataclasses

import torch

from dlcore.gan.config import GanConfig
from dlcore.gan.digits import DigitsConfig, DigitsGan
from dlcore.gan.plane import PlaneGan

CPU = torch.device("cpu")


def test_plane_and_digits_train_on_one_thread_then_restore():
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        small = dataclasses.replace(GanConfig(), g_neurons=8, d_neurons=8, batch=32)
        plane, digits = PlaneGan(small, CPU), DigitsGan(DigitsConfig(start="scratch"), CPU)
        seen = []
        for trainer, name in ((plane, "d_step"), (digits, "_d_step")):
            inner = getattr(trainer, name)
            setattr(
                trainer, name, lambda *a, f=inner: seen.append(torch.get_num_threads()) or f(*a)
            )
        plane.step(2)
        digits.step(2)
        assert seen == [1, 1, 1, 1]
        assert torch.get_num_threads() == 2
        plane.snapshot(with_dstar=False)
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)
