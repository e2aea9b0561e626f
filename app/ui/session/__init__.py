"""Signing in, locking and the first run on an empty folder (no patient data lives here)."""
