"""Exports of the table a user is looking at: Excel (formatted, with a filters sheet) and CSV (UTF-8 with BOM)."""

from __future__ import annotations

import io
import math
from datetime import date, datetime

import numpy as np
import pandas as pd
import xlsxwriter

# A cell starting with one of these is a formula to Excel or LibreOffice (CSV/formula injection).
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Prefix text that a spreadsheet would run as a formula with an apostrophe; leave the rest.

    For CSV only: a CSV cell has no type, so the spreadsheet guesses. An .xlsx string cell is never a
    formula, and there the apostrophe would only be shown."""
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        return "'" + value
    return value


def _csv_cell(value) -> str:
    """One CSV cell as Swedish Excel reads it: 890 and 1,5 as numbers, dates as ISO dates, text neutralised."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        if not math.isfinite(value):
            return ""
        # Positional (never 1e+16), at most 15 significant digits (what a spreadsheet keeps), no
        # trailing ".0": "890.0" is text to Swedish Excel, "890" is a number.
        text = np.format_float_positional(float(value), precision=15, unique=True, fractional=False, trim="-")
        return text.replace(".", ",")
    if isinstance(value, pd.Timestamp | datetime):
        if value.hour or value.minute or value.second:
            return value.strftime("%Y-%m-%d %H:%M:%S")
        return value.strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


def to_csv(df: pd.DataFrame) -> bytes:
    """UTF-8 with BOM, so Excel opens Swedish characters correctly; semicolons and decimal commas, as
    Swedish Excel expects."""
    cells = pd.DataFrame(
        {j: [_csv_cell(v) for v in df.iloc[:, j].astype(object)] for j in range(df.shape[1])}, index=df.index
    )
    cells.columns = [neutralise(str(c)) for c in df.columns]
    return cells.to_csv(index=False, sep=";").encode("utf-8-sig")


def to_excel(
    df: pd.DataFrame,
    sheet_name: str,
    about: list[tuple[str, str]],
    about_sheet: str,
    number_formats: dict[str, str] | None = None,
) -> bytes:
    """One formatted sheet of rows (bold header, widths, number formats, frozen header, autofilter)
    and one sheet stating the filters, the time and the data version."""
    # No neutralising here: every text cell is written with write_string, and a string cell is never
    # a formula, so "=1+1" stays those four characters, without an apostrophe in sight.
    number_formats = number_formats or {}
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    header = wb.add_format(
        {"bold": True, "bg_color": "#1F4E79", "font_color": "#FFFFFF", "text_wrap": True, "valign": "top"}
    )
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    formats = {c: wb.add_format({"num_format": f}) for c, f in number_formats.items()}
    ws = wb.add_worksheet(sheet_name[:31])
    for j, col in enumerate(df.columns):
        ws.write_string(0, j, str(col), header)
        values = df.iloc[:, j]
        width = max([len(str(col))] + [len(str(v)) for v in values.head(200) if v is not None])
        ws.set_column(j, j, min(max(width + 2, 8), 60))
        for i, v in enumerate(values, start=1):
            _write(ws, i, j, v, formats.get(col), date_fmt)
    ws.freeze_panes(1, 0)
    ws.set_row(0, 32)
    if len(df.columns):
        ws.autofilter(0, 0, max(len(df), 1), len(df.columns) - 1)
    info = wb.add_worksheet(about_sheet[:31])
    info.set_column(0, 0, 28)
    info.set_column(1, 1, 90)
    for i, (k, v) in enumerate(about):
        info.write_string(i, 0, str(k), header)
        info.write_string(i, 1, str(v))
    wb.close()
    return buf.getvalue()


def _write(ws, r: int, c: int, v, fmt, date_fmt) -> None:
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NaT or v is pd.NA:
        return
    if isinstance(v, pd.Timestamp | datetime):
        ws.write_datetime(r, c, v.to_pydatetime() if isinstance(v, pd.Timestamp) else v, date_fmt)
    elif isinstance(v, date):
        ws.write_datetime(r, c, datetime(v.year, v.month, v.day), date_fmt)
    elif isinstance(v, bool):
        ws.write_boolean(r, c, v)
    elif isinstance(v, int | float) and not isinstance(v, bool):
        ws.write_number(r, c, v, fmt)
    else:
        # write_string, never write(): text stays text however it begins.
        ws.write_string(r, c, str(v))
