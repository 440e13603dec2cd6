"""Saving and loading layer parameters, one file per layer (``fc1.pdparams``...).

Writes are atomic as a set: every file goes to a temporary name first and is
renamed into place only once all of them are written, so a failure half way
leaves the previous checkpoint as it was. Loads use ``weights_only=True`` (no
pickle code runs) and check every file before anything is returned.
"""
from __future__ import annotations

import os
import pickle
import re
import tempfile
from pathlib import Path

import torch

SUFFIX = ".pdparams"
Params = dict[str, torch.Tensor]


class CheckpointError(OSError):
    """A checkpoint that cannot be written or read; the message is for the user."""


def _why_unreadable(path: Path, exc: Exception) -> str:
    """torch's load errors, said in a line a user can act on."""
    if path.stat().st_size == 0:
        return "empty file"
    if isinstance(exc, pickle.UnpicklingError) and "global" in str(exc).lower():
        return ("holds objects other than tensors; refused, because loading them "
                "could run code from the file")
    if "zip archive" in str(exc) or isinstance(exc, EOFError):
        return "truncated or damaged (not a complete torch file)"
    return "not a parameter file saved by tui-mlp"


def save_params(save_dir: str | os.PathLike, layers: dict[str, Params]) -> None:
    """Write ``{layer name: params}`` into ``save_dir`` (created if missing)."""
    directory = Path(save_dir)
    temps: list[tuple[str, Path]] = []
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for name, params in layers.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
            temps.append((name, Path(tmp)))
            with os.fdopen(fd, "wb") as fh:
                torch.save({k: v.detach().clone() for k, v in params.items()}, fh)
                fh.flush()
                os.fsync(fh.fileno())
        for name, tmp in temps:
            os.replace(tmp, directory / f"{name}{SUFFIX}")
    except OSError as exc:
        for _, tmp in temps:
            tmp.unlink(missing_ok=True)
        reason = exc.strerror or str(exc)
        raise CheckpointError(f"cannot save the model to {directory}: {reason}") from None


def load_params(model_dir: str | os.PathLike, expected: dict[str, dict[str, tuple[int, ...]]]
                ) -> dict[str, Params]:
    """Read and check every layer named in ``expected`` ({name: {key: shape}})."""
    directory = Path(model_dir)
    if not directory.is_dir():
        raise CheckpointError(f"cannot load a model from {directory}: no such directory")
    present = {p.name[:-len(SUFFIX)] for p in directory.glob(f"*{SUFFIX}")}
    extra = sorted(n for n in present - expected.keys() if re.fullmatch(r"fc\d+", n))
    if extra:
        raise CheckpointError(
            f"{directory} holds a model of another architecture: it has {extra[0]}{SUFFIX}, "
            f"the current network has only {len(expected)} linear layers")
    loaded: dict[str, Params] = {}
    for name, shapes in expected.items():
        path = directory / f"{name}{SUFFIX}"
        if not path.is_file():
            raise CheckpointError(f"{path}: missing (the checkpoint needs one file per layer: "
                                  f"{', '.join(n + SUFFIX for n in expected)})")
        try:
            params = torch.load(path, map_location="cpu", weights_only=True)
        except (pickle.UnpicklingError, RuntimeError, EOFError, ValueError,
                AttributeError, ImportError, IndexError, KeyError, TypeError) as exc:
            raise CheckpointError(f"{path}: {_why_unreadable(path, exc)}") from None
        except OSError as exc:
            raise CheckpointError(f"{path}: cannot be read ({exc.strerror or exc})") from None
        if not isinstance(params, dict) or set(params) != set(shapes):
            raise CheckpointError(f"{path}: expected a dict with keys {sorted(shapes)}")
        for key, shape in shapes.items():
            value = params[key]
            if not isinstance(value, torch.Tensor) or not value.is_floating_point():
                raise CheckpointError(f"{path}: {key} is not a floating-point tensor")
            if tuple(value.shape) != tuple(shape):
                raise CheckpointError(
                    f"{path}: {key} has shape {list(value.shape)}, the current network needs "
                    f"{list(shape)} (a model of another architecture)")
            if not torch.isfinite(value).all():
                raise CheckpointError(f"{path}: {key} holds non-finite values")
        loaded[name] = params
    return loaded
