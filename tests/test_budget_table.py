"""The budget table by year and unit: an opening balance (IB) has a column of its own and is never in a year's total."""

import math

import pandas as pd

from dashboard.domain.budget import year_unit_table


def rows(*lines) -> pd.DataFrame:
    return pd.DataFrame(lines, columns=["year_label", "unit", "series", "amount_sek"])


def test_the_opening_balance_is_a_column_of_its_own_never_in_the_total():
    table = year_unit_table(
        rows(
            ("2016", "SAM", "budget", 100_000.0),
            ("2016", "KOM", "budget", 50_000.0),
            ("2016", "SAM", "opening_balance", 1_000_000.0),
            ("2017", "SAM", "budget", 20_000.0),
            ("2017", "SAM", "budget", 5_000.0),
        ),
        "Budget",
        "IB",
    )
    assert list(table.columns) == ["SAM", "KOM", "Budget", "IB"]
    assert list(table.index) == ["2016", "2017"]
    assert table.loc["2016", "Budget"] == 150_000.0  # the IB of 1 000 000 is not in the year's total
    assert table.loc["2016", "IB"] == 1_000_000.0
    assert table.loc["2017", "SAM"] == 25_000.0 and table.loc["2017", "Budget"] == 25_000.0
    assert math.isnan(table.loc["2017", "KOM"]) and math.isnan(table.loc["2017", "IB"])


def test_a_year_with_only_an_opening_balance_keeps_its_place_and_has_no_total():
    table = year_unit_table(
        rows(
            ("Utan år", "SAM", "opening_balance", 300.0),
            ("2016", "SAM", "budget", 100.0),
            ("2018", "SAM", "opening_balance", 40.0),
            ("2018", "SAM", "opening_balance", 2.0),
        ),
        "Budget",
        "IB",
    )
    assert list(table.index) == ["Utan år", "2016", "2018"]  # the order given, not sorted
    assert list(table["IB"].fillna(-1)) == [300.0, -1, 42.0]
    assert list(table["Budget"].fillna(-1)) == [-1, 100.0, -1]


def test_without_any_opening_balance_there_is_no_ib_column():
    table = year_unit_table(rows(("2017", "KOM", "budget", 7.0), ("2016", "KOM", "budget", 3.0)), "Budget", "IB")
    assert list(table.columns) == ["KOM", "Budget"]
    assert list(table.index) == ["2017", "2016"]


def test_only_opening_balances_give_a_table_of_ib_alone():
    table = year_unit_table(rows(("2016", "SAM", "opening_balance", 50.0)), "Budget", "IB")
    assert table.loc["2016", "IB"] == 50.0 and math.isnan(table.loc["2016", "Budget"])
