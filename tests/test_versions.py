"""Versions: diffs between versions, outcome/status updates, publishing with checks, file store, rollback."""

from __future__ import annotations

import json
import threading
from datetime import date

import pytest

from loaders.database import Database
from loaders.diff import diff_plans
from loaders.filestore import FileStore
from loaders.problems import WorkbookInvalid
from loaders.publish import PlanChanged, current_version, publish, read_version
from loaders.update import apply_update, is_update, read_update
from loaders.workbook import read_plan
from loaders.writer import write_update_workbook

from .conftest import base_rows, write_plan

pytestmark = pytest.mark.slow  # seconds of work: handed out before the quick files (tests/conftest.py)


def _plan(tmp_path, rows=None, plan=None, name="plan.xlsx"):
    path = write_plan(tmp_path, rows, plan, name)
    return read_plan(path.read_bytes(), path.name), path.read_bytes()


def _update(tmp_path, outcomes=(), status=(), plan_id="testplan", name="update.xlsx"):
    """An update workbook as the app hands it out, with rows typed in."""
    import openpyxl

    path = tmp_path / name
    write_update_workbook(path, plan_id, [], [])
    wb = openpyxl.load_workbook(path)
    for row in outcomes:
        wb["Utfall"].append(list(row))
    for row in status:
        wb["Status"].append(list(row))
    wb.save(path)
    return path.read_bytes()


# ---------------------------------------------------------------------------- diff


def test_diff_of_identical_versions_is_empty(tmp_path):
    a, _ = _plan(tmp_path)
    b, _ = _plan(tmp_path, name="again.xlsx")
    assert diff_plans(a, b).is_empty()


def test_diff_names_activities_added_removed_and_changed_field_by_field(tmp_path):
    old, _ = _plan(tmp_path)
    rows = base_rows()
    rows["activities"][0]["title"] = "Aktivitet ett, ny titel"
    rows["activities"][1]["responsible"] = "Prorektor"
    rows["activities"].append({"activity_id": "3", "title": "Aktivitet tre", "unit": "KOM"})
    rows["budget"] = [b for b in rows["budget"] if b.get("activity_id") != "2"]
    new, _ = _plan(tmp_path, rows, name="new.xlsx")
    d = diff_plans(old, new)
    assert [a["activity_id"] for a in d.activities_added] == ["3"]
    assert d.activities_added[0]["status"] == "unknown"
    assert d.activities_removed == []
    changes = {(c.key, c.field): (c.before, c.after) for c in d.activities_changed}
    assert changes == {
        ("1", "title"): ("Aktivitet ett", "Aktivitet ett, ny titel"),
        ("2", "responsible"): (None, "Prorektor"),
    }
    # A change carries its row's title, so no table shows an activity by its id alone.
    assert {c.key: c.title for c in d.activities_changed} == {"1": "Aktivitet ett, ny titel", "2": "Aktivitet två"}

    rows = base_rows()
    rows["activities"] = rows["activities"][:1]
    rows["activities"][0]["goal_ids"] = ["A"]
    removed, _ = _plan(tmp_path, rows, name="removed.xlsx")
    assert [a["activity_id"] for a in diff_plans(old, removed).activities_removed] == ["2"]


def test_diff_budget_lines_and_totals_per_year(tmp_path):
    old, _ = _plan(tmp_path)
    rows = base_rows()
    rows["budget"][0]["amount_sek"] = 150000  # 2016 SAM line: 100 → 150 tkr
    rows["budget"].append({"activity_id": "2", "year": 2017, "unit": "RUN", "kind": "budget", "amount_sek": 20000})
    new, _ = _plan(tmp_path, rows, name="new.xlsx")
    d = diff_plans(old, new)
    totals = {(r["year"], r["kind"]): (r["before"], r["after"]) for r in d.budget_totals}
    # IB (opening balance) and the amount without a year did not change, so they are not listed.
    assert totals == {(2016, "budget"): (100000, 150000), (2017, "budget"): (0, 20000)}
    lines = {(r["activity_id"], r["year"]): (r["before"], r["after"]) for r in d.budget_lines}
    assert lines == {("1", 2016): (100000, 150000), ("2", 2017): (None, 20000)}


