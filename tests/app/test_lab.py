"""The lab in the app: presets, the settings file, live diagnostics,
the gradient check, compare, confusion matrices, exports, the footer. Pilot
tests with real key presses and small configs."""
from __future__ import annotations

import asyncio
import contextlib
import json
import time
from pathlib import Path

import pytest
import torch
from textual.widgets import Input

from tests.app.helpers import ENDLESS, SIZE, SMALL, epoch, pane_text, replace_text, settle, started, state, wait_until
from tui_mlp.app import TrainerApp
from tui_mlp.app.panes.compare import ComparePane
from tui_mlp.app.panes.lab import LabPane
from tui_mlp.config import Config
from tui_mlp.presets import PRESETS, preset_config
from tui_mlp.session import CompareState, State
from tui_mlp.settings_file import load_config


def notes(app: TrainerApp) -> list[str]:
    return [n.message for n in app._notifications]


def lab_text(app: TrainerApp) -> tuple[str, str]:
    pane = app.query_one(LabPane)
    return pane.diagnostics.text.plain, pane.results.text.plain


async def pick(pilot, option_id: str) -> None:
    """Open the presets picker with p and choose ``option_id`` with the arrow keys."""
    await pilot.press("p")
    options = pilot.app.screen.query_one("#preset-list")
    await wait_until(lambda: options.has_focus)
    ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
    await pilot.press(*["down"] * ids.index(option_id), "enter")


async def answer(pilot, path: str) -> None:
    """Type ``path`` into the path dialog and press enter."""
    field = pilot.app.screen.query_one("#path", Input)
    await replace_text(pilot, field, path)
    await pilot.press("enter")


# ---------------------------------------------------------------- 1. presets
async def test_p_picks_a_preset_which_fills_the_form_and_resets_the_run() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert epoch(app) == 1
        await pick(pilot, "vanishing")
        await settle(pilot)
        expected = preset_config("vanishing")
        assert app.trainer.snapshot.config == expected
        assert app.query_one("#hidden", Input).value == "3,3,3,3"
        assert app.query_one("#bias_init", Input).value == "1"
        assert (state(app), epoch(app)) == (State.IDLE, 0)
        assert list(app.trainer.snapshot.params) == ["fc1", "fc2", "fc3", "fc4", "fc5"]
        assert any("preset vanishing" in n for n in notes(app))


async def test_every_preset_is_listed_with_its_title() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("p")
        options = app.screen.query_one("#preset-list")
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(len(PRESETS))]
        for prompt, preset in zip(prompts, PRESETS.values()):
            assert preset.name in prompt and preset.title in prompt
        await pilot.press("escape")
        assert app.trainer.snapshot.config == SMALL


# ---------------------------------------------------------------- 2. settings file
async def test_settings_saved_to_and_loaded_from_a_toml_file() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pick(pilot, "save-settings")
        assert app.screen.query_one("#path", Input).value == "run.toml"  # the default
        await answer(pilot, "lab.toml")
        await pilot.pause()
        assert load_config("lab.toml") == SMALL
        assert not list(Path().glob(".lab.toml.*"))  # atomic: no temporary file left
        await pick(pilot, "logistic-regression")
        await settle(pilot)
        assert app.trainer.snapshot.config.model.hidden == ()
        await pick(pilot, "load-settings")
        assert app.screen.query_one("#path", Input).value == "lab.toml"  # remembered
        await pilot.press("enter")
        await settle(pilot)
        assert app.trainer.snapshot.config == SMALL
        assert app.query_one("#hidden", Input).value == "5"


async def test_a_bad_settings_file_is_a_notification_naming_the_file_and_key() -> None:
    Path("bad.toml").write_text('[train]\nlr = "fast"\n')
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pick(pilot, "load-settings")
        await answer(pilot, "bad.toml")
        await pilot.pause()
        message = notes(app)[-1]
        assert "bad.toml" in message and "lr" in message and "'fast'" in message
        assert app.trainer.snapshot.config == SMALL  # nothing changed
        await pick(pilot, "load-settings")
        await answer(pilot, "missing.toml")
        await pilot.pause()
        assert "missing.toml: not found" in notes(app)[-1]
        await pick(pilot, "save-settings")
        await answer(pilot, "no/such/dir/run.toml")
        await pilot.pause()
        assert "no/such/dir/run.toml" in notes(app)[-1] and "no such directory" in notes(app)[-1]


HOSTILE_SETTINGS = {
    "inf": ("[train]\nlr = inf\n", "inf.toml: [train] lr: inf is not accepted"),
    "deep": ("a = " + "[" * 100_000 + "]" * 100_000 + "\n", "nested too deeply"),
    "dotted": ("a" + ".a" * 100_000 + " = 1\n", "nested too deeply"),
    "nouser": ('[data]\ncsv = "~nosuchuser4242/x.csv"\n', "there is no user 'nosuchuser4242'"),
}


