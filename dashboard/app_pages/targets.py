"""Targets against their baselines: the straight path from baseline to target, and the outcomes; the targets
without a path listed with what they lack."""

import pandas as pd
import streamlit as st

from dashboard import queries
from dashboard.domain.targets import on_path, target_state, why_no_path
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
states = [target_state(r) for _, r in targets.iterrows()]
# A path in the target's own figures, or as an index when only the baseline value is missing.
drawn = pd.Series([s.path or s.index_path for s in states], index=targets.index, dtype=bool)
paths = targets[drawn] if not targets.empty else targets
if targets.empty:
    render.empty(t("no_targets", lang))
    st.stop()
if paths.empty:
    render.empty(t("no_targets", lang))

for target in paths.itertuples(index=False):
    row = pd.Series(target._asdict())
    with st.container(border=True):
        st.subheader(md(row["name"]))
        st.caption(" · ".join(md(x) for x in (row["plan_title"], row["measure"]) if isinstance(x, str)))
        outcomes = cache.query(ctx, queries.target_values, row["plan_id"], row["target_id"])
        if pd.notna(row["region"]):
            outcomes = outcomes[outcomes["region"] == row["region"]]
        else:
            outcomes = outcomes[outcomes["region"].isna()]
        if pd.isna(row["baseline_value"]):
            goal = 100 + float(row["target_change_pct"])
            st.warning(
                t("baseline_missing", lang, year=int(row["baseline_year"]), target=fmt_number(goal, lang)),
                icon=":material/warning:",
            )
        render.chart(
            cache.figure(charts.target_path, row, outcomes, lang), key=f"targets_{row['plan_id']}_{row['target_id']}"
        )
        if outcomes.empty:
            st.caption(t("no_outcome", lang))
        else:
            last = outcomes.iloc[-1]
            verdict = on_path(row, int(last["year"]), float(last["value"]))
            if verdict is True:
                st.success(t("latest_on_path", lang))
            elif verdict is False:
                st.error(t("latest_below_path", lang))
            render.table(outcomes, lang, key=f"targets_table_{row['plan_id']}_{row['target_id']}")
        if isinstance(row["source_text"], str) and row["source_text"]:
            st.caption(quote(md(row["source_text"]), lang))

without = [(r, s) for (_, r), s in zip(targets.iterrows(), states, strict=True) if not s.path and not s.index_path]
if without:
    st.subheader(t("no_path_heading", lang))
    st.caption(t("no_path_intro", lang))

    def value_year(value, year) -> str:
        if pd.isna(value):
            return None
        return fmt_number(value, lang) + (f" ({int(year)})" if pd.notna(year) else "")

    def goal(r) -> str:
        pct = r["target_change_pct"]
        if pd.isna(r["target_value"]) and pd.notna(pct):
            change = ("+" if pct > 0 else "") + fmt_number(pct, lang) + " %"
            return change + (f" ({int(r['target_year'])})" if pd.notna(r["target_year"]) else "")
        return value_year(r["target_value"], r["target_year"])

    render.table(
        pd.DataFrame(
            {
                t("col_plan", lang): [context.plan_short(ctx).get(r["plan_id"], r["plan_id"]) for r, _ in without],
                t("col_id", lang): [r["target_id"] for r, _ in without],
                t("diff_name", lang): [r["name"] for r, _ in without],
                t("m_baseline", lang): [value_year(r["baseline_value"], r["baseline_year"]) for r, _ in without],
                t("m_target", lang): [goal(r) for r, _ in without],
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
