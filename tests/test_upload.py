"""The upload and history pages under AppTest: check, preview, publish, cancel, roll back; editors only; hostile files."""

from __future__ import annotations

import functools
import io
import re
from datetime import date

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import queries
from dashboard.reports.display import md
from dashboard.web import cache
from loaders.database import Database
from loaders.filestore import FileStore
from loaders.roles import Role, User
from loaders.service import export_plan
from tests.conftest import EDITOR_PASSWORD, ROOT, download, downloads, hostile_files

pytestmark = pytest.mark.slow  # seconds of work: handed out before the quick files (tests/conftest.py)

APP = str(ROOT / "dashboard" / "app.py")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLAN = "skolsamverkan-2016-2017"


@pytest.fixture(scope="module")
def built(bundled_db, tmp_path_factory):
    """The bundled database, with the plan exported beside it as its owner downloads it."""
    folder = tmp_path_factory.mktemp("owner")
    with Database(bundled_db) as db:
        export_plan(db, PLAN, folder / f"{PLAN}.xlsx")
    return folder


@pytest.fixture
def db_path(editor_db):
    return editor_db


def _app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=120)


def _as_editor(at: AppTest, page: str = "upload") -> AppTest:
    at.session_state["auth_editor"] = "anna"
    at.run()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _upload(at: AppTest, *files: tuple[str, bytes]) -> AppTest:
    at.file_uploader(key="upload_files_0").set_value([(name, data, XLSX) for name, data in files]).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@functools.cache  # the same edit is asked for by several tests; the owner's file never changes
def _edited(built, cell: str, value, sheet: str = "Budget") -> bytes:
    """The current plan as an owner downloads it, with one cell changed in Excel."""
    wb = openpyxl.load_workbook(built / f"{PLAN}.xlsx")
    wb[sheet][cell] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@functools.cache
def _budget_cell(built, activity: str, amount: int) -> str:
    ws = openpyxl.load_workbook(built / f"{PLAN}.xlsx")["Budget"]
    headers = [c.value for c in ws[1]]
    a, b = headers.index("Aktivitet-ID"), headers.index("Belopp (kr)")
    row = next(r for r in ws.iter_rows(min_row=2) if r[a].value == activity and r[b].value == amount)
    return row[b].coordinate


def _db(path) -> Database:
    # The app's own connection: in one process DuckDB lets a file be opened once.
    return cache.connection(str(path))


def _versions(path) -> list[tuple]:
    return _db(path).rows("select plan_id, version, loaded_by, action from loads order by load_id")


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [e.value for e in at.error] + [s.value for s in at.success]
    return "\n".join(parts + [w.value for w in at.warning] + [i.value for i in at.info])


# ---------------------------------------------------------------------------- upload


def test_upload_previews_the_change_and_publishes_it(built, db_path):
    before = _versions(db_path)
    at = _as_editor(_app())
    cell = _budget_cell(built, "1", 1700000)
    edited = _edited(built, cell, 1900000)
    at = _upload(at, ("skolsamverkan.xlsx", edited))
    # The preview: the year's total and the line, before → after; nothing saved yet.
    tables = {tuple(df.value.columns): df.value for df in at.dataframe}
    totals = next(v for k, v in tables.items() if "Skillnad" in k)
    assert totals.iloc[0].to_dict() == {
        "År": "2016",
        "Typ": "Budget",
        "Före": "2\u00a0400\u00a0tkr",
        "Efter": "2\u00a0600\u00a0tkr",
        "Skillnad": "200\u00a0tkr",
    }
    assert "Ändringar i budgetposter: 1" in _texts(at)
    at.get("status")  # the check showed its progress
    assert _versions(db_path) == before

    at.button(key="upload_0_publish").click().run()
    assert not at.exception
    assert _versions(db_path)[-1] == (PLAN, 2, "anna", "upload")
    assert "publicerad som version 2" in _texts(at)
    assert ["publicerad som version 2" in x.value for x in at.toast] == [True]  # said on the run after
    # Every version can be traced to its exact file.
    sha = _db(db_path).rows("select file_sha256 from loads where plan_id = ? and version = 2", [PLAN])[0][0]
    assert FileStore.beside(db_path).get(sha) == edited

    # The dashboard shows the new figure at once.
    at.switch_page("app_pages/budget.py").run()
    assert at.dataframe[0].value.loc["2016", "Budget"] == "2\u00a0600\u00a0tkr"


