"""Follow-up rounds: open and close a round, what it asks of whom, what has been reported, what is missing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from .database import WRITE_LOCK, Database, Reader
from .meetings import _day
from .problems import FormInvalid
from .roles import unit_parts

# A responsible's state in a round: everything reported, some of it, nothing yet.
STATES = ("reported", "partly", "not_yet")
# Who is asked for a row with no unit, no named responsible and a plan without an owner: the plan's editors.
NO_RESPONSIBLE = ""
# How a list or reminder names money spent on the plan as a whole (no activity): the plans are Swedish.
PLAN_LEVEL = "Planivå"
# Activities finished or cancelled have nothing left to report.
CLOSED_STATUSES = ("done", "cancelled")


class RoundInvalid(FormInvalid):
    """What the admin typed cannot be recorded, or the round cannot be changed (unknown, closed)."""


@dataclass(frozen=True)
class Round:
    round_id: int
    title: str
    as_of: date
    due: date
    plans: tuple[str, ...] | None  # None: every plan
    units: tuple[str, ...] | None  # None: every unit
    opened_by: str | None
    opened_at: datetime
    closed_by: str | None
    closed_at: datetime | None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def covers_plan(self, plan_id: str) -> bool:
        return self.plans is None or plan_id in self.plans

    def covers_unit(self, unit: str | None) -> bool:
        """A row is in scope when the round names no units or shares a unit with it ("RUN/KOM" is both)."""
        if self.units is None:
            return True
        wanted = frozenset().union(*(unit_parts(u) for u in self.units))
        return bool(unit_parts(unit) & wanted)


@dataclass(frozen=True)
class Asked:
    """One item a round asks for: an activity's status (and comment), a target's outcome for a year, or the
    money spent on an activity (or at plan level: activity_id None) in a year."""

    plan_id: str
    item_kind: str  # status, outcome, spent
    activity_id: str | None
    target_id: str | None
    year: int | None
    unit: str | None
    responsible: str  # who is asked: the row's unit, else its named responsible, else the plan's owner
    label: str  # the item in words, for lists and reminders


_COLUMNS = "round_id, title, as_of, due, plans, units, opened_by, opened_at, closed_by, closed_at"


def _round(row: Sequence) -> Round:
    rid, title, as_of, due, plans, units, opened_by, opened_at, closed_by, closed_at = row
    return Round(
        int(rid),
        title,
        as_of,
        due,
        tuple(plans) if plans is not None else None,
        tuple(units) if units is not None else None,
        opened_by,
        opened_at,
        closed_by,
        closed_at,
    )


def list_rounds(db: Reader) -> list[Round]:
    """Every round: open ones first, then the closed ones (history), newest first within each."""
    rows = db.rows(f"select {_COLUMNS} from round order by closed_at is not null, opened_at desc, round_id desc")
    return [_round(r) for r in rows]


def get_round(db: Reader, round_id: int) -> Round:
    rows = db.rows(f"select {_COLUMNS} from round where round_id = ?", [round_id])
    if not rows:
        raise RoundInvalid("round_unknown")
    return _round(rows[0])


def open_round_for(db: Reader, plan_id: str) -> Round | None:
    """The newest open round whose scope includes the plan: the round an update of the plan reports in."""
    return next((r for r in list_rounds(db) if r.is_open and r.covers_plan(plan_id)), None)


def open_round(
    db: Database,
    title: str,
    as_of: date | str | None,
    due: date | str | None,
    plans: Sequence[str] | None,
    units: Sequence[str] | None,
    by: str,
    now: datetime | None = None,
) -> int:
    """Record a new open round; RoundInvalid for a missing title, an impossible date or an unknown plan.

    An empty list of plans or units means every plan or unit."""
    title = (title or "").strip()
    if not title:
        raise RoundInvalid("round_title_missing")
    day = _round_day(as_of, "round_as_of_missing", "round_as_of_invalid")
    due_day = _round_day(due, "round_due_missing", "round_due_invalid")
    if due_day < day:
        raise RoundInvalid("round_due_before")
    plan_list = [p for p in plans or () if p] or None
    unit_list = [u.strip() for u in units or () if u and u.strip()] or None
    if plan_list:
        known = {r[0] for r in db.rows("select plan_id from plans")}
        if not set(plan_list) <= known:
            raise RoundInvalid("round_unknown_plan")
    with WRITE_LOCK, db.transaction() as cur:
        row = cur.execute("select coalesce(max(round_id), 0) + 1 from round").fetchone()
        round_id = int(row[0]) if row else 1
        cur.execute(
            f"insert into round ({_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, null, null)",
            [round_id, title, day, due_day, plan_list, unit_list, by, now or datetime.now()],
        )
    return round_id


def _round_day(value: date | str | None, missing: str, invalid: str) -> date:
    # The meetings' strict reading of a day (never rolled over), with the rounds' own messages.
    from .meetings import MeetingInvalid

    try:
        day = _day(value, missing, invalid)
    except MeetingInvalid as exc:
        raise RoundInvalid(exc.key) from None
    assert day is not None  # _day raises `missing` rather than return None when it is given
    return day


def close_round(db: Database, round_id: int, by: str, now: datetime | None = None) -> None:
    """Close an open round: it becomes history; reports published later no longer count in it."""
    with WRITE_LOCK, db.transaction() as cur:
        rows = cur.execute("select closed_at from round where round_id = ?", [round_id]).fetchall()
        if not rows:
            raise RoundInvalid("round_unknown")
        if rows[0][0] is not None:
            raise RoundInvalid("round_closed")
        cur.execute(
            "update round set closed_by = ?, closed_at = ? where round_id = ?", [by, now or datetime.now(), round_id]
        )


def asked(db: Reader, round_id: int) -> list[Asked]:
    """What the round asks for, from the plans' current versions.

    Every activity in scope that is not done or cancelled (or was reported in this round): its status and
    comment. Every target of a plan in
    scope whose activity is in scope (a target without one: when the round names no units): its outcome for
    the year of the round's as-of day. A row is asked of its unit, else its named responsible, else the plan's
    owner; a row with none of them is asked of NO_RESPONSIBLE (the plan's editors).
    Money spent is asked for that year wherever the plan budgets money for it (a budget line of the year, or one
    without a year in a plan whose period covers it): of each activity in scope with such a line (whatever its
    status: a finished activity's costs still count), and of the plan's owner for plan-level lines (when the
    round names no units)."""
    rnd = get_round(db, round_id)
    year = rnd.as_of.year
    # An activity reported done during the round stays asked (and reported): finishing it is the report.
    reported_here = {(r[0], r[1]) for r in db.rows(
        "select distinct plan_id, activity_id from round_report where round_id = ? and item_kind = 'status'",
        [round_id],
    )}  # fmt: skip
    plan_rows = db.rows("select plan_id, owner from plans order by plan_id")
    owners = {p: o for p, o in plan_rows if rnd.covers_plan(p)}
    out: list[Asked] = []
    activities = db.rows(
        "select plan_id, activity_id, title, unit, responsible, status from activities order by plan_id, sort_order"
    )
    in_scope: dict[tuple[str, str], tuple[str | None, str | None]] = {}
    for plan_id, activity_id, title, unit, responsible, status in activities:
        if plan_id not in owners or not rnd.covers_unit(unit):
            continue
        in_scope[(plan_id, activity_id)] = (unit, responsible)
        if status in CLOSED_STATUSES and (plan_id, activity_id) not in reported_here:
            continue
        who = unit or responsible or owners[plan_id] or NO_RESPONSIBLE
        label = f"{activity_id} {_short(title)}".strip()
        out.append(Asked(plan_id, "status", activity_id, None, None, unit, who, label))
    targets = db.rows("select plan_id, target_id, name, activity_id from targets order by plan_id, target_id")
    for plan_id, target_id, name, activity_id in targets:
        if plan_id not in owners:
            continue
        if activity_id:
            if (plan_id, activity_id) not in in_scope:
                continue
            unit, responsible = in_scope[(plan_id, activity_id)]
        elif rnd.units is not None:
            continue
        else:
            unit, responsible = None, None
        who = unit or responsible or owners[plan_id] or NO_RESPONSIBLE
        label = f"{target_id} {_short(name)} ({year})".replace("  ", " ")
        out.append(Asked(plan_id, "outcome", None, target_id, year, unit, who, label))
    # Budgeted for the year: a line of that year, or a line without a year in a plan whose period covers it.
    budgeted = db.rows(
        "select distinct b.plan_id, b.activity_id, a.title, a.sort_order from budget_lines b"
        " join plans p using (plan_id) left join activities a using (plan_id, activity_id)"
        " where b.kind = 'budget' and (b.year = ? or (b.year is null"
        " and year(coalesce(p.period_start, make_date(?, 1, 1))) <= ?"
        " and year(coalesce(p.period_end, make_date(?, 12, 31))) >= ?))"
        " order by b.plan_id, b.activity_id is not null, a.sort_order",
        [year, year, year, year, year],
    )
    for plan_id, activity_id, title, _order in budgeted:
        if plan_id not in owners:
            continue
        if activity_id is None:
            if rnd.units is not None:
                continue
            label = f"{PLAN_LEVEL} ({year})"
            out.append(Asked(plan_id, "spent", None, None, year, None, owners[plan_id] or NO_RESPONSIBLE, label))
            continue
        if (plan_id, activity_id) not in in_scope:
            continue
        unit, responsible = in_scope[(plan_id, activity_id)]
        who = unit or responsible or owners[plan_id] or NO_RESPONSIBLE
        label = f"{activity_id} {_short(title)} ({year})".replace("  ", " ")
        out.append(Asked(plan_id, "spent", activity_id, None, year, unit, who, label))
    return out


def _short(text: str | None, width: int = 70) -> str:
    # A label names the item in a list or an e-mail; the whole wording is on the dashboard.
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _reported(db: Reader, round_id: int) -> dict[tuple, datetime]:
    """(plan_id, kind, activity_id, target_id, year) → when it was last reported in the round."""
    rows = db.rows(
        "select plan_id, item_kind, activity_id, target_id, year, max(reported_at) from round_report"
        " where round_id = ? group by all",
        [round_id],
    )
    return {tuple(r[:5]): r[5] for r in rows}


def latest_round(db: Reader) -> Round | None:
    """The round a meeting looks at: the newest open one, else the most recently opened closed one."""
    listed = list_rounds(db)
    return next((r for r in listed if r.is_open), None) or max(listed, key=lambda r: r.opened_at, default=None)


def reported_between(db: Reader, round_id: int, since: datetime, until: datetime | None = None) -> int:
    """How many of the round's rows were reported after `since` (up to `until`): a meeting's "since last time".

    A row reported twice (a workbook with two lines for it, or two updates) counts once, as in completeness."""
    rows = db.rows(
        "select count(*) from (select distinct plan_id, item_kind, activity_id, target_id, year from round_report"
        " where round_id = ? and reported_at > ? and (?::timestamp is null or reported_at <= ?))",
        [round_id, since, until, until],
    )
    return int(rows[0][0])


def _key(item: Asked) -> tuple:
    return (item.plan_id, item.item_kind, item.activity_id, item.target_id, item.year)


@dataclass(frozen=True)
class Progress:
    """One responsible's (or unit's) part of a round."""

    responsible: str
    asked: int
    reported: int
    missing: tuple[Asked, ...]
    last_reported: datetime | None

    @property
    def state(self) -> str:
        """One of STATES."""
        if self.reported >= self.asked:
            return STATES[0]
        return STATES[1] if self.reported else STATES[2]

    @property
    def share(self) -> float:
        return self.reported / self.asked if self.asked else 1.0


def completeness(db: Reader, round_id: int) -> list[Progress]:
    """Per responsible: how much of what the round asks of them has been reported, what is missing and when
    they last reported — those with most missing first."""
    reported = _reported(db, round_id)
    by_who: dict[str, list[Asked]] = {}
    for item in asked(db, round_id):
        by_who.setdefault(item.responsible, []).append(item)
    out = []
    for who, items in by_who.items():
        times = [reported[_key(i)] for i in items if _key(i) in reported]
        missing = tuple(i for i in items if _key(i) not in reported)
        out.append(Progress(who, len(items), len(items) - len(missing), missing, max(times) if times else None))
    return sorted(out, key=lambda p: (-len(p.missing), p.responsible.casefold()))


def missing_by_responsible(db: Reader, round_id: int) -> dict[str, list[Asked]]:
    """responsible → the items still missing in the round (for reminders); those with nothing missing left out."""
    return {p.responsible: list(p.missing) for p in completeness(db, round_id) if p.missing}


def update_items(update) -> list[tuple]:
    """What an update workbook (loaders.update.read_update) reports: (kind, activity_id, target_id, year)."""
    status = [("status", a, None, None) for a in update.tables["status"]["activity_id"].to_pylist()]
    spent = update.tables["spent"]
    money = [
        ("spent", a, None, y) for a, y in zip(spent["activity_id"].to_pylist(), spent["year"].to_pylist(), strict=True)
    ]
    values = update.tables["target_values"]
    outcomes = [
        ("outcome", None, t, y)
        for t, y in zip(values["target_id"].to_pylist(), values["year"].to_pylist(), strict=True)
    ]
    return status + outcomes + money


def record_reports(cur, round_id: int, plan_id: str, load_id: int, by: str, at: datetime, items) -> None:
    """Inside the publish transaction: the round's report rows for an update's status, outcome and spent rows.

    items: (item_kind, activity_id, target_id, year). A row counts as reported when an update published in
    the round carries it, whether or not its value changed (confirming "still ongoing" is a report)."""
    rows = [(round_id, plan_id, kind, a, t, y, load_id, by, at) for kind, a, t, y in items]
    if rows:
        cur.executemany(
            "insert into round_report (round_id, plan_id, item_kind, activity_id, target_id, year, load_id,"
            " reported_by, reported_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
