"""Starting the ward client window.

The PySide6 window arrives with the ward-client issue. Until then this says so plainly and
shows how to look at the store that is ready for it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from app.store.layout import inspect_folder


def start_client(data_dir: Path) -> int:
    """Start the GUI (not yet built): explain, and point at what works today."""
    contents = inspect_folder(data_dir)
    ready = contents.is_complete
    program = sys.argv[0] if sys.argv[0].endswith("rpr") else "rpr"
    print("RPR — Restrictive Practice Recorder")
    print("The ward client window arrives with the ward-client issue; this build has the")
    print("domain rules, the encrypted store and the support commands.")
    if ready:
        print(f"\nThe store in {data_dir} is ready. Try:")
        print(f"  {program} status --data-dir {data_dir} --user demo.manager")
        print(f"  {program} verify --data-dir {data_dir} --user demo.manager")
    elif not contents.is_empty:
        print(f"\n{contents.problem()}")
        return 2
    else:
        print(f"\nThere is no store in {data_dir} yet. Make a demo ward with:")
        print(f"  {program} demo-data --data-dir {data_dir}")
    return 0