def test_diff_targets_outcomes_and_status(tmp_path):
    old, _ = _plan(tmp_path)
    rows = base_rows()
    rows["targets"][0]["target_value"] = 90
    rows["target_values"] = [{"target_id": "T1", "year": 2016, "value": 40}]
    rows["status"].append({"activity_id": "1", "as_of": date(2016, 9, 1), "status": "done"})
    rows["status"].append({"activity_id": "2", "status": "postponed"})
    new, _ = _plan(tmp_path, rows, name="new.xlsx")
    d = diff_plans(old, new)
    assert [(c.key, c.field, c.before, c.after) for c in d.targets_changed] == [("T1", "target_value", 80, 90)]
    assert d.outcomes == [
        {"target_id": "T1", "name": "Kontrakt", "year": 2016, "region": None, "before": None, "after": 40}
    ]
    status = {r["activity_id"]: (r["before"], r["after"]) for r in d.status_changes}
    assert status == {"1": ("ongoing", "done"), "2": ("unknown", "postponed")}
    assert d.counts()["status_changes"] == 2


def test_a_dated_status_row_beats_a_later_undated_one(tmp_path):
    # The views' rule: latest date first, undated rows last; the diff must agree with them.
    old, _ = _plan(tmp_path)
    rows = base_rows()
    rows["status"] = [
        {"activity_id": "1", "as_of": date(2016, 5, 1), "status": "done"},
        {"activity_id": "1", "status": "ongoing"},
    ]
    new, _ = _plan(tmp_path, rows, name="new.xlsx")
    assert [(r["before"], r["after"]) for r in diff_plans(old, new).status_changes] == [("ongoing", "done")]


# ---------------------------------------------------------------------------- updates


def test_update_workbook_is_recognised_and_applied(tmp_path):
    current, _ = _plan(tmp_path)
    raw = _update(
        tmp_path,
        outcomes=[("T1", 2016, None, 35), ("T1J", 2016, "Jämtland", 6)],
        status=[("2", "2016-10-01", "Genomförd", "Klart i oktober")],
    )
    assert is_update(raw)
    assert not is_update(write_plan(tmp_path).read_bytes())
    update = read_update(raw, "update.xlsx")
    new = apply_update(current, update, date(2016, 11, 1))
    assert new.file_name == "update.xlsx" and new.sha256 == update.sha256
    assert new.tables["activities"] == current.tables["activities"]  # the rest of the plan is untouched
    d = diff_plans(current, new)
    assert {(o["target_id"], o["region"], o["after"]) for o in d.outcomes} == {("T1", None, 35), ("T1J", "Jämtland", 6)}
    assert [(s["activity_id"], s["after"], s["status_note"]) for s in d.status_changes] == [
        ("2", "done", "Klart i oktober")
    ]


def test_an_update_replaces_the_outcome_for_the_same_target_year_and_region(tmp_path):
    rows = base_rows()
    rows["target_values"] = [{"target_id": "T1", "year": 2016, "value": 30}]
    current, _ = _plan(tmp_path, rows)
    new = apply_update(
        current, read_update(_update(tmp_path, outcomes=[("T1", 2016, None, 33)]), "u.xlsx"), date.today()
    )
    assert new.tables["target_values"].select(["target_id", "year", "value"]).to_pylist() == [
        {"target_id": "T1", "year": 2016, "value": 33.0}
    ]


def test_an_undated_status_update_counts_from_the_upload_day(tmp_path):
    current, _ = _plan(tmp_path)
    new = apply_update(
        current, read_update(_update(tmp_path, status=[("1", None, "Uppskjuten")]), "u.xlsx"), date(2017, 3, 1)
    )
    last = new.tables["status"].to_pylist()[-1]
    assert (last["activity_id"], last["status"], last["as_of"]) == ("1", "postponed", date(2017, 3, 1))
    assert [(s["before"], s["after"]) for s in diff_plans(current, new).status_changes] == [("ongoing", "postponed")]


def test_an_update_naming_unknown_targets_or_activities_is_refused_cell_by_cell(tmp_path):
    current, _ = _plan(tmp_path)
    raw = _update(tmp_path, outcomes=[("T9", 2016, None, 1)], status=[("1", None, "Pågår"), ("77", None, "Pågår")])
    with pytest.raises(WorkbookInvalid) as info:
        apply_update(current, read_update(raw, "u.xlsx"), date.today())
    assert [(p.cell, p.code) for p in info.value.problems] == [
        ("Utfall!A2", "unknown_target"),
        ("Status!A3", "unknown_activity"),
    ]


def test_an_update_for_a_plan_that_does_not_exist_is_refused(tmp_path):
    raw = _update(tmp_path, status=[("1", None, "Pågår")], plan_id="finns-inte")
    with pytest.raises(WorkbookInvalid) as info:
        apply_update(None, read_update(raw, "u.xlsx"), date.today())
    assert [p.code for p in info.value.problems] == ["update_unknown_plan"]


