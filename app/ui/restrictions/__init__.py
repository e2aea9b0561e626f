"""The restrictions beyond force (issue 10): the ward's blanket restrictions register and, for
one patient, individual restrictions, enhanced observation, psychological and cultural
restraint."""
