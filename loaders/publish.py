"""Publish validated plans as new versions, and read a version back as PlanData."""

from __future__ import annotations

import os
import time
from datetime import datetime

import pyarrow as pa

from .database import Database
from .template import SHEETS
from .workbook import PlanData

# Sheet → table behind the contract view. Columns are the template's keys plus row_no.
TABLES = {
    "goals": "goal_rev",
    "activities": "activity_rev",
    "budget": "budget_line_rev",
    "targets": "target_rev",
    "target_values": "target_value_rev",
    "status": "status_rev",
}
PLAN_FIELDS = [c.key for c in SHEETS[0].columns]


def _columns(sheet_key: str) -> list[str]:
    cols = [c.key for c in next(s for s in SHEETS if s.key == sheet_key).columns] + ["row_no"]
    return [*cols, "amount_parts"] if sheet_key == "budget" else cols


def publish(db: Database, plans: list[PlanData], loaded_by: str, action: str) -> list[tuple[str, int]]:
    """Save each plan as its next version, all in one transaction; return (plan_id, version)."""
    published = []
    with db.transaction() as cur:
        for data in plans:
            pid = data.plan_id
            version = _scalar(cur, "select coalesce(max(version), 0) + 1 from load_log where plan_id = ?", [pid])
            load_id = _scalar(cur, "select coalesce(max(load_id), 0) + 1 from load_log")
            cur.execute(
                "insert into load_log (load_id, plan_id, version, loaded_at, file_name, file_sha256, loaded_by, action)"
                " values (?, ?, ?, ?, ?, ?, ?, ?)",
                [load_id, pid, version, datetime.now(), data.file_name, data.sha256, loaded_by, action],
            )
            values = [data.plan.get(k) for k in PLAN_FIELDS]
            cur.execute(
                f"insert into plan_rev (version, {', '.join(PLAN_FIELDS)}) values (?, {', '.join('?' * len(values))})",
                [version, *values],
            )
            for sheet_key, table in TABLES.items():
                cols = _columns(sheet_key)
                cur.register("incoming", data.tables[sheet_key].select(cols))
                # Column names come from the template module, never from user input.
                col_list = ", ".join(cols)
                cur.execute(
                    f"insert into {table} (plan_id, version, {col_list}) select ?, ?, {col_list} from incoming",
                    [pid, version],
                )
                cur.unregister("incoming")
            published.append((pid, version))
        _pause_for_crash_test()
    return published


def _scalar(cur, sql: str, params: list | None = None):
    # fetchall, not fetchone: DuckDB 2.0 streams results, and an undrained one blocks the cursor.
    return cur.execute(sql, params or []).fetchall()[0][0]


def _pause_for_crash_test() -> None:
    """Test hook: hold the open transaction so a test can kill -9 the process mid-load."""
    marker = os.environ.get("PLANS_TEST_PAUSE_BEFORE_COMMIT")
    if marker:
        with open(marker, "w") as fh:
            fh.write("paused")
        time.sleep(600)


def current_sha(db: Database, plan_id: str) -> str | None:
    rows = db.rows(
        "select file_sha256 from load_log where plan_id = ? order by version desc limit 1",
        [plan_id],
    )
    return rows[0][0] if rows else None


def read_version(db: Database, plan_id: str, version: int | None = None) -> PlanData:
    """A stored version (default: the current one) as PlanData, e.g. for export."""
    if version is None:
        rows = db.rows("select max(version) from load_log where plan_id = ?", [plan_id])
        version = rows[0][0] if rows else None
    if version is None:
        raise KeyError(plan_id)
    cur = db.cursor()
    try:
        plan_rows = cur.execute(
            f"select {', '.join(PLAN_FIELDS)} from plan_rev where plan_id = ? and version = ?",
            [plan_id, version],
        ).fetchall()
        if not plan_rows:
            raise KeyError(plan_id)
        plan = dict(zip(PLAN_FIELDS, plan_rows[0], strict=True))
        tables: dict[str, pa.Table] = {}
        for sheet_key, table in TABLES.items():
            cols = ", ".join(_columns(sheet_key))
            # DuckDB 2.0: Arrow output comes from a relation, not from an execute() result.
            tables[sheet_key] = cur.sql(
                f"select {cols} from {table} where plan_id = ? and version = ? order by row_no",
                params=[plan_id, version],
            ).to_arrow_table()
    finally:
        cur.close()
    return PlanData(plan, tables)
