"""Streamlit glue shared by the pages: connection, cached queries, filters in the sidebar and the URL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from types import FunctionType

import duckdb
import pandas as pd
import streamlit as st

from dashboard import queries
from dashboard.domain.filters import NO_VALUE, Filters, from_query_params, to_query_params
from dashboard.domain.names import plan_display_names
from dashboard.i18n import status_label, status_order, t
from dashboard.reports import display
from dashboard.reports.charts import unit_colors
from loaders.database import ROOT, Database, default_db_path
from loaders.problems import WorkbookInvalid

_build_lock = threading.Lock()  # one build at a time, whichever session starts it (no user data)


@dataclass
class Context:
    db: Database
    filters: Filters
    lang: str
    options: dict
    version: int
    unit_colors: dict[str, str]
    today: date  # the calendar day: when a meeting is held, a file is named
    as_of: date  # the day the plans are followed up as of (filters.as_of, or today): late, at risk, stale, changes


# ---------------------------------------------------------------------------- database


def ensure_database(lang: str) -> None:
    """On a fresh checkout there is no database: build it from data/, showing progress."""
    path = default_db_path()
    if path.exists():
        return
    from loaders.service import build

    with _build_lock:
        if path.exists():
            return
        with st.status(t("building_db", lang), expanded=True) as status:
            try:
                build(ROOT / "data", path, progress=lambda m: status.write(step_text(m, lang)))
            except WorkbookInvalid as exc:
                status.update(state="error")
                st.error(t("db_invalid", lang))
                table(pd.DataFrame([p.as_row(lang) for p in exc.problems]), lang)
                st.stop()
            status.update(label=t("built_db", lang), state="complete", expanded=False)


def step_text(step, lang: str) -> str:
    """A loader's progress line in the UI's language (shown as text: it holds file and sheet names)."""
    return display.md(step.text(lang) if hasattr(step, "text") else step)


@st.cache_resource(show_spinner=False)
def _database(path: str) -> Database:
    # One connection for all sessions, and the only one this process opens: DuckDB lets one
    # process write a file, so readers and the editors' publishes share it. Every query opens its
    # own cursor; publishes are serialised in loaders.publish.
    return Database(path)


def database(lang: str) -> Database:
    try:
        return _database(str(default_db_path()))
    except duckdb.IOException:
        st.error(t("db_unavailable", lang))
        st.stop()


# ---------------------------------------------------------------------------- cached queries
# Results are shared by all users (st.cache_data); the data version is part of every key, so a
# new load is seen at once. Filters are immutable values and part of the key too.


class _Stale(Exception):
    """The data changed after this run read its version; its results would mix two versions."""


def _function_key(fn: FunctionType) -> str:
    # Streamlit cannot hash a function; a query or a chart builder is known by its qualified name.
    return f"{fn.__module__}.{fn.__qualname__}"


@st.cache_data(show_spinner=False, max_entries=500, hash_funcs={FunctionType: _function_key})
def cached(fn: Callable, db_path: str, version: int, *args):
    # fn is always a function of dashboard.queries named in a page, never user input. The query runs in
    # one snapshot that must still be `version`: a result is never cached under a version it does not
    # belong to.
    with _database(db_path).snapshot() as snap:
        if queries.data_version(snap) != version:
            raise _Stale
        return fn(snap, *args)


def fresh(ctx: Context, fn: Callable, *args):
    """Uncached: meeting records change without a new data version, and their tables are small."""
    with ctx.db.snapshot() as snap:
        return fn(snap, *args)


def query(ctx: Context, fn: Callable, *args):
    try:
        return cached(fn, str(ctx.db.path), ctx.version, *args)
    except _Stale:
        # A publish landed during this run: start over, so the page shows the new version whole
        # rather than half of each.
        st.rerun()


# ---------------------------------------------------------------------------- filters


_KEYS = ("f_plans", "f_years", "f_units", "f_responsible", "f_funding", "f_goals", "f_statuses", "f_asof")


def request_filters(**changes) -> None:
    """Change filters from a page (e.g. a clicked bar): applied before the widgets on the next run."""
    st.session_state["pending_filters"] = changes
    st.rerun()


def _reset() -> None:
    for key in _KEYS:
        st.session_state.pop(key, None)
    st.session_state["filters_from_url"] = False


def sidebar(db: Database, lang: str) -> Context:
    version = queries.data_version(db)
    try:
        options = cached(queries.filter_options, str(db.path), version)
    except _Stale:
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
    today = date.today()
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
    goal_labels = {
        r.key: f"{plan_names.get(r.plan_id, r.plan_id)} · {r.goal_id} {_short(r.title, 60)}"
        for r in goals.itertuples(index=False)
    }
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
        ("f_units", options["units"], lambda u: _not_stated(u, lang)),
        ("f_responsible", options["responsible"], str),
        ("f_funding", options["funding"], lambda u: _not_stated(u, lang)),
        ("f_goals", list(goal_labels), lambda g: goal_labels.get(g, g)),
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
        goals=_with_subgoals(tuple(st.session_state["f_goals"]), goals),
        statuses=tuple(st.session_state["f_statuses"]),
        as_of=_as_of(st.session_state.get("f_asof"), today),
    )
    params = to_query_params(f.with_(goals=tuple(st.session_state["f_goals"])), years)
    if lang == "en":
        params["lang"] = "en"
    # Repeated parameters (?plan=a&plan=b) must be compared whole, not by their last value.
    current = {k: st.query_params.get_all(k) for k in st.query_params}
    wanted = {k: v if isinstance(v, list) else [v] for k, v in params.items()}
    if current != wanted:
        st.query_params.from_dict(params)
    sb.caption(t("f_share", lang))
    colors = unit_colors(options["units"], t("not_stated", lang))
    return Context(db, f, lang, options, version, colors, today, f.as_of or today)


def _as_of(value, today: date) -> date | None:
    """The sidebar's as-of day as a filter value: today (or a cleared field) is None, so the URL stays short."""
    return value if isinstance(value, date) and value < today else None


