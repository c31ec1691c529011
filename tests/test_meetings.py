"""Follow-up meetings: changes since a meeting from the version history, late/at risk/stale, recording, carry-over."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date, datetime, timedelta

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import queries
from dashboard.domain import followup
from dashboard.domain.changes import between
from dashboard.domain.filters import Filters
from dashboard.domain.late import months_before, overdue
from dashboard.domain.targets import at_risk, target_state
from dashboard.reports.display import md
from dashboard.web import cache, context
from loaders import meetings
from loaders.database import Database
from loaders.meetings import MeetingInvalid
from loaders.publish import publish
from loaders.workbook import read_plan
from tests.conftest import ROOT, base_rows, bundled_copy, download, downloads, write_plan

pytestmark = pytest.mark.slow  # seconds of work: handed out before the quick files (tests/conftest.py)

APP = str(ROOT / "dashboard" / "app.py")
LONG_AGO = datetime(2024, 1, 10, 9, 0)


def _plan(tmp_path, rows=None, name="plan.xlsx"):
    path = write_plan(tmp_path, rows, name=name)
    return read_plan(path.read_bytes(), path.name)


@pytest.fixture(scope="module")
def two_versions_built(tmp_path_factory):
    """testplan v1 published long ago, v2 today: a status change, an outcome, more budget, a new activity.

    Built once per module (two publishes cost a third of a second); each test opens its own copy.
    """
    folder = tmp_path_factory.mktemp("two_versions")
    db = Database(folder / "plans.duckdb")
    publish(db, [_plan(folder)], "build", "build")
    db.rows("update load_log set loaded_at = ? where version = 1", [LONG_AGO])
    rows = base_rows()
    rows["status"].append({"activity_id": "1", "as_of": date(2024, 5, 1), "status": "done"})
    rows["target_values"] = [{"target_id": "T1", "year": 2016, "value": 30}]
    rows["budget"][0]["amount_sek"] = 150000
    rows["activities"].append({"activity_id": "3", "title": "Aktivitet tre", "unit": "KOM"})
    publish(db, [_plan(folder, rows, "v2.xlsx")], "anna", "upload")
    db.close()
    return folder / "plans.duckdb"


@pytest.fixture
def two_versions(two_versions_built, tmp_path):
    """A private, writable copy of two_versions_built."""
    db = Database(bundled_copy(two_versions_built, tmp_path))
    yield db
    db.close()


ALL = Filters()


def _changes_since(snap, since, f: Filters, until=None) -> pd.DataFrame:
    """The changes as the meetings page reads them: the versions compared (a query), then the rule (domain.changes)."""
    return between(queries.plans_compared(snap, since, f, until), f, queries.activities_in_scope(snap, f))


def _changes(db, since, f=ALL) -> set[tuple]:
    with db.snapshot() as snap:
        df = _changes_since(snap, since, f)
    return {(r.kind, str(r.item), r.before, r.after) for r in df.itertuples()}


def test_changes_since_a_meeting_come_from_the_version_history(two_versions):
    changes = _changes(two_versions, LONG_AGO + timedelta(days=30))
    assert changes == {
        ("status", "1", "ongoing", "done"),
        ("outcome", "T1 2016", None, 30.0),
        ("budget_budget", "2016", 100000, 150000),
        ("activity_added", "3", None, None),
    }
    # Outcomes and changed activities are named, not shown by their ids alone.
    with two_versions.snapshot() as snap:
        df = _changes_since(snap, LONG_AGO + timedelta(days=30), ALL)
    assert df.set_index("kind").loc["outcome", "title"] == "Kontrakt"
    # Nothing was published after today's version.
    assert _changes(two_versions, datetime.now() + timedelta(minutes=1)) == set()
    # Before the plan existed: the plan itself is the news.
    assert {c[0] for c in _changes(two_versions, LONG_AGO - timedelta(days=1))} == {"plan_added"}


def test_changes_are_narrowed_to_the_units_in_scope(two_versions):
    # Activity 1 is SAM, the new activity 3 is KOM.
    kom = _changes(two_versions, LONG_AGO + timedelta(days=30), Filters(units=("KOM",)))
    assert {c[0] for c in kom} == {"activity_added", "outcome"}


def test_a_changed_activity_is_named_with_its_fields_as_the_workbook_heads_them(two_versions):
    rows = base_rows()
    rows["activities"][1]["responsible"] = "Prorektor"
    rows["activities"][1]["end_date"] = date(2018, 6, 30)
    with two_versions.snapshot() as snap:
        since = snap.rows("select max(loaded_at) from load_log")[0][0]
    publish(two_versions, [_plan(two_versions.path.parent, rows, "v3.xlsx")], "anna", "upload")
    with two_versions.snapshot() as snap:
        changes = _changes_since(snap, since, ALL)
    empty = pd.DataFrame()
    none_late = overdue(empty, date.today())
    shown = followup.content("sv", {}, changes, empty, none_late, empty, empty, empty, empty, date.today()).changes
    row = shown[shown["ID"] == "2"].iloc[0]
    assert row["Benämning"] == "Aktivitet två"
    assert row["Efter"] == "Ändrat: Ansvarig, Slut"


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_new_plan_and_a_new_activity_show_a_dash_where_nothing_applies(two_versions, lang):
    with two_versions.snapshot() as snap:
        changes = _changes_since(snap, LONG_AGO - timedelta(days=1), ALL)
        changes = pd.concat([changes, _changes_since(snap, LONG_AGO + timedelta(days=30), ALL)])
    empty = pd.DataFrame()
    today = date.today()
    shown = followup.content(lang, {}, changes, empty, overdue(empty, today), empty, empty, empty, empty, today)
    changes = shown.changes
    heads = ["Plan", "Vad", "ID", "Benämning", "Före", "Efter"] if lang == "sv" else None
    if heads:
        assert list(changes.columns) == heads
    for row in changes.itertuples(index=False):
        for value in row:
            assert value.strip() and value not in ("None", "nan"), row
    new_plan = changes[changes.iloc[:, 1] == followup.t("m_kind_plan_added", lang)].iloc[0]
    assert list(new_plan.iloc[2:]) == ["—"] * 4


def test_activities_without_an_update_for_months(two_versions):
    cutoff = date.today() - timedelta(days=180)
    with two_versions.snapshot() as snap:
        stale = queries.stale_activities(snap, Filters(), cutoff)
    # Activity 2 has not changed since version 1 (long ago); 1 changed status today, 3 is new.
    assert list(stale["activity_id"]) == ["2"]
    assert pd.Timestamp(stale["last_update"].iloc[0]).date() == LONG_AGO.date()


def test_action_items_carry_over_until_closed(two_versions):
    db = two_versions
    first = meetings.record_meeting(db, date(2024, 6, 1), "Vårens möte", "Prorektor, SAM", {"plans": []}, "anna")
    action = meetings.add_item(
        db, first, "testplan", "action", "Ta fram avtal", "anna", activity_id="2", owner="SAM", due=date(2024, 9, 1)
    )
    meetings.add_item(db, first, "testplan", "decision", "Aktivitet 2 skjuts upp", "anna", activity_id="2")
    second = meetings.record_meeting(db, date(2024, 11, 1), "Höstens möte", "", {}, "bertil")
    meetings.add_item(db, second, "testplan", "note", "Avtal på väg", "bertil", activity_id="2")
    with db.snapshot() as snap:
        carried = queries.open_actions(snap, Filters())
        recorded = queries.items_since(snap, date(2024, 6, 1), Filters())
        on_activity = queries.activity_items(snap, "testplan", "2")
    assert list(carried["item_id"]) == [action]
    assert carried.iloc[0]["about"] == "Aktivitet två"
    assert list(recorded["text"]) == ["Avtal på väg"]  # the second meeting's own record
    assert len(on_activity) == 3
    assert meetings.close_items(db, [action], date(2024, 11, 1), "bertil") == 1
    with db.snapshot() as snap:
        assert queries.open_actions(snap, Filters()).empty
    assert meetings.close_items(db, [action], date(2024, 11, 2), "bertil") == 0


@pytest.mark.parametrize(
    ("kind", "text", "owner", "key"),
    [
        ("wish", "x", None, "item_kind_unknown"),
        ("note", "  ", None, "item_text_missing"),
        ("action", "x", "", "item_owner_missing"),
    ],
)
def test_meeting_items_are_checked(two_versions, kind, text, owner, key):
    mid = meetings.record_meeting(two_versions, date(2024, 6, 1), "", "", {}, "anna")
    with pytest.raises(MeetingInvalid) as info:
        meetings.add_item(two_versions, mid, "testplan", kind, text, "anna", owner=owner)
    assert info.value.key == key


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


# ---------------------------------------------------------------------------- the page


@pytest.fixture
def app_db(editor_db):
    return editor_db


def _open(editor: bool) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    if editor:
        at.session_state["auth_editor"] = "anna"
    at.run()
    at.switch_page("app_pages/meetings.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_meetings_page_for_viewers_reads_and_does_not_record(app_db):
    at = _open(editor=False)
    labels = [m.label for m in at.metric]
    assert "Försenade" in labels and "Öppna åtgärder" in labels
    assert not at.main.get("form")  # only the sidebar's sign-in form
    assert any("Redaktörer protokollför" in i.value for i in at.info)


def test_meetings_page_records_a_decision_shown_on_the_activity_and_in_the_pack(app_db, storages):
    at = _open(editor=True)
    at.date_input(key="meetings_new_date").set_value(date(2026, 11, 20))
    at.text_input(key="meetings_new_title").input("Prorektorns uppföljning")
    at.text_area(key="meetings_new_participants").input("Prorektor, SAM, KOM")
    next(b for b in at.get("button") if "meetings_new" in (b.proto.form_id or "")).click().run()
    assert not at.exception
    db = cache.connection(str(app_db))
    assert db.rows("select title, created_by from meetings") == [("Prorektorns uppföljning", "anna")]

    at.selectbox(key="meetings_item_about").set_value("activity|arbetslivsanknytning-2011-2013|3.1.1")
    at.radio(key="meetings_item_kind").set_value("decision")
    at.text_area(key="meetings_item_text").input("Samordnaren rapporterar i mars")
    next(b for b in at.get("button") if "meetings_item" in (b.proto.form_id or "")).click().run()
    assert not at.exception
    assert db.rows("select kind, activity_id, text from meeting_items") == [
        ("decision", "3.1.1", "Samordnaren rapporterar i mars")
    ]
    # The save is confirmed on the run after it (render.confirm), once.
    assert [x.value for x in at.toast] == ["Sparat i mötets protokoll."]
    at.run()
    assert not at.toast
    # The decision shows in the meeting view, in the pack …
    decisions = next(df.value for df in at.dataframe if "Text" in df.value.columns)
    assert list(decisions["Typ"]) == ["Beslut"]
    files = downloads(at, storages)
    assert files["meetings_pack_pdf"].startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-", "-"], input=files["meetings_pack_pdf"], capture_output=True, check=True)
    assert "Samordnaren rapporterar i mars" in " ".join(text.stdout.decode().split())
    wb = openpyxl.load_workbook(io.BytesIO(files["meetings_pack_xlsx"]))
    assert any("Samordnaren rapporterar i mars" in str(c.value) for ws in wb for row in ws.iter_rows() for c in row)
    # … and on the activity's detail.
    at.switch_page("app_pages/activities.py").run()
    at.selectbox(key="activities_detail").set_value(("arbetslivsanknytning-2011-2013", "3.1.1")).run()
    items = next(df.value for df in at.dataframe if "Text" in df.value.columns)
    assert items.iloc[0]["Text"] == "Samordnaren rapporterar i mars"


@pytest.mark.parametrize(
    ("lang", "names"),
    [
        ("sv", ["Möte", "Budget", "Status", "Målsättningar", "Försenade", "Status okänd", "Mål under kurvan",
                "Ändringar", "Kostnadsutfall", "Ej uppdaterade", "Anteckningar och beslut", "Öppna åtgärder"]),
        ("en", ["Meeting", "Budget", "Status", "Targets", "Late", "Status unknown", "Targets below the path", "Changes",
                "Money spent", "Not updated", "Notes and decisions", "Open actions"]),
    ],
)  # fmt: skip
def test_the_pack_workbook_names_its_sheets_in_full(app_db, storages, lang, names):
    """Excel allows 31 characters: every sheet has a short name of its own, none cut in the middle of a word."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("app_pages/meetings.py").run()
    assert not at.exception
    wb = openpyxl.load_workbook(io.BytesIO(download(at, storages, "meetings_pack_xlsx")))
    assert wb.sheetnames == names


