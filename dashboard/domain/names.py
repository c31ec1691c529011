"""Names where space is short: a plan's display name (its Kortnamn, else its full title), a goal's label, cut text."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from dashboard.i18n import t


def plan_display_name(short_name, title, plan_id: str = "") -> str:
    """The plan's Kortnamn; a plan without one (NULL or blank) keeps its full title, never a made-up cut."""
    for value in (short_name, title):
        if isinstance(value, str) and value.strip():
            return value.strip()
    return plan_id


def plan_display_names(plans: pd.DataFrame) -> dict[str, str]:
    """plan_id → display name, for a frame with plan_id, title and (when loaded) short_name."""
    shorts = plans["short_name"] if "short_name" in plans else [None] * len(plans)
    return {
        pid: plan_display_name(short, title, pid)
        for pid, short, title in zip(plans["plan_id"], shorts, plans["title"], strict=True)
    }


def short(text, n: int = 28) -> str:
    """Text cut to at most `n` characters where space is short (a chart's axis, a menu), an ellipsis marking the cut."""
    text = str(text)
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def goal_label(
    key, titles: Mapping[str, str], plan_names: Mapping[str, str], lang: str, width: int | None = None, plan_id=None
) -> str:
    """A goal as "plan · id wording": `key` is "plan_id:goal_id", `titles` maps such keys to the goal's wording
    (cut to `width` characters when given). A key that names no goal (an amount or activity linked to none)
    reads "no goal given", after its plan's name when `plan_id` is given."""
    if not isinstance(key, str) or key not in titles:
        no_goal = t("no_goal", lang)
        return f"{plan_names.get(plan_id, plan_id)} · {no_goal}" if plan_id is not None else no_goal
    pid, goal_id = key.split(":", 1)
    title = titles[key]
    return f"{plan_names.get(pid, pid)} · {goal_id} {short(title, width) if width else title}"
