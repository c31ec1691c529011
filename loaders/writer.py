"""Write a plan (or an empty template) as a workbook in the template layout."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import BinaryIO

import xlsxwriter

from .template import (
    CONTACTS_INSTRUCTIONS,
    CONTACTS_SHEETS,
    INSTRUCTIONS,
    INSTRUCTIONS_SHEET,
    LINE_KIND_LABELS,
    SHEETS,
    STATUS_LABELS,
    UPDATE_INSTRUCTIONS,
    UPDATE_SHEETS,
    Sheet,
)


def _open(target: str | Path | BinaryIO) -> tuple[xlsxwriter.Workbook, dict]:
    # A file-like target (BytesIO) is written in memory: downloads never touch the disk.
    name = str(target) if isinstance(target, str | Path) else target
    wb = xlsxwriter.Workbook(name, {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True})
    fmt = {
        "header": wb.add_format({"bold": True, "bg_color": "#1F4E79", "font_color": "#FFFFFF", "text_wrap": True}),
        "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
        "amount": wb.add_format({"num_format": "#,##0"}),
        "text": wb.add_format({"text_wrap": False}),
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
    }
    return wb, fmt


def write_workbook(
    path: str | Path | BinaryIO, plan: dict | None = None, rows: dict[str, list[dict]] | None = None
) -> None:
    """Write the instructions sheet and one sheet per template sheet; rows are keyed by field name."""
    rows = rows or {}
    wb, fmt = _open(path)
    ws = wb.add_worksheet(INSTRUCTIONS_SHEET)
    ws.set_column(0, 0, 110)
    for i, text in enumerate(INSTRUCTIONS.splitlines()):
        ws.write_string(i, 0, text, fmt["title"] if i == 0 else fmt["wrap"])
    offset = len(INSTRUCTIONS.splitlines()) + 1
    ws.write_string(offset, 0, "Blad och kolumner", fmt["title"])
    line = offset + 1
    for sheet in SHEETS:
        ws.write_string(line, 0, f"{sheet.name}: {sheet.help}", fmt["header"])
        line += 1
        for col in sheet.columns:
            required = " (obligatorisk)" if col.required else ""
            ws.write_string(line, 0, f"   {col.header}{required}: {col.help}".rstrip(": "), fmt["wrap"])
            line += 1

    for sheet in SHEETS:
        sheet_rows = [plan] if sheet.key == "plan" and plan else rows.get(sheet.key, [])
        _write_sheet(wb, sheet, sheet_rows, fmt)
    wb.close()


def write_update_workbook(
    target: str | Path | BinaryIO,
    plan_id: str,
    targets: list[dict],
    activities: list[dict],
    *,
    status: list[dict] | None = None,
    outcomes: list[dict] | None = None,
    spent: list[dict] | None = None,
    about: Sequence[str] = (),
):
    """An update for one plan: Utfall, Status and Kostnadsutfall sheets (empty, or with the rows given: the
    current values of a personal workbook, or what the browser's report form typed in), and the plan's ids to
    pick from. about: lines under the instructions' title naming whose workbook it is and for which round."""
    wb, fmt = _open(target)
    ws = wb.add_worksheet(INSTRUCTIONS_SHEET)
    ws.set_column(0, 0, 110)
    lines = UPDATE_INSTRUCTIONS.splitlines()
    lines = [lines[0], *about, *([""] if about else []), *lines[1:]]
    for i, line in enumerate(lines):
        ws.write_string(i, 0, line, fmt["title"] if i == 0 or (about and i <= len(about)) else fmt["wrap"])
    given = {
        "plan": [{"plan_id": plan_id}],
        "status": status or [],
        "target_values": outcomes or [],
        "spent": spent or [],
    }
    for sheet in UPDATE_SHEETS:
        _write_sheet(wb, sheet, given.get(sheet.key, []), fmt)
    for name, rows, columns in (
        (
            "Målsättningar (lista)",
            targets,
            (("target_id", "Målsättning-ID", 14), ("name", "Namn", 50), ("region", "Region", 14)),
        ),
        (
            "Aktiviteter (lista)",
            activities,
            (("activity_id", "Aktivitet-ID", 12), ("title", "Titel", 60), ("status", "Nuvarande status", 16)),
        ),
    ):
        ws = wb.add_worksheet(name)
        for j, (key, header, width) in enumerate(columns):
            ws.set_column(j, j, width)
            ws.write_string(0, j, header, fmt["header"])
            for i, row in enumerate(rows, start=1):
                value = row.get(key)
                if key == "status" and isinstance(value, str):
                    value = STATUS_LABELS["sv"].get(value, value)
                if value is not None:
                    ws.write_string(i, j, str(value))
        ws.freeze_panes(1, 0)
    wb.close()


def write_problem_list(target: str | Path | BinaryIO, problems: list, lang: str = "sv") -> None:
    """Validation problems as a workbook of their own (file, sheet, cell, value, message)."""
    wb, fmt = _open(target)
    ws = wb.add_worksheet("Problem" if lang == "sv" else "Problems")
    headers = (
        ("Fil", "Blad", "Cell", "Värde", "Problem") if lang == "sv" else ("File", "Sheet", "Cell", "Value", "Problem")
    )
    for j, (header, width) in enumerate(zip(headers, (24, 14, 14, 24, 90), strict=True)):
        ws.set_column(j, j, width)
        ws.write_string(0, j, header, fmt["header"])
    for i, p in enumerate(problems, start=1):
        row = p.as_row(lang)
        for j, key in enumerate(("file", "sheet", "cell", "value", "message")):
            # A value such as "=HYPERLINK(…)" from the upload stays inert text: a string cell is
            # never a formula (the workbook is opened with strings_to_formulas off).
            ws.write_string(i, j, str(row[key] or ""))
    ws.freeze_panes(1, 0)
    wb.close()


def _write_sheet(wb, sheet: Sheet, rows: list[dict], fmt: dict) -> None:
    ws = wb.add_worksheet(sheet.name)
    for j, col in enumerate(sheet.columns):
        ws.set_column(j, j, col.width)
        ws.write_string(0, j, col.header, fmt["header"])
        if col.help:
            ws.write_comment(0, j, col.help, {"x_scale": 2, "y_scale": 1.5})
    ws.freeze_panes(1, 0)
    ws.set_row(0, 30)
    for i, row in enumerate(rows, start=1):
        for j, col in enumerate(sheet.columns):
            _write_cell(ws, i, j, col.kind, row.get(col.key), fmt)
    last = max(len(rows), 1) + 500  # room for the owner to add rows with the same help
    for j, col in enumerate(sheet.columns):
        if col.kind == "status":
            choices = list(STATUS_LABELS["sv"].values())
        elif col.kind == "line_kind":
            choices = list(LINE_KIND_LABELS.values())
        else:
            continue
        ws.data_validation(1, j, last, j, {"validate": "list", "source": choices, "error_type": "warning"})


def _write_cell(ws, r: int, c: int, kind: str, value, fmt: dict) -> None:
    if value is None or value == "" or value == []:
        return
    if kind == "id_list":
        ws.write_string(r, c, ", ".join(value))
    elif kind == "date":
        ws.write_datetime(r, c, value if isinstance(value, date) else date.fromisoformat(str(value)), fmt["date"])
    elif kind == "amount":
        ws.write_number(r, c, int(value), fmt["amount"])
    elif kind in ("year",):
        ws.write_number(r, c, int(value))
    elif kind == "number":
        ws.write_number(r, c, float(value))
    elif kind == "status":
        ws.write_string(r, c, STATUS_LABELS["sv"].get(value, str(value)))
    elif kind == "line_kind":
        ws.write_string(r, c, LINE_KIND_LABELS.get(value, str(value)))
    else:
        # write_string, never write(): text such as "=SUM(...)" must stay text, not become a formula.
        ws.write_string(r, c, str(value))


def write_contacts_workbook(target: str | Path | BinaryIO, rows: list[dict] | None = None) -> None:
    """The contacts workbook: instructions and the Kontakter sheet, empty or filled with the current contacts."""
    wb, fmt = _open(target)
    ws = wb.add_worksheet(INSTRUCTIONS_SHEET)
    ws.set_column(0, 0, 110)
    for i, line in enumerate(CONTACTS_INSTRUCTIONS.splitlines()):
        ws.write_string(i, 0, line, fmt["title"] if i == 0 else fmt["wrap"])
    for sheet in CONTACTS_SHEETS:
        _write_sheet(wb, sheet, rows or [], fmt)
    wb.close()
