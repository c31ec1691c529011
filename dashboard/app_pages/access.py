"""Access (admins): who may sign in, with which role, for which plans, units and named responsible."""

import pandas as pd
import streamlit as st

from dashboard.domain.names import plan_display_names
from dashboard.formats import MISSING, fmt_datetime, fmt_number
from dashboard.i18n import t
from dashboard.web import actions, context, errors, render

ctx: context.Context = st.session_state["ctx"]
lang = ctx.lang
st.title(t("page_access", lang))

with errors.user_errors(lang):
    users = actions.access_list()  # refuses anyone but an admin, whatever the navigation showed
    st.caption(t("access_intro", lang))
    plans = ctx.options["plans"]
    names = plan_display_names(plans)

    def listed(values, everything: str) -> str:
        # None: no limit (every plan, or for a reporter's rows: not by this criterion).
        if values is None:
            return everything
        return ", ".join(sorted(names.get(v, v) for v in values)) or MISSING

    table = pd.DataFrame(
        {
            t("access_who", lang): [u.name for u in users],
            t("access_role", lang): [t(f"role_{u.role.name.lower()}", lang) for u in users],
            t("access_plans", lang): [
                t("access_all_plans", lang) if u.is_admin else listed(u.plans, t("access_all_plans", lang))
                for u in users
            ],
            t("access_units", lang): [listed(u.units, MISSING) for u in users],
            t("access_responsible", lang): [listed(u.responsible, MISSING) for u in users],
        }
    )
    if table.empty:
        render.empty(t("access_none", lang))
    else:
        render.table(table, lang, key="access_table")
    st.caption(t("access_how", lang))

# Backups: the database and the stored workbooks, taken by the dashboard (it holds the only connection).
st.subheader(t("backup_title", lang))
with errors.user_errors(lang, "backup"):
    if st.button(t("backup_now", lang), key="access_backup_now"):
        made = actions.make_backup(ctx.db)
        st.success(t("backup_made", lang, name=made.path.name, parts=made.parts), icon=":material/check_circle:")
    settings, found = actions.backups(ctx.db)
    every = (
        t("backup_every", lang, hours=fmt_number(settings.interval_hours, lang))
        if settings.interval_hours > 0
        else t("backup_scheduled_off", lang)
    )
    st.caption(t("backup_help", lang, keep=settings.keep, every=every))
    if not found:
        render.empty(t("backup_none", lang))
    else:
        render.table(
            pd.DataFrame({
                t("backup_col_name", lang): [b.path.name for b in found],
                t("backup_col_time", lang): [fmt_datetime(b.created_at, lang) for b in found],
                t("backup_col_version", lang): [str(b.data_version) for b in found],
                t("backup_col_parts", lang): [str(b.parts) for b in found],
                t("backup_col_size", lang): [fmt_number(round(b.size / 1_000_000, 1), lang) + " MB" for b in found],
            }),
            lang,
            key="access_backups",
        )  # fmt: skip
