"""Benchmarks: the encrypted store against plain SQLite, side by side (docs/benchmarks.md)."""