def test_a_refused_item_keeps_what_was_typed_and_a_saved_one_empties_the_form(app_db):
    db = cache.connection(str(app_db))
    meetings.record_meeting(db, date(2026, 11, 20), "Höstmöte", "", {}, "anna")
    at = _open(editor=True)
    save = next(b for b in at.get("button") if "meetings_item" in (b.proto.form_id or ""))
    at.radio(key="meetings_item_kind").set_value("action")
    at.text_area(key="meetings_item_text").input("Rekrytera 20 mentorer till vårterminen")
    save.click().run()
    # No one responsible: refused, and the text is still there to complete.
    assert [e.value for e in at.main.error] == ["En åtgärd behöver någon som ansvarar (Vem)."]
    assert at.text_area(key="meetings_item_text").value == "Rekrytera 20 mentorer till vårterminen"
    assert at.radio(key="meetings_item_kind").value == "action"
    at.text_input(key="meetings_item_owner").input("SAM")
    next(b for b in at.get("button") if "meetings_item" in (b.proto.form_id or "")).click().run()
    assert not at.exception and not at.main.error
    assert db.rows("select kind, text, owner from meeting_items") == [
        ("action", "Rekrytera 20 mentorer till vårterminen", "SAM")
    ]
    assert at.text_area(key="meetings_item_text").value == ""
    assert at.text_input(key="meetings_item_owner").value == ""
    # Set (sent to the browser), not only forgotten on the server, where the browser keeps the text.
    assert at.text_area(key="meetings_item_text").proto.set_value


