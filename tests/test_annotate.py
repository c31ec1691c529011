"""The annotated workbook: problem cells filled and commented, a first sheet listing every problem, run in a limited child."""

import io
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment

from loaders import annotate as annotate_module
from loaders.annotate import FILL_RGB, annotate, annotate_isolated
from loaders.problems import Problem
from loaders.writer import write_problem_list
from tests.conftest import base_rows, edit, problems_of, write_plan

pytestmark = pytest.mark.slow  # seconds of work: handed out before the quick files (tests/conftest.py)


def _open(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _values(wb: openpyxl.Workbook, skip: str = "") -> dict:
    return {
        (ws.title, c.coordinate): c.value
        for ws in wb.worksheets
        if ws.title != skip
        for row in ws.iter_rows()
        for c in row
    }


def _invalid(tmp_path):
    """A plan with an unparsable amount (Budget!F2) and an unknown activity (Budget!A3)."""
    rows = base_rows()
    rows["budget"][1]["activity_id"] = "9"
    path = edit(write_plan(tmp_path, rows), "Budget", "F2", "abc")
    problems = problems_of(path)
    assert sorted(p.cell for p in problems) == ["Budget!A3", "Budget!F2"]
    return path, problems


def test_problem_cells_are_filled_and_commented_in_swedish(tmp_path):
    path, problems = _invalid(tmp_path)
    data = annotate(path.read_bytes(), problems)
    wb = _open(data)
    for p in problems:
        cell = wb["Budget"][p.cell.split("!")[1]]
        assert cell.comment is not None and cell.comment.author == "Kontroll"
        assert p.message("sv") in cell.comment.text
        assert cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb == FILL_RGB
    assert wb["Budget"]["F3"].comment is None and wb["Budget"]["F3"].fill.fill_type is None
    # openpyxl does not read a comment's box size back: look at the drawing Excel sizes it by
    # (the template's own header comments are there too).
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        vml = b"".join(z.read(n) for n in z.namelist() if n.endswith(".vml")).decode()
    assert vml.count("width:400px") == len(problems)


def test_the_users_values_are_unchanged(tmp_path):
    path, problems = _invalid(tmp_path)
    before = _open(path.read_bytes())
    after = _open(annotate(path.read_bytes(), problems))
    assert after.sheetnames == ["Problem", *before.sheetnames]
    assert _values(after, skip="Problem") == _values(before)


def test_problem_sheet_is_first_active_and_links_to_each_cell(tmp_path):
    path, problems = _invalid(tmp_path)
    wb = _open(annotate(path.read_bytes(), problems))
    ws = wb.worksheets[0]
    assert ws.title == "Problem" and wb.active.title == "Problem"
    assert [c.value for c in ws[1]] == ["Blad", "Cell", "Värde", "Problem"]
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["D"].width > ws.column_dimensions["B"].width
    # Excel would open grouped sheets if more than one tab stayed selected.
    assert [s.sheet_view.tabSelected for s in wb.worksheets].count(True) == 1
    listed = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(listed) == len(problems)
    for p, row, links in zip(problems, listed, ws.iter_rows(min_row=2, min_col=2, max_col=2), strict=True):
        coord = p.cell.split("!")[1]
        assert row == ("Budget", coord, p.value, p.message("sv"))
        assert links[0].hyperlink.location == f"'Budget'!{coord}"
        assert not links[0].hyperlink.target  # inside the workbook, not a file or URL


def test_english_messages_and_sheet(tmp_path):
    path, problems = _invalid(tmp_path)
    wb = _open(annotate(path.read_bytes(), problems, lang="en"))
    assert wb.sheetnames[0] == "Problems"
    assert [c.value for c in wb["Problems"][1]] == ["Sheet", "Cell", "Value", "Problem"]
    for p in problems:
        comment = wb["Budget"][p.cell.split("!")[1]].comment
        assert comment.author == "Validation"
        assert comment.text == p.message("en") and p.message("en") != p.message("sv")


def test_several_problems_in_one_cell_make_one_comment_with_a_line_each(tmp_path):
    path = write_plan(tmp_path)
    problems = [
        Problem("plan.xlsx", "Budget", "Budget!F2", "x", "amount_unparsable"),
        Problem("plan.xlsx", "Budget", "Budget!F2", "x", "amount_negative"),
    ]
    wb = _open(annotate(path.read_bytes(), problems))
    assert wb["Budget"]["F2"].comment.text.split("\n") == [p.message("sv") for p in problems]
    assert wb["Problem"].max_row == 3


def test_missing_column_marks_the_header_row(tmp_path):
    path = edit(write_plan(tmp_path), "Budget", "E1", "Sort")
    (p,) = problems_of(path)
    assert p.cell == "Budget!1"
    wb = _open(annotate(path.read_bytes(), [p]))
    assert p.message("sv") in wb["Budget"]["A1"].comment.text
    assert wb["Budget"]["A1"].value == "Aktivitet-ID"
    link = wb["Problem"]["B2"]
    assert link.value == "1:1" and link.hyperlink.location == "'Budget'!A1"


def test_missing_sheet_and_file_level_problems_are_listed_without_a_link(tmp_path):
    path = write_plan(tmp_path)
    wb = openpyxl.load_workbook(path)
    del wb["Målsättningar"]
    wb.save(path)
    problems = [*problems_of(path), Problem("plan.xlsx", "", "", "", "more_problems", {"count": 3})]
    assert problems[0].code == "sheet_missing"
    ws = _open(annotate(path.read_bytes(), problems))["Problem"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[3] for r in rows] == [p.message("sv") for p in problems]
    assert rows[0][0] == "Målsättningar" and not rows[0][1] and not rows[1][1]
    assert ws["B2"].hyperlink is None and ws["B3"].hyperlink is None


def test_cell_inside_a_merged_range_marks_its_first_cell(tmp_path):
    path = write_plan(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["Budget"].merge_cells("H2:H3")
    wb.save(path)
    p = Problem("plan.xlsx", "Budget", "Budget!H3", "", "merged_cells", {"ref": "H2:H3"})
    out = _open(annotate(path.read_bytes(), [p]))
    assert p.message("sv") in out["Budget"]["H2"].comment.text


def test_formula_looking_value_is_text_in_the_problem_sheet(tmp_path):
    path = write_plan(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["Budget"]["F2"].value = "=1+1"
    wb["Budget"]["F2"].data_type = "s"  # text in the cell, as a user typing '=1+1 gets
    wb.save(path)
    (p,) = problems_of(path)
    assert (p.cell, p.value) == ("Budget!F2", "=1+1")
    out = _open(annotate(path.read_bytes(), [p]))
    value = out["Problem"]["C2"]
    # Text, not a formula, and without an apostrophe to show (a string cell is never run).
    assert value.data_type == "s" and value.value == "=1+1"
    # The user's own cell stays the text it was, not a formula.
    assert (out["Budget"]["F2"].value, out["Budget"]["F2"].data_type) == ("=1+1", "s")


def test_formula_looking_value_is_text_in_the_problem_list():
    """The list of problems on its own (when the file cannot be marked up): the value as it was, as text."""
    buf = io.BytesIO()
    write_problem_list(buf, [Problem("plan.xlsx", "Budget", "Budget!F2", "=1+1", "amount_unparsable")])
    cell = _open(buf.getvalue())["Problem"]["D2"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")


def test_control_characters_in_a_value_do_not_break_the_file(tmp_path):
    path = write_plan(tmp_path)
    p = Problem("plan.xlsx", "Budget", "Budget!F2", "a\x01b", "amount_unparsable")
    assert _open(annotate(path.read_bytes(), [p]))["Problem"]["C2"].value == "ab"


def test_reannotating_a_fixed_file_drops_the_old_marks_and_keeps_the_users_comment(tmp_path):
    path = write_plan(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["Budget"]["F2"].comment = Comment("Kolla med ekonomi", "Anna")
    wb.save(path)
    first = annotate(
        path.read_bytes(),
        [
            Problem("plan.xlsx", "Budget", "Budget!F2", "x", "amount_unparsable"),
            Problem("plan.xlsx", "Budget", "Budget!F3", "y", "amount_unparsable"),
        ],
    )
    marked = _open(first)["Budget"]["F2"].comment.text
    assert "Beloppet går inte att tolka" in marked and "Kolla med ekonomi" in marked
    # The user fixed F2 and F3 but not A2, and uploads the annotated file again.
    second = _open(annotate(first, [Problem("plan.xlsx", "Budget", "Budget!A2", "9", "unknown_activity", {})]))
    assert second.sheetnames.count("Problem") == 1 and second.sheetnames[0] == "Problem"
    assert second["Problem"].max_row == 2
    f2, f3 = second["Budget"]["F2"], second["Budget"]["F3"]
    assert (f2.comment.text, f2.comment.author) == ("Kolla med ekonomi", "Anna")
    assert f3.comment is None and f3.fill.fill_type is None and f2.fill.fill_type is None
    assert second["Budget"]["A2"].comment.author == "Kontroll"


def test_isolated_matches_in_process_and_cleans_up(tmp_path, monkeypatch):
    path, problems = _invalid(tmp_path)
    made = []
    real = tempfile.mkdtemp
    monkeypatch.setattr(tempfile, "mkdtemp", lambda **kw: made.append(real(**kw)) or made[-1])
    data = annotate_isolated(path.read_bytes(), problems)
    assert data is not None
    wb = _open(data)
    assert wb.sheetnames[0] == "Problem"
    for p in problems:
        assert p.message("sv") in wb["Budget"][p.cell.split("!")[1]].comment.text
    assert _values(wb) == _values(_open(annotate(path.read_bytes(), problems)))
    assert len(made) == 1 and not Path(made[0]).exists()


def test_isolated_returns_none_for_garbage(tmp_path):
    p = Problem("plan.xlsx", "Budget", "Budget!F2", "x", "amount_unparsable")
    assert annotate_isolated(b"this is not a zip file", [p]) is None


def test_isolated_does_not_open_a_file_with_only_file_level_problems(tmp_path, monkeypatch):
    def boom(*a, **kw):
        raise AssertionError("no child for a file that failed the guard")

    monkeypatch.setattr(subprocess, "run", boom)
    p = Problem("plan.xlsx", "", "", "", "zip_ratio", {"part": "x", "ratio": 1000, "limit": 100})
    assert annotate_isolated(write_plan(tmp_path).read_bytes(), [p]) is None


@pytest.mark.parametrize("limits", [{"memory_mb": 64}, {"wall_s": 0.05}])
def test_isolated_child_over_its_limits_gives_none(tmp_path, limits):
    path, problems = _invalid(tmp_path)
    start = time.monotonic()
    assert annotate_isolated(path.read_bytes(), problems, **limits) is None
    assert time.monotonic() - start < 30


def test_isolated_uses_the_parse_workers_limits_by_default(tmp_path, monkeypatch):
    seen = {}
    real = subprocess.run

    def spy(*args, **kwargs):
        seen.update(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(subprocess, "run", spy)
    path, problems = _invalid(tmp_path)
    assert annotate_isolated(path.read_bytes(), problems) is not None
    assert "preexec_fn" not in seen  # the child sets its own limits: no preexec_fn in a threaded app
    limits = annotate_module.sandbox.fitted_limits()
    assert seen["env"][annotate_module.sandbox.LIMITS_ENV] == f"{limits.memory},{limits.cpu_s}"
    assert seen["timeout"] == annotate_module.sandbox.WALL_LIMIT_S
    assert seen["env"]["PYTHONWARNINGS"] == "ignore"
