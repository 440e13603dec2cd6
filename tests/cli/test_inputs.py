"""No input file hangs or eats memory, and no bad value slips through: only
regular files are read, within size caps; values outside float32's range are
refused; odd TOML (inf, nan, deep nesting, a BOM) is one line or read."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tui_mlp.cli import main
from tui_mlp.data import MAX_CSV_BYTES, DataError, load_csv

QUICK = ["train", "--n-samples", "100", "--train", "60", "--dev", "20", "--epochs", "2"]


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("option", ["--csv", "--config"])
def test_a_fifo_input_is_refused_without_blocking(tmp_path: Path, option: str) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    proc = subprocess.run([sys.executable, "-m", "tui_mlp", *QUICK, option, str(fifo)],
                          capture_output=True, text=True, timeout=60)  # a block would time out
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    assert "it is a FIFO, not a regular file" in proc.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod of a character device needs root")
@pytest.mark.parametrize("option", ["--csv", "--config"])
def test_an_endless_device_is_refused_before_it_is_read(capsys, tmp_path: Path, option: str) -> None:
    zero = tmp_path / "zero"
    os.mknod(zero, 0o666 | stat.S_IFCHR, os.makedev(1, 5))
    code, _, err = cli(capsys, *QUICK, option, str(zero))
    assert code == 2 and "it is a device, not a regular file" in err


def test_a_csv_over_the_size_cap_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    with big.open("wb") as fh:
        fh.truncate(MAX_CSV_BYTES + 1)  # sparse: no disk used
    with pytest.raises(DataError, match="larger than the 64 MiB accepted"):
        load_csv(big)


def test_a_value_beyond_float32_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("0,0,0\n1,1,1\n1e39,0,1\n2,2,0\n")
    with pytest.raises(DataError, match=r"line 3: features must be within float32's range"):
        load_csv(path)


@pytest.mark.parametrize(("table", "line"), [
    ("train", "lr = inf"), ("train", "lr = 1e309"), ("train", "lr = nan"), ("data", "noise = -inf"),
    ("model", "weight_scale = nan"), ("data", "train = inf")])
def test_non_finite_toml_values_are_one_line(capsys, tmp_path: Path, table: str, line: str) -> None:
    path = tmp_path / "run.toml"
    path.write_text(f"[{table}]\n{line}\n")
    code, _, err = cli(capsys, *QUICK, "--config", str(path))
    key = line.split(" = ")[0]
    assert code == 2 and err.startswith(f"tui-mlp: {path}: [{table}] {key}: ") and err.count("\n") == 1


def test_a_deeply_nested_toml_is_one_line(capsys, tmp_path: Path) -> None:
    path = tmp_path / "deep.toml"
    path.write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n")
    code, _, err = cli(capsys, *QUICK, "--config", str(path))
    assert code == 2 and err.strip() == f"tui-mlp: {path}: not a settings file: its values are nested too deeply"


def test_a_toml_with_a_bom_is_read(capsys, tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf[train]\nepochs = 3\n")
    code, _, err = cli(capsys, "train", "--n-samples", "100", "--train", "60", "--dev", "20",
                       "--config", str(path), "--json")
    assert code == 0, err


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod of a character device needs root")
def test_a_full_stdout_is_one_line(tmp_path: Path) -> None:
    full_device = tmp_path / "full"  # a node of our own for the kernel's "full" device
    os.mknod(full_device, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    with open(full_device, "w") as full:
        proc = subprocess.run([sys.executable, "-m", "tui_mlp", *QUICK], stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=120)
    assert proc.returncode == 1
    assert proc.stderr.strip() == "tui-mlp: cannot write the output: No space left on device"


@pytest.mark.parametrize(("text", "error"), [
    ("x1,x2,label\n0,0,0\n1,1,1\n2,2,0\n", None),  # a header: no cell is a number
    ("\ufeff0,0,0\n1,1,1\n2,2,0\n", None),  # a BOM, no header: the first row is data
    ("# made by hand\n0,0,0\n\n# more\n1,1,1\n2,2,0\n", None),  # comments and blanks skipped
    ("0.5,O.3,1\n1,1,1\n2,2,0\n3,3,1\n", "line 1: column 2, 'O.3', is not a plain decimal number"),
    ("0,0,0\n1_0,1,1\n2,2,0\n", "line 2: column 1, '1_0', is not a plain decimal number"),
    ("0,0,0\n\u0661,1,1\n2,2,0\n", "line 2: column 1, '\u0661', is not a plain decimal number"),
    ("0,0,0\ninf,1,1\n2,2,0\n", "line 2: column 1, 'inf', is not a plain decimal number"),
])
def test_the_csv_grammar(tmp_path: Path, text: str, error: str | None) -> None:
    path = tmp_path / "points.csv"
    path.write_text(text, encoding="utf-8")
    if error is None:
        X, y = load_csv(path, shuffle=False)
        assert X.shape == (3, 2) and X[0].tolist() == [0.0, 0.0] and y.reshape(-1).tolist() == [0, 1, 0]
    else:
        with pytest.raises(DataError) as info:
            load_csv(path)
        assert error in str(info.value)


def test_a_run_that_would_not_fit_is_refused_before_it_is_built(capsys, monkeypatch) -> None:
    from tui_mlp import experiment

    monkeypatch.setattr(experiment, "available_memory", lambda: 64 * 2**20)
    code, out, err = cli(capsys, "train", "--n-samples", "1000000", "--hidden", "1024,1024", "--epochs", "1")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("tui-mlp: 1,000,000 samples with hidden layers 1024,1024 need about ")
    assert "--batch-size" in err


def test_the_estimate_grows_with_the_settings_and_the_book_fits() -> None:
    from tui_mlp.config import Config
    from tui_mlp.experiment import memory_needed

    book = Config()
    assert memory_needed(book, 1000) < 2**20
    big = book.with_values(n_samples=1_000_000, train=0.64, dev=0.16, hidden=(1024,) * 8)
    assert memory_needed(big, 1_000_000) > 30 * 2**30  # the case that died in the allocator
    assert memory_needed(big.with_values(batch_size=1000), 1_000_000) < memory_needed(big, 1_000_000)


def test_a_csv_over_the_row_cap_is_refused(tmp_path: Path, monkeypatch) -> None:
    from tui_mlp import data

    monkeypatch.setattr(data, "MAX_SAMPLES", 5)  # the cap of generated data, 1,000,000, scaled down
    path = tmp_path / "rows.csv"
    path.write_text("".join(f"{i},{i},{i % 2}\n" for i in range(6)))
    with pytest.raises(DataError, match="more than 5 rows, the most a data set may have"):
        load_csv(path)
    path.write_text("".join(f"{i},{i},{i % 2}\n" for i in range(5)))
    assert load_csv(path)[0].shape == (5, 2)


def test_a_toml_float_keeps_its_point_as_the_option_does(capsys, tmp_path: Path) -> None:
    path = tmp_path / "run.toml"
    path.write_text("[data]\ntrain = 1.0\n")
    code, _, err = cli(capsys, *QUICK, "--config", str(path))
    option_code, _, option_err = cli(capsys, "train", "--train", "1.0")
    assert code == option_code == 2
    assert err.strip() == f"tui-mlp: {path}: [data] train: 1.0 is not accepted; " + \
        option_err.strip().split("is not accepted; ", 1)[1]


def test_a_dotted_key_nested_deep_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    """tomllib takes minutes over ``a.a.a...`` 100,000 deep (quadratic in the
    depth): the file is refused unparsed. A subprocess, so a hang times out."""
    path = tmp_path / "dotted.toml"
    path.write_text("a" + ".a" * 100_000 + " = 1\n")
    proc = subprocess.run([sys.executable, "-m", "tui_mlp", *QUICK, "--config", str(path)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr == f"tui-mlp: {path}: not a settings file: its values are nested too deeply\n"


def test_dots_that_are_no_dotted_key_are_read(capsys, tmp_path: Path) -> None:
    path = tmp_path / "run.toml"
    path.write_text("# " + "." * 5000 + "\n[train]\nepochs = 2\n")
    code, _, err = cli(capsys, *QUICK, "--config", str(path), "--json")
    assert code == 0, err


@pytest.mark.parametrize("where", ["--csv", "the settings file's csv", "--config"])
def test_a_home_of_no_user_in_an_input_is_one_line(capsys, tmp_path: Path, where: str) -> None:
    nobody = "~nosuchuser4242/points.csv"
    settings = tmp_path / "run.toml"
    settings.write_text(f'[data]\ncsv = "{nobody}"\n')
    argv = {"--csv": ["--csv", nobody], "the settings file's csv": ["--config", str(settings)],
            "--config": ["--config", "~nosuchuser4242/run.toml"]}[where]
    code, out, err = cli(capsys, *QUICK, *argv)
    assert code == 2 and out == "" and err.count("\n") == 1
    expected = {"--csv": f"tui-mlp: --csv: '{nobody}' is not accepted; there is no user",
                "the settings file's csv": f"tui-mlp: {settings}: [data] csv: '{nobody}' is not accepted; "
                                           f"there is no user",
                "--config": "tui-mlp: settings file ~nosuchuser4242/run.toml: there is no user"}[where]
    assert err.startswith(expected) and "'nosuchuser4242'" in err
