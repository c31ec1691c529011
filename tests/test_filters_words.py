"""The filters in words (Filters.describe) and a meeting's stored scope as filters today (Filters.from_scope)."""

import dataclasses
import json
from datetime import date

import pandas as pd
import pytest

from dashboard.domain.filters import NO_VALUE, Filters, stated


def options() -> dict:
    """The filters' choices as queries.filter_options gives them; units are parts of compound units (RUN/KOM)."""
    plans = pd.DataFrame(
        {
            "plan_id": ["mob", "int"],
            "title": ["Handlingsplan för mobilitet 2016-2018", "Handlingsplan för internationalisering"],
            "short_name": ["Mobilitet", None],
        }
    )
    goals = pd.DataFrame(
        {
            "key": ["mob:A", "mob:A.1", "int:1"],
            "plan_id": ["mob", "mob", "int"],
            "goal_id": ["A", "A.1", "1"],
            "title": ["Studentmobilitet", "Utresande studenter", "Internationell miljö"],
            "parent_goal_id": [None, "A", None],
        }
    )
    return {
        "plans": plans,
        "units": [NO_VALUE, "KOM", "RUN", "SAM"],
        "responsible": ["IO", "Prorektor"],
        "funding": [NO_VALUE, "Erasmus+"],
        "goals": goals,
        "years": (2016, 2020),
    }


def test_no_filter_reads_all_in_either_language():
    f = Filters(year_from=2016, year_to=2020)
    assert f.describe("sv", options()) == [
        ("Planer", "Alla"),
        ("År", "2016–2020"),
        ("Enhet", "Alla"),
        ("Ansvarig", "Alla"),
        ("Finansiering", "Alla"),
        ("Mål", "Alla"),
        ("Status", "Alla"),
    ]
    assert dict(f.describe("en", options()))["Funding source"] == "All"


def test_every_choice_is_named_as_a_reader_knows_it():
    f = Filters(
        plans=("mob", "int"),
        year_from=2017,
        year_to=2018,
        units=("RUN", "KOM", NO_VALUE),  # the parts of "RUN/KOM", and activities without a unit
        responsible=("IO",),
        funding=(NO_VALUE, "Erasmus+"),
        goals=("mob:A", "mob:A.1"),
        statuses=("ongoing", "postponed"),
    )
    words = dict(f.describe("sv", options(), goals=("mob:A",)))
    assert words["Planer"] == "Handlingsplan för mobilitet 2016-2018; Handlingsplan för internationalisering"
    assert words["År"] == "2017–2018"
    assert words["Enhet"] == "RUN; KOM; Ej angiven"  # never the code value "—"
    assert words["Finansiering"] == "Ej angiven; Erasmus+"
    assert words["Mål"] == "Mobilitet · A Studentmobilitet"  # as chosen: the sub-goal it adds is not listed
    assert words["Status"] == "Pågår, Uppskjuten"
    english = dict(f.describe("en", options()))
    assert english["Unit"] == "RUN; KOM; Not stated"
    assert english["Goal"] == "Mobilitet · A Studentmobilitet; Mobilitet · A.1 Utresande studenter"
    assert english["Status"] == "Ongoing, Postponed"


def test_the_as_of_day_is_a_first_row_only_when_asked_for():
    f = Filters(year_from=2016, year_to=2020)
    assert f.describe("sv", options(), as_of=date(2017, 3, 1))[0] == ("Per datum", "2017-03-01")
    assert [label for label, _ in f.describe("en", options(), as_of=date(2017, 3, 1))][:2] == ["As of", "Plans"]
    assert "Per datum" not in dict(f.describe("sv", options()))


def stored(f: Filters) -> dict:
    """A meeting's scope as record_meeting stores it (JSON, dates as text) and the meetings page reads it."""
    return json.loads(json.dumps(dataclasses.asdict(f), default=str))


def test_a_stored_scope_comes_back_as_the_same_filters():
    f = Filters(plans=("mob",), year_from=2017, year_to=2019, units=("RUN", "KOM"), responsible=("IO",))
    assert Filters.from_scope(stored(f), options()) == f
    # and reads the same in words
    assert Filters.from_scope(stored(f), options()).describe("sv", options()) == f.describe("sv", options())


def test_only_plans_units_responsible_and_years_are_taken_from_a_scope():
    f = Filters(
        plans=("int",),
        year_from=2016,
        year_to=2020,
        units=(NO_VALUE,),
        funding=("Erasmus+",),
        goals=("int:1",),
        statuses=("done",),
        as_of=date(2018, 1, 1),
    )
    assert Filters.from_scope(stored(f), options()) == Filters(
        plans=("int",), year_from=2016, year_to=2020, units=(NO_VALUE,)
    )


def test_what_no_longer_exists_is_dropped_from_a_scope():
    scope = {
        "plans": ["mob", "finns-inte-längre"],
        "units": ["SAM", "IKS"],  # IKS is no unit any more
        "responsible": ["Rektor", "IO"],
        "year_from": 2014,  # before the data's first year
        "year_to": 2018,
    }
    assert Filters.from_scope(scope, options()) == Filters(
        plans=("mob",), units=("SAM",), responsible=("IO",), year_from=2016, year_to=2018
    )


def test_a_scope_whose_plans_are_all_gone_means_every_plan():
    assert Filters.from_scope({"plans": ["borttagen"], "units": None}, options()).plans == ()


@pytest.mark.parametrize(
    "scope",
    [{}, {"year_from": 2017}, {"year_from": None, "year_to": 2018}, {"year_from": "x", "year_to": 2018}],
)
def test_an_empty_scope_or_one_without_both_years_leaves_the_years_as_they_are(scope):
    f = Filters.from_scope(scope, options())
    assert f == Filters() and f.year_from is None and f.year_to is None


def test_a_scope_wholly_outside_the_datas_years_is_a_range_not_an_inverted_one():
    early = Filters.from_scope({"year_from": 2010, "year_to": 2012}, options())
    late = Filters.from_scope({"year_from": 2030, "year_to": 2031}, options())
    assert (early.year_from, early.year_to) == (2016, 2016)
    assert (late.year_from, late.year_to) == (2020, 2020)


@pytest.mark.parametrize(("lang", "words"), [("sv", "Ej angiven"), ("en", "Not stated")])
def test_no_unit_or_funding_source_reads_not_stated_never_the_code(lang, words):
    assert stated(NO_VALUE, lang) == words
    assert stated("RUN", lang) == "RUN"
