"""Real data from a CSV: columns picked by header name, any delimiter the
sniffer finds, a BOM and CRLF; its points used as they are and split in the
book's proportions unless the settings say otherwise."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from tui_mlp.cli import build_parser, config_from_args
from tui_mlp.config import Config, ConfigError, parse_field
from tui_mlp.data import DataError, load_csv
from tui_mlp.experiment import load_data

POINTS = [(0.5, -1.25, 0), (1.0, 2.0, 1), (-3.5, 0.25, 1), (4.0, 4.5, 0)]


def write(path: Path, text: str, newline: str = "\n") -> Path:
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return path


def config_of(*argv: str) -> Config:
    return config_from_args(build_parser().parse_args(["train", *argv]))


def table(delimiter: str, header: tuple[str, ...] = ("id", "x1", "x2", "note", "label")) -> str:
    rows = [delimiter.join(header)]
    for i, (a, b, label) in enumerate(POINTS):
        rows.append(delimiter.join([str(i), str(a), str(b), f"row{i}", str(label)]))
    return "\n".join(rows) + "\n"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", " ", "|"])
def test_columns_are_read_by_name_with_any_delimiter(tmp_path, delimiter):
    path = write(tmp_path / "points.csv", table(delimiter))
    X, y = load_csv(path, shuffle=False, columns=("x1", "x2", "label"))
    assert X.tolist() == [[a, b] for a, b, _ in POINTS]
    assert y.tolist() == [label for *_, label in POINTS]


def test_columns_may_come_in_any_order_and_runs_of_spaces_separate(tmp_path):
    path = write(tmp_path / "points.txt", "label   b  a\n1  2.5  -1\n0  3  4\n0 1 1\n")
    X, y = load_csv(path, shuffle=False, columns=("a", "b", "label"))
    assert X.tolist() == [[-1.0, 2.5], [4.0, 3.0], [1.0, 1.0]] and y.tolist() == [1, 0, 0]


def test_a_bom_crlf_and_quoted_header_are_read(tmp_path):
    text = '\ufeff"x 1";"x 2";"y"\n0.5;-1.25;0\n1;2;1\n-3.5;0.25;1\n'
    path = write(tmp_path / "win.csv", text, newline="\r\n")
    X, y = load_csv(path, shuffle=False, columns=("x 1", "x 2", "y"))
    assert X.tolist() == [[0.5, -1.25], [1.0, 2.0], [-3.5, 0.25]] and y.tolist() == [0, 1, 1]


def test_by_default_the_first_two_columns_and_the_last(tmp_path):
    path = write(tmp_path / "wide.csv", "a,b,c,d\n1,2,9,0\n3,4,9,1\n5,6,9,1\n")
    X, y = load_csv(path, shuffle=False)
    assert X.tolist() == [[1, 2], [3, 4], [5, 6]] and y.tolist() == [0, 1, 1]


@pytest.mark.parametrize(("text", "columns", "error"), [
    ("a,b,label\n1,2,0\n1,oops,1\n", ("a", "b", "label"),
     "line 3: column 2 ('b'), 'oops', is not a plain decimal number"),
    ("a,b,label\n1,2,0\n1,2,7\n", ("a", "b", "label"),
     "line 3: label must be a whole number from 0 to 1 (the file has 2 distinct labels), "
     "got '7' in column 3 ('label')"),
    ("a,b,label\n1,2,0\n", ("a", "c", "label"),
     "line 1: no column 'c' in the header (it has 'a', 'b', 'label'); columns a,c,label"),
    ("1,2,0\n1,2,1\n2,2,1\n", ("a", "b", "label"), "line 1: columns a,b,label need a header line"),
    ("a;b;label\n1;2;0\n1;2\n3;3;1\n", (), "line 3: expected 3 values like line 1, got 2"),
    ("a,b\n1,2\n", (), "line 1: expected at least 3 values"),
])
def test_errors_name_the_line_and_the_column(tmp_path, text, columns, error):
    path = write(tmp_path / "bad.csv", text)
    with pytest.raises(DataError) as info:
        load_csv(path, columns=columns)
    assert f"{path}, {error}" in str(info.value) and "\n" not in str(info.value)


def test_unpicked_columns_may_hold_anything(tmp_path):
    path = write(tmp_path / "notes.csv", "x1,x2,comment,label\n1,2,,0\n3,4,n/a,1\n5,6,ok,1\n")
    assert load_csv(path, shuffle=False)[1].tolist() == [0, 1, 1]


# ---------------------------------------------------------------- the columns setting
def test_columns_is_a_setting_with_its_own_message():
    assert parse_field("columns", " a , b ,label") == ("a", "b", "label")
    assert parse_field("columns", "") == ()
    for bad in ("a,b", "a,b,c,d", "a,a,b", "a,,b"):
        with pytest.raises(ConfigError, match=r"^--columns: .* expected three different column names"):
            parse_field("columns", bad)


def test_columns_from_the_command_line_and_a_settings_file(cli, tmp_path):
    data = write(tmp_path / "points.csv", table(";"))
    settings = write(tmp_path / "run.toml", f"[data]\ncsv = '{data}'\ncolumns = ['x2', 'x1', 'label']\n")
    from_file = config_of("--config", str(settings))
    assert from_file.data.columns == ("x2", "x1", "label")
    assert config_of("--csv", str(data), "--columns", "x1,x2,label").data.columns == ("x1", "x2", "label")
    X, _ = load_csv(from_file.data.csv, shuffle=False, columns=from_file.data.columns)
    assert X.tolist() == [[b, a] for a, b, _ in POINTS]
    code, out, err = cli("train", "--csv", str(data), "--columns", "x1,x2,nope", "--epochs", "1")
    assert code == 2 and err.startswith(f"tui-mlp: --csv: {data}, line 1: no column 'nope'")


def test_help_lists_the_columns_option():
    assert "--columns" in build_parser().format_help()


# ---------------------------------------------------------------- noise and split of a CSV
def moons_csv(path: Path, rows: int) -> Path:
    lines = ["x1,x2,label"] + [f"{i / 8},{(i % 11) / 4},{i % 2}" for i in range(rows)]
    return write(path, "\n".join(lines) + "\n")


def test_a_csvs_points_get_no_noise_unless_noise_is_given(tmp_path):
    path = moons_csv(tmp_path / "p.csv", 50)
    exact = torch.tensor([[i / 8, (i % 11) / 4] for i in range(50)])
    plain = config_of("--csv", str(path), "--shuffle", "false")
    assert plain.data.noise == 0.0
    (X, _), (Xd, _), (Xt, _) = load_data(plain)
    assert torch.equal(torch.cat([X, Xd, Xt]), exact)
    noisy = config_of("--csv", str(path), "--shuffle", "false", "--noise", "0.2")
    assert not torch.allclose(torch.cat([p[0] for p in load_data(noisy)]), exact, atol=1e-3)


def test_a_csv_is_split_64_16_20_unless_train_or_dev_are_given(tmp_path):
    path = moons_csv(tmp_path / "p.csv", 300)  # under 801 rows: the 640/160 split would be refused
    sizes = [len(part[1]) for part in load_data(config_of("--csv", str(path)))]
    assert sizes == [192, 48, 60]
    sizes = [len(part[1]) for part in load_data(config_of("--csv", str(path), "--train", "100"))]
    assert sizes == [100, 48, 152]


def test_a_settings_file_or_preset_value_counts_as_given(tmp_path):
    path = moons_csv(tmp_path / "p.csv", 300)
    settings = write(tmp_path / "run.toml", "[data]\nnoise = 0.3\ndev = 30\n")
    config = config_of("--config", str(settings), "--csv", str(path))
    assert (config.data.noise, config.data.train, config.data.dev) == (0.3, 0.64, 30)


def test_made_data_keep_the_books_defaults():
    config = config_of()
    assert (config.data.noise, config.data.train, config.data.dev) == (0.2, 640, 160)


def test_a_small_csv_trains_from_the_cli_with_the_defaults(cli, tmp_path):
    path = moons_csv(tmp_path / "p.csv", 100)
    code, out, err = cli("train", "--csv", str(path), "--epochs", "3", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert sum(map(sum, result["confusion"]["test"]["matrix"])) == 20
    assert result["config"]["data"]["noise"] == 0.0


def test_a_csv_too_small_for_its_split_says_which_part_is_empty(cli, tmp_path):
    path = moons_csv(tmp_path / "p.csv", 3)  # 0.64 and 0.16 of 3 rows: 2 train, 0 dev
    code, out, err = cli("train", "--csv", str(path), "--epochs", "1")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "split 2/0/1 of 3 samples: train, dev and test each need at least one" in err
