"""Roles from the configuration, checked on the server: who may publish which plan, who may see the access page."""

from __future__ import annotations

import io
import logging

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.auth import config
from dashboard.web import cache
from loaders.database import Database
from loaders.roles import Role, User
from loaders.service import export_plan
from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # seconds of work: handed out before the quick files (tests/conftest.py)

APP = str(ROOT / "dashboard" / "app.py")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLAN = "skolsamverkan-2016-2017"
OTHER = "internationalisering-2020-2023"


def _secrets(editor_hash: str) -> dict:
    return {
        "editors": {"old": editor_hash},
        "accounts": {
            "io": {"password": editor_hash, "role": "editor", "plans": [OTHER]},
            "sam": {"password": editor_hash, "role": "reporter", "plans": ["mobilitet-2016-2018"], "units": "SAM"},
            "boss": {"password": editor_hash, "role": "Admin"},
            "typo": {"password": editor_hash, "role": "owner"},
            "badlist": {"password": editor_hash, "role": "editor", "plans": 5},
            "nopass": {"role": "admin"},
        },
    }


@pytest.fixture
def configured(bundled_db, tmp_path, monkeypatch, editor_hash):
    """A private copy of the bundled database and the accounts above (no environment accounts)."""
    path = tmp_path / "plans.duckdb"
    path.write_bytes(bundled_db.read_bytes())
    monkeypatch.setenv("PLANS_DB", str(path))
    monkeypatch.delenv("PLANS_EDITORS", raising=False)
    monkeypatch.setattr(config, "_secrets", lambda: _secrets(editor_hash))
    return path


# ---------------------------------------------------------------------------- configuration


def test_accounts_get_their_roles_and_bad_entries_are_left_out_without_their_hash(
    configured, caplog, editor_hash, monkeypatch
):
    monkeypatch.setattr(config, "_warned", set())  # each problem is logged once per process
    with caplog.at_level(logging.WARNING):
        users = config.local_users()
        config.local_users()
    assert users == {
        "old": User("old", Role.EDITOR),
        "io": User("io", Role.EDITOR, plans=frozenset({OTHER})),
        "sam": User("sam", Role.REPORTER, plans=frozenset({"mobilitet-2016-2018"}), units=frozenset({"SAM"})),
        "boss": User("boss", Role.ADMIN),
    }
    assert set(config.local_accounts()) == set(users)  # only a well-formed account can sign in
    logged = caplog.text
    assert "'typo'" in logged and "'badlist'" in logged and "'nopass'" in logged
    assert logged.count("'typo'") == 1  # read twice, said once
    assert editor_hash not in logged


def test_environment_accounts_are_editors_of_every_plan_and_win(configured, monkeypatch, editor_hash):
    monkeypatch.setenv("PLANS_EDITORS", f"sam:{editor_hash}")
    assert config.local_users()["sam"] == User("sam", Role.EDITOR)


def test_oidc_assignments_by_address(monkeypatch):
    monkeypatch.setattr(
        config,
        "_secrets",
        lambda: {
            "auth": {"client_id": "x"},
            "editor_access": {"emails": ["Anna@Miun.se", "bo@miun.se"]},
            "access": {
                "bo@miun.se": {"role": "reporter", "responsible": ["Bo Svensson"]},
                "rektor@miun.se": {"role": "admin"},
                "x@miun.se": {"role": "superuser"},
            },
        },
    )
    assert config.oidc_users() == {
        "anna@miun.se": User("anna@miun.se", Role.EDITOR),
        "bo@miun.se": User("bo@miun.se", Role.REPORTER, responsible=frozenset({"Bo Svensson"})),
        "rektor@miun.se": User("rektor@miun.se", Role.ADMIN),
    }


# ---------------------------------------------------------------------------- require(), in a session

CHECKS = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
import streamlit as st
from dashboard.auth import rights
from loaders.roles import Role

out = []
for role, plan in ((Role.REPORTER, None), (Role.EDITOR, None), (Role.EDITOR, {PLAN!r}), (Role.EDITOR, {OTHER!r}),
                   (Role.ADMIN, None)):
    try:
        rights.require(role, plan)
        out.append("ok")
    except rights.PlanNotAssigned:
        out.append("plan")
    except rights.AdminOnly:
        out.append("admin")
    except rights.NotAuthorized:
        out.append("no")
