"""Follow-up meeting: changes since the last meeting, late and at risk, stale, actions; record it; the meeting pack."""

import dataclasses
import json
from datetime import datetime, time, timedelta

import pandas as pd
import streamlit as st

from dashboard import queries
from dashboard.auth import rights
from dashboard.domain import changes, followup
from dashboard.domain.budget import spent_reported, use_table
from dashboard.domain.filters import Filters
from dashboard.domain.late import months_before, overdue
from dashboard.formats import fmt_date
from dashboard.i18n import t
from dashboard.reports.display import md
from dashboard.web import actions, cache, context, errors, render, sidebar

ctx: context.Context = st.session_state["ctx"]
lang, f = ctx.lang, ctx.filters
st.title(t("page_meetings", lang))
if ctx.as_of != ctx.today:
    st.caption(t("as_of_caption", lang, day=fmt_date(ctx.as_of, lang)))

plans = ctx.options["plans"]  # (at least one: app.py says so when none is loaded)
titles = context.plan_short(ctx)
editor = rights.current_editor()

meetings = cache.fresh(ctx, queries.meeting_list)
c1, c2, c3 = st.columns([2, 1, 1])
choices = ["date", *meetings["meeting_id"].tolist()]
untitled = t("m_untitled", lang)
labels = {
    r.meeting_id: f"{fmt_date(r.held_on, lang)} · {followup.text(r.title) or untitled}" for r in meetings.itertuples()
}
# The natural previous meeting is the latest one held before the as-of day (today's is being recorded).
earlier = [r.meeting_id for r in meetings.itertuples() if pd.Timestamp(r.held_on).date() < ctx.as_of]
previous = c1.selectbox(
    t("m_previous", lang),
    choices,
    index=choices.index(earlier[0]) if earlier else 0,
    format_func=lambda c: t("m_pick_date", lang) if c == "date" else labels[c],
    key="meetings_previous",
)
if previous == "date":
    since_day = c2.date_input(
        t("m_since", lang),
        value=ctx.as_of - timedelta(days=182),
        max_value=ctx.as_of,
        format="YYYY-MM-DD",
        key="meetings_since",
    )
else:
    since_day = meetings.set_index("meeting_id").loc[previous, "held_on"]
    since_day = since_day.date() if hasattr(since_day, "date") else since_day
    c2.metric(t("m_since", lang), fmt_date(since_day, lang))
if previous != "date":
    stored = json.loads(meetings.set_index("meeting_id").loc[previous, "scope"] or "{}")
    if c1.button(t("m_use_scope", lang), key="meetings_use_scope", help=t("m_use_scope_help", lang)):
        sidebar.request_scope(Filters.from_scope(stored, ctx.options))
months = c3.number_input(t("m_months", lang), min_value=1, max_value=36, value=6, step=1, key="meetings_months")
# Everything published after the end of that day, up to the end of the as-of day, counts as news.
since = datetime.combine(since_day, time.max)
until = datetime.combine(ctx.as_of, time.max)
cutoff = months_before(ctx.as_of, int(months))

data = followup.content(
    lang,
    titles,
    changes.between(
        cache.query(ctx, queries.plans_compared, since, f, until), f, cache.query(ctx, queries.activities_in_scope, f)
    ),
    cache.query(ctx, queries.versions_since, since, f, until),
    overdue(cache.query(ctx, queries.with_end_date, f), ctx.as_of),
    targets := cache.query(ctx, queries.targets, f),
    cache.query(ctx, queries.stale_activities, f, cutoff, until),
    cache.fresh(ctx, queries.items_since, since_day, f, ctx.as_of),
    open_items := cache.fresh(ctx, queries.open_actions, f),
    ctx.as_of,
)

# Widths by the labels' lengths, so that none is cut at 1366 pixels in either language.
k1, k2, k6, k3, k4, k5 = st.columns([1, 0.7, 1.05, 1.3, 1.35, 0.95])
k1.metric(t("m_n_changes", lang), data.counts["changes"])
k2.metric(t("m_n_late", lang), data.counts["late"])
k6.metric(t("m_n_unknown", lang), data.counts["unknown"], help=t("unknown_after_end_help", lang))
k3.metric(t("m_n_at_risk", lang), data.counts["at_risk"])
k4.metric(t("m_n_stale", lang, months=months), data.counts["stale"])
overdue_help = t("m_n_overdue_actions", lang, n=data.counts["overdue_actions"])
k5.metric(t("m_n_actions", lang), data.counts["actions"], help=overdue_help)

