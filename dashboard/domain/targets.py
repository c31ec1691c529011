"""Every rule about targets: their kind, end value, path, parts, outcomes, verdicts and how they are written."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from dashboard.formats import fmt_number
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

    @property
    def on_path(self) -> bool | None:
        """The verdict as yes (on track), no (behind) or cannot tell."""
        return {"on_track": True, "behind": False}.get(self.verdict)


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


def kind(target) -> str:
    """What the target states: "value" (an end value), "change" (a % change from the baseline) or
    "qualitative" (neither)."""
    if _num(target.get("target_value")) is not None:
        return "value"
    return "change" if _num(target.get("target_change_pct")) is not None else "qualitative"


@dataclass(frozen=True)
class Kinds:
    """A frame of targets split by kind. relative: the % changes stated without a baseline year (those
    with one are drawn as an index with the other paths)."""

    valued: pd.DataFrame
    relative: pd.DataFrame
    qualitative: pd.DataFrame


def by_kind(targets: pd.DataFrame) -> Kinds:
    kinds = pd.Series([kind(r) for r in targets.to_dict("records")], index=targets.index, dtype=object)
    no_base_year = pd.Series([_num(y) is None for y in targets["baseline_year"]], index=targets.index, dtype=bool)
    return Kinds(
        valued=targets[kinds == "value"],
        relative=targets[(kinds == "change") & no_base_year],
        qualitative=targets[kinds == "qualitative"],
    )


@dataclass(frozen=True)
class Path:
    """The straight line from baseline to target as drawn. index: no baseline value, so the baseline
    year is 100 and the target 100 + the % change (outcomes cannot be compared with it)."""

    baseline_year: int
    baseline: float
    target_year: int
    target: float
    index: bool = False
    change_pct: float | None = None  # the stated % change, written beside the target


def path(target) -> Path | None:
    """The path to draw for a target: in its own figures, as an index, or None (see why_no_path)."""
    state = target_state(target)
    if not (state.path or state.index_path):
        return None
    y0, y1 = _num(target.get("baseline_year")), _num(target.get("target_year"))
    pct = _num(target.get("target_change_pct"))
    # target_state gives a path only with both years, and an index path only with a % change; the checks
    # here say so to the type checker.
    if y0 is None or y1 is None:
        return None
    if state.index_path:
        return None if pct is None else Path(int(y0), 100.0, int(y1), 100.0 + pct, index=True, change_pct=pct)
    if state.baseline is None or state.target is None:
        return None
    return Path(int(y0), state.baseline, int(y1), state.target, change_pct=pct)


def split_by_path(targets: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[dict, TargetState]]]:
    """The targets that get a drawn path (their own figures or an index), and the others with their state."""
    # Rows as dicts: iterrows builds a Series per row, which was most of the targets page's run.
    states = [(r, target_state(r)) for r in targets.to_dict("records")]
    drawn = pd.Series([s.path or s.index_path for _, s in states], index=targets.index, dtype=bool)
    return targets[drawn], [(r, s) for r, s in states if not (s.path or s.index_path)]


def outcomes_of(target, outcomes: pd.DataFrame) -> pd.DataFrame:
    """A target's own outcomes from all of its rows (queries.target_values): a region's target (the
    Jämtland part of a whole) has the region's outcomes, a target without a region those without one."""
    region = target.get("region")
    if isinstance(region, str):
        return outcomes[outcomes["region"] == region]
    return outcomes[outcomes["region"].isna()]


def latest_on_path(target, outcomes: pd.DataFrame) -> bool | None:
    """Whether the latest of a target's outcomes (ordered by year) is on its path; None: no outcome or no path."""
    if outcomes.empty:
        return None
    last = outcomes.iloc[-1]
    return on_path(target, int(last["year"]), float(last["value"]))


def verdicts(targets: pd.DataFrame) -> pd.Series:
    """Each target's verdict (TargetState.verdict), aligned with the frame."""
    rows = targets.to_dict("records")
    return pd.Series([target_state(r).verdict for r in rows], index=targets.index, dtype=object)


