"""Regenerate screenshots/*.svg from the real app: with the book's settings
the idle screen, a finished run, the activations tab, a finished run at
80x24, a finished run in 16 colours, the network tab and the compare tab
(logistic regression against the MLP); with the vanishing preset (4.4.2) the
lab's diagnostics after a run and a gradient check; with the spiral3 preset
a three-class map; with the gaussians preset a regression's value map after
its run. Run from anywhere: python screenshots/regenerate.py [NAME ...]
(default: every one)."""
from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import textual.constants
from textual.pilot import Pilot

from tui_mlp.app import TrainerApp
from tui_mlp.app.pictures import in_16_colours
from tui_mlp.presets import preset_config

HERE = Path(__file__).resolve().parent
SHOTS = [  # file name, terminal size, keys pressed, preset, colour system
    ("idle", (120, 40), (), "book", "truecolor"),
    ("finished", (120, 40), ("s",), "book", "truecolor"),
    ("activations", (120, 40), ("s", "a"), "book", "truecolor"),
    ("finished-80x24", (80, 24), ("s",), "book", "truecolor"),
    ("finished-16-colours", (120, 40), ("s",), "book", "standard"),
    ("network", (120, 40), ("s", "w"), "book", "truecolor"),
    ("compare", (120, 40), ("v",), "book", "truecolor"),
    ("diagnostics", (120, 40), ("l", "s", "g"), "vanishing", "truecolor"),
    ("classes", (120, 40), ("s",), "spiral3", "truecolor"),
    ("regression", (120, 40), ("s",), "gaussians", "truecolor"),
]


async def drawn(pilot: Pilot) -> None:
    """Wait for torch and the session to load, the worker to finish and its
    last snapshot to reach the screen."""
    app = pilot.app
    deadline = time.monotonic() + 120
    while not app.ready or app.trainer.busy or app.trainer.snapshot.data is None:
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not settle")
        await asyncio.sleep(0.02)
    await app.workers.wait_for_complete()
    while app.comparer.view.state == "running":
        await asyncio.sleep(0.02)
    app.poll()
    await pilot.pause()


async def shoot(name: str, size: tuple[int, int], keys: tuple[str, ...], preset: str, colours: str) -> Path:
    textual.constants.COLOR_SYSTEM = colours  # what the app's console (and palette) is made for
    app = TrainerApp(preset_config(preset))
    async with app.run_test(size=size) as pilot:
        await drawn(pilot)
        for key in keys:
            await pilot.press(key)
            await drawn(pilot)
        path = HERE / f"{name}.svg"
        svg = app.export_screenshot(title=f"tui-mlp: {name}")
        path.write_text(in_16_colours(svg) if colours == "standard" else svg, encoding="utf-8")
    return path


def main(names: list[str]) -> None:
    for name, size, keys, preset, colours in SHOTS:
        if not names or name in names:
            print(asyncio.run(shoot(name, size, keys, preset, colours)))


if __name__ == "__main__":
    main(sys.argv[1:])
