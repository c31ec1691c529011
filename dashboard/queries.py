"""Every read query of the dashboard: lowercase SQL, bound parameters, filters from one place."""

from __future__ import annotations

import pandas as pd

from dashboard.domain.filters import NO_VALUE, Filters
from loaders import rounds
from loaders.database import Reader, Snapshot
from loaders.diff import PlanDiff, diff_plans
from loaders.publish import read_in
from loaders.rounds import Asked, Progress, Round
from loaders.workbook import PlanData

# Unit strings such as "RUN/KOM" or "SAM/Fakulteter/Program" name several units; filters and
# charts treat each part as a unit of its own.
_UNIT_PARTS = "list_transform(string_split(coalesce({col}, '" + NO_VALUE + "'), '/'), lambda x: trim(x))"


def _activity_clauses(f: Filters, a: str = "a", funding: bool = True) -> tuple[list[str], list]:
    """WHERE clauses for activities aliased `a` (alias chosen by code, never by the user)."""
    clauses: list[str] = []
    params: list = []
    if f.plans:
        clauses.append(f"list_contains(?, {a}.plan_id)")
        params.append(list(f.plans))
    if f.year_from is not None and f.year_to is not None:
        # An activity counts for the period if its dates overlap it; undated ones always count.
        clauses.append(
            f"({a}.start_date is null or {a}.start_date <= make_date(?, 12, 31))"
            f" and ({a}.end_date is null or {a}.end_date >= make_date(?, 1, 1))"
        )
        params += [f.year_to, f.year_from]
    if f.units:
        clauses.append(f"list_has_any({_UNIT_PARTS.format(col=a + '.unit')}, ?)")
        params.append(list(f.units))
    if f.responsible:
        clauses.append(f"list_contains(?, {a}.responsible)")
        params.append(list(f.responsible))
    if f.goals:
        clauses.append(f"list_has_any(list_transform({a}.goal_ids, lambda g: {a}.plan_id || ':' || g), ?)")
        params.append(list(f.goals))
    if f.statuses:
        clauses.append(f"list_contains(?, {a}.status)")
        params.append(list(f.statuses))
    if f.funding and funding:
        clauses.append(
            "exists (select 1 from budget_lines fb where fb.plan_id = "
            f"{a}.plan_id and fb.activity_id = {a}.activity_id"
            f" and list_contains(?, coalesce(fb.funding_source, '{NO_VALUE}')))"
        )
        params.append(list(f.funding))
    return clauses, params


def _where(clauses: list[str]) -> str:
    return ("where " + " and ".join(f"({c})" for c in clauses)) if clauses else ""


def _budget_from(f: Filters, extra: tuple[str, ...] = ()) -> tuple[str, list]:
    """budget_lines b joined to their activity a, filtered. Plan-level lines have no activity:
    a filter on an activity attribute (responsible, goal, status) leaves them out."""
    return _money_from(f, "budget_lines", extra)


# The money tables a query may read: the budget and the money spent (same columns for the filters).
MONEY_TABLES = ("budget_lines", "spent")


def _money_from(f: Filters, table: str, extra: tuple[str, ...] = ()) -> tuple[str, list]:
    """`table` (an allow-listed money table) as b joined to its activity a, filtered (see _budget_from)."""
    if table not in MONEY_TABLES:
        raise ValueError(table)
    clauses: list[str] = []
    params: list = []
    if f.plans:
        clauses.append("list_contains(?, b.plan_id)")
        params.append(list(f.plans))
    if f.year_from is not None:
        clauses.append("b.year is null or b.year between ? and ?")
        params += [f.year_from, f.year_to]
    if f.units:
        clauses.append(f"list_has_any({_UNIT_PARTS.format(col='coalesce(b.unit, a.unit)')}, ?)")
        params.append(list(f.units))
    if f.funding:
        clauses.append(f"list_contains(?, coalesce(b.funding_source, '{NO_VALUE}'))")
        params.append(list(f.funding))
    act, act_params = _activity_clauses(f.with_(plans=(), units=(), funding=(), year_from=None, year_to=None))
    clauses += act + list(extra)
    params += act_params
    sql = f"from {table} b left join activities a using (plan_id, activity_id) {_where(clauses)}"
    return sql, params