def summary(targets: pd.DataFrame) -> dict[str, int]:
    """How many targets are on track, behind, or have no data to tell (no outcome or no path), in that order."""
    counts = verdicts(targets).value_counts()
    on_track, behind = int(counts.get("on_track", 0)), int(counts.get("behind", 0))
    return {"on_track": on_track, "behind": behind, "no_data": len(targets) - on_track - behind}


def at_risk(targets: pd.DataFrame) -> pd.DataFrame:
    """Targets whose latest outcome is below the straight path from baseline to target."""
    return targets[verdicts(targets) == "behind"] if len(targets) else targets


def progress(baseline: float, target: float, latest: float | None) -> float | None:
    """Where the latest outcome lies on the way from baseline (0 %) to target (100 %)."""
    if latest is None:
        return None
    if target == baseline:  # hold a level: on it is 100 %, above or below a little either side
        return 100.0 if latest == target else (100.0 + math.copysign(10.0, latest - target))
    return (latest - baseline) / (target - baseline) * 100.0


# ---------------------------------------------------------------------------- wholes and parts


def wholes_and_parts(records: list[dict]) -> list[tuple[dict, list[dict]]]:
    """Each whole with its "of which" parts (part_of names the whole); a part whose whole is not among
    the records stands alone as a whole."""
    ids = {r["target_id"] for r in records}
    wholes = [r for r in records if not (isinstance(r.get("part_of"), str) and r["part_of"] in ids)]
    return [(w, [r for r in records if r.get("part_of") == w["target_id"]]) for w in wholes]


@dataclass(frozen=True)
class Bullet:
    """One row of a bullet chart: the target, baseline and outcome (None: not stated), and the region
    of an "of which" part."""

    target: float | None
    baseline: float | None = None
    outcome: float | None = None
    region: str | None = None


def bullet(target) -> Bullet:
    region = target.get("region")
    return Bullet(
        target=_num(target.get("target_value")),
        baseline=_num(target.get("baseline_value")),
        outcome=_num(target.get("outcome")),
        region=region if isinstance(region, str) else None,
    )


# ---------------------------------------------------------------------------- as written


def value_year(value, year, lang: str) -> str | None:
    """ "110 (2015)"; the value alone when no year is given; None when there is no value."""
    if _num(value) is None:
        return None
    return fmt_number(value, lang) + (f" ({int(year)})" if _num(year) is not None else "")


def goal_text(target, lang: str) -> str | None:
    """The target as stated: "+25 % (2018)" for a % change, else its value and year."""
    pct = _num(target.get("target_change_pct"))
    if _num(target.get("target_value")) is None and pct is not None:
        change = ("+" if pct > 0 else "") + fmt_number(pct, lang) + " %"
        year = _num(target.get("target_year"))
        return change + (f" ({int(year)})" if year is not None else "")
    return value_year(target.get("target_value"), target.get("target_year"), lang)


def heading(target) -> str:
    """ "1. Name", with the region added when the name does not say it (a region's row, e.g. Jämtland)."""
    activity, region = target.get("activity_id"), target.get("region")
    text = f"{activity}. {target['name']}" if isinstance(activity, str) else target["name"]
    if isinstance(region, str) and region not in text:
        text += f" – {region}"
    return text


def span_text(target, lang: str) -> str:
    """ "bas 110 (2015) → mål **130** (2017)"; the target alone when there is no baseline value."""

    def year(y) -> str:
        return f" ({int(y)})" if _num(y) is not None else ""

    goal = f"{t('target', lang).lower()} **{fmt_number(target['target_value'], lang)}**{year(target['target_year'])}"
    if _num(target.get("baseline_value")) is None:
        return goal
    base = f"{t('baseline', lang).lower()} {fmt_number(target['baseline_value'], lang)}"
    return f"{base}{year(target['baseline_year'])} → {goal}"


def outcome_text(target, lang: str) -> str:
    """ "Utfall 2016: 30", or that there is no outcome yet."""
    if _num(target.get("outcome")) is None:
        return t("no_data", lang)
    return f"{t('outcome', lang)} {int(target['outcome_year'])}: {fmt_number(target['outcome'], lang)}"
