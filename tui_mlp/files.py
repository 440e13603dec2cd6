"""Paths the user names, resolved once, and atomic text writes.

Every output is checked before a run starts (``check_outputs``): resolved
through ``~``, ``..`` and symlinks, it may not be an input, another output,
or an existing directory, device, FIFO or socket. A write goes to a
temporary file beside the real target, is fsynced, then renamed over it, so
a reader (or a crash) sees the old file or the whole new one; a symlink is
written through, not replaced. Failures raise ``WriteError``, one line that
names the path and the reason.
"""
from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path

PathLike = str | os.PathLike[str]


class WriteError(OSError):
    """A file that cannot be written; ``str()`` is a one-line message for the user."""


class ReadError(OSError):
    """A file that cannot be read as asked; ``str()`` is a one-line message for the user."""


class NoUser(ValueError):
    """A path starting with ``~user`` for a user this machine does not know."""


def expand_user(path: PathLike) -> str:
    """``path`` with a leading ``~`` or ``~user`` expanded; ``NoUser`` (its
    message: "there is no user 'name'") when that user has no home."""
    expanded = os.path.expanduser(os.fspath(path))
    if expanded.startswith("~"):
        raise NoUser(f"there is no user {expanded[1:].split(os.sep)[0]!r}")
    return expanded


def read_text_capped(path: PathLike, max_bytes: int) -> str:
    """The UTF-8 text of a regular file of at most ``max_bytes``. A FIFO, a
    device (``/dev/zero``) or a directory is refused before anything is read,
    so nothing blocks and nothing grows without bound."""
    try:
        fd = os.open(expand_user(path), os.O_RDONLY | os.O_NONBLOCK)
    except NoUser as exc:
        raise ReadError(f"{path}: {exc}") from None
    except FileNotFoundError:
        raise ReadError(f"{path}: not found") from None
    except OSError as exc:
        raise ReadError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    mode = os.fstat(fd).st_mode
    for test, what in _NOT_REGULAR:
        if test(mode):
            os.close(fd)
            raise ReadError(f"{path}: it is {what}, not a regular file")
    with os.fdopen(fd, "rb") as fh:
        try:
            data = fh.read(max_bytes + 1)
        except OSError as exc:
            raise ReadError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > max_bytes:
        raise ReadError(f"{path}: larger than the {max_bytes // 2**20} MiB accepted")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ReadError(f"{path}: not UTF-8 text") from None


def resolve(path: PathLike, doing: str = "use") -> Path:
    """``path`` as the file system sees it: ``~`` expanded, ``..`` and every
    symlink resolved. ``WriteError`` ("cannot ``doing`` …") for a ``~user``
    with no home."""
    try:
        expanded = expand_user(path)
    except NoUser as exc:
        raise WriteError(f"cannot {doing} {os.fspath(path)}: {exc}") from None
    return Path(os.path.realpath(expanded))


def absolute(path: PathLike) -> str:
    """``path`` as a message names it: absolute, ``~`` expanded, symlinks kept."""
    return os.path.abspath(os.path.expanduser(os.fspath(path)))


