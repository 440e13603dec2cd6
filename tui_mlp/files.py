"""Atomic text writes: a temporary file beside the target, fsync, then rename.

A reader (or a crash) sees either the old file or the whole new one, never
half of it. Failures raise ``WriteError`` whose message names the path and the
reason, one line, for the user.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


class WriteError(OSError):
    """A file that cannot be written; ``str()`` is a one-line message for the user."""


def write_text_atomic(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically; returns the path."""
    target = Path(path)
    if target.is_dir():
        raise WriteError(f"cannot write {target}: it is a directory")
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise WriteError(f"cannot write {target}: no such directory {directory}")
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if target.exists():  # keep the permissions of the file it replaces
            try:
                os.chmod(tmp, target.stat().st_mode & 0o7777)
            except OSError:
                pass
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise WriteError(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
    return target


def check_writable(path: str | os.PathLike) -> None:
    """Raise ``WriteError`` now if ``path`` clearly cannot be written later
    (its directory is missing or read-only, or it is a directory), so a long
    run does not end in a failed export."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise WriteError(f"cannot write {target}: it is a directory")
    if not directory.is_dir():
        raise WriteError(f"cannot write {target}: no such directory {directory}")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise WriteError(f"cannot write {target}: permission denied (directory {directory})")


def check_not_input(path: str | os.PathLike, data_file: str | os.PathLike | None) -> None:
    """Raise ``WriteError`` if writing ``path`` would replace ``data_file``, the
    CSV the run reads its data from (an export aimed at the wrong file)."""
    if not data_file:
        return
    try:
        same = os.path.samefile(path, data_file)
    except OSError:  # one of them does not exist (yet): compare the names
        same = Path(path).resolve() == Path(data_file).resolve()
    if same:
        raise WriteError(f"cannot write {path}: it is the data file the run reads (csv); choose another file")
