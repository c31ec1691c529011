"""Chart logic that pages rely on: whether an outcome is on the straight path from baseline to target."""

import pandas as pd

from dashboard.rules import on_path


def test_on_path():
    target = pd.Series({"baseline_year": 2015, "baseline_value": 110.0, "target_year": 2017, "target_value": 130.0,
                        "target_change_pct": None})  # fmt: skip
    assert on_path(target, 2016, 120) is True
    assert on_path(target, 2016, 119) is False
    assert on_path(target, 2018, 130) is True  # after the target year the target itself is the path
    pct = target.copy()
    pct["target_value"], pct["target_change_pct"] = None, 25.0
    assert on_path(pct, 2017, 137.5) is True
    no_base = target.copy()
    no_base["baseline_value"] = None
    assert on_path(no_base, 2016, 500) is None  # no baseline: cannot tell
