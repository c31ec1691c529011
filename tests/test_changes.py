"""The changes between two versions of a plan, as the follow-up meeting lists them (domain.changes)."""

from datetime import date

import pytest

from dashboard.domain.changes import COLUMNS, between
from dashboard.domain.filters import Filters
from loaders.workbook import read_plan
from tests.conftest import base_rows, write_plan

ALL = Filters()


def plan(tmp_path, rows, name):
    path = write_plan(tmp_path, rows, name=name)
    return read_plan(path.read_bytes(), path.name)


@pytest.fixture
def versions(tmp_path):
    """testplan before and after: activity 1 (SAM) done, an outcome, more budget for 2016, activity 2 (RUN)
    re-dated and given to the prorector, activity 3 (KOM) new."""
    before = plan(tmp_path, base_rows(), "v1.xlsx")
    rows = base_rows()
    rows["status"].append({"activity_id": "1", "as_of": date(2024, 5, 1), "status": "done"})
    rows["target_values"] = [{"target_id": "T1", "year": 2016, "value": 30}]
    rows["budget"][0]["amount_sek"] = 150000
    rows["activities"][1]["responsible"] = "Prorektor"
    rows["activities"][1]["end_date"] = date(2018, 6, 30)
    rows["activities"].append({"activity_id": "3", "title": "Aktivitet tre", "unit": "KOM"})
    return before, plan(tmp_path, rows, "v2.xlsx")


def rows(df) -> set[tuple]:
    return {(r.kind, str(r.item), r.title, r.before, r.after) for r in df.itertuples(index=False)}


def test_every_kind_of_change_is_a_row_named_as_the_reader_knows_it(versions):
    df = between([("testplan", *versions)], ALL, set())
    assert list(df.columns) == COLUMNS and set(df["plan_id"]) == {"testplan"}
    assert rows(df) == {
        ("status", "1", "Aktivitet ett", "ongoing", "done"),
        ("outcome", "T1 2016", "Kontrakt", None, 30.0),
        ("budget_budget", "2016", "", 100000, 150000),
        ("activity_added", "3", "Aktivitet tre", None, None),
        # The changed fields by the headers the owner edits in Excel, never the internal keys.
        ("activity_changed", "2", "Aktivitet två", None, "Ansvarig, Slut"),
    }


def test_a_plan_first_published_in_between_is_itself_the_news():
    df = between([("ny-plan", None, None)], ALL, set())
    assert df.to_dict("records") == [
        {"plan_id": "ny-plan", "kind": "plan_added", "item": "", "title": "", "before": None, "after": None}
    ]


def test_units_or_responsible_narrow_the_changes_to_the_activities_in_scope(versions):
    # The KOM unit: only activity 3 is in scope. Budget totals belong to no one activity and are left out;
    # outcomes are kept, and so is a removed activity (it is in no scope any more).
    kom = between([("testplan", *versions)], Filters(units=("KOM",)), {("testplan", "3")})
    assert {r[0] for r in rows(kom)} == {"activity_added", "outcome"}
    removed = between([("testplan", versions[1], versions[0])], Filters(responsible=("IO",)), set())
    assert {(r[0], r[1]) for r in rows(removed)} == {("activity_removed", "3"), ("outcome", "T1 2016")}


def test_years_and_statuses_do_not_narrow_the_changes(versions):
    # A change since the last meeting matters whatever the activity's status or dates are now.
    narrowed = Filters(year_from=2030, year_to=2031, statuses=("cancelled",), plans=("testplan",))
    assert rows(between([("testplan", *versions)], narrowed, set())) == rows(
        between([("testplan", *versions)], ALL, set())
    )


def test_nothing_compared_is_an_empty_table_with_the_columns(versions):
    assert list(between([], ALL, set()).columns) == COLUMNS
    same = between([("testplan", versions[0], versions[0])], ALL, set())
    assert same.empty and list(same.columns) == COLUMNS
