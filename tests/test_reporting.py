"""A reporter reports on their own rows only: their update template lists those rows, and an update that
touches anyone else's rows names every such row and saves nothing."""

from __future__ import annotations

import io

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.auth import config
from dashboard.web import cache
from loaders.database import Database
from loaders.publish import read_version
from loaders.reporting import foreign_rows
from loaders.roles import Role, User
from loaders.update import read_update
from loaders.writer import write_update_workbook
from tests.conftest import ROOT, downloads

pytestmark = pytest.mark.slow  # seconds of work: handed out before the quick files (tests/conftest.py)

APP = str(ROOT / "dashboard" / "app.py")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLAN = "mobilitet-2016-2018"  # B7 is KOM's; every other activity International Office's; no target has one


@pytest.fixture
def configured(bundled_db, tmp_path, monkeypatch, editor_hash):
    path = tmp_path / "plans.duckdb"
    path.write_bytes(bundled_db.read_bytes())
    monkeypatch.setenv("PLANS_DB", str(path))
    monkeypatch.delenv("PLANS_EDITORS", raising=False)
    accounts = {
        "kom": {"password": editor_hash, "role": "reporter", "plans": [PLAN], "units": ["KOM"]},
        "io": {"password": editor_hash, "role": "editor", "plans": [PLAN]},
    }
    monkeypatch.setattr(config, "_secrets", lambda: {"accounts": accounts})
    return path


def _filled(template: bytes, status_rows: list[tuple], outcome_rows: list[tuple] = ()) -> bytes:
    """The update template filled in as a person does in Excel: a pre-filled row of the same activity is
    changed in place, other rows are typed under the last one."""
    wb = openpyxl.load_workbook(io.BytesIO(template))
    ws = wb["Status"]
    for row in status_rows:
        there = next((r for r in ws.iter_rows(min_row=2) if r[0].value == row[0]), None)
        if there is None:
            ws.append(list(row))
            continue
        for cell in there:
            cell.value = None
        for cell, value in zip(there, row, strict=False):
            cell.value = value
    for row in outcome_rows:
        wb["Utfall"].append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _template() -> bytes:
    buf = io.BytesIO()
    write_update_workbook(buf, PLAN, [], [])
    return buf.getvalue()


def test_every_foreign_row_is_named_compound_units_and_editors(configured):
    with Database(configured, read_only=True) as db:
        current = read_version(db, PLAN)
    raw = _filled(
        _template(),
        [("B7", "2017-05-01", "Pågår"), ("A1", "2017-05-01", "Pågår"), ("A2", None, "Genomförd")],
        [("TS", 2016, None, 120)],
    )
    update = read_update(raw, "kom.xlsx")
    kom = User.assigned("kom", Role.REPORTER, plans=[PLAN], units=["KOM"])
    problems = foreign_rows(current, update, kom)
    assert [(p.cell, p.value, p.code) for p in problems] == [
        ("Status!A3", "A1", "not_your_row"),
        ("Status!A4", "A2", "not_your_row"),
        ("Utfall!A2", "TS", "not_your_row_editors"),  # a target without an activity: the plan's editors'
    ]
    assert "International Office" in problems[0].message("sv") and "inget har sparats" in problems[0].message("sv")
    # By unit, by named responsible, and the plan's editor (who may report on every row).
    io_unit = User.assigned("x", Role.REPORTER, units=["Kansli/International Office"])  # a compound assignment
    assert [p.value for p in foreign_rows(current, update, io_unit)] == ["B7", "TS"]
    kom_by_name = User.assigned("y", Role.REPORTER, responsible=["kom"])
    assert [p.value for p in foreign_rows(current, update, kom_by_name)] == ["A1", "A2", "TS"]
    assert foreign_rows(current, update, User.assigned("io", Role.EDITOR, plans=[PLAN])) == []


