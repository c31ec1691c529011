"""Impossible dates in every date column are refused with their cell, as text and as typed cells; none is rolled over."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest

from loaders import meetings
from loaders.database import Database
from loaders.meetings import MeetingInvalid
from loaders.parse import ParseError, parse_date
from loaders.problems import WorkbookInvalid, column_letter
from loaders.publish import publish
from loaders.template import SHEET_BY_KEY, UPDATE_SHEETS
from loaders.update import read_update
from loaders.workbook import read_plan
from loaders.writer import write_update_workbook
from tests.conftest import problems_of, write_plan

pytestmark = pytest.mark.slow  # seconds of work: handed out before the quick files (tests/conftest.py)

# Every date column of a plan workbook: sheet, field, and a row that exists in the base plan.
DATE_COLUMNS = [
    (sheet.key, col.key, 2) for sheet in SHEET_BY_KEY.values() for col in sheet.columns if col.kind == "date"
]

# (what is put in the cell, number format or None for text, expected code)
IMPOSSIBLE = [
    ("2016-13-45", None, "date_impossible"),
    ("2012-02-30", None, "date_impossible"),
    ("2015-02-29", None, "date_impossible"),
    ("2015-02-29 00:00:00", None, "date_impossible"),
    ("2016-00-10", None, "date_impossible"),
    ("2016-02-01 25:00:00", None, "date_invalid"),
    ("30/02/2016", None, "date_invalid"),
    (42000, "General", "date_invalid"),  # a plain number typed into a date column
    (-5, "yyyy-mm-dd", "date_out_of_range"),  # a date-formatted number Excel cannot show as a date
    (60, "yyyy-mm-dd", "date_out_of_range"),  # Excel's 29 February 1900, a day that never was
    (2958466, "yyyy-mm-dd", "date_out_of_range"),  # past 9999-12-31
]


def _put(path, sheet_key: str, field: str, row: int, value, number_format) -> str:
    sheet = SHEET_BY_KEY[sheet_key]
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet.name]
    col = [c.value for c in ws[1]].index(sheet.header_of(field)) + 1
    cell = ws.cell(row=row, column=col, value=value)
    if number_format:
        cell.number_format = number_format
    wb.save(path)
    return f"{sheet.name}!{column_letter(col - 1)}{row}"


def test_every_date_column_of_the_template_is_covered():
    assert {(s, f) for s, f, _ in DATE_COLUMNS} == {
        ("plan", "period_start"),
        ("plan", "period_end"),
        ("plan", "doc_date"),
        ("activities", "start_date"),
        ("activities", "end_date"),
        ("status", "as_of"),
    }


@pytest.mark.parametrize(("sheet_key", "field", "row"), DATE_COLUMNS)
@pytest.mark.parametrize(("value", "number_format", "code"), IMPOSSIBLE)
def test_an_impossible_date_is_refused_with_its_cell(tmp_path, sheet_key, field, row, value, number_format, code):
    path = write_plan(tmp_path)
    cell = _put(path, sheet_key, field, row, value, number_format)
    problems = problems_of(path)
    # The cell is named, with its value and why; nothing else goes wrong (no second, derived problem).
    assert [(p.cell, p.code) for p in problems] == [(cell, code)]
    if number_format is None:
        assert problems[0].value == str(value)
        assert problems[0].message("en").startswith(f"{value} ")


def test_a_real_leap_day_and_a_date_cell_are_accepted(tmp_path):
    path = write_plan(tmp_path)
    _put(path, "activities", "start_date", 2, "2016-02-29", None)
    _put(path, "activities", "end_date", 2, date(2016, 3, 31), None)
    _put(path, "status", "as_of", 2, 42430, "yyyy-mm-dd")  # a day number formatted as a date: 2016-03-01
    data = read_plan(path.read_bytes(), path.name)
    assert data.tables["activities"]["start_date"][0].as_py() == date(2016, 2, 29)
    assert data.tables["activities"]["end_date"][0].as_py() == date(2016, 3, 31)
    assert data.tables["status"]["as_of"][0].as_py() == date(2016, 3, 1)


def test_many_rows_with_one_impossible_date_take_the_bulk_path(tmp_path):
    """The bulk cast handles ordinary dates; one impossible date among them must not crash it or roll over."""
    from tests.conftest import base_rows

    rows = base_rows()
    rows["status"] = [{"activity_id": "1", "as_of": date(2016, 1, 1 + i % 28), "status": "ongoing"} for i in range(50)]
    path = write_plan(tmp_path, rows)
    cell = _put(path, "status", "as_of", 30, "2012-02-30", None)
    assert [(p.cell, p.code) for p in problems_of(path)] == [(cell, "date_impossible")]


def test_an_impossible_date_in_an_isolated_parse_is_a_problem_not_a_crash(tmp_path):
    path = write_plan(tmp_path)
    cell = _put(path, "activities", "start_date", 3, "2016-13-45", None)
    with pytest.raises(WorkbookInvalid) as info:
        read_plan(path.read_bytes(), path.name, isolate=True)
    assert [(p.cell, p.value, p.code) for p in info.value.problems] == [(cell, "2016-13-45", "date_impossible")]
    assert info.value.problems[0].message("en").startswith("2016-13-45 is not a date")


@pytest.mark.parametrize("value", ["2016-13-45", "2012-02-30"])
def test_an_impossible_date_in_an_update_workbook(tmp_path, value):
    buf = io.BytesIO()
    write_update_workbook(buf, "testplan", [], [{"activity_id": "1", "title": "Aktivitet ett"}])
    wb = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))
    status = next(s for s in UPDATE_SHEETS if s.key == "status")
    ws = wb[status.name]
    ws.append(["1", value, "Pågår"])
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(WorkbookInvalid) as info:
        read_update(out.getvalue(), "update.xlsx")
    assert [(p.cell, p.code) for p in info.value.problems] == [("Status!B2", "date_impossible")]


def test_an_impossible_date_in_an_outcome_year_is_a_problem(tmp_path):
    from tests.conftest import base_rows

    rows = base_rows()
    rows["target_values"] = [{"target_id": "T1", "year": 2016, "value": 3}]
    path = write_plan(tmp_path, rows)
    cell = _put(path, "target_values", "year", 2, "2016-13-45", None)
    assert [(p.cell, p.code) for p in problems_of(path)] == [(cell, "year_invalid")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2016-02-29", date(2016, 2, 29)),
        ("2016-02-01 00:00:00", date(2016, 2, 1)),
        ("2016-2-3", date(2016, 2, 3)),
        ("2016-02-30", "date_impossible"),
        ("2016-13-01", "date_impossible"),
        ("2016-04-31 00:00:00", "date_impossible"),
        ("0000-01-01", "date_out_of_range"),
        ("1899-12-31", "date_out_of_range"),
        ("+10000-01-01 00:00:00", "date_out_of_range"),
        ("2016-02-01 24:30:00", "date_invalid"),
        ("1 feb 2016", "date_invalid"),
    ],
)
def test_parse_date_never_rolls_over(text, expected):
    if isinstance(expected, date):
        assert parse_date(text) == expected
    else:
        with pytest.raises(ParseError) as info:
            parse_date(text)
        assert info.value.args[0] == expected


@pytest.fixture
def db(tmp_path):
    path = write_plan(tmp_path)
    database = Database(tmp_path / "plans.duckdb")
    publish(database, [read_plan(path.read_bytes(), path.name)], "build", "build")
    yield database
    database.close()


@pytest.mark.parametrize("held_on", ["2016-13-45", "2012-02-30", "1899-12-31", "soon"])
def test_a_meeting_on_an_impossible_day_is_refused(db, held_on):
    with pytest.raises(MeetingInvalid) as info:
        meetings.record_meeting(db, held_on, "", "", {}, "anna")
    assert info.value.key == "meeting_date_invalid"
    assert db.rows("select count(*) from meeting")[0][0] == 0


@pytest.mark.parametrize("due", ["2016-13-45", "2012-02-30", "2016-02-01 25:00:00"])
def test_an_action_due_on_an_impossible_day_is_refused(db, due):
    mid = meetings.record_meeting(db, "2016-03-01", "", "", {}, "anna")
    with pytest.raises(MeetingInvalid) as info:
        meetings.add_item(db, mid, "testplan", "action", "Ta fram avtal", "anna", owner="SAM", due=due)
    assert info.value.key == "item_due_invalid"
    assert db.rows("select count(*) from meeting_item")[0][0] == 0


def test_meeting_dates_as_text_are_read_strictly(db):
    mid = meetings.record_meeting(db, "2016-02-29", "", "", {}, "anna")
    meetings.add_item(db, mid, "testplan", "action", "Ta fram avtal", "anna", owner="SAM", due="2016-03-31")
    assert db.rows("select held_on from meeting")[0][0] == date(2016, 2, 29)
    assert db.rows("select due from meeting_item")[0][0] == date(2016, 3, 31)
