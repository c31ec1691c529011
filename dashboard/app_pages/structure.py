"""Plan structure: plan → main goals → sub-goals and activities, activities coloured by status."""

import streamlit as st

from dashboard import queries
from dashboard.domain.outline import outline
from dashboard.i18n import status_label, status_order, t
from dashboard.reports.display import md
from dashboard.web import cache, context, render

ctx: context.Context = st.session_state["ctx"]
lang, f = ctx.lang, ctx.filters
st.title(t("page_structure", lang))
st.caption(t("structure_intro", lang))

data = cache.query(ctx, queries.structure, f)
plans, goals, acts = data["plans"], data["goals"], data["activities"]
if plans.empty:
    render.empty(t("no_match", lang))
    st.stop()

BADGE = {
    "done": "green",
    "ongoing": "blue",
    "not_started": "gray",
    "postponed": "orange",
    "cancelled": "red",
    "unknown": "gray",
}


def badge(status: str) -> str:
    return f":{BADGE[status]}-badge[{status_label(status, lang)}]"


# An outline rather than a treemap: goals are sentences, and a rector reads them whole; a box sized
# by its number of activities cuts them to a few words, or to nothing.
names = dict(zip(plans["plan_id"], plans["title"], strict=True))
pid = st.selectbox(t("plan", lang), list(names), key="structure_plan", format_func=lambda p: names[p])
roots, unlinked = outline(goals[goals["plan_id"] == pid], acts[acts["plan_id"] == pid])
if acts[acts["plan_id"] == pid].empty:
    render.empty(t("no_match", lang) if not f.with_(plans=()).is_default() else t("structure_no_activities", lang))


def summary(goal) -> str:
    counts = goal.statuses()
    if not counts:
        return t("structure_no_activities", lang)
    parts = [f"{counts[s]} {status_label(s, lang).lower()}" for s in status_order() if s in counts]
    return t("structure_n_activities", lang, n=sum(counts.values())) + ": " + " · ".join(parts)


def activity_lines(activities, indent: str = "") -> list[str]:
    return [f"{indent}- {badge(a.status)} {md(a.activity_id)} {md(a.title)}" for a in activities]


if not roots:
    st.caption(t("no_goals_activities", lang))
for goal in roots:
    with st.container(border=True):
        st.markdown(f"**{md(goal.goal_id)}** {md(goal.title)}")
        st.caption(summary(goal))
        lines = activity_lines(goal.activities)
        for sub in goal.children:
            lines.append(f"- **{md(sub.goal_id)}** {md(sub.title)}")
            lines += activity_lines(sub.activities, "    ")
        if lines:
            st.markdown("\n".join(lines))
if unlinked:
    with st.container(border=True):
        st.markdown(f"**{t('activities_without_goal', lang)}**")
        for section, items in unlinked.items():
            if section:
                st.markdown(f"*{md(section)}*")
            st.markdown("\n".join(activity_lines(items)))
