"""The parse worker: limits end in a clear problem, the caller survives, hostile rows never reach the parser."""

import os
import subprocess
import sys

import pytest

from loaders import guard
from loaders.workbook import read_plan
from tests.conftest import ROOT, codes, write_plan
from tests.test_guard import _rewrite, _sheet_part

pytestmark = pytest.mark.slow  # seconds of work: handed out before the quick files (tests/conftest.py)


def _isolated(path, env):
    """read_plan(isolate=True) in a fresh interpreter with the given limits; print the problem codes."""
    code = (
        "import sys; from pathlib import Path\n"
        "from loaders.problems import WorkbookInvalid\nfrom loaders.workbook import read_plan\n"
        f"p = Path({str(path)!r})\n"
        "try:\n    read_plan(p.read_bytes(), p.name, isolate=True); print('ok')\n"
        "except WorkbookInvalid as e:\n    print(' '.join(x.code for x in e.problems))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, env={**os.environ, **env}
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout.strip()


def test_isolated_parse_reads_the_same_as_in_process(tmp_path):
    path = write_plan(tmp_path)
    here = read_plan(path.read_bytes(), "x")
    there = read_plan(path.read_bytes(), "x", isolate=True)
    for key, table in here.tables.items():
        assert there.tables[key].equals(table), key


def test_isolated_parse_reads_the_checked_bytes_not_the_file(tmp_path):
    path = write_plan(tmp_path)
    data = path.read_bytes()
    path.write_bytes(b"changed after it was read")
    assert read_plan(data, "upload.xlsx", isolate=True).plan_id == "testplan"


def test_worker_over_its_memory_limit_is_a_problem_not_a_crash(tmp_path):
    # 20 MB of address space is too little for the worker even to import its parser (it needs about
    # 35 MB): that is the server's setting, and the file is not blamed for it.
    assert _isolated(write_plan(tmp_path), {"PLANS_PARSE_MEMORY_MB": "20"}) == "parse_start"


def test_worker_over_its_time_limit_is_killed(tmp_path):
    assert _isolated(write_plan(tmp_path), {"PLANS_PARSE_WALL_S": "0.01"}) == "parse_limits"


def test_cell_beyond_the_last_row_is_refused_before_parsing(tmp_path):
    path = write_plan(tmp_path)
    part = _sheet_part(path, "Budget")
    data = _rewrite(path, part, lambda old: old.replace(b'<c r="A2"', b'<c r="A2000000"', 1))
    result = guard.check(data, "x.xlsx")
    assert codes(result.problems) == ["sheet_too_large"]
    hostile = tmp_path / "deep.xlsx"
    hostile.write_bytes(data)
    assert _isolated(hostile, {}) == "sheet_too_large"


LOW_ULIMIT_KB = 2_500_000  # below the worker's own 3072 MB, as in many containers and shared hosts


def _under_ulimit(*args: str, kb: int = LOW_ULIMIT_KB, code: str | None = None):
    """`python3 -m loaders ARGS` (or python3 -c CODE) in a shell whose address space is limited first."""
    import shlex

    command = f"python3 -c {shlex.quote(code)}" if code else "python3 -m loaders " + shlex.join(args)
    return subprocess.run(
        ["bash", "-c", f"ulimit -v {kb}; {command}"], cwd=ROOT, capture_output=True, text=True, timeout=180
    )


def test_check_and_load_of_a_valid_plan_work_under_a_low_ulimit(tmp_path):
    path = write_plan(tmp_path)
    run = _under_ulimit("check", str(path))
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr and "OK: plan.xlsx" in run.stdout
    run = _under_ulimit("load", str(path), "--db", str(tmp_path / "plans.duckdb"))
    assert run.returncode == 0, run.stderr
    assert "Loaded plan.xlsx: plan testplan, version 1." in run.stdout


def test_an_invalid_plan_under_a_low_ulimit_lists_its_problems(tmp_path):
    from tests.conftest import edit

    path = edit(write_plan(tmp_path), "Aktiviteter", "I3", "2016-13-45")
    run = _under_ulimit("check", str(path))
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    assert "Aktiviteter!I3 [2016-13-45]: 2016-13-45 is not a date" in run.stderr


def test_the_worker_takes_the_lower_of_its_limits_and_the_process_limits():
    code = (
        "from loaders import sandbox; l = sandbox.fitted_limits(); "
        "print(l.memory_mb, sandbox.fitted_limits(memory_mb=100).memory_mb)"
    )
    run = _under_ulimit(code=code)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == [str(LOW_ULIMIT_KB // 1024), "100"]


def test_a_limit_that_cannot_be_set_is_said_in_plain_words(tmp_path):
    """A worker asked for more than the process has cannot set its limit: a clear problem, no traceback."""
    path = write_plan(tmp_path)
    code = (
        "from pathlib import Path\nfrom loaders import sandbox\n"
        "from loaders.problems import WorkbookInvalid\nfrom loaders.workbook import read_plan\n"
        "sandbox.fitted_limits = lambda *a: sandbox.ChildLimits(8 * 1024**3, 60)  # more than ulimit allows\n"
        f"p = Path({str(path)!r})\n"
        "try:\n    read_plan(p.read_bytes(), p.name, isolate=True); print('ok')\n"
        "except WorkbookInvalid as e:\n    print(e.problems[0].code); print(e.problems[0].message('en'))\n"
    )
    run = _under_ulimit(code=code)
    assert run.returncode == 0, run.stderr
    code_line, message = run.stdout.strip().splitlines()
    assert code_line == "parse_start"
    assert "could not start the workbook reader" in message and "not in the file" in message
    assert "/tmp" not in message and "Error" not in message
