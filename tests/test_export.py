"""Exports: text that stays text in Excel and CSV, CSV numbers as Swedish Excel reads them, formats, BOM, filters sheet."""

import io
from datetime import date

import openpyxl
import pandas as pd
import pytest

from dashboard.reports.export import neutralise, to_csv, to_excel
from tests.conftest import SWEDISH_CSV, convert

pytestmark = pytest.mark.slow  # seconds of work: handed out before the quick files (tests/conftest.py)

HOSTILE = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR", '=HYPERLINK("http://x","y")']


@pytest.mark.parametrize("value", HOSTILE)
def test_neutralise(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Mentorpar", "3.1.1", "", "1 100 tkr", "a=b"])
def test_ordinary_text_is_left_alone(value):
    assert neutralise(value) == value


def frame():
    return pd.DataFrame({
        "Aktivitet": HOSTILE,
        "Belopp": [1000.5, 2, 3, 4, 5, 6, 7],
        "Start": [pd.Timestamp(2016, 2, 1)] + [pd.NaT] * 6,
        "=Rubrik": ["x"] * 7,
    })  # fmt: skip


def test_excel_cells_never_become_formulas_and_show_no_apostrophe():
    data = to_excel(
        frame(), "Aktiviteter", [("Filter", "=evil()"), ("Exporterad", "2026-11-21")], "Filter", {"Belopp": "#,##0.0"}
    )
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["Aktiviteter"]
    # OOXML stores a carriage return as _x000D_; openpyxl hands the escape back as it is.
    values = [ws.cell(row=r, column=1).value.replace("_x000D_", "\r") for r in range(2, 2 + len(HOSTILE))]
    # A string cell is never a formula: the text is exactly what was exported, no apostrophe shown.
    assert values == HOSTILE
    assert all(ws.cell(row=r, column=1).data_type == "s" for r in range(2, 2 + len(HOSTILE)))
    assert ws.cell(row=1, column=4).value == "=Rubrik"
    assert wb["Filter"]["B1"].value == "=evil()" and wb["Filter"]["B1"].data_type == "s"


def test_excel_text_is_text_in_libreoffice(tmp_path, soffice):
    df = pd.DataFrame({"Enhet": ["+International Office", "=1+1", "@cmd"], "Belopp": [890.0, 1.5, 2.0]})
    path = tmp_path / "export.xlsx"
    path.write_bytes(to_excel(df, "Aktiviteter", [("Filter", "=1+1")], "Filter"))
    # What LibreOffice holds once it has opened the file, cell by cell: nothing evaluated, no apostrophe.
    wb = openpyxl.load_workbook(convert(soffice, path, "xlsx"))
    rows = list(wb["Aktiviteter"].iter_rows(min_row=2, values_only=True))
    assert rows == [("+International Office", 890), ("=1+1", 1.5), ("@cmd", 2)]
    assert [c.data_type for c in wb["Aktiviteter"]["A"][1:]] == ["s", "s", "s"]
    assert wb["Filter"]["B1"].value == "=1+1"


def test_excel_formatting():
    wb = openpyxl.load_workbook(io.BytesIO(to_excel(frame(), "Aktiviteter", [], "Filter", {"Belopp": "#,##0.0"})))
    ws = wb["Aktiviteter"]
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.bold
    assert ws["B2"].value == 1000.5 and ws["B2"].number_format == "#,##0.0"
    assert ws["C2"].value.date() == date(2016, 2, 1) and ws["C2"].number_format == "yyyy-mm-dd"
    assert ws["C3"].value is None
    assert ws.column_dimensions["A"].width > 8
    assert ws.auto_filter.ref


def test_csv_bom_separator_and_neutralised():
    data = to_csv(frame())
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    rows = text.splitlines()
    assert rows[0].split(";")[-1] == "'=Rubrik"
    assert "'=1+1" in text and "'@cmd" in text and "'+SUM(A1)" in text
    assert "\n=" not in text and ";=" not in text


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (890.0, "890"),
        (890000, "890000"),
        (1.5, "1,5"),
        (1000.5, "1000,5"),
        (-2.25, "-2,25"),
        (0.1 + 0.2, "0,3"),
        (1e16, "10000000000000000"),
        (float("nan"), ""),
        (None, ""),
    ],
)
def test_csv_numbers_are_whole_or_have_a_decimal_comma(value, cell):
    data = to_csv(pd.DataFrame({"Belopp": [value], "Text": ["x"]}))
    assert data.decode("utf-8-sig").splitlines()[1] == f"{cell};x"


def test_csv_dates_are_iso_dates():
    df = pd.DataFrame({"Start": [pd.Timestamp(2016, 2, 1), pd.NaT], "Text": ["a", "b"]})
    assert to_csv(df).decode("utf-8-sig").splitlines()[1:] == ["2016-02-01;a", ";b"]


def test_csv_as_swedish_libreoffice_reads_it(tmp_path, soffice):
    """The CSV opened in LibreOffice Calc with a Swedish locale: amounts are numbers, text stays text,
    and nothing is evaluated."""
    df = pd.DataFrame({
        "Enhet": ["+International Office", "=1+1", "Mentorpar; 3.1.1"],
        "Belopp (kr)": [890000, 1200, 0],
        "Budget (tkr)": [890.0, 1.5, 1000.5],
        "Start": pd.to_datetime(["2016-02-01", None, "2017-12-31"]),
        "Anteckning": ['Sagt "ja"', "-", "rad ett\nrad två"],
    })  # fmt: skip
    path = tmp_path / "export.csv"
    path.write_bytes(to_csv(df))
    wb = openpyxl.load_workbook(convert(soffice, path, "xlsx", SWEDISH_CSV))
    ws = wb.active
    assert [c.value for c in ws[1]] == list(df.columns)
    assert [c.value for c in ws["B"][1:]] == [890000, 1200, 0]
    assert [c.value for c in ws["C"][1:]] == [890, 1.5, 1000.5]
    assert all(c.data_type == "n" for c in ws["B"][1:] + ws["C"][1:])
    assert [c.value.date() if c.value else None for c in ws["D"][1:]] == [date(2016, 2, 1), None, date(2017, 12, 31)]
    # Text is text, a formula-looking one with the apostrophe that kept it from running.
    assert [c.value for c in ws["A"][1:]] == ["'+International Office", "'=1+1", "Mentorpar; 3.1.1"]
    assert [c.value for c in ws["E"][1:]] == ['Sagt "ja"', "'-", "rad ett\nrad två"]
    assert all(c.data_type == "s" for c in ws["A"][1:] + ws["E"][1:])