# ---------------------------------------------------------------------------- options and metadata


def data_version(db: Reader) -> int:
    """Changes whenever anything is loaded: part of every cache key."""
    return int(db.rows("select coalesce(max(load_id), 0) from loads")[0][0])


def filter_options(db: Reader) -> dict:
    plans = db.query("select plan_id, title, short_name from plans order by plan_id")
    units = db.query(
        f"select distinct unnest({_UNIT_PARTS.format(col='unit')}) as unit from "
        "(select unit from activities union all select unit from budget_lines) order by 1"
    )
    responsible = db.query("select distinct responsible from activities where responsible is not null order by 1")
    funding = db.query(f"select distinct coalesce(funding_source, '{NO_VALUE}') as f from budget_lines order by 1")
    goals = db.query(
        "select g.plan_id || ':' || g.goal_id as key, g.plan_id, g.goal_id, g.title, g.parent_goal_id,"
        " p.title as plan_title"
        " from goals g join plans p using (plan_id) order by g.plan_id, g.sort_order"
    )
    years = db.rows(
        "select min(y), max(y) from (select year as y from budget_lines union all "
        "select year(start_date) from activities union all select year(end_date) from activities "
        "union all select year(period_start) from plans union all select year(period_end) from plans)"
    )[0]
    return {
        "plans": plans,
        "units": units["unit"].tolist(),
        "responsible": responsible["responsible"].tolist(),
        "funding": funding["f"].tolist(),
        "goals": goals,
        "years": (int(years[0] or 2000), int(years[1] or 2000)),
    }


# ---------------------------------------------------------------------------- overview


def plan_cards(db: Reader, f: Filters) -> pd.DataFrame:
    clauses, params = _activity_clauses(f)
    bsql, bparams = _budget_from(f)
    ssql, sparams = _money_from(f, "spent")
    return db.query(
        f"""
        with acts as (select a.plan_id, count(*) as n from activities a {_where(clauses)} group by 1),
        used as (select b.plan_id, sum(b.amount_sek) as spent, count(*) as n {ssql} group by 1),
        money as (
            select b.plan_id,
                   sum(case when b.kind = 'budget' and b.year is not null then b.amount_sek end) as budget,
                   sum(case when b.kind = 'budget' and b.year is null then b.amount_sek end) as no_year,
                   sum(case when b.kind = 'opening_balance' then b.amount_sek end) as opening_balance
            {bsql} group by 1
        )
        select p.plan_id, p.title, p.period_start, p.period_end, p.owner, p.version, p.loaded_at,
               coalesce(acts.n, 0) as activities, coalesce(money.budget, 0) as budget,
               coalesce(money.no_year, 0) as no_year, coalesce(money.opening_balance, 0) as opening_balance,
               -- money spent in scope, and how many figures: none means "nothing reported", not 0 kr
               coalesce(used.spent, 0) as spent, coalesce(used.n, 0) as spent_rows,
               (select count(*) from goals g where g.plan_id = p.plan_id) as goals,
               (select count(*) from targets t where t.plan_id = p.plan_id) as targets,
               -- whatever the filters: does the plan state any activities, any budget at all?
               (select count(*) from activities a2 where a2.plan_id = p.plan_id) as activities_stated,
               (select count(*) from budget_lines b2 where b2.plan_id = p.plan_id) as budget_lines_stated
        from plans p left join acts using (plan_id) left join money using (plan_id) left join used using (plan_id)
        {"where list_contains(?, p.plan_id)" if f.plans else ""}
        order by p.period_start nulls last, p.plan_id
        """,
        params + sparams + bparams + ([list(f.plans)] if f.plans else []),
    )


