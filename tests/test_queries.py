"""Read queries against a small plan built in code: compound units, funding (stated or not), goals with
their sub-goals and the activities search box."""

from __future__ import annotations

import pytest

from dashboard import queries
from dashboard.domain.filters import NO_VALUE, Filters, with_subgoals
from loaders.database import Database
from loaders.service import build
from tests.conftest import write_plan

PLAN = "testplan"
ROWS = {
    "goals": [
        {"goal_id": "A", "title": "Mål A"},
        {"goal_id": "A.1", "parent_goal_id": "A", "title": "Delmål A.1"},
        {"goal_id": "B", "title": "Mål B"},
    ],
    "activities": [
        {"activity_id": "1", "title": "Ökning till 50% klart", "unit": "RUN", "goal_ids": ["A"]},
        {"activity_id": "2", "title": "Ökning till 500 klart", "unit": "RUN/KOM", "goal_ids": ["A.1"]},
        {"activity_id": "3", "title": "Fältet snake_case", "unit": "KOM", "goal_ids": ["B"]},
        {"activity_id": "4", "title": "Fältet snakeXcase", "unit": "SAM / RUN", "goal_ids": []},
        {"activity_id": "5", "title": r"Mappen C:\temp\plan", "unit": "RUNT", "goal_ids": ["B"]},
        {"activity_id": "6", "title": "Mappen C:/temp/plan", "goal_ids": []},  # no unit stated
    ],
    "budget": [
        {"activity_id": "1", "year": 2016, "kind": "budget", "amount_sek": 1000, "funding_source": "ram"},
        {"activity_id": "2", "year": 2016, "kind": "budget", "amount_sek": 2000, "funding_source": "utb. strat."},
        {"activity_id": "3", "year": 2016, "kind": "budget", "amount_sek": 4000},  # funding not stated
        {"activity_id": "5", "year": 2017, "kind": "budget", "amount_sek": 8000, "funding_source": "ram"},
        {"activity_id": None, "year": 2017, "kind": "budget", "amount_sek": 16000},  # the plan's own, not stated
    ],
    "targets": [],
    "target_values": [],
    "status": [],
}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    data = tmp_path_factory.mktemp("queries")
    write_plan(data, ROWS)
    path = data / "plans.duckdb"
    build(data, path)
    with Database(path) as db:
        yield db


def ids(df) -> list[str]:
    return sorted(df["activity_id"])


# ---------------------------------------------------------------------------- units


def test_a_compound_unit_is_offered_and_matched_by_each_of_its_parts(db):
    """ "RUN/KOM" is RUN's and KOM's: choosing either matches it; "RUN/KOM" is no choice of its own, and
    RUN does not match "RUNT" (a part is matched whole, not as the start of a name)."""
    options = queries.filter_options(db)
    assert options["units"] == sorted(["KOM", "RUN", "RUNT", "SAM", NO_VALUE])
    assert ids(queries.activities(db, Filters(units=("RUN",)))) == ["1", "2", "4"]
    assert ids(queries.activities(db, Filters(units=("KOM",)))) == ["2", "3"]
    assert ids(queries.activities(db, Filters(units=("SAM",)))) == ["4"]  # "SAM / RUN": parts trimmed
    assert ids(queries.activities(db, Filters(units=("KOM", "SAM")))) == ["2", "3", "4"]
    assert ids(queries.activities(db, Filters(units=(NO_VALUE,)))) == ["6"]


def test_a_compound_unit_counts_under_each_part_in_the_status_chart_and_budget(db):
    by_unit = queries.status_counts(db, Filters(), by="unit")
    counts = dict(zip(by_unit["grp"], by_unit["n"], strict=True))
    assert counts == {"RUN": 3, "KOM": 2, "SAM": 1, "RUNT": 1, NO_VALUE: 1}
    # The budget line without a unit of its own takes its activity's ("RUN/KOM"): RUN's and KOM's.
    assert queries.budget_by(db, Filters(units=("KOM",)), "plan")["amount_sek"].tolist() == [6000]
    assert queries.budget_by(db, Filters(units=("RUN",)), "plan")["amount_sek"].tolist() == [3000]


# ---------------------------------------------------------------------------- funding


