"""Which palette the app draws with: the one for its terminal's colour system."""
from __future__ import annotations

from textual.app import App

from tui_mlp.render.palette import Palette, palette_for


def app_palette(app: App) -> Palette:
    """The palette for the colour system the app's console writes (NO_COLOR: greys)."""
    return palette_for(app.console.color_system, app.no_color)
