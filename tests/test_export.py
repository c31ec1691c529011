"""Exports: neutralised formula-looking cells in Excel and CSV, formats, BOM, and the filters sheet."""

import io
from datetime import date

import openpyxl
import pandas as pd
import pytest

from dashboard.export import neutralise, to_csv, to_excel

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


def test_excel_cells_never_become_formulas():
    data = to_excel(
        frame(), "Aktiviteter", [("Filter", "=evil()"), ("Exporterad", "2026-11-21")], "Filter", {"Belopp": "#,##0.0"}
    )
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["Aktiviteter"]
    # OOXML stores a carriage return as _x000D_; openpyxl hands the escape back as it is.
    values = [ws.cell(row=r, column=1).value.replace("_x000D_", "\r") for r in range(2, 2 + len(HOSTILE))]
    assert values == ["'" + v for v in HOSTILE]
    assert all(ws.cell(row=r, column=1).data_type == "s" for r in range(2, 2 + len(HOSTILE)))
    assert ws.cell(row=1, column=4).value == "'=Rubrik"
    assert wb["Filter"]["B1"].value == "'=evil()"


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
