"""A plan's structure as an outline: main goals, their sub-goals and the activities serving each, in full wording."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class Activity:
    activity_id: str
    title: str
    status: str


@dataclass
class Goal:
    goal_id: str
    title: str
    activities: list[Activity] = field(default_factory=list)  # linked to this goal itself
    children: list[Goal] = field(default_factory=list)

    def statuses(self) -> dict[str, int]:
        """Activities serving the goal or any of its sub-goals, each counted once, per status."""
        seen: dict[str, str] = {}
        stack = [self]
        while stack:
            goal = stack.pop()
            seen.update((a.activity_id, a.status) for a in goal.activities)
            stack += goal.children
        counts: dict[str, int] = {}
        for status in seen.values():
            counts[status] = counts.get(status, 0) + 1
        return counts


def _ids(value) -> list[str]:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    return [str(v) for v in value]


def outline(goals: pd.DataFrame, activities: pd.DataFrame) -> tuple[list[Goal], dict[str | None, list[Activity]]]:
    """(main goals with sub-goals and activities, unlinked activities by section) for one plan.

    goals: goal_id, parent_goal_id, title (in plan order); activities: activity_id, title, status,
    goal_ids, section (in plan order). An activity serving several goals is listed under each.
    """
    nodes = {g.goal_id: Goal(g.goal_id, g.title) for g in goals.itertuples(index=False)}
    roots = []
    for g in goals.itertuples(index=False):
        parent = g.parent_goal_id if isinstance(g.parent_goal_id, str) else None
        if parent in nodes:
            nodes[parent].children.append(nodes[g.goal_id])
        else:
            roots.append(nodes[g.goal_id])
    unlinked: dict[str | None, list[Activity]] = {}
    for a in activities.itertuples(index=False):
        item = Activity(a.activity_id, a.title, a.status)
        linked = [nodes[g] for g in _ids(a.goal_ids) if g in nodes]
        for goal in linked:
            goal.activities.append(item)
        if not linked:
            unlinked.setdefault(a.section if isinstance(a.section, str) else None, []).append(item)
    return roots, unlinked
