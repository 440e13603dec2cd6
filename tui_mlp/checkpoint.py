"""Saving and loading layer parameters, one file per layer (``fc1.pdparams``...).

The layout is the book's: a checkpoint directory holds one file per linear
layer, ``fc1.pdparams``, ``fc2.pdparams``, ..., each a plain dict of tensors
(``{"W": ..., "b": ...}``) that ``torch.load(path, weights_only=True)`` reads.
After a save nothing else is left in the directory.

A save is atomic as a set: killed at any instant, it leaves on disk what loads
as the whole old model or the whole new one, never a mixture. It goes in four
steps, under an exclusive ``flock`` of the directory itself (so no lock file):

1. each new layer is written to a temporary file beside it
   (``.fc1.pdparams.<random>.tmp``), flushed and fsynced;
2. a journal, ``.checkpoint-journal.json``, is written the same way and renamed
   into place (atomic). It names each layer's temporary file with the SHA-256
   of its bytes, and the old layer files the new set does not have (``fc3`` of
   a 2-4-4-1 model when a 2-5-1 one is saved over it). This rename is the
   moment the new model replaces the old one;
3. each temporary file is renamed over its layer file, and the stale layer
   files are removed;
4. the journal is removed.

``load_params`` (under a shared lock) reads the layer files when there is no
journal; when there is one, it reads the set the journal names: each layer
from its temporary file while that is still there, else from the layer file,
and either must match the journal's checksum. Before step 2 there is no journal
and the layer files are untouched, so a load sees the old model; from step 2
on, the journal names only files holding the new model. The next save first
finishes an interrupted one (steps 3 and 4), then deletes the temporary files
of a save killed before step 2 (and the ``.fc1.<random>.tmp`` files of earlier
versions of this module).

What is not a regular file (a directory, a symlink, a fifo) is never replaced
or removed: a save finding one where a layer file or the journal goes is
refused before anything changes. Loads use ``weights_only=True`` (no pickle
code runs) and check every file before anything is returned.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import math
import os
import pickle
import re
import stat
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Iterator

import torch

from tui_mlp.files import NoUser, WriteError, check_directory, expand_user, new_file_mode

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: saves are not serialised between processes
    fcntl = None  # type: ignore[assignment]

SUFFIX = ".pdparams"
JOURNAL = ".checkpoint-journal.json"
JOURNAL_FORMAT = "tui-mlp checkpoint journal 1"
LOCK_TIMEOUT = 30.0  # seconds to wait for another process's save of the same directory
_LAYER = re.compile(r"fc\d+")
_TEMP = re.compile(r"\.(?:fc\d+(?:\.pdparams)?|checkpoint-journal\.json)\..+\.tmp")
Params = dict[str, torch.Tensor]


class CheckpointError(OSError):
    """A checkpoint that cannot be written or read; the message is for the user."""


def _why_unreadable(data: bytes, exc: Exception) -> str:
    """torch's load errors, said in a line a user can act on."""
    if not data:
        return "empty file"
    if isinstance(exc, pickle.UnpicklingError) and "global" in str(exc).lower():
        return ("holds objects other than tensors; refused, because loading them "
                "could run code from the file")
    if "zip archive" in str(exc) or isinstance(exc, EOFError):
        return "truncated or damaged (not a complete torch file)"
    return "not a parameter file saved by tui-mlp"


