"""Mentor pairs, competence contracts (with the Jämtland part) and the plans' other targets."""

import pandas as pd
import streamlit as st

from dashboard import queries
from dashboard.formats import fmt_number
from dashboard.i18n import t
from dashboard.reports import charts
from dashboard.reports.display import md
from dashboard.web import cache, context, render

ctx: context.Context = st.session_state["ctx"]
lang, f = ctx.lang, ctx.filters
st.title(t("page_mentors", lang))
st.caption(t("mentors_intro", lang))

targets = cache.query(ctx, queries.targets, f)
valued = targets[targets["target_value"].notna()] if not targets.empty else targets
relative = targets[
    targets["target_value"].isna() & targets["target_change_pct"].notna() & targets["baseline_year"].isna()
]
qualitative = targets[targets["target_value"].isna() & targets["target_change_pct"].isna()]
if valued.empty and relative.empty:
    render.empty(t("no_value_targets", lang))


def heading(row: dict) -> str:
    text = f"{row['activity_id']}. {row['name']}" if isinstance(row["activity_id"], str) else row["name"]
    if isinstance(row["region"], str) and row["region"] not in text:
        text += f" – {row['region']}"
    return text


def span(row: dict) -> str:
    """ "bas 110 (2015) → mål 130 (2017)" """

    def year(y) -> str:
        return f" ({int(y)})" if pd.notna(y) else ""

    target = f"{t('target', lang).lower()} **{fmt_number(row['target_value'], lang)}**{year(row['target_year'])}"
    if pd.isna(row["baseline_value"]):
        return target
    base = f"{t('baseline', lang).lower()} {fmt_number(row['baseline_value'], lang)}{year(row['baseline_year'])}"
    return f"{base} → {target}"


def outcome_text(row: dict) -> str:
    if pd.isna(row["outcome"]):
        return t("no_data", lang)
    return f"{t('outcome', lang)} {int(row['outcome_year'])}: {fmt_number(row['outcome'], lang)}"


PER_ROW = 3
newest_first = valued.sort_values("period_start", ascending=False, kind="stable")
for plan_id, group in newest_first.groupby("plan_id", sort=False):
    st.subheader(md(group["plan_title"].iloc[0]))
    records = group.to_dict("records")
    ids = {r["target_id"] for r in records}
    # An "of which" part is drawn inside its whole; a part whose whole has no value stands alone.
    wholes = [r for r in records if not (isinstance(r["part_of"], str) and r["part_of"] in ids)]
    for start in range(0, len(wholes), PER_ROW):
        for col, whole in zip(st.columns(PER_ROW), wholes[start : start + PER_ROW], strict=False):
            parts = [r for r in records if r["part_of"] == whole["target_id"]]
            with col.container(border=True):
                st.markdown(f"**{md(heading(whole))}**")
                st.caption(md(whole["measure"]))
                render.chart(
                    cache.figure(charts.target_bullet, whole, parts, lang),
                    key=f"mentors_{plan_id}_{whole['target_id']}",
                )
                st.markdown(f"{span(whole)} · {outcome_text(whole)}")
    table = pd.DataFrame({
        t("col_id", lang): group["activity_id"],
        t("targets", lang): group["name"],
        t("col_region", lang): group["region"],
        t("baseline", lang): [
            f"{fmt_number(v, lang)} ({int(y)})" if pd.notna(v) and pd.notna(y) else fmt_number(v, lang)
            for v, y in zip(group["baseline_value"], group["baseline_year"], strict=True)
        ],
        t("target", lang): [
            f"{fmt_number(v, lang)} ({int(y)})" if pd.notna(y) else fmt_number(v, lang)
            for v, y in zip(group["target_value"], group["target_year"], strict=True)
        ],
        t("outcome", lang): [outcome_text(r) for r in records],
    })  # fmt: skip
    render.table(table, lang, key=f"mentors_table_{plan_id}")

if not relative.empty:
    st.subheader(t("targets", lang) + " (%)")
    for row in relative.to_dict("records"):
        st.markdown(f"**{md(heading(row))}**: +{fmt_number(row['target_change_pct'], lang)} % · {md(row['measure'])}")
        st.caption(outcome_text(row))
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
