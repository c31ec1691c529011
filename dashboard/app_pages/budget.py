"""Budget: by year and unit, by funding source, by plan and by goal; IB and amounts without a year apart."""

import pandas as pd
import streamlit as st

from dashboard import queries
from dashboard.domain import followup
from dashboard.domain.budget import spent_reported, use_table, with_use, year_unit_table
from dashboard.domain.names import goal_label
from dashboard.formats import MISSING, NBSP, fmt_int, fmt_tkr
from dashboard.i18n import t
from dashboard.reports import charts
from dashboard.reports.display import md, quote
from dashboard.web import cache, context, render, sidebar

ctx: context.Context = st.session_state["ctx"]
lang, f = ctx.lang, ctx.filters
st.title(t("page_budget", lang))

not_stated = t("not_stated", lang)
no_year = t("no_year_bar", lang)
attribute = st.toggle(t("attribute", lang), key="budget_attribute")
by_year = cache.query(ctx, queries.budget_by_year_unit, f, attribute)
# Plans in view that state no budget at all are named, so an empty chart is not taken for an error.
cards = cache.query(ctx, queries.plan_cards, f)
without = [title for title, n in zip(cards["title"], cards["budget_lines_stated"], strict=True) if not n]
no_budget = t("no_budget", lang) + (
    " " + t("plans_without_budget", lang, plans=", ".join(quote(md(p), lang) for p in without)) if without else ""
)
if by_year.empty:
    render.empty(no_budget)
    st.stop()

by_year = by_year.assign(
    unit=by_year["unit"].fillna(not_stated),
    year_label=by_year["year"].map(lambda y: no_year if pd.isna(y) else str(int(y))),
)
st.subheader(t("by_year_unit", lang))
st.caption(" ".join((t("ib_note", lang), t("unit_fallback", lang), t("click_filters", lang))))
if attribute:
    st.warning(t("attributed_note", lang), icon=":material/warning:")
points = render.chart(
    cache.figure(charts.budget_by_year_unit, by_year, lang, ctx.unit_colors), key="budget_year_unit", selectable=True
)
if points:
    point = points[0]
    unit = (point.get("customdata") or [None, None])[1]
    year = str(point.get("x", ""))
    changes: dict[str, object] = {}
    if unit and unit != not_stated:
        changes["units"] = [unit]
    if year.isdigit():
        changes["years"] = (int(year), int(year))
    if changes:
        sidebar.request_filters(**changes)

# The year's budget per unit and in total; the opening balance in a column of its own, never in the total.
table = year_unit_table(by_year, t("budget", lang), t("ib_series", lang))
st.dataframe(
    table.map(lambda v: fmt_tkr(v, lang) if pd.notna(v) else MISSING).rename_axis(t("year", lang)),
    key="budget_year_table",
)

names = context.plan_short(ctx)

# Budget against money spent (Kostnadsutfall): by year, unit and activity; said outright when none is reported.
st.subheader(t("spent_heading", lang))
per_activity = cache.query(ctx, queries.budget_against_spent, f, "activity")
if not spent_reported(per_activity):
    render.empty(t("spent_none", lang))
else:
    st.caption(t("spent_note", lang))

    tab_year, tab_unit, tab_activity = st.tabs(
        [t("spent_by_year", lang), t("spent_by_unit", lang), t("spent_by_activity", lang)]
    )

    def spent_chart_and_table(by: str, label, heading: str) -> None:
        """Budget against money spent per year or unit: grouped bars, then the same figures as a table."""
        compared = with_use(cache.query(ctx, queries.budget_against_spent, f, by))
        compared = compared.assign(label=compared[by].map(label))
        render.chart(cache.figure(charts.budget_vs_spent, compared, "label", lang), key=f"budget_spent_{by}")
        table = use_table(compared, {heading: compared["label"].tolist()}, lang)
        st.dataframe(table, hide_index=True, key=f"budget_spent_{by}_table")

    with tab_year:
        spent_chart_and_table("year", lambda y: str(int(y)) if pd.notna(y) else no_year, t("year", lang))
    with tab_unit:
        spent_chart_and_table("unit", lambda u: u if isinstance(u, str) else not_stated, t("col_unit", lang))
    with tab_activity:
        what = [
            f"{a} {followup.text(x)}".strip() if isinstance(a, str) else t("plan_level", lang)
            for a, x in zip(per_activity["activity_id"], per_activity["title"], strict=True)
        ]
        first = {t("plan", lang): [names.get(p, p) for p in per_activity["plan_id"]], t("col_activity", lang): what}
        st.dataframe(use_table(per_activity, first, lang), hide_index=True, key="budget_spent_activity_table")

