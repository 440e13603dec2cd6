"""Save and load (book 4.2.5, one ``<layer>.pdparams`` file per linear layer).

A round trip gives identical predictions. Anything wrong with the files raises
CheckpointError naming the file (or the directory) and leaves every parameter
of the model in memory bit-identical.
"""
from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest
import torch

from tui_mlp import checkpoint
from tui_mlp.checkpoint import CheckpointError
from tui_mlp.nn import MLP, BatchGD, BinaryCrossEntropyLoss, accuracy
from tui_mlp.runner import Runner


def make_runner(hidden=(5,), seed=0, activation="logistic") -> Runner:
    model = MLP(2, list(hidden), 1, activation=activation, generator=torch.Generator().manual_seed(seed))
    return Runner(model, BatchGD(0.2, model), accuracy, BinaryCrossEntropyLoss(model))


def snapshot(runner: Runner) -> list[tuple[str, str, torch.Tensor, torch.dtype]]:
    """Every parameter, with the tensor object itself (identity) and a copy of its bits."""
    return [(layer.name, key, value, value.dtype, value.clone())
            for layer in runner.model.linears for key, value in layer.params.items()]


def assert_unchanged(runner: Runner, before) -> None:
    after = snapshot(runner)
    assert len(after) == len(before)
    for (name, key, obj, dtype, bits), (name2, key2, obj2, dtype2, _) in zip(before, after):
        assert (name, key) == (name2, key2)
        assert obj2 is obj, f"{name}.{key} was replaced"
        assert dtype2 == dtype
        assert torch.equal(obj2.view(torch.int32), bits.view(torch.int32)), f"{name}.{key} changed"


@pytest.fixture
def saved(tmp_path, moons_splits) -> Path:
    """A trained 2-5-1 model saved in tmp_path/ckpt."""
    runner = make_runner(seed=1)
    runner.train(*moons_splits[:2], num_epochs=20, log=lambda line: None)
    runner.save_model(tmp_path / "ckpt")
    return tmp_path / "ckpt"


def test_round_trip_gives_identical_predictions(tmp_path, moons_splits):
    trained = make_runner(seed=1)
    trained.train(*moons_splits[:2], num_epochs=30, log=lambda line: None)
    trained.save_model(tmp_path / "m")
    assert sorted(os.listdir(tmp_path / "m")) == ["fc1.pdparams", "fc2.pdparams"]

    fresh = make_runner(seed=2)
    X = moons_splits[2][0]
    assert not torch.equal(fresh.predict(X), trained.predict(X))
    fresh.load_model(tmp_path / "m")
    assert torch.equal(fresh.predict(X), trained.predict(X))
    assert fresh.evaluate(moons_splits[2]) == trained.evaluate(moons_splits[2])
    for a, b in zip(fresh.model.linears, trained.model.linears):
        assert a.params["W"] is not b.params["W"]  # a copy, not shared


def test_files_are_plain_tensor_dicts_readable_with_weights_only(saved):
    params = torch.load(saved / "fc1.pdparams", weights_only=True)
    assert set(params) == {"W", "b"} and params["W"].shape == (2, 5) and params["b"].shape == (1, 5)
    assert not [p for p in os.listdir(saved) if p.endswith(".tmp")]  # no temporaries left


def test_save_best_writes_the_best_dev_parameters(tmp_path, moons_splits):
    runner = make_runner(seed=3)
    runner.train(*moons_splits[:2], num_epochs=40, log=lambda line: None)
    runner.save_model(tmp_path / "best", best=True)
    fresh = make_runner(seed=4)
    fresh.load_model(tmp_path / "best")
    for layer in fresh.model.linears:
        for key, value in layer.params.items():
            assert torch.equal(value, runner.best_params[layer.name][key])


def test_a_second_save_replaces_the_first(tmp_path, moons_splits):
    runner = make_runner(seed=5)
    runner.save_model(tmp_path / "m")
    runner.train(*moons_splits[:2], num_epochs=5, log=lambda line: None)
    runner.save_model(tmp_path / "m")
    fresh = make_runner(seed=6)
    fresh.load_model(tmp_path / "m")
    assert torch.equal(fresh.predict(moons_splits[2][0]), runner.predict(moons_splits[2][0]))