def status_counts(db: Reader, f: Filters, by: str = "plan") -> pd.DataFrame:
    """Activities per status, grouped by plan, unit or main goal (an allow-listed grouping)."""
    group = {
        "plan": "a.plan_id as grp",
        "unit": f"unnest({_UNIT_PARTS.format(col='a.unit')}) as grp",
        "goal": "unnest(case when len(a.goal_ids) = 0 then [null] else "
        "list_transform(a.goal_ids, lambda g: a.plan_id || ':' || g) end) as grp",
    }[by]
    clauses, params = _activity_clauses(f)
    return db.query(
        f"select grp, status, count(*) as n from (select {group}, a.status from activities a {_where(clauses)})"
        " group by all order by grp, status",
        params,
    )


# ---------------------------------------------------------------------------- budget


def budget_by_year_unit(db: Reader, f: Filters, attribute: bool = False) -> pd.DataFrame:
    """Sums per (series, year, unit). series: budget, opening_balance (IB, never part of a year's
    budget) or attributed (an amount without a year shown in its activity's start year, on request)."""
    sql, params = _budget_from(f, ("b.amount_sek is not null",))
    moved = "b.kind = 'budget' and b.year is null and ? and a.start_date is not null"
    return db.query(
        f"""
        select case when b.kind = 'opening_balance' then 'opening_balance'
                    when {moved} then 'attributed' else 'budget' end as series,
               case when {moved} then year(a.start_date) else b.year end as year,
               coalesce(b.unit, a.unit) as unit,
               sum(b.amount_sek) as amount_sek
        {sql}
        group by all order by year nulls last, unit
        """,
        [attribute, attribute, *params],
    )


BUDGET_DIMENSIONS = {  # allow-list: the page picks a key, never a column
    "funding": "b.funding_source",
    "plan": "b.plan_id",
}


def budget_by(db: Reader, f: Filters, dimension: str) -> pd.DataFrame:
    """The budget (kind budget, any year) summed per funding source or plan (each amount once)."""
    sql, params = _budget_from(f, ("b.kind = 'budget'", "b.amount_sek is not null"))
    return db.query(
        f"""
        select key, sum(amount_sek) as amount_sek from (
            select {BUDGET_DIMENSIONS[dimension]} as key, b.amount_sek
            {sql}
        ) group by all order by amount_sek desc
        """,
        params,
    )


def budget_by_goal(db: Reader, f: Filters) -> pd.DataFrame:
    """Per plan and goal, the budget of the activities serving the goal, beside the plan's whole budget.

    An activity serving several goals counts in full under each, so a plan's goal amounts overlap and
    do not add up to its budget; key is NULL for amounts of activities without a goal and of the plan
    itself. Columns: plan_id, key ("plan:goal" or NULL), amount_sek, plan_sek.
    """
    sql, params = _budget_from(f, ("b.kind = 'budget'", "b.amount_sek is not null"))
    return db.query(
        f"""
        with lines as (select b.plan_id, a.goal_ids, b.amount_sek {sql}),
        per_goal as (
            select plan_id, amount_sek,
                   unnest(case when len(coalesce(goal_ids, [])) = 0 then [null]
                          else list_transform(goal_ids, lambda g: plan_id || ':' || g) end) as key
            from lines
        ),
        plan_total as (select plan_id, sum(amount_sek) as plan_sek from lines group by 1)
        select g.plan_id, g.key, sum(g.amount_sek) as amount_sek, any_value(p.plan_sek) as plan_sek
        from per_goal g join plan_total p using (plan_id)
        group by g.plan_id, g.key
        order by g.plan_id, g.key is null, amount_sek desc, g.key
        """,
        params,
    )


# Budget against money spent, grouped by an allow-listed key: the SQL expressions and the columns they become.
SPENT_GROUPS = {
    "year": (("b.year", "year"),),
    "unit": (("coalesce(b.unit, a.unit)", "unit"),),
    "activity": (("b.plan_id", "plan_id"), ("b.activity_id", "activity_id")),
}


