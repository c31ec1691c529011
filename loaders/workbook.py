"""Read a plan workbook and validate it: every problem at once, or typed tables ready to load."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import fastexcel
import pyarrow as pa
import pyarrow.compute as pc

from . import guard, parse, sandbox
from .problems import Problem, Step, WorkbookInvalid, column_letter
from .template import SHEETS, Sheet

log = logging.getLogger(__name__)

MAX_PROBLEMS = 500  # enough to fix a file by; a broken million-row sheet must not flood the user
MAX_TEXT = 20_000

_ARROW_TYPES = {
    "text": pa.string(),
    "id": pa.string(),
    "ref": pa.string(),
    "id_list": pa.list_(pa.string()),
    "date": pa.date32(),
    "year": pa.int32(),
    "amount": pa.int64(),
    "number": pa.float64(),
    "status": pa.string(),
    "line_kind": pa.string(),
    "email": pa.string(),
}


@dataclass
class PlanData:
    """A validated plan: the plan row plus one Arrow table per sheet, in template field names."""

    plan: dict
    tables: dict[str, pa.Table]
    file_name: str = ""
    sha256: str = ""
    # sheet key → field → column letter in the uploaded file, so later checks can name the cell.
    letters: dict = field(default_factory=dict)

    @property
    def plan_id(self) -> str:
        return self.plan["plan_id"]


@dataclass
class _Ctx:
    file: str
    problems: list[Problem] = field(default_factory=list)
    dropped: int = 0

    def add(self, sheet: str, cell: str, value, code: str, **params) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            self.dropped += 1
            return
        text = "" if value is None else str(value)
        self.problems.append(Problem(self.file, sheet, cell, text[:200], code, params))


def read_plan(
    data: bytes,
    file_name: str,
    *,
    isolate: bool = False,
    prestart_next: bool = False,
    progress: Callable[[str], None] | None = None,
    sheets: tuple[Sheet, ...] = SHEETS,
) -> PlanData:
    """Guard, read and validate one workbook; raise WorkbookInvalid with every problem found.

    isolate=True parses in a memory- and time-limited worker process while this process runs the
    guard's scan of the same bytes; the worker is killed as soon as the guard rejects the file.
    sheets=UPDATE_SHEETS reads an outcome/status update instead of a whole plan.
    """
    ctx = _Ctx(file_name)
    names = [s.name for s in sheets]
    by_name = {s.name: s for s in sheets}
    worker: sandbox.Worker | None = None
    out_dir: Path | None = None
    if isolate:
        # The worker parses a private copy of exactly the bytes the guard checks, never the
        # original file, which could change in between.
        out_dir = sandbox.new_out_dir()
        (out_dir / "workbook.xlsx").write_bytes(data)
        try:
            worker = sandbox.take_worker()
        except sandbox.SandboxFailed as exc:
            sandbox.remove_out_dir(out_dir)
            raise WorkbookInvalid([_sandbox_problem(exc, file_name)]) from exc
        worker.start(out_dir / "workbook.xlsx", names, out_dir)
        if prestart_next:
            # The next file's worker starts its imports now, on the other core, while this file is parsed.
            sandbox.prestart()
    try:
        checked = guard.check(data, file_name, names)
        if checked.problems:
            raise WorkbookInvalid(checked.problems)
        parsed_sheets = (
            _sheets_isolated(worker, out_dir, file_name)
            if worker is not None and out_dir is not None
            else _sheets_here(data, file_name, names)
        )
        # Each sheet is checked as it arrives, so the small ones are done while the big one parses.
        raw: dict[str, _Raw] = {}
        tables: dict[str, dict] = {}
        for name, parsed in parsed_sheets:
            sheet = by_name[name]
            if parsed is None and sheet.optional:
                parsed = _no_rows(sheet)  # a file from before the sheet existed states none of it
            if parsed is None:
                ctx.add(sheet.name, "", "", "sheet_missing", name=sheet.name)
                continue
            got = _read_sheet(parsed, sheet, checked.sheets.get(sheet.name), ctx)
            if got is not None:
                raw[sheet.key] = got
                tables[sheet.key] = _convert(got, ctx)
                if progress and len(got.rows) >= 10_000:
                    progress(
                        Step("rows_read", file=file_name, sheet=sheet.name, rows=f"{len(got.rows):,}".replace(",", " "))
                    )
    finally:
        if worker is not None and out_dir is not None:
            worker.kill()
            sandbox.remove_out_dir(out_dir)  # mapped files stay readable until their tables are freed

    plan: dict = {}
    if len(raw) == len(sheets) and sheets is SHEETS:
        plan = _check_plan(tables, raw, ctx)
        _check_references(tables, raw, ctx)
        _derive_dates(tables, raw, ctx)
    elif len(raw) == len(sheets) and "plan" in raw:  # an update; a contacts workbook has no Plan sheet
        plan = _check_plan_rows(tables, raw, ctx)
    if ctx.problems:
        if ctx.dropped:
            ctx.problems.append(Problem(file_name, "", "", "", "more_problems", {"count": ctx.dropped}))
        raise WorkbookInvalid(ctx.problems)
    out = {k: _finish(v, raw[k]) for k, v in tables.items() if k != "plan"}
    letters = {k: r.letters for k, r in raw.items()}
    return PlanData(plan, out, file_name, hashlib.sha256(data).hexdigest(), letters)


def _sheets_here(data: bytes, file_name: str, names: list[str]) -> Iterator[tuple[str, sandbox.ParsedSheet | None]]:
    try:
        reader = fastexcel.read_excel(data)
        present = set(reader.sheet_names)
    except Exception as exc:  # calamine reports broken parts with many error types
        log.info("parser refused %s: %s", file_name, exc)
        raise WorkbookInvalid([Problem(file_name, "", "", "", "file_unreadable", {})]) from exc
    for name in names:
        if name not in present:
            yield name, None
            continue
        try:
            sheet = reader.load_sheet(name, header_row=0, dtypes="string")
            batch = pa.Table.from_batches([sheet.to_arrow()])
            cols = [
                {"name": c.name, "index": c.index, "absolute_index": c.absolute_index}
                for c in sheet.available_columns()
            ]
        except fastexcel.FastExcelError:
            batch, cols = pa.table({}), []  # an empty sheet has no header row to find
        yield name, sandbox.ParsedSheet(batch, cols)


def _no_rows(sheet: Sheet) -> sandbox.ParsedSheet:
    """An optional sheet the file lacks, read as its header row alone."""
    batch = pa.table({c.header: pa.array([], pa.string()) for c in sheet.columns})
    cols = [{"name": c.header, "index": j, "absolute_index": j} for j, c in enumerate(sheet.columns)]
    return sandbox.ParsedSheet(batch, cols)


def _sheets_isolated(worker, out_dir: Path, file_name: str) -> Iterator[tuple[str, sandbox.ParsedSheet | None]]:
    try:
        yield from worker.sheets(out_dir)
    except sandbox.SandboxFailed as exc:
        raise WorkbookInvalid([_sandbox_problem(exc, file_name)]) from exc


_SANDBOX_CODES = {"limits": "parse_limits", "start": "parse_start", "unreadable": "file_unreadable"}


def _sandbox_problem(exc: sandbox.SandboxFailed, file_name: str) -> Problem:
    """The worker's failure in plain words; its own last words (paths, parser internals) go to the log only."""
    log.info("parse worker failed (%s) on %s: %s", exc.reason, file_name, exc.detail)
    params = {"memory": exc.limits.memory_mb, "seconds": exc.limits.cpu_s}
    return Problem(file_name, "", "", "", _SANDBOX_CODES[exc.reason], params)


