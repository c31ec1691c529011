"""Test-only entry point: load a workbook as `python3 -m loaders load` does, pausing before the commit.

The crash test (tests/test_cli.py) runs this in a subprocess and kills it with SIGKILL while it waits,
every row of the new version written and nothing committed. Usage: python3 -m tests.crash_load FILE DB MARKER
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from loaders.service import load_file


def main(workbook: str, db: str, marker: str) -> None:
    def pause() -> None:
        Path(marker).write_text("paused")  # tells the test the transaction is open
        time.sleep(600)

    load_file(Path(workbook), Path(db), "crash-test", before_commit=pause)


if __name__ == "__main__":
    main(*sys.argv[1:])
