"""What one version of a plan changes against another: activities, goals, budget, targets, outcomes, status."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .template import SHEET_BY_KEY, SPENT_KEY
from .workbook import PlanData

# Derived or bookkeeping columns: a change in them is not a change in what the plan says.
_IGNORED = {"row_no", "amount_parts"}
# A budget line has no id; lines are matched on what they are for, and their amounts compared.
_BUDGET_KEY = ("activity_id", "year", "unit", "funding_source", "kind")


@dataclass
class FieldChange:
    key: str  # the row's id (activity, goal or target id; plan id for the Plan sheet)
    field: str  # template field name
    before: object
    after: object
    title: str | None = None  # the row's title or name, so a change is never shown by its id alone


@dataclass
class PlanDiff:
    plan_id: str
    plan_fields: list[FieldChange] = field(default_factory=list)
    goals_added: list[dict] = field(default_factory=list)
    goals_removed: list[dict] = field(default_factory=list)
    goals_changed: list[FieldChange] = field(default_factory=list)
    activities_added: list[dict] = field(default_factory=list)
    activities_removed: list[dict] = field(default_factory=list)
    activities_changed: list[FieldChange] = field(default_factory=list)
    budget_lines: list[dict] = field(default_factory=list)  # key fields + before/after amount (None = absent)
    budget_totals: list[dict] = field(default_factory=list)  # year, kind, before, after (changed years only)
    targets_added: list[dict] = field(default_factory=list)
    targets_removed: list[dict] = field(default_factory=list)
    targets_changed: list[FieldChange] = field(default_factory=list)
    outcomes: list[dict] = field(default_factory=list)  # target_id, name, year, region, before, after
    status_changes: list[dict] = field(default_factory=list)  # activity_id, title, before, after, as_of, note
    spent: list[dict] = field(default_factory=list)  # SPENT_KEY fields, title + before/after amount (None = absent)

    def counts(self) -> dict[str, int]:
        """How many changes of each kind: the version summary kept in the history."""
        return {
            "plan_fields": len(self.plan_fields),
            "goals_added": len(self.goals_added),
            "goals_removed": len(self.goals_removed),
            "goals_changed": len({c.key for c in self.goals_changed}),
            "activities_added": len(self.activities_added),
            "activities_removed": len(self.activities_removed),
            "activities_changed": len({c.key for c in self.activities_changed}),
            "budget_lines": len(self.budget_lines),
            "targets_added": len(self.targets_added),
            "targets_removed": len(self.targets_removed),
            "targets_changed": len({c.key for c in self.targets_changed}),
            "outcomes": len(self.outcomes),
            "status_changes": len(self.status_changes),
            "spent": len(self.spent),
        }

    def is_empty(self) -> bool:
        return not any(self.counts().values())


def diff_plans(old: PlanData | None, new: PlanData) -> PlanDiff:
    """Changes from old (None: the plan is new) to new."""
    out = PlanDiff(new.plan_id)
    old_tables = {k: t.to_pylist() for k, t in old.tables.items()} if old else {}
    new_tables = {k: t.to_pylist() for k, t in new.tables.items()}
    old_plan = old.plan if old else {}
    for key in _fields("plan"):
        if old and old_plan.get(key) != new.plan.get(key):
            out.plan_fields.append(FieldChange(new.plan_id, key, old_plan.get(key), new.plan.get(key)))

    for sheet, id_key, title_key, added, removed, changed in (
        ("goals", "goal_id", "title", out.goals_added, out.goals_removed, out.goals_changed),
        ("activities", "activity_id", "title", out.activities_added, out.activities_removed, out.activities_changed),
        ("targets", "target_id", "name", out.targets_added, out.targets_removed, out.targets_changed),
    ):
        _by_id(old_tables.get(sheet, []), new_tables[sheet], sheet, id_key, title_key, added, removed, changed)

    old_status = latest_status(old_tables.get("status", []))
    new_status = latest_status(new_tables["status"])
    for row in out.activities_added:
        row["status"] = new_status.get(row["activity_id"], {}).get("status", "unknown")
    old_ids = {r["activity_id"] for r in old_tables.get("activities", [])}
    for row in new_tables["activities"]:
        aid = row["activity_id"]
        if aid not in old_ids:
            continue
        before = old_status.get(aid, {}).get("status", "unknown")
        now = new_status.get(aid, {})
        after = now.get("status", "unknown")
        if before != after:
            out.status_changes.append(
                {
                    "activity_id": aid,
                    "title": row.get("title"),
                    "before": before,
                    "after": after,
                    "as_of": now.get("as_of"),
                    "status_note": now.get("status_note"),
                }
            )

    out.budget_lines, out.budget_totals = _budget(old_tables.get("budget", []), new_tables["budget"])
    out.outcomes = _outcomes(old_tables.get("target_values", []), new_tables["target_values"])
    names = {r["target_id"]: r.get("name") for r in old_tables.get("targets", []) + new_tables["targets"]}
    for o in out.outcomes:
        o["name"] = names.get(o["target_id"])
    out.spent = _spent(old_tables.get("spent", []), new_tables.get("spent", []))
    titles = {r["activity_id"]: r.get("title") for r in old_tables.get("activities", []) + new_tables["activities"]}
    for r in out.spent:
        r["title"] = titles.get(r["activity_id"]) if r["activity_id"] else None
    return out


def _fields(sheet_key: str) -> list[str]:
    return [c.key for c in SHEET_BY_KEY[sheet_key].columns if c.key not in _IGNORED]


def _by_id(old: list[dict], new: list[dict], sheet: str, id_key: str, title_key: str, added, removed, changed) -> None:
    fields = _fields(sheet)
    before = {r[id_key]: r for r in old}
    after = {r[id_key]: r for r in new}
    for key, row in after.items():
        if key not in before:
            added.append({f: row.get(f) for f in fields})
            continue
        for f in fields:
            if before[key].get(f) != row.get(f):
                changed.append(FieldChange(key, f, before[key].get(f), row.get(f), row.get(title_key)))
    removed.extend({f: row.get(f) for f in fields} for key, row in before.items() if key not in after)


def latest_status(rows: list[dict]) -> dict[str, dict]:
    """Each activity's status row that applies: the latest date, then the last row (as the views do)."""
    best: dict[str, dict] = {}
    for r in rows:
        cur = best.get(r["activity_id"])
        if cur is None or _status_rank(r) >= _status_rank(cur):
            best[r["activity_id"]] = r
    return best


