"""The follow-up rules, in one place: what is late, where a target stands, which budget figures the key figures are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard.i18n import fmt_tkr, t

# ---------------------------------------------------------------------------- late

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


# ---------------------------------------------------------------------------- targets

# Why a target has no straight path from baseline to target, in the order they are named.
MISSING = ("qualitative", "baseline_value", "baseline_year", "target_value", "target_year")


@dataclass(frozen=True)
class TargetState:
    """Where one target stands.

    path: baseline (value and year) and target (value or % change, and year) are all known.
    index_path: only the baseline value is missing but the target is a % change: drawable as an index
    (baseline year = 100), though outcomes cannot be compared with it.
    missing: why there is no path (keys of MISSING); empty when there is one.
    verdict: "on_track", "behind", "no_outcome" (a path, no outcome yet) or "no_path".
    """

    path: bool
    index_path: bool
    missing: tuple[str, ...]
    verdict: str
    baseline: float | None = None
    target: float | None = None


def _num(value) -> float | None:
    if value is None or value is pd.NA:
        return None
    try:
        return None if pd.isna(value) else float(value)
    except (TypeError, ValueError):
        return None


def target_value(target) -> float | None:
    """The target as a value: stated, or the baseline changed by the stated %."""
    stated, pct, base = _num(target.get("target_value")), _num(target.get("target_change_pct")), None
    if stated is not None:
        return stated
    base = _num(target.get("baseline_value"))
    return base * (1 + pct / 100) if base is not None and pct is not None else None


def on_path(target, year: int, value: float) -> bool | None:
    """Whether an outcome is on or above the straight path from baseline to target (None: cannot tell).
    After the target year the target itself is the path; for a falling target "above" means below."""
    v0, v1 = _num(target.get("baseline_value")), target_value(target)
    y0, y1 = _num(target.get("baseline_year")), _num(target.get("target_year"))
    if v0 is None or v1 is None or y0 is None or y1 is None:
        return None
    y0, y1 = int(y0), int(y1)
    expected = v1 if y1 == y0 else v0 + (v1 - v0) * (min(max(year, y0), y1) - y0) / (y1 - y0)
    return value >= expected if v1 >= v0 else value <= expected


def target_state(target) -> TargetState:
    """Classify a target (a row of queries.targets: baseline_*, target_*, outcome_year, outcome)."""
    base, pct, stated = (_num(target.get(k)) for k in ("baseline_value", "target_change_pct", "target_value"))
    base_year, target_year = _num(target.get("baseline_year")), _num(target.get("target_year"))
    goal = target_value(target)
    if base is None and pct is None and stated is None:
        return TargetState(False, False, ("qualitative",), "no_path")
    missing = []
    if base is None:
        missing.append("baseline_value")
    if base_year is None:
        missing.append("baseline_year")
    if stated is None and pct is None:
        missing.append("target_value")
    if target_year is None:
        missing.append("target_year")
    index_path = missing == ["baseline_value"] and pct is not None
    if missing:
        return TargetState(False, index_path, tuple(missing), "no_path", base, goal)
    outcome, year = _num(target.get("outcome")), _num(target.get("outcome_year"))
    if outcome is None or year is None:
        return TargetState(True, False, (), "no_outcome", base, goal)
    verdict = "on_track" if on_path(target, int(year), outcome) else "behind"
    return TargetState(True, False, (), verdict, base, goal)


def why_no_path(state: TargetState, lang: str) -> str:
    """What is missing for a path, in the user's language ("" when there is a path)."""
    return ", ".join(t(f"tr_{m}", lang) for m in state.missing)


# ---------------------------------------------------------------------------- key figures


@dataclass(frozen=True)
class BudgetFigures:
    """The money key figures, in SEK. Opening balances are never part of a year's budget."""

    in_period: float
    no_year: float
    opening_balance: float
    stated: bool = True  # False: no plan in scope states any budget line, so "0 tkr" would be a figure it never gave


def budget_figures(cards: pd.DataFrame) -> BudgetFigures:
    """Sums over plan cards (queries.plan_cards): budget with a year in the period, without a year, opening balances."""

    def total(col: str) -> float:
        return float(pd.to_numeric(cards[col], errors="coerce").fillna(0).sum()) if not cards.empty else 0.0

    if "budget_lines_stated" in cards:
        stated = bool(pd.to_numeric(cards["budget_lines_stated"], errors="coerce").fillna(0).sum())
    else:
        stated = bool(total("budget") or total("no_year") or total("opening_balance"))
    return BudgetFigures(total("budget"), total("no_year"), total("opening_balance"), stated)


def budget_key_figures(figures: BudgetFigures, year_from, year_to, lang: str) -> list[tuple[str, str]]:
    """The overview's and the meeting pack's money key figures as (label, value), in that order. Where no
    plan in scope states a budget, each reads "no budget stated" rather than a zero the documents never gave."""

    def value(amount: float) -> str:
        return fmt_tkr(amount, lang) if figures.stated else t("plan_no_budget", lang)

    return [
        (f"{t('budget', lang)} {year_from}–{year_to}", value(figures.in_period)),
        (t("kf_no_year", lang), value(figures.no_year)),
        (t("kf_ib", lang), value(figures.opening_balance)),
    ]