def budget_against_spent(db: Reader, f: Filters, by: str) -> pd.DataFrame:
    """The budget (kind budget; by year: only lines with a year) and the money spent, summed per year, unit
    (as the rows state it, else their activity's) or activity (NULL activity: the plan's own lines).

    Columns: the group's columns, budget_sek, spent_sek (NULL where none); by activity also title.
    Opening balances are never budget here, as nowhere."""
    group = SPENT_GROUPS[by]
    extra = ("b.kind = 'budget'", "b.amount_sek is not null") + (("b.year is not null",) if by == "year" else ())
    bsql, bparams = _money_from(f, "budget_lines", extra)
    ssql, sparams = _money_from(f, "spent", ("b.amount_sek is not null",))
    keys = ", ".join(f"{expr} as {name}" for expr, name in group)
    names = [name for _, name in group]
    # NULL keys (no year stated, no unit, plan level) match each other: "is not distinct from", never "=".
    on = " and ".join(f"bud.{n} is not distinct from sp.{n}" for n in names)
    cols = ", ".join(f"coalesce(bud.{n}, sp.{n}) as {n}" for n in names)
    title = ", a2.title" if by == "activity" else ""
    join = (
        "left join activities a2 on a2.plan_id = m.plan_id and a2.activity_id = m.activity_id"
        if by == "activity"
        else ""
    )
    order = "m.plan_id, a2.sort_order nulls first" if by == "activity" else f"m.{names[0]} nulls last"
    return db.query(
        f"""
        with bud as (select {keys}, sum(b.amount_sek) as budget_sek {bsql} group by all),
        sp as (select {keys}, sum(b.amount_sek) as spent_sek {ssql} group by all),
        m as (select {cols}, bud.budget_sek, sp.spent_sek from bud full outer join sp on {on})
        select m.*{title} from m {join} order by {order}
        """,
        bparams + sparams,
    )


# ---------------------------------------------------------------------------- activities


SORTS = {  # the activities table's sort choices: UI labels map to these keys only
    "plan": "a.plan_id, a.sort_order",
    "start": "a.start_date nulls last, a.plan_id, a.sort_order",
    "end": "a.end_date nulls last, a.plan_id, a.sort_order",
    "budget": "budget_sek desc nulls last, a.plan_id, a.sort_order",
    "status": "a.status, a.plan_id, a.sort_order",
}


def activities(db: Reader, f: Filters, search: str = "", sort: str = "plan") -> pd.DataFrame:
    clauses, params = _activity_clauses(f)
    if search.strip():
        # What is typed is matched literally: % and _ are escaped, and the escape character is named
        # (DuckDB's LIKE has none by default: "50%" looked for "50" and a backslash, and found nothing).
        columns = ("a.title", "a.description", "a.activity_id", "a.responsible", "a.unit", "p.title")
        clauses.append(" or ".join(f"{c} ilike ? escape '\\'" for c in columns))
        like = "%" + search.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        params += [like] * len(columns)
    order = SORTS.get(sort, SORTS["plan"])
    return db.query(
        f"""
        select a.plan_id, p.title as plan_title, a.activity_id, a.title, a.responsible, a.unit, a.status,
               a.start_date, a.end_date, a.source_text as period_text, a.goal_ids,
               (select sum(b.amount_sek) from budget_lines b where b.plan_id = a.plan_id
                 and b.activity_id = a.activity_id and b.kind = 'budget') as budget_sek,
               a.status_note, a.section
        from activities a join plans p using (plan_id)
        {_where(clauses)}
        order by {order}
        """,
        params,
    )


