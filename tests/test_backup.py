"""Backup and restore: consistent while publishing, verified before restoring, nothing lost by a killed backup."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime

import pytest

from loaders import backup
from loaders.database import PUBLIC_VIEWS, Database
from loaders.filestore import FileStore
from loaders.publish import publish, read_version
from loaders.service import build
from tests.conftest import DATA, ROOT, bundled_copy
from tests.test_cli import cli

pytestmark = pytest.mark.slow  # seconds of work: handed out before the quick files (tests/conftest.py)

PLAN = "skolsamverkan-2016-2017"


@pytest.fixture
def db_path(bundled_db, tmp_path):
    (tmp_path / "live").mkdir()
    path = bundled_copy(bundled_db, tmp_path / "live")
    store = FileStore.beside(path)
    for workbook in sorted(DATA.glob("*.xlsx")):  # the store holds every loaded workbook, as in use
        store.put(workbook.read_bytes())
    return path


def _contract(path) -> dict:
    """Every contract view's rows, in order: what a reader of the database sees."""
    with Database(path, read_only=True) as db:
        return {v: sorted(map(repr, db.rows(f"select * from {v}"))) for v in PUBLIC_VIEWS}


def _next_version(db: Database):
    data = read_version(db, PLAN)
    data.plan["note"] = "ändrad för testet"
    return data


def test_a_backup_restores_every_version_meeting_and_workbook(db_path, tmp_path):
    before = _contract(db_path)
    with Database(db_path) as db:
        made = backup.backup(db, FileStore.beside(db_path), tmp_path / "backups")
    assert made.parts == 1 + len(list(DATA.glob("*.xlsx"))) and made.data_version > 0
    assert [b.path for b in backup.list_backups(tmp_path / "backups")] == [made.path]
    manifest = backup.verify(made.path)
    assert set(manifest) == {"created_at", "data_version", "parts"}

    target = tmp_path / "restored" / "plans.duckdb"
    assert backup.restore(made.path, target, FileStore.beside(target)) is None  # nothing was there to keep
    assert _contract(target) == before
    shas = [f.stem for f in FileStore.beside(db_path).root.glob("??/*.xlsx")]
    assert all(FileStore.beside(target).get(sha) for sha in shas)


def test_a_backup_taken_while_an_editor_publishes_has_the_old_or_the_new_version_never_a_mix(db_path, tmp_path):
    with Database(db_path) as db:
        committing, made = threading.Event(), {}

        def hold() -> None:
            committing.set()  # every row of version 2 written, nothing committed
            time.sleep(0.5)

        def take() -> None:
            committing.wait(30)
            made["backup"] = backup.backup(db, FileStore.beside(db_path), tmp_path / "backups")

        taker = threading.Thread(target=take)
        taker.start()
        publish(db, [_next_version(db)], "anna", "upload", before_commit=hold)
        taker.join(30)
        early = backup.backup(db, FileStore.beside(db_path), tmp_path / "early", now=datetime(2020, 1, 1))
    restored = tmp_path / "restored.duckdb"
    backup.restore(made["backup"].path, restored, FileStore.beside(restored))
    with Database(restored, read_only=True) as db:
        # The backup waited for the publish: version 2 whole, its rows and its load log together.
        assert db.rows("select version from plans where plan_id = ?", [PLAN]) == [(2,)]
        n = db.rows("select count(*) from activity_rev where plan_id = ? and version = 2", [PLAN])[0][0]
        assert n == db.rows("select count(*) from activity_rev where plan_id = ? and version = 1", [PLAN])[0][0] > 0
        assert db.rows("select note from plan_rev where plan_id = ? and version = 2", [PLAN]) == [
            ("ändrad för testet",)
        ]
    assert early.data_version == made["backup"].data_version


def test_a_killed_backup_leaves_earlier_backups_and_the_database_as_they_were(db_path, tmp_path):
    target = tmp_path / "backups"
    with Database(db_path) as db:
        first = backup.backup(db, FileStore.beside(db_path), target)
    before = _contract(db_path)
    marker = tmp_path / "paused"
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.crash_backup", str(db_path), str(target), str(marker)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.time() + 120
    while not marker.exists():
        assert proc.poll() is None and time.time() < deadline, "the backup ended before reaching the pause"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert [p.name.endswith(".partial") for p in target.iterdir()].count(True) == 1  # what it left
    assert [b.path for b in backup.list_backups(target)] == [first.path]  # never taken for a backup
    backup.verify(first.path)
    assert _contract(db_path) == before
    with pytest.raises(backup.BackupInvalid, match="backup_not_found"):
        backup.verify(next(p for p in target.iterdir() if p.name.endswith(".partial")))
    # The next backup goes through and clears what the killed one left.
    with Database(db_path) as db:
        backup.backup(db, FileStore.beside(db_path), target)
    assert not [p for p in target.iterdir() if p.name.endswith(".partial")]
    assert len(backup.list_backups(target)) == 2


