"""Targets against their baselines: the straight path from baseline to target, and the outcomes; the targets
without a path listed with what they lack."""

import pandas as pd
import streamlit as st

from dashboard import queries
from dashboard.domain.targets import (
    goal_text,
    latest_on_path,
    outcomes_of,
    path,
    split_by_path,
    value_year,
    why_no_path,
)
from dashboard.formats import fmt_number
from dashboard.i18n import t
from dashboard.reports import charts
from dashboard.reports.display import md, quote
from dashboard.web import cache, context, render

ctx: context.Context = st.session_state["ctx"]
lang, f = ctx.lang, ctx.filters
st.title(t("page_targets", lang))
st.caption(t("targets_intro", lang))

targets = cache.query(ctx, queries.targets, f)
# A path in the target's own figures, or as an index when only the baseline value is missing.
paths, without = split_by_path(targets)
if targets.empty:
    render.empty(t("no_targets", lang))
    st.stop()
if paths.empty:
    render.empty(t("no_targets", lang))

for row in paths.to_dict("records"):
    with st.container(border=True):
        st.subheader(md(row["name"]))
        st.caption(" · ".join(md(x) for x in (row["plan_title"], row["measure"]) if isinstance(x, str)))
        outcomes = outcomes_of(row, cache.query(ctx, queries.target_values, row["plan_id"], row["target_id"]))
        line = path(row)
        if line is None:  # split_by_path keeps only targets with a path here; a guard for the type checker
            continue
        if line.index:
            st.warning(
                t("baseline_missing", lang, year=line.baseline_year, target=fmt_number(line.target, lang)),
                icon=":material/warning:",
            )
        render.chart(
            cache.figure(charts.target_path, line, outcomes, lang), key=f"targets_{row['plan_id']}_{row['target_id']}"
        )
        if outcomes.empty:
            st.caption(t("no_outcome", lang))
        else:
            verdict = latest_on_path(row, outcomes)
            if verdict is True:
                st.success(t("latest_on_path", lang))
            elif verdict is False:
                st.error(t("latest_below_path", lang))
            render.table(outcomes, lang, key=f"targets_table_{row['plan_id']}_{row['target_id']}")
        if isinstance(row["source_text"], str) and row["source_text"]:
            st.caption(quote(md(row["source_text"]), lang))

if without:
    st.subheader(t("no_path_heading", lang))
    st.caption(t("no_path_intro", lang))

    render.table(
        pd.DataFrame(
            {
                t("col_plan", lang): [context.plan_short(ctx).get(r["plan_id"], r["plan_id"]) for r, _ in without],
                t("col_id", lang): [r["target_id"] for r, _ in without],
                t("diff_name", lang): [r["name"] for r, _ in without],
                t("m_baseline", lang): [value_year(r["baseline_value"], r["baseline_year"], lang) for r, _ in without],
                t("m_target", lang): [goal_text(r, lang) for r, _ in without],
                t("col_missing", lang): [why_no_path(s, lang) for _, s in without],
            }
        ),
        lang,
        key="targets_without_path",
        width="stretch",
        # Plan and name are cut (in full on hover) so that what is missing fits at 1366 pixels.
        column_config={
            t("col_plan", lang): st.column_config.TextColumn(width=190),
            t("diff_name", lang): st.column_config.TextColumn(width=280),
        },
    )