def activity_detail(db: Reader, plan_id: str, activity_id: str) -> dict[str, pd.DataFrame]:
    key = [plan_id, activity_id]
    return {
        "activity": db.query("select * from activities where plan_id = ? and activity_id = ?", key),
        "goals": db.query(
            "select g.goal_id, g.title from activities a, unnest(a.goal_ids) as u(goal_id)"
            " join goals g on g.plan_id = a.plan_id and g.goal_id = u.goal_id"
            " where a.plan_id = ? and a.activity_id = ?",
            key,
        ),
        "budget": db.query(
            "select year, kind, unit, funding_source, amount_sek, source_text, note from budget_lines"
            " where plan_id = ? and activity_id = ? order by line_no",
            key,
        ),
        "targets": db.query(
            "select name, measure, region, baseline_year, baseline_value, target_year, target_value,"
            " target_change_pct, source_text from targets where plan_id = ? and activity_id = ?",
            key,
        ),
        "history": db.query(
            "select h.version, h.loaded_at, h.status, l.file_name, l.loaded_by from status_history h"
            " join loads l using (plan_id, version) where h.plan_id = ? and h.activity_id = ? order by h.version",
            key,
        ),
    }


def timeline(db: Reader, f: Filters) -> pd.DataFrame:
    clauses, params = _activity_clauses(f)
    return db.query(
        f"""
        select a.plan_id, p.title as plan_title, a.activity_id, a.title, a.status, a.start_date, a.end_date,
               p.period_end, a.unit
        from activities a join plans p using (plan_id)
        {_where([*clauses, "a.start_date is not null or a.end_date is not null"])}
        order by a.plan_id, a.start_date nulls last, a.sort_order
        """,
        params,
    )


def with_end_date(db: Reader, f: Filters) -> pd.DataFrame:
    """Filtered activities that have an end date, earliest end first: what overdue judges as of a day."""
    clauses, params = _activity_clauses(f)
    clauses.append("a.end_date is not null")
    return db.query(
        f"""
        select a.plan_id, p.title as plan_title, a.activity_id, a.title, a.responsible, a.status, a.end_date
        from activities a join plans p using (plan_id) {_where(clauses)}
        order by a.end_date, a.plan_id, a.sort_order
        """,
        params,
    )


def status_history(db: Reader, f: Filters) -> pd.DataFrame:
    clauses, params = _activity_clauses(f)
    return db.query(
        f"""
        select h.plan_id, h.version, h.loaded_at, h.status, count(*) as n
        from status_history h
        where (h.plan_id, h.activity_id) in (select (a.plan_id, a.activity_id) from activities a {_where(clauses)})
        group by all order by h.plan_id, h.version, h.status
        """,
        params,
    )


def structure(db: Reader, f: Filters) -> dict[str, pd.DataFrame]:
    clauses, params = _activity_clauses(f)
    plan_clause = "where list_contains(?, plan_id)" if f.plans else ""
    plan_params = [list(f.plans)] if f.plans else []
    return {
        "plans": db.query(f"select plan_id, title from plans {plan_clause} order by plan_id", plan_params),
        "goals": db.query(
            f"select plan_id, goal_id, parent_goal_id, title, sort_order from goals {plan_clause}"
            " order by plan_id, sort_order",
            plan_params,
        ),
        "activities": db.query(
            f"select a.plan_id, a.activity_id, a.title, a.status, a.goal_ids, a.section, a.sort_order"
            f" from activities a {_where(clauses)} order by a.plan_id, a.sort_order",
            params,
        ),
    }


# ---------------------------------------------------------------------------- targets


