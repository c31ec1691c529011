"""Outcome and status updates: a small workbook applied on top of a plan's current version."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from xml.etree import ElementTree

import pyarrow as pa
import pyarrow.compute as pc

from .problems import Problem, WorkbookInvalid
from .template import ACTIVITIES, SPENT, SPENT_KEY, UPDATE_SHEETS
from .workbook import PlanData, read_plan

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_MAX_WORKBOOK_XML = 1024 * 1024  # the sheet list of any real workbook is a few kB


def sheet_names(data: bytes) -> list[str]:
    """The workbook's sheet names, or [] when they cannot be read safely (the full check then says why)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            info = zf.getinfo("xl/workbook.xml")
            if info.file_size > _MAX_WORKBOOK_XML:
                return []
            text = zf.read(info)
        if b"<!DOCTYPE" in text.upper() or b"<!ENTITY" in text.upper():
            return []  # the guard reports it; never hand declarations to a parser
        root = ElementTree.fromstring(text)
        return [el.get("name", "") for el in root.iter(f"{_NS}sheet")]
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, ValueError, OSError, RuntimeError):
        return []


def is_update(data: bytes) -> bool:
    """An update workbook has Utfall, Status and/or Kostnadsutfall but no Aktiviteter sheet."""
    names = set(sheet_names(data))
    return ACTIVITIES.name not in names and bool(names & {"Utfall", "Status", SPENT.name})


def read_update(data: bytes, file_name: str, *, isolate: bool = False, progress=None) -> PlanData:
    """Guard, read and validate an update workbook on its own (references are checked in apply_update)."""
    return read_plan(data, file_name, isolate=isolate, progress=progress, sheets=UPDATE_SHEETS)


def apply_update(current: PlanData | None, update: PlanData, today: date) -> PlanData:
    """The plan's next version: current plus the update's status rows, outcomes and money spent.

    An outcome for a target, year and region that already has one replaces it; money spent for an activity,
    year, unit and funding source (SPENT_KEY) that already has a figure replaces it (the year so far).
    """
    file = update.file_name
    if current is None:
        raise WorkbookInvalid([Problem(file, "Plan", "Plan!A2", update.plan_id, "update_unknown_plan")])
    problems = []
    known = {
        "target_values": ("target_id", set(current.tables["targets"]["target_id"].to_pylist()), "unknown_target"),
        "status": ("activity_id", set(current.tables["activities"]["activity_id"].to_pylist()), "unknown_activity"),
        "spent": ("activity_id", set(current.tables["activities"]["activity_id"].to_pylist()), "unknown_activity"),
    }
    for key, (id_key, ids, code) in known.items():
        table = update.tables[key]
        letter = update.letters.get(key, {}).get(id_key, "A")
        sheet = next(s.name for s in UPDATE_SHEETS if s.key == key)
        for value, row in zip(table[id_key].to_pylist(), table["row_no"].to_pylist(), strict=True):
            if value not in ids and not (value is None and key == "spent"):  # no activity: plan level
                problems.append(Problem(file, sheet, f"{sheet}!{letter}{row}", value or "", code))
    if problems:
        raise WorkbookInvalid(problems)
    if sum(update.tables[k].num_rows for k in ("target_values", "status", "spent")) == 0:
        raise WorkbookInvalid([Problem(file, "", "", "", "update_empty")])

    tables = dict(current.tables)
    tables["target_values"] = _merge(
        current.tables["target_values"], update.tables["target_values"], ("target_id", "year", "region")
    )
    status = update.tables["status"]
    # A status row without a date is news as of the day it is uploaded.
    as_of = pc.fill_null(status["as_of"], pa.scalar(today, pa.date32()))
    status = status.set_column(status.schema.get_field_index("as_of"), "as_of", as_of)
    tables["status"] = _append(current.tables["status"], status)
    tables["spent"] = _merge(current.tables["spent"], update.tables["spent"], SPENT_KEY)
    return PlanData(dict(current.plan), tables, update.file_name, update.sha256)


def _merge(current: pa.Table, incoming: pa.Table, fields: tuple[str, ...]) -> pa.Table:
    """The incoming rows after the current ones, which they replace where they have the same key fields."""

    def key(t: pa.Table) -> list[tuple]:
        return list(zip(*(t[f].to_pylist() for f in fields), strict=True))

    replaced = set(key(incoming))
    keep = pa.array([k not in replaced for k in key(current)], pa.bool_())
    return _append(current.filter(keep), incoming)


def _append(current: pa.Table, incoming: pa.Table) -> pa.Table:
    """Rows after the current ones: row numbers continue, so "the last row applies" still holds."""
    start = (pc.max(current["row_no"]).as_py() or 1) if current.num_rows else 1
    rows = pa.array(range(start + 1, start + 1 + incoming.num_rows), pa.int32())
    incoming = incoming.select(current.column_names).cast(current.schema)
    incoming = incoming.set_column(incoming.schema.get_field_index("row_no"), "row_no", rows)
    return pa.concat_tables([current, incoming])