@pytest.mark.parametrize("damage", ["database", "workbook", "missing", "manifest"])
def test_a_damaged_or_partial_backup_is_refused_and_changes_nothing(db_path, tmp_path, damage):
    with Database(db_path) as db:
        made = backup.backup(db, FileStore.beside(db_path), tmp_path / "backups")
    workbook = next((made.path / "files").rglob("*.xlsx"))
    if damage == "database":
        with (made.path / "plans.duckdb").open("r+b") as fh:
            fh.seek(5000)
            fh.write(b"\xff\x00\xff")
    elif damage == "workbook":
        workbook.write_bytes(workbook.read_bytes()[:-10])
    elif damage == "missing":
        workbook.unlink()
    else:
        (made.path / "manifest.json").write_text("{", encoding="utf-8")
    target = tmp_path / "other" / "plans.duckdb"
    target.parent.mkdir()
    target.write_bytes(b"the database in use")
    expected = {"database": "backup_part_damaged", "workbook": "backup_part_damaged",
                "missing": "backup_part_missing", "manifest": "backup_no_manifest"}[damage]  # fmt: skip
    with pytest.raises(backup.BackupInvalid) as caught:
        backup.restore(made.path, target, FileStore.beside(target))
    assert caught.value.key == expected
    assert target.read_bytes() == b"the database in use" and sorted(p.name for p in target.parent.iterdir()) == [
        "plans.duckdb"
    ]


def test_only_the_newest_backups_are_kept(db_path, tmp_path):
    with Database(db_path) as db:
        for day in range(1, 5):
            backup.backup(db, FileStore.beside(db_path), tmp_path / "b", keep=2, now=datetime(2026, 1, day))
    assert [b.created_at.day for b in backup.list_backups(tmp_path / "b")] == [4, 3]


def test_the_cli_backs_up_and_restores_keeping_the_database_it_replaces(db_path, tmp_path):
    before = _contract(db_path)
    run = cli("backup", "--db", db_path, "--to", tmp_path / "b", "--keep", "3")
    assert run.returncode == 0, run.stderr
    assert "Backup written:" in run.stdout
    made = backup.list_backups(tmp_path / "b")[0]
    with Database(db_path) as db:  # a change after the backup, which the restore takes back
        publish(db, [_next_version(db)], "anna", "upload")
    run = cli("--lang", "sv", "restore", made.path, "--db", db_path)
    assert run.returncode == 0, run.stderr
    assert "Återställde" in run.stdout and "finns kvar som" in run.stdout
    assert _contract(db_path) == before
    kept = [p for p in db_path.parent.iterdir() if ".before-restore-" in p.name and not p.name.endswith(".wal")]
    with Database(kept[0], read_only=True) as db:  # nothing is silently lost: the replaced database stays
        assert db.rows("select version from plans where plan_id = ?", [PLAN]) == [(2,)]
    (made.path / "manifest.json").unlink()
    run = cli("restore", made.path, "--db", db_path)
    assert run.returncode == 1 and "no readable manifest.json" in run.stderr and "Nothing was changed" in run.stderr


def test_a_fresh_build_can_be_backed_up_from_the_cli(tmp_path):
    build(DATA, tmp_path / "plans.duckdb")
    run = cli("backup", "--db", tmp_path / "plans.duckdb")
    assert run.returncode == 0, run.stderr
    assert len(backup.list_backups(tmp_path / "backups")) == 1  # beside the database by default


# ---------------------------------------------------------------------------- in the dashboard


def test_settings_come_from_the_configuration_with_the_environment_winning(tmp_path, monkeypatch):
    for name in ("PLANS_BACKUPS", "PLANS_BACKUP_KEEP", "PLANS_BACKUP_INTERVAL_HOURS"):
        monkeypatch.delenv(name, raising=False)
    db = tmp_path / "plans.duckdb"
    assert backup.settings({}, db) == backup.Settings(tmp_path / "backups", 7, 24.0)
    section = {"dir": str(tmp_path / "x"), "keep": 3, "interval_hours": 6}
    assert backup.settings(section, db) == backup.Settings(tmp_path / "x", 3, 6.0)
    monkeypatch.setenv("PLANS_BACKUP_INTERVAL_HOURS", "0")
    monkeypatch.setenv("PLANS_BACKUP_KEEP", "many")  # no number: the configuration's value stands
    assert backup.settings(section, db) == backup.Settings(tmp_path / "x", 3, 0.0)


def test_the_scheduled_job_takes_a_backup_when_one_is_due_and_not_before(db_path, tmp_path):
    every_hour = backup.Settings(tmp_path / "b", keep=3, interval_hours=1)
    made = backup.Backup(tmp_path, datetime(2026, 1, 1, 8), 1, 1, 1)
    assert backup.due(every_hour, None, datetime(2026, 1, 1, 8))
    assert not backup.due(every_hour, made, datetime(2026, 1, 1, 8, 59))
    assert backup.due(every_hour, made, datetime(2026, 1, 1, 9))
    assert not backup.due(backup.Settings(tmp_path / "b", interval_hours=0), None, datetime(2026, 1, 1))

    stop = threading.Event()
    with Database(db_path) as db:
        job = threading.Thread(
            target=backup.run_scheduled, args=(db, FileStore.beside(db_path), lambda: every_hour, stop, 0.05)
        )
        job.start()
        deadline = time.time() + 30
        while not backup.list_backups(every_hour.folder) and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)  # several more checks: none is due within the hour
        stop.set()
        job.join(10)
    assert len(backup.list_backups(every_hour.folder)) == 1


