"""Publish validated plans as new versions, and read a version back as PlanData."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

import pyarrow as pa

from .database import WRITE_LOCK, Database, Snapshot
from .diff import diff_plans
from .filestore import FileStore
from .rounds import record_reports
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
    "spent": "spent_rev",
}
PLAN_FIELDS = [c.key for c in SHEETS[0].columns]
_PLAN_INSERT = (
    f"insert into plan_rev (version, {', '.join(PLAN_FIELDS)}) values (?, {', '.join('?' * len(PLAN_FIELDS))})"
)


def _columns(sheet_key: str) -> list[str]:
    cols = [c.key for c in next(s for s in SHEETS if s.key == sheet_key).columns] + ["row_no"]
    return [*cols, "amount_parts"] if sheet_key == "budget" else cols


class PlanChanged(Exception):
    """The plan got a new version after the preview was made: publishing would silently undo it."""

    def __init__(self, plan_id: str, expected: int | None, current: int | None, by: str | None, at):
        super().__init__(f"{plan_id}: version {current} is current, the preview was made against {expected}")
        self.plan_id, self.expected, self.current, self.by, self.at = plan_id, expected, current, by, at


def publish(
    db: Database,
    plans: list[PlanData],
    loaded_by: str,
    action: str,
    *,
    base_versions: dict[str, int | None] | None = None,
    note: str | None = None,
    role: str | None = None,
    in_round: Mapping[str, tuple[int, Sequence[tuple]]] | None = None,
    files: Sequence[bytes] = (),
    store: FileStore | None = None,
    before_commit: Callable[[], None] = lambda: None,
) -> list[tuple[str, int]]:
    """Save each plan as its next version, all in one transaction; return (plan_id, version).

    role: the publisher's role (loaders.roles.Role, lower-cased) when published from the dashboard; None from
    the command line, which needs access to the server, not a role.
    in_round: plan_id → (round_id, items) for an update published in an open follow-up round: the version
    records the round, and each item (kind, activity_id, target_id, year) is recorded as reported in it.
    base_versions: the version each plan's preview was made against (None: the plan was new);
    if another version was published since, PlanChanged is raised and nothing is saved.
    files: the uploaded workbooks, kept in the content-addressed store before the commit, so every
    committed version's file exists.
    before_commit: called with every row written and the transaction still open (the crash test kills
    the process there).
    """
    published = []
    # Versions are numbered and checked inside the lock: two editors publishing at once are both
    # recorded, in order.
    with WRITE_LOCK:
        for pid, expected in (base_versions or {}).items():
            rows = db.rows(
                "select version, loaded_by, loaded_at from load_log where plan_id = ? order by version desc limit 1",
                [pid],
            )
            current = rows[0] if rows else (None, None, None)
            if current[0] != expected:
                raise PlanChanged(pid, expected, *current)
        for content in files:
            (store or FileStore()).put(content)
        with db.transaction() as cur:
            for data in plans:
                pid = data.plan_id
                version = _scalar(cur, "select coalesce(max(version), 0) + 1 from load_log where plan_id = ?", [pid])
                load_id = _scalar(cur, "select coalesce(max(load_id), 0) + 1 from load_log")
                previous = _read(cur, pid, version - 1) if version > 1 else None
                reported = (in_round or {}).get(pid)
                if reported and not _scalar(cur, "select count(*) from round where round_id = ? and closed_at is null",
                                            [reported[0]]):  # fmt: skip
                    reported = None  # closed since the preview: the update stands, outside any round
                loaded_at = datetime.now()
                changes = json.dumps(diff_plans(previous, data).counts() if previous else _new_plan_counts(data))
                cur.execute(
                    "insert into load_log (load_id, plan_id, version, loaded_at, file_name, file_sha256, loaded_by,"
                    " action, note, changes, role, round_id) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        load_id,
                        pid,
                        version,
                        loaded_at,
                        data.file_name,
                        data.sha256,
                        loaded_by,
                        action,
                        note,
                        changes,
                        role,
                        reported[0] if reported else None,
                    ],
                )
                if reported:
                    record_reports(cur, reported[0], pid, load_id, loaded_by, loaded_at, reported[1])
                values = [data.plan.get(k) for k in PLAN_FIELDS]
                cur.execute(_PLAN_INSERT, [version, *values])
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
            before_commit()
    return published


def _new_plan_counts(data: PlanData) -> dict[str, int]:
    # A first version adds everything; counted without diffing (a bulk load can be a million lines).
    t = data.tables
    return {
        "new_plan": 1,
        "goals_added": t["goals"].num_rows,
        "activities_added": t["activities"].num_rows,
        "budget_lines": t["budget"].num_rows,
        "targets_added": t["targets"].num_rows,
        "outcomes": t["target_values"].num_rows,
        "spent": t["spent"].num_rows,
    }


def _scalar(cur, sql: str, params: list | None = None):
    # fetchall, not fetchone: DuckDB 2.0 streams results, and an undrained one blocks the cursor.
    return cur.execute(sql, params or []).fetchall()[0][0]


def current_sha(db: Database, plan_id: str) -> str | None:
    rows = db.rows(
        "select file_sha256 from load_log where plan_id = ? order by version desc limit 1",
        [plan_id],
    )
    return rows[0][0] if rows else None


def current_version(db: Database, plan_id: str) -> int | None:
    rows = db.rows("select max(version) from load_log where plan_id = ?", [plan_id])
    return rows[0][0] if rows else None


def current_identity(db: Database, plan_id: str) -> tuple[int, str | None, list[str]] | None:
    """The current version's number, title and activity ids (None: no such plan): enough to tell plans apart."""
    cur = db.cursor()
    try:
        cur.execute("begin transaction")  # version, title and ids from one and the same version
        version = _scalar(cur, "select max(version) from load_log where plan_id = ?", [plan_id])
        if version is None:
            cur.execute("commit")
            return None
        title = _scalar(cur, "select title from plan_rev where plan_id = ? and version = ?", [plan_id, version])
        ids = cur.execute(
            "select activity_id from activity_rev where plan_id = ? and version = ?", [plan_id, version]
        ).fetchall()
        cur.execute("commit")
    finally:
        cur.close()
    return version, title, [r[0] for r in ids]


def read_version(db: Database, plan_id: str, version: int | None = None) -> PlanData:
    """A stored version (default: the current one) as PlanData, e.g. for export or a diff."""
    cur = db.cursor()
    try:
        # One transaction: a publish in between cannot give a mix of two versions.
        cur.execute("begin transaction")
        if version is None:
            version = _scalar(cur, "select max(version) from load_log where plan_id = ?", [plan_id])
        if version is None:
            raise KeyError(plan_id)
        data = _read(cur, plan_id, version)
        cur.execute("commit")
    finally:
        cur.close()
    return data


def read_in(snap: Snapshot, plan_id: str, version: int) -> PlanData:
    """A stored version, read inside an open snapshot (the dashboard's cached reads)."""
    return _read(snap.cur, plan_id, version)


def _read(cur, plan_id: str, version: int) -> PlanData:
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
    meta = cur.execute(
        "select file_name, file_sha256 from load_log where plan_id = ? and version = ?", [plan_id, version]
    ).fetchall()
    file_name, sha = meta[0] if meta else ("", "")
    return PlanData(plan, tables, file_name or "", sha or "")
