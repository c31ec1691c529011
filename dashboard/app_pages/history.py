"""History: every version of a plan, what it changed, its content and file; editors can roll back."""

import pandas as pd
import streamlit as st

from dashboard import queries
from dashboard.auth import rights
from dashboard.domain import followup
from dashboard.formats import fmt_datetime, fmt_tkr
from dashboard.i18n import t
from dashboard.reports.display import md, who
from dashboard.web import actions, cache, context, diffview, errors, render

ctx: context.Context = st.session_state["ctx"]
lang, f = ctx.lang, ctx.filters
st.title(t("page_history", lang))

plans = ctx.options["plans"]  # (at least one: app.py says so when none is loaded)
titles = dict(zip(plans["plan_id"], plans["title"], strict=True))
choices = list(titles)
# A plan chosen in the sidebar filter is the natural one to look at.
default = choices.index(f.plans[0]) if len(f.plans) == 1 and f.plans[0] in choices else 0


def untick() -> None:
    # A confirmation is for the version it names: choosing another plan or version asks again.
    st.session_state["history_confirm"] = False


plan_id = st.selectbox(
    t("f_plans", lang), choices, index=default, format_func=lambda p: titles[p], key="history_plan", on_change=untick
)

versions = cache.query(ctx, queries.plan_versions, plan_id)
current = int(versions["version"].max())
# After a rollback: show the new current version and untick the confirmation. Set before the widgets
# are made, so the browser shows it too (a widget's state that is only deleted keeps what the browser had).
for key, value in st.session_state.pop("history_reset", {}).items():
    st.session_state[key] = value
table = pd.DataFrame(
    {
        t("h_version", lang): versions["version"],
        t("h_when", lang): [fmt_datetime(v, lang) for v in versions["loaded_at"]],
        t("h_who", lang): [who(v, lang, r) for v, r in zip(versions["loaded_by"], versions["role"], strict=True)],
        t("h_action", lang): [t(f"action_{a}", lang) for a in versions["action"]],
        t("h_file", lang): versions["file_name"],
        t("h_changes", lang): [diffview.summary_text(c, lang) for c in versions["changes"]],
        t("h_note", lang): versions["note"],
    }
)
render.table(table, lang, key="history_versions", width="stretch")

version = st.selectbox(
    t("h_pick", lang),
    list(versions["version"]),
    format_func=lambda v: (
        t("h_version_label", lang, version=v) + (f" ({t('h_current', lang)})" if v == current else "")
    ),
    key="history_version",
    on_change=untick,
)
row = versions[versions["version"] == version].iloc[0]
st.caption(
    t(
        "h_version_meta",
        lang,
        when=fmt_datetime(row["loaded_at"], lang),
        who=md(who(row["loaded_by"], lang, row["role"])),
        file=md(followup.text(row["file_name"])) or "—",
        sha=followup.text(row["file_sha256"]) or "—",
    )
)

tab_changes, tab_content = st.tabs([t("h_tab_changes", lang), t("h_tab_content", lang)])
with tab_changes:
    diffview.render(cache.query(ctx, queries.version_diff, plan_id, int(version)), lang, key="history_diff")
with tab_content:
    acts = cache.query(ctx, queries.version_activities, plan_id, int(version))
    render.table(acts, lang, key="history_activities", width="stretch")
    budget = cache.query(ctx, queries.version_budget, plan_id, int(version))
    if not budget.empty:
        render.table(
            pd.DataFrame(
                {
                    t("col_year", lang): [t("no_year", lang) if pd.isna(y) else str(int(y)) for y in budget["year"]],
                    t("diff_kind", lang): [diffview.kind_label(k, lang) for k in budget["kind"]],
                    t("budget", lang): [fmt_tkr(v, lang) for v in budget["amount_sek"]],
                }
            ),
            lang,
            key="history_budget",
        )

if rights.current_editor() is not None:
    st.divider()
    st.subheader(t("h_editor_tools", lang))
    original = actions.original_file(ctx.db, row["file_sha256"]) if isinstance(row["file_sha256"], str) else None
    if original is not None:
        render.download(
            t("h_download_file", lang),
            original,
            followup.text(row["file_name"]) or f"{plan_id}-v{version}.xlsx",
            "xlsx",
            "history_file",
        )
    else:
        st.caption(t("h_no_file", lang))
    if version != current and cache.query(ctx, queries.same_content, plan_id, int(version), current):
        # E.g. the version just rolled back to: publishing it again would change nothing.
        st.caption(t("h_same_as_current", lang, version=version, current=current))
    elif version != current:
        confirm = st.checkbox(t("h_rollback_confirm", lang, version=version, current=current), key="history_confirm")
        if st.button(
            t("h_rollback", lang, version=version),
            key="history_rollback",
            disabled=not confirm,
            icon=":material/history:",
        ):
            with errors.user_errors(lang, "rollback", version=version, current=current):
                new = actions.rollback(ctx.db, plan_id, int(version), current)
            st.session_state["history_reset"] = {"history_version": new, "history_confirm": False}
            render.confirm(t("h_rolled_back", lang, version=version, new=new))
            st.rerun()
