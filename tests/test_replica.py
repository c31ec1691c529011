"""Read-only copies for reader processes: what the writer leaves, what a reader opens, and when it changes."""

from __future__ import annotations

import logging
import os
import threading
import time

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.auth import config
from dashboard.auth.rights import SESSION_KEY
from dashboard.web import cache
from loaders import replica
from loaders.contacts import Contact, store_contacts
from loaders.database import Database
from tests.conftest import EDITOR, ROOT, bundled_copy


def _contacts(path) -> int:
    with Database(path, read_only=True) as db:
        return db.rows("select count(*) from contact")[0][0]


def test_a_copy_holds_what_the_database_holds_and_the_pointer_names_it(bundled_db, tmp_path):
    path = bundled_copy(bundled_db, tmp_path)
    assert replica.current(path) is None
    with Database(path) as db:
        made = replica.publish(db)
        tables = db.rows("select table_name from information_schema.tables order by 1")
        versions = db.rows("select plan_id, version from load_log order by 1, 2")
    assert replica.current(path) == made
    assert made.parent == path.parent  # the file store beside the database serves readers too
    assert replica.pointer(path).read_text(encoding="utf-8") == made.name
    assert not list(tmp_path.glob("*.tmp"))
    with Database(made, read_only=True) as copy:
        assert copy.rows("select table_name from information_schema.tables order by 1") == tables
        assert copy.rows("select plan_id, version from load_log order by 1, 2") == versions
        with pytest.raises(Exception, match="read-only"):
            copy.rows("delete from contact")


def test_a_change_makes_a_new_copy_the_current_one_and_the_oldest_go(bundled_db, tmp_path):
    path = bundled_copy(bundled_db, tmp_path)
    with Database(path) as db:
        first = replica.publish(db, keep=2)
        reading = Database(first, read_only=True)  # a reader in the middle of a page run
        store_contacts(db, [Contact("KOM", "kom@miun.se")], "test", "kontakter.xlsx")
        second = replica.publish(db, keep=2)
        third = replica.publish(db, keep=2)
    assert replica.current(path) == third
    assert _contacts(first) == 0 and _contacts(third) == 1 and _contacts(second) == 1
    assert not first.exists() and second.exists()  # two kept
    assert reading.rows("select count(*) from contact") == [(0,)]  # an open copy reads on after it is dropped
    reading.close()


def test_the_pointer_names_a_file_beside_the_database_and_nothing_else(tmp_path):
    path = tmp_path / "plans.duckdb"
    (tmp_path / "secret.duckdb").write_bytes(b"x")
    for text in ("../secret.duckdb", "/etc/passwd", "secret.duckdb", "plans.replica-000001-1.duckdb"):
        replica.pointer(path).write_text(text, encoding="utf-8")
        assert replica.current(path) is None  # not a copy's name, or no such file


def test_the_writers_thread_copies_after_each_commit(bundled_db, tmp_path):
    path = bundled_copy(bundled_db, tmp_path)
    stop = threading.Event()
    with Database(path) as db:
        (tmp_path / "plans.replica-000009-1.duckdb.tmp").write_bytes(b"half")  # left by a killed writer
        thread = threading.Thread(target=replica.keep_published, args=(db, stop, 0.05), daemon=True)
        thread.start()
        try:
            deadline = time.monotonic() + 30
            while replica.current(path) is None and time.monotonic() < deadline:
                time.sleep(0.05)
            first = replica.current(path)
            assert first is not None and _contacts(first) == 0
            assert not (tmp_path / "plans.replica-000009-1.duckdb.tmp").exists()
            store_contacts(db, [Contact("KOM", "kom@miun.se")], "test", "kontakter.xlsx")
            while replica.current(path) == first and time.monotonic() < deadline:
                time.sleep(0.05)
            assert replica.current(path) != first and _contacts(replica.current(path)) == 1
        finally:
            stop.set()
            thread.join(timeout=10)
    assert not thread.is_alive()


@pytest.mark.parametrize(("value", "wanted"), [("", None), ("writer", "writer"), (" Reader ", "reader")])
def test_the_role_is_read_from_the_environment(monkeypatch, value, wanted):
    monkeypatch.setenv(replica.ROLE_ENV, value)
    assert replica.role() == wanted


def test_a_misspelt_role_is_refused_rather_than_ignored(monkeypatch):
    monkeypatch.setenv(replica.ROLE_ENV, "readonly")
    with pytest.raises(ValueError, match="PLANS_REPLICAS"):
        replica.role()


APP = str(ROOT / "dashboard" / "app.py")


@pytest.fixture
def reader(editor_db, monkeypatch):
    """A reader process's view: the editor's database with a published copy, PLANS_REPLICAS=reader."""
    with Database(editor_db) as db:
        made = replica.publish(db)
    monkeypatch.setenv(replica.ROLE_ENV, replica.READER)
    monkeypatch.setenv("PLANS_EDITOR_URL", "https://uppfoljning.miun.se/redigera/")
    return editor_db, made


def test_a_reader_shows_the_copy_and_offers_the_editors_address_instead_of_a_sign_in(reader):
    db_path, _made = reader
    before = db_path.stat().st_mtime_ns
    files = sorted(db_path.parent.rglob("*"))
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[SESSION_KEY] = EDITOR  # a session that says it is signed in changes nothing here
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert next(m.value for m in at.metric if m.label == "Aktiviteter") == "69"  # all plans, as on the writer
    assert not at.text_input  # no sign-in form
    assert any("https://uppfoljning.miun.se/redigera/" in c.value for c in at.caption)
    assert "Inloggad" not in " ".join(c.value for c in at.caption)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/upload.py")  # an editor's page is not there for anyone
    assert db_path.stat().st_mtime_ns == before  # the reader never opened the database itself
    assert sorted(db_path.parent.rglob("*")) == files  # and wrote nothing beside it


