"""Where the long soaks leave their figures: printed output is lost under pytest-xdist, so each
soak also appends one JSON line to the file named by ``RPR_SOAK_REPORT`` (``make soak`` sets it
and prints the file at the end; docs/soak.md quotes it)."""

import json
import os
from datetime import UTC, datetime
from pathlib import Path


def report(name: str, figures: dict[str, object]) -> None:
    """Print ``figures`` and, when ``RPR_SOAK_REPORT`` is set, append them to that file."""
    print(f"\n{name}: {figures}")
    target = os.environ.get("RPR_SOAK_REPORT")
    if target:
        line = {"soak": name, "at": datetime.now(UTC).isoformat(timespec="seconds"), **figures}
        with Path(target).open("a", encoding="utf-8") as stream:
            stream.write(json.dumps(line) + "\n")
