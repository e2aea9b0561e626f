"""The process the client benchmark starts: a bare PySide6 window, or the ward client signed in
until its board is drawn. Prints one line per milestone (``<name> <ms since start> <rss KiB>``)
for the parent to read, so the parent times the whole process start, imports included.

    python -m bench.client_driver bare
    python -m bench.client_driver client FOLDER USER PASSWORD [REFRESHES]

Offscreen (``QT_QPA_PLATFORM=offscreen``) like the tests: the figures are ratios against the
bare window started the same way.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

STARTED = time.perf_counter()


def _peak_rss_kib() -> int:
    """This program's peak resident memory. Not ``ru_maxrss``: that survives the fork and
    exec that started us, so it reports the parent's size when the parent (the benchmark,
    holding the five-year dataset) was larger than this program ever gets."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _say(name: str) -> None:
    rss_kib = _peak_rss_kib()
    elapsed = (time.perf_counter() - STARTED) * 1000
    print(f"{name} {elapsed:.2f} {rss_kib}", flush=True)


def bare() -> int:
    """A bare window: QApplication, an empty QMainWindow, shown and painted once."""
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1200, 760)
    window.show()
    app.processEvents()
    _say("ready")
    return 0


def client(folder: Path, username: str, password: str, refreshes: int) -> int:
    """The ward client: window shown locked, then signed in, until the board is drawn; then
    ``refreshes`` board reloads, each timed from request to drawn."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from app.config import load_settings
    from app.ui.main_window import MainWindow

    app = QApplication(sys.argv[:1])
    settings = load_settings()
    window = MainWindow(
        folder, policy=settings.policy, idle_lock_minutes=settings.idle_lock_minutes
    )
    window.show()
    app.processEvents()
    _say("window")

    def wait(signal: object) -> None:
        loop = QEventLoop()
        signal.connect(loop.quit)  # type: ignore[attr-defined]
        QTimer.singleShot(600_000, loop.quit)
        loop.exec()

    window.session.sign_in(username, password, on_error=sys.exit)
    wait(window.work_shown)
    work = window.work
    if work is None or work.board is None:
        return 2
    board = work.board
    if not board.summary.text():  # the first board has not been drawn yet
        wait(board.board_loaded)
    app.processEvents()
    _say("board")
    for _ in range(refreshes):
        started = time.perf_counter()
        board.reload()
        wait(board.board_loaded)
        app.processEvents()
        print(f"refresh {(time.perf_counter() - started) * 1000:.2f} 0", flush=True)
    _say("done")
    window.close()
    return 0


def main(argv: list[str]) -> int:
    if argv[0] == "bare":
        return bare()
    folder, username, password = Path(argv[1]), argv[2], argv[3]
    refreshes = int(argv[4]) if len(argv) > 4 else 0
    return client(folder, username, password, refreshes)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