def _with_subgoals(selected: tuple[str, ...], goals: pd.DataFrame) -> tuple[str, ...]:
    """Choosing a main goal also matches what is linked to its sub-goals."""
    if not selected:
        return ()
    keys = set(selected)
    children = goals[goals["parent_goal_id"].notna()]
    for r in children.itertuples(index=False):
        if f"{r.plan_id}:{r.parent_goal_id}" in keys:
            keys.add(r.key)
    return tuple(sorted(keys))


def as_list(value) -> list:
    """A DuckDB list cell as a plain list: None, NA and empty arrays all become []."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return []
    return list(value)


def _not_stated(value: str, lang: str) -> str:
    return t("not_stated", lang) if value == NO_VALUE else value


def _short(text: str, n: int = 28) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def plan_short(ctx: Context) -> dict[str, str]:
    """plan_id → the plan's display name where space is short (charts, tables, the pack)."""
    return plan_display_names(ctx.options["plans"])


# ---------------------------------------------------------------------------- rendering helpers


def table(df: pd.DataFrame, lang: str, key: str | None = None, plain: tuple[str, ...] = (), **kwargs) -> None:
    """Every table on every page: labelled columns, labels for codes, "—" for missing, numbers in the UI's
    format (display.table)."""
    st.dataframe(display.table(df, lang, plain), hide_index=kwargs.pop("hide_index", True), key=key, **kwargs)


def no_activities(ctx: Context, cards: pd.DataFrame) -> str:
    """Why no activity is in view: the plans chosen list none (say which), or the filters leave none."""
    if not cards.empty and not cards["activities_stated"].any():
        plans = ", ".join(display.quote(display.md(p), ctx.lang) for p in cards["title"])
        return t("plans_without_activities", ctx.lang, plans=plans)
    return t("no_match", ctx.lang)


def empty(message: str) -> None:
    st.info(message, icon=":material/info:")


@st.cache_resource(show_spinner=False, max_entries=300, hash_funcs={FunctionType: _function_key})
def _built_figure(builder: Callable, *args):
    # Building a plotly figure validates every trace (tens of ms a chart). The built figure is
    # shared as it is, not copied: no figure is ever changed after it is built.
    return builder(*args)


def figure(builder: Callable, *args):
    """A chart from a builder of dashboard.reports.charts, built once per distinct input."""
    return _built_figure(builder, *args)


def chart(fig, key: str, selectable: bool = False):
    """Render a figure; with selectable=True a click returns the selected points."""
    config = {"displaylogo": False}
    if selectable:
        event = st.plotly_chart(fig, key=key, on_select="rerun", selection_mode=("points",), config=config)
        return (
            (event or {}).get("selection", {}).get("points", []) if isinstance(event, dict) else event.selection.points
        )
    st.plotly_chart(fig, key=key, config=config)
    return []
