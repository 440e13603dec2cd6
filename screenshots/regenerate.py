"""Regenerate screenshots/*.svg from the real app: with the book's settings
the idle screen, a finished run, the activations tab, a finished run at
80x24 and the compare tab (logistic regression against the MLP); with the
vanishing preset (4.4.2) the lab's diagnostics after a run and a gradient
check. Run from anywhere: python screenshots/regenerate.py"""
from __future__ import annotations

import asyncio
import time
from pathlib import Path

from textual.pilot import Pilot

from tui_mlp.app import TrainerApp
from tui_mlp.presets import preset_config

HERE = Path(__file__).resolve().parent
SHOTS = [  # file name, terminal size, keys pressed, preset
    ("idle", (120, 40), (), "book"),
    ("finished", (120, 40), ("s",), "book"),
    ("activations", (120, 40), ("s", "a"), "book"),
    ("finished-80x24", (80, 24), ("s",), "book"),
    ("compare", (120, 40), ("v",), "book"),
    ("diagnostics", (120, 40), ("l", "s", "g"), "vanishing"),
]


async def drawn(pilot: Pilot) -> None:
    """Wait for the worker to finish and its last snapshot to reach the screen."""
    app = pilot.app
    deadline = time.monotonic() + 120
    while app.trainer.busy or app.trainer.snapshot.data is None:
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not settle")
        await asyncio.sleep(0.02)
    await app.workers.wait_for_complete()
    while app.comparer.view.state == "running":
        await asyncio.sleep(0.02)
    app.poll()
    await pilot.pause()


async def shoot(name: str, size: tuple[int, int], keys: tuple[str, ...], preset: str) -> Path:
    app = TrainerApp(preset_config(preset))
    async with app.run_test(size=size) as pilot:
        await drawn(pilot)
        for key in keys:
            await pilot.press(key)
            await drawn(pilot)
        path = HERE / f"{name}.svg"
        path.write_text(app.export_screenshot(title=f"tui-mlp: {name}"), encoding="utf-8")
    return path


def main() -> None:
    for name, size, keys, preset in SHOTS:
        print(asyncio.run(shoot(name, size, keys, preset)))


if __name__ == "__main__":
    main()
