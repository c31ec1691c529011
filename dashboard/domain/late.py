"""What is late: an activity past its end with an open status; past its end with no status is a gap to ask about."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

# A status the plan's owner has reported and that still expects work. "done" and "cancelled" are final;
# "unknown" is no report at all, so an activity past its end with it is a gap to ask about, not "late".
OPEN_STATUSES = ("not_started", "ongoing", "postponed")
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Overdue:
    """Activities past their end date as of a day: late (a known open status) and status unknown after their end."""

    late: pd.DataFrame
    unknown: pd.DataFrame


def overdue(activities: pd.DataFrame, as_of: date) -> Overdue:
    """Split activities (with end_date and status) into late and status-unknown-after-end as of `as_of`.

    Both keep the input's columns and order, plus days_late (whole days from the end date to as_of).
    An activity that ends on the as-of day itself is not past its end yet; one without an end date never is.
    """
    if activities.empty:
        frame = activities.assign(days_late=pd.Series(dtype="int64"))
        return Overdue(frame, frame.copy())
    day = pd.Timestamp(as_of)
    ends = pd.to_datetime(activities["end_date"])
    past = ends.notna() & (ends < day)
    rows = activities.assign(days_late=(day - ends).dt.days.astype("Int64"))
    late = rows[past & rows["status"].isin(OPEN_STATUSES)]
    unknown = rows[past & (rows["status"] == UNKNOWN)]
    return Overdue(late.reset_index(drop=True), unknown.reset_index(drop=True))


def months_before(as_of: date, months: int) -> date:
    """The day `months` months (of 30.44 days) before the as-of day: "no update for N months" counts from it."""
    return (pd.Timestamp(as_of) - pd.Timedelta(days=int(months * 30.44))).date()