def test_an_update_without_rows_is_refused(tmp_path):
    current, _ = _plan(tmp_path)
    with pytest.raises(WorkbookInvalid) as info:
        apply_update(current, read_update(_update(tmp_path), "u.xlsx"), date.today())
    assert [p.code for p in info.value.problems] == ["update_empty"]


def test_an_update_with_a_bad_cell_gets_the_loaders_own_message(tmp_path):
    raw = _update(tmp_path, outcomes=[("T1", "tjugo", None, 3)])
    with pytest.raises(WorkbookInvalid) as info:
        read_update(raw, "u.xlsx")
    assert [(p.cell, p.code) for p in info.value.problems] == [("Utfall!B2", "year_invalid")]


# ---------------------------------------------------------------------------- publishing


@pytest.fixture
def db(tmp_path):
    with Database(tmp_path / "plans.duckdb") as database:
        yield database


def test_publish_records_who_what_and_a_summary_and_keeps_the_file(tmp_path, db):
    data, raw = _plan(tmp_path)
    store = FileStore(tmp_path / "files")
    assert publish(db, [data], "anna", "upload", base_versions={"testplan": None}, files=[raw], store=store) == [
        ("testplan", 1)
    ]
    rows = base_rows()
    rows["activities"].append({"activity_id": "3", "title": "Tre"})
    data2, raw2 = _plan(tmp_path, rows, name="v2.xlsx")
    publish(db, [data2], "bertil", "upload", base_versions={"testplan": 1}, files=[raw2], store=store)
    log = db.query("select version, loaded_by, action, file_name, file_sha256, changes from loads order by version")
    assert list(log["loaded_by"]) == ["anna", "bertil"]
    assert json.loads(log["changes"][0])["new_plan"] == 1
    assert json.loads(log["changes"][1])["activities_added"] == 1
    for sha, content in zip(log["file_sha256"], (raw, raw2), strict=True):
        assert store.get(sha) == content


def test_the_data_version_is_read_once_per_commit_and_a_publish_is_seen_at_once(tmp_path, db):
    """The sidebar asks for the data version on every page run: the database is asked only after a commit."""
    from dashboard import queries

    asked = []

    def version(reader):
        asked.append(1)
        return queries.data_version(reader)

    assert [db.per_commit(version) for _ in range(3)] == [0, 0, 0] and len(asked) == 1
    data, _ = _plan(tmp_path)
    publish(db, [data], "anna", "upload")
    assert [db.per_commit(version) for _ in range(3)] == [1, 1, 1] and len(asked) == 2
    with db.transaction() as cur:  # any commit, not only a publish, asks again
        cur.execute("select 1")
    assert db.per_commit(version) == 1 and len(asked) == 3


def test_a_value_computed_while_a_commit_lands_is_computed_again(tmp_path, db):
    data, _ = _plan(tmp_path)
    calls = []

    def publish_meanwhile(reader):
        calls.append(1)
        loads = reader.rows("select count(*) from loads")[0][0]
        if len(calls) == 1:
            publish(reader, [data], "anna", "upload")  # a commit lands after the value was read
        return loads

    assert db.per_commit(publish_meanwhile) == 0  # read before the publish
    # Not kept for the state after the publish: the next call reads again, and then keeps that.
    assert [db.per_commit(publish_meanwhile) for _ in range(2)] == [1, 1] and len(calls) == 2


def test_publish_refuses_a_preview_made_against_an_older_version(tmp_path, db):
    data, _ = _plan(tmp_path)
    publish(db, [data], "anna", "upload")
    publish(db, [data], "bertil", "upload", base_versions={"testplan": 1})
    with pytest.raises(PlanChanged) as info:
        publish(db, [data], "cecilia", "upload", base_versions={"testplan": 1})
    assert (info.value.current, info.value.by) == (2, "bertil")
    assert current_version(db, "testplan") == 2  # nothing was saved


def test_before_commit_runs_inside_the_open_transaction(tmp_path, db):
    # The crash test's pause is injected here (tests/crash_load.py), not read from the environment.
    data, _ = _plan(tmp_path)
    publish(db, [data], "anna", "upload")
    seen = []

    def hook():
        # Another cursor still sees only version 1: the rows of version 2 are written but not committed.
        seen.append(current_version(db, "testplan"))
        raise KeyboardInterrupt  # what a kill does to the transaction: it never commits

    with pytest.raises(KeyboardInterrupt):
        publish(db, [data], "bertil", "upload", before_commit=hook)
    assert seen == [1]
    assert current_version(db, "testplan") == 1
    assert db.rows("select count(*) from activity_rev where version = 2") == [(0,)]


