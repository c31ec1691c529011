"""Money spent (Kostnadsutfall): the sheet in a plan and in an update, the `spent` view, diffs, rights, rounds."""

from __future__ import annotations

import io
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

pytestmark = pytest.mark.slow  # seconds of work: handed out before the quick files (tests/conftest.py)

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


def test_the_meetings_changes_carry_money_spent_by_activity(tmp_path):
    from dashboard.domain import changes
    from dashboard.domain.filters import Filters

    current = read_plan(_with_spent(tmp_path).read_bytes(), "plan.xlsx")
    raw = _update(
        tmp_path, [("1", 2016, "SAM", "ram", 55000), ("2", 2016, None, None, 7000), (None, 2016, None, None, 1)]
    )
    nxt = apply_update(current, read_update(raw, "u.xlsx"), date(2017, 1, 10))
    rows = changes.between([("testplan", current, nxt)], Filters(), set())
    spent = rows[rows["kind"] == "spent"]
    before = [None if v != v else v for v in spent["before"]]  # NaN: no figure before
    assert list(zip(spent["item"], before, spent["after"], strict=True)) == [
        ("1 2016", 40000, 55000),
        ("2 2016", None, 7000),
        ("2016", 120000, 1),
    ]
    # Narrowed to a unit: the activities of the unit; plan-level money belongs to no one unit.
    narrowed = changes.between([("testplan", current, nxt)], Filters(units=("SAM",)), {("testplan", "1")})
    assert list(narrowed[narrowed["kind"] == "spent"]["item"]) == ["1 2016"]


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


# ---------------------------------------------------------------------------- the dashboard


@pytest.fixture
def configured(bundled_db, tmp_path, monkeypatch, editor_hash):
    from dashboard.auth import config

    path = bundled_copy(bundled_db, tmp_path)
    monkeypatch.setenv("PLANS_DB", str(path))
    monkeypatch.delenv("PLANS_EDITORS", raising=False)
    accounts = {
        "kom": {"password": editor_hash, "role": "reporter", "plans": [MOB], "units": ["KOM"]},
        "io": {"password": editor_hash, "role": "editor", "plans": [MOB]},
    }
    monkeypatch.setattr(config, "_secrets", lambda: {"accounts": accounts})
    return path


def _app(user: str | None, page: str):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=120)
    if user:
        at.session_state["auth_editor"] = user
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _report_spent(at, activity, amount: int, year: int = 2017):
    at.selectbox(key="upload_form_spent_activity").set_value(activity)
    at.number_input(key="upload_form_spent_year").set_value(year)
    at.number_input(key="upload_form_spent_amount").set_value(amount)
    at.text_input(key="upload_form_spent_source").input("Ekonomisystemet 2017-08-31")
    next(b for b in at.get("form_submit_button") if b.form_id == "upload_form").click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_without_money_spent_the_pages_say_none_is_reported(configured):
    at = _app(None, "app_pages/overview.py")
    figures = {m.label: m.value for m in at.metric}
    spent = next(label for label in figures if label.startswith("Kostnadsutfall"))
    assert figures[spent] == "Ej rapporterat"  # in brief, to fit a metric (the pack says it in full)
    at = _app(None, "app_pages/budget.py")
    assert any(i.value.startswith("Inget kostnadsutfall är rapporterat") for i in at.info)
    assert not [d for d in at.dataframe if "Förbrukat" in d.value.columns]
    at = _app(None, "app_pages/meetings.py")
    assert any(i.value.startswith("Inget kostnadsutfall är rapporterat") for i in at.info)


