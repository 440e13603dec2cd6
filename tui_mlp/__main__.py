from tui_mlp.cli import main_exit

main_exit()
