"""Mentor pairs, competence contracts (with the Jämtland part) and the plans' other targets."""

import pandas as pd
import streamlit as st

from dashboard import queries
from dashboard.domain.targets import bullet, by_kind, heading, outcome_text, span_text, value_year, wholes_and_parts
from dashboard.formats import MISSING, fmt_number
from dashboard.i18n import t
from dashboard.reports import charts
from dashboard.reports.display import md
from dashboard.web import cache, context, render

ctx: context.Context = st.session_state["ctx"]
lang, f = ctx.lang, ctx.filters
st.title(t("page_mentors", lang))
st.caption(t("mentors_intro", lang))

targets = cache.query(ctx, queries.targets, f)
kinds = by_kind(targets)
valued, relative, qualitative = kinds.valued, kinds.relative, kinds.qualitative
if valued.empty and relative.empty:
    render.empty(t("no_value_targets", lang))


PER_ROW = 3
newest_first = valued.sort_values("period_start", ascending=False, kind="stable")
for plan_id, group in newest_first.groupby("plan_id", sort=False):
    st.subheader(md(group["plan_title"].iloc[0]))
    records = group.to_dict("records")
    # An "of which" part is drawn inside its whole; a part whose whole has no value stands alone.
    wholes = wholes_and_parts(records)
    for start in range(0, len(wholes), PER_ROW):
        for col, (whole, parts) in zip(st.columns(PER_ROW), wholes[start : start + PER_ROW], strict=False):
            with col.container(border=True):
                st.markdown(f"**{md(heading(whole))}**")
                st.caption(md(whole["measure"]))
                render.chart(
                    cache.figure(charts.target_bullet, bullet(whole), [bullet(p) for p in parts], lang),
                    key=f"mentors_{plan_id}_{whole['target_id']}",
                )
                st.markdown(f"{span_text(whole, lang)} · {outcome_text(whole, lang)}")
    table = pd.DataFrame({
        t("col_id", lang): group["activity_id"],
        t("targets", lang): group["name"],
        t("col_region", lang): group["region"],
        t("baseline", lang): [value_year(r["baseline_value"], r["baseline_year"], lang) or MISSING for r in records],
        t("target", lang): [value_year(r["target_value"], r["target_year"], lang) or MISSING for r in records],
        t("outcome", lang): [outcome_text(r, lang) for r in records],
    })  # fmt: skip
    render.table(table, lang, key=f"mentors_table_{plan_id}")

if not relative.empty:
    st.subheader(t("targets", lang) + " (%)")
    for row in relative.to_dict("records"):
        st.markdown(f"**{md(heading(row))}**: +{fmt_number(row['target_change_pct'], lang)} % · {md(row['measure'])}")
        st.caption(outcome_text(row, lang))
if not qualitative.empty:
    with st.expander(f"{t('qualitative', lang)} ({len(qualitative)})"):
        render.table(
            qualitative.assign(plan_title=qualitative["plan_id"].map(context.plan_short(ctx)))[
                ["plan_title", "activity_id", "name", "target_year", "source_text"]
            ].rename(columns={"name": t("targets", lang), "target_year": t("year", lang)}),
            lang,
            key="mentors_qualitative",
            plain=(t("year", lang),),
        )
