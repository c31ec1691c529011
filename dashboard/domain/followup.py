"""A follow-up meeting's content as display tables (pure): changes, late, status unknown, at risk, stale, decisions,
actions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

from dashboard.domain.budget import budget_figures, budget_key_figures, spent_reported, use_table
from dashboard.domain.late import Overdue, past_end_table
from dashboard.domain.targets import at_risk, target_state, value_year, why_no_path
from dashboard.formats import MISSING, fmt_date, fmt_int, fmt_number, fmt_tkr
from dashboard.i18n import status_label, t
from dashboard.reports.charts import STATUS_COLORS
from dashboard.reports.display import who
from dashboard.reports.pack.model import Pack, Section


@dataclass
class MeetingContent:
    """Everything the meeting view and the meeting pack show, already formatted for the UI language."""

    changes: pd.DataFrame
    versions: pd.DataFrame
    late: pd.DataFrame
    unknown: pd.DataFrame  # past their end with no status reported: a gap to ask about, not "late"
    at_risk: pd.DataFrame
    stale: pd.DataFrame
    decisions: pd.DataFrame
    actions: pd.DataFrame
    counts: dict = field(default_factory=dict)


def _change_text(kind: str, before, after, lang: str) -> tuple[str, str]:
    if kind == "status":
        return status_label(before, lang), status_label(after, lang)
    if kind.startswith("budget_"):
        return fmt_tkr(before, lang), fmt_tkr(after, lang)
    if kind == "spent":  # None: no figure before (a first report) or after
        return (
            fmt_tkr(before, lang) if before is not None and not pd.isna(before) else MISSING,
            fmt_tkr(after, lang) if after is not None and not pd.isna(after) else MISSING,
        )
    if kind == "outcome":
        return (
            fmt_number(before, lang) if before is not None else MISSING,
            fmt_number(after, lang) if after is not None else MISSING,
        )
    if kind == "activity_changed":
        return "", t("m_fields", lang, fields=after)
    return "", ""


def content(
    lang: str,
    plan_titles: dict[str, str],
    changes: pd.DataFrame,
    versions: pd.DataFrame,
    overdue: Overdue,
    targets: pd.DataFrame,
    stale: pd.DataFrame,
    items: pd.DataFrame,
    actions: pd.DataFrame,
    as_of: date,
) -> MeetingContent:
    """The meeting's tables; `as_of` is the day an open action's due date is passed against."""
    plan = t("col_plan", lang)

    def plan_name(pid: str) -> str:
        return plan_titles.get(pid, pid)

    change_rows = []
    for r in changes.itertuples(index=False):
        before, after = _change_text(r.kind, r.before, r.after, lang)
        item = r.item
        if r.kind.startswith("budget_"):
            item = t("no_year", lang) if pd.isna(r.item) or r.item is None else str(int(r.item))
        change_rows.append(
            {
                plan: plan_name(r.plan_id),
                t("m_what", lang): t(f"m_kind_{r.kind}", lang),
                # A new plan has no item, name or values: a dash says so (a blank cell reads as missing data).
                "ID": text(item) or MISSING,
                t("diff_name", lang): text(r.title) or (t("plan_level", lang) if r.kind == "spent" else MISSING),
                t("diff_before", lang): before or MISSING,
                t("diff_after", lang): after or MISSING,
            }
        )

    late = past_end_table(overdue.late, plan_titles, lang, "m_days_late")
    unknown = past_end_table(overdue.unknown, plan_titles, lang, "days_past_end")
    risk = at_risk(targets)
    risk_rows = [
        {
            plan: plan_name(r.plan_id),
            "ID": r.target_id,
            t("diff_name", lang): r.name,
            t("m_baseline", lang): value_year(r.baseline_value, r.baseline_year, lang) or MISSING,
            t("m_target", lang): value_year(r.target_value, r.target_year, lang) or MISSING,
            t("m_latest", lang): value_year(r.outcome, r.outcome_year, lang) or MISSING,
        }
        for r in risk.itertuples(index=False)
    ]
    stale_rows = [
        {
            plan: plan_name(r.plan_id),
            "ID": r.activity_id,
            t("col_title", lang): r.title,
            t("col_responsible", lang): text(r.responsible) or MISSING,
            t("col_status", lang): status_label(r.status, lang),
            t("m_last_update", lang): fmt_date(r.last_update, lang),
        }
        for r in stale.itertuples(index=False)
    ]
    decision_rows = [_item_row(r, plan_name, lang) for r in items.itertuples(index=False) if r.kind != "action"]
    action_rows = [_item_row(r, plan_name, lang) for r in actions.itertuples(index=False)]
    version_rows = [
        {
            plan: plan_name(r.plan_id),
            t("h_version", lang): str(r.version),
            t("h_when", lang): pd.Timestamp(r.loaded_at).strftime("%Y-%m-%d %H:%M"),
            t("h_who", lang): who(r.loaded_by, lang),
            t("h_action", lang): t(f"action_{r.action}", lang),
        }
        for r in versions.itertuples(index=False)
    ]
    out = MeetingContent(
        changes=pd.DataFrame(change_rows),
        versions=pd.DataFrame(version_rows),
        late=late,
        unknown=unknown,
        at_risk=pd.DataFrame(risk_rows),
        stale=pd.DataFrame(stale_rows),
        decisions=pd.DataFrame(decision_rows),
        actions=pd.DataFrame(action_rows),
    )
    out.counts = {
        "changes": len(change_rows),
        "late": len(late),
        "unknown": len(unknown),
        "at_risk": len(risk_rows),
        "stale": len(stale_rows),
        "actions": len(action_rows),
        "overdue_actions": int(sum(1 for r in actions.itertuples(index=False) if _overdue(r.due, as_of))),
    }
    return out


def minutes(items: pd.DataFrame, plan_titles: dict[str, str], lang: str) -> pd.DataFrame:
    """One meeting's record: every note, decision and action item, as a table."""
    return pd.DataFrame([_item_row(r, lambda p: plan_titles.get(p, p), lang) for r in items.itertuples(index=False)])


