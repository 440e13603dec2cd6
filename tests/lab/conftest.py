"""Fixtures for the lab's tests (issue 5)."""
from __future__ import annotations

import pytest
import torch

from tui_mlp.cli import main


@pytest.fixture(autouse=True, scope="module")
def _one_intra_op_thread():
    """Tiny tensors: one intra-op thread is as fast as two, and much faster
    on a busy machine (see tests/unit/conftest.py). Restored after each module."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture
def cli(capsys):
    """Run ``tui-mlp ARGS`` in this process: (exit code, stdout, stderr)."""
    def run(*argv: str) -> tuple[int, str, str]:
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse's own usage errors
            code = exc.code
        out, err = capsys.readouterr()
        return code, out, err
    return run
