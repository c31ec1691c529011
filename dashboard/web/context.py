"""What every page receives: the database, the filters, the language, the moment of the run, today and the as-of day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from dashboard.domain.filters import Filters
from dashboard.domain.names import plan_display_names
from loaders.database import Database


@dataclass
class Context:
    """One page run's view: the database and its data version, the filters, the language and the days."""

    db: Database
    filters: Filters
    lang: str
    options: dict
    version: int
    unit_colors: dict[str, str]
    now: datetime  # when this run began (the one reading of the clock, in the sidebar): an export's or a pack's time
    today: date  # the calendar day (now's): when a meeting is held, a file is named
    as_of: date  # the day the plans are followed up as of (filters.as_of, or today): late, at risk, stale, changes
    chosen_goals: tuple[str, ...] = ()  # the goals as chosen in the sidebar (filters.goals adds their sub-goals)


def plan_short(ctx: Context) -> dict[str, str]:
    """plan_id → the plan's display name where space is short (charts, tables, the pack)."""
    return plan_display_names(ctx.options["plans"])