def test_a_created_meeting_empties_the_form_and_a_second_click_records_no_duplicate(app_db):
    at = _open(editor=True)
    at.date_input(key="meetings_new_date").set_value(date(2026, 11, 20))
    at.text_input(key="meetings_new_title").input("Prorektorns uppföljning")
    at.text_area(key="meetings_new_participants").input("Prorektor, SAM")
    create = next(b for b in at.get("button") if "meetings_new" in (b.proto.form_id or ""))
    create.click().run()
    assert not at.exception and not at.main.error
    # Emptied by setting the values (sent to the browser), not only by forgetting them on the server.
    for key in ("meetings_new_title", "meetings_new_participants"):
        widget = at.text_input(key=key) if key.endswith("title") else at.text_area(key=key)
        assert widget.value == "" and widget.proto.set_value, key
    assert not at.main.warning
    # The browser sends the typed values again (a second click before the page was redrawn): refused.
    at.text_input(key="meetings_new_title").input("Prorektorns uppföljning")
    at.text_area(key="meetings_new_participants").input("Prorektor, SAM")
    next(b for b in at.get("button") if "meetings_new" in (b.proto.form_id or "")).click().run()
    assert [e.value for e in at.main.error] == [
        "Det finns redan ett möte med den rubriken det datumet. Välj det under Möte nedan, eller ge mötet en annan rubrik."
    ]
    db = cache.connection(str(app_db))
    assert db.rows("select held_on, title from meetings") == [(date(2026, 11, 20), "Prorektorns uppföljning")]
    # Another title the same day is another meeting.
    at.text_input(key="meetings_new_title").input("Extra möte")
    next(b for b in at.get("button") if "meetings_new" in (b.proto.form_id or "")).click().run()
    assert not at.main.error
    assert db.rows("select count(*) from meetings")[0][0] == 2
    # The record form turns to the meeting just created.
    assert at.selectbox(key="meetings_item_meeting").value == db.rows("select max(meeting_id) from meetings")[0][0]


