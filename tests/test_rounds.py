"""Follow-up rounds: opening and closing, what a round asks of whom, completeness as updates are published,
the command line, and the rounds page."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.auth import config
from dashboard.web import cache
from loaders import rounds
from loaders.contacts import Contact, store_contacts
from loaders.database import Database
from loaders.writer import write_update_workbook
from tests.conftest import ROOT, bundled_copy, download
from tests.test_cli import cli

pytestmark = pytest.mark.slow  # seconds of work: handed out before the quick files (tests/conftest.py)

APP = str(ROOT / "dashboard" / "app.py")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MOB = "mobilitet-2016-2018"  # 27 activities, all status unknown: B7 is KOM's, the rest International Office's


@pytest.fixture
def db_path(bundled_db, tmp_path, monkeypatch, editor_hash):
    path = bundled_copy(bundled_db, tmp_path)
    monkeypatch.setenv("PLANS_DB", str(path))
    monkeypatch.delenv("PLANS_EDITORS", raising=False)
    accounts = {
        "rektor": {"password": editor_hash, "role": "admin"},
        "kom": {"password": editor_hash, "role": "reporter", "units": ["KOM"]},
    }
    monkeypatch.setattr(config, "_secrets", lambda: {"accounts": accounts})
    return path


def _open(db_path, **kw) -> int:
    args = {"title": "Tertial 2 2017", "as_of": "2017-08-31", "due": "2017-09-15", "plans": [MOB], "units": []}
    args.update(kw)
    # The app's own connection: in one process DuckDB opens a file once, and the page tests share it.
    return rounds.open_round(cache.connection(str(db_path)), by="rektor", **args)


@contextmanager
def _same(db_path) -> Iterator[Database]:
    yield cache.connection(str(db_path))


# ---------------------------------------------------------------------------- opening and closing


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"title": "  "}, "round_title_missing"),
        ({"as_of": "2017-02-30"}, "round_as_of_invalid"),  # never rolled over to March
        ({"due": ""}, "round_due_missing"),
        ({"due": "2017-08-30"}, "round_due_before"),
        ({"plans": ["no-such-plan"]}, "round_unknown_plan"),
    ],
)
def test_a_round_that_cannot_be_opened_says_why_and_records_nothing(db_path, change, key):
    with pytest.raises(rounds.RoundInvalid) as caught:
        _open(db_path, **change)
    assert caught.value.key == key and caught.value.message("en")
    with _same(db_path) as db:
        assert rounds.list_rounds(db) == []


def test_rounds_open_and_close_and_closed_ones_are_history(db_path):
    first = _open(db_path)
    second = _open(db_path, title="Tertial 3 2017", as_of=date(2017, 12, 31), due=date(2018, 1, 15))
    with _same(db_path) as db:
        rounds.close_round(db, first, "rektor")
        with pytest.raises(rounds.RoundInvalid, match="round_closed"):
            rounds.close_round(db, first, "rektor")
        with pytest.raises(rounds.RoundInvalid, match="round_unknown"):
            rounds.close_round(db, 99, "rektor")
        listed = rounds.list_rounds(db)
        assert [(r.round_id, r.is_open) for r in listed] == [(second, True), (first, False)]
        assert listed[1].closed_by == "rektor" and listed[0].plans == (MOB,) and listed[0].units is None
        assert rounds.open_round_for(db, MOB).round_id == second
        assert rounds.open_round_for(db, "skolsamverkan-2016-2017") is None  # not in its scope


# ---------------------------------------------------------------------------- what a round asks


def test_a_round_asks_every_open_activity_and_every_target_of_its_scope(db_path):
    rid = _open(db_path)
    with _same(db_path) as db:
        items = rounds.asked(db, rid)
    status = [i for i in items if i.item_kind == "status"]
    outcomes = [i for i in items if i.item_kind == "outcome"]
    assert len(status) == 27 and {i.plan_id for i in items} == {MOB}
    assert {i.responsible for i in status} == {"International Office", "KOM"}
    # The plan's targets have no activity and the plan no owner: they are asked of the plan's editors.
    assert [(i.target_id, i.year, i.responsible) for i in outcomes][:2] == [
        ("TA", 2017, rounds.NO_RESPONSIBLE),
        ("TB", 2017, rounds.NO_RESPONSIBLE),
    ]
    assert len(outcomes) == 6
    b7 = next(i for i in status if i.activity_id == "B7")
    assert b7.label.startswith("B7 Kommunikationsplan") and len(b7.label) <= 73


def test_a_unit_scope_includes_compound_units_and_leaves_out_done_activities(db_path):
    rid = _open(db_path, plans=[], units=["SAM"])
    with _same(db_path) as db:
        items = rounds.asked(db, rid)
    status = [i for i in items if i.item_kind == "status"]
    # arbetslivsanknytning: 14 SAM activities, 2 of them done or cancelled; skolsamverkan: 10 with SAM in their
    # unit ("RUN/SAM", "SAM/KOM/LRC", …).
    assert len(status) == 12 + 10
    assert {i.unit for i in status} >= {"SAM", "RUN/SAM", "SAM/KOM/LRC"}
    assert all("sam" in {p.casefold() for p in i.unit.split("/")} for i in status)
    # Targets come with their activity's unit; none without an activity when the round names units.
    assert all(i.unit and "SAM" in i.unit for i in items if i.item_kind == "outcome")


# ---------------------------------------------------------------------------- reporting in a round


def _update(rows: list[tuple]) -> bytes:
    buf = io.BytesIO()
    write_update_workbook(buf, MOB, [], [])
    wb = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))
    for row in rows:
        wb["Status"].append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _publish_as(name: str, raw: bytes) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["auth_editor"] = name
    at.run()
    at.switch_page("app_pages/upload.py").run()
    at.file_uploader(key="upload_files_0").set_value([("u.xlsx", raw, XLSX)]).run()
    at.button(key="upload_0_publish").click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_completeness_moves_when_an_update_is_published_in_the_round(db_path):
    rid = _open(db_path)
    db = cache.connection(str(db_path))
    before = {p.responsible: p for p in rounds.completeness(db, rid)}
    assert before["KOM"].state == "not_yet" and before["KOM"].last_reported is None
    assert rounds.missing_by_responsible(db, rid)["KOM"][0].activity_id == "B7"

    _publish_as("kom", _update([("B7", "2017-08-30", "Pågår", "Planen är skickad på remiss")]))
    after = {p.responsible: p for p in rounds.completeness(db, rid)}
    assert (after["KOM"].state, after["KOM"].reported, after["KOM"].asked) == ("reported", 1, 1)
    assert after["KOM"].last_reported is not None
    assert after["International Office"].state == "not_yet"
    assert "KOM" not in rounds.missing_by_responsible(db, rid)
    assert db.rows("select round_id, role from loads where plan_id = ? and version = 2", [MOB]) == [(rid, "reporter")]

    # Two of International Office's 39 (26 statuses, 13 activities' money spent): partly. An admin's update counts for whoever the row is asked of.
    _publish_as("rektor", _update([("A1", None, "Pågår"), ("A2", None, "Genomförd")]))
    io_progress = next(p for p in rounds.completeness(db, rid) if p.responsible == "International Office")
    assert (io_progress.state, io_progress.reported) == ("partly", 2)
    assert len(io_progress.missing) == 37


def test_after_a_round_is_closed_an_update_counts_in_no_round(db_path):
    rid = _open(db_path)
    db = cache.connection(str(db_path))
    rounds.close_round(db, rid, "rektor")
    _publish_as("kom", _update([("B7", None, "Pågår")]))
    assert db.rows("select count(*) from round_reports")[0][0] == 0
    assert db.rows("select round_id from loads where plan_id = ? and version = 2", [MOB]) == [(None,)]


# ---------------------------------------------------------------------------- the command line


def test_cli_opens_lists_and_closes_rounds(db_path):
    run = cli("round", "open", "--title", "Tertial 2 2017", "--as-of", "2017-08-31", "--due", "2017-09-15",
              "--plan", MOB, "--db", db_path)  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "Round 1 opened: Tertial 2 2017" in run.stdout
    run = cli("round", "list", "--db", db_path)
    assert run.stdout.strip().split("\t") == ["1", "Tertial 2 2017", "open", "2017-08-31", "2017-09-15", "0/47"]
    run = cli("--lang", "sv", "round", "open", "--title", "x", "--as-of", "2017-08-31", "--due", "2017-01-01",
              "--db", db_path)  # fmt: skip
    assert run.returncode == 2 and "Sista datumet kan inte ligga före" in run.stderr
    assert cli("round", "close", "1", "--db", db_path).returncode == 0
    assert "\tclosed\t" in cli("round", "list", "--db", db_path).stdout


def test_cli_remind_dry_run_lists_what_the_real_round_misses(db_path):
    # The command line opens the file itself: nothing else in this process may hold it.
    args = ("--title", "T2", "--as-of", "2017-08-31", "--due", "2017-09-15", "--plan", MOB, "--db", db_path)
    assert cli("round", "open", *args).returncode == 0
    with Database(db_path) as db:
        store_contacts(db, [Contact("KOM", "kom@miun.se")], "k.xlsx", "rektor")
    run = cli("remind", "1", "--db", db_path, "--dry-run")
    assert run.returncode == 0, run.stderr
    assert "Till: kom@miun.se" in run.stdout and "B7 Kommunikationsplan" in run.stdout
    assert "No e-mail address for International Office" in run.stderr


# ---------------------------------------------------------------------------- the page


def _page(name: str | None, lang: str = "sv") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    if name:
        at.session_state["auth_editor"] = name
    if lang == "en":
        at.session_state["f_lang_en"] = True
    at.run()
    at.switch_page("app_pages/rounds.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_the_rounds_page_shows_a_viewer_who_has_reported_and_offers_the_export(db_path, storages):
    at = _page(None)
    assert "Ingen uppföljningsrunda har öppnats ännu" in " ".join(i.value for i in at.info)
    rid = _open(db_path)
    at = _page(None)
    at.switch_page("app_pages/rounds.py").run()  # again: the page as it is now, with the round
    assert not [w for w in at.text_input if w.key == "rounds_new_title"]  # no form for a viewer
    table = at.dataframe[0].value
    assert list(table["Ansvarig"]) == ["International Office", "Ingen ansvarig angiven (planens redaktörer)", "KOM"]
    assert list(table["Läge"]) == ["Inte än"] * 3
    # International Office: 26 statuses and 13 activities' money spent; the editors: 6 outcomes and the plan's own
    # money spent.
    assert list(table["Saknas"]) == ["39", "7", "1"]
    # Every missing item in full, per responsible: the plan by its name, then the item.
    kom = next(e for e in at.expander if e.label == "KOM: 1 saknas")
    assert kom.markdown[0].value.startswith("- Mobilitet 2016–2018 – Status\\: B7 Kommunikationsplan")  # escaped
    editors = next(e for e in at.expander if e.label.startswith("Ingen ansvarig"))
    assert "- Mobilitet 2016–2018 – Kostnadsutfall\\: Planivå \\(2017\\)" in editors.markdown[0].value
    assert [m.value for m in at.metric][:2] == ["0\u00a0%", "0 av 47"]
    assert not [b for b in at.button if b.key == "rounds_close"]
    got = download(at, storages, "rounds_export_xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(got)).worksheets[0]
    assert [c.value for c in sheet[1]][:4] == ["Ansvarig", "Läge", "Rapporterat", "Saknas"]
    assert sheet["D4"].value.startswith("Mobilitet 2016–2018 – Status: B7 Kommunikationsplan")  # the items, in full
    assert rid == 1


def test_an_admin_opens_and_closes_a_round_on_the_page_in_english(db_path):
    at = _page("rektor", lang="en")
    at.text_input(key="rounds_new_title").input("Tertial 2 2017")
    at.date_input(key="rounds_new_as_of").set_value(date(2017, 8, 31))
    at.date_input(key="rounds_new_due").set_value(date(2017, 8, 1))  # before the day it reports on
    at.get("form_submit_button")[0].click().run()
    assert "The due date cannot be before" in " ".join(e.value for e in at.error)
    with _same(db_path) as db:
        assert rounds.list_rounds(db) == []
    at.date_input(key="rounds_new_due").set_value(date(2017, 9, 15))
    at.multiselect(key="rounds_new_plans").set_value([MOB])
    at.get("form_submit_button")[0].click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert [x.value for x in at.toast] == ["The round is open."]
    assert list(at.dataframe[0].value["State"]) == ["Not yet"] * 3
    at.checkbox(key="rounds_close_confirm_1").check().run()
    at.button(key="rounds_close").click().run()
    assert "The round was closed" in " ".join(i.value for i in at.info)
    assert at.query_params["round"] == "1"  # the link to this round, as reminders send it


def test_the_meeting_page_shows_the_latest_round(db_path):
    at = _page(None)
    at.switch_page("app_pages/meetings.py").run()
    assert "Ingen uppföljningsrunda har öppnats" in " ".join(c.value for c in at.caption)
    _open(db_path)
    _publish_as("kom", _update([("B7", None, "Pågår")]))
    at = _page(None)
    at.switch_page("app_pages/meetings.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert any(m.value.startswith("**Tertial 2 2017** · öppen") for m in at.markdown)
    summary = next(c.value for c in at.caption if c.value.startswith("Rapporterat sedan"))
    assert summary.endswith(": 1. Totalt: 1 av 47 rader.")
    behind = next(d.value for d in at.dataframe if "Saknas" in d.value.columns)
    assert list(behind["Ansvarig"]) == ["International Office", "Ingen ansvarig angiven (planens redaktörer)"]


def test_the_rounds_page_lists_the_data_gaps_of_its_plans(db_path, storages):
    _open(db_path)
    at = _page(None)
    # Counted from the bundled plan (mobilitet-2016-2018): 27 activities with unknown status, 11 without both
    # dates, 2 quantitative targets without a baseline, 14 budget lines without a funding source, 1 without a unit.
    summary = next(m.value for m in at.markdown if "Aktivitet med okänd status" in m.value)
    assert summary.split("  \n") == [
        "Aktivitet utan start- eller slutdatum: **11**",
        "Aktivitet med okänd status: **27**",
        "Målsättning utan basvärde: **2**",
        "Budgetrad utan enhet: **1**",
        "Budgetrad utan finansiering: **14**",
    ]
    gap_table = next(d.value for d in at.dataframe if "Blad" in d.value.columns)
    assert len(gap_table) == 11 + 27 + 2 + 1 + 14
    assert set(gap_table["Plan"]) == {"Mobilitet 2016–2018"}
    row = gap_table[gap_table["Lucka"] == "Målsättning utan basvärde"].iloc[0]
    assert (row["Blad"], row["Kolumn"]) == ("Målsättningar", "Basvärde")
    assert download(at, storages, "rounds_gaps_xlsx")[:2] == b"PK"


def test_an_unchanged_value_confirmed_in_an_open_round_counts_as_reported(db_path):
    raw = _update([("B7", None, "Okänd", None)])  # the status it has: no value changes
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["auth_editor"] = "kom"
    at.run()
    at.switch_page("app_pages/upload.py").run()
    at.file_uploader(key="upload_files_0").set_value([("u.xlsx", raw, XLSX)]).run()
    assert not [b for b in at.button if b.key == "upload_0_publish"]  # no round: nothing to publish
    _open(db_path)
    at.file_uploader(key="upload_files_0").set_value([("u2.xlsx", raw, XLSX)]).run()
    assert "uppföljningsrundan Tertial 2 2017 är öppen" in " ".join(i.value for i in at.info)
    at.button(key="upload_0_publish").click().run()
    assert not at.exception, [e.message for e in at.exception]
    db = cache.connection(str(db_path))
    kom = next(p for p in rounds.completeness(db, 1) if p.responsible == "KOM")
    assert kom.state == "reported"


def test_a_share_reads_as_each_language_writes_it():
    from dashboard.formats import fmt_percent

    assert fmt_percent(2 / 33, "sv") == "6\u00a0%" and fmt_percent(2 / 33, "en") == "6%"
    assert fmt_percent(1.0, "sv") == "100\u00a0%"


def test_a_row_reported_twice_counts_once_since_the_last_meeting_as_in_completeness(db_path):
    from datetime import datetime

    rid = _open(db_path)
    _publish_as("kom", _update([("B7", None, "Pågår"), ("B7", "2017-08-30", "Pågår", "Ute på remiss")]))
    db = cache.connection(str(db_path))
    assert db.rows("select count(*) from round_report where round_id = ?", [rid]) == [(2,)]  # both lines kept
    assert rounds.reported_between(db, rid, datetime(2000, 1, 1)) == 1
    kom = next(p for p in rounds.completeness(db, rid) if p.responsible == "KOM")
    assert kom.reported == 1