# ------------------------------------------------------------------ tampering
class Payload:
    """Unpickling this would run a shell command: weights_only must refuse it."""

    marker = ""

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def _random_bytes(path: Path) -> None:
    path.write_bytes(os.urandom(512))


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _cut_tail(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[:-20])


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _wrong_keys(path: Path) -> None:
    torch.save({"weight": torch.zeros(5, 1), "bias": torch.zeros(1, 1)}, path)


def _extra_key(path: Path) -> None:
    torch.save({"W": torch.zeros(5, 1), "b": torch.zeros(1, 1), "c": torch.zeros(1)}, path)


def _wrong_shape(path: Path) -> None:
    torch.save({"W": torch.zeros(6, 1), "b": torch.zeros(1, 1)}, path)


def _transposed(path: Path) -> None:
    torch.save({"W": torch.zeros(1, 5), "b": torch.zeros(1, 1)}, path)


def _integer_tensor(path: Path) -> None:
    torch.save({"W": torch.zeros(5, 1, dtype=torch.int64), "b": torch.zeros(1, 1)}, path)


def _nan(path: Path) -> None:
    torch.save({"W": torch.full((5, 1), float("nan")), "b": torch.zeros(1, 1)}, path)


def _not_a_dict(path: Path) -> None:
    torch.save([torch.zeros(5, 1), torch.zeros(1, 1)], path)


def _a_directory(path: Path) -> None:
    path.unlink()
    path.mkdir()


def _missing(path: Path) -> None:
    path.unlink()


def _pickled_code(path: Path) -> None:
    path.write_bytes(pickle.dumps({"W": Payload(), "b": torch.zeros(1, 1)}))


def _torch_saved_code(path: Path) -> None:
    torch.save({"W": Payload(), "b": torch.zeros(1, 1)}, path)


TAMPERINGS = [_random_bytes, _truncated, _cut_tail, _empty, _wrong_keys, _extra_key, _wrong_shape,
              _transposed, _integer_tensor, _nan, _not_a_dict, _a_directory, _missing,
              _pickled_code, _torch_saved_code]


@pytest.mark.filterwarnings("ignore:Detected pickle protocol:UserWarning")  # torch, on _pickled_code
@pytest.mark.parametrize("tamper", TAMPERINGS, ids=lambda f: f.__name__.strip("_"))
def test_tampered_second_file_fails_cleanly_and_model_is_unchanged(tamper, saved, tmp_path):
    """fc1 is good and fc2 is bad: nothing at all may be loaded, not even fc1."""
    Payload.marker = str(tmp_path / "code-ran")
    tamper(saved / "fc2.pdparams")
    runner = make_runner(seed=9)
    before = snapshot(runner)
    with pytest.raises(CheckpointError) as info:
        runner.load_model(saved)
    assert "fc2.pdparams" in str(info.value)
    assert "\n" not in str(info.value)  # one line for the user
    assert_unchanged(runner, before)
    assert not Path(Payload.marker).exists(), "a pickle payload ran"


def test_tampered_first_file_fails_cleanly(saved):
    _random_bytes(saved / "fc1.pdparams")
    runner = make_runner(seed=9)
    before = snapshot(runner)
    with pytest.raises(CheckpointError, match="fc1.pdparams"):
        runner.load_model(saved)
    assert_unchanged(runner, before)


def test_another_architecture_with_an_extra_layer_fails(tmp_path):
    """A 2-4-4-1 checkpoint (fc1, fc2, fc3) into a 2-5-1 network."""
    make_runner(hidden=(4, 4), seed=1).save_model(tmp_path / "deep")
    runner = make_runner(seed=9)
    before = snapshot(runner)
    with pytest.raises(CheckpointError) as info:
        runner.load_model(tmp_path / "deep")
    assert "fc3.pdparams" in str(info.value) and str(tmp_path / "deep") in str(info.value)
    assert_unchanged(runner, before)


def test_extra_fc3_file_beside_a_good_checkpoint_fails(saved):
    torch.save({"W": torch.zeros(1, 1), "b": torch.zeros(1, 1)}, saved / "fc3.pdparams")
    runner = make_runner(seed=9)
    before = snapshot(runner)
    with pytest.raises(CheckpointError, match="fc3.pdparams"):
        runner.load_model(saved)
    assert_unchanged(runner, before)