def targets(db: Reader, f: Filters) -> pd.DataFrame:
    """Targets with their latest outcome (as of f.as_of: of a year up to the as-of day's); activity filters
    apply through the target's activity."""
    clauses: list[str] = []
    params: list = []
    if f.plans:
        clauses.append("list_contains(?, t.plan_id)")
        params.append(list(f.plans))
    if f.year_from is not None:
        clauses.append("t.target_year is null or t.target_year between ? and ?")
        params += [f.year_from, f.year_to]
    if f.goals:
        clauses.append(
            "list_contains(?, t.plan_id || ':' || t.goal_id) or "
            "list_has_any(list_transform(a.goal_ids, lambda g: t.plan_id || ':' || g), ?)"
        )
        params += [list(f.goals), list(f.goals)]
    act, act_params = _activity_clauses(
        f.with_(plans=(), goals=(), year_from=None, year_to=None, funding=()), funding=False
    )
    clauses += act
    params += act_params
    return db.query(
        f"""
        with latest as (
            select plan_id, target_id, region, year, value,
                   row_number() over (partition by plan_id, target_id, region order by year desc) as rn
            from target_values where ?::int is null or year <= ?
        )
        select t.*, p.title as plan_title, p.period_start, a.title as activity_title,
               l.year as outcome_year, l.value as outcome
        from targets t join plans p using (plan_id)
        left join activities a using (plan_id, activity_id)
        left join latest l on l.plan_id = t.plan_id and l.target_id = t.target_id
             and l.region is not distinct from t.region and l.rn = 1
        {_where(clauses)}
        order by t.plan_id, a.sort_order nulls first, t.target_id
        """,
        [*([f.as_of.year if f.as_of else None] * 2), *params],
    )


def target_values(db: Reader, plan_id: str, target_id: str) -> pd.DataFrame:
    return db.query(
        "select year, region, value, source_text from target_values where plan_id = ? and target_id = ? order by year",
        [plan_id, target_id],
    )


# ---------------------------------------------------------------------------- history


def plan_versions(db: Reader, plan_id: str) -> pd.DataFrame:
    """Every version of a plan, newest first: who, when, which file, what it changed."""
    return db.query(
        """
        select version, loaded_at, loaded_by, role, action, file_name, file_sha256, note, changes
        from loads where plan_id = ? order by version desc
        """,
        [plan_id],
    )


def version_diff(db: Snapshot, plan_id: str, version: int) -> PlanDiff:
    """What a version changed against the one before it (the first version: everything is new)."""
    new = read_in(db, plan_id, version)
    old = read_in(db, plan_id, version - 1) if version > 1 else None
    return diff_plans(old, new)


def same_content(db: Snapshot, plan_id: str, version: int, other: int) -> bool:
    """Whether publishing one version again over the other would change nothing (the rule an upload
    identical to the published plan is refused by)."""
    return diff_plans(read_in(db, plan_id, other), read_in(db, plan_id, version)).is_empty()


def version_activities(db: Reader, plan_id: str, version: int) -> pd.DataFrame:
    return db.query(
        """
        select a.activity_id, a.title, a.responsible, a.unit, a.start_date, a.end_date,
               coalesce(s.status, 'unknown') as status
        from activity_rev a
        left join activity_status_rev s using (plan_id, version, activity_id)
        where a.plan_id = ? and a.version = ?
        order by a.row_no
        """,
        [plan_id, version],
    )


def version_budget(db: Reader, plan_id: str, version: int) -> pd.DataFrame:
    """Budget per year and kind in one version (amounts without a year as year null)."""
    return db.query(
        """
        select year, kind, sum(amount_sek) as amount_sek, count(*) as lines
        from budget_line_rev where plan_id = ? and version = ?
        group by year, kind order by year nulls last, kind
        """,
        [plan_id, version],
    )


# ---------------------------------------------------------------------------- follow-up meetings


def _scope_plans(db: Reader, f: Filters) -> list[str]:
    rows = db.rows("select plan_id from plans order by plan_id")
    return [r[0] for r in rows if not f.plans or r[0] in f.plans]


def activities_in_scope(db: Reader, f: Filters) -> set[tuple[str, str]]:
    """(plan_id, activity_id) of the activities a meeting's changes are narrowed to (domain.changes)."""
    # Units and responsible narrow the meeting to activities; years and statuses do not (a change
    # since the last meeting matters whatever the activity's status is now).
    clauses, params = _activity_clauses(f.with_(year_from=None, year_to=None, statuses=(), funding=()), funding=False)
    rows = db.rows(f"select a.plan_id, a.activity_id from activities a {_where(clauses)}", params)
    return {(r[0], r[1]) for r in rows}


