"""A reporter's update: every row it carries must be one the reporter may report on, else nothing is saved."""

from __future__ import annotations

from .problems import Problem
from .roles import User
from .template import UPDATE_SHEETS
from .workbook import PlanData


def row_owners(current: PlanData) -> tuple[dict[str, tuple[str | None, str | None]], dict[str, str | None]]:
    """(activity_id → (unit, responsible), target_id → its activity_id) in the plan's current version.

    A target's rows belong to whoever reports on its activity; a target without one to the plan's editors."""
    acts = current.tables["activities"]
    activities = {
        a: (u, r)
        for a, u, r in zip(
            acts["activity_id"].to_pylist(), acts["unit"].to_pylist(), acts["responsible"].to_pylist(), strict=True
        )
    }
    targets = current.tables["targets"]
    owners = dict(zip(targets["target_id"].to_pylist(), targets["activity_id"].to_pylist(), strict=True))
    return activities, owners


def foreign_rows(current: PlanData, update: PlanData, user: User) -> list[Problem]:
    """A problem for EVERY row of the update (Status and Kostnadsutfall by activity, Utfall by target) the user
    may not report on; plan-level money spent (no activity) is the plan's editors' to report.

    Run after apply_update's reference check, so each id is known. An editor of the plan gets none."""
    plan_id = current.plan_id
    activities, target_activity = row_owners(current)
    problems = []
    for key, id_key in (("status", "activity_id"), ("target_values", "target_id"), ("spent", "activity_id")):
        table = update.tables[key]
        sheet = next(s.name for s in UPDATE_SHEETS if s.key == key)
        letter = update.letters.get(key, {}).get(id_key, "A")
        for value, row in zip(table[id_key].to_pylist(), table["row_no"].to_pylist(), strict=True):
            activity = target_activity.get(value) if key == "target_values" else value
            unit, responsible = activities.get(activity, (None, None)) if activity else (None, None)
            if not user.may_report(plan_id, unit, responsible):
                owner = unit or responsible or ""  # the unit names the row's owner best; else the person
                code = "not_your_row" if owner else "not_your_row_editors"
                if key == "spent" and value is None:
                    code = "not_your_row_plan_level"
                problems.append(Problem(update.file_name, sheet, f"{sheet}!{letter}{row}", value or "", code,
                                        {"owner": owner}))  # fmt: skip
    return problems
