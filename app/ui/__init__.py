"""The PySide6 ward client. Arrives with the client issue. No SQL, no rules."""
