"""The shared filters in the sidebar, mirrored in the URL so that a view can be shared."""

from __future__ import annotations

from datetime import date, datetime

import streamlit as st

from dashboard import queries
from dashboard.domain.filters import Filters, from_query_params, stated, to_query_params, with_subgoals
from dashboard.domain.names import goal_label, plan_display_names
from dashboard.i18n import status_label, status_order, t
from dashboard.reports import display
from dashboard.reports.charts import unit_colors
from dashboard.web.cache import Stale, read
from dashboard.web.context import Context
from loaders.database import Database

_KEYS = ("f_plans", "f_years", "f_units", "f_responsible", "f_funding", "f_goals", "f_statuses", "f_asof")


def request_filters(**changes) -> None:
    """Change filters from a page (e.g. a clicked bar): applied before the widgets on the next run."""
    st.session_state["pending_filters"] = changes
    st.rerun()


def request_scope(scope: Filters) -> None:
    """Set the filters to a meeting's scope (Filters.from_scope): its plans, units and responsible, and its years
    where it stored them; the other filters stay as they are."""
    changes: dict = {"plans": list(scope.plans), "units": list(scope.units), "responsible": list(scope.responsible)}
    if scope.year_from is not None and scope.year_to is not None:
        changes["years"] = (scope.year_from, scope.year_to)
    request_filters(**changes)


def _reset() -> None:
    for key in _KEYS:
        st.session_state.pop(key, None)
    st.session_state["filters_from_url"] = False


def sidebar(db: Database, lang: str) -> Context:
    version = db.per_commit(queries.data_version)  # a query only after a publish, not on every run
    try:
        options = read(queries.filter_options, str(db.path), version)
    except Stale:
        st.rerun()
    years = options["years"]
    goals = options["goals"]
    known = {
        "plans": set(options["plans"]["plan_id"]),
        "units": set(options["units"]),
        "responsible": set(options["responsible"]),
        "funding": set(options["funding"]),
        "goals": set(goals["key"]),
        "statuses": set(status_order()),
    }
    # The one reading of the clock for a page run: pages and rules take the moment or the day from the context.
    now = datetime.now()
    today = now.date()
    if not st.session_state.get("filters_from_url"):
        # First run of a session: the URL decides (a shared link opens exactly that view).
        from_url = from_query_params({k: st.query_params.get_all(k) for k in st.query_params}, known, years, today)
        if st.query_params.get("asof") and from_url.as_of is None:
            st.session_state["asof_ignored"] = st.query_params.get("asof")
        st.session_state.update(
            f_asof=from_url.as_of or today,
            f_plans=list(from_url.plans),
            f_years=(from_url.year_from, from_url.year_to),
            f_units=list(from_url.units),
            f_responsible=list(from_url.responsible),
            f_funding=list(from_url.funding),
            f_goals=list(from_url.goals),
            f_statuses=list(from_url.statuses),
        )
        st.session_state["filters_from_url"] = True
    for name, value in st.session_state.pop("pending_filters", {}).items():
        st.session_state[f"f_{name}"] = value

    plan_titles = dict(zip(options["plans"]["plan_id"], options["plans"]["title"], strict=True))
    plan_names = plan_display_names(options["plans"])
    goal_titles = dict(zip(goals["key"], goals["title"], strict=True))
    goal_labels = {key: goal_label(key, goal_titles, plan_names, lang, 60) for key in goals["key"]}
    sb = st.sidebar
    sb.header(t("filters", lang))
    all_ = t("f_all", lang)
    sb.multiselect(
        t("f_plans", lang),
        list(plan_titles),
        key="f_plans",
        format_func=lambda p: plan_names.get(p, p),
        placeholder=all_,
        select_all=False,  # Streamlit's "Select all" is English only; an empty filter already means all
        # The options show short names; the tooltip gives each plan's full title.
        help="\n".join(
            f"- **{display.md(plan_names[p])}**: {display.md(title)}"
            for p, title in plan_titles.items()
            if plan_names[p] != title
        )
        or None,
    )
    if years[0] < years[1]:
        sb.slider(t("f_years", lang), years[0], years[1], key="f_years")
    # (widget key and label, choices, how a choice reads)
    for key, choices, label in (
        ("f_units", options["units"], lambda u: stated(u, lang)),
        ("f_responsible", options["responsible"], str),
        ("f_funding", options["funding"], lambda u: stated(u, lang)),
        ("f_goals", list(goal_labels), lambda g: goal_labels.get(g) or str(g)),
        ("f_statuses", status_order(), lambda s: status_label(s, lang)),
    ):
        sb.multiselect(t(key, lang), choices, key=key, format_func=label, placeholder=all_, select_all=False)
    # The as-of day: any day up to today; the earliest choice is the data's first year (or an older day from a link).
    chosen = st.session_state.get("f_asof") or today
    sb.date_input(
        t("f_asof", lang),
        key="f_asof",
        min_value=min(date(years[0], 1, 1), chosen),
        max_value=today,
        format="YYYY-MM-DD",
        help=t("f_asof_help", lang),
    )
    if st.session_state.get("asof_ignored"):
        # Said until another day is chosen: the link asked for a day it does not get.
        if _as_of(st.session_state.get("f_asof"), today) is None:
            sb.caption(t("asof_ignored", lang))
        else:
            del st.session_state["asof_ignored"]
    sb.button(t("f_reset", lang), on_click=_reset, key="f_reset")

    y = st.session_state.get("f_years") or years
    f = Filters(
        plans=tuple(st.session_state["f_plans"]),
        year_from=int(y[0]),
        year_to=int(y[1]),
        units=tuple(st.session_state["f_units"]),
        responsible=tuple(st.session_state["f_responsible"]),
        funding=tuple(st.session_state["f_funding"]),
        goals=with_subgoals(tuple(st.session_state["f_goals"]), goals),
        statuses=tuple(st.session_state["f_statuses"]),
        as_of=_as_of(st.session_state.get("f_asof"), today),
    )
    chosen_goals = tuple(st.session_state["f_goals"])
    params = to_query_params(f.with_(goals=chosen_goals), years)
    if lang == "en":
        params["lang"] = "en"
    # Repeated parameters (?plan=a&plan=b) must be compared whole, not by their last value.
    current = {k: st.query_params.get_all(k) for k in st.query_params}
    wanted = {k: v if isinstance(v, list) else [v] for k, v in params.items()}
    if current != wanted:
        st.query_params.from_dict(params)
    sb.caption(t("f_share", lang))
    colors = unit_colors(options["units"], t("not_stated", lang))
    return Context(db, f, lang, options, version, colors, now, today, f.as_of or today, chosen_goals)


def _as_of(value, today: date) -> date | None:
    """The sidebar's as-of day as a filter value: today (or a cleared field) is None, so the URL stays short."""
    return value if isinstance(value, date) and value < today else None
