"""Saving and loading checkpoints under failure and attack.
Every failure is a CheckpointError naming the place; nothing earlier is lost;
the model in memory is unchanged; a pickle payload never runs."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch

from tui_mlp.checkpoint import CheckpointError
from tui_mlp.config import build_config
from tui_mlp.experiment import build


def make_experiment(hidden: str = "5", seed: int = 0):
    return build(build_config({"n_samples": "200", "train": "120", "dev": "40",
                               "hidden": hidden, "seed": str(seed)}))


def params_of(exp) -> dict:
    return exp.runner.parameters()


def assert_same_params(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for name in a:
        for key in a[name]:
            assert torch.equal(a[name][key], b[name][key]), (name, key)


def dir_bytes(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_save_into_missing_nested_directory_creates_it(tmp_path: Path) -> None:
    exp = make_experiment()
    target = tmp_path / "a" / "b" / "c"
    exp.runner.save_model(target)
    assert sorted(p.name for p in target.iterdir()) == ["fc1.pdparams", "fc2.pdparams"]
    other = make_experiment(seed=1)
    other.runner.load_model(target)
    assert_same_params(params_of(other), params_of(exp))


def test_save_into_unwritable_place_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where a directory should be")
    with pytest.raises(CheckpointError) as info:
        make_experiment().runner.save_model(blocker / "run")
    assert str(blocker / "run") in str(info.value)
    assert blocker.read_text() == "a file where a directory should be"


def test_write_failing_half_way_keeps_the_earlier_checkpoint(tmp_path: Path, monkeypatch) -> None:
    first = make_experiment(seed=1)
    first.runner.save_model(tmp_path)
    before = dir_bytes(tmp_path)

    real_save = torch.save
    calls = []

    def failing_save(obj, f, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            real_save(obj, f, *args, **kwargs)
            f.truncate(10)
            raise OSError(28, "No space left on device")
        return real_save(obj, f, *args, **kwargs)

    monkeypatch.setattr(torch, "save", failing_save)
    with pytest.raises(CheckpointError) as info:
        make_experiment(seed=2).runner.save_model(tmp_path)
    assert "No space left on device" in str(info.value)
    assert len(calls) == 2
    assert dir_bytes(tmp_path) == before  # old files intact, no temp files left behind


@pytest.mark.parametrize("damage", ["missing_dir", "missing_file", "empty", "truncated", "garbage",
                                    "wrong_keys", "wrong_shape", "other_architecture", "not_finite"])
def test_bad_checkpoints_fail_cleanly_and_leave_the_model_unchanged(tmp_path: Path, damage: str) -> None:
    source = make_experiment(seed=3)
    source.runner.save_model(tmp_path)
    fc1 = tmp_path / "fc1.pdparams"
    target_dir: Path = tmp_path
    if damage == "missing_dir":
        target_dir = tmp_path / "nowhere"
    elif damage == "missing_file":
        fc1.unlink()
    elif damage == "empty":
        fc1.write_bytes(b"")
    elif damage == "truncated":
        fc1.write_bytes(fc1.read_bytes()[:40])
    elif damage == "garbage":
        fc1.write_bytes(os.urandom(300))
    elif damage == "wrong_keys":
        torch.save({"weight": torch.zeros(2, 5), "b": torch.zeros(1, 5)}, fc1)
    elif damage == "wrong_shape":
        torch.save({"W": torch.zeros(2, 7), "b": torch.zeros(1, 7)}, fc1)
    elif damage == "other_architecture":
        make_experiment(hidden="4,4", seed=3).runner.save_model(tmp_path)
    elif damage == "not_finite":
        torch.save({"W": torch.full((2, 5), float("nan")), "b": torch.zeros(1, 5)}, fc1)

    victim = make_experiment(seed=4)
    before = params_of(victim)
    with pytest.raises(CheckpointError) as info:
        victim.runner.load_model(target_dir)
    message = str(info.value)
    assert str(target_dir) in message
    assert "\n" not in message
    assert_same_params(params_of(victim), before)


class _Payload:
    """Unpickling this would create a file: the attack weights_only=True stops."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_pickle_payload_in_a_checkpoint_never_runs(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    ckpt = tmp_path / "ckpt"
    make_experiment().runner.save_model(ckpt)
    torch.save({"W": torch.zeros(2, 5), "b": torch.zeros(1, 5), "x": _Payload(marker)},
               ckpt / "fc1.pdparams")
    victim = make_experiment(seed=5)
    before = params_of(victim)
    with pytest.raises(CheckpointError) as info:
        victim.runner.load_model(ckpt)
    assert "fc1.pdparams" in str(info.value) and "could run code" in str(info.value)
    assert not marker.exists()
    assert_same_params(params_of(victim), before)
    # the payload is real: an unsafe load would have run it
    torch.load(ckpt / "fc1.pdparams", weights_only=False)
    assert marker.exists()


@pytest.mark.parametrize("content, reason", [
    (b"", "empty file"),
    (None, "truncated"),
])
def test_unreadable_files_say_why_in_plain_words(tmp_path: Path, content, reason) -> None:
    exp = make_experiment()
    exp.runner.save_model(tmp_path)
    fc1 = tmp_path / "fc1.pdparams"
    fc1.write_bytes(fc1.read_bytes()[:40] if content is None else content)
    with pytest.raises(CheckpointError, match=reason):
        exp.runner.load_model(tmp_path)


def test_random_bytes_are_not_called_a_code_payload(tmp_path: Path) -> None:
    exp = make_experiment()
    exp.runner.save_model(tmp_path)
    (tmp_path / "fc1.pdparams").write_bytes(bytes(range(256)) * 2)
    with pytest.raises(CheckpointError) as info:
        exp.runner.load_model(tmp_path)
    assert "could run code" not in str(info.value)
    assert "fc1.pdparams" in str(info.value)