@pytest.mark.parametrize("hidden", [(), (4,), (5, 5)])
def test_smaller_or_other_shaped_architecture_fails(hidden, tmp_path):
    make_runner(hidden=hidden, seed=1).save_model(tmp_path / "other")
    runner = make_runner(seed=9)
    before = snapshot(runner)
    with pytest.raises(CheckpointError, match=r"fc\d\.pdparams"):
        runner.load_model(tmp_path / "other")
    assert_unchanged(runner, before)


def test_missing_directory_fails_naming_it(tmp_path):
    runner = make_runner()
    before = snapshot(runner)
    with pytest.raises(CheckpointError) as info:
        runner.load_model(tmp_path / "nowhere")
    assert str(tmp_path / "nowhere") in str(info.value)
    assert_unchanged(runner, before)


def test_loading_a_file_instead_of_a_directory_fails(saved):
    runner = make_runner()
    before = snapshot(runner)
    with pytest.raises(CheckpointError, match="fc1.pdparams"):
        runner.load_model(saved / "fc1.pdparams")
    assert_unchanged(runner, before)


def test_checkpoint_error_is_an_oserror_for_callers():
    assert issubclass(CheckpointError, OSError)


def test_float64_checkpoint_loads_into_float32_model(tmp_path, moons_splits):
    src = make_runner(seed=1)
    params = {layer.name: {k: v.double() for k, v in layer.params.items()} for layer in src.model.linears}
    tmp = tmp_path / "f64"
    tmp.mkdir()
    for name, p in params.items():
        torch.save(p, tmp / f"{name}.pdparams")
    runner = make_runner(seed=9)
    runner.load_model(tmp)
    assert all(v.dtype == torch.float32 for layer in runner.model.linears for v in layer.params.values())
    assert torch.equal(runner.predict(moons_splits[2][0]), src.predict(moons_splits[2][0]))


def test_copytree_of_a_checkpoint_still_loads(saved, tmp_path):
    shutil.copytree(saved, tmp_path / "copy")
    make_runner(seed=9).load_model(tmp_path / "copy")


# ------------------------------------------------------------------ atomic as a set
def layer_files(directory: Path) -> list[str]:
    return sorted(os.listdir(directory))


def test_a_smaller_model_saved_over_a_bigger_one_loads(tmp_path, moons_splits):
    """2-4-4-1 (fc1..fc3) then 2-5-1 into one directory: fc3 does not survive."""
    make_runner(hidden=(4, 4), seed=1).save_model(tmp_path / "m")
    small = make_runner(seed=2)
    small.save_model(tmp_path / "m")
    assert layer_files(tmp_path / "m") == ["fc1.pdparams", "fc2.pdparams"]
    fresh = make_runner(seed=3)
    fresh.load_model(tmp_path / "m")
    X = moons_splits[2][0]
    assert torch.equal(fresh.predict(X), small.predict(X))
    make_runner(hidden=(4, 4), seed=4).save_model(tmp_path / "m")  # and back up again
    make_runner(hidden=(4, 4), seed=5).load_model(tmp_path / "m")


def test_leftover_temporary_files_are_removed_by_the_next_save(tmp_path):
    target = tmp_path / "m"
    make_runner(seed=1).save_model(target)
    leftovers = [".fc1.pdparams.k2j3h.tmp", ".fc3.pdparams.x.tmp", ".checkpoint-journal.json.q1.tmp",
                 ".fc2.ab12cd.tmp"]  # the last as the earlier version of the module named them
    for name in leftovers:
        (target / name).write_bytes(b"half a file")
    (target / "notes.txt").write_text("mine")
    (tmp_path / "elsewhere").write_text("not a leftover")
    (target / ".fc4.pdparams.link.tmp").symlink_to(tmp_path / "elsewhere")
    make_runner(seed=2).save_model(target)
    assert layer_files(target) == [".fc4.pdparams.link.tmp", "fc1.pdparams", "fc2.pdparams", "notes.txt"]
    assert (tmp_path / "elsewhere").read_text() == "not a leftover"  # a symlink is not removed


@pytest.mark.parametrize("kind", ["directory", "symlink", "stale directory"])
def test_a_layer_path_that_is_not_a_regular_file_is_never_replaced(tmp_path, kind):
    target = tmp_path / "m"
    make_runner(hidden=(4, 4) if kind == "stale directory" else (5,), seed=1).save_model(target)
    victim = target / ("fc3.pdparams" if kind == "stale directory" else "fc2.pdparams")
    outside = tmp_path / "outside"
    outside.write_bytes(b"someone else's file")
    victim.unlink()
    if kind == "symlink":
        victim.symlink_to(outside)
    else:
        victim.mkdir()
    before = layer_files(target)
    with pytest.raises(CheckpointError) as info:
        make_runner(seed=2).save_model(target)
    assert victim.name in str(info.value) and "not a regular file" in str(info.value)
    assert layer_files(target) == before  # nothing written, nothing left behind
    assert outside.read_bytes() == b"someone else's file"
    assert victim.is_symlink() if kind == "symlink" else victim.is_dir()


