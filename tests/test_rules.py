"""The follow-up rules: late against status unknown after its end, the money key figures, as-of."""

from datetime import date

import pandas as pd
import pytest

from dashboard.domain.budget import BudgetFigures, budget_figures, budget_key_figures
from dashboard.domain.filters import Filters, from_query_params, to_query_params
from dashboard.domain.late import months_before, overdue

# ---------------------------------------------------------------------------- late and status unknown

AS_OF = date(2012, 6, 30)


def activities() -> pd.DataFrame:
    rows = [
        ("a", "ongoing", date(2012, 6, 29)),  # late by a day
        ("b", "not_started", date(2012, 1, 1)),
        ("c", "postponed", date(2011, 12, 31)),
        ("d", "unknown", date(2012, 3, 31)),  # no status: a gap to ask about, not late
        ("e", "done", date(2011, 12, 31)),
        ("f", "cancelled", date(2011, 12, 31)),
        ("g", "ongoing", AS_OF),  # ends on the as-of day: not past its end yet
        ("h", "unknown", date(2013, 12, 31)),  # ends after the as-of day
        ("i", "ongoing", None),  # no end date
    ]
    return pd.DataFrame(
        [
            {"plan_id": "p", "activity_id": a, "status": s, "end_date": pd.Timestamp(e) if e else pd.NaT}
            for a, s, e in rows
        ]
    )


def test_late_is_a_known_open_status_past_its_end():
    result = overdue(activities(), AS_OF)
    assert list(result.late["activity_id"]) == ["a", "b", "c"]
    assert list(result.late["days_late"]) == [1, 181, 182]


def test_status_unknown_after_its_end_is_apart_from_late():
    result = overdue(activities(), AS_OF)
    assert list(result.unknown["activity_id"]) == ["d"]
    assert list(result.unknown["days_late"]) == [91]


def test_the_as_of_day_decides_what_has_passed():
    result = overdue(activities(), date(2014, 1, 1))
    assert list(result.late["activity_id"]) == ["a", "b", "c", "g"]
    assert list(result.unknown["activity_id"]) == ["d", "h"]
    early = overdue(activities(), date(2011, 6, 1))
    assert early.late.empty and early.unknown.empty


def test_no_activities_no_overdue():
    result = overdue(pd.DataFrame(columns=["plan_id", "activity_id", "status", "end_date"]), AS_OF)
    assert result.late.empty and result.unknown.empty and "days_late" in result.late.columns


def test_months_before_counts_back_from_the_as_of_day():
    assert months_before(AS_OF, 6) == date(2011, 12, 31)  # 182 days: a month is 30.44 days


# ---------------------------------------------------------------------------- money key figures


def test_budget_key_figures_keep_no_year_and_opening_balance_apart():
    cards = pd.DataFrame({"budget": [0.0, 2_400_000.0], "no_year": [1_560_500.0, 0.0], "opening_balance": [0.0, 5000]})
    figures = budget_figures(cards)
    assert figures == BudgetFigures(2_400_000.0, 1_560_500.0, 5000.0)
    shown = dict(budget_key_figures(figures, 2016, 2018, "sv"))
    assert shown == {
        "Budget 2016–2018": "2\u00a0400\u00a0tkr",
        "Utan år": "1\u00a0560,5\u00a0tkr",
        "Ingående balans": "5\u00a0tkr",
        "Kostnadsutfall 2016–2018": "Inget utfall rapporterat",  # no figure spent: never "0 tkr"
    }
    empty = budget_figures(pd.DataFrame(columns=["budget", "no_year", "opening_balance"]))
    assert empty == BudgetFigures(0.0, 0.0, 0.0, stated=False)


def test_money_spent_is_a_key_figure_once_any_is_reported_even_zero():
    cards = pd.DataFrame(
        {"budget": [100.0], "no_year": [0.0], "opening_balance": [0.0], "spent": [0.0], "spent_rows": [1]}
    )
    figures = budget_figures(cards)
    assert (figures.spent, figures.spent_stated) == (0.0, True)
    assert dict(budget_key_figures(figures, 2016, 2018, "en"))["Money spent 2016–2018"] == "0\u00a0kSEK"
    cards["spent"], cards["spent_rows"] = [0.0], [0]
    assert dict(budget_key_figures(budget_figures(cards), 2016, 2018, "en"))["Money spent 2016–2018"] == (
        "No money spent reported"
    )


def test_a_scope_without_any_budget_says_none_is_stated_not_zero():
    """The communication and internationalisation plans state no budget: "0 tkr" would be a figure they never gave."""
    cards = pd.DataFrame(
        {"budget": [0.0, 0.0], "no_year": [0.0, 0.0], "opening_balance": [0.0, 0.0], "budget_lines_stated": [0, 0]}
    )
    shown = dict(budget_key_figures(budget_figures(cards), 2020, 2023, "sv"))
    assert shown == {
        "Budget 2020–2023": "Ingen budget angiven",
        "Utan år": "Ingen budget angiven",
        "Ingående balans": "Ingen budget angiven",
        "Kostnadsutfall 2020–2023": "Inget utfall rapporterat",
    }
    # A plan that states budget lines, none of them in the period, has a true zero in the period.
    cards["budget_lines_stated"] = [0, 3]
    cards["no_year"] = [0.0, 1000.0]
    shown = dict(budget_key_figures(budget_figures(cards), 2020, 2023, "en"))
    assert shown["Budget 2020–2023"] == "0\u00a0kSEK" and shown["No year given"] == "1\u00a0kSEK"


# ---------------------------------------------------------------------------- as-of in the URL

TODAY = date(2026, 12, 3)
YEARS = (2011, 2023)


def read(params: dict) -> Filters:
    return from_query_params(params, {}, YEARS, TODAY)


def test_as_of_round_trips_through_the_url():
    f = Filters(year_from=2011, year_to=2023, as_of=date(2012, 6, 30))
    params = to_query_params(f, YEARS)
    assert params == {"asof": "2012-06-30"}
    assert read({k: [v] for k, v in params.items()}) == f


def test_no_as_of_means_today_and_keeps_the_url_short():
    f = read({})
    assert f.as_of is None
    assert "asof" not in to_query_params(f, YEARS)
    assert f.is_default() and Filters(as_of=date(2012, 6, 30)).is_default()


@pytest.mark.parametrize("value", ["30/06/2012", "2012-13-40", "", "idag", "2026-12-03", "2027-01-01"])
def test_an_unreadable_or_future_as_of_is_ignored(value):
    assert read({"asof": [value]}).as_of is None
