"""Mark validation problems in the user's own workbook: filled, commented cells and a first sheet listing them all."""

from __future__ import annotations

import dataclasses
import io
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.workbook import Workbook
from openpyxl.worksheet.hyperlink import Hyperlink

from . import sandbox
from .problems import Problem

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent

FILL_RGB = "FFFFC7CE"  # Excel's own "light red" for bad cells: users read it as "fix this"
AUTHORS = {"sv": "Kontroll", "en": "Validation"}
SHEET_TITLES = {"sv": "Problem", "en": "Problems"}
HEADERS = {"sv": ("Blad", "Cell", "Värde", "Problem"), "en": ("Sheet", "Cell", "Value", "Problem")}
WIDTHS = (18, 10, 32, 90)
# Between our note and a comment the user had already written in the same cell; lets a later
# annotation of the re-uploaded file give the user's comment back unchanged.
_KEPT = "\n\n——— {author}:\n"
_KEPT_RE = re.compile(r"\n\n——— (.*):\n")

# Control characters are not allowed in XML; openpyxl refuses to write them.
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
_REF = re.compile(r"^(?:([A-Z]{1,3})(\d{1,7})|(\d{1,7}))$")


def _text(value: object) -> str:
    return _ILLEGAL.sub("", "" if value is None else str(value))


def _lang(lang: str) -> str:
    return lang if lang in ("sv", "en") else "sv"


def _target(problem: Problem) -> tuple[str, str, str] | None:
    """(sheet, coordinate to mark, text for the Cell column) of a problem that points into a sheet."""
    if not problem.cell or "!" not in problem.cell:
        return None
    sheet, ref = problem.cell.rsplit("!", 1)  # a sheet name may itself contain "!"
    m = _REF.match(ref.replace("$", "").upper())
    if not m:
        return None
    if m.group(3):  # a whole row (the header row of a missing column): its first cell
        return sheet, f"A{int(m.group(3))}", f"{int(m.group(3))}:{int(m.group(3))}"
    return sheet, f"{m.group(1)}{int(m.group(2))}", f"{m.group(1)}{int(m.group(2))}"


def _location(sheet: str, coord: str) -> str:
    return "'" + sheet.replace("'", "''") + "'!" + coord