def plans_compared(db: Snapshot, since, f: Filters, until=None) -> list[tuple[str, PlanData | None, PlanData | None]]:
    """Per plan in scope whose version changed after `since`: (plan_id, the version current at `since`, the one
    current at `until` (None: the latest)). A plan first published after `since` has no earlier version and
    its later one is not read (None, None): the plan itself is the news (domain.changes)."""
    out: list[tuple[str, PlanData | None, PlanData | None]] = []
    for plan_id in _scope_plans(db, f):
        current = db.rows(
            "select max(version) from load_log where plan_id = ? and (?::timestamp is null or loaded_at <= ?)",
            [plan_id, until, until],
        )[0][0]
        before = db.rows("select max(version) from load_log where plan_id = ? and loaded_at <= ?", [plan_id, since])[0][
            0
        ]
        if before == current or current is None:
            continue
        if before is None:
            out.append((plan_id, None, None))
            continue
        out.append((plan_id, read_in(db, plan_id, before), read_in(db, plan_id, current)))
    return out


def versions_since(db: Reader, since, f: Filters, until=None) -> pd.DataFrame:
    """Versions published after `since` and up to `until` (None: up to now)."""
    plans = _scope_plans(db, f)
    return db.query(
        """
        select plan_id, version, loaded_at, loaded_by, action, file_name
        from loads where loaded_at > ? and (?::timestamp is null or loaded_at <= ?) and list_contains(?, plan_id)
        order by loaded_at
        """,
        [since, until, until, plans],
    )


def stale_activities(db: Reader, f: Filters, cutoff, until=None) -> pd.DataFrame:
    """Activities not done whose content and status have not changed since before `cutoff`, looking only at
    versions published up to `until` (None: all); one first published after `until` is not stale then."""
    clauses, params = _activity_clauses(f)
    clauses.append("a.status not in ('done', 'cancelled')")
    return db.query(
        f"""
        with rev as (
            select r.plan_id, r.version, r.activity_id, l.loaded_at,
                   md5(concat_ws('|', r.title, r.description, r.responsible, r.unit, r.start_date::varchar,
                       r.end_date::varchar, r.period_text, r.note, coalesce(s.status, 'unknown'),
                       s.status_note, s.as_of::varchar)) as h
            from activity_rev r join load_log l using (plan_id, version)
            left join activity_status_rev s using (plan_id, version, activity_id)
            where ?::timestamp is null or l.loaded_at <= ?
        ), marked as (
            select *, lag(h) over (partition by plan_id, activity_id order by version) as prev from rev
        ), last_change as (
            select plan_id, activity_id, max(loaded_at) filter (where prev is null or prev <> h) as changed_at
            from marked group by plan_id, activity_id
        )
        select a.plan_id, p.title as plan_title, a.activity_id, a.title, a.responsible, a.status,
               c.changed_at::date as last_update
        from activities a join plans p using (plan_id)
        join last_change c using (plan_id, activity_id)
        {_where(clauses)} and c.changed_at::date < ?
        order by c.changed_at, a.plan_id, a.sort_order
        """,
        [until, until, *params, cutoff],
    )


def meeting_list(db: Reader) -> pd.DataFrame:
    return db.query(
        "select meeting_id, held_on, title, participants, scope, created_by from meetings"
        " order by held_on desc, meeting_id desc"
    )


_ITEMS = """
    select i.item_id, i.meeting_id, i.held_on, m.title as meeting_title, i.plan_id, i.activity_id, i.target_id,
           coalesce(a.title, t.name) as about, i.kind, i.text, i.owner, i.due, i.status, i.closed_on,
           i.created_by
    from meeting_items i join meetings m using (meeting_id)
    left join activities a on a.plan_id = i.plan_id and a.activity_id = i.activity_id
    left join targets t on t.plan_id = i.plan_id and t.target_id = i.target_id
"""


