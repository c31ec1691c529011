"""Where a target stands: its end value, whether it has a path from its baseline, and whether an outcome is on it."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.i18n import t

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
