"""Activities: search the filtered activities, export exactly those rows, open one in detail."""

import pandas as pd
import streamlit as st

from dashboard import queries
from dashboard.formats import fmt_date, fmt_datetime
from dashboard.i18n import status_label, t
from dashboard.reports import export
from dashboard.reports.display import md
from dashboard.web import cache, context, render

ctx: context.Context = st.session_state["ctx"]
lang, f = ctx.lang, ctx.filters
st.title(t("page_activities", lang))

SORT_KEYS = ["plan", "start", "end", "budget", "status"]  # allow-list, mapped to SQL in queries.SORTS
c1, c2 = st.columns([3, 1])
search = c1.text_input(t("search", lang), key="activities_search", help=t("search_help", lang))
sort = c2.selectbox(t("sort", lang), SORT_KEYS, key="activities_sort", format_func=lambda k: t(f"sort_{k}", lang))

rows = cache.query(ctx, queries.activities, f, search, sort)
if rows.empty:
    render.empty(t("no_match", lang))
    st.stop()

names = context.plan_short(ctx)
# Sized to show status, dates and budget without a horizontal scroll at 1366 × 768 with the sidebar
# open. Responsible and goals are left out here; the detail below and the export hold them.
ACTIVITY_COLUMNS = [t(k, lang) for k in ("col_plan", "col_id", "col_title", "col_status", "col_start", "col_end",
                                          "col_budget", "col_unit")]  # fmt: skip


def activity_columns(lang: str) -> dict:
    column = st.column_config
    return {
        t("col_plan", lang): column.TextColumn(width=208),  # a Kortnamn has at most 30 characters
        t("col_id", lang): column.TextColumn(width=46),
        t("col_title", lang): column.TextColumn(width=204),
        t("col_status", lang): column.TextColumn(width=96),
        t("col_start", lang): column.TextColumn(width=88),
        t("col_end", lang): column.TextColumn(width=88),
        t("col_budget", lang): column.TextColumn(
            t("col_budget_short", lang), width=104, help=t("col_budget", lang), alignment="right"
        ),
        t("col_unit", lang): column.TextColumn(width=56),
    }


table = pd.DataFrame({
    t("col_plan", lang): rows["plan_id"].map(names),
    t("col_id", lang): rows["activity_id"],
    t("col_title", lang): rows["title"],
    t("col_responsible", lang): rows["responsible"],
    t("col_unit", lang): rows["unit"],
    t("col_status", lang): rows["status"].map(lambda s: status_label(s, lang)),
    t("col_start", lang): rows["start_date"].map(lambda d: fmt_date(d, lang)),
    t("col_end", lang): rows["end_date"].map(lambda d: fmt_date(d, lang)),
    t("col_budget", lang): rows["budget_sek"] / 1000,
    t("col_goals", lang): rows["goal_ids"].map(lambda g: ", ".join(render.as_list(g))),
})  # fmt: skip
st.caption(f"{t('n_activities', lang, n=len(table))} · {t('act_more_in_detail', lang)}")
# Amounts as text in the UI's format, a missing one as "—" (render.table); the sort menu above sorts them as numbers.
render.table(table, lang, key="activities_table", column_order=ACTIVITY_COLUMNS, column_config=activity_columns(lang))

# The export holds exactly the rows shown, with typed dates and amounts for Excel.
full = table.assign(**{
    t("col_plan", lang): rows["plan_title"],
    t("col_budget", lang): rows["budget_sek"] / 1000,
    t("col_responsible", lang): rows["responsible"],
    t("col_unit", lang): rows["unit"],
    t("col_start", lang): pd.to_datetime(rows["start_date"]),
    t("col_end", lang): pd.to_datetime(rows["end_date"]),
    t("col_period_text", lang): rows["period_text"],
    t("col_status_note", lang): rows["status_note"],
})  # fmt: skip
# The filters sheet names what was chosen, the goals as chosen in the sidebar (not the sub-goals they add).
about = [
    *f.describe(lang, ctx.options, ctx.chosen_goals),
    (t("search", lang), search or "—"),
    (t("sort", lang), t(f"sort_{sort}", lang)),
    (t("data_version", lang), str(ctx.version)),
    (t("n_activities", lang, n=len(full)), ""),
]