title = t("m_pack_title", lang, day=fmt_date(ctx.today, lang))
cards = cache.query(ctx, queries.plan_cards, f)
# The pack's scope names the filters as the activities export does, the goals as chosen in the sidebar.
scope = [
    *f.describe(lang, ctx.options, ctx.chosen_goals, as_of=ctx.as_of),
    (t("m_previous", lang), labels.get(previous, fmt_date(since_day, lang))),
    (t("m_months", lang), str(months)),
]
key_figures = followup.key_figures(cards, f, data, lang)
# The query results are gathered now (cached); the pack is assembled and built only when clicked.


def build_pack(kind: str) -> bytes:
    # reportlab and matplotlib load on the first click, not on every page's start.
    from dashboard.reports.pack.excel import build_excel
    from dashboard.reports.pack.pdf import build_pdf

    content = followup.to_pack(*pack_args, spent=spent_by_year)
    return build_pdf(content) if kind == "pdf" else build_excel(content)


spent_by_year = cache.query(ctx, queries.budget_against_spent, f, "year")
pack_args = (
    lang,
    title,
    ctx.version,
    scope,
    key_figures,
    cache.query(ctx, queries.budget_by_year_unit, f),
    cache.query(ctx, queries.status_counts, f, "plan"),
    targets,
    titles,
    data,
    ctx.now,
)


d1, d2, _ = st.columns([1, 1, 3])
render.download(
    t("m_pack_pdf", lang),
    lambda: build_pack("pdf"),
    f"{t('file_pack', lang)}-{ctx.today:%Y%m%d}.pdf",
    "pdf",
    "meetings_pack_pdf",
    where=d1,
    primary=True,
)
render.download(
    t("m_pack_excel", lang),
    lambda: build_pack("xlsx"),
    f"{t('file_pack', lang)}-{ctx.today:%Y%m%d}.xlsx",
    "xlsx",
    "meetings_pack_xlsx",
    where=d2,
)

tabs = st.tabs(
    [
        t("m_tab_changes", lang),
        t("m_tab_late", lang),
        t("m_tab_stale", lang),
        t("m_tab_actions", lang),
        t("m_tab_round", lang),
        t("m_tab_spent", lang),
        t("m_tab_record", lang),
    ]
)


def table(df, key: str, empty_key: str, **kwargs) -> None:
    if df.empty:
        st.caption(t(empty_key, lang))
    else:
        render.table(df, lang, key=key, width="stretch", **kwargs)


# Late and unknown lists at 1366 px: long titles and responsibles wrap into a bounded width (full text on
# hover) so the days and status columns stay in view without a sideways scroll.
PAST_END_COLUMNS = {
    t("col_title", lang): st.column_config.TextColumn(width=260),
    t("col_responsible", lang): st.column_config.TextColumn(width=140),
}


with tabs[0]:
    st.caption(t("m_changes_help", lang, day=fmt_date(since_day, lang)))
    table(data.changes, "meetings_changes", "m_no_changes")
    if not data.versions.empty:
        with st.expander(t("m_versions", lang, n=len(data.versions))):
            render.table(data.versions, lang, key="meetings_versions", width="stretch")
with tabs[1]:
    st.markdown(f"**{t('m_late', lang)}**")
    table(data.late, "meetings_late", "m_none", column_config=PAST_END_COLUMNS)
    st.markdown(f"**{t('unknown_after_end', lang)}**")
    st.caption(t("unknown_after_end_help", lang))
    table(data.unknown, "meetings_unknown", "m_none", column_config=PAST_END_COLUMNS)
    st.markdown(f"**{t('m_at_risk', lang)}**")
    st.caption(t("m_at_risk_help", lang))
    table(data.at_risk, "meetings_at_risk", "m_none_at_risk")
with tabs[2]:
    st.caption(t("m_stale_help", lang, months=months, day=fmt_date(cutoff, lang)))
    table(data.stale, "meetings_stale", "m_none")