def test_money_spent_reported_in_the_form_shows_against_the_budget(configured):
    from dashboard.web import cache

    at = _app("kom", "app_pages/upload.py")
    # A reporter reports on their own activity only, never on the plan as a whole.
    assert at.selectbox(key="upload_form_spent_activity").options[1:] == [
        "B7 Kommunikationsplan för utresande och inresande lärare."
    ]
    at = _app("io", "app_pages/upload.py")
    assert at.selectbox(key="upload_form_spent_activity").options[-1] == "Planivå"
    at = _report_spent(at, "A1", 150000)
    assert "publicerad som version 2" in " ".join(s.value for s in at.success)
    at = _report_spent(_app("io", "app_pages/upload.py"), "__plan__", 20000)
    db = cache.connection(str(configured))
    assert db.rows("select activity_id, year, amount_sek, source_text from spent order by 1 nulls last") == [
        ("A1", 2017, 150000, "Ekonomisystemet 2017-08-31"),
        (None, 2017, 20000, "Ekonomisystemet 2017-08-31"),
    ]

    at = _app(None, "app_pages/budget.py")
    tables = [d.value for d in at.dataframe if "Förbrukat" in d.value.columns]  # year, unit, activity
    year = next(d for d in tables if "År" in d.columns)
    # Mobility's budget states no year, so 2017 has money spent beside no budget: no share, nothing guessed.
    row = year[year["År"] == "2017"].iloc[0]
    assert (row["Budget"], row["Kostnadsutfall"], row["Förbrukat"]) == ("—", "170\u00a0tkr", "—")
    acts = next(d for d in tables if "Aktivitet" in d.columns)
    a1 = acts[acts["Aktivitet"].str.startswith("A1 ")].iloc[0]
    budget_a1 = db.rows(
        "select sum(amount_sek) from budget_lines where plan_id = ? and activity_id = 'A1' and kind = 'budget'", [MOB]
    )[0][0]
    assert a1["Kostnadsutfall"] == "150\u00a0tkr"
    assert a1["Förbrukat"] == f"{round(100 * 150000 / budget_a1)}\u00a0%"
    assert "Planivå" in list(acts["Aktivitet"])

    at = _app(None, "app_pages/overview.py")
    figures = {m.label: m.value for m in at.metric}
    spent = next(label for label in figures if label.startswith("Kostnadsutfall"))
    assert figures[spent] == "170\u00a0tkr"

    # The meeting view: its own tab, by year and by the activities the money went to.
    at = _app(None, "app_pages/meetings.py")
    assert "Kostnadsutfall" in [tab.label for tab in at.tabs]
    spent_tables = [d.value for d in at.dataframe if "Förbrukat" in d.value.columns]
    assert [list(d.columns)[:2] for d in spent_tables] == [["År", "Budget"], ["Plan", "Aktivitet"]]
    assert list(spent_tables[1]["Kostnadsutfall"]) == ["20\u00a0tkr", "150\u00a0tkr"]  # the plan's own first


def test_the_meeting_pack_sets_money_spent_against_the_budget():
    import pandas as pd

    from dashboard.domain import followup

    spent = pd.DataFrame({"year": [2016, 2017], "budget_sek": [100000.0, None], "spent_sek": [25000.0, 5000.0]})
    rows = followup._spent_rows(spent, "sv")
    assert rows.to_dict("records") == [
        {"År": "2016", "Budget": "100\u00a0tkr", "Kostnadsutfall": "25\u00a0tkr", "Förbrukat": "25\u00a0%",
         "Kvar": "75\u00a0tkr"},
        {"År": "2017", "Budget": "—", "Kostnadsutfall": "5\u00a0tkr", "Förbrukat": "—", "Kvar": "—"},
    ]  # fmt: skip
    nothing = spent.assign(spent_sek=None)
    assert followup._spent_rows(nothing, "en").empty


def test_the_personal_workbook_names_the_round_and_carries_the_current_values(configured, storages):
    from dashboard.web import cache
    from tests.conftest import download

    rounds.open_round(cache.connection(str(configured)), "Tertial 2 2017", "2017-08-31", "2017-09-15", [MOB], [],
                      by="rektor")  # fmt: skip
    form = _app("io", "app_pages/upload.py")
    # The form asks for the open round's year by default, not the current one.
    assert form.number_input(key="upload_form_spent_year").value == 2017
    assert form.number_input(key="upload_form_year").value == 2017
    _report_spent(form, "A1", 150000)

    def workbook(user: str):
        at = _app(user, "app_pages/upload.py")
        at.selectbox(key="upload_template_plan").set_value(MOB).run()
        return openpyxl.load_workbook(io.BytesIO(download(at, storages, "upload_template_update")))

    editor = workbook("io")
    about = [editor["Instruktioner"][f"A{i}"].value for i in (2, 3)]
    assert about == [
        "Arbetsbok för io.",
        "Uppföljningsrunda: Tertial 2 2017. Avser läget 2017-08-31; lämnas senast 2017-09-15.",
    ]
    rows = list(editor["Kostnadsutfall"].iter_rows(min_row=2, values_only=True))
    assert [r[:5] for r in rows] == [("A1", 2017, None, None, 150000)]
    assert len(list(editor["Status"].iter_rows(min_row=2))) == 27  # every open activity, as it stands
    reporter = workbook("kom")
    assert reporter["Instruktioner"]["A2"].value == "Arbetsbok för kom – bara de rader du rapporterar för."
    assert not list(reporter["Kostnadsutfall"].iter_rows(min_row=2))  # A1 is International Office's
    assert [r[0] for r in reporter["Status"].iter_rows(min_row=2, values_only=True)] == ["B7"]