def _signed_in(name: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["auth_editor"] = name
    at.run()
    at.switch_page("app_pages/upload.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _versions(path) -> list[tuple]:
    return cache.connection(str(path)).rows("select plan_id, version, loaded_by, action, role from loads order by 1, 2")


def test_a_reporter_downloads_their_rows_fills_them_and_publishes_only_their_own(configured, storages):
    at = _signed_in("kom")
    assert "Inloggad som kom (rapportör)" in [c.value for c in at.sidebar.caption]
    assert len(at.selectbox(key="upload_template_plan").options) == 1  # only the plan assigned
    files = downloads(at, storages)
    assert set(files) == {"upload_template_update"}  # no whole-plan templates for a reporter
    template = files["upload_template_update"]
    listed = openpyxl.load_workbook(io.BytesIO(template))["Aktiviteter (lista)"]
    assert [r[0] for r in listed.iter_rows(min_row=2, values_only=True)] == ["B7"]  # KOM's one activity
    # Pre-filled with the current status of that activity alone, and naming whose workbook it is.
    book = openpyxl.load_workbook(io.BytesIO(template))
    assert [r[:3] for r in book["Status"].iter_rows(min_row=2, values_only=True)] == [("B7", None, "Okänd")]
    assert book["Instruktioner"]["A2"].value.startswith("Arbetsbok för kom – bara de rader du rapporterar för")

    before = _versions(configured)
    mixed = _filled(template, [("B7", "2017-05-01", "Pågår", "Kampanj startad"), ("A1", "2017-05-01", "Genomförd")])
    at.file_uploader(key="upload_files_0").set_value([("kom.xlsx", mixed, XLSX)]).run()
    assert not at.exception, [e.message for e in at.exception]
    said = " ".join(m.value for m in at.markdown)
    assert "Status\\!A3" in said and "A1 hör till International Office\\, som du inte rapporterar för" in said
    assert not [b for b in at.button if b.key == "upload_0_publish"]
    assert _versions(configured) == before  # nothing saved

    own = _filled(template, [("B7", "2017-05-01", "Pågår", "Kampanj startad")])
    at = _signed_in("kom")
    at.file_uploader(key="upload_files_0").set_value([("kom-2.xlsx", own, XLSX)]).run()
    at.button(key="upload_0_publish").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert [v for v in _versions(configured) if v[0] == PLAN][-1][1:] == (2, "kom", "update", "reporter")
    status = cache.connection(str(configured)).rows(
        "select status, status_note from activities where plan_id = ? and activity_id = 'B7'", [PLAN]
    )
    assert status == [("ongoing", "Kampanj startad")]


def test_a_reporter_cannot_upload_a_whole_plan(configured, bundled_db, tmp_path):
    from loaders.service import export_plan

    with Database(configured) as db:
        export_plan(db, PLAN, tmp_path / "plan.xlsx")
    cache.connection.clear()
    at = _signed_in("kom")
    at.file_uploader(key="upload_files_0").set_value([("plan.xlsx", (tmp_path / "plan.xlsx").read_bytes(), XLSX)])
    at.run()
    assert "Som rapportör laddar du upp en uppdateringsarbetsbok" in " ".join(e.value for e in at.error)
    assert [v[1] for v in _versions(configured) if v[0] == PLAN] == [1]


def test_the_report_form_offers_only_own_rows_and_publishes_through_the_same_path(configured):
    at = _signed_in("kom")
    assert [o for o in at.selectbox(key="upload_form_activity").options][1:] == ["B7 Kommunikationsplan för utresande och inresande lärare."]  # fmt: skip
    at.selectbox(key="upload_form_activity").set_value("B7")
    at.selectbox(key="upload_form_status").set_value("ongoing")
    at.text_input(key="upload_form_note").input("Remissen är ute")
    next(b for b in at.get("form_submit_button") if b.form_id == "upload_form").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert "publicerad som version 2" in " ".join(s.value for s in at.success)
    assert [v for v in _versions(configured) if v[0] == PLAN][-1][1:] == (2, "kom", "update", "reporter")
    got = cache.connection(str(configured)).rows(
        "select status, status_note from activities where plan_id = ? and activity_id = 'B7'", [PLAN]
    )
    assert got == [("ongoing", "Remissen är ute")]


FORGED = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from datetime import date
import streamlit as st
from dashboard.web import actions
from dashboard.web.cache import connection
checked = actions.report_form(connection(DB), {PLAN!r}, today=date(2017, 9, 1),
                              status=[{{"activity_id": "A1", "status": "done"}}])
st.write(" ".join(p.code for p in checked.problems) or "accepted")
"""


def test_the_report_form_action_refuses_a_row_that_is_not_the_reporters(configured):
    """The form only lists the reporter's rows; a forged request for another row is refused on the server."""
    at = AppTest.from_string(f"DB = {str(configured)!r}\n" + FORGED, default_timeout=60)
    at.session_state["auth_editor"] = "kom"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.markdown[0].value == "not_your_row"
    assert [v for v in _versions(configured) if v[0] == PLAN] == [(PLAN, 1, "build", "build", None)]