def test_cancel_leaves_everything_as_it_was(built, db_path):
    before = _versions(db_path)
    at = _upload(_as_editor(_app()), ("skolsamverkan.xlsx", _edited(built, "B2", "Ny titel", sheet="Aktiviteter")))
    assert "Ändrade aktiviteter: 1" in _texts(at)
    at.button(key="upload_0_cancel").click().run()
    assert "avbruten, ingenting sparades" in _texts(at)
    assert _versions(db_path) == before


def _other_plans_workbook() -> bytes:
    """The 2011–2013 plan's workbook with its Plan-ID changed to this plan's."""
    from tests.conftest import DATA

    wb = openpyxl.load_workbook(DATA / "arbetslivsanknytning-2011-2013.xlsx")
    wb["Plan"]["A2"] = PLAN
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_file_that_would_replace_another_plan_is_warned_about_first(built, db_path, lang):
    before = _versions(db_path)
    at = _app()
    at.query_params["lang"] = lang
    at = _upload(_as_editor(at), ("arbetslivsanknytning.xlsx", _other_plans_workbook()))
    title = _db(db_path).rows("select title from plans where plan_id = ?", [PLAN])[0][0]
    assert len(at.warning) == 1
    warning = re.sub(r"\\(.)", r"\1", at.warning[0].value)  # as shown: Markdown's escapes taken away
    if lang == "sv":
        assert f"tillhör planen ”{title}”" in warning
        assert "titeln ändras" in warning and "12 av planens 12 aktiviteter tas bort" in warning
    else:
        assert f"belongs to the plan “{title}”" in warning
        assert "the title changes" in warning and "12 of the plan's 12 activities are removed" in warning
    assert "arbetslivsanknytning 2011–2013" in warning
    # Publishing waits for an explicit yes.
    publish = at.button(key="upload_0_publish")
    assert publish.disabled
    at.checkbox(key="upload_0_replace").check().run()
    assert not at.button(key="upload_0_publish").disabled
    if lang == "sv":
        at.button(key="upload_0_publish").click().run()
        assert not at.exception
        assert _versions(db_path) == [*before, (PLAN, 2, "anna", "upload")]
    else:
        assert _versions(db_path) == before


def test_an_ordinary_change_has_no_replacement_warning(built, db_path):
    at = _upload(_as_editor(_app()), ("skolsamverkan.xlsx", _edited(built, "B2", "Ny titel", sheet="Aktiviteter")))
    assert not at.warning
    assert not [c for c in at.checkbox if c.key == "upload_0_replace"]
    assert not at.button(key="upload_0_publish").disabled


def test_publishing_a_replacement_needs_the_confirmation(built, db_path, monkeypatch):
    from dashboard.web import actions

    monkeypatch.setattr("dashboard.auth.rights.current_user", lambda: User("anna", Role.EDITOR))
    checked = actions.check_upload(_db(db_path), "x.xlsx", _other_plans_workbook(), today=date.today())
    assert checked.replacement is not None and checked.replacement.removed == 12
    before = _versions(db_path)
    with pytest.raises(actions.ReplaceRefused):
        actions.publish_checked(_db(db_path), checked)
    assert _versions(db_path) == before