def test_two_concurrent_publishes_are_both_recorded_in_order(tmp_path, db):
    first, _ = _plan(tmp_path)
    publish(db, [first], "build", "build")
    rows = base_rows()
    rows["status"].append({"activity_id": "2", "status": "done"})
    other, _ = _plan(tmp_path, rows, plan={"plan_id": "annan", "title": "Annan plan"}, name="other.xlsx")
    barrier = threading.Barrier(3)
    results, errors = [], []

    def go(data, who):
        barrier.wait()
        try:
            results.extend(publish(db, [data], who, "upload"))
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=go, args=a) for a in ((first, "anna"), (other, "bertil"), (first, "cecilia"))]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    assert errors == []
    log = db.query("select load_id, plan_id, version, loaded_by from loads order by load_id")
    assert list(log["load_id"]) == [1, 2, 3, 4]
    assert sorted(log[log["plan_id"] == "testplan"]["version"]) == [1, 2, 3]
    assert sorted(log["loaded_by"][1:]) == ["anna", "bertil", "cecilia"]
    # Every version is whole: the same number of activities in each.
    counts = db.rows("select version, count(*) from activity_rev where plan_id = 'testplan' group by 1 order by 1")
    assert counts == [(1, 2), (2, 2), (3, 2)]


def test_readers_during_a_publish_see_the_old_or_the_new_version_never_a_mix(tmp_path, db):
    rows = base_rows()
    big = [{"activity_id": str(i), "title": f"A{i}"} for i in range(3, 3000)]
    rows["activities"] += big
    data, _ = _plan(tmp_path, rows)
    publish(db, [data], "build", "build")
    stop = threading.Event()
    seen = set()

    def read():
        while not stop.is_set():
            with db.snapshot() as snap:
                version = snap.rows("select max(load_id) from loads")[0][0]
                n = snap.rows("select count(*) from activities")[0][0]
                budget = snap.rows("select count(*) from budget_lines")[0][0]
            seen.add((version, n, budget))

    reader = threading.Thread(target=read)
    reader.start()
    rows2 = base_rows()  # the new version drops the 2 997 extra activities
    rows2["budget"].append({"activity_id": "2", "year": 2017, "kind": "budget", "amount_sek": 1})
    smaller, _ = _plan(tmp_path, rows2, name="v2.xlsx")
    for _ in range(5):
        publish(db, [smaller], "anna", "upload")
        publish(db, [data], "anna", "upload")
    stop.set()
    reader.join(30)
    assert seen <= {(v, 2999, 3) for v in range(1, 12) if v % 2 == 1} | {(v, 2, 4) for v in range(2, 12, 2)}
    assert len(seen) > 1


def test_a_version_read_back_is_the_version_published(tmp_path, db):
    data, _ = _plan(tmp_path)
    publish(db, [data], "anna", "upload")
    back = read_version(db, "testplan", 1)
    assert diff_plans(data, back).is_empty()
    assert back.file_name == "plan.xlsx" and back.sha256 == data.sha256


def test_file_store_is_content_addressed_and_refuses_other_names(tmp_path):
    store = FileStore(tmp_path)
    sha = store.put(b"abc")
    assert store.put(b"abc") == sha and store.get(sha) == b"abc"
    assert len(list(tmp_path.rglob("*.xlsx"))) == 1
    for bad in ("../../etc/passwd", "ABC", sha[:-1]):
        assert not store.has(bad)
        with pytest.raises(KeyError):
            store.path(bad)
    store.path(sha).write_bytes(b"tampered")
    with pytest.raises(OSError):
        store.get(sha)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_diff_tables_show_a_dash_where_an_added_row_has_no_field_before_or_after(tmp_path, lang):
    from dashboard.web.diffview import diff_tables

    old, _ = _plan(tmp_path)
    rows = base_rows()
    rows["activities"].append({"activity_id": "3", "title": "Aktivitet tre", "unit": "KOM"})
    rows["activities"][1]["responsible"] = "Prorektor"
    new, _ = _plan(tmp_path, rows, name="new.xlsx")
    for df in diff_tables(diff_plans(old, new), lang).values():
        for row in df.itertuples(index=False):
            assert all(str(v).strip() and str(v) not in ("None", "nan") for v in row), row
