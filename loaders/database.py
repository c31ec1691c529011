"""The one module that opens the DuckDB database and runs parameterised SQL against it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = Path(__file__).with_name("schema.sql")

# The data contract: views other code may rely on, documented column by column in README.md.
PUBLIC_VIEWS = ("plans", "goals", "activities", "budget_lines", "targets", "target_values", "loads", "status_history")
# Views that only serve the ones above.
INTERNAL_VIEWS = ("current_versions", "activity_status_rev")


def default_db_path() -> Path:
    """$PLANS_DB, else data/plans.duckdb in the repository."""
    env = os.environ.get("PLANS_DB")
    return Path(env) if env else ROOT / "data" / "plans.duckdb"


class Database:
    """A DuckDB connection; every query gets its own cursor so threads can share one Database."""

    def __init__(self, path: str | Path | None = None, read_only: bool = False):
        self.path = Path(path) if path else default_db_path()
        self.read_only = read_only
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._con = duckdb.connect(str(self.path), read_only=read_only)
        if not read_only:
            self._con.execute(SCHEMA.read_text(encoding="utf-8"))

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self._con.cursor()

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