def test_an_unchanged_file_has_nothing_to_publish(built, db_path):
    at = _upload(_as_editor(_app()), ("same.xlsx", (built / f"{PLAN}.xlsx").read_bytes()))
    assert "Inga ändringar" in _texts(at)
    assert not [b for b in at.button if b.key == "upload_0_publish"]


def test_problems_are_listed_and_the_marked_workbook_can_be_downloaded(built, db_path):
    before = _versions(db_path)
    at = _upload(_as_editor(_app()), ("fel.xlsx", _edited(built, _budget_cell(built, "1", 1700000), "mycket")))
    # Listed as lines that wrap (a grid cut long messages): where, the value and the whole message.
    message = "Beloppet går inte att tolka. Skriv ett heltal i kronor, t.ex. 490000 (eller 490 tkr)."
    cell = md(f"Budget!{_budget_cell(built, '1', 1700000)}")
    line = f"- **{cell}** · Värde: mycket · {md(message)}"  # compared as shown: escaped for Markdown
    assert line in [m.value for m in at.markdown]
    assert not at.dataframe
    assert any(b.key == "upload_0_marked" for b in at.get("download_button"))
    assert _versions(db_path) == before


def test_an_outcome_and_status_update_is_published_on_its_own(db_path, storages):
    at = _as_editor(_app())
    at.selectbox(key="upload_template_plan").set_value(PLAN).run()
    template = download(at, storages, "upload_template_update")
    wb = openpyxl.load_workbook(io.BytesIO(template))
    assert wb["Plan"]["A2"].value == PLAN
    assert wb["Aktiviteter (lista)"]["A2"].value == "1"
    # Pre-filled with the current status of every open activity: the owner changes the row in place.
    ws = wb["Status"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "1")
    assert row[2].value == "Okänd" and row[1].value is None
    row[1].value, row[2].value, row[3].value = "2017-01-15", "Genomförd", "Avtal klara"
    out = io.BytesIO()
    wb.save(out)
    at = _upload(at, ("uppdatering.xlsx", out.getvalue()))
    assert "Uppdatering av utfall och status" in _texts(at)
    status = next(df.value for df in at.dataframe if "Kommentar" in df.value.columns)
    assert status.iloc[0][["ID", "Efter", "Kommentar"]].tolist() == ["1", "Genomförd", "Avtal klara"]
    at.button(key="upload_0_publish").click().run()
    assert _versions(db_path)[-1] == (PLAN, 2, "anna", "update")


def test_templates_round_trip(built, db_path, storages):
    at = _as_editor(_app())
    at.selectbox(key="upload_template_plan").set_value(PLAN).run()
    files = downloads(at, storages)
    # The pre-filled plan uploads back with no changes; the empty template is the loader's own.
    at = _upload(at, ("tillbaka.xlsx", files["upload_template_prefilled"]))
    assert "Inga ändringar" in _texts(at)
    empty = openpyxl.load_workbook(io.BytesIO(files["upload_template_empty"]))
    assert empty.sheetnames[:3] == ["Instruktioner", "Plan", "Mål"]
    assert empty["Plan"].max_row == 1


def test_the_template_offers_the_plan_the_sidebar_is_filtered_on(db_path):
    at = _app()
    at.query_params["plan"] = [PLAN]
    at = _as_editor(at)
    assert at.selectbox(key="upload_template_plan").value == PLAN


def test_the_same_plan_published_twice_from_one_preview_is_caught(built, db_path):
    at = _as_editor(_app())
    at = _upload(
        at,
        ("a.xlsx", _edited(built, _budget_cell(built, "1", 1700000), 1800000)),
        ("b.xlsx", _edited(built, _budget_cell(built, "1", 1700000), 1900000)),
    )
    at.button(key="upload_0_publish").click().run()
    at.button(key="upload_1_publish").click().run()
    # The second preview was made against version 1: it is checked again, not published blind.
    assert "efter din kontroll" in _texts(at)
    assert [v[1] for v in _versions(db_path) if v[0] == PLAN] == [1, 2]
    at.button(key="upload_1_publish").click().run()
    assert [v[1] for v in _versions(db_path) if v[0] == PLAN] == [1, 2, 3]


