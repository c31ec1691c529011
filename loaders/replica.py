"""Read-only copies of the database for reader processes: the writer makes one after each change, readers open it."""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from pathlib import Path

from .database import Database

log = logging.getLogger(__name__)

# PLANS_REPLICAS=writer: this server also keeps a read-only copy of the database up to date beside it.
# PLANS_REPLICAS=reader: this server opens that copy read-only, allows no sign-in and writes nothing.
# Unset: one server reads and writes the database itself (the default).
ROLE_ENV = "PLANS_REPLICAS"
WRITER, READER = "writer", "reader"
# Copies kept, the current one included: a reader that read the pointer just before a publish still finds its copy.
KEEP = 3
# Several commits in quick succession (a publish, then its round report) make one copy.
SETTLE_S = 0.2
_NAME = re.compile(r"^[\w.-]+\.replica-\d{6}-\d+\.duckdb$")


class NoReplica(Exception):
    """A reader found no copy of the database: the writer has not made one (yet)."""


def role() -> str | None:
    value = os.environ.get(ROLE_ENV, "").strip().lower()
    if value in ("", "none", "off"):
        return None
    if value not in (WRITER, READER):
        raise ValueError(f"{ROLE_ENV} must be '{WRITER}' or '{READER}', not {value!r}")
    return value


def pointer(db_path: str | Path) -> Path:
    """The small file naming the current copy: data/plans.duckdb → data/plans.replica."""
    return Path(db_path).with_suffix(".replica")


def _copies(db_path: Path) -> list[Path]:
    # Names sort by data version, then by the moment of the copy.
    return sorted(db_path.parent.glob(f"{db_path.stem}.replica-*.duckdb"))


def current(db_path: str | Path) -> Path | None:
    """The copy readers open now, or None when there is none."""
    db_path = Path(db_path)
    try:
        name = pointer(db_path).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    if not _NAME.match(name):  # only ever a bare file name this module wrote, never a path to follow
        return None
    path = db_path.with_name(name)
    return path if path.exists() else None


def older_than(copy: Path, seconds: float) -> bool:
    """Whether the writer made this copy more than `seconds` ago (False for one it has just dropped)."""
    try:
        return time.time() - copy.stat().st_mtime > seconds
    except FileNotFoundError:
        return False


def publish(db: Database, keep: int = KEEP) -> Path:
    """Copy the database as it is now into a new file, make it the current copy, and drop the oldest.

    The copy holds whole publishes only (Database.copy_to, as a backup); it is written under a .tmp name and
    renamed when complete, and the pointer is replaced in one step: a reader opens either the previous copy or
    this one, never a part."""
    work = db.path.with_name(f"{db.path.stem}.replica-{time.time_ns()}.duckdb.tmp")
    version = db.copy_to(work)
    final = db.path.with_name(f"{db.path.stem}.replica-{version:06d}-{time.time_ns()}.duckdb")
    os.replace(work, final)
    named = pointer(db.path)
    note = named.with_name(named.name + ".tmp")
    note.write_text(final.name, encoding="utf-8")
    os.replace(note, named)
    for old in _copies(db.path)[:-keep]:
        if old != final:
            old.unlink(missing_ok=True)  # a reader that has it open keeps reading it (POSIX)
    return final


def keep_published(db: Database, stop: threading.Event, settle: float = SETTLE_S) -> None:
    """The writer's thread: a copy now, then a new one after each commit, until `stop` is set."""
    for stale in db.path.parent.glob(f"{db.path.stem}.replica-*.duckdb.tmp"):
        stale.unlink(missing_ok=True)  # a copy a killed process left half made
    seen = db.wait_for_commit(-1, 0)
    while not stop.is_set():
        try:
            publish(db)
        except Exception:  # a full disk must not end the thread: readers keep the last copy, the next commit retries
            log.exception("could not copy the database for the readers")
        while not stop.is_set():
            now = db.wait_for_commit(seen, timeout=1.0)
            if now > seen:
                seen = now
                stop.wait(settle)
                seen = db.wait_for_commit(-1, 0)
                break
