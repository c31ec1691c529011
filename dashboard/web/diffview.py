"""A version's changes as tables and a one-line summary (pure), and their rendering on a page."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import streamlit as st

from dashboard.formats import MISSING, fmt_number, fmt_tkr
from dashboard.i18n import status_label, t
from dashboard.reports import display
from loaders.diff import PlanDiff
from loaders.identity import Replacement
from loaders.template import SHEET_BY_KEY


def _value(v, lang: str) -> str:
    if v is None or v == []:
        return MISSING
    if isinstance(v, list | tuple):
        return ", ".join(str(x) for x in v)
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, float):
        return fmt_number(v, lang)
    return str(v)


def summary_text(counts: dict | str | None, lang: str) -> str:
    """ "2 aktiviteter tillagda · 1 statusändring" from PlanDiff.counts() (or its stored JSON)."""
    if isinstance(counts, str):
        try:
            counts = json.loads(counts)
        except ValueError:
            counts = None
    if not isinstance(counts, dict) or not counts:
        return MISSING
    if counts.get("new_plan"):
        return t("diff_new_plan", lang).format(**{k: counts.get(k, 0) for k in ("activities_added", "budget_lines")})
    parts = [t(f"diff_n_{k}", lang).format(n=n) for k, n in counts.items() if n and k != "new_plan"]
    return " · ".join(parts) if parts else t("diff_none", lang)


def diff_tables(diff: PlanDiff, lang: str) -> dict[str, pd.DataFrame]:
    """One table per kind of change, with the UI's column names; kinds without changes are left out."""
    out: dict[str, pd.DataFrame] = {}
    change, col_id, col_title = t("diff_change", lang), "ID", t("diff_name", lang)
    field, before, after = t("diff_field", lang), t("diff_before", lang), t("diff_after", lang)

    def by_id(sheet: str, id_key: str, title_key: str, added, removed, changed) -> pd.DataFrame:
        # An added or removed row has no field, before or after: a dash says so (blank reads as missing data).
        blank = {field: MISSING, before: MISSING, after: MISSING}
        rows = [{change: t("diff_added", lang), col_id: r[id_key], col_title: r.get(title_key), **blank} for r in added]
        rows += [
            {change: t("diff_removed", lang), col_id: r[id_key], col_title: r.get(title_key), **blank} for r in removed
        ]
        rows += [
            {
                change: t("diff_changed", lang),
                col_id: c.key,
                col_title: c.title or "",
                field: SHEET_BY_KEY[sheet].header_of(c.field),
                before: _value(c.before, lang),
                after: _value(c.after, lang),
            }
            for c in changed
        ]
        return pd.DataFrame(rows)

    if diff.plan_fields:
        out["plan"] = pd.DataFrame(
            [
                {
                    field: SHEET_BY_KEY["plan"].header_of(c.field),
                    before: _value(c.before, lang),
                    after: _value(c.after, lang),
                }
                for c in diff.plan_fields
            ]
        )
    for key, sheet, id_key, title_key, parts in (
        (
            "activities",
            "activities",
            "activity_id",
            "title",
            (diff.activities_added, diff.activities_removed, diff.activities_changed),
        ),
        ("goals", "goals", "goal_id", "title", (diff.goals_added, diff.goals_removed, diff.goals_changed)),
        ("targets", "targets", "target_id", "name", (diff.targets_added, diff.targets_removed, diff.targets_changed)),
    ):
        if any(parts):
            out[key] = by_id(sheet, id_key, title_key, *parts)
    if diff.budget_totals:
        out["budget_totals"] = pd.DataFrame(
            [
                {
                    t("col_year", lang): str(r["year"]) if r["year"] is not None else t("no_year", lang),
                    t("diff_kind", lang): kind_label(r["kind"], lang),
                    before: fmt_tkr(r["before"], lang),
                    after: fmt_tkr(r["after"], lang),
                    t("diff_delta", lang): fmt_tkr(r["after"] - r["before"], lang),
                }
                for r in diff.budget_totals
            ]
        )
    if diff.budget_lines:
        out["budget_lines"] = pd.DataFrame(
            [
                {
                    t("col_activity", lang): r["activity_id"] or MISSING,
                    t("col_year", lang): str(r["year"]) if r["year"] is not None else t("no_year", lang),
                    t("col_unit", lang): r["unit"] or MISSING,
                    t("col_funding", lang): r["funding_source"] or MISSING,
                    t("diff_kind", lang): kind_label(r["kind"], lang),
                    before: fmt_tkr(r["before"], lang) if r["before"] is not None else MISSING,
                    after: fmt_tkr(r["after"], lang) if r["after"] is not None else MISSING,
                }
                for r in diff.budget_lines
            ]
        )
    if diff.outcomes:
        out["outcomes"] = pd.DataFrame(
            [
                {
                    t("col_target", lang): r["target_id"],
                    col_title: r.get("name") or "",
                    t("col_year", lang): str(r["year"]) if r["year"] is not None else MISSING,
                    t("col_region", lang): r["region"] or MISSING,
                    before: _value(r["before"], lang),
                    after: _value(r["after"], lang),
                }
                for r in diff.outcomes
            ]
        )
    if diff.spent:
        out["spent"] = pd.DataFrame(
            [
                {
                    t("col_activity", lang): r["activity_id"] or t("plan_level", lang),
                    col_title: r.get("title") or "",
                    t("col_year", lang): str(r["year"]) if r["year"] is not None else MISSING,
                    t("col_unit", lang): r["unit"] or MISSING,
                    t("col_funding", lang): r["funding_source"] or MISSING,
                    before: fmt_tkr(r["before"], lang) if r["before"] is not None else MISSING,
                    after: fmt_tkr(r["after"], lang) if r["after"] is not None else MISSING,
                }
                for r in diff.spent
            ]
        )
    if diff.status_changes:
        out["status"] = pd.DataFrame(
            [
                {
                    col_id: r["activity_id"],
                    col_title: r["title"],
                    before: status_label(r["before"], lang),
                    after: status_label(r["after"], lang),
                    t("col_as_of", lang): _value(r["as_of"], lang),
                    t("col_comment", lang): r["status_note"] or "",
                }
                for r in diff.status_changes
            ]
        )
    return out


def _md(text: str) -> str:
    # A title is the user's text: shown as it is, never as Markdown.
    return display.md(text)


def replacement_text(rep: Replacement, lang: str) -> str:
    """The warning above an upload's preview when it would replace a plan it seems not to be (Markdown)."""
    lines = [t("replace_warning", lang, plan_id=_md(rep.plan_id), plan=_md(rep.old_title))]
    if rep.title_changed:
        lines.append("- " + t("replace_title", lang, old=_md(rep.old_title), new=_md(rep.new_title)))
    if rep.most_removed:
        lines.append("- " + t("replace_activities", lang, removed=rep.removed, total=rep.total))
    return "\n".join(lines)


def kind_label(kind: str, lang: str) -> str:
    return display.kind_label(kind, lang)


def render(diff: PlanDiff, lang: str, key: str) -> None:
    """The changes, largest news first: totals, then each kind in its own table."""
    tables = diff_tables(diff, lang)
    if not tables:
        st.info(t("diff_none", lang), icon=":material/info:")
        return
    st.markdown(f"**{summary_text(diff.counts(), lang)}**")
    order = ("budget_totals", "activities", "status", "outcomes", "spent", "budget_lines", "targets", "goals", "plan")
    for name in order:
        if name in tables:
            st.markdown(f"###### {t('diff_section_' + name, lang)}")
            st.dataframe(display.table(tables[name], lang), hide_index=True, key=f"{key}_{name}", width="stretch")
