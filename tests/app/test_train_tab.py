"""Every key and pane of the Train tab, with real key presses."""
from __future__ import annotations

import asyncio
import time

import torch
from textual.widgets import Checkbox, Input, Select

from tui_mlp.app import TrainerApp
from tui_mlp.config import FIELDS
from tui_mlp.presets import PRESETS
from tui_mlp.render.boundary import GLYPHS
from tui_mlp.session import State

from .helpers import (
    ENDLESS,
    SIZE,
    SMALL,
    LoopCounter,
    epoch,
    map_text,
    pane_text,
    replace_text,
    send_keys,
    settle,
    started,
    state,
    type_into,
    wait_until,
)


def params_equal(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(
        torch.equal(a[layer][k], b[layer][k]) for layer in a for k in a[layer])


async def test_the_empty_log_says_what_the_first_run_shows_and_what_bends_it() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        hint = " ".join(pane_text(app.train_pane.train_log).split())
        assert "Press s to train" in hint and "nearly straight" in hint and "micrograd preset (p)" in hint
        await pilot.press("s")
        await settle(pilot)
        assert "Press s to train" not in pane_text(app.train_pane.train_log)


async def test_the_empty_log_fits_the_task_and_follows_a_preset() -> None:
    regression = SMALL.with_values(task="regression", dataset="plane")
    three = SMALL.with_values(dataset="spiral", classes=3)
    for config, words in ((regression, ("regression", "R²", "plane")), (three, ("3 classes", "spiral3"))):
        app = TrainerApp(config)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            hint = " ".join(pane_text(app.train_pane.train_log).split())
            assert all(word in hint for word in words) and "moons" not in hint, hint
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("p", *["down"] * list(PRESETS).index("plane"), "enter")
        await settle(pilot)
        await wait_until(lambda: app.trainer.snapshot.config.data.task == "regression")
        app.poll()
        await pilot.pause()
        # the preset's notice is the log's first line; the hint behind it follows the task
        log = app.train_pane.train_log
        hint = " ".join(log.placeholder.split())
        assert "A regression" in hint and "moons" not in hint, hint
        assert log.lines and log.lines[0].startswith("[Note] preset plane: regression")


async def test_start_produces_log_lines_and_advances_the_epoch() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert (state(app), epoch(app)) == (State.IDLE, 0)
        await pilot.press("s")
        await settle(pilot)
        assert state(app) == State.FINISHED
        assert epoch(app) == SMALL.train.epochs
        lines = app.train_pane.train_log.lines
        assert lines[0] == f"[Run 1] {SMALL.summary()}"
        assert f"[Train] epoch: 0/{SMALL.train.epochs}, loss: " in lines[1] or \
            lines[1].startswith("[Evaluate] best accuracy performance has been updated")
        assert sum(line.startswith("[Train] epoch: ") for line in lines) == SMALL.train.epochs // 10
        assert lines[-1].startswith("[Test] score/loss: ")
        assert f"epoch {SMALL.train.epochs}/{SMALL.train.epochs}" in app.status.text
        assert app.status.text.split()[0] == "finished"
        snap = app.trainer.snapshot
        assert f"best dev {snap.best_score:.4f} @{snap.best_epoch}" in app.status.text
        assert snap.note in app.status.text  # whole: the pace gives way to it when short of room
        wide = "".join(text for line in app.status.lines(200) for text, _ in line)
        assert f"{snap.speed:,.0f} ep/s" in wide and snap.speed > 0
        train_loss, train_acc, dev_loss, dev_acc = snap.metrics
        assert f"train loss {train_loss:.4f} acc {train_acc:.4f}  dev loss {dev_loss:.4f}" in app.status.text


async def test_s_again_pauses_and_training_stops() -> None:
    app = TrainerApp(ENDLESS)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        send_keys(app, "s")  # (Pilot's press waits for an idle CPU: not while training)
        await wait_until(lambda: epoch(app) > 20)
        send_keys(app, "s")
        await wait_until(lambda: state(app) == State.PAUSED)
        paused_at = epoch(app)
        await asyncio.sleep(0.3)
        assert epoch(app) == paused_at
        assert not app.trainer.busy  # no loop left running
        app.poll()
        assert app.status.text.split()[0] == "paused"
        run = app.trainer.snapshot.run
        send_keys(app, "s")  # resume continues the same run
        await wait_until(lambda: epoch(app) > paused_at + 5)
        assert state(app) == State.RUNNING and app.trainer.snapshot.run == run
        send_keys(app, "s")
        await settle(pilot)


async def test_n_advances_exactly_one_epoch_when_idle_or_paused() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert (state(app), epoch(app)) == (State.PAUSED, 1)
        await pilot.press("n")
        await settle(pilot)
        assert (state(app), epoch(app)) == (State.PAUSED, 2)
        assert "epoch 2/40" in app.status.text


async def test_reset_returns_to_epoch_zero_with_the_same_initial_weights() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        initial = app.trainer.snapshot
        await pilot.press("s")
        await settle(pilot)
        trained = app.trainer.snapshot
        assert not params_equal(trained.params, initial.params)
        await pilot.press("r")
        await settle(pilot)
        after = app.trainer.snapshot
        assert (after.state, after.epoch, after.best_epoch) == (State.IDLE, 0, -1)
        assert after.run > trained.run
        assert after.curves.epochs == ()
        assert params_equal(after.params, initial.params)
        assert after.data_version == trained.data_version  # the same data sets, not redrawn
        assert after.data[0][0] is trained.data[0][0]
        assert map_text(app) != ""
        assert not app.train_pane.train_log.lines[-1].startswith("[Run")  # numbered when it trains


async def test_invalid_field_shows_its_message_and_blocks_start() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await type_into(pilot, "lr", "abc")
        message = app.query_one("#lr-error").render().plain
        assert message.startswith("learning rate: 'abc' is not accepted; expected a number > 0")
        assert app.query_one("#lr-error").display
        assert app.query_one("#lr", Input).has_class("-invalid")
        await pilot.press("s")
        await asyncio.sleep(0.2)
        assert (state(app), epoch(app)) == (State.IDLE, 0)
        toast = [n.message for n in app._notifications]
        assert f"cannot start: {message}" in toast  # the field named once, with what it accepts
        await type_into(pilot, "lr", "0.5")  # fixed: the message goes, start works
        assert not app.query_one("#lr-error").display
        assert app.trainer.snapshot.config.train.lr == 0.5
        await pilot.press("s")
        await settle(pilot)
        assert state(app) == State.FINISHED


async def test_cross_field_rule_shows_beside_the_field_it_names() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await type_into(pilot, "dev", "100")  # 120 + 100 >= 200 samples
        text = app.query_one("#dev-error").render().plain
        assert text.startswith("dev: 100 is not accepted; train + dev must leave at least one test sample")
        await pilot.press("n")
        await asyncio.sleep(0.2)
        assert epoch(app) == 0


async def test_focus_starts_off_the_form_and_escape_or_enter_leave_a_field() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert app.focused is None
        await pilot.click("#epochs")
        assert app.focused is app.query_one("#epochs")
        await pilot.press("end", "backspace", "backspace", "2", "5", "s")  # 's' is typed, not a key
        assert app.query_one("#epochs", Input).value == "25s"
        assert epoch(app) == 0 and state(app) == State.IDLE
        await pilot.press("backspace", "escape")
        assert app.focused is None
        await pilot.press("s")  # now a key again
        await settle(pilot)
        assert (state(app), epoch(app)) == (State.FINISHED, 25)
        await pilot.click("#seed")
        await pilot.press("enter")
        assert app.focused is None


async def test_keys_typed_in_one_burst_keep_their_order() -> None:
    """What a fast typist, a paste or tmux send-keys delivers: edits, escape
    and a command key before the app has drawn anything in between."""
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.click("#epochs")
        send_keys(app, "end", "backspace", "backspace", "3", "0", "escape", "s")
        await settle(pilot)
        assert app.query_one("#epochs", Input).value == "30"
        assert app.focused is None
        assert (state(app), epoch(app)) == (State.FINISHED, 30)
        await pilot.click("#log_epochs")
        send_keys(app, "end", "backspace", "backspace", "5", "enter", "r")
        await settle(pilot)
        assert app.query_one("#log_epochs", Input).value == "5"
        assert (state(app), epoch(app)) == (State.IDLE, 0)


async def test_a_data_change_redraws_the_map_points_before_any_training() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        before = map_text(app)
        assert app.train_pane.boundary.point_count == 200
        await type_into(pilot, "n_samples", "300")
        await wait_until(lambda: app.trainer.snapshot.config.data.n_samples == 300)
        await settle(pilot)
        assert app.train_pane.boundary.point_count == 300
        assert map_text(app) != before
        assert (state(app), epoch(app)) == (State.IDLE, 0)
        await type_into(pilot, "noise", "0.5")
        await settle(pilot)
        assert app.trainer.snapshot.config.data.noise == 0.5
        assert app.trainer.snapshot.data[0][0].shape[0] == 120


async def test_the_map_shows_points_before_training_and_changes_while_training() -> None:
    app = TrainerApp(SMALL.with_values(epochs=300))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        before = map_text(app)
        for glyph in (g for per_class in GLYPHS[:2] for g in per_class):  # each class in each set
            assert glyph in before
        assert "▀" in before  # half blocks: two pixels per cell
        width, height = app.train_pane.boundary.size
        rows = before.splitlines()
        assert len(rows) == height and all(len(row) == width for row in rows)
        await pilot.press("s")
        await settle(pilot)
        after = map_text(app)
        assert after != before
        assert app.train_pane.boundary.misclassified < 0.5 * app.train_pane.boundary.point_count


async def test_t_logs_the_test_score_of_the_best_model() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("s")
        await settle(pilot)
        runner = app.trainer._exp.runner
        current = runner.parameters()
        runner.restore_best()
        expected = runner.evaluate(app.trainer._exp.test_set)
        runner.set_parameters(current)
        await pilot.press("t")
        await settle(pilot)
        assert app.train_pane.train_log.lines[-1] == f"[Test] score/loss: {expected[0]:.4f}/{expected[1]:.4f}"
        assert params_equal(runner.parameters(), current)  # t leaves the trained weights alone


async def test_save_reset_load_gives_back_the_same_test_score(tmp_path) -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        score = app.train_pane.train_log.lines[-1]
        target = tmp_path / "models" / "best"  # a missing nested directory: created
        await pilot.press("ctrl+s")
        dialog_input = app.screen.query_one("#path", Input)
        assert dialog_input.value == "best_model"  # the default, relative to the working dir
        await replace_text(pilot, dialog_input, "models/best")
        await pilot.press("enter")
        await settle(pilot)
        assert sorted(p.name for p in target.iterdir()) == ["fc1.pdparams", "fc2.pdparams"]
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert app.train_pane.train_log.lines[-1] != score  # fresh weights score differently
        await pilot.press("ctrl+o")
        assert app.screen.query_one("#path", Input).value == "models/best"  # remembered
        await pilot.press("enter")
        await settle(pilot)
        assert app.train_pane.train_log.lines[-1].startswith("[Load] model loaded from models/best")
        assert "loaded" in app.status.text
        await pilot.press("t")
        await settle(pilot)
        assert app.train_pane.train_log.lines[-1] == score


async def test_a_load_that_fails_names_the_directory_and_keeps_the_model(tmp_path) -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("n", "n")
        await settle(pilot)
        before = app.trainer.snapshot
        await pilot.press("ctrl+o")
        await replace_text(pilot, app.screen.query_one("#path", Input), "nowhere")
        await pilot.press("enter")
        await wait_until(lambda: any("nowhere" in n.message for n in app._notifications))
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any("cannot load a model from nowhere: no such directory" in m for m in messages)
        after = app.trainer.snapshot
        assert (after.run, after.epoch) == (before.run, 2)
        assert params_equal(app.trainer._exp.runner.parameters(), before.params)


async def test_quit_while_running_returns_promptly(monkeypatch) -> None:
    loops = LoopCounter().install(monkeypatch)
    app = TrainerApp(ENDLESS)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        send_keys(app, "s")
        await wait_until(lambda: epoch(app) > 10)
        start = time.monotonic()
        send_keys(app, "q")
        await wait_until(lambda: not app.is_running, timeout=1.0)
    await wait_until(lambda: loops.now == 0, timeout=1.0)
    assert time.monotonic() - start < 1.0
    assert app.return_code == 0


async def test_80x24_renders_with_the_map_and_the_status_visible() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        await pilot.press("s")
        await settle(pilot)
        screen = app.screen.region
        train = app.train_pane
        for pane in (train.boundary, app.status, train.curves, train.train_log, train.form):
            assert pane.region.area > 0 and screen.contains_region(pane.region)
        assert app.train_pane.boundary.size.width >= 20 and app.train_pane.boundary.size.height >= 8
        assert "finished" in app.status.text and "epoch 40/40" in app.status.text
        shown = [app.status.render_line(y).text for y in range(2)]  # as drawn: no wrapping
        assert shown[0].lstrip().startswith("finished") and shown[1].lstrip().startswith("train loss ")
        assert GLYPHS[0][0] in map_text(app) and GLYPHS[1][0] in map_text(app)  # training points
        assert app.screen.has_class("-narrow") and app.screen.has_class("-medium")


async def test_every_key_is_listed_in_the_footer() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        footer = app.screen.query_one("Footer")
        shown = {child.key for child in footer.query("FooterKey")}
        assert {"s", "n", "r", "t", "ctrl+s", "ctrl+o", "c", "a", "q"} <= shown
        await pilot.click("#lr")
        shown = {child.key for child in footer.query("FooterKey")}
        assert "escape" in shown  # how to get out of a field


async def test_c_toggles_accuracy_and_curves_are_decimated_to_the_plot_width() -> None:
    app = TrainerApp(SMALL.with_values(epochs=600))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert app.train_pane.curves.mode == "loss"
        assert 0 < app.train_pane.curves.points_plotted <= 2 * app.train_pane.curves.size.width
        await pilot.press("c")
        assert app.train_pane.curves.mode == "accuracy"
        assert "accuracy" in app.train_pane.curves.border_title
        assert 0 < app.train_pane.curves.points_plotted <= 2 * app.train_pane.curves.size.width
        await pilot.press("c")
        assert app.train_pane.curves.mode == "loss"


async def test_a_training_setting_changed_while_paused_keeps_the_weights() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("n", "n", "n")
        await settle(pilot)
        before = app.trainer.snapshot
        await type_into(pilot, "lr", "0.05")
        await settle(pilot)
        after = app.trainer.snapshot
        assert after.config.train.lr == 0.05
        assert app.trainer._exp.runner.optimizer.lr == 0.05
        assert (after.run, after.epoch, after.state) == (before.run, 3, State.PAUSED)
        assert params_equal(after.params, before.params)
        assert "weights kept" in app.status.text
        await pilot.press("n")
        await settle(pilot)
        assert epoch(app) == 4


async def test_more_epochs_after_a_finished_run_resume_it_and_fewer_again_finish_it() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("s")
        await settle(pilot)
        run = app.trainer.snapshot.run
        assert (state(app), epoch(app)) == (State.FINISHED, 40)
        await type_into(pilot, "epochs", "60")
        await settle(pilot)
        assert (state(app), epoch(app), app.trainer.snapshot.run) == (State.PAUSED, 40, run)
        await type_into(pilot, "epochs", "40")  # back: nothing left to resume
        await settle(pilot)
        assert (state(app), epoch(app)) == (State.FINISHED, 40)
        await pilot.press("s")  # a finished run: s starts a new one
        await settle(pilot)
        snap = app.trainer.snapshot
        assert snap.run > run and (snap.state, snap.epoch) == (State.FINISHED, 40)


async def test_a_model_setting_changed_mid_run_resets_it_and_says_so() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("n", "n")
        await settle(pilot)
        run = app.trainer.snapshot.run
        await type_into(pilot, "hidden", "8,4")
        await pilot.press("enter")  # apply and reset (tests/app/test_confirm_reset.py)
        await settle(pilot)
        snap = app.trainer.snapshot
        assert (snap.epoch, snap.state) == (0, State.IDLE) and snap.run > run
        assert [layer["W"].shape[1] for layer in snap.params.values()] == [8, 4, 1]
        assert "new model" in app.status.text
        assert any("model settings changed: the run was reset" in n.message for n in app._notifications)


async def test_the_form_is_built_from_the_field_table() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        for name, spec in FIELDS.items():
            widget = app.query_one(f"#{name}")
            expected = Select if spec.choices else (Checkbox if name == "shuffle" else Input)
            assert isinstance(widget, expected), name
        advanced = app.query_one("#advanced")
        assert advanced.collapsed
        assert app.query_one("#optimizer") in advanced.query("*")
        assert app.query_one("#lr") not in advanced.query("*")
        await pilot.click("#activation")
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.trainer.snapshot.config.model.activation != "logistic"


async def test_the_activations_tab_tables_every_function_against_torch() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("a")
        assert app.tabs.active == "activations-tab"
        table = app.query_one("#act-table")
        assert table.row_count == 10
        diffs = [float(table.get_row_at(i)[2]) for i in range(table.row_count)]
        assert all(d < 1e-5 for d in diffs)
        hand, ref = app.query_one("#act-hand"), app.query_one("#act-torch")
        assert hand.group == ("logistic", "tanh")
        table.focus()
        await pilot.press("down", "down")
        assert hand.group == ref.group == ("relu", "leaky_relu")
        await pilot.press("a")
        assert app.tabs.active == "train-tab"
        await pilot.click("#tabs Tab#--content-tab-activations-tab")  # the mouse works too
        assert app.tabs.active == "activations-tab"


async def test_the_settings_border_says_how_to_leave_a_field_only_while_in_one() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert app.train_pane.form.border_subtitle == "tab or click: edit"
        app.query_one("#lr", Input).focus()
        await pilot.pause()
        assert app.train_pane.form.border_subtitle == "esc: leave field"
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is None and app.train_pane.form.border_subtitle == "tab or click: edit"
