"""Regenerate screenshots/*.svg from the real app with the book's settings:
the idle screen, a finished run, the activations tab, and a finished run at
80x24. Run from anywhere: python screenshots/regenerate.py"""
from __future__ import annotations

import asyncio
import time
from pathlib import Path

from textual.pilot import Pilot

from tui_mlp.app import TrainerApp
from tui_mlp.config import Config

HERE = Path(__file__).resolve().parent
SHOTS = [  # file name, terminal size, keys pressed
    ("idle", (120, 40), ()),
    ("finished", (120, 40), ("s",)),
    ("activations", (120, 40), ("s", "a")),
    ("finished-80x24", (80, 24), ("s",)),
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
    app.poll()
    await pilot.pause()


async def shoot(name: str, size: tuple[int, int], keys: tuple[str, ...]) -> Path:
    app = TrainerApp(Config())
    async with app.run_test(size=size) as pilot:
        await drawn(pilot)
        for key in keys:
            await pilot.press(key)
            await drawn(pilot)
        path = HERE / f"{name}.svg"
        path.write_text(app.export_screenshot(title=f"tui-mlp: {name}"), encoding="utf-8")
    return path


def main() -> None:
    for name, size, keys in SHOTS:
        print(asyncio.run(shoot(name, size, keys)))


if __name__ == "__main__":
    main()