def _admin_page(db_path, monkeypatch, editor_hash, name: str):
    from streamlit.testing.v1 import AppTest

    from dashboard.auth import config

    monkeypatch.setenv("PLANS_DB", str(db_path))
    monkeypatch.delenv("PLANS_EDITORS", raising=False)
    accounts = {"rektor": {"password": editor_hash, "role": "admin"}, "anna": {"password": editor_hash}}
    monkeypatch.setattr(config, "_secrets", lambda: {"accounts": accounts, "backup": {"keep": 2}})
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=120)
    at.session_state["auth_editor"] = name
    at.run()
    return at


def test_an_admin_backs_up_from_the_access_page(db_path, monkeypatch, editor_hash):
    at = _admin_page(db_path, monkeypatch, editor_hash, "rektor")
    at.switch_page("app_pages/access.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert "Ingen säkerhetskopia har tagits ännu." in [i.value for i in at.info]
    assert "De 2 senaste behålls" in " ".join(c.value for c in at.caption)
    at.button(key="access_backup_now").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert "är skriven" in at.success[0].value
    listed = next(d.value for d in at.dataframe if "Säkerhetskopia" in d.value.columns)
    assert len(listed) == 1 and listed.iloc[0]["Dataversion"].isdigit()
    folder = db_path.parent / "backups"
    assert [b.path.name for b in backup.list_backups(folder)] == [listed.iloc[0]["Säkerhetskopia"]]
    assert str(folder) not in " ".join(c.value for c in at.caption)  # no server path on the page


def test_the_backup_action_refuses_anyone_but_an_admin(db_path, monkeypatch, editor_hash):
    from streamlit.testing.v1 import AppTest

    _admin_page(db_path, monkeypatch, editor_hash, "anna")
    script = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
import streamlit as st
from dashboard.web import actions, errors
from dashboard.web.cache import connection
with errors.user_errors("sv", "backup"):
    actions.make_backup(connection({str(db_path)!r}))
    st.write("made")
"""
    at = AppTest.from_string(script, default_timeout=60)
    at.session_state["auth_editor"] = "anna"
    at.run()
    assert "Bara administratörer" in " ".join(e.value for e in at.error) and not at.markdown
    assert backup.list_backups(db_path.parent / "backups") == []


def test_at_exit_the_threads_stop_and_the_connection_is_closed(db_path, caplog, monkeypatch):
    from dashboard.web import cache

    stop = threading.Event()
    db = Database(db_path)
    waiting = threading.Thread(target=stop.wait)  # as the backup job waits between its checks
    waiting.start()
    assert cache.close_at_exit(db, stop, [waiting])
    assert not waiting.is_alive()
    with pytest.raises(Exception, match="closed"):
        db.query("select 1")

    # A thread that does not stop in time (a long backup under way): the connection is not closed under it.
    stop = threading.Event()
    busy = threading.Event()
    stuck = threading.Thread(target=busy.wait, args=(5,))
    stuck.start()
    db = Database(db_path)
    try:
        monkeypatch.setattr(cache, "STOP_WAIT_S", 0.1)
        with caplog.at_level("WARNING", logger="dashboard.web.cache"):
            assert not cache.close_at_exit(db, stop, [stuck])
        assert "still under way" in caplog.text
        assert db.query("select 1 as one")["one"].tolist() == [1]
    finally:
        busy.set()
        stuck.join()
        db.close()


# A server's process in brief: its one connection opened with the scheduled backups and the readers' copies on, a
# backup made, then a normal exit (as Streamlit's on SIGTERM).
EXITING_SERVER = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from loaders import backup
from dashboard.web import cache
db = cache.connection(sys.argv[1])
deadline = time.time() + 60
while not backup.list_backups(Path(sys.argv[3])) and time.time() < deadline:
    time.sleep(0.05)
with db.transaction() as con:  # a change still only in DuckDB's log (its WAL file) when the process ends
    con.execute("create table after_backup as select 42 as answer")
"""


def test_a_server_that_exits_closes_its_database_and_reports_no_leaks(db_path, tmp_path):
    env = {
        **os.environ,
        "PLANS_BACKUP_INTERVAL_HOURS": "24",
        "PLANS_BACKUPS": str(tmp_path / "backups"),
        "PLANS_REPLICAS": "writer",
    }
    done = subprocess.run(
        [sys.executable, "-c", EXITING_SERVER, str(db_path), str(ROOT), str(tmp_path / "backups")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "leaked" not in done.stderr, done.stderr[-2000:]  # DuckDB's bindings found nothing left alive
    assert backup.list_backups(tmp_path / "backups")
    assert not db_path.with_name(db_path.name + ".wal").exists()  # closed: its log written into the file
    with Database(db_path) as db:
        assert db.query("select answer from after_backup")["answer"].tolist() == [42]
