"""Follow-up rounds: who has reported what a round asks, what is missing; admins open and close rounds."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboard import queries
from dashboard.auth import rights
from dashboard.domain import gaps
from dashboard.domain.filters import Filters
from dashboard.domain.late import months_before
from dashboard.domain.names import plan_display_names
from dashboard.formats import MISSING, fmt_date, fmt_datetime, fmt_percent
from dashboard.i18n import t
from dashboard.reports import export
from dashboard.reports.display import md
from dashboard.web import actions, cache, context, errors, render
from dashboard.web.reminders import render_reminders

ctx: context.Context = st.session_state["ctx"]
lang = ctx.lang
st.title(t("page_rounds", lang))
st.caption(t("rounds_intro", lang))

user = rights.current_user()
is_admin = user is not None and user.is_admin
plan_names = plan_display_names(ctx.options["plans"])

if is_admin:
    with st.expander(t("rounds_new", lang), icon=":material/add:"), st.form("rounds_new_form"):
        title = st.text_input(
            t("rounds_title", lang), placeholder=t("rounds_title_example", lang), key="rounds_new_title"
        )
        c1, c2 = st.columns(2)
        as_of = c1.date_input(t("rounds_as_of", lang), value=ctx.today, key="rounds_new_as_of")
        due = c2.date_input(t("rounds_due", lang), value=ctx.today + timedelta(days=21), key="rounds_new_due")
        plans = st.multiselect(
            t("rounds_plans", lang), list(plan_names), format_func=lambda p: plan_names.get(p, p),
            placeholder=t("rounds_all_plans", lang), key="rounds_new_plans",
        )  # fmt: skip
        units = st.multiselect(
            t("rounds_units", lang), list(ctx.options["units"]), placeholder=t("rounds_all_units", lang),
            key="rounds_new_units",
        )  # fmt: skip
        if st.form_submit_button(t("rounds_open", lang)):
            with errors.user_errors(lang):
                new_id = actions.open_round(ctx.db, title, as_of, due, plans, units)
                st.query_params["round"] = str(new_id)
                render.confirm(t("rounds_opened", lang))
                st.rerun()

all_rounds = cache.fresh(ctx, queries.rounds_list)
if not all_rounds:
    render.empty(t("rounds_none", lang))
    st.stop()

by_id = {r.round_id: r for r in all_rounds}
wanted = st.query_params.get("round")
ids = list(by_id)
default = ids.index(int(wanted)) if wanted and wanted.isdigit() and int(wanted) in by_id else 0


def round_label(round_id: int) -> str:
    r = by_id[round_id]
    state = t("rounds_state_open", lang) if r.is_open else t("rounds_state_closed", lang)
    return f"{r.title} · {state} · {t('rounds_due', lang).lower()} {fmt_date(r.due, lang)}"


chosen = st.selectbox(t("rounds_round", lang), ids, index=default, format_func=round_label, key="rounds_round")
st.query_params["round"] = str(chosen)
rnd = by_id[chosen]
scope_plans = ", ".join(plan_names.get(p, p) for p in rnd.plans) if rnd.plans else t("rounds_all_plans", lang)
scope_units = ", ".join(rnd.units) if rnd.units else t("rounds_all_units", lang)
st.caption(
    t(
        "rounds_meta",
        lang,
        as_of=fmt_date(rnd.as_of, lang),
        due=fmt_date(rnd.due, lang),
        by=md(rnd.opened_by) or MISSING,
        opened=fmt_date(rnd.opened_at, lang),
        plans=md(scope_plans),
        units=md(scope_units),
    )
)
if not rnd.is_open:
    st.info(t("rounds_closed_info", lang, at=fmt_datetime(rnd.closed_at, lang), by=md(rnd.closed_by) or MISSING))

progress = cache.fresh(ctx, queries.round_progress, chosen)
asked = sum(p.asked for p in progress)
reported = sum(p.reported for p in progress)
m1, m2, m3 = st.columns(3)
m1.metric(t("rounds_share", lang), fmt_percent(reported / asked if asked else 1.0, lang))
m2.metric(t("rounds_items", lang), t("rounds_x_of_y", lang, x=reported, y=asked))
done_people = sum(p.state == "reported" for p in progress)
m3.metric(t("rounds_done_people", lang), t("rounds_x_of_y", lang, x=done_people, y=len(progress)))

# What each export's second sheet says about it.
about = [
    (t("rounds_round", lang), rnd.title),
    (t("rounds_as_of", lang), fmt_date(rnd.as_of, lang)),
    (t("rounds_due", lang), fmt_date(rnd.due, lang)),
    (t("rounds_plans", lang), scope_plans),
    (t("rounds_units", lang), scope_units),
    (t("exported_at", lang), fmt_datetime(ctx.now, lang)),
]
if not progress:
    render.empty(t("rounds_nothing_asked", lang))
else:
    who = [p.responsible or t("rounds_no_responsible", lang) for p in progress]

    def missing_text(p, sep: str) -> str:
        # Each item with what is asked of it: a status, an outcome or the money spent (of the plan as a whole,
        # named in the UI's language).
        def label(i) -> str:
            return f"{t('plan_level', lang)} ({i.year})" if i.item_kind == "spent" and not i.activity_id else i.label

        return sep.join(
            f"{plan_names.get(i.plan_id, i.plan_id)} – {t(f'm_kind_{i.item_kind}', lang)}: {label(i)}"
            for i in p.missing
        )

    table = pd.DataFrame(
        {
            t("rounds_col_who", lang): who,
            t("rounds_col_state", lang): [t(f"rounds_progress_{p.state}", lang) for p in progress],
            t("rounds_col_reported", lang): [t("rounds_x_of_y", lang, x=p.reported, y=p.asked) for p in progress],
            t("rounds_col_missing", lang): [str(len(p.missing)) for p in progress],
            t("rounds_col_last", lang): [
                fmt_datetime(p.last_reported, lang) if p.last_reported else t("rounds_never", lang) for p in progress
            ],
        }
    )
    render.table(table, lang, key="rounds_table")
    # What is missing, in full: a list per responsible (a grid would cut the items off at 1366 px).
    for name, p in zip(who, progress, strict=True):
        if p.missing:
            with st.expander(t("rounds_missing_of", lang, who=md(name), n=len(p.missing))):
                st.markdown("\n".join(f"- {md(line)}" for line in missing_text(p, "\n").splitlines()))
    # The export has every missing item in its row, for filtering in Excel.
    full = table.assign(**{t("rounds_col_missing", lang): [missing_text(p, "; ") or MISSING for p in progress]})
    render.download(
        t("export_excel", lang),
        lambda: export.to_excel(full, t("rounds_sheet", lang), about, t("filters_sheet", lang)),
        f"{t('rounds_file', lang)}-{chosen}.xlsx",
        "xlsx",
        "rounds_export_xlsx",
    )

# Beside what the round asks: the gaps in its plans' data that the round should close.
st.subheader(t("gaps_title", lang))
st.caption(t("gaps_help", lang))
gap_activities, gap_targets, gap_budget = cache.query(ctx, queries.gap_inputs, rnd.plans)
# "Nothing reported for N months", counted back from the view's as-of day (the meeting page's rule).
gap_months = st.columns([1, 2])[0].number_input(t("gaps_months", lang), 1, 36, value=6, step=1, key="rounds_gap_months")
gap_cutoff = months_before(ctx.as_of, int(gap_months))
st.caption(t("gaps_months_help", lang, day=fmt_date(gap_cutoff, lang)))
stale = cache.query(ctx, queries.stale_activities, Filters(plans=tuple(rnd.plans or ())), gap_cutoff)
found = gaps.find(gap_activities, gap_targets, gap_budget, lang, stale)
if found.empty:
    render.empty(t("gaps_none", lang))
else:
    per_kind = gaps.counts(found)
    st.markdown("  \n".join(f"{t(f'gap_{k}', lang)}: **{n}**" for k, n in per_kind.items() if n))
    gap_table = pd.DataFrame(
        {
            t("gaps_col_plan", lang): [plan_names.get(p, p) for p in found["plan_id"]],
            t("gaps_col_kind", lang): [t(f"gap_{k}", lang) for k in found["kind"]],
            t("gaps_col_item", lang): found["item"],
            t("gaps_col_sheet", lang): found["sheet"],
            t("gaps_col_column", lang): found["column"],
        }
    )
    render.table(gap_table, lang, key="rounds_gaps")
    render.download(
        t("export_excel", lang),
        lambda: export.to_excel(gap_table, t("gaps_sheet", lang), about, t("filters_sheet", lang)),
        f"{t('gaps_file', lang)}-{chosen}.xlsx",
        "xlsx",
        "rounds_gaps_xlsx",
    )

if is_admin and rnd.is_open:
    st.divider()
    # Keyed by round: ticking it for one round never carries over to another.
    sure = st.checkbox(t("rounds_close_confirm", lang), key=f"rounds_close_confirm_{chosen}")
    if st.button(t("rounds_close", lang), key="rounds_close", disabled=not sure):
        with errors.user_errors(lang):
            actions.close_round(ctx.db, chosen)
            st.rerun()

if rnd.is_open:
    render_reminders(ctx, chosen, cache.fresh(ctx, queries.round_missing, chosen))
