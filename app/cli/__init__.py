"""The `rpr` command line: demo data, status, self-test and recovery for support and scripting."""
