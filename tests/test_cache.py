"""The shared figure cache: a figure is reused for the same data, never for other data."""

from __future__ import annotations

import pandas as pd

from dashboard.reports import charts
from dashboard.web import cache


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"plan": ["a", "b", "b"], "status": ["done", "ongoing", "done"], "n": [1, 2, 3]})


def test_the_figure_key_is_the_same_for_a_copy_and_differs_for_any_change():
    df = _frame()
    key = cache._frame_key(df)
    assert cache._frame_key(df.copy(deep=True)) == key
    changed = [
        df.assign(n=[1, 2, 4]),  # a value
        df.assign(n=[1.0, 2.0, 3.0]),  # the same numbers as another type
        df.rename(columns={"n": "count"}),  # a column's name
        df.set_axis([1, 2, 3]),  # the index
        df.iloc[:2],  # a row fewer
        df.assign(plan=["a", "b", "c"]),  # a text
    ]
    assert len({key, *(cache._frame_key(c) for c in changed)}) == 1 + len(changed)


def test_a_cached_figure_is_reused_for_equal_data_and_rebuilt_for_other_data():
    counts = pd.DataFrame({"label": ["p1", "p1", "p2"], "status": ["done", "ongoing", "done"], "n": [2, 1, 4]})
    first = cache.figure(charts.status_bars, counts, "sv")
    assert cache.figure(charts.status_bars, counts.copy(deep=True), "sv") is first
    other = cache.figure(charts.status_bars, counts.assign(n=[2, 1, 5]), "sv")
    assert other is not first
    assert [list(t.x) for t in other.data] != [list(t.x) for t in first.data]
