"""Record follow-up meetings: the meeting, and its notes, decisions and action items per activity or target."""

from __future__ import annotations

import json
from datetime import date, datetime

from .database import WRITE_LOCK, Database
from .parse import DATE_MAX, DATE_MIN, ParseError, parse_date
from .problems import FormInvalid

KINDS = ("note", "decision", "action")


class MeetingInvalid(FormInvalid):
    """What the user typed for a meeting cannot be recorded."""


def _day(value: date | str | None, missing: str | None, invalid: str) -> date | None:
    """A form's date as a day: a date, or text read strictly (2016-02-30 is refused, never rolled over)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if missing:
            raise MeetingInvalid(missing)
        return None
    if isinstance(value, datetime):
        value = value.date()
    elif not isinstance(value, date):
        try:
            value = parse_date(str(value))
        except ParseError:
            raise MeetingInvalid(invalid) from None
    if not DATE_MIN <= value <= DATE_MAX:
        raise MeetingInvalid(invalid)
    return value


def record_meeting(
    db: Database, held_on: date | str | None, title: str, participants: str, scope: dict, created_by: str
) -> int:
    held_on = _day(held_on, "meeting_date_missing", "meeting_date_invalid")
    with WRITE_LOCK, db.transaction() as cur:
        # The same date and title (ignoring case and spaces) is the same meeting: a second click on
        # "create", or a second browser tab, must not record it twice. Checked inside the lock.
        same = cur.execute(
            "select count(*) from meeting where held_on = ? and lower(coalesce(title, '')) = lower(?)",
            [held_on, (title or "").strip()],
        ).fetchall()[0][0]
        if same:
            raise MeetingInvalid("meeting_duplicate")
        meeting_id = cur.execute("select coalesce(max(meeting_id), 0) + 1 from meeting").fetchall()[0][0]
        version = cur.execute("select coalesce(max(load_id), 0) from load_log").fetchall()[0][0]
        cur.execute(
            "insert into meeting values (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                meeting_id,
                held_on,
                (title or "").strip() or None,
                (participants or "").strip() or None,
                json.dumps(scope, ensure_ascii=False, default=str),
                version,
                created_by,
                datetime.now(),
            ],
        )
    return meeting_id


def add_item(
    db: Database,
    meeting_id: int,
    plan_id: str,
    kind: str,
    text: str,
    created_by: str,
    *,
    activity_id: str | None = None,
    target_id: str | None = None,
    owner: str | None = None,
    due: date | str | None = None,
) -> int:
    """A note, decision or action item on one activity or target (or the plan as a whole)."""
    if kind not in KINDS:
        raise MeetingInvalid("item_kind_unknown")
    if not (text or "").strip():
        raise MeetingInvalid("item_text_missing")
    if kind == "action" and not (owner or "").strip():
        raise MeetingInvalid("item_owner_missing")
    due = _day(due, None, "item_due_invalid")
    with WRITE_LOCK, db.transaction() as cur:
        if not cur.execute("select 1 from meeting where meeting_id = ?", [meeting_id]).fetchall():
            raise MeetingInvalid("meeting_unknown")
        item_id = cur.execute("select coalesce(max(item_id), 0) + 1 from meeting_item").fetchall()[0][0]
        cur.execute(
            "insert into meeting_item (item_id, meeting_id, plan_id, activity_id, target_id, kind, text, owner,"
            " due, status, created_by, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                item_id,
                meeting_id,
                plan_id,
                activity_id,
                target_id,
                kind,
                text.strip(),
                (owner or "").strip() or None,
                due if kind == "action" else None,
                "open" if kind == "action" else None,
                created_by,
                datetime.now(),
            ],
        )
    return item_id


def close_items(db: Database, item_ids: list[int], closed_on: date, closed_by: str) -> int:
    """Mark open action items done; returns how many were open."""
    if not item_ids:
        return 0
    with WRITE_LOCK, db.transaction() as cur:
        n = cur.execute(
            "select count(*) from meeting_item where list_contains(?, item_id) and status = 'open'", [item_ids]
        ).fetchall()[0][0]
        cur.execute(
            "update meeting_item set status = 'done', closed_on = ?, closed_by = ?"
            " where list_contains(?, item_id) and status = 'open'",
            [closed_on, closed_by, item_ids],
        )
    return n
