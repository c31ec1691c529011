"""What is late: an activity past its end with an open status; past its end with no status is a gap to ask about."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard.formats import MISSING, fmt_date, fmt_int
from dashboard.i18n import status_label, t

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


def past_end_table(activities: pd.DataFrame, plan_names: Mapping[str, str], lang: str, days: str) -> pd.DataFrame:
    """Activities past their end (Overdue.late or Overdue.unknown) as the status page, the meeting and its pack show
    them: plan, ID, title, responsible, end, the days past it (headed by the text key `days`) and status. No rows
    give a frame without columns."""

    def text(value) -> str:
        # NULL from the query (None, NaN or NA, by the column's type) and "" read as a dash, never "None".
        return MISSING if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value) or MISSING

    return pd.DataFrame(
        [
            {
                t("col_plan", lang): plan_names.get(r.plan_id, r.plan_id),
                "ID": r.activity_id,
                t("col_title", lang): r.title,
                t("col_responsible", lang): text(r.responsible),
                t("col_end", lang): fmt_date(r.end_date, lang),
                t(days, lang): fmt_int(int(r.days_late), lang),
                t("col_status", lang): status_label(r.status, lang),
            }
            for r in activities.itertuples(index=False)
        ]
    )
