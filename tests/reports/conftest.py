"""The reports' tests read a demo ward store: the ``demo`` and ``demo_template`` fixtures of
tests/demo_store.py (a plugin of tests/conftest.py)."""
