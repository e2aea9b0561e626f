"""The staff and accounts screen: the ward's staff, their sign-in accounts, this PC's
key slots."""
