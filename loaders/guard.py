"""Checks an untrusted .xlsx before any parser sees it: magic bytes, zip limits, XML bombs, sheet extents."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import defusedxml.ElementTree as SafeET

from .problems import Problem, column_index, column_letter

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 200 * MB
    max_entries: int = 1000
    max_total_uncompressed: int = 2048 * MB
    max_ratio: int = 200  # checked on parts larger than ratio_floor
    ratio_floor: int = 1 * MB
    max_rows: int = 1_048_576  # Excel's own limit
    max_cols: int = 64  # the template uses 16 at most; a wide range is how dimension bombs allocate
    chunk: int = 4 * MB


DEFAULT_LIMITS = Limits()

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"

_ROW = re.compile(rb'<row\b[^>]*?\br="(\d+)"')
_MERGE = re.compile(rb'<mergeCell ref="([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"')
_DIMENSION = re.compile(rb'<dimension ref="([A-Z]{1,3})?(\d+)?(?::([A-Z]{1,3})(\d+))?"')
_DOCTYPE = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_OVERLAP = 8192  # bytes kept between chunks so a pattern split by a chunk edge is still seen


@dataclass
class SheetScan:
    path: str
    header_row: int | None = None  # the first row that holds a value
    max_row: int = 0
    max_col: int = 0
    formulas_without_value: dict[str, None] = field(default_factory=dict)  # ordered set of refs
    merges: dict[str, tuple[int, int]] = field(default_factory=dict)  # ref → (first row, last row)


@dataclass
class GuardResult:
    problems: list[Problem]
    sheets: dict[str, SheetScan] = field(default_factory=dict)  # by sheet name


def sniff(data: bytes) -> str | None:
    """Name what a non-xlsx file is from its first bytes, or None for a zip container."""
    if not data:
        return "file_empty"
    if data.startswith(OLE_MAGIC):
        return "file_encrypted" if _ENCRYPTED in data[: 4 * MB] else "file_xls"
    if data.startswith(ZIP_MAGIC):
        return None
    head = data[:4096]
    try:
        head.decode("utf-8")
        text = True
    except UnicodeDecodeError:
        # A cut in the middle of a multi-byte character is still text.
        text = _mostly_text(head)
    return "file_text" if text and b"\x00" not in head else "file_not_xlsx"


def _mostly_text(head: bytes) -> bool:
    printable = sum(32 <= b < 127 or b in (9, 10, 13) or b >= 0xC0 for b in head)
    return printable / max(1, len(head)) > 0.95


def size_problem(size: int, file: str, limits: Limits = DEFAULT_LIMITS) -> Problem | None:
    """The one upload-size check: file_too_large for a file of size bytes over the limit, else None."""
    if size <= limits.max_file_bytes:
        return None
    return Problem(file, "", "", "", "file_too_large", {"size": size // MB, "limit": limits.max_file_bytes // MB})


def check(data: bytes, file: str, sheet_names: list[str] | None = None, limits: Limits = DEFAULT_LIMITS) -> GuardResult:
    """Run every pre-parse check on an uploaded file; return problems and per-sheet scans."""

    def fail(code: str, **params) -> GuardResult:
        return GuardResult([Problem(file, "", "", "", code, params)])

    too_large = size_problem(len(data), file, limits)
    if too_large is not None:
        return GuardResult([too_large])
    kind = sniff(data)
    if kind:
        return fail(kind)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        return fail("file_corrupt", detail=type(exc).__name__)
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            return fail("file_docx")
        return fail("file_not_xlsx")
    if len(infos) > limits.max_entries:
        return fail("zip_too_many_entries", count=len(infos), limit=limits.max_entries)
    total = sum(i.file_size for i in infos)
    if total > limits.max_total_uncompressed:
        return fail("zip_too_large", size=total // MB, limit=limits.max_total_uncompressed // MB)
    for info in infos:
        if info.file_size > limits.ratio_floor:
            ratio = info.file_size / max(1, info.compress_size)
            if ratio > limits.max_ratio:
                return fail("zip_ratio", part=info.filename, ratio=int(ratio), limit=limits.max_ratio)

    try:
        sheet_paths = _sheet_paths(zf)
        # An Excel 4 macro sheet (XLM) has no place in a plan and is a known way to ship macros in a
        # file named .xlsx; the parser cannot read such a workbook, so say so rather than "damaged".
        macro = [n for n, p in sheet_paths.items() if _is_macro_part(p)]
        if macro or any(_is_macro_part(n) for n in names):
            part = next((n for n in names if _is_macro_part(n)), "")
            return fail("file_macrosheet", name=macro[0] if macro else PurePosixPath(part).name)
        result = GuardResult([])
        wanted = set(sheet_names) if sheet_names is not None else set(sheet_paths)
        # A sheet listed in the workbook whose part is absent would read as an empty sheet.
        absent = sorted(n for n, p in sheet_paths.items() if n in wanted and p not in names)
        if absent:
            return GuardResult([Problem(file, n, "", "", "sheet_content_missing", {"name": n}) for n in absent])
        for info in infos:
            if not info.filename.endswith((".xml", ".rels", ".vml")):
                continue
            scan_sheet = next((n for n, p in sheet_paths.items() if p == info.filename and n in wanted), None)
            try:
                scan = _scan_part(zf, info, limits, SheetScan(info.filename) if scan_sheet else None)
            except _Layout as exc:
                raise _Layout(exc.code, scan_sheet or "") from None
            if scan is False:
                return fail("xml_entities")
            if scan_sheet and isinstance(scan, SheetScan):
                result.sheets[scan_sheet] = scan
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, KeyError, SafeET.ParseError) as exc:
        return fail("file_corrupt", detail=type(exc).__name__)
    except _Layout as exc:
        return GuardResult([Problem(file, exc.sheet, "", "", exc.code, {"name": exc.sheet})])

    for name, scan in result.sheets.items():
        if scan.max_row > limits.max_rows or scan.max_col >= limits.max_cols:
            ref = f"A1:{column_letter(max(scan.max_col, 0))}{scan.max_row}"
            result.problems.append(
                Problem(
                    file,
                    name,
                    "",
                    "",
                    "sheet_too_large",
                    {"ref": ref, "rows": limits.max_rows, "cols": limits.max_cols},
                )
            )
    return result


class _Layout(Exception):
    """A sheet part in a form Excel does not write; code is the problem's catalogue code."""

    def __init__(self, code: str, sheet: str = ""):
        super().__init__(code)
        self.code, self.sheet = code, sheet


