"""The ward board: every patient on the ward and what is running or due for them."""
