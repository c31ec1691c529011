"""The one mapper of typed errors to the user's message (dashboard/web/errors.py), and the pages that use it."""

from __future__ import annotations

import logging
import subprocess
import sys
from datetime import datetime

import duckdb
import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from dashboard.auth.accounts import TooManyAttempts
from dashboard.auth.rights import NotAuthorized
from dashboard.web import cache, errors
from dashboard.web.actions import NothingToPublish
from loaders.identity import Replacement, ReplaceRefused
from loaders.meetings import MeetingInvalid
from loaders.problems import Problem, WorkbookInvalid
from loaders.publish import PlanChanged
from tests.conftest import ROOT, edit, write_plan

CHANGED = PlanChanged("p", 2, 3, "bertil", datetime(2026, 5, 4, 13, 7))
INVALID = WorkbookInvalid([Problem("a.xlsx", "Budget", "Budget!D7", "mycket", "amount_unparsable")])

# (error, what the user was doing, what the page adds) → (level, Swedish text, English text)
CASES = [
    (NotAuthorized(), None, {}, "error", "Bara redaktörer kan ladda upp", "Only editors can upload"),
    (TooManyAttempts("anna"), None, {}, "error", "För många försök", "Too many attempts"),
    (NothingToPublish("p"), "publish", {}, "error", "Inga ändringar mot publicerad", "No changes against the"),
    (
        NothingToPublish("p"),
        "rollback",
        {"version": 1, "current": 2},
        "info",
        "Version 1 har samma innehåll som den gällande versionen (2)",
        "Version 1 has the same content as the current version (2)",
    ),
    (
        ReplaceRefused([Replacement("p", "A", "B", 0, 3)]),
        "publish",
        {},
        "error",
        "Bekräfta först att filen ska ersätta planen.",
        "First confirm that the file is to replace the plan.",
    ),
    (
        CHANGED,
        "publish",
        {"plan": "Planen"},
        "warning",
        "Planen fick version 3 (bertil, 2026-05-04 13:07)",
        "Planen got version 3 (bertil, 2026-05-04 13:07)",
    ),
    (
        CHANGED,
        "rollback",
        {},
        "warning",
        "Planen fick version 3 (bertil) under tiden.",
        "The plan got version 3 (bertil) meanwhile.",
    ),
    (INVALID, None, {}, "error", "Filen har 1 problem", "problems found, 1"),
    (INVALID, "build", {}, "error", "Databasen kunde inte byggas", "The database could not be built"),
    (MeetingInvalid("meeting_duplicate"), None, {}, "error", "Det finns redan ett möte", "There is already a meeting"),
    (MeetingInvalid("item_owner_missing"), None, {}, "error", "En åtgärd behöver", "An action item needs"),
    (duckdb.IOException("lock on /srv/x"), None, {}, "error", "Databasen kan inte öppnas", "cannot be opened right"),
]


@pytest.mark.parametrize(("exc", "doing", "params", "level", "sv", "en"), CASES, ids=lambda c: type(c).__name__)
def test_each_error_has_its_message_in_both_languages(exc, doing, params, level, sv, en):
    for lang, expected in (("sv", sv), ("en", en)):
        msg = errors.message(exc, lang, doing, **params)
        assert msg.level == level
        assert expected in msg.text, (lang, msg.text)
        assert errors.known(exc)
    # The two languages differ: a text in one language only would fail here.
    assert errors.message(exc, "sv", doing, **params).text != errors.message(exc, "en", doing, **params).text


def test_a_refused_meeting_entry_lets_the_page_go_on_and_other_errors_stop_it():
    assert errors.message(MeetingInvalid("item_text_missing"), "sv").stop is False
    assert errors.message(NotAuthorized(), "sv").stop is True


def test_a_workbooks_problems_come_with_its_message():
    msg = errors.message(INVALID, "en")
    assert msg.problems == tuple(INVALID.problems) and not msg.files
    lines = errors.problem_lines(msg.problems, "en")
    # Where, the value found, then the message in full (as Markdown-escaped text: it quotes the workbook).
    assert lines.startswith("- **Budget\\!D7** · Value: mycket · The amount cannot be read")
    # The bundled workbooks: each line names its file, as there are several.
    build = errors.message(INVALID, "sv", "build")
    assert build.files and errors.problem_lines(build.problems, "sv", build.files).startswith(
        "- **a\\.xlsx · Budget\\!D7** · Värde"
    )


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_an_unknown_error_gets_a_generic_message_without_its_text(lang):
    exc = RuntimeError("[Errno 13] Permission denied: '/srv/plans/data/plans.duckdb'")
    msg = errors.message(exc, lang)
    assert not errors.known(exc)
    assert msg.level == "error"
    assert msg.text.startswith("Något gick fel." if lang == "sv" else "Something went wrong.")
    assert "/srv" not in msg.text and "Errno" not in msg.text and "RuntimeError" not in msg.text