@pytest.mark.parametrize("name", list(HOSTILE_SETTINGS))
async def test_a_hostile_settings_file_is_a_notice_and_the_app_goes_on(name: str) -> None:
    text, said = HOSTILE_SETTINGS[name]
    Path(f"{name}.toml").write_text(text)
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pick(pilot, "load-settings")
        await answer(pilot, f"{name}.toml")
        await wait_until(lambda: bool(notes(app)) and "settings not loaded" in notes(app)[-1], timeout=30)
        assert said in notes(app)[-1] and "\n" not in notes(app)[-1]
        assert app.trainer.snapshot.config == SMALL  # nothing changed
        await pilot.press("n")  # and the app still trains
        await settle(pilot)
        assert epoch(app) == 1 and app.is_running


# ---------------------------------------------------------------- 3. diagnostics
async def test_the_lab_shows_live_gradient_norms_and_the_vanishing_gradients_of_4_4_2() -> None:
    app = TrainerApp(preset_config("vanishing").with_values(epochs=20, log_epochs=10))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("l")
        assert app.tabs.active == "lab-tab"
        await pilot.press("s")
        await settle(pilot)
        snap = app.trainer.snapshot
        assert state(app) == State.FINISHED
        assert len(snap.grad_norms) == 20 and all(len(n) == 5 for n in snap.grad_norms)
        norms = snap.diagnosis.grad_norms
        assert norms[0] < 1e-3 * norms[-1]  # the first layer's gradient vanishes
        diagnostics, _ = lab_text(app)
        for layer in ("fc1", "fc2", "fc3", "fc4", "fc5"):
            assert layer in diagnostics
        assert "last 20 epochs" in diagnostics and "fc1/fc5 gradient ratio" in diagnostics
        # the plot of the norms: fc1's line decades below fc5's
        rows = line_rows(app.query_one(LabPane).norms)
        assert {0, 4} <= set(rows)  # (lines of similar norms may cover each other)
        assert min(rows[0]) > max(rows[4]) + 2
        lab = app.query_one(LabPane)  # each box says which weights or epochs it describes
        assert lab.diagnostics.border_title.startswith("diagnostics of the weights at epoch 19: ")
        assert lab.norms.border_title == "‖dL/dW‖ per layer, epochs 0-19 (log scale)"
        await pilot.press("l")
        assert app.tabs.active == "train-tab"


def line_rows(plot) -> dict[int, list[int]]:
    """Per layer, the rows where its colour is drawn in the left half of the
    plot (the legend sits in a right-hand corner)."""
    from tui_mlp.render.palette import TRUECOLOR

    colours = TRUECOLOR.layers
    found: dict[int, list[int]] = {}
    width = plot.size.width
    for y in range(plot.size.height):
        x = 0
        for segment in plot.render_line(y):
            colour = segment.style.color.triplet if segment.style and segment.style.color else None
            if colour is not None and x < width // 2 and tuple(colour) in colours:
                found.setdefault(colours.index(tuple(colour)), []).append(y)
            x += segment.cell_length
    return found


async def test_the_lab_shows_every_relu_dead_with_bias_minus_8_of_4_4_3() -> None:
    app = TrainerApp(preset_config("dead-relu").with_values(epochs=5))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("l", "s")
        await settle(pilot)
        snap = app.trainer.snapshot
        assert snap.diagnosis.dead == (3, 3, 3, 3)
        assert all(n == 0.0 for norms in snap.grad_norms for n in norms[:-1])
        diagnostics, _ = lab_text(app)
        assert diagnostics.count("3/3") == 4


async def test_g_checks_the_gradients_on_a_copy_and_shows_the_worst_error() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("n", "n")
        await settle(pilot)
        before = app.trainer.snapshot
        await pilot.press("g")  # not on the train tab
        await settle(pilot)
        assert app.trainer.snapshot.grad_check is None
        await pilot.press("l", "g")
        await settle(pilot)
        snap = app.trainer.snapshot
        at, result = snap.grad_check
        assert at == 2 and result.worst < 1e-4
        assert snap.epoch == before.epoch and snap.run == before.run
        for name, layer in snap.params.items():  # the weights drawn are the weights trained
            for key, value in layer.items():
                assert torch.equal(value, before.params[name][key])
        _, results = lab_text(app)
        assert f"relative error: {result.worst:.3g}" in results or f"below it: {result.worst:.3g}" in results
        assert any("gradient check" in n for n in notes(app))


