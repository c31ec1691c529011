"""Money spent (Kostnadsutfall): the sheet in a plan and in an update, the `spent` view, diffs, rights, rounds."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest

from loaders import rounds
from loaders.database import Database
from loaders.diff import diff_plans
from loaders.problems import WorkbookInvalid
from loaders.publish import publish, read_version
from loaders.reporting import foreign_rows
from loaders.roles import Role, User
from loaders.update import apply_update, is_update, read_update
from loaders.workbook import read_plan
from loaders.writer import write_update_workbook

from .conftest import BASE_PLAN, base_rows, bundled_copy, codes, write_plan

SPENT = [
    {"activity_id": "1", "year": 2016, "unit": "SAM", "funding_source": "ram", "amount_sek": 40000,
     "source_text": "Ekonomisystemet 2016-12-31"},
    {"activity_id": None, "year": 2016, "amount_sek": 120000},
]  # fmt: skip


def _with_spent(tmp_path, spent=SPENT, name="plan.xlsx"):
    rows = base_rows()
    rows["spent"] = spent
    return write_plan(tmp_path, rows, name=name)


def _update(tmp_path, spent_rows=(), status_rows=(), name="update.xlsx") -> bytes:
    """An update workbook as handed out, with Kostnadsutfall rows typed in (as a person does in Excel)."""
    path = tmp_path / name
    write_update_workbook(path, BASE_PLAN["plan_id"], [], [])
    wb = openpyxl.load_workbook(path)
    for row in spent_rows:
        wb["Kostnadsutfall"].append(list(row))
    for row in status_rows:
        wb["Status"].append(list(row))
    wb.save(path)
    return path.read_bytes()


def test_a_plan_states_money_spent_and_the_spent_view_shows_it(tmp_path):
    path = _with_spent(tmp_path)
    data = read_plan(path.read_bytes(), path.name)
    db = Database(tmp_path / "p.duckdb")
    publish(db, [data], "anna", "load")
    rows = db.rows("select activity_id, year, unit, funding_source, amount_sek, source_text from spent order by 1")
    assert rows == [
        ("1", 2016, "SAM", "ram", 40000, "Ekonomisystemet 2016-12-31"),
        (None, 2016, None, None, 120000, None),
    ]
    assert read_version(db, "testplan").tables["spent"].num_rows == 2


def test_a_workbook_without_the_sheet_states_no_money_spent(tmp_path):
    # Workbooks made before the sheet existed (every bundled plan) load as they did: nothing spent reported.
    path = _with_spent(tmp_path)
    wb = openpyxl.load_workbook(path)
    del wb["Kostnadsutfall"]
    wb.save(path)
    data = read_plan(path.read_bytes(), path.name)
    assert data.tables["spent"].num_rows == 0


def test_money_spent_is_validated_like_every_sheet(tmp_path):
    path = _with_spent(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Kostnadsutfall"]
    ws.append(["9", 2016, None, None, 1000])  # no such activity
    ws.append(["1", None, None, None, "mycket"])  # no year, an amount that is no amount
    ws.append(["2", 2017, None, None, "1 100 tkr"])  # read as 1 100 000 kr
    wb.save(path)
    with pytest.raises(WorkbookInvalid) as caught:
        read_plan(path.read_bytes(), path.name)
    found = {(p.cell, p.code) for p in caught.value.problems}
    assert ("Kostnadsutfall!A4", "unknown_activity") in found
    assert ("Kostnadsutfall!B5", "required") in found
    assert any(cell == "Kostnadsutfall!E5" for cell, _ in found)
    assert not any(p.cell.endswith("6") for p in caught.value.problems)


def test_an_update_replaces_the_years_figure_and_keeps_the_others(tmp_path):
    path = _with_spent(tmp_path)
    current = read_plan(path.read_bytes(), path.name)
    raw = _update(
        tmp_path, [("1", 2016, "SAM", "ram", "55 tkr", "Ekonomisystemet 2017-01-10"), ("2", 2017, "RUN", None, 9000)]
    )
    assert is_update(raw)
    update = read_update(raw, "update.xlsx")
    nxt = apply_update(current, update, date(2017, 1, 10))
    spent = {(r["activity_id"], r["year"], r["unit"]): r["amount_sek"] for r in nxt.tables["spent"].to_pylist()}
    assert spent == {("1", 2016, "SAM"): 55000, (None, 2016, None): 120000, ("2", 2017, "RUN"): 9000}
    d = diff_plans(current, nxt)
    assert [(r["activity_id"], r["before"], r["after"], r["title"]) for r in d.spent] == [
        ("1", 40000, 55000, "Aktivitet ett"),
        ("2", None, 9000, "Aktivitet två"),
    ]
    assert d.counts()["spent"] == 2
    # What a round records as reported: money spent per activity and year.
    assert ("spent", "1", None, 2016) in rounds.update_items(update)


def test_an_update_with_money_spent_only_is_an_update_and_names_unknown_activities(tmp_path):
    current = read_plan(_with_spent(tmp_path).read_bytes(), "plan.xlsx")
    update = read_update(_update(tmp_path, [("7", 2016, None, None, 100)]), "update.xlsx")
    with pytest.raises(WorkbookInvalid) as caught:
        apply_update(current, update, date(2017, 1, 10))
    assert [(p.cell, p.code) for p in caught.value.problems] == [("Kostnadsutfall!A2", "unknown_activity")]
    # An empty update says which sheets it looked at.
    with pytest.raises(WorkbookInvalid) as caught:
        apply_update(current, read_update(_update(tmp_path, name="empty.xlsx"), "empty.xlsx"), date(2017, 1, 10))
    assert codes(caught.value.problems) == ["update_empty"]
    assert "Kostnadsutfall" in caught.value.problems[0].message("sv")


def test_a_reporter_reports_money_spent_on_their_own_activities_only(tmp_path):
    current = read_plan(_with_spent(tmp_path).read_bytes(), "plan.xlsx")
    update = read_update(
        _update(tmp_path, [("1", 2016, None, None, 1), ("2", 2016, None, None, 2), (None, 2016, None, None, 3)]),
        "u.xlsx",
    )
    run = User("run", Role.REPORTER, plans=frozenset({"testplan"}), units=frozenset({"RUN"}))
    found = [(p.cell, p.code) for p in foreign_rows(current, update, run)]
    assert found == [("Kostnadsutfall!A2", "not_your_row"), ("Kostnadsutfall!A4", "not_your_row_plan_level")]
    editor = User("anna", Role.EDITOR, plans=frozenset({"testplan"}))
    assert foreign_rows(current, update, editor) == []


# ---------------------------------------------------------------------------- rounds


MOB = "mobilitet-2016-2018"  # 2016–2018; budget lines without a year for 13 activities and one for the plan


@pytest.fixture
def db(bundled_db, tmp_path):
    return Database(bundled_copy(bundled_db, tmp_path))


def test_a_round_asks_money_spent_where_the_plan_budgets_money_for_its_year(db):
    rid = rounds.open_round(db, "Tertial 2 2017", "2017-08-31", "2017-09-15", [MOB], [], by="rektor")
    spent = [i for i in rounds.asked(db, rid) if i.item_kind == "spent"]
    budgeted = db.rows(
        "select count(distinct activity_id) from budget_lines where plan_id = ? and kind = 'budget'", [MOB]
    )[0][0]
    assert len([i for i in spent if i.activity_id]) == budgeted == 13
    plan_level = [i for i in spent if i.activity_id is None]
    assert [(i.year, i.label, i.responsible) for i in plan_level] == [(2017, "Planivå (2017)", rounds.NO_RESPONSIBLE)]
    assert {i.year for i in spent} == {2017}
    # Outside the plan's period nothing is budgeted, so nothing is asked.
    later = rounds.open_round(db, "2019", "2019-08-31", "2019-09-15", [MOB], [], by="rektor")
    assert not [i for i in rounds.asked(db, later) if i.item_kind == "spent"]
    # A round on units leaves the plan-level costs to a round on the whole plan.
    kom = rounds.open_round(db, "KOM", "2017-08-31", "2017-09-15", [MOB], ["KOM"], by="rektor")
    assert all(i.activity_id for i in rounds.asked(db, kom) if i.item_kind == "spent")


def test_money_spent_reported_in_a_round_counts_in_its_completeness(db, tmp_path):
    rid = rounds.open_round(db, "Tertial 2 2017", "2017-08-31", "2017-09-15", [MOB], [], by="rektor")
    item = next(i for i in rounds.asked(db, rid) if i.item_kind == "spent" and i.activity_id)
    before = {p.responsible: p.reported for p in rounds.completeness(db, rid)}
    path = tmp_path / "u.xlsx"
    write_update_workbook(
        path, MOB, [], [], spent=[{"activity_id": item.activity_id, "year": 2017, "amount_sek": 5000}]
    )
    update = read_update(path.read_bytes(), "u.xlsx")
    nxt = apply_update(read_version(db, MOB), update, date(2017, 9, 1))
    publish(db, [nxt], "io", "update", in_round={MOB: (rid, rounds.update_items(update))})
    after = {p.responsible: p for p in rounds.completeness(db, rid)}
    assert after[item.responsible].reported == before[item.responsible] + 1
    assert item not in after[item.responsible].missing
    assert db.rows("select amount_sek from spent where plan_id = ?", [MOB]) == [(5000,)]
