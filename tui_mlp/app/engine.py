"""The torch side of the app (the session, the network's output heads and
the renderers that compute with torch), imported on first use.

Importing torch takes most of a second, and the layout and the settings form
need none of it. The app's modules reach these modules through the names
below, so importing the app loads no torch and the first frame is painted
before it has loaded; ``TrainerApp`` calls ``load`` off the UI thread after
that frame and uses none of them until it is done. A type checker sees the
modules themselves.
"""
from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING

#: The modules behind the names below, in the order ``load`` imports them.
MODULES = ("tui_mlp.session", "tui_mlp.nn", "tui_mlp.render.boundary", "tui_mlp.render.network",
           "tui_mlp.render.activations", "tui_mlp.render.diagnostics")


class Lazy:
    """A module imported when one of its attributes is first read."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> object:
        return getattr(importlib.import_module(self._name), attr)


if TYPE_CHECKING:
    from tui_mlp import nn as nn
    from tui_mlp import session as session
    from tui_mlp.render import activations as render_activations
    from tui_mlp.render import boundary as render_boundary
    from tui_mlp.render import diagnostics as render_diagnostics
    from tui_mlp.render import network as render_network
else:
    session, nn, render_boundary, render_network, render_activations, render_diagnostics = map(Lazy, MODULES)


def loaded() -> bool:
    """True if this process has imported torch already: the rest loads in a moment."""
    return "torch" in sys.modules


#: Imported by ``load`` as well, though the app reaches it by no name here:
#: the curves' first chart would import plotext on the UI thread.
ALSO = ("plotext",)


def load() -> None:
    """Import them all now: torch with them."""
    for name in (*MODULES, *ALSO):
        importlib.import_module(name)
