"""The fictitious demo ward: a pure, deterministic generator (``ward.build_demo_ward``) and the
``rpr demo-data`` command that saves it (``command.build_demo_store``)."""
