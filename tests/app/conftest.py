from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _in_tmp_dir(tmp_path, monkeypatch):
    """Saves with the default directory land in the test's own directory."""
    monkeypatch.chdir(tmp_path)