# ---------------------------------------------------------------- 4. compare
async def test_v_compares_logistic_regression_with_the_mlp() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        run = app.trainer.snapshot.run
        await pilot.press("v")
        assert app.tabs.active == "compare-tab"
        await app.workers.wait_for_complete()
        await wait_until(lambda: app.comparer.view.state == CompareState.DONE)
        app.poll()
        await pilot.pause()
        view = app.comparer.view
        assert view.labels == ("logistic regression", "MLP 2-5-1 logistic")
        assert len(view.curves[0].epochs) == len(view.curves[1].epochs) == 40
        pane = app.query_one(ComparePane)
        assert pane.curves.points_plotted > 0
        for box in pane.maps:
            assert box.point_count == 200 and box.render_line(0).cell_length == box.size.width
        table = pane.table.text.plain
        assert "test acc" in table and "A logistic regression" in table and "B MLP 2-5-1" in table
        assert app.trainer.snapshot.run == run and epoch(app) == 0  # the trained model is not touched
        await pilot.press("c")
        assert pane.curves.mode == "accuracy"
        await pilot.press("v")
        assert app.tabs.active == "train-tab"
        await pilot.press("v")  # same settings: the comparison is kept, not run again
        assert app.comparer.view is view
        assert "compared already" in notes(app)[-1]


async def test_a_new_comparison_does_not_show_the_last_ones_boundaries() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("v")
        await wait_until(lambda: app.comparer.view.state == CompareState.DONE)
        app.poll()
        await pilot.pause()
        pane = app.query_one(ComparePane)
        assert "▀" in pane_text(pane.maps[0])
        await pilot.press("v")  # back to train: new settings, a long comparison
        app.train_pane.form.set_config(SMALL.with_values(epochs=1_000_000))
        await pilot.pause()
        await pilot.press("v")
        await wait_until(lambda: app.comparer.view.state == CompareState.RUNNING)
        app.poll()
        await pilot.pause()
        for box in pane.maps:
            shown = pane_text(box)
            assert "▀" not in shown and "the boundary appears when both are done" in shown
        await pilot.press("v", "q")


# ---------------------------------------------------------------- 5. results
async def test_t_shows_the_confusion_matrices_on_dev_and_test() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("s")
        await settle(pilot)
        tested = app.trainer.snapshot.tested  # the end of a run tests
        assert tested.dev.total == 40 and tested.test.total == 40
        await pilot.press("l")
        _, results = lab_text(app)
        assert f"test accuracy {tested.score:.4f}" in results
        assert "dev" in results and "test" in results and results.count("pred 0") == 2
        await pilot.press("r", "t")
        await settle(pilot)
        _, results = lab_text(app)
        assert "of the current model" in results


async def test_e_and_j_export_the_history_and_the_run() -> None:
    app = TrainerApp(SMALL.with_values(epochs=12))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("l", "e")
        assert app.screen.query_one("#path", Input).value == "history.csv"
        await pilot.press("enter")
        await settle(pilot)
        rows = Path("history.csv").read_text().splitlines()
        assert rows[0] == "epoch,train_loss,train_score,dev_loss,dev_score" and len(rows) == 13
        await pilot.press("j")
        await answer(pilot, "out.json")
        await settle(pilot)
        run = json.loads(Path("out.json").read_text())
        assert run["epochs"] == 12 and run["seeds"]["data"] == SMALL.data.seed
        assert set(run["confusion"]) == {"dev", "test"} and run["config"]["train"]["epochs"] == 12
        await pilot.press("e")
        await answer(pilot, "missing/h.csv")
        await settle(pilot)
        await wait_until(lambda: "missing/h.csv" in notes(app)[-1])
        assert "no such directory" in notes(app)[-1]



async def test_no_export_may_overwrite_the_csv_the_run_reads() -> None:
    data = Path("points.csv")
    data.write_text("\n".join(f"{i / 10},{(i % 7) / 3},{i % 2}" for i in range(60)) + "\n")
    before = data.read_bytes()
    app = TrainerApp(SMALL.with_values(dataset="csv", csv="points.csv", train=40, dev=10, epochs=5))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("l")
        for key, what in (("e", "history"), ("j", "run")):
            await pilot.press(key)
            await answer(pilot, "./points.csv")
            refused = f"{what} not exported"
            await wait_until(lambda refused=refused: bool(notes(app)) and notes(app)[-1].startswith(refused))
            assert "it is the data file the run reads (csv)" in notes(app)[-1]
        await pick(pilot, "save-settings")
        await answer(pilot, "points.csv")
        await wait_until(lambda: "settings not saved" in notes(app)[-1])
        app.train_pane.form.set_config(SMALL)  # the form no longer names the CSV; the run still reads it
        await pick(pilot, "save-settings")
        await answer(pilot, "points.csv")
        # the newest notice shows, each is in the log
        await wait_until(lambda: sum("settings not saved" in n for n in app.trainer.log.since(0)[0]) == 2)
    assert data.read_bytes() == before

