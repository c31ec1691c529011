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


def test_a_cached_figure_gives_its_dict_once_and_the_chart_sent_is_the_same_each_time():
    import copy
    import json

    import plotly.io as pio
    import plotly.tools

    counts = pd.DataFrame({"label": ["p1", "p1", "p3"], "status": ["done", "ongoing", "done"], "n": [2, 1, 4]})
    fig = cache.figure(charts.status_bars, counts, "sv")
    spec = fig.to_dict()
    assert fig.to_dict() is spec  # made once, not copied and encoded again on each run
    before = copy.deepcopy(spec)
    # What st.plotly_chart does with the figure on each run; it must leave the shared dict as it was.
    sent = [pio.to_json(plotly.tools.return_figure_from_figure_or_data(fig, True), validate=False) for _ in range(2)]
    assert spec == before
    assert sent[0] == sent[1]
    # The same chart as the same figure built afresh, outside the cache, sends.
    fresh = charts.status_bars(counts, "sv")
    assert fresh.to_dict() is not fresh.to_dict()
    assert json.loads(sent[0]) == json.loads(
        pio.to_json(plotly.tools.return_figure_from_figure_or_data(fresh, True), validate=False)
    )
