"""The settings form reads a CSV's columns by name, through the same field as
``--columns`` and settings files."""
from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from tui_mlp.app import TrainerApp

from .helpers import SIZE, SMALL, settle, started, wait_until


async def test_the_form_picks_the_csv_columns_by_name() -> None:
    rows = ["id;x1;x2;label"] + [f"{i};{i / 10};{-i / 10};{i % 2}" for i in range(60)]
    Path("points.csv").write_text("\n".join(rows) + "\n")
    app = TrainerApp(SMALL.with_values(dataset="csv", csv="points.csv", train=40, dev=10,
                                       shuffle=False, noise=0.0))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        # by default the first two columns and the last: id and x1
        assert app.trainer.snapshot.data[0][0][1].tolist() == pytest.approx([1.0, 0.1])
        field = app.query_one("#columns", Input)
        field.value = "x1,x2"
        await pilot.pause()
        assert "expected three different column names" in app.train_pane.form.errors["columns"]
        field.value = "x2,x1,label"
        await wait_until(lambda: app.trainer.snapshot.config.data.columns == ("x2", "x1", "label"))
        await settle(pilot)
        await wait_until(lambda: app.trainer.snapshot.data[0][0][1].tolist() == pytest.approx([-0.1, 0.1]))