# ---------------------------------------------------------------------------- who may do it


def test_viewers_do_not_see_the_upload_page(db_path):
    at = _app()
    at.run()
    assert not at.exception
    # The page is not in a viewer's navigation at all, so there is nothing to switch to.
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/upload.py")
    assert not at.get("file_uploader")


def test_a_viewer_calling_the_upload_actions_is_refused(built, db_path):
    """The server checks the editor right in every action, not only by hiding buttons."""
    before = _versions(db_path)
    script = f"""
import datetime
import sys
sys.path.insert(0, {str(ROOT)!r})
import streamlit as st
from dashboard.web import actions

from dashboard.web.cache import connection
db = connection({str(db_path)!r})
refused = []
for name, call in (
    ("check", lambda: actions.check_upload(db, "x.xlsx", b"PK", today=datetime.date(2026, 1, 1))),
    ("rollback", lambda: actions.rollback(db, {PLAN!r}, 1, 1)),
    ("template", lambda: actions.plan_template(db, {PLAN!r})),
    ("empty", lambda: actions.empty_template()),
    ("update", lambda: actions.update_template(db, {PLAN!r})),
    ("publish", lambda: actions.publish_checked(db, actions.Checked("x.xlsx", "0", "plan", b""))),
    ("marked", lambda: actions.annotated_workbook(actions.Checked("x.xlsx", "0", "plan", b""), "sv")),
    ("file", lambda: actions.original_file(db, "0" * 64)),
    ("meeting", lambda: actions.record_meeting(db, datetime.date(2026, 1, 1), "", "", {{}})),
    ("item", lambda: actions.add_meeting_item(db, 1, {PLAN!r}, "note", "x")),
    ("close", lambda: actions.close_action_items(db, [1], datetime.date(2026, 1, 1))),
):
    try:
        call()
    except actions.NotAuthorized:
        refused.append(name)
st.write(",".join(refused))
"""
    at = AppTest.from_string(script, default_timeout=60)
    at.session_state["auth_editor"] = "mallory"  # not an account: a forged session value
    at.run()
    assert not at.exception
    assert at.markdown[0].value == "check,rollback,template,empty,update,publish,marked,file,meeting,item,close"
    assert _versions(db_path) == before
    assert _db(db_path).rows("select count(*) from meetings")[0][0] == 0


def test_signing_in_shows_the_upload_page(db_path):
    at = _app()
    at.run()
    at.sidebar.text_input(key="auth_name").input("anna")
    at.sidebar.text_input(key="auth_password").input(EDITOR_PASSWORD)
    _submit(at)
    at.switch_page("app_pages/upload.py").run()
    assert at.get("file_uploader")


def _submit(at: AppTest) -> None:
    submit = next(b for b in at.sidebar.get("button") if "auth_form" in (b.proto.form_id or ""))
    submit.click().run()
    assert not at.exception


# ---------------------------------------------------------------------------- hostile files


def test_every_hostile_file_ends_in_a_clear_message_and_changes_nothing(tmp_path, db_path):
    before = _versions(db_path)
    hostile = hostile_files(tmp_path)
    at = _upload(_as_editor(_app()), *[(f"{code}.xlsx", data) for code, data in hostile.items()])
    errors = [e.value for e in at.error]
    assert len(errors) == len(hostile)
    checked = at.session_state["upload_state"]["checked"]
    assert sorted(p.code for c in checked.values() for p in c.problems) == sorted(hostile)
    assert _versions(db_path) == before
    # The server is still there for everyone: the next page runs.
    at.switch_page("app_pages/budget.py").run()
    assert not at.exception and at.dataframe


# ---------------------------------------------------------------------------- history and rollback