# The files are made when a button is clicked (not on every run of the page); the filters sheet states when
# the rows were read.
def excel() -> bytes:
    stamped = [*about, (t("exported_at", lang), fmt_datetime(ctx.now, lang))]
    return export.to_excel(
        full, t("export_sheet", lang), stamped, t("filters_sheet", lang), {t("col_budget", lang): "#,##0.0"}
    )


def csv() -> bytes:
    return export.to_csv(full)


e1, e2, _ = st.columns([1, 1, 3])
stem = f"{t('file_activities', lang)}-{ctx.now:%Y%m%d-%H%M}"
render.download(t("export_excel", lang), excel, f"{stem}.xlsx", "xlsx", "activities_export_xlsx", where=e1)
render.download(t("export_csv", lang), csv, f"{stem}.csv", "csv", "activities_export_csv", where=e2)

st.subheader(t("detail", lang))
choices = list(zip(rows["plan_id"], rows["activity_id"], strict=True))
titles = dict(zip(choices, rows["title"], strict=True))
choice = st.selectbox(
    t("choose_activity", lang),
    choices,
    key="activities_detail",
    format_func=lambda c: f"{names.get(c[0], c[0])} · {c[1]} {titles[c]}",
)
detail = cache.query(ctx, queries.activity_detail, *choice)
activity = detail["activity"].iloc[0]
# Text from the workbook is shown as text (md escapes it), never as Markdown.
st.markdown(f"### {md(activity['activity_id'])} {md(activity['title'])}")
st.markdown(
    f"**{t('col_status', lang)}:** {status_label(activity['status'], lang)}"
    + (f" — {md(activity['status_note'])}" if isinstance(activity["status_note"], str) else "")
)
st.markdown(
    f"**{t('col_responsible', lang)}:** {md(activity['responsible']) or '—'} · "
    f"**{t('col_unit', lang)}:** {md(activity['unit']) or '—'} · "
    + (
        f"**{t('period', lang)}:** {fmt_date(activity['start_date'], lang)} – {fmt_date(activity['end_date'], lang)}"
        if pd.notna(activity["start_date"]) or pd.notna(activity["end_date"])
        else f"**{t('plan_no_period', lang)}**"
    )
    + (f" ({md(activity['source_text'])})" if isinstance(activity["source_text"], str) else "")
)
if isinstance(activity["description"], str):
    st.markdown(f"**{t('description', lang)}:** {md(activity['description'])}")
if isinstance(activity["note"], str):
    st.caption(f"{t('col_note', lang)}: {md(activity['note'])}")
st.markdown(f"**{t('goals', lang)}**")
goals = detail["goals"]
st.markdown(
    "\n".join(f"- {md(g.goal_id)} {md(g.title)}" for g in goals.itertuples()) if not goals.empty else t("nothing", lang)
)
st.markdown(f"**{t('budget_lines', lang)}**")
budget = detail["budget"]
if budget.empty:
    st.caption(t("nothing", lang))
else:
    render.table(budget, lang, key="activities_detail_budget")
st.markdown(f"**{t('targets', lang)}**")
if detail["targets"].empty:
    st.caption(t("nothing", lang))
else:
    render.table(detail["targets"], lang, key="activities_detail_targets")
st.markdown(f"**{t('history', lang)}**")
render.table(detail["history"], lang, key="activities_detail_history")
st.markdown(f"**{t('m_from_meetings', lang)}**")
items = cache.fresh(ctx, queries.activity_items, *choice)
if items.empty:
    st.caption(t("nothing", lang))
else:
    render.table(
        (
            items.assign(
                kind=[t(f"m_item_{k}", lang) for k in items["kind"]],
                status=[t(f"m_action_{s}", lang) if isinstance(s, str) else None for s in items["status"]],
            )[["held_on", "kind", "text", "owner", "due", "status"]].rename(
                columns={
                    "held_on": t("m_meeting", lang),
                    "kind": t("m_kind", lang),
                    "text": t("m_text", lang),
                    "owner": t("m_owner", lang),
                    "due": t("m_due", lang),
                    "status": t("col_status", lang),
                }
            )
        ),
        lang,
        key="activities_detail_meetings",
    )