def test_the_same_date_and_title_is_one_meeting(app_db):
    db = cache.connection(str(app_db))
    meetings.record_meeting(db, date(2026, 11, 20), "Höstmöte", "", {}, "anna")
    with pytest.raises(meetings.MeetingInvalid, match="meeting_duplicate"):
        meetings.record_meeting(db, date(2026, 11, 20), "  höstmöte ", "SAM", {}, "anna")
    meetings.record_meeting(db, date(2026, 11, 21), "Höstmöte", "", {}, "anna")
    meetings.record_meeting(db, date(2026, 11, 20), "", "", {}, "anna")
    with pytest.raises(meetings.MeetingInvalid, match="meeting_duplicate"):
        meetings.record_meeting(db, date(2026, 11, 20), None, "", {}, "anna")
    assert db.rows("select count(*) from meetings")[0][0] == 3


def test_a_recorded_meeting_can_be_read_and_its_scope_reused(app_db):
    db = cache.connection(str(app_db))
    scope = {
        "plans": ["mobilitet-2016-2018", "finns-inte-längre"],
        "units": ["SAM"],
        "year_from": 2016,
        "year_to": 2018,
    }
    mid = meetings.record_meeting(db, date(2026, 5, 4), "Vårmöte", "Prorektor, IO", scope, "anna")
    meetings.add_item(db, mid, "mobilitet-2016-2018", "action", "Ta fram basvärden för 2015", "anna", owner="IO")
    at = _open(editor=False)
    # Viewers read the record: participants and every item.
    at.selectbox(key="meetings_minutes").set_value(mid).run()
    assert any(md("Prorektor, IO") in c.value for c in at.caption)  # (escaped: a form's text is not Markdown)
    minutes = next(df.value for df in at.dataframe if "Text" in df.value.columns and "Vem" in df.value.columns)
    assert "Ta fram basvärden för 2015" in list(minutes["Text"])
    # The meeting's scope becomes the filters again (a plan that no longer exists is dropped).
    at.selectbox(key="meetings_previous").set_value(mid).run()
    at.button(key="meetings_use_scope").click().run()
    assert not at.exception
    assert at.session_state["f_plans"] == ["mobilitet-2016-2018"]
    assert at.session_state["f_units"] == ["SAM"]
    assert tuple(at.session_state["f_years"]) == (2016, 2018)


