"""A plan's display name where space is short: its short name (Kortnamn), else its full title."""

from __future__ import annotations

import pandas as pd


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
