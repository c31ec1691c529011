"""Budget: by year and unit, by funding source, by plan and by goal; IB and amounts without a year apart."""

import pandas as pd
import streamlit as st

from dashboard import charts, ui
from dashboard.i18n import fmt_tkr, t

ctx: ui.Context = st.session_state["ctx"]
lang, f = ctx.lang, ctx.filters
st.title(t("page_budget", lang))

lines = ui.query(ctx, "budget_lines", f)
if lines.empty:
    ui.empty(t("no_budget", lang))
    st.stop()

not_stated = t("not_stated", lang)
no_year = t("no_year_bar", lang)
# Lines naming a resource without an amount ("Resurssätts genom akt. 1") carry no money to chart.
lines = lines[lines["amount_sek"].notna()].assign(unit=lambda d: d["unit"].fillna(not_stated))
attribute = st.toggle(t("attribute", lang), key="budget_attribute")


def year_rows(lines: pd.DataFrame) -> pd.DataFrame:
    """One row per (year label, unit, series). Amounts without a year keep their own bar unless
    the user asks to attribute them to the activity's start year, and then they are marked."""
    df = lines.copy()
    df["series"] = df["kind"].where(df["kind"] == "opening_balance", "budget")
    undated = df["year"].isna() & (df["series"] == "budget")
    movable = undated & df["start_year"].notna() & attribute
    df.loc[movable, "series"] = "attributed"
    df["year_label"] = df["year"].astype("Int64").astype(str)
    df.loc[movable, "year_label"] = df.loc[movable, "start_year"].astype("Int64").astype(str)
    df.loc[undated & ~movable, "year_label"] = no_year
    out = df.groupby(["year_label", "unit", "series"], as_index=False)["amount_sek"].sum()
    out["order"] = out["year_label"].map(lambda y: (1, 0) if y == no_year else (0, int(y)))
    return out.sort_values(["order", "unit"]).drop(columns="order")


by_year = year_rows(lines)
st.subheader(t("by_year_unit", lang))
st.caption(" ".join((t("ib_note", lang), t("unit_fallback", lang), t("click_filters", lang))))
if attribute:
    st.warning(t("attributed_note", lang), icon=":material/warning:")
points = ui.chart(charts.budget_by_year_unit(by_year, lang, ctx.unit_colors), key="budget_year_unit", selectable=True)
if points:
    point = points[0]
    unit = (point.get("customdata") or [None, None])[1]
    year = str(point.get("x", ""))
    changes = {}
    if unit and unit != not_stated:
        changes["units"] = [unit]
    if year.isdigit():
        changes["years"] = (int(year), int(year))
    if changes:
        ui.request_filters(**changes)

table = by_year.pivot_table(index="year_label", columns="unit", values="amount_sek", aggfunc="sum", sort=False)
table = table.assign(**{t("budget", lang): table.sum(axis=1)})
st.dataframe(
    table.map(lambda v: fmt_tkr(v, lang) if pd.notna(v) else "").rename_axis(t("year", lang)),
    key="budget_year_table",
)

budget_only = lines[lines["kind"] == "budget"]
names = ui.plan_short(ctx)


def bars_with_table(labels: pd.Series, heading: str, key: str) -> None:
    """The budget summed per label: a bar chart and, under it, the same figures as a table."""
    sums = budget_only.assign(label=labels).groupby("label", as_index=False)["amount_sek"].sum()
    if sums.empty:
        ui.empty(t("no_budget", lang))
        return
    ui.chart(charts.budget_bars(sums, "label", lang), key=f"budget_{key}")
    amounts = sums["amount_sek"].map(lambda v: fmt_tkr(v, lang))
    table = pd.DataFrame({heading: sums["label"], t("budget", lang): amounts})
    st.dataframe(table, hide_index=True, key=f"budget_{key}_table")


left, right = st.columns(2)
with left:
    st.subheader(t("by_funding", lang))
    bars_with_table(budget_only["funding_source"].fillna(not_stated), t("funding", lang), "funding")
with right:
    st.subheader(t("by_plan", lang))
    bars_with_table(budget_only["plan_id"].map(names), t("plan", lang), "plan")

st.subheader(t("by_goal", lang))
st.caption(t("by_goal_note", lang))
goals = ctx.options["goals"].set_index("key")
# One row per (line, goal): an activity serving several goals counts under each (the caption says so).
budget_only = budget_only.assign(goal=budget_only["goal_ids"].map(lambda g: ui.as_list(g) or [None])).explode("goal")
bars_with_table(
    pd.Series(
        [
            f"{names.get(p, p)} · {g} {ui._short(goals.loc[f'{p}:{g}', 'title'], 50)}"
            if g and f"{p}:{g}" in goals.index
            else t("no_goal", lang)
            for p, g in zip(budget_only["plan_id"], budget_only["goal"], strict=True)
        ],
        index=budget_only.index,
    ),
    t("goal", lang),
    "goal",
)