# ---------------------------------------------------------------------------- reading


@dataclass
class _Raw:
    sheet: Sheet
    columns: dict[str, pa.Array]  # template key → string array, empty rows removed
    letters: dict[str, str]  # template key → column letter in the file
    rows: pa.Array  # Excel row number of each kept row


def _read_sheet(parsed: sandbox.ParsedSheet, sheet: Sheet, scan: guard.SheetScan | None, ctx: _Ctx) -> _Raw | None:
    batch, infos = parsed.batch, parsed.columns
    if not infos and scan is not None and scan.max_row > 0:
        # The pre-scan saw cells the parser could not read: the sheet's XML is broken, not empty.
        ctx.add(sheet.name, "", "", "sheet_damaged", name=sheet.name)
        return None
    if not infos:
        for j, col in enumerate(sheet.columns):
            ctx.add(sheet.name, f"{sheet.name}!{column_letter(j)}1", "", "column_missing", column=col.header)
        return None
    if (scan is not None and scan.header_row not in (None, 1)) or infos[0]["absolute_index"] != 0:
        ctx.add(sheet.name, f"{sheet.name}!A1", "", "header_not_row1")
        return None
    by_header = {_norm(i["name"]): i for i in infos}
    columns, letters, missing = {}, {}, False
    for col in sheet.columns:
        info = by_header.get(_norm(col.header))
        if info is None and col.optional:
            columns[col.key] = pa.nulls(batch.num_rows, pa.string())  # a file from before the column existed
            continue
        if info is None:
            ctx.add(sheet.name, f"{sheet.name}!1", "", "column_missing", column=col.header)
            missing = True
            continue
        columns[col.key] = batch.column(info["index"]).combine_chunks()
        letters[col.key] = column_letter(info["absolute_index"])
    if missing:
        return None
    n = batch.num_rows
    rows = pa.array(range(2, n + 2), pa.int32())
    columns = {k: _clean(v) for k, v in columns.items()}
    # Rows where every template column is empty are spacing, not data.
    filled = [pc.is_valid(arr) for arr in columns.values() if arr.null_count < len(arr)]
    if not filled:  # only blank cells (e.g. formatting) below the header
        columns = {k: v.slice(0, 0) for k, v in columns.items()}
        rows = rows.slice(0, 0)
    else:
        nonempty = filled[0]
        for mask in filled[1:]:
            nonempty = pc.or_(nonempty, mask)
        if not pc.all(nonempty).as_py():
            columns = {k: pc.filter(v, nonempty) for k, v in columns.items()}
            rows = pc.filter(rows, nonempty)
    if scan is not None:
        for ref in scan.formulas_without_value:
            ctx.add(sheet.name, f"{sheet.name}!{ref}", "", "formula_no_value")
        for ref, (_first, last) in scan.merges.items():
            if last >= 2:
                ctx.add(sheet.name, f"{sheet.name}!{ref.split(':')[0]}", "", "merged_cells", ref=ref)
    return _Raw(sheet, columns, letters, rows)


