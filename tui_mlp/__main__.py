"""``python -m tui_mlp`` and the ``tui-mlp`` console script."""
from tui_mlp.signals import exit_at_once


def run() -> None:
    """Load the command line with signals ending the process at once, then run it."""
    with exit_at_once():
        from tui_mlp.cli import main_exit
    main_exit()


if __name__ == "__main__":
    run()