def _is_macro_part(path: str) -> bool:
    return path.lower().startswith("xl/macrosheets/")


def _sheet_paths(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → path of its XML part, from workbook.xml and its relationships."""
    for part in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
        if _DOCTYPE.search(zf.read(part)[:65536]):
            raise _Layout("xml_entities")
    wb = SafeET.fromstring(zf.read("xl/workbook.xml"), forbid_dtd=True)
    rels = SafeET.fromstring(zf.read("xl/_rels/workbook.xml.rels"), forbid_dtd=True)
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_NS_PKG_REL}Relationship")}
    out = {}
    for sheet in wb.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_NS_REL}id"), "")
        path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        out[sheet.get("name", "")] = path
    return out


def _scan_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, scan: SheetScan | None):
    """Stream one XML part: reject DTDs everywhere; for a data sheet, record its extents."""
    read = 0
    saw_sheetdata = False
    tail = b""
    with zf.open(info) as fh:
        chunk = fh.read(limits.chunk)
        while chunk:
            following = fh.read(limits.chunk)  # one chunk ahead, to know which is the last
            read += len(chunk)
            if read > info.file_size:  # the stream is longer than the directory claims
                raise zipfile.BadZipFile("size mismatch")
            buf = tail + chunk
            if scan is None:
                if _DOCTYPE.search(buf):
                    return False
            else:
                if scan.header_row is None:  # the prolog may span chunks when they are small
                    _scan_prolog(buf, scan)
                saw_sheetdata = saw_sheetdata or b"<sheetData" in buf
                # Matches starting in [start, end) belong to this chunk; later ones to the next,
                # whose overlap repeats them, so each is handled once and sees its whole cell.
                end = len(buf) if not following else len(buf) - _OVERLAP // 2
                if _scan_body(buf, max(0, len(tail) - _OVERLAP // 2), end, scan) is False:
                    return False
            tail = buf[-_OVERLAP:]
            chunk = following
    if scan is not None and read and not saw_sheetdata:
        raise _Layout("layout_no_cells")
    return scan if scan is not None else True


# One pass finds everything unusual in a sheet: DTD markers, formulas, and cells that lack a
# reference or lie beyond column Z or row ~1 050 000. Ordinary cells (<c r="B12" …) never match.
_UNUSUAL = re.compile(rb'<!(?:DOCTYPE|ENTITY)|<f[ >/]|<c(?:>| (?!r="[A-Z](?:\d{1,6}|10[0-4]\d{4})"))')
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')


def _scan_prolog(buf: bytes, scan: SheetScan) -> None:
    if (m := _DIMENSION.search(buf)) and m[3] and m[4]:
        scan.max_row = max(scan.max_row, int(m[4]))
        scan.max_col = max(scan.max_col, column_index(m[3].decode()))
    first_value = min((i for i in (buf.find(b"<v>"), buf.find(b"<v "), buf.find(b"<is>")) if i >= 0), default=-1)
    if first_value >= 0:
        row_start = buf.rfind(b"<row ", 0, first_value)
        m = _ROW.match(buf, row_start) if row_start >= 0 else None
        scan.header_row = int(m[1]) if m else 0


def _scan_body(buf: bytes, start: int, end: int, scan: SheetScan):
    for m in _UNUSUAL.finditer(buf, start, end):
        token = m[0]
        if token.startswith(b"<!"):
            return False
        if token.startswith(b"<f"):
            _formula(buf, m.start(), scan)
            continue
        tag_end = buf.find(b">", m.start())
        ref = _REF.search(buf, m.start(), tag_end if tag_end >= 0 else len(buf))
        if tag_end < 0:
            raise _Layout("sheet_damaged")  # the part ends inside a tag: cut off or broken
        if ref is None:
            # Without a reference a cell's position is implicit; a file could widen the range
            # unseen, so such files are refused.
            raise _Layout("layout_cells_unplaced")
        scan.max_col = max(scan.max_col, column_index(ref[1].decode()))
        scan.max_row = max(scan.max_row, int(ref[2]))
    if b"<mergeCell " in buf[start:end]:
        for c1, r1, c2, r2 in _MERGE.findall(buf, start, end):
            merged = f"{c1.decode()}{r1.decode()}" + (f":{c2.decode()}{r2.decode()}" if c2 else "")
            scan.merges.setdefault(merged, (int(r1), int(r2 or r1)))
    return True


def _formula(buf: bytes, pos: int, scan: SheetScan) -> None:
    """Record the cell holding the formula at pos if it has no (or an empty) cached value."""
    cell_start = buf.rfind(b"<c ", 0, pos)
    cell_end = buf.find(b"</c>", pos)
    if cell_start < 0:
        return
    segment = buf[pos : cell_end if cell_end >= 0 else len(buf)]
    value = re.search(rb"<v>([^<]+)</v>", segment)
    if value is None:
        ref = _REF.search(buf, cell_start, pos)
        if ref:
            scan.formulas_without_value.setdefault(f"{ref[1].decode()}{ref[2].decode()}", None)
