"""The data gaps a follow-up round should close, each with the workbook sheet and column where it is fixed."""

from __future__ import annotations

import pandas as pd

from dashboard.formats import fmt_date
from dashboard.i18n import t
from loaders.template import SHEETS

# kind → (sheet key, column keys) in the workbook template: where the owner fills the gap in.
WHERE: dict[str, tuple[str, tuple[str, ...]]] = {
    "activity_no_responsible": ("activities", ("responsible", "unit")),
    "activity_no_dates": ("activities", ("start_date", "end_date")),
    "activity_status_unknown": ("status", ("status",)),
    "activity_stale": ("status", ("status", "status_note")),
    "target_no_baseline": ("targets", ("baseline_value",)),
    "target_no_year": ("targets", ("target_year",)),
    "parts_exceed_whole": ("targets", ("target_value",)),
    "budget_no_unit": ("budget", ("unit",)),
    "budget_no_funding": ("budget", ("funding_source",)),
}
KINDS = tuple(WHERE)
COLUMNS = ["plan_id", "kind", "item", "sheet", "column"]


def location(kind: str) -> tuple[str, str]:
    """(sheet name, column header(s)) of the template where a gap of this kind is filled in."""
    sheet_key, column_keys = WHERE[kind]
    sheet = next(s for s in SHEETS if s.key == sheet_key)
    headers = {c.key: c.header for c in sheet.columns}
    return sheet.name, ", ".join(headers[k] for k in column_keys)


def _text(value) -> str:
    # A workbook's empty cell arrives as None or NaN; either is no text.
    return value.strip() if isinstance(value, str) else ""


def _label(ident, text, width: int = 80) -> str:
    label = f"{_text(ident)} {_text(text)}".strip()
    return label if len(label) <= width else label[: width - 1].rstrip() + "…"


def _missing(series: pd.Series) -> pd.Series:
    return series.isna() | (series.astype("string").str.strip() == "")


def find(
    activities: pd.DataFrame,
    targets: pd.DataFrame,
    budget: pd.DataFrame,
    lang: str,
    stale: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every gap as a row (plan_id, kind, item, sheet, column), in the order of KINDS.

    activities: plan_id, activity_id, title, responsible, unit, start_date, end_date, status.
    stale: the open activities nothing has been reported on for N months (queries.stale_activities: plan_id,
    activity_id, title, last_update), each named with the day it last changed.
    targets: plan_id, target_id, name, part_of, baseline_value, target_year, target_value, target_change_pct.
    budget: plan_id, activity_id, line_no, year, unit (the line's own), activity_unit, funding_source."""
    rows: list[tuple[str, str, str]] = []

    def add(kind: str, frame: pd.DataFrame, label) -> None:
        rows.extend((p, kind, label(r)) for p, r in zip(frame["plan_id"], frame.itertuples(index=False), strict=True))

    def activity(r) -> str:
        return _label(r.activity_id, r.title)

    def target(r) -> str:
        return _label(r.target_id, r.name)

    a = activities
    add("activity_no_responsible", a[_missing(a["responsible"]) & _missing(a["unit"])], activity)
    add("activity_no_dates", a[a["start_date"].isna() | a["end_date"].isna()], activity)
    add("activity_status_unknown", a[a["status"].fillna("unknown") == "unknown"], activity)
    if stale is not None:

        def last(r) -> str:
            item = _label(r.activity_id, r.title, 64)
            return t("gap_last_update", lang, item=item, day=fmt_date(r.last_update, lang))

        add("activity_stale", stale, last)

    tg = targets
    # A target with no figure at all is qualitative: a missing baseline is no gap there.
    quantitative = tg["target_value"].notna() | tg["target_change_pct"].notna()
    add("target_no_baseline", tg[quantitative & tg["baseline_value"].isna()], target)
    add("target_no_year", tg[quantitative & tg["target_year"].isna()], target)
    parts = tg[tg["part_of"].notna() & tg["target_value"].notna()]
    sums = parts.groupby(["plan_id", "part_of"])["target_value"].sum()
    wholes = tg.set_index(["plan_id", "target_id"])["target_value"]
    over = [key for key, total in sums.items() if key in wholes.index and pd.notna(wholes[key]) and total > wholes[key]]
    over_mask = [(p, x) in over for p, x in zip(tg["plan_id"], tg["target_id"], strict=True)]
    add("parts_exceed_whole", tg.loc[over_mask], target)  # .loc: an empty list is no rows, not no columns

    b = budget

    def line(r) -> str:
        what = _text(r.activity_id) or t("gap_plan_level", lang)
        year = t("gap_no_year", lang) if pd.isna(r.year) else str(int(r.year))
        return t("gap_budget_line", lang, what=what, year=year, line=int(r.line_no))

    # A line without a unit of its own takes its activity's: only a line with neither has none.
    add("budget_no_unit", b[_missing(b["unit"]) & _missing(b["activity_unit"])], line)
    add("budget_no_funding", b[_missing(b["funding_source"])], line)

    out = pd.DataFrame(rows, columns=["plan_id", "kind", "item"])
    where = {k: location(k) for k in KINDS}
    out["sheet"] = [where[k][0] for k in out["kind"]]
    out["column"] = [where[k][1] for k in out["kind"]]
    return out[COLUMNS]


def counts(gaps: pd.DataFrame) -> dict[str, int]:
    """How many gaps of each kind (every kind, 0 included, in the order of KINDS)."""
    found = gaps["kind"].value_counts()
    return {k: int(found.get(k, 0)) for k in KINDS}
