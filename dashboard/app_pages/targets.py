"""Targets against their baselines: the straight path from baseline to target, and the outcomes."""

import pandas as pd
import streamlit as st

from dashboard import charts, ui
from dashboard.display import md, quote
from dashboard.i18n import fmt_number, t

ctx: ui.Context = st.session_state["ctx"]
lang, f = ctx.lang, ctx.filters
st.title(t("page_targets", lang))
st.caption(t("targets_intro", lang))

targets = ui.query(ctx, "targets", f)
has_path = (
    (
        targets["baseline_year"].notna()
        & targets["target_year"].notna()
        & (targets["baseline_value"].notna() | targets["target_change_pct"].notna())
        & (targets["target_value"].notna() | targets["target_change_pct"].notna())
    )
    if not targets.empty
    else pd.Series(dtype=bool)
)
paths = targets[has_path] if not targets.empty else targets
if paths.empty:
    ui.empty(t("no_targets", lang))
    st.stop()

for target in paths.itertuples(index=False):
    row = pd.Series(target._asdict())
    with st.container(border=True):
        st.subheader(md(row["name"]))
        st.caption(" · ".join(md(x) for x in (row["plan_title"], row["measure"]) if isinstance(x, str)))
        outcomes = ui.query(ctx, "target_values", row["plan_id"], row["target_id"])
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
        ui.chart(ui.figure("target_path", row, outcomes, lang), key=f"targets_{row['plan_id']}_{row['target_id']}")
        if outcomes.empty:
            st.caption(t("no_outcome", lang))
        else:
            last = outcomes.iloc[-1]
            verdict = charts.on_path(row, int(last["year"]), float(last["value"]))
            if verdict is True:
                st.success(t("latest_on_path", lang))
            elif verdict is False:
                st.error(t("latest_below_path", lang))
            ui.table(outcomes, lang, key=f"targets_table_{row['plan_id']}_{row['target_id']}")
        if isinstance(row["source_text"], str) and row["source_text"]:
            st.caption(quote(md(row["source_text"]), lang))
