"""Fixtures for the engine's unit tests."""
from __future__ import annotations

import pytest
import torch

from tui_mlp.data import make_moons, split_dataset


@pytest.fixture(autouse=True, scope="module")
def _one_intra_op_thread():
    """The engine's tensors are tiny. With torch's default of one OpenMP thread
    per core, every matmul waits for all of them, and on a busy 2-core machine
    one tiny matmul then costs a scheduler time slice (~10 ms instead of ~5 us,
    measured), which turns the 1000-epoch book experiment from 0.4 s into
    minutes. One thread per test process; restored after each module."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture
def gen() -> torch.Generator:
    """A private generator for oracle inputs (the global RNG is left alone)."""
    return torch.Generator().manual_seed(1234)


@pytest.fixture(scope="session")
def moons_splits():
    """Small noisy moons, split 120/40/40 (float32, labels [N, 1])."""
    X, y = make_moons(200, noise=0.2, seed=7)
    return split_dataset(X, y, 120, 40)
