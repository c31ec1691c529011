"""The one module that opens the DuckDB database and runs parameterised SQL against it."""

from __future__ import annotations

import functools
import hashlib
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol, TypeVar

import duckdb
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = Path(__file__).with_name("schema.sql")

# The data contract: views other code may rely on, documented column by column in README.md.
PUBLIC_VIEWS = (
    "plans",
    "goals",
    "activities",
    "budget_lines",
    "targets",
    "target_values",
    "spent",
    "loads",
    "status_history",
    "meetings",
    "meeting_items",
    "contacts",
    "reminders",
    "rounds",
    "round_reports",
)
# Views that only serve the ones above.
INTERNAL_VIEWS = ("current_versions", "activity_status_rev")
# Smaller row groups than DuckDB's default (122 880 rows) let a load of tens of thousands of lines
# write its row groups straight into the file during the insert, so commit and close have little
# left to do (commit+close 120 ms → 10 ms at 100 000 lines). Durability is the same: the WAL records
# the commit, and blocks of an uncommitted load are never referenced.
ROW_GROUP_SIZE = 16_384
# Writers in this process take turns (publishes, meeting records): ids and version numbers are
# computed inside it. DuckDB lets one process write the file, so this serialises every writer.
WRITE_LOCK = threading.Lock()


@functools.cache
def _schema() -> tuple[str, str]:
    """schema.sql and its sha256, read once per process."""
    text = SCHEMA.read_text(encoding="utf-8")
    return text, hashlib.sha256(text.encode()).hexdigest()


def default_db_path() -> Path:
    """$PLANS_DB, else data/plans.duckdb in the repository."""
    env = os.environ.get("PLANS_DB")
    return Path(env) if env else ROOT / "data" / "plans.duckdb"


T = TypeVar("T")


class Reader(Protocol):
    """What a read query receives: the Database itself, or a Snapshot (one consistent view for cached reads)."""

    def query(self, sql: str, params: list | dict | None = None) -> pd.DataFrame: ...

    def rows(self, sql: str, params: list | dict | None = None) -> list[tuple]: ...


class Database:
    """A DuckDB connection; every query gets its own cursor so threads can share one Database."""

    def __init__(self, path: str | Path | None = None, read_only: bool = False):
        self.path = Path(path) if path else default_db_path()
        self.read_only = read_only
        # Commits through transaction(), counted so that a thread can wait for the next one (loaders.replica).
        self._commits = 0
        self._committed = threading.Condition()
        self._per_commit: dict[Callable, tuple[int, object]] = {}  # see per_commit()
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        if read_only:
            self._con = duckdb.connect(str(self.path), read_only=True)
        else:
            # The row-group size is an option of ATTACH, so the file is attached to a bare connection.
            self._con = duckdb.connect()
            quoted = str(self.path).replace("'", "''")
            self._con.execute(f"attach '{quoted}' as plans (row_group_size {ROW_GROUP_SIZE})")
            self._con.execute("use plans")
            self._apply_schema()

    def _apply_schema(self) -> None:
        # Every start, CLI call and backup opens the file: the schema's 40-odd statements (half the time
        # an open takes) run only when the file's schema is not yet the one schema.sql describes.
        text, digest = _schema()
        try:
            applied = self._con.execute("select sha256 from schema_applied").fetchall()
        except duckdb.CatalogException:  # a new file, or one from before the marker
            applied = []
        if applied == [(digest,)]:
            return
        self._con.execute("begin")
        try:
            self._con.execute(text)
            self._con.execute("delete from schema_applied")
            self._con.execute("insert into schema_applied values (?)", [digest])
            self._con.execute("commit")
        except BaseException:
            self._con.execute("rollback")
            raise

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        cur = self._con.cursor()
        if not self.read_only:
            cur.execute("use plans")  # each cursor starts in the bare connection's own catalog
        return cur

    def query(self, sql: str, params: list | dict | None = None) -> pd.DataFrame:
        cur = self.cursor()
        try:
            return cur.execute(sql, params or []).df()
        finally:
            cur.close()

    def rows(self, sql: str, params: list | dict | None = None) -> list[tuple]:
        cur = self.cursor()
        try:
            return cur.execute(sql, params or []).fetchall()
        finally:
            cur.close()

    @contextmanager
    def snapshot(self) -> Iterator[Snapshot]:
        """Reads that all see one committed state: a publish meanwhile is either wholly seen or not at all."""
        cur = self.cursor()
        cur.execute("begin transaction")
        try:
            yield Snapshot(cur, self.path)
        finally:
            cur.execute("rollback")  # read-only work: nothing to keep
            cur.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All or nothing: a failure (or a killed process) leaves the previous state intact."""
        cur = self.cursor()
        cur.execute("begin transaction")
        try:
            yield cur
        except BaseException:
            cur.execute("rollback")
            cur.close()
            raise
        cur.execute("commit")
        cur.close()
        with self._committed:
            self._commits += 1
            self._committed.notify_all()

    def copy_to(self, target: Path) -> int:
        """Copy the whole database into the new file `target`; returns the data version the copy holds.

        Taken under the write lock, so no publish is half in it: it holds exactly the versions published before it
        (a backup, a reader's copy)."""
        with WRITE_LOCK:
            cur = self.cursor()
            try:
                version = int(cur.execute("select coalesce(max(load_id), 0) from load_log").fetchall()[0][0])
                quoted = str(target).replace("'", "''")
                cur.execute(f"attach '{quoted}' as copy_target")
                try:
                    cur.execute("copy from database plans to copy_target")
                finally:
                    cur.execute("detach copy_target")
            finally:
                cur.close()
        return version

    def per_commit(self, fn: Callable[[Database], T]) -> T:
        """fn(self), computed once per commit of this connection rather than once per call.

        Sound because nothing else writes the file while this connection is open: DuckDB gives one process
        the file (another process can open it neither to write nor to read), this process writes only through
        transaction(), which counts its commits, and a read-only connection is to a file no one writes (a
        reader's copy). A value is kept under the count read before it was computed, so one computed across a
        commit is computed again on the next call, never kept for the newer state."""
        with self._committed:
            commits = self._commits
            kept = self._per_commit.get(fn)
        if kept is not None and kept[0] == commits:
            return kept[1]  # type: ignore[return-value]  # stored by fn itself, below
        value = fn(self)
        with self._committed:
            self._per_commit[fn] = (commits, value)
        return value

    def wait_for_commit(self, seen: int, timeout: float | None = None) -> int:
        """The number of commits so far, once it is more than `seen` (or the timeout has passed)."""
        with self._committed:
            self._committed.wait_for(lambda: self._commits > seen, timeout)
            return self._commits


class Snapshot:
    """The read side of Database bound to one open transaction (see Database.snapshot)."""

    def __init__(self, cur: duckdb.DuckDBPyConnection, path: Path):
        self.cur = cur  # for loaders.publish.read_in, which reads a version's tables as Arrow
        self.path = path

    def query(self, sql: str, params: list | dict | None = None) -> pd.DataFrame:
        return self.cur.execute(sql, params or []).df()

    def rows(self, sql: str, params: list | dict | None = None) -> list[tuple]:
        return self.cur.execute(sql, params or []).fetchall()
