import numpy as np
import pytest
import torch

from dlcore.device import (
    default_threads,
    device_label,
    get_device,
    resolve_device_name,
    seed_everything,
    set_threads,
    to_numpy,
)


@pytest.mark.parametrize(
    ("requested", "available", "want"),
    [
        (None, ["cuda", "mps", "cpu"], "cuda"),
        ("auto", ["mps", "cpu"], "mps"),
        ("", ["cpu"], "cpu"),
        ("cpu", ["cuda", "cpu"], "cpu"),
        ("mps", ["cuda", "mps", "cpu"], "mps"),
        ("cuda", ["cpu"], "cpu"),  # asked for a GPU that is not there: fall back
        ("CUDA", ["cuda", "cpu"], "cuda"),
        ("tpu", ["cuda", "cpu"], "cuda"),  # unknown: treated as auto
    ],
)
def test_resolve_device_order_and_override(requested, available, want):
    assert resolve_device_name(requested, available) == want


def test_environment_variable_forces_cpu(monkeypatch):
    monkeypatch.setenv("DLX_DEVICE", "cpu")
    assert get_device() == torch.device("cpu")
    assert device_label(torch.device("cpu")).startswith("CPU")


def test_set_threads_from_env(monkeypatch):
    before = torch.get_num_threads()
    try:
        monkeypatch.setenv("DLX_THREADS", "1")
        assert set_threads() == 1 and torch.get_num_threads() == 1
        assert set_threads(2) == 2
    finally:
        torch.set_num_threads(before)


def test_default_threads_leave_room_for_other_work():
    assert [default_threads(c) for c in (1, 2, 3, 4, 8, 16)] == [1, 1, 1, 2, 4, 4]


def test_openmp_workers_do_not_spin():
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    code = "import os, dlcore, torch; print(os.environ.get('OMP_WAIT_POLICY'))"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "PASSIVE", out.stderr


def test_seeding_is_reproducible():
    seed_everything(7)
    a = (torch.rand(3), np.random.rand(3))
    seed_everything(7)
    b = (torch.rand(3), np.random.rand(3))
    assert torch.equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert torch.equal(
        torch.rand(2, generator=seed_everything(3)), torch.rand(2, generator=seed_everything(3))
    )


def test_to_numpy_detaches():
    x = torch.ones(2, requires_grad=True) * 2
    out = to_numpy(x)
    assert isinstance(out, np.ndarray) and out.tolist() == [2.0, 2.0]
    assert to_numpy([1, 2]).tolist() == [1, 2]
    assert to_numpy(torch.ones(2, dtype=torch.bfloat16)).dtype == np.float32