with tabs[4]:
    # The latest follow-up round: what was reported since the previous meeting, and who still has rows missing.
    latest = cache.fresh(ctx, queries.latest_round)
    if latest is None:
        st.caption(t("m_round_none", lang))
    else:
        progress = cache.fresh(ctx, queries.round_progress, latest.round_id)
        asked_n, reported_n = sum(p.asked for p in progress), sum(p.reported for p in progress)
        state = t("rounds_state_open" if latest.is_open else "rounds_state_closed", lang)
        st.markdown(f"**{md(latest.title)}** · {state} · {t('rounds_due', lang).lower()} {fmt_date(latest.due, lang)}")
        new_n = cache.fresh(ctx, queries.round_reported_between, latest.round_id, since, until)
        st.caption(
            t("m_round_summary", lang, since=fmt_date(since_day, lang), new=new_n, reported=reported_n, asked=asked_n)
        )
        behind = [p for p in progress if p.missing]
        if behind:
            table(
                pd.DataFrame(
                    {
                        t("rounds_col_who", lang): [p.responsible or t("rounds_no_responsible", lang) for p in behind],
                        t("rounds_col_state", lang): [t(f"rounds_progress_{p.state}", lang) for p in behind],
                        t("rounds_col_missing", lang): [str(len(p.missing)) for p in behind],
                    }
                ),
                "meetings_round",
                "m_none",
            )
        else:
            st.caption(t("m_round_all_reported", lang))
        st.page_link("app_pages/rounds.py", label=t("m_round_link", lang), icon=":material/checklist:")
with tabs[3]:
    st.markdown(f"**{t('m_open_actions', lang)}**")
    table(data.actions, "meetings_actions", "m_no_actions")
    st.markdown(f"**{t('m_recorded', lang)}**")
    table(data.decisions, "meetings_decisions", "m_no_decisions")
    if editor and not open_items.empty:
        done = st.multiselect(
            t("m_close", lang),
            open_items["item_id"].tolist(),
            format_func=lambda i: open_items.set_index("item_id").loc[i, "text"][:80],
            placeholder=t("m_close_placeholder", lang),
            key="meetings_close_items",
            select_all=False,
        )
        if st.button(t("m_close_button", lang), key="meetings_close", disabled=not done):
            with errors.user_errors(lang):
                n = actions.close_action_items(ctx.db, [int(i) for i in done], ctx.today)
            st.session_state.pop("meetings_close_items", None)
            render.confirm(t("m_closed", lang, n=n))
            st.rerun()

    if not meetings.empty:
        st.divider()
        st.markdown(f"**{t('m_minutes', lang)}**")
        shown = st.selectbox(
            t("m_meeting", lang),
            meetings["meeting_id"].tolist(),
            format_func=lambda m: labels.get(m, str(m)),
            key="meetings_minutes",
        )
        assert shown is not None  # a selectbox over a non-empty list always has a choice
        m = meetings.set_index("meeting_id").loc[shown]
        st.caption(
            t(
                "m_minutes_meta",
                lang,
                day=fmt_date(m["held_on"], lang),
                who=md(followup.text(m["participants"])) or "—",
                by=md(m["created_by"]),
            )
        )
        minutes = followup.minutes(cache.fresh(ctx, queries.meeting_items, int(shown)), titles, lang)
        table(minutes, "meetings_minutes_items", "m_no_decisions")


def save(call, clear: dict[str, object], done: str):
    """Run one recording action; its form is emptied only after a save, so a refused entry keeps what
    was typed, to be corrected. Returns the action's result, or None when it was refused.
    clear: widget key → its empty value, set on the next run (the caller reruns after a save)."""
    with errors.user_errors(lang):
        result = call()
        # Set, not deleted, and before the widgets are made on the next run: a deleted widget state
        # leaves the browser showing what was typed, and a second click would record it twice.
        st.session_state["meetings_reset"] = clear
        render.confirm(t(done, lang))
        return result
    return None  # refused: its message is shown, and the form keeps what was typed


with tabs[5]:
    # Budget against money spent, as in the pack: by year, and the activities the money went to.
    if not spent_reported(spent_by_year):
        render.empty(t("spent_none", lang))
    else:
        st.caption(t("spent_note", lang))
        years = [str(int(y)) if pd.notna(y) else t("no_year", lang) for y in spent_by_year["year"]]
        render.table(use_table(spent_by_year, {t("year", lang): years}, lang), lang, key="meetings_spent_year")
        per_activity = cache.query(ctx, queries.budget_against_spent, f, "activity")
        per_activity = per_activity[per_activity["spent_sek"].notna()]
        spent_what = [
            f"{a} {followup.text(x)}".strip() if isinstance(a, str) else t("plan_level", lang)
            for a, x in zip(per_activity["activity_id"], per_activity["title"], strict=True)
        ]
        first = {
            t("col_plan", lang): [titles.get(p, p) for p in per_activity["plan_id"]],
            t("col_activity", lang): spent_what,
        }
        render.table(use_table(per_activity, first, lang), lang, key="meetings_spent_activity", width="stretch")

