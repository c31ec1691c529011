"""Test-only entry point: a backup as `python -m loaders backup` takes it, pausing once the database is copied.

The crash test (tests/test_backup.py) kills it with SIGKILL while it waits. Usage:
python3 -m tests.crash_backup DB TARGET MARKER
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from loaders.backup import backup
from loaders.database import Database
from loaders.filestore import FileStore


def main(db: str, target: str, marker: str) -> None:
    def pause() -> None:
        Path(marker).write_text("paused")  # tells the test the copy is half made
        time.sleep(600)

    with Database(Path(db)) as conn:
        backup(conn, FileStore.beside(db), Path(target), after_copy=pause)


if __name__ == "__main__":
    main(*sys.argv[1:])