def test_the_funding_filter_matches_activities_by_their_budget_lines(db):
    assert queries.filter_options(db)["funding"] == sorted(["ram", "utb. strat.", NO_VALUE])
    assert ids(queries.activities(db, Filters(funding=("ram",)))) == ["1", "5"]
    assert ids(queries.activities(db, Filters(funding=("utb. strat.",)))) == ["2"]
    # "Not stated" matches a line that states no funding; an activity without budget lines has no funding.
    assert ids(queries.activities(db, Filters(funding=(NO_VALUE,)))) == ["3"]
    assert ids(queries.activities(db, Filters(funding=("ram", NO_VALUE)))) == ["1", "3", "5"]


def test_the_funding_filter_sums_only_its_lines_including_the_plans_own(db):
    per_source = queries.budget_by(db, Filters(), "funding")
    assert dict(zip(per_source["key"].fillna(NO_VALUE), per_source["amount_sek"], strict=True)) == {
        "ram": 9000,
        "utb. strat.": 2000,
        NO_VALUE: 20000,
    }
    assert queries.budget_by(db, Filters(funding=(NO_VALUE,)), "plan")["amount_sek"].tolist() == [20000]
    assert queries.budget_by(db, Filters(funding=("ram",)), "plan")["amount_sek"].tolist() == [9000]
    cards = queries.plan_cards(db, Filters(funding=("utb. strat.",)))
    assert (cards["activities"].tolist(), cards["budget"].tolist()) == ([1], [2000])


# ---------------------------------------------------------------------------- goals


def test_a_main_goal_includes_its_sub_goals(db):
    goals = queries.filter_options(db)["goals"]
    assert with_subgoals((f"{PLAN}:A",), goals) == (f"{PLAN}:A", f"{PLAN}:A.1")
    assert with_subgoals((f"{PLAN}:A.1",), goals) == (f"{PLAN}:A.1",)  # a sub-goal does not bring its main goal
    assert with_subgoals((f"{PLAN}:B",), goals) == (f"{PLAN}:B",)
    assert with_subgoals((), goals) == ()  # no choice: all goals, not none
    # The query matches the goals it is given: the main goal alone, or with its sub-goal's activity.
    assert ids(queries.activities(db, Filters(goals=(f"{PLAN}:A",)))) == ["1"]
    assert ids(queries.activities(db, Filters(goals=with_subgoals((f"{PLAN}:A",), goals)))) == ["1", "2"]


def test_sub_goals_are_those_of_the_same_plan():
    import pandas as pd

    goals = pd.DataFrame(
        {
            "key": ["p:A", "p:A.1", "q:A", "q:A.1", "q:A.2"],
            "plan_id": ["p", "p", "q", "q", "q"],
            "goal_id": ["A", "A.1", "A", "A.1", "A.2"],
            "parent_goal_id": [None, "A", None, "A", "A"],
        }
    )
    assert with_subgoals(("q:A",), goals) == ("q:A", "q:A.1", "q:A.2")
    assert with_subgoals(("p:A",), goals) == ("p:A", "p:A.1")
    assert with_subgoals(("p:A", "q:A.2"), goals) == ("p:A", "p:A.1", "q:A.2")


# ---------------------------------------------------------------------------- the search box


@pytest.mark.parametrize(
    ("search", "found"),
    [
        ("50%", ["1"]),  # % is a percent sign, not "anything": "500 klart" does not match
        ("snake_case", ["3"]),  # _ is an underscore, not "any one character"
        ("_", ["3"]),
        ("%", ["1"]),
        (r"C:\temp", ["5"]),  # a backslash is a backslash
        ("\\", ["5"]),
        ("ökning", ["1", "2"]),  # case does not matter
        ("  snake", ["3", "4"]),  # surrounding spaces are ignored
    ],
)
def test_the_search_box_matches_what_is_typed_literally(db, search, found):
    assert ids(queries.activities(db, Filters(), search=search)) == found


def test_the_search_box_narrows_the_filtered_activities(db):
    assert ids(queries.activities(db, Filters(units=("KOM",)), search="ökning")) == ["2"]
    assert ids(queries.activities(db, Filters(), search="")) == ["1", "2", "3", "4", "5", "6"]


def test_a_year_filter_keeps_undated_activities_and_budget_lines_of_those_years(db):
    f = Filters(year_from=2017, year_to=2017)
    assert ids(queries.activities(db, f)) == ["1", "2", "3", "4", "5", "6"]  # none is dated
    assert queries.budget_by(db, f, "plan")["amount_sek"].tolist() == [24000]
