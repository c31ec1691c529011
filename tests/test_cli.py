"""The loader CLI: exit codes 0/1/2, build is all-or-nothing, load adds versions, export and template."""

import io
import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass

import openpyxl
import pytest

from loaders.cli import main
from loaders.database import Database
from loaders.template import INSTRUCTIONS_SHEET, SHEETS
from tests.conftest import DATA, ROOT, bundled_copy, edit, write_plan

pytestmark = pytest.mark.slow  # seconds of work: handed out before the quick files (tests/conftest.py)


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


def cli(*args) -> Run:
    """`python -m loaders ARGS`, run in this process (no interpreter start per call), its output captured.

    The module entry point itself is run as a process by test_the_module_entry_point_runs, the
    crash test, and test_sandbox's low-ulimit runs."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse ends usage errors (and --help) this way
            code = exc.code
    return Run(code, out.getvalue(), err.getvalue())


def snapshot(db_path):
    """Everything a reader could see: the load log and the row count of every table."""
    with Database(db_path, read_only=True) as db:
        loads = db.rows("select load_id, plan_id, version, file_sha256 from load_log order by load_id")
        counts = {
            t: db.rows(f"select count(*) from {t}")[0][0]
            for t in ("plan_rev", "goal_rev", "activity_rev", "budget_line_rev", "target_rev", "status_rev")
        }
    return loads, counts


@pytest.fixture
def built(bundled_db, tmp_path):
    """The bundled plans as `build` makes them (test_build_prints_a_summary_per_plan), a private copy."""
    return bundled_copy(bundled_db, tmp_path)


def test_build_prints_a_summary_per_plan(tmp_path, bundled_db):
    db = tmp_path / "plans.duckdb"
    run = cli("build", "--db", db)
    assert run.returncode == 0, run.stderr
    loads, counts = snapshot(db)
    assert len(loads) == 5 and counts["activity_rev"] == 24 + 27 + 12 + 6
    assert snapshot(db) == snapshot(bundled_db)  # what the other tests start from is what the CLI builds


def test_the_module_entry_point_runs():
    """`python -m loaders` as a process: the entry point every other test here calls in-process."""
    run = subprocess.run(
        [sys.executable, "-m", "loaders", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    for command in ("build", "check", "load", "export", "template"):
        assert command in run.stdout


def test_build_twice_adds_no_versions(built):
    before = snapshot(built)
    run = cli("build", "--db", built)
    assert run.returncode == 0
    assert "skolsamverkan-2016-2017" in run.stdout
    assert snapshot(built) == before


def test_build_with_an_invalid_workbook_changes_nothing(built, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("*.duckdb*"))
    edit(data / "mobilitet-2016-2018.xlsx", "Budget", "F2", "hundra")  # also changed: would be a new version
    edit(data / "skolsamverkan-2016-2017.xlsx", "Aktiviteter", "A3", "1")  # duplicate id
    before = snapshot(built)
    run = cli("build", "--data", data, "--db", built)
    assert run.returncode == 1
    assert "Budget!F2" in run.stderr and "Aktiviteter!A3" in run.stderr  # every problem, every file
    assert "Nothing was changed" in run.stderr
    assert snapshot(built) == before


def test_check(tmp_path):
    good = write_plan(tmp_path)
    assert cli("check", good).returncode == 0
    bad = edit(write_plan(tmp_path, name="bad.xlsx"), "Budget", "F2", -1)
    run = cli("check", bad)
    assert run.returncode == 1 and "Budget!F2" in run.stderr
    run = cli("--lang", "sv", "check", bad)
    assert "Beloppet är negativt" in run.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("--lang", "sv", "check", "{file}"),
        ("check", "--lang", "sv", "{file}"),
        ("check", "{file}", "--lang", "sv"),
        ("--lang", "en", "check", "--lang", "sv", "{file}"),  # the one nearest the command's options wins
    ],
)
def test_lang_works_before_and_after_the_command(tmp_path, args):
    bad = edit(write_plan(tmp_path, name="bad.xlsx"), "Budget", "F2", -1)
    run = cli(*[str(bad) if a == "{file}" else a for a in args])
    assert run.returncode == 1, run.stderr
    assert "Beloppet är negativt" in run.stderr


def test_lang_defaults_to_english_after_the_command_too(tmp_path):
    bad = edit(write_plan(tmp_path, name="bad.xlsx"), "Budget", "F2", -1)
    run = cli("check", bad)
    assert "The amount is negative" in run.stderr
    assert cli("check", "--lang", "de", bad).returncode == 2


def _other_plans_workbook(tmp_path):
    """The 2011–2013 plan's workbook with its Plan-ID changed to the mobility plan's."""
    path = tmp_path / "arbetslivsanknytning.xlsx"
    shutil.copy(DATA / "arbetslivsanknytning-2011-2013.xlsx", path)
    return edit(path, "Plan", "A2", "mobilitet-2016-2018")


def test_load_refuses_a_workbook_that_would_replace_another_plan(built, tmp_path):
    before = snapshot(built)
    path = _other_plans_workbook(tmp_path)
    run = cli("load", path, "--db", built)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    with Database(built, read_only=True) as db:
        title = db.rows("select title from plans where plan_id = 'mobilitet-2016-2018'")[0][0]
    # It names the plan by its title, and says what would change.
    assert f"Plan-ID mobilitet-2016-2018 belongs to the plan “{title}”" in run.stderr
    assert f"the title changes: “{title}” → “Handlingsplan arbetslivsanknytning 2011–2013”" in run.stderr
    assert "27 of the plan's 27 activities would be removed" in run.stderr
    assert "--yes" in run.stderr and "Nothing was changed" in run.stderr
    assert snapshot(built) == before
    run = cli("load", "--lang", "sv", path, "--db", built)
    assert run.returncode == 1 and "27 av planens 27 aktiviteter tas bort" in run.stderr
    assert snapshot(built) == before

    run = cli("load", path, "--db", built, "--yes")
    assert run.returncode == 0, run.stderr
    assert "plan mobilitet-2016-2018, version 2" in run.stdout


def test_load_refuses_a_workbook_that_removes_most_activities(built, tmp_path):
    exported = tmp_path / "skolsamverkan.xlsx"
    assert cli("export", "skolsamverkan-2016-2017", exported, "--db", built).returncode == 0
    wb = openpyxl.load_workbook(exported)
    for name in ("Aktiviteter", "Budget", "Målsättningar", "Utfall", "Status"):
        wb[name].delete_rows(2, wb[name].max_row)  # only the headers stay
    wb.save(exported)
    run = cli("load", exported, "--db", built)
    assert run.returncode == 1
    assert "12 of the plan's 12 activities would be removed" in run.stderr
    assert "title changes" not in run.stderr  # the title is the same: only what changes is named


def test_build_refuses_a_bundled_workbook_whose_title_changed(built, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("*.duckdb*"))
    edit(data / "mobilitet-2016-2018.xlsx", "Plan", "B2", "En helt annan plan")
    before = snapshot(built)
    run = cli("build", "--data", data, "--db", built)
    assert run.returncode == 1
    assert "the title changes" in run.stderr and "“En helt annan plan”" in run.stderr
    assert snapshot(built) == before
    assert cli("build", "--data", data, "--db", built, "--yes").returncode == 0
    # A fresh database has no plan to replace: the bundled data builds without --yes.
    assert cli("build", "--data", data, "--db", tmp_path / "fresh.duckdb").returncode == 0


def test_usage_errors_exit_2(tmp_path):
    assert cli().returncode == 2
    assert cli("frobnicate").returncode == 2
    assert cli("check", tmp_path / "missing.xlsx").returncode == 2
    assert cli("export", "no-such-plan", tmp_path / "x.xlsx", "--db", tmp_path / "empty.duckdb").returncode == 2


def test_load_adds_a_version_and_export_round_trips(built, tmp_path):
    exported = tmp_path / "mobilitet.xlsx"
    assert cli("export", "mobilitet-2016-2018", exported, "--db", built).returncode == 0
    edit(exported, "Status", "A2", "A1")
    edit(exported, "Status", "C2", "Pågår")
    run = cli("load", exported, "--db", built, "--by", "io@miun.se")
    assert run.returncode == 0, run.stderr
    assert "version 2" in run.stdout
    with Database(built, read_only=True) as db:
        assert db.rows("select version from plans where plan_id = 'mobilitet-2016-2018'") == [(2,)]
        assert db.rows(
            "select status from activities where plan_id = 'mobilitet-2016-2018' and activity_id = 'A1'"
        ) == [("ongoing",)]
        assert db.rows("select loaded_by from loads where plan_id = 'mobilitet-2016-2018' and version = 2") == [
            ("io@miun.se",)
        ]
        # The older version is kept, whole.
        assert db.rows("select count(*) from activity_rev where plan_id = 'mobilitet-2016-2018' and version = 1") == [
            (27,)
        ]


def test_template(tmp_path):
    out = tmp_path / "mall.xlsx"
    assert cli("template", out).returncode == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [INSTRUCTIONS_SHEET, *[s.name for s in SHEETS]]
    for sheet in SHEETS:
        assert [c.value for c in wb[sheet.name][1]] == sheet.headers
    # An empty template is not a plan yet: it says what is missing.
    run = cli("check", out)
    assert run.returncode == 1 and "exactly one row" in run.stderr


@pytest.mark.timeout(300)
def test_killed_mid_load_keeps_the_previous_version_complete(built, tmp_path):
    before = snapshot(built)
    exported = tmp_path / "skolsamverkan.xlsx"
    assert cli("export", "skolsamverkan-2016-2017", exported, "--db", built).returncode == 0
    edit(exported, "Budget", "F2", 1_800_000)
    marker = tmp_path / "paused"
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.crash_load", str(exported), str(built), str(marker)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 120
    while not marker.exists():  # every row of the new version is written, not yet committed
        assert proc.poll() is None and time.time() < deadline, "loader ended before reaching the pause"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert snapshot(built) == before
    with Database(built, read_only=True) as db:
        assert db.rows("select version from plans where plan_id = 'skolsamverkan-2016-2017'") == [(1,)]
        assert db.rows("select sum(amount_sek) from budget_lines where plan_id = 'skolsamverkan-2016-2017'") == [
            (7_650_000,)
        ]
    # The database is not left locked or damaged: the next load goes through.
    run = cli("load", exported, "--db", built)
    assert run.returncode == 0, run.stderr
    assert "version 2" in run.stdout


# Lines the CLI printed in English even with --lang sv (issue #10); none may appear in Swedish.
ENGLISH = (
    "Nothing was changed",
    "problem(s)",
    "is a valid plan workbook",
    "Loaded ",
    "Wrote ",
    "reading and validating",
    ": valid (",
    "publishing",
    "done in",
    "error:",
    "no such",
    "goals",
    "targets",
    "no year",
    "budget_lines",
)


def test_every_cli_line_is_swedish_with_lang_sv(built, tmp_path):
    good = write_plan(tmp_path)
    bad = edit(write_plan(tmp_path, name="bad.xlsx"), "Budget", "F2", -1)
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(good, data / "plan.xlsx")
    runs = {
        "check ok": (cli("check", good, "--lang", "sv"), 0, ["läser och kontrollerar", "är en giltig planarbetsbok"]),
        "check bad": (cli("check", bad, "--lang", "sv"), 1, ["1 problem:", "Beloppet är negativt", "Inget ändrades."]),
        "check no file": (cli("check", tmp_path / "nej.xlsx", "--lang", "sv"), 2, ["fel: filen finns inte"]),
        "load ok": (
            cli("load", good, "--db", built, "--lang", "sv"),
            0,
            ["publicerar", "Laddade plan.xlsx", "klart på"],
        ),
        "load bad": (cli("load", bad, "--db", built, "--lang", "sv"), 1, ["Inget ändrades."]),
        "build ok": (cli("build", "--data", data, "--db", tmp_path / "b.duckdb", "--lang", "sv"), 0, ["målsättn."]),
        "build no folder": (cli("build", "--data", tmp_path / "nej", "--lang", "sv"), 2, ["fel: mappen finns inte"]),
        "export ok": (cli("export", "testplan", tmp_path / "ut.xlsx", "--db", built, "--lang", "sv"), 0, ["Skrev"]),
        "export no plan": (
            cli("export", "ingen", tmp_path / "u.xlsx", "--db", built, "--lang", "sv"),
            2,
            ["fel: planen"],
        ),
        "export no db": (
            cli("export", "x", tmp_path / "u.xlsx", "--db", tmp_path / "no.db", "--lang", "sv"),
            2,
            ["fel:"],
        ),
        "template": (cli("template", tmp_path / "mall.xlsx", "--lang", "sv"), 0, ["Skrev"]),
    }
    for name, (run, code, swedish) in runs.items():
        out = run.stdout + run.stderr
        assert run.returncode == code, (name, out)
        for sentence in swedish:
            assert sentence in out, (name, out)
        for sentence in ENGLISH:
            assert sentence not in out, (name, sentence, out)