# ------------------------------------------------------------------ file system steps
def _kind(path: Path) -> str | None:
    """None if nothing is there, "file" for a regular file, else what it is."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    if stat.S_ISREG(mode):
        return "file"
    return "directory" if stat.S_ISDIR(mode) else "symlink" if stat.S_ISLNK(mode) else "special file"


@contextlib.contextmanager
def _locked(directory: Path, exclusive: bool) -> Iterator[int | None]:
    """Hold a flock on ``directory`` (exclusive to save, shared to load); yields
    the directory's descriptor (for fsync), or None where it cannot be opened."""
    fd = None
    try:
        with contextlib.suppress(OSError):
            fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        if fd is not None and fcntl is not None:
            mode = (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB
            deadline = time.monotonic() + LOCK_TIMEOUT
            while True:
                try:
                    fcntl.flock(fd, mode)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise CheckpointError(
                            f"{directory}: another process is saving a model there") from None
                    time.sleep(0.01)
                except OSError:  # a file system without flock: go on unserialised
                    break
        yield fd
    finally:
        if fd is not None:
            os.close(fd)  # also releases the lock


def _fsync_dir(fd: int | None) -> None:
    if fd is not None:
        with contextlib.suppress(OSError):  # some file systems cannot fsync a directory
            os.fsync(fd)


def _write_temp(directory: Path, prefix: str, data: bytes) -> Path:
    """``data`` in a new temporary file in ``directory``, on disk when this returns."""
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=directory)
    try:
        os.fchmod(fd, new_file_mode())  # as any other file the user makes
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def _serialised(params: Params) -> bytes:
    buffer = io.BytesIO()
    torch.save({k: v.detach().clone() for k, v in params.items()}, buffer)
    return buffer.getvalue()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_journal(directory: Path) -> dict | None:
    """The journal of an interrupted save (None if there is none), checked so
    that it names only files of this directory; CheckpointError if damaged."""
    path = directory / JOURNAL
    kind = _kind(path)
    if kind is None:
        return None
    why = "not a regular file" if kind != "file" else None
    if why is None:
        try:
            with open(path, "rb") as fh:
                journal = json.loads(fh.read(1 << 20))
            layers, stale = journal["layers"], journal["stale"]
            if journal.get("format") != JOURNAL_FORMAT or not isinstance(stale, list):
                raise ValueError
            for name, entry in layers.items():
                if (not _LAYER.fullmatch(name) or not _TEMP.fullmatch(entry["file"])
                        or not re.fullmatch(r"[0-9a-f]{64}", entry["sha256"])):
                    raise ValueError
            if not all(isinstance(n, str) and _LAYER.fullmatch(n) for n in stale):
                raise ValueError
            return journal
        except OSError as exc:
            why = f"cannot be read ({exc.strerror or exc})"
        except (ValueError, KeyError, TypeError, AttributeError):
            why = "damaged"
    raise CheckpointError(f"{path}: the journal of an interrupted save is {why}; "
                          f"remove it, or save into the directory again")


def _finish(directory: Path, journal: dict) -> None:
    """Steps 3 and 4 of a save whose journal is on disk: put each temporary
    file in its place, remove the stale layers and the journal."""
    for name, entry in journal["layers"].items():
        temp = directory / entry["file"]
        if _kind(temp) == "file" and _sha256(temp.read_bytes()) == entry["sha256"]:
            os.replace(temp, directory / f"{name}{SUFFIX}")
    for name in journal["stale"]:
        if name not in journal["layers"] and _kind(directory / f"{name}{SUFFIX}") == "file":
            os.unlink(directory / f"{name}{SUFFIX}")


def _recover(directory: Path, dir_fd: int | None) -> None:
    """Before a save: finish an interrupted one, delete leftover temporary files."""
    try:
        journal = _read_journal(directory)
    except CheckpointError:
        journal = None  # damaged: the save about to run replaces every layer anyway
        if _kind(directory / JOURNAL) == "file":
            os.unlink(directory / JOURNAL)
    if journal is not None:
        _finish(directory, journal)
        _fsync_dir(dir_fd)
        os.unlink(directory / JOURNAL)
    for entry in os.scandir(directory):
        if _TEMP.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
            os.unlink(entry.path)


def _refuse_non_files(directory: Path, names: list[str]) -> None:
    for name in names:
        kind = _kind(directory / name)
        if kind not in (None, "file"):
            raise CheckpointError(f"cannot save the model to {directory}: {name} is a {kind}, "
                                  f"not a regular file; refusing to replace it")