_NOT_REGULAR = ((stat.S_ISDIR, "a directory"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
                (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"))


def _writable_target(path: PathLike) -> Path:
    """The resolved file ``path`` would write, after checking it can be: an
    existing regular file or a new name in a writable directory."""
    target = resolve(path)
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise WriteError(f"cannot write {path}: {exc.strerror or exc}") from None
    if mode is not None:
        for test, what in _NOT_REGULAR:
            if test(mode):
                raise WriteError(f"cannot write {path}: it is {what}")
    directory = target.parent
    if not directory.is_dir():
        raise WriteError(f"cannot write {path}: no such directory {directory}")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise WriteError(f"cannot write {path}: permission denied (directory {directory})")
    try:  # a file is written as a new file beside it, then renamed: one must be possible there
        _probe(directory, make_directory=False)
    except OSError as exc:
        raise WriteError(no_new_file(path, directory, exc)) from None
    return target


def _probe(directory: Path, make_directory: bool) -> None:
    """Make a new file (or directory) in ``directory`` and take it away again:
    ``OSError`` if none can be made there."""
    if make_directory:
        os.rmdir(tempfile.mkdtemp(prefix=".probe.", dir=directory))
    else:
        fd, probe = tempfile.mkstemp(prefix=".probe.", suffix=".tmp", dir=directory)
        os.close(fd)
        os.unlink(probe)


def check_directory(path: PathLike, doing: str) -> Path:
    """The resolved directory ``path`` names, after checking that it is one,
    or can be made as one, where files can be written (``doing`` it, as
    "save the model to", heads the ``WriteError``)."""
    target = resolve(path, doing)
    existing = target
    try:
        while not existing.exists():  # the deepest part of it there already
            existing = existing.parent
        is_directory = existing.is_dir()
    except OSError as exc:  # a name too long, a directory it may not look into
        raise WriteError(f"cannot {doing} {path}: {exc.strerror or exc}") from None
    if not is_directory:
        where = "it is" if existing == target else f"{existing} is"
        raise WriteError(f"cannot {doing} {path}: {where} a file, not a directory; choose a directory")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise WriteError(f"cannot {doing} {path}: permission denied (directory {existing})")
    try:  # what a save does first there: make a file, or the missing directory
        _probe(existing, make_directory=existing != target)
    except OSError as exc:
        raise WriteError(f"cannot {doing} {path}: nothing new can be made in {existing}: {_why_not(exc)}; "
                         f"choose another directory") from None
    return target


#: Why a new file cannot be made in a directory, in words, by errno.
_WHY_NOT = {errno.EROFS: "it is on a read-only file system", errno.ENOSPC: "the disk is full",
            errno.EDQUOT: "the disk quota is used up", errno.EACCES: "permission is denied",
            errno.EPERM: "permission is denied"}


def _why_not(exc: OSError) -> str:
    """Why nothing new can be made in a directory, in words."""
    return _WHY_NOT.get(exc.errno or 0, "it takes none, as /proc and /sys do")


def no_new_file(path: PathLike, directory: Path, exc: OSError) -> str:
    """The sentence for a file that cannot be written because no new file
    can be made in its ``directory`` (/proc, a read-only or full disk)."""
    return (f"cannot write {path}: no new file can be made in {directory}: {_why_not(exc)} (a file is "
            f"written as a new one beside its name, then renamed); choose another directory")


def new_file_mode() -> int:
    """The mode a new file gets from ``open``: 0o666 less the umask (a
    temporary file starts at 0o600 and is set to this before it is renamed)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_text_atomic(path: PathLike, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically (through a symlink, to
    its target); returns the file written."""
    target = _writable_target(path)
    directory = target.parent
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
            os.chmod(tmp, new_file_mode())
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        message = no_new_file(path, directory, exc) if tmp is None else f"cannot write {path}: {exc.strerror or exc}"
        raise WriteError(message) from None
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
    return target


def _same_file(a: Path, b: Path) -> bool:
    """One file under two names: hard links included once both exist."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet): the resolved names decide
        return a == b


def check_outputs(outputs: Mapping[str, PathLike | None], inputs: Mapping[str, PathLike | None]) -> None:
    """Before anything runs: raise ``WriteError`` naming the option if an
    output cannot be written, is one of the ``inputs`` (the CSV, the settings
    file) or is also another output. ``outputs`` are keyed by option name,
    ``inputs`` by what they are for the user ("the data file the run reads
    (csv)"); ``None`` values are skipped."""
    sources = {what: resolve(path) for what, path in inputs.items() if path}
    for name, path in outputs.items():
        if path is None:
            continue
        try:
            target = _writable_target(path)
        except WriteError as exc:
            raise WriteError(f"{name}: {exc}") from None
        for what, taken in sources.items():
            if _same_file(target, taken):
                raise WriteError(f"{name}: cannot write {path}: it is {what}; choose another file")
        sources[f"the output of {name}"] = target
