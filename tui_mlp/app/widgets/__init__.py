"""One module per area of the screen."""
