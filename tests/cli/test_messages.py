"""The CLI's one-line messages for options that make no sense together or
cannot be honoured: each names the option(s), the value and what is
accepted, before anything trains."""
from __future__ import annotations

import errno
from pathlib import Path

import pytest


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and "usage:" not in err and "error: argument" not in err
    return lines[0]


def small_csv(path: Path, rows: int = 30) -> Path:
    path.write_text("x1,x2,label\n" + "".join(f"{i / 10},{-i / 10},{i % 2}\n" for i in range(rows)))
    return path


def test_columns_without_a_csv_is_a_usage_error_naming_both(cli) -> None:
    code, out, err = cli("train", "--columns", "a,b,c", "--epochs", "1")
    line = one_line(err)
    assert code == 2 and out == ""
    assert line.startswith("tui-mlp: --columns: 'a,b,c' is not accepted") and "--csv PATH" in line
    assert "moons" in line
    code, _, err = cli("sweep", "--columns", "a,b,c", "--grid", "lr=0.1,0.2")
    assert code == 2 and "--csv" in one_line(err)


def test_an_empty_csv_path_is_refused_rather_than_training_moons(cli) -> None:
    code, out, err = cli("train", "--csv", "", "--epochs", "1")
    assert code == 2 and out == ""
    assert one_line(err).startswith("tui-mlp: --csv: '' is not accepted; expected the path of a CSV file")


@pytest.mark.parametrize("command", ["train", "compare", "sweep"])
def test_a_split_that_does_not_fit_a_csv_names_the_split_options_and_the_rows(cli, tmp_path, command) -> None:
    data = small_csv(tmp_path / "small.csv")
    extra = ["--grid", "lr=0.1,0.2"] if command == "sweep" else []
    code, out, err = cli(command, "--csv", str(data), "--train", "25", "--dev", "10", "--epochs", "1", *extra)
    line = one_line(err)
    assert code == 2 and out == ""
    assert line.startswith(f"tui-mlp: --train/--dev: the split does not fit the 30 rows of {data}: ")
    assert "split 25/10/-5" in line


def test_a_missing_csv_is_still_blamed_on_csv(cli, tmp_path) -> None:
    code, _, err = cli("train", "--csv", str(tmp_path / "none.csv"))
    assert code == 2 and one_line(err).startswith("tui-mlp: --csv: ")


@pytest.mark.parametrize("jobs", ["0", "257", "x"])
def test_sweep_jobs_out_of_range_is_one_line_with_the_range(cli, jobs) -> None:
    code, out, err = cli("sweep", "--jobs", jobs, "--grid", "lr=0.1,0.2")
    assert code == 2 and out == ""
    assert one_line(err) == (f"tui-mlp: --jobs: {jobs!r} is not accepted; expected a number of worker "
                             f"processes from 1 to 256")


@pytest.mark.parametrize("grid, value, first", [("lr=0.1,0.1", "0.1", "0.1"), ("lr=0.1,0.2,0.10", "0.10", "0.1"),
                                                ("hidden=5;16,16;5", "5", "5")])
def test_a_repeated_grid_value_is_refused_naming_it(cli, grid, value, first) -> None:
    code, out, err = cli("sweep", "--grid", grid, "--epochs", "1")
    assert code == 2 and out == ""
    name = grid.split("=")[0]
    assert one_line(err) == (f"tui-mlp: --grid {name}: {value!r} is not accepted; it repeats {first!r}: "
                             f"expected each value once")


def test_an_output_where_no_new_file_can_be_made_says_so_before_training(cli, tmp_path, monkeypatch) -> None:
    import tui_mlp.files as files

    def refused(*args, **kwargs):
        raise OSError(errno.ENOENT, "No such file or directory")

    monkeypatch.setattr(files.tempfile, "mkstemp", refused)
    target = tmp_path / "run.json"
    code, out, err = cli("train", "--epochs", "1", "--export-json", str(target))
    line = one_line(err)
    assert code == 1 and "[Train]" not in out  # refused before the run
    assert line == (f"tui-mlp: --export-json: cannot write {target}: no new file can be made in {tmp_path}: "
                    f"it takes none, as /proc and /sys do (a file is written as a new one beside its name, "
                    f"then renamed); choose another directory")
    assert "No such file" not in line and not target.exists()


@pytest.mark.skipif(not Path("/proc/version").is_file(), reason="no /proc")
def test_export_json_into_proc_names_the_path_and_why(cli) -> None:
    code, _, err = cli("train", "--epochs", "1", "--export-json", "/proc/version")
    line = one_line(err)
    assert code == 1 and "cannot write /proc/version: no new file can be made in /proc" in line
    assert "No such file" not in line


#: What the app's message adds for an option of tui-mlp train.
KEYS_HINT = "(in the app, ? lists the keys that save, load and export)"


@pytest.mark.parametrize(("argv", "expected"), [
    (["--save-dir", "models"], f"tui-mlp: error: --save-dir is an option of tui-mlp train, not of the app {KEYS_HINT}"),
    (["--lr", "0.5", "--history-csv=h.csv"],
     f"tui-mlp: error: --history-csv is an option of tui-mlp train, not of the app {KEYS_HINT}"),
    (["--port", "8000"], "tui-mlp: error: --port is an option of tui-mlp serve, not of the app"),
    (["--bogus", "1"], "tui-mlp: error: unrecognized option --bogus (see tui-mlp --help)"),
])
def test_an_option_the_app_does_not_take_is_named_not_its_value(cli, argv, expected) -> None:
    """argparse alone takes the option's value for a command ("invalid choice: 'models'")."""
    code, out, err = cli(*argv)
    assert code == 2 and out == ""
    assert err.strip() == expected


def test_a_command_word_still_gets_argparse_s_own_message(cli) -> None:
    code, _, err = cli("frob")
    assert code == 2 and "invalid choice: 'frob'" in err