def test_ctrl_c_before_the_commit_keeps_the_old_model_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "m"
    old = make_runner(seed=1)
    old.save_model(target)
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    real_save, calls = checkpoint.torch.save, []

    def interrupted(obj, fh):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real_save(obj, fh)

    monkeypatch.setattr(checkpoint.torch, "save", interrupted)
    with pytest.raises(KeyboardInterrupt):
        make_runner(hidden=(4, 4), seed=2).save_model(target)
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before


def test_an_interrupted_save_loads_as_the_new_model_and_the_next_save_finishes_it(
        tmp_path, monkeypatch, moons_splits):
    """Stopped after the journal is written, with fc1 renamed and fc2, fc3 not."""
    target = tmp_path / "m"
    make_runner(seed=1).save_model(target)
    real_replace = os.replace
    renamed = []

    def stop_after_one_layer(src, dst):
        if str(dst).endswith(".pdparams"):
            if renamed:
                raise KeyboardInterrupt
            renamed.append(dst)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", stop_after_one_layer)
    new = make_runner(hidden=(4, 4), seed=2)
    with pytest.raises(KeyboardInterrupt):
        new.save_model(target)
    monkeypatch.undo()
    names = layer_files(target)
    assert checkpoint.JOURNAL in names and len([n for n in names if n.endswith(".tmp")]) == 2
    fresh = make_runner(hidden=(4, 4), seed=3)
    fresh.load_model(target)  # the new model, read from where its files are
    X = moons_splits[2][0]
    assert torch.equal(fresh.predict(X), new.predict(X))
    with pytest.raises(CheckpointError, match="another architecture"):
        make_runner(seed=4).load_model(target)  # and not the old one
    make_runner(hidden=(4, 4), seed=5).save_model(target)
    assert layer_files(target) == ["fc1.pdparams", "fc2.pdparams", "fc3.pdparams"]


def test_a_damaged_journal_is_a_clear_error_and_the_next_save_replaces_it(tmp_path):
    target = tmp_path / "m"
    make_runner(seed=1).save_model(target)
    (target / checkpoint.JOURNAL).write_text("{not json")
    with pytest.raises(CheckpointError) as info:
        make_runner(seed=2).load_model(target)
    assert checkpoint.JOURNAL in str(info.value) and "\n" not in str(info.value)
    make_runner(seed=3).save_model(target)
    assert layer_files(target) == ["fc1.pdparams", "fc2.pdparams"]
    make_runner(seed=4).load_model(target)


def test_a_layer_changed_after_an_interrupted_save_is_refused(tmp_path, monkeypatch):
    target = tmp_path / "m"
    make_runner(seed=1).save_model(target)
    real_unlink = os.unlink

    def stop_before_the_journal_goes(path, *args, **kwargs):
        if str(path).endswith(checkpoint.JOURNAL):
            raise KeyboardInterrupt
        real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", stop_before_the_journal_goes)
    with pytest.raises(KeyboardInterrupt):  # stopped before the journal is removed
        make_runner(seed=2).save_model(target)
    monkeypatch.undo()
    torch.save({"W": torch.zeros(2, 5), "b": torch.zeros(1, 5)}, target / "fc1.pdparams")
    runner = make_runner(seed=3)
    before = snapshot(runner)
    with pytest.raises(CheckpointError, match="fc1.pdparams: does not match the journal"):
        runner.load_model(target)
    assert_unchanged(runner, before)


def test_a_save_waits_for_another_process_then_says_so(tmp_path, monkeypatch):
    import fcntl

    target = tmp_path / "m"
    make_runner(seed=1).save_model(target)
    monkeypatch.setattr(checkpoint, "LOCK_TIMEOUT", 0.2)
    fd = os.open(target, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as another process's save would
        with pytest.raises(CheckpointError, match="another process is saving"):
            make_runner(seed=2).save_model(target)
    finally:
        os.close(fd)
    make_runner(seed=3).save_model(target)