def _committed(directory: Path, entries: dict) -> bool:
    """Whether the journal on disk is this save's (step 2 done). An unreadable
    journal counts as committed: keeping temporary files is always safe."""
    if not entries:
        return False
    try:
        journal = _read_journal(directory)
    except CheckpointError:
        return True
    return journal is not None and journal["layers"] == entries


def _directory(path: str | os.PathLike, doing: str) -> Path:
    """The checkpoint directory a user named, ``~`` expanded as a shell would."""
    try:
        return Path(expand_user(path))
    except NoUser as exc:
        raise CheckpointError(f"cannot {doing} {os.fspath(path)}: {exc}") from None


def save_params(save_dir: str | os.PathLike, layers: dict[str, Params]) -> None:
    """Write ``{layer name: params}`` into ``save_dir`` (created if missing),
    atomically as a set (see the module's docstring)."""
    directory = _directory(save_dir, "save the model to")
    temps: list[Path] = []
    entries: dict[str, dict[str, str]] = {}
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with _locked(directory, exclusive=True) as dir_fd:
            _recover(directory, dir_fd)
            present = sorted(p.name[:-len(SUFFIX)] for p in directory.glob(f"*{SUFFIX}")
                             if _LAYER.fullmatch(p.name[:-len(SUFFIX)]))
            stale = [n for n in present if n not in layers]
            _refuse_non_files(directory, [f"{n}{SUFFIX}" for n in [*layers, *stale]] + [JOURNAL])
            for name, params in layers.items():  # step 1
                data = _serialised(params)
                temps.append(_write_temp(directory, f".{name}{SUFFIX}.", data))
                entries[name] = {"file": temps[-1].name, "sha256": _sha256(data)}
            journal = {"format": JOURNAL_FORMAT, "layers": entries, "stale": stale}
            text = json.dumps(journal, indent=1).encode()
            temps.append(_write_temp(directory, f"{JOURNAL}.", text))
            os.replace(temps[-1], directory / JOURNAL)  # step 2: the new model is the saved one
            _fsync_dir(dir_fd)
            _finish(directory, journal)  # step 3
            _fsync_dir(dir_fd)
            os.unlink(directory / JOURNAL)  # step 4
    except BaseException as exc:  # an error, or Ctrl-C half way
        committed = _committed(directory, entries)
        if not committed:  # the old model stands: take the new files away
            for tmp in temps:
                with contextlib.suppress(OSError):
                    tmp.unlink(missing_ok=True)
        if isinstance(exc, CheckpointError) or not isinstance(exc, OSError):
            raise
        reason = exc.strerror or str(exc)
        if committed:
            raise CheckpointError(f"cannot finish saving the model to {directory}: {reason} "
                                  f"(the new model is saved; the next save tidies up)") from None
        try:  # in words, where the words are known: a file in the way, /proc, a full disk
            check_directory(directory, "save the model to")
        except WriteError as why:
            raise CheckpointError(str(why)) from None
        raise CheckpointError(f"cannot save the model to {directory}: {reason}") from None


# ------------------------------------------------------------------ loading
#: Bytes a layer file may hold beyond its tensors' (float64) data: the zip
#: directory and the pickled dict around them.
FILE_OVERHEAD = 64 * 1024


def _most_bytes(shapes: dict[str, tuple[int, ...]]) -> int:
    """The largest layer file that can hold ``shapes``: float64 data plus overhead."""
    return 8 * sum(math.prod(shape) for shape in shapes.values()) + FILE_OVERHEAD


