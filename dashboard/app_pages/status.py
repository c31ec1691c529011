"""Completion status: by plan, unit and goal; a timeline with the as-of day; what is late or has an unknown status
after its end; status over versions."""

import pandas as pd
import streamlit as st

from dashboard import queries
from dashboard.domain.filters import stated
from dashboard.domain.late import overdue, past_end_table
from dashboard.domain.names import goal_label, short
from dashboard.formats import fmt_date
from dashboard.i18n import t
from dashboard.reports import charts
from dashboard.web import cache, context, render

ctx: context.Context = st.session_state["ctx"]
lang, f = ctx.lang, ctx.filters
st.title(t("page_status", lang))
if ctx.as_of != ctx.today:
    st.caption(t("as_of_caption", lang, day=fmt_date(ctx.as_of, lang)))

by_plan = cache.query(ctx, queries.status_counts, f, "plan")
if by_plan.empty:
    render.empty(render.no_activities(ctx, cache.query(ctx, queries.plan_cards, f)))
    st.stop()
names = context.plan_short(ctx)
goal_titles = dict(zip(ctx.options["goals"]["key"], ctx.options["goals"]["title"], strict=True))


def labelled(df: pd.DataFrame, fn) -> pd.DataFrame:
    return df.assign(label=df["grp"].map(fn))


left, right = st.columns(2)
with left:
    st.subheader(t("status_by_plan", lang))
    render.chart(
        cache.figure(charts.status_bars, labelled(by_plan, lambda p: names.get(p, p)), lang), key="status_plan"
    )
with right:
    st.subheader(t("status_by_unit", lang))
    by_unit = cache.query(ctx, queries.status_counts, f, "unit")
    render.chart(
        cache.figure(charts.status_bars, labelled(by_unit, lambda u: stated(u, lang)), lang),
        key="status_unit",
    )

st.subheader(t("status_by_goal", lang))
by_goal = cache.query(ctx, queries.status_counts, f, "goal")

render.chart(
    cache.figure(charts.status_bars, labelled(by_goal, lambda k: goal_label(k, goal_titles, names, lang, 45)), lang),
    key="status_goal",
)

st.subheader(t("timeline", lang))
timeline = cache.query(ctx, queries.timeline, f)
if timeline.empty:
    render.empty(t("no_dates", lang))
else:
    timeline = timeline.assign(label=[f"{names.get(p, p)} · {a} {short(ti, 40)}" for p, a, ti in zip(
        timeline["plan_id"], timeline["activity_id"], timeline["title"], strict=True)])  # fmt: skip
    render.chart(
        cache.figure(charts.timeline, timeline, lang, ctx.as_of, ctx.as_of != ctx.today), key="status_timeline"
    )

gone = overdue(cache.query(ctx, queries.with_end_date, f), ctx.as_of)


# Long titles and names are cut (in full on hover) so that the end date and the days fit at 1366 pixels.
PAST_END_COLUMNS = {
    t("col_plan", lang): st.column_config.TextColumn(width=200),
    t("col_title", lang): st.column_config.TextColumn(width=230),
    t("col_responsible", lang): st.column_config.TextColumn(width=150),
}


def past_end_section(frame: pd.DataFrame, heading: str, none: str, key: str, days: str, note: str = "") -> None:
    """A heading, an optional note, and the activities past their end, or the text saying there are none."""
    st.subheader(t(heading, lang))
    if note:
        st.caption(t(note, lang))
    if frame.empty:
        render.empty(t(none, lang))
    else:
        table = past_end_table(frame, names, lang, days)
        render.table(table, lang, key=key, width="stretch", column_config=PAST_END_COLUMNS)


past_end_section(gone.late, "overdue", "none_overdue", "status_overdue", "days_late")
past_end_section(
    gone.unknown, "unknown_after_end", "none_unknown", "status_unknown", "days_past_end", note="unknown_after_end_help"
)

st.subheader(t("status_over_time", lang))
history = cache.query(ctx, queries.status_history, f)
if history.empty or history.groupby("plan_id")["version"].nunique().max() < 2:
    render.empty(t("one_version", lang))
else:
    history = history.assign(
        label=[f"{names.get(p, p)} v{v}" for p, v in zip(history["plan_id"], history["version"], strict=True)]
    )
    render.chart(cache.figure(charts.status_over_time, history, lang), key="status_history")