def open_actions(db: Reader, f: Filters) -> pd.DataFrame:
    """Open action items from every meeting so far, in scope: they carry over until closed."""
    plans = _scope_plans(db, f)
    return db.query(
        _ITEMS + " where i.kind = 'action' and i.status = 'open' and list_contains(?, i.plan_id)"
        " order by i.due nulls last, i.held_on, i.item_id",
        [plans],
    )


def meeting_items(db: Reader, meeting_id: int) -> pd.DataFrame:
    return db.query(_ITEMS + " where i.meeting_id = ? order by i.item_id", [meeting_id])


def items_since(db: Reader, since, f: Filters, until=None) -> pd.DataFrame:
    """Notes, decisions and actions recorded in meetings held after `since` and up to `until` (None: any later
    day): this meeting's record."""
    plans = _scope_plans(db, f)
    return db.query(
        _ITEMS + " where i.held_on > ?::date and (?::date is null or i.held_on <= ?::date)"
        " and list_contains(?, i.plan_id) order by i.held_on, i.item_id",
        [since, until, until, plans],
    )


def activity_items(db: Reader, plan_id: str, activity_id: str) -> pd.DataFrame:
    return db.query(
        _ITEMS + " where i.plan_id = ? and i.activity_id = ? order by i.held_on desc, i.item_id",
        [plan_id, activity_id],
    )


def rounds_list(db: Reader) -> list[Round]:
    """Every follow-up round, open ones first (loaders.rounds)."""
    return rounds.list_rounds(db)


def round_progress(db: Reader, round_id: int) -> list[Progress]:
    """Per responsible: what the round asks, what has been reported, what is missing (loaders.rounds)."""
    return rounds.completeness(db, round_id)


def round_missing(db: Reader, round_id: int) -> dict[str, list[Asked]]:
    return rounds.missing_by_responsible(db, round_id)


def latest_round(db: Reader) -> Round | None:
    return rounds.latest_round(db)


def round_reported_between(db: Reader, round_id: int, since, until) -> int:
    return rounds.reported_between(db, round_id, since, until)


def plan_rows(db: Reader, plan_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A plan's activities (id, title, unit, responsible, status, comment) and targets (id, name, activity) as
    the report form lists them."""
    activities = db.query(
        "select activity_id, title, unit, responsible, status, status_note from activities where plan_id = ?"
        " order by sort_order",
        [plan_id],
    )
    targets = db.query(
        "select t.target_id, t.name, t.region, t.activity_id, a.unit, a.responsible from targets t"
        " left join activities a on a.plan_id = t.plan_id and a.activity_id = t.activity_id"
        " where t.plan_id = ? order by t.target_id",
        [plan_id],
    )
    return activities, targets


def gap_inputs(db: Reader, plan_ids: tuple[str, ...] | None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The rows domain.gaps.find reads, for some plans (None: every plan)."""
    plans = list(plan_ids) if plan_ids is not None else None
    where = "where (?::varchar[] is null or list_contains(?, {t}.plan_id))"
    activities = db.query(
        "select plan_id, activity_id, title, responsible, unit, start_date, end_date, status from activities a "
        + where.format(t="a")
        + " order by plan_id, sort_order",
        [plans, plans],
    )
    targets = db.query(
        "select plan_id, target_id, name, part_of, baseline_value, target_year, target_value, target_change_pct"
        " from targets t " + where.format(t="t") + " order by plan_id, target_id",
        [plans, plans],
    )
    budget = db.query(
        "select b.plan_id, b.activity_id, b.line_no, b.year, b.unit, a.unit as activity_unit, b.funding_source"
        " from budget_lines b left join activities a on a.plan_id = b.plan_id and a.activity_id = b.activity_id "
        + where.format(t="b")
        + " order by b.plan_id, b.line_no",
        [plans, plans],
    )
    return activities, targets, budget
