"""Hostile and broken files end in a clear problem before any parser allocates anything."""

import io
import os
import subprocess
import sys
import zipfile

import openpyxl
import pytest

from loaders import guard
from loaders.guard import DEFAULT_LIMITS, Limits
from loaders.problems import WorkbookInvalid
from loaders.service import read_file
from tests.conftest import ROOT, codes, problems_of, write_plan


def _rewrite(path, part: str, change) -> bytes:
    """Return the workbook's bytes with one zip part replaced by change(old_bytes)."""
    src = zipfile.ZipFile(path)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info.filename, change(data) if info.filename == part else data)
    return out.getvalue()


def _sheet_part(path, sheet_name: str) -> str:
    return guard._sheet_paths(zipfile.ZipFile(path))[sheet_name]


def _problem_codes(data: bytes, tmp_path, name="upload.xlsx") -> list[str]:
    path = tmp_path / name
    path.write_bytes(data)
    return codes(problems_of(path))


def test_legacy_xls_renamed(tmp_path):
    data = guard.OLE_MAGIC + os.urandom(2000)
    assert _problem_codes(data, tmp_path) == ["file_xls"]


def test_encrypted_workbook(tmp_path):
    # Excel stores a password-protected .xlsx as an OLE file holding an "EncryptedPackage" stream.
    data = guard.OLE_MAGIC + b"\x00" * 600 + "EncryptedPackage".encode("utf-16-le") + os.urandom(500)
    assert _problem_codes(data, tmp_path) == ["file_encrypted"]


def test_csv_renamed(tmp_path):
    assert _problem_codes(b"Aktivitet;Belopp\nA1;100 000 kr\n", tmp_path) == ["file_text"]