def test_history_lists_versions_and_rolls_back_as_a_new_version(built, db_path):
    at = _as_editor(_app())
    at = _upload(at, ("v2.xlsx", _edited(built, _budget_cell(built, "1", 1700000), 1900000)))
    at.button(key="upload_0_publish").click().run()
    at.switch_page("app_pages/history.py").run()
    at.selectbox(key="history_plan").set_value(PLAN).run()
    versions = at.dataframe[0].value
    assert list(versions["Version"]) == ["2", "1"]
    assert list(versions["Vem"]) == ["anna (redaktör)", "Systemet"]  # the role the version was published with
    assert versions.iloc[0]["Ändringar"] == "Ändringar i budgetposter: 1"
    # An older version is viewable, with what it changed.
    at.selectbox(key="history_version").set_value(1).run()
    assert not at.exception
    at.checkbox(key="history_confirm").check().run()
    at.button(key="history_rollback").click().run()
    assert not at.exception
    log = [v for v in _versions(db_path) if v[0] == PLAN]
    assert log == [(PLAN, 1, "build", "build"), (PLAN, 2, "anna", "upload"), (PLAN, 3, "anna", "rollback")]
    at.switch_page("app_pages/budget.py").run()
    assert at.dataframe[0].value.loc["2016", "Budget"] == "2\u00a0400\u00a0tkr"


def test_after_a_rollback_the_page_offers_no_rollback_to_the_same_content(built, db_path):
    at = _as_editor(_app())
    at = _upload(at, ("v2.xlsx", _edited(built, _budget_cell(built, "1", 1700000), 1900000)))
    at.button(key="upload_0_publish").click().run()
    at.switch_page("app_pages/history.py").run()
    at.selectbox(key="history_plan").set_value(PLAN).run()
    at.selectbox(key="history_version").set_value(1).run()
    at.checkbox(key="history_confirm").check().run()
    at.button(key="history_rollback").click().run()
    assert not at.exception
    assert len(at.toast) == 1 and "version 3" in at.toast[0].value, [x.value for x in at.toast]
    # The page shows the new current version (3, the content of 1), and nothing to roll back to.
    assert at.selectbox(key="history_version").value == 3
    assert not [w for w in at.checkbox if w.key == "history_confirm"]
    assert not [b for b in at.button if b.key == "history_rollback"]
    # Version 1 is now the same as the current one: shown, but not offered for a rollback.
    at.selectbox(key="history_version").set_value(1).run()
    assert not [b for b in at.button if b.key == "history_rollback"]
    assert any("Version 1 har samma innehåll som den gällande versionen (3)" in c.value for c in at.caption)
    # Version 2 differs: offered, and the confirmation asks again (unticked).
    at.selectbox(key="history_version").set_value(2).run()
    assert at.checkbox(key="history_confirm").value is False
    assert at.button(key="history_rollback").disabled


def test_a_plan_published_meanwhile_is_said_and_the_upload_checked_again(built, db_path):
    first, second = _as_editor(_app()), _as_editor(_app())
    cell = _budget_cell(built, "1", 1700000)
    _upload(first, ("a.xlsx", _edited(built, cell, 1900000)))
    _upload(second, ("b.xlsx", _edited(built, cell, 2100000)))
    first.button(key="upload_0_publish").click().run()
    second.button(key="upload_0_publish").click().run()
    assert not second.exception, [e.message for e in second.exception]
    notice = second.warning[0]
    assert "fick version 2 (anna," in notice.value and notice.proto.icon == ":material/sync_problem:"
    # Checked again against version 2: its changes are against that version, and it can be published.
    assert any("jämfört med publicerad version 2" in m.value for m in second.markdown)
    second.button(key="upload_0_publish").click().run()
    assert [v[1:] for v in _versions(db_path) if v[0] == PLAN][-2:] == [(2, "anna", "upload"), (3, "anna", "upload")]


