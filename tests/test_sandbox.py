"""The parse worker: limits end in a clear problem, the caller survives, hostile rows never reach the parser."""

import os
import subprocess
import sys

from loaders import guard
from loaders.workbook import read_plan
from tests.conftest import ROOT, codes, write_plan
from tests.test_guard import _rewrite, _sheet_part


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
    # 150 MB of address space is too little for the worker even to import its parser.
    assert _isolated(write_plan(tmp_path), {"PLANS_PARSE_MEMORY_MB": "150"}) == "parse_limits"


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
