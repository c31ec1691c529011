"""Plan structure: plan → main goals → sub-goals and activities, activities coloured by status."""

import pandas as pd
import streamlit as st

from dashboard import ui
from dashboard.display import md
from dashboard.i18n import status_label, t

ctx: ui.Context = st.session_state["ctx"]
lang, f = ctx.lang, ctx.filters
st.title(t("page_structure", lang))
st.caption(t("structure_intro", lang))

data = ui.query(ctx, "structure", f)
plans, goals, acts = data["plans"], data["goals"], data["activities"]
if plans.empty:
    ui.empty(t("no_match", lang))
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


names = dict(zip(plans["plan_id"], plans["title"], strict=True))
pid = st.selectbox(t("plan", lang), list(names), key="structure_plan", format_func=lambda p: names[p])
plan_goals = goals[goals["plan_id"] == pid]
plan_acts = acts[acts["plan_id"] == pid]
goal_ids = set(plan_goals["goal_id"])

nodes = [{"id": pid, "parent": "", "label": ui._short(names[pid], 60), "status": None, "hover": names[pid]}]
for g in plan_goals.itertuples(index=False):
    parent = f"{pid}/{g.parent_goal_id}" if isinstance(g.parent_goal_id, str) else pid
    nodes.append({"id": f"{pid}/{g.goal_id}", "parent": parent, "label": f"{g.goal_id} {ui._short(g.title, 60)}",
                  "status": None, "hover": f"{g.goal_id}: {g.title}"})  # fmt: skip
sections: dict[str, int] = {}  # a section's node id is its number: ids are not for text
for a in plan_acts.itertuples(index=False):
    linked = [g for g in ui.as_list(a.goal_ids) if g in goal_ids]
    parents = [f"{pid}/{g}" for g in linked]
    if not parents:
        section = a.section if isinstance(a.section, str) else t("activities_without_goal", lang)
        new = section not in sections
        sections.setdefault(section, len(sections))
        parents = [f"{pid}/§{sections[section]}"]
        if new:
            nodes.append(
                {"id": parents[0], "parent": pid, "label": ui._short(section, 60), "status": None, "hover": section}
            )
    for parent in parents:
        nodes.append({
            "id": f"{parent}/{a.activity_id}", "parent": parent, "label": f"{a.activity_id} {ui._short(a.title, 45)}",
            "status": a.status, "hover": f"{a.activity_id}: {a.title} — {status_label(a.status, lang)}",
        })  # fmt: skip
ui.chart(ui.figure("structure_treemap", pd.DataFrame(nodes), lang), key="structure_treemap")

if plan_acts.empty:
    # A plan may state goals and no activities; with filters set, its activities may all be filtered out.
    cards = ui.query(ctx, "plan_cards", f)
    stated = cards.loc[cards["plan_id"] == pid, "activities_stated"]
    ui.empty(t("plan_no_match" if stated.sum() else "plan_no_activities", lang))
if plan_goals.empty:
    st.caption(t("no_goals_activities", lang))
for g in plan_goals[plan_goals["parent_goal_id"].isna()].itertuples(index=False):
    st.markdown(f"**{md(g.goal_id)}** {md(g.title)}")
    for sub in plan_goals[plan_goals["parent_goal_id"] == g.goal_id].itertuples(index=False):
        st.markdown(f"- {md(sub.goal_id)} {md(sub.title)}")
    linked = plan_acts[plan_acts["goal_ids"].map(lambda ids, gid=g.goal_id: gid in ui.as_list(ids))]
    for a in linked.itertuples(index=False):
        st.markdown(f"  - {badge(a.status)} {md(a.activity_id)} {md(a.title)}")
unlinked = plan_acts[plan_acts["goal_ids"].map(lambda ids: not ui.as_list(ids))]
if not unlinked.empty:
    st.markdown(f"**{t('activities_without_goal', lang)}**")
    for section, rows in unlinked.groupby("section", dropna=False, sort=False):
        if isinstance(section, str):
            st.markdown(f"*{md(section)}*")
        for a in rows.itertuples(index=False):
            st.markdown(f"- {badge(a.status)} {md(a.activity_id)} {md(a.title)}")
