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