def test_missing_values_in_a_record_read_as_a_dash_never_nan(app_db):
    db = cache.connection(str(app_db))
    mid = meetings.record_meeting(db, date(2026, 5, 4), "", "", {}, "anna")
    meetings.add_item(db, mid, "mobilitet-2016-2018", "decision", "Planen som helhet", "anna")
    at = _open(editor=False)
    at.selectbox(key="meetings_minutes").set_value(mid).run()
    shown = " ".join(c.value for c in at.caption) + " ".join(at.selectbox(key="meetings_minutes").options)
    minutes = next(df.value for df in at.dataframe if "Gäller" in df.value.columns)
    assert "nan" not in shown and "None" not in shown
    assert list(minutes["Gäller"]) == ["planen som helhet"]
    assert "deltagare: —" in shown


# ---------------------------------------------------------------------------- as of a day


def test_changes_and_versions_are_read_as_of_a_day(two_versions):
    since, before_v2 = LONG_AGO + timedelta(days=1), LONG_AGO + timedelta(days=30)
    with two_versions.snapshot() as snap:
        # Version 2 was published after the as-of day: as of then, nothing had changed yet.
        assert _changes_since(snap, since, ALL, before_v2).empty
        assert queries.versions_since(snap, since, ALL, before_v2).empty
        assert not _changes_since(snap, since, ALL).empty
        assert list(queries.versions_since(snap, since, ALL)["version"]) == [2]
        # Before version 1 the plan did not exist: as of the day before it, there is nothing to tell.
        assert _changes_since(snap, since - timedelta(days=30), ALL, LONG_AGO - timedelta(days=1)).empty