st.write(" ".join(out))
"""


@pytest.mark.parametrize(
    ("session", "expected"),
    [
        (None, "no no no no admin"),
        ("mallory", "no no no no admin"),  # a forged session value: not an account
        ("typo", "no no no no admin"),  # an account whose entry is refused
        ("sam", "ok no no no admin"),
        ("io", "ok ok plan ok admin"),
        ("old", "ok ok ok ok admin"),
        ("boss", "ok ok ok ok ok"),
    ],
)
def test_require_checks_the_role_and_the_plan(configured, session, expected):
    at = AppTest.from_string(CHECKS, default_timeout=60)
    if session:
        at.session_state["auth_editor"] = session
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.markdown[0].value == expected


# ---------------------------------------------------------------------------- publishing a plan not assigned


def _workbook(db_path) -> bytes:
    """The plan as its owner downloads it, with the title of one activity changed in Excel."""
    out = io.BytesIO()
    with Database(db_path) as db:
        export_plan(db, PLAN, db_path.parent / "plan.xlsx")
    wb = openpyxl.load_workbook(db_path.parent / "plan.xlsx")
    wb["Aktiviteter"]["B2"] = "Ny titel"
    wb.save(out)
    return out.getvalue()


def _versions(path) -> list[tuple]:
    return cache.connection(str(path)).rows("select plan_id, version, loaded_by, role from loads order by load_id")


def _signed_in(name: str, page: str = "upload") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["auth_editor"] = name
    at.run()
    at.switch_page(f"app_pages/{page}.py").run()
    return at


def test_an_editor_of_other_plans_is_refused_on_the_page_and_nothing_is_saved(configured):
    raw = _workbook(configured)
    before = _versions(configured)
    at = _signed_in("io")
    at.file_uploader(key="upload_files_0").set_value([("plan.xlsx", raw, XLSX)]).run()
    assert not at.exception, [e.message for e in at.exception]
    errors = " ".join(e.value for e in at.error)
    assert "Du är inte redaktör för Regional skolsamverkan" in errors
    assert not [b for b in at.button if b.key == "upload_0_publish"]
    assert _versions(configured) == before


def test_the_publish_action_checks_the_plan_again(configured):
    """A preview made by an editor of every plan, published from a session whose editor lacks the plan."""
    raw = _workbook(configured)
    at = _signed_in("old")
    at.file_uploader(key="upload_files_0").set_value([("plan.xlsx", raw, XLSX)]).run()
    assert not at.button(key="upload_0_publish").disabled
    before = _versions(configured)
    at.session_state["auth_editor"] = "io"  # the same browser session, now another account
    at.button(key="upload_0_publish").click().run()
    assert "Du är inte redaktör för" in " ".join(e.value for e in at.error)
    assert _versions(configured) == before


def test_an_assigned_editor_publishes_and_the_version_records_the_role(configured):
    raw = _workbook(configured)
    at = _signed_in("boss")
    at.file_uploader(key="upload_files_0").set_value([("plan.xlsx", raw, XLSX)]).run()
    at.button(key="upload_0_publish").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert _versions(configured)[-1] == (PLAN, 2, "boss", "admin")
    at.switch_page("app_pages/history.py").run()
    at.selectbox(key="history_plan").set_value(PLAN).run()
    assert at.dataframe[0].value.iloc[0]["Vem"] == "boss (administratör)"


def test_a_reporter_gets_no_upload_page_and_the_action_refuses(configured):
    at = _signed_in("sam", page="overview")
    assert "Inloggad som sam (rapportör)" in [c.value for c in at.sidebar.caption]
    # Not in the navigation; and the check itself refuses on the server.
    from dashboard.web import actions

    script = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
import streamlit as st
from datetime import date
from dashboard.web import actions
from dashboard.web.cache import connection
try:
    actions.check_upload(connection({str(configured)!r}), "x.xlsx", b"PK", today=date.today())
    st.write("allowed")
except actions.NotAuthorized:
    st.write("refused")
"""
    run = AppTest.from_string(script, default_timeout=60)
    run.session_state["auth_editor"] = "sam"
    run.run()
    assert run.markdown[0].value == "refused"
    assert actions.NotAuthorized is not None


# ---------------------------------------------------------------------------- the access page


def test_the_access_page_lists_roles_for_an_admin_in_both_languages(configured):
    at = _signed_in("boss", page="overview")
    at.switch_page("app_pages/access.py").run()
    assert not at.exception, [e.message for e in at.exception]
    table = at.dataframe[0].value
    assert list(table["Konto"]) == ["boss", "io", "old", "sam"]
    assert list(table["Roll"]) == ["administratör", "redaktör", "redaktör", "rapportör"]
    assert list(table["Planer"])[:3] == ["Alla planer", "Internationalisering 2020–2023", "Alla planer"]
    assert table.iloc[3]["Enheter (rapportör)"] == "SAM"
    shown = table.to_string()
    assert "scrypt" not in shown
    at.toggle(key="f_lang_en").set_value(True).run()
    assert list(at.dataframe[0].value["Role"]) == ["admin", "editor", "editor", "reporter"]


def test_the_access_page_is_not_offered_to_an_editor_and_its_action_refuses(configured):
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        _signed_in("old", page="access")
    script = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
import streamlit as st
from dashboard.web import actions, errors
with errors.user_errors("sv"):
    st.write(len(actions.access_list()))
"""
    for name, refused in (("old", True), ("sam", True), ("boss", False)):
        at = AppTest.from_string(script, default_timeout=60)
        at.session_state["auth_editor"] = name
        at.run()
        assert not at.exception
        said = " ".join(e.value for e in at.error)
        assert ("Bara administratörer" in said) is refused, name
        assert (not at.markdown) is refused  # no list for anyone but the admin


def test_the_access_page_stays_open_without_plans(configured, tmp_path, monkeypatch):
    from loaders.service import build

    empty = tmp_path / "empty"
    empty.mkdir()
    build(empty, tmp_path / "empty.duckdb")
    monkeypatch.setenv("PLANS_DB", str(tmp_path / "empty.duckdb"))
    at = _signed_in("boss", page="overview")
    assert "Det finns inga planer" in " ".join(i.value for i in at.info)
    at.switch_page("app_pages/access.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert list(at.dataframe[0].value["Konto"]) == ["boss", "io", "old", "sam"]
