"""tui-mlp: the hand-written feed-forward network of NNDL chapter 4, in a terminal."""
__version__ = "0.1.0"

import warnings

# torch warns at import when numpy is absent; tui-mlp never converts to numpy.
warnings.filterwarnings("ignore", message="Failed to initialize NumPy")