@pytest.mark.parametrize("address", [None, "uppfoljning.miun.se/redigera/", "https://a b/"])
def test_a_reader_without_a_usable_editors_address_says_it_is_for_reading_and_the_operator_hears_of_it(
    reader, monkeypatch, caplog, address
):
    if address is None:
        monkeypatch.delenv("PLANS_EDITOR_URL")
    else:
        monkeypatch.setenv("PLANS_EDITOR_URL", address)
    monkeypatch.setattr(config, "_warned", set())  # each problem is logged once per process
    with caplog.at_level(logging.WARNING, logger="dashboard.auth.config"):
        for lang in ("sv", "en"):
            at = AppTest.from_file(APP, default_timeout=60)
            at.query_params["lang"] = lang
            at.run()
            assert not at.exception, [e.message for e in at.exception]
            captions = " ".join(c.value for c in at.caption)
            said = {"sv": "visar uppföljningen för läsning", "en": "shows the dashboard for reading"}[lang]
            assert said in captions and "](" not in captions  # told, with no link to a wrong address
            assert not at.text_input  # and no sign-in form
            at.run()  # the configuration is read on every run: logged once all the same
    warnings = [r.getMessage() for r in caplog.records if "PLANS_EDITOR_URL" in r.getMessage()]
    assert len(warnings) == 1, warnings
    assert ("not set" in warnings[0]) == (address is None)


def test_the_same_session_on_a_server_that_writes_is_an_editor(reader, monkeypatch):
    monkeypatch.delenv(replica.ROLE_ENV)  # as the writer (its copying thread is tested above, on its own)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[SESSION_KEY] = EDITOR
    at.run()
    at.switch_page("app_pages/upload.py").run()
    assert not at.exception and at.file_uploader


def _next_run_once_serving(at: AppTest, db_path, newer, monkeypatch) -> list[str]:
    """Once the reader serves `newer`, the next page run; returns the copies its cached reads had to query."""
    chosen = cache.copies(str(db_path))
    deadline = time.monotonic() + 30
    while chosen.serving != str(newer) and time.monotonic() < deadline:
        time.sleep(0.05)
    opened: list[str] = []
    real_open = cache._open
    monkeypatch.setattr(cache, "_open", lambda path: opened.append(path) or real_open(path))
    at.run()
    return opened


def test_a_reader_moves_to_a_new_copy_once_the_reads_asked_for_are_cached(reader, monkeypatch):
    db_path, made = reader
    monkeypatch.setattr(cache, "WATCH_SECONDS", 3600)  # the page run finds the new copy, not the watcher
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert at.session_state["ctx"].db.path == made
    with Database(db_path) as db:  # the writer changes something and copies again
        store_contacts(db, [Contact("KOM", "kom@miun.se")], "test", "kontakter.xlsx")
        newer = replica.publish(db)
    at.run()  # this run still reads the copy it had; a thread computes the same reads for the new one meanwhile
    assert at.session_state["ctx"].db.path == made
    opened = _next_run_once_serving(at, db_path, newer, monkeypatch)
    assert not at.exception
    assert at.session_state["ctx"].db.path == newer
    assert opened == []  # every cached read of this run was ready: none had to query the new copy


def test_an_idle_reader_warms_a_new_copy_by_itself(reader, monkeypatch):
    db_path, made = reader
    monkeypatch.setattr(cache, "WATCH_SECONDS", 0.1)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert at.session_state["ctx"].db.path == made
    with Database(db_path) as db:
        newer = replica.publish(db)
    opened = _next_run_once_serving(at, db_path, newer, monkeypatch)  # no page run meanwhile
    assert at.session_state["ctx"].db.path == newer
    assert opened == []  # the next visitor's reads were ready


def test_without_warming_the_same_run_would_have_queried(reader, monkeypatch):
    """The checks above can fail: a copy nobody warmed is queried by the run that first reads it."""
    db_path, _made = reader
    monkeypatch.setattr(cache, "WARM_KEYS", 0)
    monkeypatch.setattr(cache, "WATCH_SECONDS", 3600)
    at = AppTest.from_file(APP, default_timeout=60).run()
    with Database(db_path) as db:
        newer = replica.publish(db)
    at.run()
    opened = _next_run_once_serving(at, db_path, newer, monkeypatch)
    assert at.session_state["ctx"].db.path == newer
    assert str(newer) in opened


def test_a_reader_that_was_idle_when_a_copy_came_opens_it_at_once(reader):
    """Warming is for a copy just made: a reader nobody used for a while never shows an old version meanwhile."""
    db_path, made = reader
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert at.session_state["ctx"].db.path == made
    with Database(db_path) as db:
        newer = replica.publish(db)
    an_hour_ago = time.time() - 3600
    os.utime(newer, (an_hour_ago, an_hour_ago))
    at.run()
    assert at.session_state["ctx"].db.path == newer


def test_a_reader_started_before_the_first_copy_says_so(editor_db, monkeypatch):
    monkeypatch.setenv(replica.ROLE_ENV, replica.READER)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert any("väntar på sin första kopia" in i.value for i in at.info), [i.value for i in at.info]
