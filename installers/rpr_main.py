"""Entry point of the one-folder build (installers/rpr.spec): the ``rpr`` console script."""

import sys

from app.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
