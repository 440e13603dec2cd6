"""Checkpoints are atomic as a set.

A process saving models into one directory is killed (SIGKILL) at random
moments; a save is interrupted at every line of checkpoint.py in turn. After
each, the directory loads as the whole old model or the whole new one, and the
next save leaves nothing behind but the new model's layer files.
"""
from __future__ import annotations

import os
import random
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from tui_mlp import checkpoint
from tui_mlp.checkpoint import CheckpointError, load_params, save_params

# Three models, so that consecutive saves change values (A1 -> A2), shrink
# the architecture (A2 -> B: fc3 must go) and grow it (B -> A1).
SHAPES = {"A1": [(2, 4), (4, 4), (4, 1)], "A2": [(2, 4), (4, 4), (4, 1)], "B": [(2, 5), (5, 1)]}
ORDER = ["A1", "A2", "B"]


def model(name: str) -> dict[str, dict[str, torch.Tensor]]:
    g = torch.Generator().manual_seed(ORDER.index(name) + 1)
    return {f"fc{i}": {"W": torch.randn(*shape, generator=g),
                       "b": torch.randn(1, shape[1], generator=g)}
            for i, shape in enumerate(SHAPES[name], 1)}


MODELS = {name: model(name) for name in ORDER}


def expected(name: str) -> dict[str, dict[str, tuple[int, ...]]]:
    return {layer: {k: tuple(v.shape) for k, v in p.items()} for layer, p in MODELS[name].items()}


def which(directory: Path) -> str:
    """The one model the directory loads as, entirely; fails on anything else."""
    matches, errors = [], []
    for name in ORDER:
        try:
            loaded = load_params(directory, expected(name))
        except CheckpointError as exc:
            errors.append(str(exc))
            continue
        if all(torch.equal(loaded[layer][k], MODELS[name][layer][k]) for layer in loaded for k in loaded[layer]):
            matches.append(name)
    assert len(matches) == 1, f"loads as {matches or 'nothing'}: {errors} {sorted(os.listdir(directory))}"
    return matches[0]


def leftovers(directory: Path) -> list[str]:
    return sorted(n for n in os.listdir(directory) if n.startswith("."))


def assert_clean(directory: Path, name: str) -> None:
    assert sorted(os.listdir(directory)) == [f"fc{i}.pdparams" for i in range(1, len(SHAPES[name]) + 1)]
    assert which(directory) == name


# ------------------------------------------------------------------ SIGKILL
SAVER = r"""
import os, signal, sys, time
import torch
from tui_mlp.checkpoint import save_params

models_file, directory = sys.argv[1:3]
models = torch.load(models_file, weights_only=True)
order = ["A1", "A2", "B"]
print("ready", flush=True)
for line in sys.stdin:  # "<first save number> <delay in seconds> <progress file>"
    first, delay, progress = line.split()
    child = os.fork()
    if child == 0:  # save models in turn until killed, noting each save's number first
        fd = os.open(progress, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        g = int(first)
        while True:
            os.write(fd, b"%d\n" % g)
            save_params(directory, models[order[g % 3]])
            g += 1
    time.sleep(float(delay))
    os.kill(child, signal.SIGKILL)
    os.waitpid(child, 0)
    print("killed", flush=True)
"""


