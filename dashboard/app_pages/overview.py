"""Overview: key figures for the filtered view and one card per plan."""

import pandas as pd
import streamlit as st

from dashboard import queries
from dashboard.domain.budget import budget_figures, budget_key_figures
from dashboard.domain.targets import summary
from dashboard.formats import fmt_date, fmt_datetime, fmt_int, fmt_tkr
from dashboard.i18n import status_label, status_order, t
from dashboard.reports import charts
from dashboard.reports.display import md
from dashboard.web import cache, context, render

ctx: context.Context = st.session_state["ctx"]
lang, f = ctx.lang, ctx.filters
st.title(t("app_title", lang))

cards = cache.query(ctx, queries.plan_cards, f)
if cards.empty:
    render.empty(t("no_match", lang))  # (a database without plans is said so by app.py)
    st.stop()

counts = cache.query(ctx, queries.status_counts, f, "plan")
targets = cache.query(ctx, queries.targets, f)
if counts.empty and not f.is_default():
    render.empty(render.no_activities(ctx, cards))  # (with no filters, each plan's card says that it has no activities)

# The same figures, by the same rule, as the meeting pack's key figures; a figure no plan gives in a word that
# fits a quarter of a laptop's screen.
money = budget_key_figures(budget_figures(cards), f.year_from, f.year_to, lang, short=True)
helps = ("kf_budget_help", None, None, "kf_spent_help")
for col, (label, value), help_key in zip(st.columns(4), money, helps, strict=True):
    col.metric(label, value, help=t(help_key, lang) if help_key else None)

# The activities in view, then how many have each status.
by_status = counts.groupby("status")["n"].sum()
cols = st.columns(1 + len(status_order()))
cols[0].metric(t("kf_activities", lang), fmt_int(counts["n"].sum(), lang))
for col, status in zip(cols[1:], status_order(), strict=True):
    col.metric(status_label(status, lang), fmt_int(by_status.get(status, 0), lang))

# The same counts per plan: which plan the statuses above come from.
if not counts.empty:
    st.subheader(t("status_by_plan", lang))
    names = context.plan_short(ctx)
    labelled = counts.assign(label=counts["grp"].map(lambda p: names.get(p, p)))
    render.chart(cache.figure(charts.status_bars, labelled, lang), key="overview_status")


st.subheader(t("kf_targets", lang))
for col, (key, n) in zip(st.columns(3), summary(targets).items(), strict=True):
    col.metric(t(key, lang), fmt_int(n, lang))

st.subheader(t("plans_heading", lang))


def small(text: str) -> str:
    """A card's secondary line, as st.caption shows it."""
    return f":gray[:small[{text}]]"


def card_text(card) -> str:
    """A plan's card as one Markdown text: each element costs the browser a render, and five cards of a dozen
    elements each (title, captions, three metrics in columns) were most of the page's."""
    if pd.isna(card.period_start) and pd.isna(card.period_end):
        period = t("plan_no_period", lang)
    else:
        period = f"{t('period', lang)}: {fmt_date(card.period_start, lang)} – {fmt_date(card.period_end, lang)}"
    owner = f" · {t('owner', lang)}: {md(card.owner)}" if isinstance(card.owner, str) else ""
    lines = [f"**{md(card.title)}**", small(f"{period}{owner}")]
    if card.budget_lines_stated:
        lines.append(f"**{t('budget', lang)}: {fmt_tkr(card.budget + card.no_year, lang)}**")
    else:
        lines.append(f"**{t('plan_no_budget', lang)}**")
    extra = []
    if card.no_year:
        extra.append(f"{t('kf_no_year', lang).lower()} {fmt_tkr(card.no_year, lang)}")
    if card.opening_balance:
        extra.append(f"{t('kf_ib', lang).lower()} {fmt_tkr(card.opening_balance, lang)}")
    if extra:
        lines.append(small(" · ".join(extra)))
    counts = (
        (t("kf_activities", lang), card.activities),
        (t("goals_n", lang).capitalize(), card.goals),
        (t("kf_targets", lang), card.targets),
    )
    lines.append(" · ".join(f"{label} **{fmt_int(n, lang)}**" for label, n in counts))
    if not card.activities:
        lines.append(small(t("plan_no_activities" if not card.activities_stated else "plan_no_match", lang)))
    updated = f"{t('last_updated', lang)} {fmt_datetime(card.loaded_at, lang)} ({t('version', lang)} {card.version})"
    lines.append(small(updated))
    return "\n\n".join(lines)


per_row = 2
# One pass over the cards (itertuples builds a new row type on each call: once, not once per row of cards).
plans = list(cards.itertuples(index=False))
for start in range(0, len(plans), per_row):
    for col, card in zip(st.columns(per_row), plans[start : start + per_row], strict=False):
        col.container(border=True).markdown(card_text(card))
st.caption(f"{t('data_version', lang)} {ctx.version}")