def annotate(data: bytes, problems: list[Problem], lang: str = "sv") -> bytes:
    """The uploaded workbook with every problem cell filled and commented, and a first sheet listing all problems.

    Runs openpyxl on untrusted bytes: call it through annotate_isolated from the server.
    """
    lang = _lang(lang)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    _remove_old_annotations(wb)

    # Several problems in one cell become one comment with one line each.
    notes: dict[tuple[str, str], list[str]] = {}
    rows: list[tuple[Problem, tuple[str, str, str] | None]] = []
    for p in problems:
        target = _target(p)
        if target is not None and target[0] not in wb.sheetnames:
            target = None
        if target is not None:
            try:
                cell = wb[target[0]][target[1]]
            except ValueError:  # beyond Excel's last row or column
                target = None
            else:
                if isinstance(cell, MergedCell):
                    # Only the top-left cell of a merged range can carry a comment or show a fill.
                    ws = wb[target[0]]
                    for rng in ws.merged_cells.ranges:
                        if cell.coordinate in rng:
                            target = (target[0], rng.start_cell.coordinate, target[2])
                            break
                notes.setdefault(target[:2], []).append(p.message(lang))
        rows.append((p, target))

    fill = PatternFill(fill_type="solid", start_color=FILL_RGB, end_color=FILL_RGB)
    author = AUTHORS[lang]
    for (sheet, coord), lines in notes.items():
        cell = wb[sheet][coord]
        text = "\n".join(_ILLEGAL.sub("", line) for line in lines)
        if cell.comment is not None:  # keep what the user wrote, below our note
            text += _KEPT.format(author=cell.comment.author or "") + cell.comment.text
        cell.comment = Comment(text, author, **_comment_size(text))
        cell.fill = fill

    ws = wb.create_sheet(SHEET_TITLES[lang], 0)
    ws.append(HEADERS[lang])
    for c in ws[1]:
        c.font = Font(bold=True)
    link_font = Font(color="FF0563C1", underline="single")
    wrap = Alignment(wrap_text=True, vertical="top")
    for p, target in rows:
        cell_text = target[2] if target else (p.cell.rsplit("!", 1)[-1] if p.cell else "")
        ws.append([_text(p.sheet), _text(cell_text), _text(p.value), _text(p.message(lang))])
        r = ws.max_row
        # openpyxl takes text starting with "=" for a formula; marked as a string it stays the text
        # it was ("=HYPERLINK(…)" from the upload), with no apostrophe to show.
        for c in ws[r]:
            c.data_type = "s"
        if target is not None:
            link = ws.cell(r, 2)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=_location(target[0], target[1]))
            link.font = link_font
        ws.cell(r, 3).alignment = wrap
        ws.cell(r, 4).alignment = wrap
    for i, width in enumerate(WIDTHS):
        ws.column_dimensions["ABCD"[i]].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:D{max(ws.max_row, 2)}"
    # Only one selected tab: Excel otherwise opens the sheets grouped, and edits hit all of them.
    for other in wb.worksheets:
        other.sheet_view.tabSelected = False
    wb.active = 0
    ws.sheet_view.tabSelected = True

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _comment_size(text: str) -> dict[str, int]:
    """A box big enough to read without resizing: about 60 characters and 16 px per line."""
    width_chars = 60
    lines = sum(max(1, -(-len(line) // width_chars)) for line in text.split("\n"))
    return {"width": 400, "height": min(40 + 16 * lines, 600)}


def _remove_old_annotations(wb: Workbook) -> None:
    """A re-uploaded annotated file carries our earlier marks: drop them, so only current problems show."""
    authors = set(AUTHORS.values())
    for ws in list(wb.worksheets):
        if ws.title in SHEET_TITLES.values() and tuple(c.value for c in ws[1][:4]) in HEADERS.values():
            wb.remove(ws)
            continue
        for cell in list(ws._cells.values()):
            comment = cell.comment
            if comment is None or comment.author not in authors:
                continue
            kept = _KEPT_RE.split(comment.text, maxsplit=1)
            cell.comment = Comment(kept[2], kept[1]) if len(kept) == 3 else None
            if cell.fill is not None and cell.fill.fgColor is not None and cell.fill.fgColor.rgb == FILL_RGB:
                cell.fill = PatternFill(fill_type=None)


def annotate_isolated(
    data: bytes,
    problems: list[Problem],
    lang: str = "sv",
    *,
    memory_mb: int | None = None,
    cpu_s: int | None = None,
    wall_s: float | None = None,
) -> bytes | None:
    """annotate() in a child process with the parse worker's memory, CPU and time limits; None if it fails.

    The limits default to loaders.sandbox's; a hostile file costs at most one killed child.
    """
    if not any(p.sheet for p in problems):
        # Only file-level problems (wrong type, zip bomb, …): nothing to mark, and exactly the
        # files that openpyxl should not be handed at all.
        return None
    job_dir = Path(tempfile.mkdtemp(prefix="plans-annotate-"))
    try:
        (job_dir / "in.xlsx").write_bytes(data)
        job = {
            "lang": lang,
            "problems": [dataclasses.asdict(p) for p in problems],
        }
        # default=str: a date in params formats the same as its ISO text.
        (job_dir / "job.json").write_text(json.dumps(job, default=str), encoding="utf-8")
        try:
            run = subprocess.run(
                sandbox.child_command("loaders.annotate", str(job_dir)),
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,  # a traceback may quote the user's cells
                # The child sets these on itself before it imports or opens anything.
                env={**os.environ, "PYTHONWARNINGS": "ignore", **sandbox.fitted_limits(memory_mb, cpu_s).env()},
                timeout=wall_s if wall_s is not None else sandbox.WALL_LIMIT_S,
            )
        except subprocess.TimeoutExpired:  # run() has killed the child already
            log.warning("annotation timed out")
            return None
        except (OSError, subprocess.SubprocessError) as exc:
            log.warning("annotation could not start: %s", type(exc).__name__)
            return None
        out = job_dir / "out.xlsx"
        if run.returncode != 0 or not out.is_file():
            log.warning("annotation failed: exit %s", run.returncode)
            return None
        return out.read_bytes()
    finally:
        shutil.rmtree(job_dir, ignore_errors=True)


def _child_main(job_dir: Path) -> None:
    job = json.loads((job_dir / "job.json").read_text(encoding="utf-8"))
    problems = [Problem(**p) for p in job["problems"]]
    result = annotate((job_dir / "in.xlsx").read_bytes(), problems, job["lang"])
    (job_dir / "out.xlsx").write_bytes(result)


if __name__ == "__main__":
    _child_main(Path(sys.argv[1]))
