"""The live experiment for a UI, with no textual: commands in, snapshots out.

``Trainer`` owns the training run and ``Comparer`` a comparison; each runs in
one worker thread that the UI starts, and the UI only submits commands and
reads the immutable snapshots they publish.
"""
from tui_mlp.session.commands import (
    CheckGradients,
    Command,
    Configure,
    EditWeight,
    Export,
    Load,
    Replay,
    Reset,
    Rewind,
    Save,
    Seek,
    SetPace,
    Step,
    Test,
    Toggle,
)
from tui_mlp.session.compare import Comparer, CompareState, CompareView
from tui_mlp.session.snapshot import (
    DEFAULT_PACE,
    LOG_LINES,
    PACES,
    Curves,
    Event,
    LogBuffer,
    Snapshot,
    State,
    curves_of,
    next_pace,
    pace_text,
)
from tui_mlp.session.trainer import Trainer

__all__ = [
    "CheckGradients", "Command", "Configure", "EditWeight", "Export", "Load", "Replay", "Reset", "Rewind",
    "Save", "Seek", "SetPace", "Step",
    "Test", "Toggle", "Comparer", "CompareState", "CompareView", "Curves", "Event", "LogBuffer",
    "Snapshot", "State", "curves_of", "Trainer", "DEFAULT_PACE", "LOG_LINES", "PACES", "next_pace", "pace_text",
]
