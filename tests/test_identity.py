"""The plan-identity rule: a workbook that changes its plan's title or removes most activities needs confirming."""

from __future__ import annotations

import pytest

from loaders.identity import check, replacement
from loaders.workbook import read_plan
from tests.conftest import base_rows, write_plan

IDS = ["1", "2", "3", "4"]


def test_the_same_plan_with_a_new_activity_is_no_replacement():
    assert replacement("p", "Plan A", IDS, "Plan A", [*IDS, "5"]) is None


def test_spacing_and_capitals_are_not_a_new_title():
    assert replacement("p", "Plan  för mobilitet", IDS, "plan för Mobilitet ", IDS) is None


def test_a_changed_title_is_named_old_and_new():
    rep = replacement("p", "Plan A", IDS, "Plan B", IDS)
    assert rep is not None and rep.title_changed and not rep.most_removed
    assert rep.lines("en") == [
        "Plan-ID p belongs to the plan “Plan A”. This workbook would replace that plan:",
        "the title changes: “Plan A” → “Plan B”",
    ]
    assert rep.lines("sv")[1] == "titeln ändras: ”Plan A” → ”Plan B”"


@pytest.mark.parametrize(
    ("new", "flagged"),
    [
        (["1", "2"], False),  # half is not most
        (["1"], True),  # 3 of 4
        ([], True),
        (["9", "10", "11", "12", "13"], True),  # all replaced by others: 4 of 4 removed
    ],
)
def test_most_activities_removed(new, flagged):
    rep = replacement("p", "Plan A", IDS, "Plan A", new)
    assert (rep is not None) == flagged
    if flagged:
        assert rep.most_removed and not rep.title_changed
        assert rep.lines("en")[1] == f"{rep.removed} of the plan's 4 activities would be removed"


def test_a_plan_without_activities_cannot_lose_most_of_them():
    assert replacement("p", "Plan A", [], "Plan A", []) is None


def test_both_changes_are_named():
    rep = replacement("p", "Plan A", IDS, "Plan B", [])
    assert len(rep.lines("en")) == 3


def test_check_compares_a_workbook_with_the_current_version(tmp_path):
    current = read_plan(write_plan(tmp_path).read_bytes(), "a.xlsx")
    same = read_plan(write_plan(tmp_path, name="b.xlsx").read_bytes(), "b.xlsx")
    assert check(None, same) is None  # a new plan replaces nothing
    assert check(current, same) is None
    rows = base_rows()
    rows["activities"] = rows["activities"][:0]
    rows["budget"] = [r for r in rows["budget"] if r["activity_id"] is None]
    rows["targets"], rows["status"] = [], []
    other = read_plan(write_plan(tmp_path, rows, {"title": "Annan plan"}, "c.xlsx").read_bytes(), "c.xlsx")
    rep = check(current, other)
    assert (rep.old_title, rep.new_title, rep.removed, rep.total) == ("Testplan 2016–2017", "Annan plan", 2, 2)
