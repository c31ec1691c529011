"""The dashboard's shared filters: one value object, mirrored in the URL so a view can be shared, told in words."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from dashboard.domain.names import goal_label, plan_display_names
from dashboard.formats import fmt_date
from dashboard.i18n import status_label, t

# URL parameter ↔ Filters field. Lists are repeated parameters (?plan=a&plan=b).
_LIST_PARAMS = {
    "plan": "plans",
    "unit": "units",
    "resp": "responsible",
    "fund": "funding",
    "goal": "goals",
    "status": "statuses",
}
NO_VALUE = "—"  # stands for "not stated" in unit and funding filters


@dataclass(frozen=True)
class Filters:
    """Empty tuples mean "all"; years are inclusive. Goals are "plan_id:goal_id" keys. Immutable and
    hashable, so a Filters value is part of every cached query's key."""

    plans: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    units: tuple[str, ...] = ()
    responsible: tuple[str, ...] = ()
    funding: tuple[str, ...] = ()
    goals: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    # The day the plans are followed up as of (late, at risk, stale, the meeting's changes). None: today.
    as_of: date | None = None

    def with_(self, **changes) -> Filters:
        return replace(self, **changes)

    def is_default(self) -> bool:
        """No choice made except the years (which always have a range) and the as-of day (which narrows nothing)."""
        return replace(self, year_from=None, year_to=None, as_of=None) == Filters()

    def describe(
        self, lang: str, options: dict, goals: Iterable[str] | None = None, as_of: date | None = None
    ) -> list[tuple[str, str]]:
        """The filters in words, as (label, value) rows: what an export's filter sheet and the meeting pack's scope
        state. Plans by their titles, units and funding with "not stated" named, goals as "plan · id wording",
        statuses by their labels; "All" where nothing is chosen. `options` are the filters' choices
        (queries.filter_options); `goals`, the goals as chosen (self.goals also holds their sub-goals); `as_of`,
        when given, a first row with the day the plans are followed up as of."""
        all_ = t("f_all", lang)
        plan_titles = dict(zip(options["plans"]["plan_id"], options["plans"]["title"], strict=True))
        plan_names = plan_display_names(options["plans"])
        goal_titles = dict(zip(options["goals"]["key"], options["goals"]["title"], strict=True))

        def named(values, label=str) -> str:
            return "; ".join(label(v) for v in values) or all_

        rows = [(t("pack_as_of", lang), fmt_date(as_of, lang))] if as_of is not None else []
        return [
            *rows,
            (t("f_plans", lang), named(self.plans, lambda p: plan_titles.get(p, p))),
            (t("f_years", lang), f"{self.year_from}–{self.year_to}"),
            (t("f_units", lang), named(self.units, lambda u: stated(u, lang))),
            (t("f_responsible", lang), named(self.responsible)),
            (t("f_funding", lang), named(self.funding, lambda u: stated(u, lang))),
            (
                t("f_goals", lang),
                named(self.goals if goals is None else goals, lambda g: goal_label(g, goal_titles, plan_names, lang)),
            ),
            (t("f_statuses", lang), ", ".join(status_label(s, lang) for s in self.statuses) or all_),
        ]

    @classmethod
    def from_scope(cls, scope: dict, options: dict) -> Filters:
        """A meeting's stored scope (its Filters as a dict, read from JSON) as filters today: its plans, units and
        responsible that still exist (a plan or unit may have gone since that meeting), and its years within the
        data's (None when it stored none). Funding, goals, statuses and the as-of day are not taken from it."""
        known = {
            "plans": set(options["plans"]["plan_id"]),
            "units": set(options["units"]),
            "responsible": set(options["responsible"]),
        }
        values = {name: tuple(v for v in scope.get(name) or () if v in allowed) for name, allowed in known.items()}
        kept = cls(plans=values["plans"], units=values["units"], responsible=values["responsible"])
        y0, y1 = _int([scope.get("year_from")], 0), _int([scope.get("year_to")], 0)
        if not (y0 and y1):
            return kept
        lo, hi = options["years"]
        y0, y1 = max(lo, min(y0, hi)), max(lo, min(y1, hi))
        return kept.with_(year_from=min(y0, y1), year_to=max(y0, y1))


def stated(value: str, lang: str) -> str:
    """A unit or funding source as the reader sees it: NO_VALUE (none given in the plan) reads "not stated"."""
    return t("not_stated", lang) if value == NO_VALUE else value


def from_query_params(
    params: dict[str, list[str]], known: dict[str, set[str]], years: tuple[int, int], today: date
) -> Filters:
    """Read filters from URL parameters, dropping values that are not (or no longer) in the data.

    ?asof=YYYY-MM-DD follows the plans up as of that day. A value that is not such a date, or a day after
    `today` (the data only knows what has been published so far), is dropped: the view is as of today."""
    values = {}
    for param, name in _LIST_PARAMS.items():
        allowed = known.get(name, set())
        values[name] = tuple(v for v in params.get(param, []) if v in allowed)
    lo, hi = years
    y0 = _int(params.get("y0"), lo)
    y1 = _int(params.get("y1"), hi)
    y0, y1 = max(lo, min(y0, hi)), max(lo, min(y1, hi))
    as_of = as_of_param(params.get("asof"), today)
    return Filters(year_from=min(y0, y1), year_to=max(y0, y1), as_of=as_of, **values)


def as_of_param(values: list[str] | None, today: date) -> date | None:
    """The as-of day from ?asof=, or None (today) when it is absent, unreadable, today or later."""
    try:
        day = date.fromisoformat(values[0].strip()) if values else None
    except (ValueError, AttributeError):
        return None
    return day if day is not None and day < today else None


def to_query_params(f: Filters, years: tuple[int, int]) -> dict[str, list[str] | str]:
    """Only what differs from the default, so a shared URL stays short."""
    out: dict[str, list[str] | str] = {}
    for param, name in _LIST_PARAMS.items():
        value = getattr(f, name)
        if value:
            out[param] = list(value)
    if f.year_from is not None and f.year_from != years[0]:
        out["y0"] = str(f.year_from)
    if f.year_to is not None and f.year_to != years[1]:
        out["y1"] = str(f.year_to)
    if f.as_of is not None:
        out["asof"] = f.as_of.isoformat()
    return out


def with_subgoals(selected: tuple[str, ...], goals) -> tuple[str, ...]:
    """The goal keys chosen, each main goal with its sub-goals: choosing a main goal also matches what is
    linked to its sub-goals. goals: key, plan_id, parent_goal_id (as filter_options gives them)."""
    if not selected:
        return ()
    keys = set(selected)
    children = goals[goals["parent_goal_id"].notna()]
    for r in children.itertuples(index=False):
        if f"{r.plan_id}:{r.parent_goal_id}" in keys:
            keys.add(r.key)
    return tuple(sorted(keys))


def _int(values: list | None, default: int) -> int:
    try:
        return int(values[0]) if values else default
    except (ValueError, TypeError):
        return default
