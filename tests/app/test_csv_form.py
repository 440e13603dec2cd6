"""The form with a CSV: the path field completes from the disk (tab or right
takes the completion), and the generated data's fields a CSV has no use for
are disabled, those with a CSV default show it, until a generated set is
chosen again. Real key presses."""
from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Select

from tui_mlp.app import TrainerApp
from tui_mlp.app.widgets.inputs import complete_path
from tui_mlp.config import DATASETS

from .helpers import SIZE, SMALL, send_keys, settle, started, wait_until


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """points.csv, data/more.csv and a hidden file, in the test's directory, which is also home."""
    rows = [f"{i / 10},{-i / 10},{i % 2}" for i in range(40)]
    (tmp_path / "points.csv").write_text("\n".join(["x1,x2,label", *rows]) + "\n")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "more.csv").write_text("x1,x2,label\n0,0,0\n")
    (tmp_path / ".hidden.csv").write_text("")
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


def test_a_path_completes_to_the_first_entry_a_directory_with_a_slash(files: Path) -> None:
    assert complete_path("po") == "points.csv"
    assert complete_path("d") == "data/"
    assert complete_path("data") == "data/"
    assert complete_path("data/") == "data/more.csv"
    assert complete_path("~/po") == "~/points.csv"  # expanded to look, kept as typed
    assert complete_path(f"{files}/data/m") == f"{files}/data/more.csv"
    assert complete_path("points.csv") is None and complete_path("nothing") is None
    assert complete_path("") is None and complete_path("no/such/dir/x") is None
    assert complete_path(".h") == ".hidden.csv" and complete_path("") is None


async def typed(pilot, field: Input, *keys: str) -> None:
    send_keys(pilot.app, *keys)
    await pilot.pause()
    await pilot.pause()


async def test_tab_and_right_take_the_completion_shown_in_the_csv_field(files: Path) -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        field = app.query_one("#csv", Input)
        app.query_one("#advanced").collapsed = False
        await pilot.pause()
        field.focus()
        await typed(pilot, field, "p", "o")
        await wait_until(lambda: "points.csv" in field.render_line(0).text)  # shown greyed after "po"
        assert field.value == "po"
        await typed(pilot, field, "tab")
        assert field.value == "points.csv" and app.focused is field
        await typed(pilot, field, *["backspace"] * len("points.csv"), "~", "/", "d")
        await wait_until(lambda: "~/data/" in field.render_line(0).text)
        await typed(pilot, field, "right")
        assert field.value == "~/data/"
        await typed(pilot, field, "tab")
        assert field.value == "~/data/more.csv"
        await typed(pilot, field, "tab")  # nothing more to complete: the next field
        assert app.focused is not field


def choose(app: TrainerApp, dataset: str) -> list[str]:
    """The keys that choose ``dataset`` in the open data set list."""
    now = DATASETS.index(str(app.query_one("#dataset", Select).value))
    step = DATASETS.index(dataset) - now
    return [("down" if step > 0 else "up")] * abs(step) + ["enter"]


async def test_a_csv_disables_the_sample_count_and_shows_its_defaults_until_moons_again() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        value = {name: app.query_one(f"#{name}", Input) for name in ("n_samples", "noise", "train", "dev")}
        assert not value["n_samples"].disabled and value["noise"].value == "0.2"
        app.query_one("#dataset").focus()
        await pilot.press("enter", *choose(app, "csv"))
        await pilot.pause()
        assert value["n_samples"].disabled
        assert [value[n].value for n in ("noise", "train", "dev")] == ["0", "0.64", "0.16"]
        await pilot.press("enter", *choose(app, "moons"))
        await pilot.pause()
        assert not value["n_samples"].disabled
        assert [value[n].value for n in ("n_samples", "noise", "train", "dev")] == ["200", "0.2", "120", "40"]
        await settle(pilot)
        assert app.trainer.snapshot.config.data.noise == 0.2


async def test_a_csv_run_from_the_command_line_opens_with_the_sample_count_disabled(files: Path) -> None:
    app = TrainerApp(SMALL.with_values(dataset="csv", csv="points.csv", noise=0.0, train=0.5, dev=0.25))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert app.query_one("#n_samples", Input).disabled
