"""No output destroys anything: every output path is resolved (``~``,
``..``, symlinks, hard links) and checked before a run starts, writes go
through symlinks, and no device, FIFO, socket or directory is replaced.
Device nodes are made with mknod inside the test's own directory."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tui_mlp.cli import main
from tui_mlp.files import WriteError, check_outputs, write_text_atomic

QUICK = ["train", "--n-samples", "100", "--train", "60", "--dev", "20", "--epochs", "2"]


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write_points(path: Path) -> bytes:
    rows = [f"{i / 10:.1f},{(i % 7) / 10:.1f},{i % 2}" for i in range(100)]
    path.write_text("\n".join(rows) + "\n")
    return path.read_bytes()


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod of a character device needs root")
@pytest.mark.parametrize("option", ["--export-json", "--history-csv", "--save-config"])
def test_a_device_is_never_replaced(capsys, tmp_path: Path, option: str) -> None:
    null = tmp_path / "null"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    code, _, err = cli(capsys, *QUICK, option, str(null))
    assert code == 1 and err.strip() == f"tui-mlp: {option}: cannot write {null}: it is a device"
    assert stat.S_ISCHR(null.stat().st_mode)


def test_a_fifo_is_refused_before_training_and_nothing_blocks(capsys, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    code, out, err = cli(capsys, *QUICK, "--history-csv", str(fifo))
    assert code == 1 and out == "" and "it is a FIFO" in err
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_symlink_is_written_through_to_its_target(capsys, tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    code, _, err = cli(capsys, *QUICK, "--export-json", str(link))
    assert code == 0, err
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert '"test_accuracy"' in real.read_text()


def test_a_csv_named_with_a_tilde_is_still_an_input(capsys, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    before = write_points(tmp_path / "in.csv")
    code, _, err = cli(capsys, *QUICK, "--csv", "~/in.csv", "--history-csv", str(tmp_path / "in.csv"))
    assert code == 1 and "it is the data file the run reads (csv)" in err
    assert (tmp_path / "in.csv").read_bytes() == before


def test_a_hard_link_or_dotdot_to_the_csv_is_refused(capsys, tmp_path: Path) -> None:
    before = write_points(tmp_path / "in.csv")
    os.link(tmp_path / "in.csv", tmp_path / "hard.csv")
    (tmp_path / "sub").mkdir()
    for target in (tmp_path / "hard.csv", tmp_path / "sub" / ".." / "in.csv"):
        code, _, err = cli(capsys, *QUICK, "--csv", str(tmp_path / "in.csv"), "--export-json", str(target))
        assert code == 1 and "it is the data file the run reads (csv)" in err, target
    assert (tmp_path / "in.csv").read_bytes() == before


def test_the_settings_file_read_is_not_an_output(capsys, tmp_path: Path) -> None:
    settings = tmp_path / "keep.toml"
    settings.write_text("[train]\nepochs = 2\n")
    code, _, err = cli(capsys, *QUICK, "--config", str(settings), "--history-csv", str(settings))
    assert code == 1 and "it is the settings file the run reads (--config)" in err
    assert settings.read_text() == "[train]\nepochs = 2\n"


def test_two_outputs_may_not_share_a_file(capsys, tmp_path: Path) -> None:
    out = tmp_path / "x"
    code, _, err = cli(capsys, *QUICK, "--history-csv", str(out), "--export-json", str(out))
    assert code == 1 and err.strip() == (f"tui-mlp: --export-json: cannot write {out}: "
                                         "it is the output of --history-csv; choose another file")
    assert not out.exists()  # refused before the run, nothing written


def test_a_home_of_no_user_is_one_line(capsys) -> None:
    code, _, err = cli(capsys, *QUICK, "--export-json", "~nosuchuser4242/run.json")
    assert code == 1 and err.strip() == ("tui-mlp: --export-json: cannot use ~nosuchuser4242/run.json: "
                                         "there is no user 'nosuchuser4242'")


def test_write_text_atomic_refuses_what_is_not_a_regular_file(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(WriteError, match="it is a FIFO"):
        write_text_atomic(fifo, "x")
    with pytest.raises(WriteError, match="it is a directory"):
        write_text_atomic(tmp_path, "x")
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_check_outputs_accepts_distinct_new_files(tmp_path: Path) -> None:
    check_outputs({"--a": tmp_path / "a", "--b": tmp_path / "b", "--c": None},
                  {"the data file the run reads (csv)": tmp_path / "in.csv"})


@pytest.mark.parametrize("option", ["--save-dir", "--save-config", "--history-csv", "--export-json",
                                    "--export-data", "--export-weights"])
@pytest.mark.parametrize("value", ["", "  "])
def test_an_empty_output_path_is_a_usage_error(capsys, option: str, value: str) -> None:
    code, out, err = cli(capsys, *QUICK, option, value)
    assert code == 2 and out == "" and err.strip().startswith(f"tui-mlp: {option}: {value!r} is not accepted")


def test_checkpoint_files_follow_the_umask(tmp_path: Path) -> None:
    import torch

    from tui_mlp.checkpoint import save_params

    old = os.umask(0o022)
    try:
        save_params(tmp_path, {"fc1": {"W": torch.zeros(2, 3), "b": torch.zeros(3)}})
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "fc1.pdparams").stat().st_mode) == 0o644


def test_a_checkpoint_directory_named_with_a_tilde_is_the_home_s(capsys, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    code, out, err = cli(capsys, *QUICK, "--save-dir", "~/model")
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "home" / "model").iterdir()) == ["fc1.pdparams", "fc2.pdparams"]
    assert not (tmp_path / "~").exists()  # not a directory named "~" in the current one
    code, _, err = cli(capsys, *QUICK, "--load-dir", "~/model")
    assert code == 0, err


@pytest.mark.parametrize("option", ["--save-dir", "--load-dir"])
def test_a_checkpoint_directory_of_no_user_is_one_line(capsys, tmp_path: Path, monkeypatch, option) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = cli(capsys, *QUICK, option, "~nosuchuser4242/model")
    doing = "save the model to" if option == "--save-dir" else "load a model from"
    assert code == 1 and err.strip().splitlines()[-1] == (
        f"tui-mlp: {option}: cannot {doing} ~nosuchuser4242/model: there is no user 'nosuchuser4242'")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("below", ["", "/model"])
def test_a_save_dir_that_is_or_lies_in_a_file_is_refused_before_training(capsys, tmp_path: Path, below) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("mine")
    code, out, err = cli(capsys, *QUICK, "--save-dir", f"{blocker}{below}")
    where = "it is" if not below else f"{blocker} is"
    assert code == 1 and out == ""  # nothing trained
    assert err.strip() == (f"tui-mlp: --save-dir: cannot save the model to {blocker}{below}: {where} a file, "
                           f"not a directory; choose a directory")
    assert blocker.read_text() == "mine" and sorted(tmp_path.iterdir()) == [blocker]


@pytest.mark.skipif(not Path("/proc/version").is_file(), reason="no /proc")
def test_a_save_dir_where_nothing_can_be_made_is_refused_before_training(capsys) -> None:
    code, out, err = cli(capsys, *QUICK, "--save-dir", "/proc/model")
    assert code == 1 and out == ""
    assert err.strip().startswith("tui-mlp: --save-dir: cannot save the model to /proc/model: "
                                  "nothing new can be made in /proc")


def test_saving_a_model_over_a_file_says_so_and_leaves_the_file(tmp_path: Path) -> None:
    """The app's ctrl+s reaches save_params itself: the same check, the same words."""
    import torch

    from tui_mlp.checkpoint import CheckpointError, save_params

    blocker = tmp_path / "notes.txt"
    blocker.write_text("mine")
    with pytest.raises(CheckpointError, match="it is a file, not a directory"):
        save_params(blocker, {"fc1": {"W": torch.zeros(2, 3), "b": torch.zeros(3)}})
    assert blocker.read_text() == "mine"


def test_a_new_save_dir_is_made_and_the_check_leaves_nothing_behind(capsys, tmp_path: Path) -> None:
    code, _, err = cli(capsys, *QUICK, "--save-dir", str(tmp_path / "runs" / "best"))
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["best", "fc1.pdparams", "fc2.pdparams", "runs"]


def test_a_save_dir_the_file_system_refuses_to_look_up_is_named(capsys, tmp_path: Path) -> None:
    long = tmp_path / ("a" * 300) / "model"
    code, out, err = cli(capsys, *QUICK, "--save-dir", str(long))
    assert code == 1 and out == ""
    assert err.strip() == f"tui-mlp: --save-dir: cannot save the model to {long}: File name too long"
