"""One pane per tab: each owns the widgets its tab shows and the keys that act on them."""