def _clean(arr: pa.Array) -> pa.Array:
    """Trimmed text, with blank cells as nulls (each column is trimmed once, here)."""
    if arr.null_count == len(arr):
        return arr
    text = pc.utf8_trim_whitespace(arr)
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


def _norm(header: str) -> str:
    return re.sub(r"\s+", " ", str(header)).strip().lower()


# ---------------------------------------------------------------------------- converting


def _convert(raw: _Raw, ctx: _Ctx) -> dict[str, pa.Array]:
    out = {}
    for col in raw.sheet.columns:
        text = raw.columns[col.key]
        out[col.key] = _CONVERTERS[col.kind](text, raw, col, ctx)
        if col.required:
            for i in _indices(pc.is_null(out[col.key])):
                if text[i].is_valid:
                    continue  # the value was there but did not parse: reported already
                ctx.add(raw.sheet.name, _cell(raw, col.key, i), "", "required", column=col.header)
    return out


def _cell(raw: _Raw, key: str, i: int) -> str:
    return f"{raw.sheet.name}!{raw.letters[key]}{raw.rows[i].as_py()}"


def _indices(mask: pa.Array) -> list[int]:
    return pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist()


def _text(text: pa.Array, raw: _Raw, col, ctx: _Ctx) -> pa.Array:
    limit = col.max_length or MAX_TEXT
    too_long = pc.greater(pc.utf8_length(text), limit)
    for i in _indices(too_long):
        v = text[i].as_py()
        ctx.add(raw.sheet.name, _cell(raw, col.key, i), v[:50], "cell_too_long", length=len(v), limit=limit)
    return text


def _parsed(fast: str | None, cast: Callable[[pa.Array], pa.Array] | None, slow: Callable, out_type: pa.DataType):
    """A converter: cells matching the `fast` regex are cast in bulk, the rest parsed one distinct value at a time."""

    def convert(text: pa.Array, raw: _Raw, col, ctx: _Ctx) -> pa.Array:
        if fast is not None and cast is not None:
            is_fast = pc.fill_null(pc.match_substring_regex(text, fast), False)
            fast_values = cast(pc.if_else(is_fast, text, pa.scalar(None, pa.string())))
            # A value that looks fast but does not cast (an impossible date such as 2016-13-45)
            # goes the slow way, which names the problem with its cell.
            is_fast = pc.and_(is_fast, pc.is_valid(fast_values))
            rest = pc.if_else(is_fast, pa.scalar(None, pa.string()), text)
        else:
            fast_values, rest = pa.nulls(len(text), out_type), text
        if rest.null_count == len(rest):
            return fast_values.cast(out_type)
        parsed, errors = {}, {}
        for value in pc.unique(rest.drop_null()).to_pylist():
            try:
                parsed[value] = slow(value)
            except parse.ParseError as exc:
                errors[value] = exc.args[0]
        if errors:
            for i in _indices(pc.is_in(rest, value_set=pa.array(list(errors), pa.string()))):
                v = rest[i].as_py()
                ctx.add(raw.sheet.name, _cell(raw, col.key, i), v, errors[v])
        keys = list(parsed)
        slow_values = pc.take(
            pa.array([parsed[k] for k in keys], out_type), pc.index_in(rest, pa.array(keys, pa.string()))
        )
        return pc.coalesce(fast_values.cast(out_type), slow_values)

    return convert