# ---------------------------------------------------------------- 6. keys
async def test_each_tab_lists_its_keys_in_the_footer_which_fits_in_80_columns() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        footer = app.screen.query_one("Footer")
        common = ["question_mark", "q", "s", "n", "minus", "plus", "r", "t"], ["a", "l", "v", "w"]
        model = ["ctrl+s", "ctrl+o", "c"]
        expected = {"train-tab": [*common[0], *model, "d", "p", *common[1]],
                    "activations-tab": [*common[0], *model, *common[1]],
                    "lab-tab": [*common[0], "p", "g", "e", "j", *common[1]],
                    "compare-tab": [*common[0], *model, *common[1]],
                    "network-tab": [*common[0], *common[1]]}
        shown = lambda: [child.key for child in footer.query("FooterKey")]  # noqa: E731
        for tab, keys in expected.items():
            app.tabs.active = tab
            with contextlib.suppress(AssertionError):  # the footer recomposes a moment later
                await wait_until(lambda keys=keys: shown() == keys, timeout=5.0)
            await pilot.pause()
            assert shown() == keys, tab
            right = max(w.region.right for w in footer.query("FooterKey, FooterLabel"))
            assert right <= 80, tab


def test_config_round_trip_through_the_form_for_every_preset() -> None:
    """``SettingsForm.set_config`` shows text the form parses back to the same config."""
    from tui_mlp.config import FIELDS, build_config, text_of

    for preset in PRESETS.values():
        config = preset.config()
        values = {name: config.get(name) if FIELDS[name].choices or isinstance(config.get(name), bool)
                  else text_of(config.get(name)) for name in FIELDS}
        assert build_config(values) == config
    assert Config() == PRESETS["book"].config()


async def test_per_epoch_gradient_norms_run_only_while_the_lab_tab_shows() -> None:
    """They cost the training thread time, so the Train tab trains without
    them and the Lab tab turns them on."""
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert epoch(app) == 1
        assert app.trainer.snapshot.grad_norms == ()
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await wait_until(lambda: epoch(app) == 2)
        assert len(app.trainer.snapshot.grad_norms) == 1
        await pilot.press("l")  # back to Train: off again
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await wait_until(lambda: epoch(app) == 3)
        assert len(app.trainer.snapshot.grad_norms) == 1
        await pilot.press("l")  # on again: the norms kept are the latest epochs in a row
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await wait_until(lambda: epoch(app) == 4)
        assert len(app.trainer.snapshot.grad_norms) == 1
        await pilot.press("n", "n")
        await settle(pilot)
        await pilot.press("l")  # to Train: 3 epochs without norms, then back
        await settle(pilot)
        await pilot.press("n", "n", "n")
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        app.poll()
        await pilot.pause()
        snap = app.trainer.snapshot
        assert (snap.epoch, len(snap.grad_norms), snap.norms_end) == (9, 3, 5)  # epochs 3, 4, 5 (as logged)
        ticks = pane_text(app.lab_pane.norms).splitlines()[-2]  # above the "epoch" label
        assert ticks.split() == ["3", "4", "5"]  # the kept norms sit at their own epochs


async def test_the_norms_plot_is_redrawn_at_most_once_a_second_while_training() -> None:
    app = TrainerApp(ENDLESS)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("l")
        plot = app.lab_pane.norms
        shown = []
        original = plot.show
        plot.show = lambda *args: (shown.append(time.monotonic()), original(*args))
        await pilot.press("s")
        await asyncio.sleep(2.6)
        assert state(app) == "running" and epoch(app) > 100
        # a loaded machine stretches the wait, never the spacing
        gaps = [later - earlier for earlier, later in zip(shown, shown[1:])]
        assert shown and all(gap >= 0.9 for gap in gaps), shown
        await pilot.press("s")


async def test_each_tab_key_opens_its_tab_from_any_tab_and_again_goes_back_to_train() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        keys = {"a": "activations-tab", "l": "lab-tab", "v": "compare-tab"}
        for first, second in [("l", "a"), ("a", "l"), ("v", "a"), ("a", "v"), ("l", "v"), ("v", "l")]:
            await pilot.press(first)
            assert app.tabs.active == keys[first]
            await pilot.press(second)
            assert app.tabs.active == keys[second]
            await pilot.press(second)
            assert app.tabs.active == "train-tab"