def test_stale_counts_only_versions_published_by_the_as_of_day(two_versions):
    rows = base_rows()
    rows["activities"][1]["responsible"] = "Prorektor"  # activity 2 changes today, in version 3 (1 is ongoing again)
    publish(two_versions, [_plan(two_versions.path.parent, rows, "v3.xlsx")], "anna", "upload")
    as_of = LONG_AGO + timedelta(days=300)
    cutoff = months_before(as_of.date(), 6)
    with two_versions.snapshot() as snap:
        # As of then, neither had changed since version 1; with today's versions both changed today.
        assert list(queries.stale_activities(snap, ALL, cutoff, as_of)["activity_id"]) == ["1", "2"]
        assert queries.stale_activities(snap, ALL, cutoff).empty


def test_the_record_is_read_up_to_the_as_of_day(two_versions):
    db = two_versions
    first = meetings.record_meeting(db, date(2024, 6, 1), "Vårens möte", "", {}, "anna")
    meetings.add_item(db, first, "testplan", "note", "Före", "anna")
    second = meetings.record_meeting(db, date(2024, 11, 1), "Höstens möte", "", {}, "anna")
    meetings.add_item(db, second, "testplan", "note", "Efter", "anna")
    with db.snapshot() as snap:
        assert list(queries.items_since(snap, date(2024, 5, 1), ALL, date(2024, 7, 1))["text"]) == ["Före"]
        assert list(queries.items_since(snap, date(2024, 5, 1), ALL)["text"]) == ["Före", "Efter"]


def test_an_open_action_is_past_due_against_the_as_of_day():
    actions = pd.DataFrame(
        [{"held_on": date(2012, 1, 10), "plan_id": "p", "activity_id": None, "target_id": None, "about": None,
          "kind": "action", "text": "Ring", "owner": "SAM", "due": date(2012, 3, 1), "status": "open"}]
    )  # fmt: skip
    empty = pd.DataFrame()
    none_late = overdue(empty, date(2012, 6, 30))
    args = ("sv", {}, empty, empty, none_late, empty, empty, empty, actions)
    assert followup.content(*args, date(2012, 6, 30)).counts["overdue_actions"] == 1
    assert followup.content(*args, date(2012, 2, 1)).counts["overdue_actions"] == 0


def _expected_past_end(db_path, as_of: date) -> tuple[set, set]:
    """An oracle in SQL, apart from the rule: (late, status unknown) activity keys as of a day."""
    db = cache.connection(str(db_path))
    past = "select plan_id || ' ' || activity_id from activities where end_date < ? and status "
    late = {r[0] for r in db.rows(past + "in ('not_started', 'ongoing', 'postponed')", [as_of])}
    unknown = {r[0] for r in db.rows(past + "= 'unknown'", [as_of])}
    return late, unknown


def _keys(df: pd.DataFrame, titles: dict) -> set:
    by_title = {v: k for k, v in titles.items()}
    return {f"{by_title[p]} {a}" for p, a in zip(df["Plan"], df["ID"], strict=True)}


@pytest.mark.parametrize("as_of", [date(2012, 6, 30), date(2013, 6, 30), None])
def test_meeting_page_as_of_a_day_keeps_late_and_unknown_status_apart(app_db, storages, as_of):
    at = AppTest.from_file(APP, default_timeout=120)
    if as_of:
        at.query_params["asof"] = as_of.isoformat()
    at.run()
    at.switch_page("app_pages/meetings.py").run()
    assert not at.exception, [e.message for e in at.exception]
    late, unknown = _expected_past_end(app_db, as_of or date.today())
    assert {m.label: m.value for m in at.metric}["Försenade"] == str(len(late))
    assert {m.label: m.value for m in at.metric}["Status okänd"] == str(len(unknown))
    titles = context.plan_short(at.session_state["ctx"])
    # The two tables of activities past their end: late (days late), then status unknown (days past end).
    past = [df.value for df in at.dataframe if {"Dagar sen", "Dagar efter slut"} & set(df.value.columns)]
    rows = pd.concat(past) if past else pd.DataFrame(columns=["Plan", "ID", "Status"])
    assert _keys(rows[rows["Status"] != "Okänd"], titles) == late
    assert _keys(rows[rows["Status"] == "Okänd"], titles) == unknown
    assert len(past) == bool(late) + bool(unknown)  # apart, each in a table of its own
    if as_of == date(2012, 6, 30):
        assert not late and not unknown  # the 2011–2013 plan is live: nothing of it has ended unfinished yet
        text = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=download(at, storages, "meetings_pack_pdf"), capture_output=True
        ).stdout.decode()
        assert re.search(r"Per datum\s+2012-06-30", text)