def _cast_int(text: pa.Array) -> pa.Array:
    return pc.cast(pc.replace_substring_regex(text, r"\.0+$", ""), pa.int64())


def _cast_date(text: pa.Array) -> pa.Array:
    """Dates in bulk; null where the text is no real date in the accepted range (the slow path says why)."""
    day = pc.utf8_slice_codeunits(text, 0, 10)
    dates = pc.cast(pc.strptime(day, "%Y-%m-%d", "s", error_is_null=True), pa.date32())
    # strptime rolls an impossible day over (2012-02-30 becomes 2012-03-01). Only days 29–31 can
    # be impossible in a valid month, so those few go the slow, exact way (per distinct value);
    # formatting every date back to text to compare would cost seconds per million rows.
    late_in_month = pc.greater_equal(pc.utf8_slice_codeunits(text, 8, 10), "29")
    in_range = pc.and_(
        pc.greater_equal(dates, pa.scalar(parse.DATE_MIN, pa.date32())),
        pc.less_equal(dates, pa.scalar(parse.DATE_MAX, pa.date32())),
    )
    return pc.if_else(pc.and_(pc.invert(late_in_month), in_range), dates, pa.scalar(None, pa.date32()))


def _amount_total(text: str) -> int:
    return parse.parse_amount(text).total


def _id_list(text: pa.Array, raw: _Raw, col, ctx: _Ctx) -> pa.Array:
    return pa.array([parse.parse_id_list(v) if v is not None else [] for v in text.to_pylist()], pa.list_(pa.string()))


_CONVERTERS: dict[str, Callable] = {
    "text": _text,
    "id": _text,
    "ref": _text,
    "id_list": _id_list,
    "date": _parsed(r"^\d{4}-\d{2}-\d{2}( 00:00:00)?$", _cast_date, parse.parse_date, pa.date32()),
    "year": _parsed(None, None, parse.parse_year, pa.int32()),
    "amount": _parsed(r"^\d{1,15}(\.0+)?$", _cast_int, _amount_total, pa.int64()),
    "number": _parsed(
        r"^-?\d{1,15}(\.\d{1,15})?$", lambda t: pc.cast(t, pa.float64()), parse.parse_number, pa.float64()
    ),
    "status": _parsed(None, None, parse.parse_status, pa.string()),
    "line_kind": _parsed(None, None, parse.parse_line_kind, pa.string()),
    "email": _parsed(None, None, parse.parse_email, pa.string()),
}


# ---------------------------------------------------------------------------- cross-checks


def _check_plan(tables: dict, raw: dict, ctx: _Ctx) -> dict:
    plan = _check_plan_rows(tables, raw, ctx)
    if plan:
        _check_order(tables["plan"], raw["plan"], "period_start", "period_end", ctx)
    return plan


def _check_plan_rows(tables: dict, raw: dict, ctx: _Ctx) -> dict:
    plan_rows = len(raw["plan"].rows)
    if plan_rows != 1:
        ctx.add("Plan", "Plan!A2", "", "plan_rows", count=plan_rows)
        return {}
    return {k: v[0].as_py() for k, v in tables["plan"].items()}


def _check_order(cols: dict, raw: _Raw, start_key: str, end_key: str, ctx: _Ctx) -> None:
    start, end = cols[start_key], cols[end_key]
    for i in _indices(pc.less(end, start)):
        ctx.add(
            raw.sheet.name,
            _cell(raw, end_key, i),
            end[i].as_py(),
            "end_before_start",
            start=start[i].as_py(),
            end=end[i].as_py(),
        )