with tabs[6]:
    if not editor:
        st.info(t("m_editors_record", lang), icon=":material/lock:")
    else:
        for key, value in st.session_state.pop("meetings_reset", {}).items():
            st.session_state[key] = value
        with st.form("meetings_new"):
            st.markdown(f"**{t('m_new_meeting', lang)}**")
            held_on = st.date_input(t("m_held_on", lang), value=ctx.today, key="meetings_new_date")
            m_title = st.text_input(t("m_title", lang), key="meetings_new_title")
            participants = st.text_area(t("m_participants", lang), key="meetings_new_participants", height=68)
            st.caption(t("m_scope_saved", lang))
            if st.form_submit_button(t("m_create", lang)):
                mid = save(
                    lambda: actions.record_meeting(ctx.db, held_on, m_title, participants, dataclasses.asdict(f)),
                    # The date stays: the next meeting is often recorded the same day.
                    {"meetings_new_title": "", "meetings_new_participants": ""},
                    "m_created",
                )
                if mid is not None:
                    st.session_state["meetings_record_to"] = mid
                    # The record form below turns to the new meeting (its choice would otherwise keep
                    # the meeting chosen before).
                    st.session_state["meetings_reset"]["meetings_item_meeting"] = mid
                    st.rerun()

        if meetings.empty:
            st.caption(t("m_create_first", lang))
        else:
            acts = cache.query(ctx, queries.activities, f, "", "plan")
            # Options are "kind|plan|id" strings (plain values keep the widget's state simple).
            about = {
                f"plan|{pid}|": f"{titles.get(pid, pid)} · {t('m_whole_plan', lang)}"
                for pid in f.plans or plans["plan_id"]
            }
            about |= {
                f"activity|{r.plan_id}|{r.activity_id}": f"{titles.get(r.plan_id)} · {r.activity_id} {r.title}"
                for r in acts.itertuples()
            }
            about |= {
                f"target|{r.plan_id}|{r.target_id}": f"{titles.get(r.plan_id)} · {r.target_id} {r.name}"
                for r in targets.itertuples()
            }
            meeting_ids = meetings["meeting_id"].tolist()
            default_meeting = st.session_state.get("meetings_record_to", meeting_ids[0])
            with st.form("meetings_item"):
                st.markdown(f"**{t('m_new_item', lang)}**")
                meeting_id = st.selectbox(
                    t("m_meeting", lang),
                    meeting_ids,
                    index=meeting_ids.index(default_meeting) if default_meeting in meeting_ids else 0,
                    format_func=lambda m: labels[m],
                    key="meetings_item_meeting",
                )
                choice = st.selectbox(
                    t("m_about", lang), list(about), format_func=lambda a: about.get(a, a), key="meetings_item_about"
                )
                kind = st.radio(
                    t("m_kind", lang),
                    ["note", "decision", "action"],
                    format_func=lambda k: t(f"m_item_{k}", lang),
                    horizontal=True,
                    key="meetings_item_kind",
                )
                text = st.text_area(t("m_text", lang), key="meetings_item_text")
                o1, o2 = st.columns(2)
                owner = o1.text_input(t("m_owner_help", lang), key="meetings_item_owner")
                due = o2.date_input(t("m_due", lang), value=None, key="meetings_item_due")
                if st.form_submit_button(t("m_add", lang)) and choice is not None:
                    what, plan_id, item = choice.split("|", 2)
                    saved = save(
                        lambda: actions.add_meeting_item(
                            ctx.db,
                            int(meeting_id),
                            plan_id,
                            kind,
                            text,
                            activity_id=item if what == "activity" else None,
                            target_id=item if what == "target" else None,
                            owner=owner,
                            due=due,
                        ),
                        # The meeting, subject and kind stay: several items on one activity are common.
                        {"meetings_item_text": "", "meetings_item_owner": "", "meetings_item_due": None},
                        "m_added",
                    )
                    if saved is not None:
                        st.rerun()
