"""The budget rules: which sums the money key figures are (an opening balance is never part of a year's budget),
and how money spent is set against the budget."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.formats import MISSING, fmt_percent, fmt_tkr
from dashboard.i18n import t


@dataclass(frozen=True)
class BudgetFigures:
    """The money key figures, in SEK. Opening balances are never part of a year's budget."""

    in_period: float
    no_year: float
    opening_balance: float
    stated: bool = True  # False: no plan in scope states any budget line, so "0 tkr" would be a figure it never gave
    spent: float = 0.0  # money spent in scope (Kostnadsutfall), years in the period
    spent_stated: bool = False  # False: nothing spent is reported in scope: "0 tkr" would be a figure nobody gave


def budget_figures(cards: pd.DataFrame) -> BudgetFigures:
    """Sums over plan cards (queries.plan_cards): budget with a year in the period, without a year, opening balances."""

    def total(col: str) -> float:
        return float(pd.to_numeric(cards[col], errors="coerce").fillna(0).sum()) if not cards.empty else 0.0

    if "budget_lines_stated" in cards:
        stated = bool(pd.to_numeric(cards["budget_lines_stated"], errors="coerce").fillna(0).sum())
    else:
        stated = bool(total("budget") or total("no_year") or total("opening_balance"))
    spent_stated = "spent_rows" in cards and bool(pd.to_numeric(cards["spent_rows"], errors="coerce").fillna(0).sum())
    spent = total("spent") if "spent" in cards else 0.0
    return BudgetFigures(total("budget"), total("no_year"), total("opening_balance"), stated, spent, spent_stated)


def budget_key_figures(
    figures: BudgetFigures, year_from, year_to, lang: str, short: bool = False
) -> list[tuple[str, str]]:
    """The overview's and the meeting pack's money key figures as (label, value), in that order. Where no
    plan in scope states a budget, each reads "no budget stated" rather than a zero the documents never gave;
    where nothing spent is reported, "no money spent reported". short: those words in brief, for a metric."""

    def value(amount: float) -> str:
        if figures.stated:
            return fmt_tkr(amount, lang)
        return t("none_stated_short" if short else "plan_no_budget", lang)

    return [
        (f"{t('budget', lang)} {year_from}–{year_to}", value(figures.in_period)),
        (t("kf_no_year", lang), value(figures.no_year)),
        (t("kf_ib", lang), value(figures.opening_balance)),
        (
            f"{t('spent', lang)} {year_from}–{year_to}",
            fmt_tkr(figures.spent, lang)
            if figures.spent_stated
            else t("none_reported_short" if short else "no_spent", lang),
        ),
    ]


def year_unit_table(by_year: pd.DataFrame, total: str, opening_balance: str) -> pd.DataFrame:
    """The budget by year and unit as a table (queries.budget_by_year_unit with a `year_label` and a unit named
    on every row): a row per year label in the order given, a column per unit, then the year's `total` and,
    when any is stated, the `opening_balance` in a column of its own, never in the total. Amounts in SEK;
    NaN where a year has none."""
    budget_rows = by_year[by_year["series"] != "opening_balance"]
    table = budget_rows.pivot_table(index="year_label", columns="unit", values="amount_sek", aggfunc="sum", sort=False)
    table = table.assign(**{total: table.sum(axis=1)})
    ib = by_year[by_year["series"] == "opening_balance"].groupby("year_label")["amount_sek"].sum()
    if not ib.empty:
        table = table.join(ib.rename(opening_balance), how="outer")
        order = list(dict.fromkeys(by_year["year_label"]))
        table = table.reindex([y for y in order if y in table.index])
    return table


def spent_reported(compared: pd.DataFrame) -> bool:
    """Whether any money spent is reported in a comparison (queries.budget_against_spent)."""
    return not compared.empty and bool(compared["spent_sek"].notna().any())


def with_use(compared: pd.DataFrame) -> pd.DataFrame:
    """queries.budget_against_spent with the share of the budget used (`used`, 0.42 = 42 %) and what is left
    (`left_sek`), where both a budget and money spent are stated; NaN elsewhere, never a guess. Money spent
    where nothing is budgeted has no share: it is shown beside an empty budget, not as an infinite share."""
    budget = pd.to_numeric(compared["budget_sek"], errors="coerce")
    spent = pd.to_numeric(compared["spent_sek"], errors="coerce")
    both = budget.notna() & spent.notna() & (budget > 0)
    return compared.assign(
        used=(spent / budget).where(both),
        left_sek=(budget - spent).where(both),
    )


def use_table(compared: pd.DataFrame, first: dict[str, list], lang: str) -> pd.DataFrame:
    """Budget against money spent as a table of text: the `first` columns (what each row is), then budget,
    money spent, the share used and what is left (with_use), in tkr; "—" where a figure is not stated.
    The budget page and the meeting pack show the same table."""
    used = with_use(compared)

    def money(v) -> str:
        return fmt_tkr(v, lang) if pd.notna(v) else MISSING

    return pd.DataFrame({
        **first,
        t("budget", lang): used["budget_sek"].map(money).tolist(),
        t("col_spent", lang): used["spent_sek"].map(money).tolist(),
        t("col_used", lang): used["used"].map(lambda u: fmt_percent(u, lang) if pd.notna(u) else MISSING).tolist(),
        t("col_left", lang): used["left_sek"].map(money).tolist(),
    })  # fmt: skip