def _check_references(tables: dict, raw: dict, ctx: _Ctx) -> None:
    ids = {}
    for key, id_key in (("goals", "goal_id"), ("activities", "activity_id"), ("targets", "target_id")):
        col = tables[key][id_key]
        ids[key] = col
        _check_unique(col, raw[key], id_key, ctx)

    def refs(sheet_key: str, col_key: str, target: str, code: str) -> None:
        col = tables[sheet_key][col_key]
        unknown = pc.and_(pc.is_valid(col), pc.invert(pc.is_in(col, value_set=ids[target].drop_null())))
        for i in _indices(unknown):
            ctx.add(raw[sheet_key].sheet.name, _cell(raw[sheet_key], col_key, i), col[i].as_py(), code)

    refs("goals", "parent_goal_id", "goals", "unknown_goal")
    refs("budget", "activity_id", "activities", "unknown_activity")
    refs("targets", "activity_id", "activities", "unknown_activity")
    refs("targets", "goal_id", "goals", "unknown_goal")
    refs("targets", "part_of", "targets", "unknown_target")
    refs("target_values", "target_id", "targets", "unknown_target")
    refs("status", "activity_id", "activities", "unknown_activity")
    refs("spent", "activity_id", "activities", "unknown_activity")

    goals = tables["goals"]
    for i in _indices(pc.equal(goals["parent_goal_id"], goals["goal_id"])):
        ctx.add("Mål", _cell(raw["goals"], "parent_goal_id", i), goals["goal_id"][i].as_py(), "self_reference")
    known_goals = set(ids["goals"].drop_null().to_pylist())
    for i, goal_list in enumerate(tables["activities"]["goal_ids"].to_pylist()):
        for g in goal_list:
            if g not in known_goals:
                ctx.add("Aktiviteter", _cell(raw["activities"], "goal_ids", i), g, "unknown_goal")

    budget = tables["budget"]
    no_amount = pc.and_(pc.is_null(budget["amount_sek"]), pc.is_null(budget["source_text"]))
    # A cell that held text which did not parse was reported already; only truly empty ones here.
    for i in _indices(pc.and_(no_amount, pc.is_null(raw["budget"].columns["amount_sek"]))):
        ctx.add("Budget", _cell(raw["budget"], "amount_sek", i), "", "amount_missing")


def _check_unique(col: pa.Array, raw: _Raw, key: str, ctx: _Ctx) -> None:
    counts = pc.value_counts(col.drop_null())
    dup = [
        v for v, c in zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist(), strict=True) if c > 1
    ]
    if not dup:
        return
    header = raw.sheet.column(key).header
    first_row: dict[str, int] = {}
    for i in _indices(pc.is_in(col, value_set=pa.array(dup, pa.string()))):
        v, row = col[i].as_py(), raw.rows[i].as_py()
        if v in first_row:
            ctx.add(raw.sheet.name, _cell(raw, key, i), v, "duplicate_id", column=header, other=first_row[v])
        else:
            first_row[v] = row


def _derive_dates(tables: dict, raw: dict, ctx: _Ctx) -> None:
    """Activities with no dates but a period text get the dates the text states."""
    acts = tables["activities"]
    texts = acts["period_text"].to_pylist()
    starts, ends = acts["start_date"].to_pylist(), acts["end_date"].to_pylist()
    changed = False
    for i, text in enumerate(texts):
        if text and starts[i] is None and ends[i] is None:
            try:
                period = parse.parse_period(text)
            except parse.ParseError:
                continue  # prose such as "årligen": the text stands, the dates stay empty
            starts[i], ends[i], changed = period.start, period.end, True
    if changed:
        acts["start_date"] = pa.array(starts, pa.date32())
        acts["end_date"] = pa.array(ends, pa.date32())
    _check_order(acts, raw["activities"], "start_date", "end_date", ctx)


def _finish(cols: dict[str, pa.Array], raw: _Raw) -> pa.Table:
    """Typed table in template order, plus the Excel row (for ordering and traceability)."""
    arrays = {c.key: cols[c.key] for c in raw.sheet.columns}
    arrays["row_no"] = raw.rows
    if raw.sheet.key == "budget":
        arrays["kind"] = pc.fill_null(cols["kind"], "budget")
        arrays["amount_parts"] = _amount_parts(raw.columns["amount_sek"], cols["source_text"], cols["amount_sek"])
    return pa.table(arrays)


def _amount_parts(raw_amount: pa.Array, source: pa.Array, total: pa.Array) -> pa.Array:
    """Keep the terms of a sum ("225 tkr + 265 tkr") when the amount or its original text is one."""
    has_plus = pc.fill_null(
        pc.or_(pc.match_substring(raw_amount, "+"), pc.match_substring(source, "+")),
        False,
    )
    if not pc.any(has_plus).as_py():
        return pa.nulls(len(total), pa.list_(pa.int64()))
    parts = []
    for plus, amount_text, src, tot in zip(
        has_plus.to_pylist(), raw_amount.to_pylist(), source.to_pylist(), total.to_pylist(), strict=True
    ):
        found = None
        if plus:
            for candidate in (amount_text, src):
                try:
                    a = parse.parse_amount(candidate) if candidate else None
                except parse.ParseError:
                    a = None
                if a and a.parts and a.total == tot:
                    found = list(a.parts)
                    break
        parts.append(found)
    return pa.array(parts, pa.list_(pa.int64()))