def _status_rank(r: dict) -> tuple:
    # Undated rows rank below dated ones ("as_of desc nulls last"), then sheet order decides.
    return (r.get("as_of") is not None, r.get("as_of") or 0, r.get("row_no") or 0)


def _budget(old: list[dict], new: list[dict]) -> tuple[list[dict], list[dict]]:
    def sums(rows: list[dict]) -> dict[tuple, int]:
        out: dict[tuple, int] = defaultdict(int)
        for r in rows:
            out[tuple(r.get(k) for k in _BUDGET_KEY)] += r.get("amount_sek") or 0
        return out

    def counts(rows: list[dict]) -> Counter:
        return Counter(tuple(r.get(k) for k in _BUDGET_KEY) for r in rows)

    before, after = sums(old), sums(new)
    n_before, n_after = counts(old), counts(new)
    lines = []
    for key in sorted(set(before) | set(after), key=_sort_key):
        b = before.get(key)
        a = after.get(key)
        # Same total but a line split differently still counts as a change of the lines.
        if b != a or n_before[key] != n_after[key]:
            lines.append({**dict(zip(_BUDGET_KEY, key, strict=True)), "before": b, "after": a})

    def totals(rows: list[dict]) -> dict[tuple, int]:
        out: dict[tuple, int] = defaultdict(int)
        for r in rows:
            out[(r.get("year"), r.get("kind"))] += r.get("amount_sek") or 0
        return out

    tb, ta = totals(old), totals(new)
    year_totals = [
        {"year": year, "kind": kind, "before": tb.get((year, kind), 0), "after": ta.get((year, kind), 0)}
        for year, kind in sorted(set(tb) | set(ta), key=_sort_key)
        if tb.get((year, kind), 0) != ta.get((year, kind), 0)
    ]
    return lines, year_totals


def _outcomes(old: list[dict], new: list[dict]) -> list[dict]:
    def values(rows: list[dict]) -> dict[tuple, float | None]:
        # Several rows for one (target, year, region): the last one in the sheet is the figure.
        return {(r["target_id"], r.get("year"), r.get("region")): r.get("value") for r in rows}

    before, after = values(old), values(new)
    return [
        {"target_id": k[0], "year": k[1], "region": k[2], "before": before.get(k), "after": after.get(k)}
        for k in sorted(set(before) | set(after), key=_sort_key)
        if before.get(k) != after.get(k)
    ]


def _spent(old: list[dict], new: list[dict]) -> list[dict]:
    """Money spent per (activity, year, unit, funding source) that differs; rows for one key are summed."""

    def sums(rows: list[dict]) -> dict[tuple, int]:
        out: dict[tuple, int] = defaultdict(int)
        for r in rows:
            out[tuple(r.get(k) for k in SPENT_KEY)] += r.get("amount_sek") or 0
        return out

    before, after = sums(old), sums(new)
    return [
        {**dict(zip(SPENT_KEY, k, strict=True)), "before": before.get(k), "after": after.get(k)}
        for k in sorted(set(before) | set(after), key=_sort_key)
        if before.get(k) != after.get(k)
    ]


def _sort_key(key: tuple) -> tuple:
    # None sorts last and never meets a str/int comparison.
    return tuple((v is None, str(v) if not isinstance(v, int) else f"{v:012d}") for v in key)
