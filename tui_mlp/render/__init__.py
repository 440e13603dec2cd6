"""Pure functions from model parameters and history to terminal pictures.

Nothing here imports textual: the app wraps these results in widgets, and the
benchmarks and tests can call them directly.
"""
