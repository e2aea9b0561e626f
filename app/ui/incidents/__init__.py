"""The use-of-force record screens: the ward's incident records and the one structured form a
nurse finishes keyboard only (domain.md §2 items (a)–(p)), its review and sign-off, and each
named staff member's own account of their part."""