goal_titles = dict(zip(ctx.options["goals"]["key"], ctx.options["goals"]["title"], strict=True))


def goal_text(key) -> str:
    """A goal in the table: its id and full wording."""
    if not isinstance(key, str) or key not in goal_titles:
        return t("no_goal", lang)
    return f"{key.split(':', 1)[1]} {goal_titles[key]}"


def bars_with_table(dimension: str, label, heading: str) -> None:
    """The budget summed per funding source, plan or goal: a bar chart and the same figures as a table."""
    sums = cache.query(ctx, queries.budget_by, f, dimension)
    if sums.empty:
        render.empty(no_budget)
        return
    sums = sums.assign(label=sums["key"].map(label))
    render.chart(cache.figure(charts.budget_bars, sums, "label", lang), key=f"budget_{dimension}")
    amounts = sums["amount_sek"].map(lambda v: fmt_tkr(v, lang))
    st.dataframe(
        pd.DataFrame({heading: sums["label"], t("budget", lang): amounts}),
        hide_index=True,
        key=f"budget_{dimension}_table",
    )


left, right = st.columns(2)
with left:
    st.subheader(t("by_funding", lang))
    bars_with_table("funding", lambda k: k if isinstance(k, str) else not_stated, t("funding", lang))
with right:
    st.subheader(t("by_plan", lang))
    bars_with_table("plan", lambda k: names.get(k, k), t("plan", lang))
st.subheader(t("by_goal", lang))
st.caption(t("by_goal_note", lang))
by_goal = cache.query(ctx, queries.budget_by_goal, f)
if by_goal.empty:
    render.empty(t("no_budget", lang))
else:
    by_goal = by_goal.assign(
        label=[
            goal_label(k, goal_titles, names, lang, 32, plan_id=p)
            for k, p in zip(by_goal["key"], by_goal["plan_id"], strict=True)
        ]
    )
    render.chart(cache.figure(charts.goal_budget, by_goal, lang), key="budget_goal")
    amounts = zip(by_goal["amount_sek"], by_goal["plan_sek"], strict=True)
    percent = "%" if lang == "en" else NBSP + "%"
    shares = [f"{fmt_int(100 * a / p, lang)}{percent}" if p else "–" for a, p in amounts]
    goal_table = pd.DataFrame({
        t("plan", lang): by_goal["plan_id"].map(lambda p: names.get(p, p)),
        t("goal", lang): by_goal["key"].map(goal_text),
        t("col_goal_budget", lang): by_goal["amount_sek"].map(lambda v: fmt_tkr(v, lang)),
        t("col_share_of_plan", lang): shares,
        t("col_plan_budget", lang): by_goal["plan_sek"].map(lambda v: fmt_tkr(v, lang)),
    })  # fmt: skip
    # Amounts and shares in view beside the goal's full wording at 1366 × 768 (the wording is cut last).
    widths = dict(zip(goal_table.columns, (205, 320, 150, 115, 115), strict=True))
    st.dataframe(
        goal_table,
        hide_index=True,
        key="budget_goal_table",
        column_config={c: st.column_config.TextColumn(width=w) for c, w in widths.items()},
    )
