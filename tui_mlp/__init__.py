"""tui-mlp: the hand-written feed-forward network of NNDL chapter 4, in a terminal."""
__version__ = "0.1.0"