def test_a_confirmation_is_for_the_version_it_names(built, db_path):
    at = _as_editor(_app())
    for name, amount in (("v2.xlsx", 1900000), ("v3.xlsx", 2100000)):
        data = _edited(built, _budget_cell(built, "1", 1700000), amount)
        at.get("file_uploader")[0].set_value([(name, data, XLSX)]).run()
        at.button(key="upload_0_publish").click().run()
    assert [v[1] for v in _versions(db_path) if v[0] == PLAN] == [1, 2, 3]
    at.switch_page("app_pages/history.py").run()
    at.selectbox(key="history_plan").set_value(PLAN).run()
    at.selectbox(key="history_version").set_value(1).run()
    at.checkbox(key="history_confirm").check().run()
    assert not at.button(key="history_rollback").disabled
    # Ticked for version 1; choosing version 2 asks again.
    at.selectbox(key="history_version").set_value(2).run()
    assert at.checkbox(key="history_confirm").value is False
    assert at.button(key="history_rollback").disabled


def test_a_rollback_to_the_current_content_is_refused(built, db_path):
    """The action refuses too (a page left open elsewhere still offers the button): no empty version."""
    at = _as_editor(_app())
    at = _upload(at, ("v2.xlsx", _edited(built, _budget_cell(built, "1", 1700000), 1900000)))
    at.button(key="upload_0_publish").click().run()
    script = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
import streamlit as st
from dashboard.web import actions

from dashboard.web.cache import connection
db = connection({str(db_path)!r})
outcome = [str(actions.rollback(db, {PLAN!r}, 1, 2))]
try:
    outcome.append(str(actions.rollback(db, {PLAN!r}, 1, 3)))
except actions.NothingToPublish:
    outcome.append("refused")
st.write(",".join(outcome))
"""
    at = AppTest.from_string(script, default_timeout=60)
    at.session_state["auth_editor"] = "anna"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.markdown[0].value == "3,refused"
    assert [v[1:] for v in _versions(db_path) if v[0] == PLAN] == [
        (1, "build", "build"),
        (2, "anna", "upload"),
        (3, "anna", "rollback"),
    ]


def test_history_for_viewers_has_no_rollback(db_path):
    at = _app()
    at.run()
    at.switch_page("app_pages/history.py").run()
    assert not at.exception
    assert at.dataframe
    assert not [b for b in at.button if b.key == "history_rollback"]


def test_the_annotated_download_marks_the_cells(built, db_path, storages):
    at = _upload(_as_editor(_app()), ("fel.xlsx", _edited(built, _budget_cell(built, "1", 1700000), "mycket")))
    marked = openpyxl.load_workbook(io.BytesIO(download(at, storages, "upload_0_marked")))
    assert marked.sheetnames[0] == "Problem"
    cell = _budget_cell(built, "1", 1700000)
    assert "Beloppet går inte att tolka" in marked["Budget"][cell].comment.text


def test_a_cached_read_is_never_filed_under_another_version(db_path):
    """A page reads the data version once; a query that meets a newer one makes the page run again."""
    path = str(db_path)
    version = queries.data_version(cache.connection(path))
    assert list(cache.cached(queries.plan_versions, path, version, PLAN)["version"]) == [1]
    with pytest.raises(cache.Stale):
        cache.cached(queries.plan_versions, path, version + 1, PLAN)


def test_the_versions_table_names_no_checksum_and_no_folder(db_path):
    """The versions table speaks to readers: no raw 'sha256' column (the checksum stays in the version's
    detail) and a build is not described by a server folder."""
    at = _app()
    at.run()
    at.switch_page("app_pages/history.py").run()
    versions = at.dataframe[0].value
    assert "sha256" not in versions.columns
    assert not [c for c in versions.astype(str).to_numpy().ravel() if "data/" in c]
    assert "Byggd från de medföljande arbetsböckerna" in set(versions["Hur"])