def _check_unpacked_size(path: Path, data: bytes, limit: int) -> None:
    """Refuse a file whose contents unpack to more than ``limit`` bytes (a
    small compressed file can hold a huge tensor) before torch reads it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        return  # not torch's zip format: torch.load refuses it with its own reason
    if unpacked > limit:
        raise CheckpointError(f"{path}: holds {unpacked:,} bytes of tensors, more than a layer of "
                              f"the current network can ({limit:,}); a model of another architecture")


def _load_layer(path: Path, shapes: dict[str, tuple[int, ...]], data: bytes) -> Params:
    _check_unpacked_size(path, data, _most_bytes(shapes))
    try:
        params = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, EOFError, ValueError,
            AttributeError, ImportError, IndexError, KeyError, TypeError) as exc:
        raise CheckpointError(f"{path}: {_why_unreadable(data, exc)}") from None
    if not isinstance(params, dict) or set(params) != set(shapes):
        raise CheckpointError(f"{path}: expected a dict with keys {sorted(shapes)}")
    for key, shape in shapes.items():
        value = params[key]
        if not isinstance(value, torch.Tensor) or not value.is_floating_point():
            raise CheckpointError(f"{path}: {key} is not a floating-point tensor")
        if value.layout != torch.strided or value.is_meta or value.device.type != "cpu":
            raise CheckpointError(f"{path}: {key} is not a plain dense tensor (sparse, meta or "
                                  f"another device's); save it with tui-mlp")
        if tuple(value.shape) != tuple(shape):
            raise CheckpointError(
                f"{path}: {key} has shape {list(value.shape)}, the current network needs "
                f"{list(shape)} (a model of another architecture)")
        if not torch.isfinite(value).all():
            raise CheckpointError(f"{path}: {key} holds non-finite values")
    return params


def _read(path: Path, limit: int) -> bytes:
    """A regular file's bytes, refused unread when larger than ``limit``."""
    try:
        info = path.stat()
        if stat.S_ISREG(info.st_mode) and info.st_size <= limit:
            return path.read_bytes()
    except OSError as exc:
        raise CheckpointError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(info.st_mode):
        raise CheckpointError(f"{path}: not a regular file")
    raise CheckpointError(f"{path}: {info.st_size:,} bytes, more than a layer of the current "
                          f"network can hold ({limit:,}); a model of another architecture")


def _layer_bytes(directory: Path, name: str, journal: dict | None, limit: int) -> tuple[Path, bytes]:
    """The bytes of layer ``name`` in the current set, and the path to name in errors."""
    path = directory / f"{name}{SUFFIX}"
    if journal is None:
        return path, _read(path, limit)
    entry = journal["layers"][name]
    temp = directory / entry["file"]
    source = temp if temp.is_file() else path
    data = _read(source, limit)
    if _sha256(data) != entry["sha256"]:
        raise CheckpointError(f"{path}: does not match the journal of an interrupted save "
                              f"(changed since); save into the directory again")
    return path, data


def load_params(model_dir: str | os.PathLike, expected: dict[str, dict[str, tuple[int, ...]]]
                ) -> dict[str, Params]:
    """Read and check every layer named in ``expected`` ({name: {key: shape}})."""
    directory = _directory(model_dir, "load a model from")
    if not directory.is_dir():
        raise CheckpointError(f"cannot load a model from {directory}: no such directory")
    with _locked(directory, exclusive=False):
        journal = _read_journal(directory)
        present = {p.name[:-len(SUFFIX)] for p in directory.glob(f"*{SUFFIX}")}
        if journal is not None:  # the set the journal names; its stale layers are gone
            present = (present - set(journal["stale"])) | set(journal["layers"])
        extra = sorted((n for n in present - expected.keys() if _LAYER.fullmatch(n)),
                       key=lambda n: int(n[2:]))
        if extra:
            raise CheckpointError(
                f"{directory} holds a model of another architecture: it has {extra[0]}{SUFFIX}, "
                f"the current network has only {len(expected)} linear layers")
        loaded: dict[str, Params] = {}
        for name, shapes in expected.items():
            path = directory / f"{name}{SUFFIX}"
            in_set = name in journal["layers"] if journal is not None else path.is_file()
            if not in_set:
                raise CheckpointError(f"{path}: missing (the checkpoint needs one file per layer: "
                                      f"{', '.join(n + SUFFIX for n in expected)})")
            path, data = _layer_bytes(directory, name, journal, _most_bytes(shapes))
            loaded[name] = _load_layer(path, shapes, data)
    return loaded