def test_sigkill_at_random_moments_leaves_all_old_or_all_new(tmp_path: Path) -> None:
    directory = tmp_path / "ckpt"
    save_params(directory, MODELS["A1"])
    torch.save(MODELS, tmp_path / "models.pt")
    saver = subprocess.Popen([sys.executable, "-c", SAVER, str(tmp_path / "models.pt"), str(directory)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, bufsize=1)
    rng = random.Random(20240601)
    deadline = time.monotonic() + 45

    def reply() -> str:
        ready, _, _ = select.select([saver.stdout], [], [], max(0.0, deadline - time.monotonic()))
        assert ready, "the saver did not answer in time"
        return saver.stdout.readline().strip()

    current, next_save, outcomes = "A1", 1, []
    try:
        assert reply() == "ready", saver.stderr.read() if saver.poll() is not None else ""
        for kill in range(30):
            progress = tmp_path / f"progress-{kill}"
            delay = rng.uniform(0.0, 0.06) if kill else 0.0  # the first: before any save starts
            saver.stdin.write(f"{next_save} {delay:.4f} {progress}\n")
            assert reply() == "killed"
            begun = [int(n) for n in progress.read_text().split()] if progress.exists() else []
            if not begun:  # killed before its first save began
                allowed = {current}
            elif len(begun) == 1:  # during (or after) its first save
                allowed = {current, ORDER[begun[-1] % 3]}
            else:  # during (or after) a save, the one before it complete
                allowed = {ORDER[(begun[-1] - 1) % 3], ORDER[begun[-1] % 3]}
            state = which(directory)
            assert state in allowed, (kill, begun, state, allowed, leftovers(directory))
            left = leftovers(directory)
            # at most one interrupted save's files: 3 layers, a journal and its temporary
            assert len(left) <= 5, left
            outcomes.append((len(begun), bool(left)))
            current, next_save = state, (begun[-1] + 1 if begun else next_save)
    finally:
        saver.kill()
        saver.wait(10)
    assert time.monotonic() < deadline
    # the kills did land inside saves: some left files of an interrupted save behind
    assert sum(left for _, left in outcomes) >= 3, outcomes
    final = ORDER[next_save % 3]
    save_params(directory, MODELS[final])
    assert_clean(directory, final)  # the next save cleaned every leftover


# ------------------------------------------------------------------ every line
class Killed(BaseException):
    """A simulated SIGKILL at one line of checkpoint.py."""


def interrupted_save(directory: Path, layers, at_line: int, monkeypatch) -> bool:
    """Run save_params, killed at its ``at_line``-th line; False if it finished first.

    The kill is an exception raised by a trace function (which Python then turns
    off); from that moment every rename and unlink raises it again, so none of
    the clean-up code a real kill would not run can change the disk."""
    count = 0
    dead = False
    source = checkpoint.__file__

    def local(frame, event, arg):
        nonlocal count, dead
        if event == "line":
            count += 1
            if count == at_line:
                dead = True
                raise Killed
        return local

    def calls(frame, event, arg):
        code = frame.f_code
        # not in the lock's helper: its release stands for the kernel's, which a kill
        # does not prevent (and CPython 3.11 skips its finally when a trace function
        # raises at the inner try: line)
        return local if code.co_filename == source and code.co_name != "_locked" else None

    def frozen(real):
        def call(*args, **kwargs):
            if dead:
                raise Killed
            return real(*args, **kwargs)
        return call

    with monkeypatch.context() as patch:
        for name in ("unlink", "remove", "replace", "rename"):
            patch.setattr(os, name, frozen(getattr(os, name)))
        sys.settrace(calls)
        try:
            save_params(directory, layers)
        except Killed:
            return True
        finally:
            sys.settrace(None)
    return False


def kill_at_every_line(old: str, new: str, root: str) -> None:
    """Save ``old``, then ``new`` killed at its first line, second line, ... until a
    save finishes; after each kill, a save of the third model, itself killed at a
    random line, then one that finishes. Run in a fresh interpreter (see below)."""
    patch = pytest.MonkeyPatch()
    patch.setattr(os, "fsync", lambda fd: None)  # a kill, not a power cut: keep it quick
    patch.setattr(checkpoint, "LOCK_TIMEOUT", 1.0)  # a lock left held fails fast
    third = next(n for n in ORDER if n not in (old, new))
    rng = random.Random(7)
    seen = set()
    started = time.monotonic()
    for line in range(1, 10_000):
        directory = Path(root) / f"at-{line}"
        save_params(directory, MODELS[old])
        if not interrupted_save(directory, MODELS[new], line, patch):
            break  # every line of a save has been a kill point
        state = which(directory)
        assert state in (old, new), (line, state)
        seen.add(state)
        if interrupted_save(directory, MODELS[third], rng.randint(1, 200), patch):
            assert which(directory) in (state, third)
        save_params(directory, MODELS[third])
        assert_clean(directory, third)
        assert time.monotonic() - started < 60
    assert line > 20 and seen == {old, new}, (line, seen)  # kills before and after the commit
    print(f"killed at each of {line - 1} lines")


@pytest.mark.parametrize("old, new", [("A1", "A2"), ("A2", "B"), ("B", "A1")],
                         ids=["same-architecture", "smaller", "bigger"])
def test_a_save_killed_at_any_line_leaves_the_old_or_the_new_model(tmp_path, old, new):
    """In a fresh interpreter: an exception raised by a trace function leaves
    CPython's record of the exception being handled wrong for the rest of the
    process, which must not leak into other tests."""
    root = Path(__file__).resolve().parents[2]
    code = (f"import sys; sys.path.insert(0, {str(root)!r})\n"
            f"from tests.engine.test_checkpoint_atomic import kill_at_every_line\n"
            f"kill_at_every_line({old!r}, {new!r}, {str(tmp_path)!r})\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.startswith("killed at each of")


# ---------------------------------------------------------------- hostile layer files
def _expected(params: dict) -> dict:
    return {n: {k: tuple(v.shape) for k, v in p.items()} for n, p in params.items()}


SMALL = {"fc1": {"W": torch.zeros(2, 3), "b": torch.zeros(3)}, "fc2": {"W": torch.zeros(3, 1), "b": torch.zeros(1)}}


def test_a_small_file_that_unpacks_to_a_huge_tensor_is_refused_unread(tmp_path) -> None:
    """A compressed zip holding 400 MB of zeros is refused from its directory
    alone: torch never allocates the tensor."""
    import io
    import zipfile

    from tui_mlp.checkpoint import CheckpointError, load_params, save_params

    save_params(tmp_path, SMALL)
    plain = io.BytesIO()
    torch.save({"W": torch.zeros(2, 3), "b": torch.zeros(3)}, plain)
    packed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as src, \
            zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        dst.writestr("archive/data/9", b"\0" * (400 * 2**20))
    assert len(packed.getvalue()) < 2 * 2**20
    (tmp_path / "fc1.pdparams").write_bytes(packed.getvalue())
    with pytest.raises(CheckpointError, match="more than a layer of the current network can"):
        load_params(tmp_path, _expected(SMALL))


def test_an_oversized_layer_file_is_refused_before_it_is_read(tmp_path) -> None:
    from tui_mlp.checkpoint import CheckpointError, load_params, save_params

    save_params(tmp_path, SMALL)
    with (tmp_path / "fc2.pdparams").open("r+b") as fh:
        fh.truncate(50 * 2**20)  # sparse
    with pytest.raises(CheckpointError, match="bytes, more than a layer of the current network can hold"):
        load_params(tmp_path, _expected(SMALL))


@pytest.mark.parametrize("kind", ["sparse", "meta"])
def test_sparse_and_meta_tensors_are_one_line(tmp_path, kind) -> None:
    from tui_mlp.checkpoint import CheckpointError, load_params, save_params

    save_params(tmp_path, SMALL)
    W = torch.zeros(2, 3).to_sparse() if kind == "sparse" else torch.empty(2, 3, device="meta")
    torch.save({"W": W, "b": torch.zeros(3)}, tmp_path / "fc1.pdparams")
    with pytest.raises(CheckpointError, match="is not a plain dense tensor"):
        load_params(tmp_path, _expected(SMALL))