# ---------------------------------------------------------------------------- the pack's key figures and targets


def _pack(storages, plans: list[str], lang: str = "sv") -> tuple[str, openpyxl.Workbook]:
    """The meeting page's pack for these plans: the PDF's text (spaces normalised) and the workbook."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["plan"] = plans
    if lang == "en":
        at.query_params["lang"] = "en"
    at.run()
    at.switch_page("app_pages/meetings.py").run()
    assert not at.exception, [e.message for e in at.exception]
    files = downloads(at, storages)
    # Reading order (-raw): each key figure's value, then its label.
    pdf = subprocess.run(
        ["pdftotext", "-raw", "-", "-"], input=files["meetings_pack_pdf"], capture_output=True, check=True
    )
    text = " ".join(pdf.stdout.decode().replace("\u00a0", " ").split())
    return text, openpyxl.load_workbook(io.BytesIO(files["meetings_pack_xlsx"]))


def test_pack_key_figures_match_the_overview_and_every_target_is_listed(app_db, storages):
    text, wb = _pack(storages, ["mobilitet-2016-2018"])
    # The mobility plan's budget has no year: the pack says so, as the overview does.
    assert "1 560,5 tkr Utan år" in text
    assert "0 tkr Ingående balans" in text
    overview = AppTest.from_file(APP, default_timeout=120)
    overview.query_params["plan"] = ["mobilitet-2016-2018"]
    overview.run()
    figures = {m.label: m.value.replace("\u00a0", " ") for m in overview.metric}
    assert figures["Utan år"] == "1 560,5 tkr"
    for label, value in figures.items():
        if label.startswith("Budget ") or label in ("Utan år", "Ingående balans"):
            assert f"{value} {label}" in text
    # Both +25 % and +20 % targets, with why they have no path; the qualitative ones too.
    assert "TA Utresande studenter (basvärde saknas)" in text
    assert "TB Lärarmobilitet inom Erasmus (basvärde saknas)" in text
    assert "TC Strategisk plan för administrativ personalmobilitet (kvalitativ, inget mätbart värde)" in text
    assert "inga målsättningar att visa" not in text
    sheet = wb["Målsättningar"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert [c.value for c in sheet[1]][-1] == "Saknas för en väg"
    assert rows["TA Utresande studenter"][-1] == "basvärde saknas"


def test_full_pack_names_every_target_in_scope(app_db, storages):
    text, wb = _pack(storages, [], "en")
    with cache.connection(str(app_db)).snapshot() as snap:
        targets = queries.targets(snap, Filters())
    # Every target is in the workbook; in the PDF those with a path are charted, the others named with why not.
    assert {r[0] for r in wb["Targets"].iter_rows(min_row=2, values_only=True)} == {
        f"{r.target_id} {r.name}" for r in targets.itertuples()
    }
    without = [r for _, r in targets.iterrows() if not target_state(r).path]
    assert len(without) > 20
    for r in without:
        assert f"{r['target_id']} {r['name']} (" in text, r["target_id"]
    assert "TA Utresande studenter (no baseline value)" in text
    assert "T3 Utbildningsprogram med branschråd (no target year)" in text


def test_at_risk_judges_the_outcomes_known_by_the_as_of_day(two_versions):
    with two_versions.snapshot() as snap:
        now = queries.targets(snap, ALL)
        then = queries.targets(snap, Filters(as_of=date(2015, 6, 30)))
    t1 = now.set_index("target_id").loc["T1"]
    assert (t1["outcome_year"], t1["outcome"]) == (2016, 30)
    assert then.set_index("target_id").loc["T1"][["outcome_year", "outcome"]].isna().all()
