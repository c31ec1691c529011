"""The data gaps a round should close: each kind found, none in a complete plan, and where each is fixed."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.domain import gaps

NAN = float("nan")


def _frames(activities=(), targets=(), budget=()) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    a_cols = ["plan_id", "activity_id", "title", "responsible", "unit", "start_date", "end_date", "status"]
    t_cols = ["plan_id", "target_id", "name", "part_of", "baseline_value", "target_year", "target_value",
              "target_change_pct"]  # fmt: skip
    b_cols = ["plan_id", "activity_id", "line_no", "year", "unit", "activity_unit", "funding_source"]
    return (pd.DataFrame(list(activities), columns=a_cols), pd.DataFrame(list(targets), columns=t_cols),
            pd.DataFrame(list(budget), columns=b_cols))  # fmt: skip


COMPLETE_ACTIVITY = ("p", "A1", "Mentorprogram", "Bo", "SAM", date(2016, 1, 1), date(2017, 12, 31), "ongoing")
COMPLETE_TARGET = ("p", "T1", "Mentorpar per år", None, 110.0, 2017, 130.0, NAN)
COMPLETE_LINE = ("p", "A1", 1, 2016, "SAM", "SAM", "Strategiska medel")


def test_a_complete_plan_has_no_gaps():
    found = gaps.find(*_frames([COMPLETE_ACTIVITY], [COMPLETE_TARGET], [COMPLETE_LINE]), "sv")
    assert found.empty and set(gaps.counts(found).values()) == {0}


def test_each_kind_is_found_and_named_where_it_is_fixed():
    activities = [
        ("p", "A2", "Utan ansvarig", None, " ", date(2016, 1, 1), date(2016, 12, 31), "ongoing"),
        ("p", "A3", "Utan slut", "Bo", None, date(2016, 1, 1), None, "unknown"),
    ]
    targets = [
        ("p", "T2", "Kontrakt", None, NAN, 2018, 80.0, NAN),  # no baseline
        ("p", "T3", "varav Jämtland", "T2", 10.0, 2018, 50.0, NAN),
        ("p", "T4", "varav Västernorrland", "T2", 10.0, 2018, 40.0, NAN),  # 50 + 40 > 80
        ("p", "T5", "Ökning", None, 100.0, NAN, NAN, 25.0),  # no target year
        ("p", "T6", "Kvalitativt mål", None, NAN, NAN, NAN, NAN),  # qualitative: no gap
    ]
    budget = [
        ("p", None, 7, NAN, None, None, None),  # plan level: no unit, no funding
        ("p", "A1", 8, 2016, None, "SAM", "Strategiska medel"),  # takes its activity's unit: no gap
    ]
    found = gaps.find(*_frames(activities, targets, budget), "sv")
    by_kind = {k: list(found[found["kind"] == k]["item"]) for k in gaps.KINDS}
    assert by_kind == {
        "activity_no_responsible": ["A2 Utan ansvarig"],
        "activity_no_dates": ["A3 Utan slut"],
        "activity_status_unknown": ["A3 Utan slut"],
        "activity_stale": [],  # none given
        "target_no_baseline": ["T2 Kontrakt"],
        "target_no_year": ["T5 Ökning"],
        "parts_exceed_whole": ["T2 Kontrakt"],
        "budget_no_unit": ["Budgetrad 7: planens gemensamma, utan år"],
        "budget_no_funding": ["Budgetrad 7: planens gemensamma, utan år"],
    }
    row = found[found["kind"] == "parts_exceed_whole"].iloc[0]
    assert (row["sheet"], row["column"]) == ("Målsättningar", "Målvärde")
    assert gaps.location("activity_no_responsible") == ("Aktiviteter", "Ansvarig, Enhet")
    assert gaps.location("activity_status_unknown") == ("Status", "Status")
    assert gaps.location("budget_no_funding") == ("Budget", "Finansiering")
    english = gaps.find(*_frames([], [], budget[:1]), "en")
    assert list(english["item"]) == ["Budget line 7: plan level, no year"] * 2


def test_parts_that_fit_their_whole_are_no_gap():
    targets = [
        ("p", "T2", "Kompetenskontrakt", None, NAN, 2018, 80.0, NAN),
        ("p", "T3", "varav i Jämtland", "T2", NAN, 2018, 15.0, NAN),
    ]
    found = gaps.find(*_frames([], targets, []), "sv")
    assert "parts_exceed_whole" not in set(found["kind"])


def test_an_activity_not_reported_on_for_months_is_a_gap_named_with_its_last_update():
    stale = pd.DataFrame(
        [("p", "A7", "Mentorprogram", date(2016, 3, 1))], columns=["plan_id", "activity_id", "title", "last_update"]
    )
    found = gaps.find(*_frames([COMPLETE_ACTIVITY], [], []), "sv", stale)
    assert list(found["item"]) == ["A7 Mentorprogram (senast 2016-03-01)"]
    assert (found.iloc[0]["sheet"], found.iloc[0]["column"]) == ("Status", "Status, Kommentar")
    assert gaps.counts(found)["activity_stale"] == 1
    english = gaps.find(*_frames([], [], []), "en", stale)
    assert list(english["item"]) == ["A7 Mentorprogram (last 2016-03-01)"]
    assert gaps.find(*_frames([COMPLETE_ACTIVITY], [], []), "sv", stale.iloc[0:0]).empty
