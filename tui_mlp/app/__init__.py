"""The Textual app: the only package that imports textual."""
from tui_mlp.app.app import TrainerApp

__all__ = ["TrainerApp"]