def test_docx_renamed(tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    assert _problem_codes(out.getvalue(), tmp_path) == ["file_docx"]


def test_random_bytes(tmp_path):
    data = bytes([0x89, 0x00, 0xFF, 0xFE]) + os.urandom(4096)
    assert _problem_codes(data, tmp_path) == ["file_not_xlsx"]


def test_empty_file(tmp_path):
    assert _problem_codes(b"", tmp_path) == ["file_empty"]


def test_truncated_zip(tmp_path):
    data = write_plan(tmp_path).read_bytes()
    assert _problem_codes(data[: len(data) // 2], tmp_path, "cut.xlsx") == ["file_corrupt"]


def test_corrupted_part(tmp_path):
    data = bytearray(write_plan(tmp_path).read_bytes())
    data[200:260] = os.urandom(60)  # inside the first part's compressed data
    assert _problem_codes(bytes(data), tmp_path, "bad.xlsx") == ["file_corrupt"]


def test_zip_bomb_ratio(tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\x20" * (50 * 1024 * 1024))  # 50 MB → ~50 kB
    assert _problem_codes(out.getvalue(), tmp_path) == ["zip_ratio"]


def test_zip_too_many_entries(tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        for i in range(1001):
            z.writestr(f"xl/media/x{i}.bin", b"")
    assert _problem_codes(out.getvalue(), tmp_path) == ["zip_too_many_entries"]


def test_zip_total_size_limit(tmp_path):
    data = write_plan(tmp_path).read_bytes()
    result = guard.check(data, "x.xlsx", limits=Limits(max_total_uncompressed=10_000))
    assert codes(result.problems) == ["zip_too_large"]


def test_file_size_limit(tmp_path):
    data = write_plan(tmp_path).read_bytes()
    result = guard.check(data, "x.xlsx", limits=Limits(max_file_bytes=1000))
    assert codes(result.problems) == ["file_too_large"]


def test_one_size_check_allows_the_limit_and_refuses_one_byte_over():
    limit = DEFAULT_LIMITS.max_file_bytes
    assert guard.size_problem(limit, "x.xlsx") is None
    over = guard.size_problem(limit + 1, "x.xlsx")
    assert (over.file, over.code, over.params) == ("x.xlsx", "file_too_large", {"size": 200, "limit": 200})
    assert guard.size_problem(1001, "x.xlsx", Limits(max_file_bytes=1000)).code == "file_too_large"


def test_the_loader_refuses_a_file_over_the_limit_before_reading_it(tmp_path):
    path = tmp_path / "stor.xlsx"
    with path.open("wb") as fh:
        fh.truncate(DEFAULT_LIMITS.max_file_bytes + 1)  # sparse: costs no disk and no time
    with pytest.raises(WorkbookInvalid) as info:
        read_file(path)
    assert [(p.file, p.code) for p in info.value.problems] == [("stor.xlsx", "file_too_large")]


def test_xml_entity_bomb(tmp_path):
    path = write_plan(tmp_path)
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    data = _rewrite(path, "xl/sharedStrings.xml", lambda old: bomb + old.split(b"?>", 1)[-1])
    assert _problem_codes(data, tmp_path) == ["xml_entities"]


def test_dimension_claims_huge_range(tmp_path):
    path = write_plan(tmp_path)
    part = _sheet_part(path, "Budget")
    data = _rewrite(
        path, part, lambda old: old.replace(b'<dimension ref="A1:H4"/>', b'<dimension ref="A1:XFD1048576"/>')
    )
    assert b"XFD1048576" in zipfile.ZipFile(io.BytesIO(data)).read(part)
    assert _problem_codes(data, tmp_path) == ["sheet_too_large"]


def test_cell_at_xfd1048576_does_not_take_the_process_down(tmp_path):
    path = write_plan(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["Budget"]["XFD1048576"] = "x"
    wb.save(path)
    # In a child process: if the guard ever let this through, calamine would abort the whole
    # interpreter, and the test must report that rather than vanish with it.
    code = (
        "import sys; from loaders.problems import WorkbookInvalid; from loaders.workbook import read_plan\n"
        f"try:\n    read_plan(open({str(path)!r}, 'rb').read(), 'x.xlsx')\n"
        "except WorkbookInvalid as e:\n    print([p.code for p in e.problems])\n"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "['sheet_too_large']"


def test_cells_without_references_are_refused(tmp_path):
    path = write_plan(tmp_path)
    part = _sheet_part(path, "Mål")
    data = _rewrite(path, part, lambda old: old.replace(b'<c r="C2"', b"<c", 1))
    assert _problem_codes(data, tmp_path) == ["layout_cells_unplaced"]


def _messages(data: bytes, tmp_path) -> list[str]:
    path = tmp_path / "upload.xlsx"
    path.write_bytes(data)
    return [p.message(lang) for p in problems_of(path) for lang in ("sv", "en")]


def test_layout_messages_are_plain_words_in_both_languages(tmp_path):
    path = write_plan(tmp_path)
    part = _sheet_part(path, "Mål")
    unplaced = _rewrite(path, part, lambda old: old.replace(b'<c r="C2"', b"<c", 1))
    no_cells = _rewrite(
        path, part, lambda old: old.replace(b"<sheetData>", b"<data>").replace(b"</sheetData>", b"</data>")
    )
    for data in (unplaced, no_cells):
        sv, en = _messages(data, tmp_path)
        assert "Mål" in sv and "Mål" in en and "spara den igen" in sv and "save it again" in en
        for jargon in ("sheetData", "XML", "element", "references", "detail"):
            assert jargon not in sv and jargon not in en


@pytest.mark.parametrize(
    "change",
    [lambda old: old[: len(old) // 2], lambda old: old.replace(b"</sheetData>", b"</sheetDat>")],
    ids=["cut-off", "broken-tag"],
)
def test_broken_sheet_xml_is_a_damaged_sheet_not_missing_columns(tmp_path, change):
    path = write_plan(tmp_path)
    data = _rewrite(path, _sheet_part(path, "Budget"), change)
    (tmp_path / "upload.xlsx").write_bytes(data)
    problems = problems_of(tmp_path / "upload.xlsx")
    assert codes(problems) == ["sheet_damaged"]
    assert problems[0].message("sv").startswith("Bladet Budget är skadat")
    assert problems[0].message("en").startswith("The sheet Budget is damaged")


def test_missing_sheet_part_is_a_damaged_file_not_missing_columns(tmp_path):
    path = write_plan(tmp_path)
    part = _sheet_part(path, "Budget")
    src = zipfile.ZipFile(path)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename != part:
                dst.writestr(info.filename, src.read(info))
    (tmp_path / "upload.xlsx").write_bytes(out.getvalue())
    problems = problems_of(tmp_path / "upload.xlsx")
    assert codes(problems) == ["sheet_content_missing"] and problems[0].sheet == "Budget"
    assert "Bladet Budget" in problems[0].message("sv") and "The sheet Budget" in problems[0].message("en")


@pytest.mark.parametrize("chunk", [7, 64, 1000])
def test_scan_is_exact_across_chunk_edges(tmp_path, chunk):
    # A tiny chunk size puts chunk edges inside tags; the scan must see the same sheet.
    data = write_plan(tmp_path).read_bytes()
    small = guard.check(data, "x.xlsx", limits=Limits(chunk=chunk))
    normal = guard.check(data, "x.xlsx")
    assert small.problems == [] and normal.problems == []
    for name, scan in normal.sheets.items():
        assert (small.sheets[name].max_row, small.sheets[name].header_row) == (scan.max_row, scan.header_row)


def test_defusedxml_is_active():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True


def _isolated_problems(data: bytes, name: str) -> list:
    from loaders.problems import WorkbookInvalid
    from loaders.workbook import read_plan

    with pytest.raises(WorkbookInvalid) as info:
        read_plan(data, name, isolate=True)
    return info.value.problems


_PARSER_WORDS = ("/tmp", "plans-parse", "workbook.xlsx", "could not load", "Calamine", "Error", "?")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_an_unreadable_workbook_is_explained_without_a_server_path(tmp_path, lang):
    from tests.conftest import hostile_files

    data = hostile_files(tmp_path)["file_unreadable"]
    for problems in (_isolated_problems(data, "plan.xlsx"), problems_of(_write(tmp_path, data))):
        assert codes(problems) == ["file_unreadable"]
        message = problems[0].message(lang)
        assert not any(w in message for w in _PARSER_WORDS), message
        assert ("Excel" in message) and (".xlsx" in message)


def test_a_truncated_file_is_explained_without_parser_words(tmp_path):
    data = write_plan(tmp_path).read_bytes()
    for lang in ("sv", "en"):
        (problem,) = problems_of(_write(tmp_path, data[: len(data) // 2]))
        assert problem.code == "file_corrupt"
        assert not any(w in problem.message(lang) for w in ("BadZipFile", "Error", "{"))


def test_an_excel4_macro_sheet_is_named_in_plain_words(tmp_path):
    from tests.conftest import with_macro_sheet

    data = with_macro_sheet(write_plan(tmp_path).read_bytes())
    for problems in (_isolated_problems(data, "plan.xlsx"), problems_of(_write(tmp_path, data))):
        assert codes(problems) == ["file_macrosheet"]
        assert "macro sheet (Excel 4 macro, Makro1)" in problems[0].message("en")
        assert "makroblad (Excel 4-makro, Makro1)" in problems[0].message("sv")
        assert "damaged" not in problems[0].message("en")


def test_a_macro_sheet_part_without_a_sheet_entry_is_refused_too(tmp_path):
    path = write_plan(tmp_path)
    out = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        dst.writestr("xl/macrosheets/sheet1.xml", "<xm:macrosheet/>")
    assert codes(guard.check(out.getvalue(), "x.xlsx").problems) == ["file_macrosheet"]


def _write(tmp_path, data: bytes, name: str = "upload.xlsx"):
    path = tmp_path / name
    path.write_bytes(data)
    return path
