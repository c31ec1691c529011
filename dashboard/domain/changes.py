"""What the version history changed between two days: the follow-up meeting's "changes since the last meeting"."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from dashboard.domain.filters import Filters
from loaders.diff import diff_plans
from loaders.template import SHEET_BY_KEY
from loaders.workbook import PlanData

COLUMNS = ["plan_id", "kind", "item", "title", "before", "after"]


def between(
    compared: Iterable[tuple[str, PlanData | None, PlanData | None]], f: Filters, in_scope: set[tuple[str, str]]
) -> pd.DataFrame:
    """The changes as rows (plan_id, kind, item, title, before, after): status, outcomes, money spent, budget per
    year, activities added, removed and changed.

    `compared` holds, per plan, its version current at the start and the one current at the end
    (queries.plans_compared); a plan first published in between has no start version, and the plan itself
    is the news. Units and responsible (in `f`) narrow the changes to the activities `in_scope`
    (queries.activities_in_scope): then budget totals, which belong to no one activity, are left out, while
    outcomes and removed activities (no longer in any scope) are kept."""
    narrowed = bool(f.units or f.responsible)
    out = []
    for plan_id, before, after in compared:
        if before is None or after is None:  # both None together: see queries.plans_compared
            out.append(_change(plan_id, "plan_added", "", "", None, None))
            continue
        d = diff_plans(before, after)

        def keep(activity_id, plan_id=plan_id) -> bool:
            return not narrowed or (plan_id, activity_id) in in_scope

        for s in d.status_changes:
            if keep(s["activity_id"]):
                out.append(_change(plan_id, "status", s["activity_id"], s["title"], s["before"], s["after"]))
        for o in d.outcomes:
            label = o["target_id"] + (f" ({o['region']})" if o["region"] else "") + f" {o['year']}"
            out.append(_change(plan_id, "outcome", label, o.get("name") or "", o["before"], o["after"]))
        for m in d.spent:
            # Money spent by activity (plan-level costs, with no activity, belong to no one unit: kept whole).
            if (m["activity_id"] is None and narrowed) or (m["activity_id"] is not None and not keep(m["activity_id"])):
                continue
            item = " ".join(str(x) for x in (m["activity_id"], m["year"]) if x is not None)
            out.append(_change(plan_id, "spent", item, m.get("title") or "", m["before"], m["after"]))
        if not narrowed:
            for b in d.budget_totals:
                out.append(_change(plan_id, "budget_" + b["kind"], b["year"], "", b["before"], b["after"]))
        for a in d.activities_added:
            if keep(a["activity_id"]):
                out.append(_change(plan_id, "activity_added", a["activity_id"], a["title"], None, None))
        for a in d.activities_removed:
            out.append(_change(plan_id, "activity_removed", a["activity_id"], a["title"], None, None))
        changed: dict[str, list[str]] = {}
        titles: dict[str, str] = {}
        for c in d.activities_changed:
            if keep(c.key):
                changed.setdefault(c.key, []).append(c.field)
                titles[c.key] = c.title or ""
        for activity_id, fields in changed.items():
            # Fields by the headers the owner edits in Excel, never the internal keys.
            named = ", ".join(SHEET_BY_KEY["activities"].header_of(k) for k in fields)
            out.append(_change(plan_id, "activity_changed", activity_id, titles[activity_id], None, named))
    return pd.DataFrame(out, columns=COLUMNS)


def _change(plan_id, kind, item, title, before, after) -> dict:
    return dict(zip(COLUMNS, (plan_id, kind, item, title, before, after), strict=True))