# ------------------------------------------------------------------------- on a page (AppTest)

SCRIPT = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
import streamlit as st
from dashboard.web import cache, errors
from loaders.meetings import MeetingInvalid

lang = st.session_state.get("lang", "sv")
what = st.session_state["raise"]


def fail():
    if what == "meeting":
        raise MeetingInvalid("item_text_missing")
    if what == "unknown":
        raise RuntimeError("boom in /srv/plans/secret.py")
    if what == "stop":
        st.stop()


with errors.user_errors(lang):
    fail()
    st.write("after the call")
st.write("the page goes on")
"""


@pytest.fixture
def shipped_config():
    """client.showErrorDetails as .streamlit/config.toml ships it: no detail of an error on the page."""
    before = config.get_option("client.showErrorDetails")
    config.set_option("client.showErrorDetails", "none")
    yield
    config.set_option("client.showErrorDetails", before)


def _run(what: str, lang: str = "sv") -> AppTest:
    at = AppTest.from_string(SCRIPT, default_timeout=30)
    at.session_state["raise"], at.session_state["lang"] = what, lang
    return at.run()


@pytest.mark.parametrize(("lang", "text"), [("sv", "Skriv en text."), ("en", "Enter a text.")])
def test_a_refused_entry_is_said_in_the_users_language_and_the_page_goes_on(lang, text):
    at = _run("meeting", lang)
    assert not at.exception
    assert [e.value for e in at.error] == [text]
    assert [m.value for m in at.markdown] == ["the page goes on"]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_an_unexpected_error_shows_no_detail_and_is_logged(lang, shipped_config, caplog):
    with caplog.at_level(logging.ERROR, logger="dashboard.web.errors"):
        at = _run("unknown", lang)
    assert not at.exception
    assert [e.value for e in at.error] == [errors.message(RuntimeError(), lang).text]
    assert "secret" not in str(at.error[0].proto) and not at.markdown  # the run stopped there
    assert "boom in /srv/plans/secret.py" in caplog.text and "Traceback" in caplog.text


def test_with_error_details_on_the_error_reaches_streamlit():
    # The tests' own setting (conftest.py): a developer sees the error, and so does a test.
    at = _run("unknown")
    assert [e.message for e in at.exception] == ["boom in /srv/plans/secret.py"]


def test_st_stop_passes_through_untouched():
    at = _run("stop")
    assert not at.exception and not at.error and not at.markdown


# ------------------------------------------------------------------------- the app's own errors

APP = str(ROOT / "dashboard" / "app.py")


def test_a_database_held_by_another_program_is_said_in_the_users_language(tmp_path, monkeypatch, bundled_db):
    path = tmp_path / "held.duckdb"
    path.write_bytes(bundled_db.read_bytes())
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(path)!r}); print('held', flush=True); time.sleep(120)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        monkeypatch.setenv("PLANS_DB", str(path))
        for lang, text in (
            ("sv", "Databasen kan inte öppnas just nu"),
            ("en", "The database cannot be opened right now"),
        ):
            at = AppTest.from_file(APP, default_timeout=60)
            at.session_state["f_lang_en"] = lang == "en"
            at.run()
            assert not at.exception
            assert len(at.error) == 1 and at.error[0].value.startswith(text)
            assert str(path) not in at.error[0].value
    finally:
        holder.kill()
        holder.wait()


def test_bundled_workbooks_with_problems_are_listed_by_file_and_cell(tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    good = write_plan(data, name="bra.xlsx")
    bad = edit(write_plan(data, plan={"plan_id": "annan"}, name="fel.xlsx"), "Budget", "F2", "mycket")
    assert good.exists() and bad.exists()
    monkeypatch.setattr(cache, "ROOT", tmp_path)
    monkeypatch.setenv("PLANS_DB", str(tmp_path / "plans.duckdb"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.error[0].value.startswith("Databasen kunde inte byggas")
    problems = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert problems == [
        "- **fel\\.xlsx · Budget\\!F2** · Värde: mycket · Beloppet går inte att tolka\\. Skriv ett heltal i kronor\\, t\\.ex\\. 490000 \\(eller 490 tkr\\)\\."
    ]
    assert not (tmp_path / "plans.duckdb").exists()  # a build that fails leaves nothing behind