def _overdue(due, as_of: date) -> bool:
    return due is not None and not pd.isna(due) and pd.Timestamp(due).date() < as_of


def text(value) -> str:
    """A cell from a query as text: NULL (None, NaN or NA, depending on the column) becomes ""."""
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _item_row(r, plan_name, lang: str) -> dict:
    about = text(r.activity_id) or text(r.target_id)
    row = {
        t("m_meeting", lang): fmt_date(r.held_on, lang),
        t("col_plan", lang): plan_name(r.plan_id),
        t("m_about", lang): f"{about} {text(r.about)}".strip() or t("m_whole_plan", lang),
        t("m_kind", lang): t(f"m_item_{r.kind}", lang),
        t("m_text", lang): r.text,
    }
    if r.kind == "action":
        row[t("m_owner", lang)] = text(r.owner) or MISSING
        row[t("m_due", lang)] = fmt_date(r.due, lang)
        row[t("col_status", lang)] = t(f"m_action_{r.status}", lang)
    return row


def key_figures(cards: pd.DataFrame, f, data: MeetingContent, lang: str) -> list[tuple[str, str]]:
    """The pack's key figures: the overview's money figures (the same rule) and the meeting's counts."""
    money = budget_key_figures(budget_figures(cards), f.year_from, f.year_to, lang)
    activities = int(cards["activities"].sum()) if not cards.empty else 0
    return [
        *money,
        (t("kf_activities", lang), fmt_int(activities, lang)),
        (t("m_n_changes", lang), fmt_int(data.counts["changes"], lang)),
        (t("m_n_late", lang), fmt_int(data.counts["late"], lang)),
        (t("m_n_unknown", lang), fmt_int(data.counts["unknown"], lang)),
        (t("m_n_at_risk", lang), fmt_int(data.counts["at_risk"], lang)),
        (t("m_n_actions", lang), fmt_int(data.counts["actions"], lang)),
    ]


def _spent_rows(spent: pd.DataFrame | None, lang: str) -> pd.DataFrame:
    if spent is None or not spent_reported(spent):
        return pd.DataFrame()
    years = [str(int(y)) if pd.notna(y) else t("no_year", lang) for y in spent["year"]]
    return use_table(spent, {t("year", lang): years}, lang)


def to_pack(
    lang: str,
    title: str,
    version: int,
    scope: list[tuple[str, str]],
    key_figures: list[tuple[str, str]],
    budget: pd.DataFrame,
    status: pd.DataFrame,
    targets: pd.DataFrame,
    plan_titles: dict[str, str],
    data: MeetingContent,
    generated_at: datetime,
    spent: pd.DataFrame | None = None,
) -> Pack:
    """The meeting pack's content: the same tables the meeting view shows, and its charts' data.

    spent: budget against money spent by year (queries.budget_against_spent); its table is empty, and the
    key figures say "no money spent reported", when none is."""
    by_year = (
        budget.assign(
            year_label=[t("no_year", lang) if pd.isna(y) else str(int(y)) for y in budget["year"]],
            kind=["opening_balance" if s == "opening_balance" else "budget" for s in budget["series"]],
            tkr=budget["amount_sek"].astype(float) / 1000,
        )
        .groupby(["year_label", "kind"], as_index=False, sort=False)["tkr"]
        .sum()
        if not budget.empty
        else pd.DataFrame(columns=["year_label", "kind", "tkr"])
    )
    status_rows = pd.DataFrame(
        {
            "plan": [plan_titles.get(g, g) for g in status["grp"]],
            "status": [status_label(s, lang) for s in status["status"]],
            "n": status["n"].astype(int),
        }
    )
    target_rows = []
    for r in targets.to_dict("records"):
        # Every target in scope: one with a path is charted; the others are listed with what they lack.
        state = target_state(r)
        latest = r.get("outcome")
        target_rows.append(
            {
                "name": f"{r['target_id']} {r['name']}",
                "baseline": state.baseline,
                "target": state.target,
                "latest": None if pd.isna(latest) else float(latest),
                "on_path": state.on_path,
                "missing": why_no_path(state, lang),
            }
        )
    # Each with a short sheet name of its own: Excel cuts a name at 31 characters.
    sections = [
        Section(t("m_late", lang), data.late, t("pack_sheet_late", lang)),
        Section(t("unknown_after_end", lang), data.unknown, t("pack_sheet_unknown", lang)),
        Section(t("m_at_risk", lang), data.at_risk, t("pack_sheet_at_risk", lang)),
        Section(t("m_tab_changes", lang), data.changes, t("pack_sheet_changes", lang)),
        Section(t("spent_heading", lang), _spent_rows(spent, lang), t("pack_sheet_spent", lang)),
        Section(t("m_tab_stale", lang), data.stale, t("pack_sheet_stale", lang)),
        Section(t("m_recorded", lang), data.decisions, t("pack_sheet_recorded", lang)),
        Section(t("m_open_actions", lang), data.actions, t("pack_sheet_actions", lang)),
    ]
    return Pack(
        lang=lang,
        title=title,
        generated_at=generated_at,
        data_version=version,
        scope=scope,
        key_figures=key_figures,
        budget=by_year,
        status=status_rows,
        status_colors={status_label(s, lang): c for s, c in STATUS_COLORS.items()},
        targets=pd.DataFrame(target_rows, columns=["name", "baseline", "target", "latest", "on_path", "missing"]),
        sections=sections,
    )
