"""Settings saved to and loaded from a TOML file (``--config run.toml``,
``--save-config``; the app's save/load keys use the same two functions).

The file has the tables ``Config.to_dict`` makes::

    [data]
    noise = 0.5
    [model]
    hidden = [16, 16]
    activation = "relu"
    [train]
    lr = 0.05

Any subset of keys may be given; the rest come from the layer below (the
defaults, or a preset). Every value goes through ``config.parse_field``, so a
file is held to exactly the limits of the command line, and an error names the
file, the table and the key. A relative CSV path in a file is read beside
that file (so a settings file and its data can move together); on the
command line it is relative to the current directory.
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

from tui_mlp.config import FIELDS, Config, ConfigError, build_layered
from tui_mlp.files import ReadError, read_text_capped, write_text_atomic

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

GROUPS = ("data", "model", "train")
#: A settings file is a few hundred bytes; anything near this is not one.
MAX_SETTINGS_BYTES = 2**20
HEADER = "# tui-mlp settings: load with `tui-mlp train --config FILE`\n"


#: Dots in one run of key characters beyond which a file is refused unparsed:
#: tomllib takes time quadratic in a dotted key's depth (``a.a.a...`` 100,000
#: deep: minutes), and a settings key has two parts at most (``train.lr``).
MAX_KEY_DOTS = 1000
_KEY_RUN = re.compile(r"[\w.\-\"' \t]+")  # key parts, the dots between them, spaces
_KEY_DOT = re.compile(r"\.[ \t]*[\w\-\"']")  # a dot that a key part follows


def _dotted_too_deep(text: str) -> bool:
    return any(len(_KEY_DOT.findall(run.group())) > MAX_KEY_DOTS for run in _KEY_RUN.finditer(text))


class SettingsFileError(ValueError):
    """A settings file that cannot be read or holds a refused value; one line for the user."""


def read_settings(path: str | os.PathLike) -> tuple[dict[str, Any], Any]:
    """The raw ``{field: value}`` of a settings file and the labeller that names a
    field as the file does (for ``config.build_layered``). The values are checked
    for structure here (known tables, known keys, each in its own table) and
    parsed by the caller."""
    path = Path(path)
    try:
        text = read_text_capped(path, MAX_SETTINGS_BYTES)
    except ReadError as exc:
        raise SettingsFileError(f"settings file {exc}") from None
    deep = f"{path}: not a settings file: its values are nested too deeply"
    if _dotted_too_deep(text):
        raise SettingsFileError(deep)
    try:
        data = tomllib.loads(text.removeprefix("\ufeff"))  # a UTF-8 BOM, as some editors write
    except tomllib.TOMLDecodeError as exc:
        raise SettingsFileError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise SettingsFileError(deep) from None
    values: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for key, table in data.items():
        if key not in GROUPS:
            where = FIELDS[key].group if key in FIELDS else None
            hint = (f"put it under [{where}]" if where else
                    "expected only the tables [data], [model] and [train]")
            raise SettingsFileError(f"{path}: {key}: not a table of settings; {hint}")
        if not isinstance(table, dict):
            raise SettingsFileError(f"{path}: {key}: expected a table [{key}], got a value")
        for name, value in table.items():
            spec = FIELDS.get(name)
            if spec is None:
                known = ", ".join(n for n, f in FIELDS.items() if f.group == key)
                raise SettingsFileError(f"{path}: [{key}] {name}: unknown setting; "
                                        f"[{key}] accepts {known}")
            if spec.group != key:
                raise SettingsFileError(f"{path}: [{key}] {name}: belongs in [{spec.group}]")
            values[name] = value
            origin[name] = key

    csv = values.get("csv")
    if isinstance(csv, str) and _relative(csv):
        values["csv"] = str(path.parent / csv)  # relative as written in the file: beside the file

    def label(name: str) -> str:
        return f"{path}: [{origin.get(name, FIELDS[name].group if name in FIELDS else '?')}] {name}"
    return values, label


def _relative(csv: str) -> bool:
    """Whether a CSV path is relative to a directory (not absolute, not from a ``~``)."""
    return bool(csv) and not csv.startswith("~") and not os.path.isabs(csv)


def load_config(path: str | os.PathLike, base: Config | None = None) -> Config:
    """The settings of a file over ``base`` (default: the book's), validated.
    SettingsFileError or ConfigError (naming the file and key) if refused."""
    values, label = read_settings(path)
    return build_layered([(values, label)], base)


def config_toml(config: Config, where: str | os.PathLike | None = None) -> str:
    """The TOML text of a config (every field; an unset init seed is left out).
    A relative CSV path is written relative to the directory ``where`` (the
    file's), since that is where ``read_settings`` looks for it."""
    import tomli_w

    values = config.to_dict()
    csv = values.get("data", {}).get("csv")
    if where is not None and isinstance(csv, str) and _relative(csv):
        values["data"]["csv"] = os.path.relpath(Path(csv).resolve(), Path(where).resolve())
    return HEADER + tomli_w.dumps(values)


def save_config(config: Config, path: str | os.PathLike) -> Path:
    """Write the settings atomically; WriteError (one line) if the path is unwritable."""
    return write_text_atomic(path, config_toml(config, Path(path).parent))


__all__ = ["SettingsFileError", "ConfigError", "read_settings", "load_config",
           "config_toml", "save_config"]
