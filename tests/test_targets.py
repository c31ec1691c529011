"""The target rules (dashboard/domain/targets.py): kind, end value, path, parts, outcomes, verdicts, texts."""

import pandas as pd
import pytest

from dashboard.domain.targets import (
    Bullet,
    Path,
    at_risk,
    bullet,
    by_kind,
    goal_text,
    heading,
    kind,
    latest_on_path,
    on_path,
    outcome_text,
    outcomes_of,
    path,
    progress,
    span_text,
    split_by_path,
    summary,
    target_state,
    target_value,
    value_year,
    verdicts,
    wholes_and_parts,
    why_no_path,
)

COLUMNS = ("baseline_year", "baseline_value", "target_year", "target_value", "target_change_pct", "outcome_year",
           "outcome")  # fmt: skip


def target(**values) -> pd.Series:
    return pd.Series({**dict.fromkeys(COLUMNS), **values}, dtype=object)


def frame(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame([{**dict.fromkeys(COLUMNS), **r} for r in rows])


RISING = {"baseline_year": 2015, "baseline_value": 100, "target_year": 2019, "target_value": 140}
FALLING = {"baseline_year": 2015, "baseline_value": 100, "target_year": 2019, "target_value": 60}

# ---------------------------------------------------------------------------- end value and path


def test_the_end_value_is_stated_or_the_baseline_changed_by_the_percent():
    assert target_value(target(target_value=80)) == 80
    assert target_value(target(baseline_value=100, target_change_pct=20)) == pytest.approx(120)
    assert target_value(target(baseline_value=100, target_change_pct=-10)) == pytest.approx(90)  # falling
    assert target_value(target(target_value=80, target_change_pct=20, baseline_value=100)) == 80  # stated wins
    assert target_value(target(target_change_pct=25)) is None  # % change without a baseline: no value
    assert target_value(target(baseline_value=float("nan"), target_change_pct=25)) is None
    assert target_value(target()) is None


def test_on_path():
    one = target(baseline_year=2015, baseline_value=110.0, target_year=2017, target_value=130.0)
    assert on_path(one, 2016, 120) is True
    assert on_path(one, 2016, 119) is False
    assert on_path(one, 2018, 130) is True  # after the target year the target itself is the path
    assert on_path(one, 2010, 110) is True  # before the baseline year the baseline is the path
    pct = target(baseline_year=2015, baseline_value=110.0, target_year=2017, target_change_pct=25.0)
    assert on_path(pct, 2017, 137.5) is True
    assert on_path(pct, 2017, 137.4) is False
    no_base = target(baseline_year=2015, target_year=2017, target_value=130.0)
    assert on_path(no_base, 2016, 500) is None  # no baseline: cannot tell


def test_on_a_falling_target_below_the_path_is_on_it():
    falling = target(**FALLING)  # 100 → 60 over four years: 80 expected in 2017
    assert on_path(falling, 2017, 75) is True
    assert on_path(falling, 2017, 80) is True
    assert on_path(falling, 2017, 85) is False
    assert target_state(target(**FALLING, outcome_year=2017, outcome=75)).verdict == "on_track"
    assert target_state(target(**FALLING, outcome_year=2017, outcome=85)).verdict == "behind"


def test_a_target_year_equal_to_the_baseline_year_is_the_target_itself():
    level = {"baseline_year": 2017, "baseline_value": 10, "target_year": 2017, "target_value": 12}
    assert on_path(target(**level), 2017, 12) is True
    assert on_path(target(**level), 2017, 11) is False
    assert path(target(**level)) == Path(2017, 10.0, 2017, 12.0)
    assert target_state(target(**level, outcome_year=2017, outcome=12)).verdict == "on_track"


def test_a_target_with_a_path_is_on_track_behind_or_without_outcome():
    assert target_state(target(**RISING, outcome_year=2017, outcome=125)).verdict == "on_track"
    assert target_state(target(**RISING, outcome_year=2017, outcome=110)).verdict == "behind"  # path: 120
    state = target_state(target(**RISING))
    assert (state.path, state.missing, state.verdict) == (True, (), "no_outcome")
    pct = target_state(target(baseline_year=2015, baseline_value=100, target_year=2019, target_change_pct=20))
    assert (pct.path, pct.target) == (True, pytest.approx(120))


def test_the_verdict_as_yes_no_or_cannot_tell():
    assert target_state(target(**RISING, outcome_year=2017, outcome=125)).on_path is True
    assert target_state(target(**RISING, outcome_year=2017, outcome=110)).on_path is False
    assert target_state(target(**RISING)).on_path is None  # no outcome
    assert target_state(target(target_value=80, outcome_year=2017, outcome=90)).on_path is None  # no path


def test_a_percent_change_without_a_baseline_value_has_no_path_but_an_index():
    # The mobility plan: "+25 % compared with 2015", with no figure for 2015.
    state = target_state(target(baseline_year=2015, target_year=2018, target_change_pct=25, outcome=3))
    assert (state.path, state.index_path, state.missing, state.verdict) == (False, True, ("baseline_value",), "no_path")
    assert why_no_path(state, "sv") == "basvärde saknas"
    assert why_no_path(state, "en") == "no baseline value"


def test_a_baseline_without_a_target_year_has_no_path():
    # The 2011–2013 plan: "33,3 % (2010) → 100 %", no year given for the target.
    state = target_state(target(baseline_year=2010, baseline_value=33.3, target_value=100))
    assert (state.path, state.index_path, state.missing) == (False, False, ("target_year",))
    assert (state.baseline, state.target) == (33.3, 100)
    assert why_no_path(state, "en") == "no target year"


def test_a_target_without_any_figure_is_qualitative():
    state = target_state(target(target_year=2012))
    assert (state.path, state.missing, state.verdict) == (False, ("qualitative",), "no_path")
    assert why_no_path(state, "sv") == "kvalitativ, inget mätbart värde"


def test_everything_missing_is_named():
    state = target_state(target(target_value=80))
    assert state.missing == ("baseline_value", "baseline_year", "target_year")
    assert why_no_path(state, "en") == "no baseline value, no baseline year, no target year"
    assert target_state(target(baseline_value=8, target_year=2017, target_value=8)).missing == ("baseline_year",)


def test_the_path_drawn_in_the_targets_own_figures():
    assert path(target(**RISING)) == Path(2015, 100.0, 2019, 140.0)
    assert path(target(**FALLING)) == Path(2015, 100.0, 2019, 60.0)
    pct = path(target(baseline_year=2015, baseline_value=200, target_year=2018, target_change_pct=-10))
    assert (pct.target, pct.index, pct.change_pct) == (pytest.approx(180), False, -10)


def test_a_percent_change_without_a_baseline_value_is_drawn_as_an_index():
    """The mobility plan's "+25 % compared with 2015": 2015 = 100, the target 125 in 2018."""
    assert path(target(baseline_year=2015, target_year=2018, target_change_pct=25)) == Path(
        2015, 100.0, 2018, 125.0, index=True, change_pct=25
    )
    falling = path(target(baseline_year=2015, target_year=2018, target_change_pct=-10))
    assert (falling.baseline, falling.target, falling.index) == (100.0, 90.0, True)


def test_no_path_is_drawn_without_both_years_or_any_figure():
    assert path(target(baseline_year=2010, baseline_value=33.3, target_value=100)) is None  # no target year
    assert path(target(target_change_pct=25, target_year=2018)) is None  # no baseline year: not even an index
    assert path(target(target_year=2012)) is None  # qualitative


def test_targets_split_into_those_drawn_and_those_without_a_path():
    targets = frame(
        {"target_id": "A", **RISING},
        {"target_id": "B", "baseline_year": 2015, "target_year": 2018, "target_change_pct": 25},  # index
        {"target_id": "C", "baseline_year": 2010, "baseline_value": 33.3, "target_value": 100},
        {"target_id": "D", "target_year": 2012},
    )
    drawn, without = split_by_path(targets)
    assert list(drawn["target_id"]) == ["A", "B"]
    assert [(r["target_id"], s.missing) for r, s in without] == [("C", ("target_year",)), ("D", ("qualitative",))]
    none, nothing = split_by_path(targets.iloc[0:0])
    assert none.empty and nothing == []


# ---------------------------------------------------------------------------- kinds, wholes and parts


def test_the_kind_of_target():
    assert kind(target(target_value=80)) == "value"
    assert kind(target(target_value=80, target_change_pct=10)) == "value"  # a stated value is the target
    assert kind(target(target_change_pct=15)) == "change"
    assert kind(target(target_change_pct=-15, baseline_value=100)) == "change"
    assert kind(target(baseline_value=100, target_year=2017)) == "qualitative"  # no target figure
    assert kind(target()) == "qualitative"


def test_targets_by_kind_list_the_percent_changes_that_are_not_drawn():
    targets = frame(
        {"target_id": "V", "target_value": 80},
        {"target_id": "P", "target_change_pct": 15, "target_year": 2017},  # no baseline year: listed with its %
        {"target_id": "I", "target_change_pct": 25, "baseline_year": 2015, "target_year": 2018},  # an index path
        {"target_id": "Q", "target_year": 2017},
    )
    kinds = by_kind(targets)
    assert list(kinds.valued["target_id"]) == ["V"]
    assert list(kinds.relative["target_id"]) == ["P"]
    assert list(kinds.qualitative["target_id"]) == ["Q"]
    empty = by_kind(targets.iloc[0:0])
    assert empty.valued.empty and empty.relative.empty and empty.qualitative.empty


def test_parts_are_drawn_inside_their_whole_and_a_part_without_its_whole_stands_alone():
    """The school plan: T6.1 (80) of which Jämtland T6.1a (15); T1.2 has no value, so its regional parts
    T1.2a and T1.2b are not among the valued targets' wholes and stand alone."""
    records = [
        {"target_id": "T1.2a", "part_of": "T1.2", "region": "Jämtland"},
        {"target_id": "T1.2b", "part_of": "T1.2", "region": "Västernorrland"},
        {"target_id": "T6.1", "part_of": None, "region": None},
        {"target_id": "T6.1a", "part_of": "T6.1", "region": "Jämtland"},
    ]
    grouped = [(w["target_id"], [p["target_id"] for p in parts]) for w, parts in wholes_and_parts(records)]
    assert grouped == [("T1.2a", []), ("T1.2b", []), ("T6.1", ["T6.1a"])]
    assert wholes_and_parts([]) == []


def test_a_bullet_row_has_none_for_what_is_not_stated():
    part = {"target_value": 15.0, "baseline_value": float("nan"), "outcome": None, "region": "Jämtland"}
    assert bullet(part) == Bullet(target=15.0, baseline=None, outcome=None, region="Jämtland")
    whole = {"target_value": 80, "baseline_value": 60, "outcome": 70.0, "region": float("nan")}
    assert bullet(whole) == Bullet(target=80.0, baseline=60.0, outcome=70.0, region=None)


# ---------------------------------------------------------------------------- outcomes and verdicts


def test_a_regions_target_has_the_regions_outcomes():
    outcomes = pd.DataFrame(
        {"year": [2016, 2016, 2017], "region": [None, "Jämtland", "Jämtland"], "value": [70.0, 12.0, 14.0]}
    )
    assert list(outcomes_of({"region": "Jämtland"}, outcomes)["value"]) == [12.0, 14.0]
    assert list(outcomes_of({"region": float("nan")}, outcomes)["value"]) == [70.0]
    assert outcomes_of({"region": "Västernorrland"}, outcomes).empty


def test_the_latest_outcome_decides():
    one = target(**RISING)
    outcomes = pd.DataFrame({"year": [2016, 2017], "value": [130.0, 110.0]})  # on the path, then below it
    assert latest_on_path(one, outcomes) is False
    assert latest_on_path(one, outcomes.iloc[:1]) is True
    assert latest_on_path(one, outcomes.iloc[0:0]) is None  # no outcome yet
    assert latest_on_path(target(target_value=140), outcomes) is None  # no path


def test_the_summary_counts_on_track_behind_and_no_data():
    targets = frame(
        {**RISING, "outcome_year": 2017, "outcome": 125},  # on track
        {**RISING, "outcome_year": 2017, "outcome": 110},  # behind
        {**FALLING, "outcome_year": 2017, "outcome": 85},  # behind: a falling target above its path
        {**RISING},  # no outcome yet
        {"target_value": 80, "outcome_year": 2017, "outcome": 90},  # an outcome but no path
        {"target_year": 2017},  # qualitative
    )
    assert list(verdicts(targets)) == ["on_track", "behind", "behind", "no_outcome", "no_path", "no_path"]
    assert summary(targets) == {"on_track": 1, "behind": 2, "no_data": 3}
    assert len(at_risk(targets)) == summary(targets)["behind"]  # the meeting's count is the overview's
    assert list(summary(targets)) == ["on_track", "behind", "no_data"]  # the order shown
    assert summary(targets.iloc[0:0]) == {"on_track": 0, "behind": 0, "no_data": 0}


def test_targets_below_the_straight_path_are_at_risk():
    targets = pd.DataFrame(
        [
            {"target_id": "A", "baseline_year": 2015, "baseline_value": 100, "target_year": 2019, "target_value": 140,
             "target_change_pct": None, "outcome_year": 2017, "outcome": 110},  # path says 120 in 2017
            {"target_id": "B", "baseline_year": 2015, "baseline_value": 100, "target_year": 2019, "target_value": 140,
             "target_change_pct": None, "outcome_year": 2017, "outcome": 125},
            {"target_id": "C", "baseline_year": 2015, "baseline_value": 100, "target_year": 2019, "target_value": None,
             "target_change_pct": 20, "outcome_year": 2019, "outcome": 119},  # +20 % means 120
            {"target_id": "D", "baseline_year": None, "baseline_value": None, "target_year": 2019, "target_value": 130,
             "target_change_pct": None, "outcome_year": 2017, "outcome": 1},  # no baseline: cannot tell
        ]
    )  # fmt: skip
    assert list(at_risk(targets)["target_id"]) == ["A", "C"]
    assert at_risk(targets.iloc[0:0]).empty


def test_progress_is_the_share_of_the_way_from_baseline_to_target():
    assert progress(100, 140, 120) == pytest.approx(50)
    assert progress(100, 60, 80) == pytest.approx(50)  # falling: down is forward
    assert progress(100, 60, 110) == pytest.approx(-25)  # the wrong way
    assert progress(100, 140, 160) == pytest.approx(150)
    assert progress(100, 140, None) is None
    # Holding a level: on it is 100 %, a little either side when above or below.
    assert (progress(8, 8, 8), progress(8, 8, 9), progress(8, 8, 7)) == (100.0, 110.0, 90.0)


# ---------------------------------------------------------------------------- as written


def test_value_and_year():
    assert value_year(33.3, 2010, "sv") == "33,3 (2010)"
    assert value_year(33.3, 2010, "en") == "33.3 (2010)"
    assert value_year(1234, None, "sv") == "1\u00a0234"
    assert value_year(None, 2010, "sv") is None
    assert value_year(float("nan"), float("nan"), "en") is None


def test_the_goal_as_stated():
    assert goal_text(target(target_change_pct=25.0, target_year=2018), "sv") == "+25 % (2018)"
    assert goal_text(target(target_change_pct=-10.0), "en") == "-10 %"
    assert goal_text(target(target_value=100), "sv") == "100"
    assert goal_text(target(target_value=80, target_change_pct=5, target_year=2017), "en") == "80 (2017)"
    assert goal_text(target(target_year=2012), "sv") is None


def test_a_regions_heading_names_the_region_once():
    assert heading({"activity_id": "6", "name": "Kompetenskontrakt", "region": None}) == "6. Kompetenskontrakt"
    assert heading({"activity_id": "1", "name": "Mentorpar", "region": "Jämtland"}) == "1. Mentorpar – Jämtland"
    assert heading({"activity_id": "1", "name": "Mentorpar i Jämtland", "region": "Jämtland"}) == (
        "1. Mentorpar i Jämtland"
    )
    assert heading({"activity_id": float("nan"), "name": "Utresande", "region": float("nan")}) == "Utresande"


def test_the_span_from_baseline_to_target():
    school = {"baseline_value": 110.0, "baseline_year": 2015, "target_value": 130.0, "target_year": 2017}
    assert span_text(school, "sv") == "basvärde 110 (2015) → mål **130** (2017)"
    assert span_text(school, "en") == "baseline 110 (2015) → target **130** (2017)"
    no_base = {**school, "baseline_value": float("nan"), "baseline_year": float("nan")}
    assert span_text(no_base, "sv") == "mål **130** (2017)"
    no_year = {**school, "baseline_year": None, "target_year": None}
    assert span_text(no_year, "en") == "baseline 110 → target **130**"


def test_the_latest_outcome_as_written():
    assert outcome_text({"outcome": float("nan"), "outcome_year": float("nan")}, "sv") == "Utfall saknas"
    assert outcome_text({"outcome": None, "outcome_year": None}, "en") == "No data yet"
    assert outcome_text({"outcome": 30.5, "outcome_year": 2016.0}, "sv") == "Utfall 2016: 30,5"
