"""How the app is put together: no name of ours shadows one of Textual's."""
from __future__ import annotations

from textual.app import App, ComposeResult

from tui_mlp.app.widgets.log import TrainLog


class LogApp(App[None]):
    def compose(self) -> ComposeResult:
        yield TrainLog()


async def test_scroll_to_on_the_log_is_textuals_own() -> None:
    app = LogApp()
    async with app.run_test(size=(40, 8)) as pilot:
        log = app.query_one(TrainLog)
        log.write_lines([f"[Train] epoch: {i}" for i in range(30)])
        log.scroll_to(y=3)
        await pilot.pause()
        assert log.offset_from_end == 0 and log.render_line(7).text.rstrip() == "[Train] epoch: 29"
        await pilot.press("tab", "up", "up")  # the log's own scrolling still works
        assert log.offset_from_end == 2
