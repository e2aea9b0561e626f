"""The window's side of sync: the status line, "send everything now", and the scheduler."""
